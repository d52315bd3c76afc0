//! The expert pool, conflicts and assignment, by hand and automatic.

use super::*;

// ---------------------------------------------------------------------------------------------
// Tests

async fn the_pool_and_conflicts_keep_experts_off_their_conflicts(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let a = org(&app, 1, "440305").await;
    let b = org(&app, 2, "440106").await;
    let conflicted = user(&app, "conflicted", Role::Expert, None).await;
    let colleague = user(&app, "colleague", Role::Expert, Some(a.0)).await;
    let free = user(&app, "free", Role::Expert, None).await;
    let app_a = application(&app, a, "manufacturing", "甲案例").await;
    let app_b = application(&app, b, "manufacturing", "乙案例").await;
    let owner = browser(&app, "owner").await;
    let experts = format!("/owner/{CALL}/experts");

    for name in ["conflicted", "colleague", "free"] {
        let (status, to) = post(
            &app,
            &owner,
            &experts,
            &[("action", "add"), ("username", name)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    }
    // Unknown and non-expert accounts are refused with a message, keeping what was typed.
    let (status, html) = post(
        &app,
        &owner,
        &experts,
        &[("action", "add"), ("username", "nobody_here")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("找不到该用户名的账号"), "{html}");
    assert!(html.contains("value=\"nobody_here\""));
    let (status, html) = post(
        &app,
        &owner,
        &experts,
        &[("action", "add"), ("username", "applicant1")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("该账号不是评审专家账号"));
    assert_eq!(app.store.pool_experts(CALL).await.expect("pool").len(), 3);

    // A conflict by USCC; an unknown USCC is refused.
    let (status, html) = post(
        &app,
        &owner,
        &experts,
        &[
            ("action", "conflict"),
            ("expert", "conflicted"),
            ("uscc", "91440300MA5F999999"),
            ("reason", "亲属任职"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("找不到该统一社会信用代码对应的申报单位"));
    assert!(html.contains("亲属任职"), "the reason typed is kept");
    let (status, _) = post(
        &app,
        &owner,
        &experts,
        &[
            ("action", "conflict"),
            ("expert", "conflicted"),
            ("uscc", &uscc(1)),
            ("reason", "亲属任职"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&owner, &experts).await;
    assert!(page.contains("测试单位1") && page.contains("亲属任职"));

    // By hand: the conflicted expert and the colleague are refused for a's application.
    let assign = format!("/owner/{CALL}/assignments/assign");
    let id_a = app_a.to_string();
    for name in ["conflicted", "colleague"] {
        let (status, html) = post(
            &app,
            &owner,
            &assign,
            &[("application", &id_a), ("username", name)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(html.contains("存在回避关系"), "{html}");
    }
    let (status, _) = post(
        &app,
        &owner,
        &assign,
        &[("application", &id_a), ("username", "free")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = post(
        &app,
        &owner,
        &assign,
        &[("application", &id_a), ("username", "free")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("该专家已分配到这件申报"));
    // An expert outside the pool, and an application not at the owner level, are refused.
    user(&app, "outsider", Role::Expert, None).await;
    let (status, html) = post(
        &app,
        &owner,
        &assign,
        &[
            ("application", &app_b.to_string()),
            ("username", "outsider"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不在本通知的专家库中"));
    let (status, _) = post(
        &app,
        &owner,
        &assign,
        &[("application", "999999"), ("username", "free")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Automatic: three experts each, where possible.
    let (status, html) = post(
        &app,
        &owner,
        &format!("/owner/{CALL}/assignments/auto"),
        &[("per_application", "3"), ("direction", "")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("本次新分配评审任务：3"), "{html}");
    assert!(html.contains("未能分配满"));
    let on_a: Vec<i64> = app
        .store
        .experts_of_applications(&[app_a])
        .await
        .expect("experts")
        .iter()
        .map(|e| e.expert_id)
        .collect();
    assert_eq!(on_a, vec![free]);
    let on_b: Vec<i64> = app
        .store
        .experts_of_applications(&[app_b])
        .await
        .expect("experts")
        .iter()
        .map(|e| e.expert_id)
        .collect();
    assert_eq!(on_b, vec![conflicted, colleague, free]);
    // The assignments page shows each application's experts.
    let (_, page) = app.get(&owner, &format!("/owner/{CALL}/assignments")).await;
    let line = row(&page, "app", app_b);
    assert!(line.contains("乙案例") && line.contains("conflicted") && line.contains("未提交"));
    // A bad number is refused with a message.
    let (status, html) = post(
        &app,
        &owner,
        &format!("/owner/{CALL}/assignments/auto"),
        &[("per_application", "0")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("1 到 20 之间的整数"));
}

async fn automatic_assignment_balances_the_load(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let mut apps = Vec::new();
    let mut orgs = Vec::new();
    for n in 1..=7 {
        let o = org(&app, n, "440305").await;
        orgs.push(o);
        apps.push(application(&app, o, "manufacturing", &format!("案例{n}")).await);
    }
    let mut experts = Vec::new();
    for n in 1..=5 {
        // Expert 1 works for organisation 1.
        let employer = (n == 1).then_some(orgs[0].0);
        let id = user(&app, &format!("expert{n}"), Role::Expert, employer).await;
        app.store
            .add_pool_expert(CALL, id, common::NOW)
            .await
            .expect("pool");
        experts.push(id);
    }
    let owner = browser(&app, "owner").await;
    let (status, html) = post(
        &app,
        &owner,
        &format!("/owner/{CALL}/assignments/auto"),
        &[("per_application", "3"), ("direction", "manufacturing")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("本次新分配评审任务：21"), "{html}");
    assert!(!html.contains("未能分配满"));
    let loads: Vec<i64> = app
        .store
        .pool_experts(CALL)
        .await
        .expect("pool")
        .iter()
        .map(|p| p.assigned)
        .collect();
    assert_eq!(loads.iter().sum::<i64>(), 21);
    assert!(
        loads.iter().max().unwrap_or(&0) - loads.iter().min().unwrap_or(&0) <= 1,
        "{loads:?}"
    );
    let on_first: Vec<i64> = app
        .store
        .experts_of_applications(&[apps[0]])
        .await
        .expect("experts")
        .iter()
        .map(|e| e.expert_id)
        .collect();
    assert_eq!(on_first.len(), 3);
    assert!(
        !on_first.contains(&experts[0]),
        "never the applicant's own expert"
    );
    // The pool page shows each expert's load.
    let (_, page) = app.get(&owner, &format!("/owner/{CALL}/experts")).await;
    assert!(page.contains("class=\"load\">4<") || page.contains("class=\"load\">5<"));
}

shenbao_store::on_both_databases!(
    the_pool_and_conflicts_keep_experts_off_their_conflicts,
    automatic_assignment_balances_the_load,
);
