//! The owner's and the experts' side over real HTTP, on SQLite and (in CI) PostgreSQL: the
//! expert pool and conflicts, assignment by hand and automatic (balanced, never where
//! conflicted), the experts' score sheets (own assignments only, frozen once submitted, bad
//! scores refused without losing the draft), the ranking with known numbers, selection by
//! cut-off, publication and the public results, and the role checks.

mod common;

use common::{App, csrf_of, location};
use reqwest::StatusCode;
use shenbao_store::testing::{TestDb, place_at_owner_level};
use shenbao_store::{
    ApplicationEvent, NewApplication, NewAssignment, NewAttachment, NewOrganisation, NewSnapshot,
    NewUser, Role,
};

shenbao_store::on_both_databases!(
    the_pool_and_conflicts_keep_experts_off_their_conflicts,
    automatic_assignment_balances_the_load,
    experts_score_only_their_own_assignments_and_submission_freezes,
    the_ranking_shows_known_numbers_and_selection_publication_and_results_follow,
    after_publication_scores_assignments_and_selection_are_frozen,
    only_owners_may_use_the_owner_pages,
    an_owner_with_a_region_owns_only_the_calls_within_it,
);

const CALL: &str = "gd-2023-ai-scenarios";
const PASSWORD: &str = "secret-123";

// ---------------------------------------------------------------------------------------------
// Set-up

fn new_user(username: &str, role: Role, organisation_id: Option<i64>) -> NewUser {
    NewUser {
        username: username.into(),
        password_hash: shenbao_web::auth::hash_password(PASSWORD).expect("hash"),
        display_name: format!("{username}名"),
        role,
        organisation_id,
        scope_region: None,
        scope_sector: None,
        email: None,
        created_at: common::NOW,
    }
}

/// An organisation with an applicant account; returns (organisation id, applicant id).
async fn org(app: &App, n: u32, region: &str) -> (i64, i64) {
    let (o, u) = app
        .store
        .register_applicant(
            &NewOrganisation {
                uscc: format!("91440300MA5F{n:06}"),
                name: format!("测试单位{n}"),
                region: region.into(),
                created_at: common::NOW,
            },
            &new_user(&format!("applicant{n}"), Role::Applicant, None),
        )
        .await
        .expect("organisation");
    (o.id, u.id)
}

fn uscc(n: u32) -> String {
    format!("91440300MA5F{n:06}")
}

async fn user(app: &App, username: &str, role: Role, organisation_id: Option<i64>) -> i64 {
    app.store
        .create_user(&new_user(username, role, organisation_id))
        .await
        .expect("user")
        .id
}

/// A logged-in browser.
async fn browser(app: &App, username: &str) -> reqwest::Client {
    let b = app.browser();
    assert_eq!(
        app.login(&b, username, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    b
}

fn event() -> ApplicationEvent {
    ApplicationEvent {
        at: common::NOW,
        actor_user_id: None,
        actor_ip: None,
        note: None,
    }
}

/// A submitted application of `organisation` that has reached the owner, titled `title`.
async fn application(app: &App, organisation: (i64, i64), direction: &str, title: &str) -> i64 {
    let created = app
        .store
        .create_application(
            &NewApplication {
                call_id: CALL.into(),
                direction: direction.into(),
                subdirection: None,
                organisation_id: organisation.0,
                created_by: organisation.1,
                answers: "{}".into(),
                created_at: common::NOW,
            },
            &event(),
        )
        .await
        .expect("create");
    app.store
        .submit_application(
            created.id,
            1,
            &shenbao_store::Submission {
                from_status: shenbao_store::ApplicationStatus::Draft,
                level: "city".into(),
                unit: "370100".into(),
                sector: None,
                title: None,
            },
            &NewSnapshot {
                version: 1,
                answers: "{}".into(),
                files: "[]".into(),
                content_hash: "00".into(),
            },
            &event(),
        )
        .await
        .expect("submit");
    place_at_owner_level(&app.store, created.id, "province", title).await;
    created.id
}

/// Posts `fields` to `path` with the browser's CSRF token.
async fn post(
    app: &App,
    b: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (_, html) = app.get(b, "/account").await;
    let csrf = csrf_of(&html);
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = b.post(app.url(path)).form(&all).send().await.expect("post");
    let status = r.status();
    let loc = location(&r);
    let body = r.text().await.expect("body");
    (status, if loc.is_empty() { body } else { loc })
}

async fn status_of(app: &App, id: i64) -> String {
    app.store
        .application(id)
        .await
        .expect("read")
        .expect("exists")
        .status
        .as_str()
        .to_string()
}

/// The `<tr id="{prefix}-{id}" …>…</tr>` row of a page.
fn row<'h>(html: &'h str, prefix: &str, id: i64) -> &'h str {
    let start = html
        .find(&format!("id=\"{prefix}-{id}\""))
        .unwrap_or_else(|| panic!("row {prefix}-{id} on the page"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// Four scores of the gd call's criteria, all `v` (weights 25% each, max 100: total `v`).
fn sheet(v: f64) -> String {
    format!(
        "{{\"innovation\":{v},\"application_value\":{v},\"demonstration\":{v},\"market_prospect\":{v}}}"
    )
}

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

async fn experts_score_only_their_own_assignments_and_submission_freezes(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let o = org(&app, 1, "440305").await;
    let alice = user(&app, "alice", Role::Expert, None).await;
    let bob = user(&app, "bob", Role::Expert, None).await;
    // An application with one attached file.
    let created = app
        .store
        .create_application(
            &NewApplication {
                call_id: CALL.into(),
                direction: "manufacturing".into(),
                subdirection: None,
                organisation_id: o.0,
                created_by: o.1,
                answers: "{}".into(),
                created_at: common::NOW,
            },
            &event(),
        )
        .await
        .expect("create");
    let key = format!("{CALL}/{}/evidence", created.id);
    let path = app.files.path().join(&key);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(&path, b"%PDF-1.7\nevidence").expect("file");
    let file = app
        .store
        .add_attachment(&NewAttachment {
            application_id: created.id,
            slot: "application_form".into(),
            original_name: "证明材料.pdf".into(),
            storage_key: key,
            size: 17,
            sha256: "00".into(),
            file_type: "pdf".into(),
            created_at: common::NOW,
            uploaded_by: o.1,
        })
        .await
        .expect("attachment");
    app.store
        .submit_application(
            created.id,
            1,
            &shenbao_store::Submission {
                from_status: shenbao_store::ApplicationStatus::Draft,
                level: "city".into(),
                unit: "370100".into(),
                sector: None,
                title: None,
            },
            &NewSnapshot {
                version: 1,
                answers: "{}".into(),
                files: format!(
                    "[{{\"id\":{},\"slot\":\"application_form\",\"name\":\"证明材料.pdf\"}}]",
                    file.id
                ),
                content_hash: "00".into(),
            },
            &event(),
        )
        .await
        .expect("submit");
    place_at_owner_level(&app.store, created.id, "province", "智能工厂案例").await;
    let mut ids = Vec::new();
    for expert in [alice, bob] {
        ids.push(
            app.store
                .assign_expert(&NewAssignment {
                    application_id: created.id,
                    expert_id: expert,
                    assigned_at: common::NOW,
                    assigned_by: 1,
                })
                .await
                .expect("assign")
                .id,
        );
    }
    let (mine, theirs) = (ids[0], ids[1]);
    app.store
        .submit_scores(
            theirs,
            bob,
            &sheet(77.5),
            "{\"\":\"专家乙的独特评语\"}",
            common::NOW,
        )
        .await
        .expect("bob submits");

    let b = browser(&app, "alice").await;
    let (status, list) = app.get(&b, "/expert").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("智能工厂案例") && list.contains("待评分"));
    assert_eq!(
        app.get(&b, &format!("/expert/assignments/{theirs}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let here = format!("/expert/assignments/{mine}");
    let (status, page) = app.get(&b, &here).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("创新性") || page.contains("innovation"),
        "criteria shown"
    );
    assert!(!page.contains("专家乙的独特评语") && !page.contains("77.5"));
    // The submitted file, to this expert only.
    let r = b
        .get(app.url(&format!("{here}/files/{}", file.id)))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.bytes().await.expect("bytes").as_ref(),
        b"%PDF-1.7\nevidence"
    );
    assert_eq!(
        app.get(
            &b,
            &format!("/expert/assignments/{theirs}/files/{}", file.id)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    // A draft, then a score above the maximum: refused, the draft kept.
    let (status, _) = post(
        &app,
        &b,
        &here,
        &[
            ("action", "save"),
            ("score.innovation", "80"),
            ("comment.innovation", "创新明显"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = post(
        &app,
        &b,
        &here,
        &[
            ("action", "save"),
            ("score.innovation", "120"),
            ("score.demonstration", "abc"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("的得分应在0至100分之间"), "{html}");
    assert!(html.contains("评分须为数字"));
    assert!(html.contains("value=\"120\""), "what was typed comes back");
    let kept = app
        .store
        .assignment(mine)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(kept.scores.as_deref(), Some("{\"innovation\":80.0}"));
    assert!(kept.comments.as_deref().unwrap_or("").contains("创新明显"));
    assert!(app.get(&b, "/expert").await.1.contains("已保存"));

    // Submission needs every criterion and the confirmation.
    let full = [
        ("action", "submit"),
        ("score.innovation", "80"),
        ("score.application_value", "70"),
        ("score.demonstration", "60"),
        ("score.market_prospect", "90"),
        ("comment", "总体较好"),
    ];
    let (status, html) = post(&app, &b, &here, &full[..2]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("”打分"));
    let (status, html) = post(&app, &b, &here, &full).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("提交前请勾选确认"));
    let mut confirmed = full.to_vec();
    confirmed.push(("confirm", "1"));
    let (status, _) = post(&app, &b, &here, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&b, &here).await;
    assert!(page.contains("评分已提交"));
    assert!(page.contains("class=\"total\">75.00<"), "weighted total");
    assert!(!page.contains("name=\"score.innovation\""), "read-only now");

    // Frozen: no change, no recusal.
    let (status, html) = post(
        &app,
        &b,
        &here,
        &[("action", "save"), ("score.innovation", "10")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("评分已提交，不能修改"));
    let (status, _) = post(&app, &b, &format!("{here}/recuse"), &[("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let after = app
        .store
        .assignment(mine)
        .await
        .expect("read")
        .expect("row");
    assert!(
        after
            .scores
            .as_deref()
            .unwrap_or("")
            .contains("\"innovation\":80")
    );
    assert!(after.submitted_at.is_some());

    // Recusal on another, unsubmitted assignment removes it and records the conflict.
    let second = application(&app, o, "medical", "医疗案例").await;
    let other = app
        .store
        .assign_expert(&NewAssignment {
            application_id: second,
            expert_id: alice,
            assigned_at: common::NOW,
            assigned_by: 1,
        })
        .await
        .expect("assign");
    let (status, html) = post(
        &app,
        &b,
        &format!("/expert/assignments/{}/recuse", other.id),
        &[("reason", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请填写回避理由"));
    let (status, to) = post(
        &app,
        &b,
        &format!("/expert/assignments/{}/recuse", other.id),
        &[("reason", "曾为该单位提供咨询")],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/expert?msg=recused")
    );
    assert_eq!(app.store.assignment(other.id).await.expect("read"), None);
    let conflicts = app.store.conflicts(CALL).await.expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0].user_id, conflicts[0].organisation_id),
        (alice, o.0)
    );
}

async fn the_ranking_shows_known_numbers_and_selection_publication_and_results_follow(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let experts = [
        user(&app, "e1", Role::Expert, None).await,
        user(&app, "e2", Role::Expert, None).await,
        user(&app, "e3", Role::Expert, None).await,
    ];
    for e in experts {
        app.store
            .add_pool_expert(CALL, e, common::NOW)
            .await
            .expect("pool");
    }
    // Totals per expert (e1, e2, e3): mean / trimmed mean.
    //   A: 90 80 40 → 70 / 80     B: 70 70 70 → 70 / 70
    //   C: 60 60 90 → 70 / 60     D: 50 50 50 → 50 / 50     E: no sheets
    let plan: [(&str, [f64; 3]); 4] = [
        ("甲案例", [90.0, 80.0, 40.0]),
        ("乙案例", [70.0, 70.0, 70.0]),
        ("丙案例", [60.0, 60.0, 90.0]),
        ("丁案例", [50.0, 50.0, 50.0]),
    ];
    let mut ids = Vec::new();
    for (n, (title, totals)) in plan.iter().enumerate() {
        let o = org(
            &app,
            n as u32 + 1,
            if n % 2 == 0 { "440305" } else { "440106" },
        )
        .await;
        let id = application(&app, o, "manufacturing", title).await;
        for (e, v) in experts.iter().zip(totals) {
            let a = app
                .store
                .assign_expert(&NewAssignment {
                    application_id: id,
                    expert_id: *e,
                    assigned_at: common::NOW,
                    assigned_by: 1,
                })
                .await
                .expect("assign");
            app.store
                .submit_scores(a.id, *e, &sheet(*v), "{}", common::NOW)
                .await
                .expect("scores");
        }
        ids.push(id);
    }
    let unscored = application(
        &app,
        org(&app, 9, "440305").await,
        "manufacturing",
        "戊案例",
    )
    .await;
    let other_direction =
        application(&app, org(&app, 10, "440305").await, "medical", "医疗案例").await;
    let owner = browser(&app, "owner").await;
    let ranking = format!("/owner/{CALL}/ranking");

    // Mean: A, B and C tie at rank 1; D is 4th; E has no rank.
    let (status, page) = app
        .get(&owner, &format!("{ranking}?direction=manufacturing"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for id in &ids[..3] {
        let line = row(&page, "rank", *id);
        assert!(
            line.contains("class=\"rank\">1 <span class=\"badge shut\">并列</span>"),
            "{line}"
        );
        assert!(line.contains("class=\"mean\">70.00<"));
    }
    assert!(row(&page, "rank", ids[0]).contains("class=\"trimmed\">80.00<"));
    assert!(row(&page, "rank", ids[0]).contains("e3名 40.00"));
    assert!(row(&page, "rank", ids[3]).contains("class=\"rank\">4<"));
    assert!(row(&page, "rank", unscored).contains("class=\"rank\">—<"));
    assert!(!page.contains("医疗案例"));

    // Trimmed mean: A, B, C, D in order, no ties.
    let (_, page) = app
        .get(
            &owner,
            &format!("{ranking}?direction=manufacturing&method=trimmed"),
        )
        .await;
    for (n, id) in ids.iter().enumerate() {
        let line = row(&page, "rank", *id);
        assert!(
            line.contains(&format!("class=\"rank\">{}<", n + 1)),
            "{line}"
        );
    }
    assert!(page.find("甲案例") < page.find("乙案例"));

    // Z-scores per expert: e1 90,70,60,50; e2 80,70,60,50; e3 40,70,90,50.
    let z = |v: f64, all: [f64; 4]| {
        let m = all.iter().sum::<f64>() / 4.0;
        let sd = (all.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 4.0).sqrt();
        (v - m) / sd
    };
    let e1 = [90.0, 70.0, 60.0, 50.0];
    let e2 = [80.0, 70.0, 60.0, 50.0];
    let e3 = [40.0, 70.0, 90.0, 50.0];
    let z_a = (z(90.0, e1) + z(80.0, e2) + z(40.0, e3)) / 3.0;
    let z_d = (z(50.0, e1) + z(50.0, e2) + z(50.0, e3)) / 3.0;
    let (_, page) = app
        .get(
            &owner,
            &format!("{ranking}?direction=manufacturing&normalise=1"),
        )
        .await;
    assert!(
        row(&page, "rank", ids[0]).contains(&format!("class=\"z\">{z_a:.3}<")),
        "{}",
        row(&page, "rank", ids[0])
    );
    assert!(row(&page, "rank", ids[3]).contains(&format!("class=\"z\">{z_d:.3}<")));

    // Results are not public yet.
    let anonymous = app.browser();
    let (status, page) = app.get(&anonymous, &format!("/calls/{CALL}/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("结果尚未公布"));
    assert!(!page.contains("甲案例"));

    // Cut-off: a bad one is refused; rank ≤ 2 by trimmed mean selects A and B.
    let select = format!("{ranking}/select");
    let view = [
        ("direction", "manufacturing"),
        ("method", "trimmed"),
        ("normalise", "0"),
    ];
    let mut bad = view.to_vec();
    bad.push(("cutoff", "abc"));
    let (status, html) = post(&app, &owner, &select, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("入选名次须为正整数"));
    assert!(html.contains("value=\"abc\""));
    let mut cut = view.to_vec();
    cut.push(("cutoff", "2"));
    let (status, to) = post(&app, &owner, &select, &cut).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.contains("msg=selected&n=2"), "{to}");
    assert_eq!(status_of(&app, ids[0]).await, "selected");
    assert_eq!(status_of(&app, ids[1]).await, "selected");
    assert_eq!(status_of(&app, ids[2]).await, "submitted");

    // Ticked: D; then undone. An id of another direction is not found.
    let d = ids[3].to_string();
    let mut ticked = view.to_vec();
    ticked.push(("id", &d));
    assert_eq!(
        post(&app, &owner, &select, &ticked).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, ids[3]).await, "selected");
    assert_eq!(
        post(&app, &owner, &format!("{ranking}/unselect"), &[("id", &d)])
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, ids[3]).await, "submitted");
    let medical = other_direction.to_string();
    let mut wrong = view.to_vec();
    wrong.push(("id", &medical));
    assert_eq!(
        post(&app, &owner, &select, &wrong).await.0,
        StatusCode::NOT_FOUND
    );

    // The dashboard counts by city.
    let (_, page) = app.get(&owner, &format!("/owner/{CALL}")).await;
    assert!(
        page.contains("广东省深圳市") && page.contains("广东省广州市"),
        "{page}"
    );

    // Publication needs the confirmation.
    let publish = format!("/owner/{CALL}/publish");
    let (status, page) = app.get(&owner, &publish).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("甲案例") && page.contains("乙案例") && !page.contains("丙案例"));
    let (status, html) = post(&app, &owner, &publish, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请勾选确认后再公布"));
    assert_eq!(app.store.publication(CALL).await.expect("read"), None);
    let (status, _) = post(&app, &owner, &publish, &[("confirm", "1")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The results list exactly the selected, for anyone; the call page links to them.
    let (status, page) = app.get(&anonymous, &format!("/calls/{CALL}/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("甲案例") && page.contains("乙案例"));
    for other in ["丙案例", "丁案例", "戊案例", "医疗案例"] {
        assert!(!page.contains(other), "{other}");
    }
    assert!(page.contains("测试单位1") && page.contains("广东省深圳市南山区"));
    assert!(page.contains("广东省广州市天河区"));
    let (_, call_page) = app.get(&anonymous, &format!("/calls/{CALL}")).await;
    assert!(call_page.contains(&format!("/calls/{CALL}/results")));

    // Nothing changes after publication.
    let locked = "结果已公布";
    let c = ids[2].to_string();
    let a = ids[0].to_string();
    let mut again = view.to_vec();
    again.push(("id", &c));
    for (path, fields) in [
        (select.clone(), again.clone()),
        (format!("{ranking}/unselect"), vec![("id", a.as_str())]),
        (publish.clone(), vec![("confirm", "1")]),
        (
            format!("/owner/{CALL}/assignments/auto"),
            vec![("per_application", "3")],
        ),
        (
            format!("/owner/{CALL}/assignments/assign"),
            vec![("application", c.as_str()), ("username", "e1")],
        ),
    ] {
        let (status, html) = post(&app, &owner, &path, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains(locked), "{path}");
    }
    assert_eq!(status_of(&app, ids[0]).await, "selected");
    assert_eq!(status_of(&app, ids[2]).await, "submitted");
}

/// After publication every score, assignment, selection and the ranking are frozen: an
/// expert's save, submission and recusal are refused with the reason and change nothing, the
/// ranking page stays as published, and the owner can neither select, unselect, assign,
/// unassign, assign automatically nor publish again.
async fn after_publication_scores_assignments_and_selection_are_frozen(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let e1 = user(&app, "e1", Role::Expert, None).await;
    let e2 = user(&app, "e2", Role::Expert, None).await;
    for e in [e1, e2] {
        app.store
            .add_pool_expert(CALL, e, common::NOW)
            .await
            .expect("pool");
    }
    let a = application(
        &app,
        org(&app, 1, "440305").await,
        "manufacturing",
        "甲案例",
    )
    .await;
    let b = application(
        &app,
        org(&app, 2, "440106").await,
        "manufacturing",
        "乙案例",
    )
    .await;
    let assign = |application_id: i64, expert_id: i64| {
        let store = app.store.clone();
        async move {
            store
                .assign_expert(&NewAssignment {
                    application_id,
                    expert_id,
                    assigned_at: common::NOW,
                    assigned_by: 1,
                })
                .await
                .expect("assign")
                .id
        }
    };
    // e1 has scored A (90) and B (60); e2 has a draft on A and nothing yet on B.
    let e1_a = assign(a, e1).await;
    let e1_b = assign(b, e1).await;
    let e2_a = assign(a, e2).await;
    let e2_b = assign(b, e2).await;
    for (id, v) in [(e1_a, 90.0), (e1_b, 60.0)] {
        app.store
            .submit_scores(id, e1, &sheet(v), "{}", common::NOW)
            .await
            .expect("scores");
    }
    app.store
        .save_scores(e2_a, e2, "{\"innovation\":50.0}", "{}", common::NOW)
        .await
        .expect("draft");
    let owner = browser(&app, "owner").await;
    let ranking = format!("/owner/{CALL}/ranking");
    let view = format!("{ranking}?direction=manufacturing");
    let a_text = a.to_string();
    let (status, _) = post(
        &app,
        &owner,
        &format!("{ranking}/select"),
        &[("direction", "manufacturing"), ("id", a_text.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = post(
        &app,
        &owner,
        &format!("/owner/{CALL}/publish"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "published");
    let (_, published) = app.get(&owner, &view).await;
    let ranks = |page: &str| {
        [
            row(page, "rank", a).to_string(),
            row(page, "rank", b).to_string(),
        ]
    };
    let published_ranks = ranks(&published);
    assert!(
        published_ranks[0].contains("class=\"rank\">1<"),
        "{published_ranks:?}"
    );
    let sheets_before = app
        .store
        .submitted_sheets(CALL, "manufacturing")
        .await
        .expect("sheets");
    let assignments = |ids: [i64; 4]| {
        let store = app.store.clone();
        async move {
            let mut rows = Vec::new();
            for id in ids {
                rows.push(store.assignment(id).await.expect("read"));
            }
            rows
        }
    };
    let all = [e1_a, e1_b, e2_a, e2_b];
    let assignments_before = assignments(all).await;

    // The expert: the sheet is read-only with the reason, and every post is refused.
    let expert = browser(&app, "e2").await;
    let (status, page) = app
        .get(&expert, &format!("/expert/assignments/{e2_b}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("评审结果已公布"), "{page}");
    assert!(
        !page.contains("name=\"score.innovation\""),
        "no sheet to fill in"
    );
    let full = [
        ("score.innovation", "100"),
        ("score.application_value", "100"),
        ("score.demonstration", "100"),
        ("score.market_prospect", "100"),
        ("confirm", "1"),
    ];
    for id in [e2_a, e2_b] {
        for action in ["submit", "save"] {
            let mut fields = vec![("action", action)];
            fields.extend_from_slice(&full);
            let (status, html) =
                post(&app, &expert, &format!("/expert/assignments/{id}"), &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{action} {id}");
            assert!(html.contains("评审结果已公布"), "{html}");
        }
        let (status, html) = post(
            &app,
            &expert,
            &format!("/expert/assignments/{id}/recuse"),
            &[("reason", "曾为该单位提供咨询")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "recuse {id}");
        assert!(html.contains("评审结果已公布"), "{html}");
    }
    // An expert's own submitted sheet is refused for the publication too.
    let first = browser(&app, "e1").await;
    let (status, _) = post(
        &app,
        &first,
        &format!("/expert/assignments/{e1_b}"),
        &[("action", "save"), ("score.innovation", "10")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The owner: nothing about the results changes.
    let b_text = b.to_string();
    let e1_b_text = e1_b.to_string();
    for (path, fields) in [
        (
            format!("{ranking}/select"),
            vec![("direction", "manufacturing"), ("id", b_text.as_str())],
        ),
        (
            format!("{ranking}/unselect"),
            vec![("direction", "manufacturing"), ("id", a_text.as_str())],
        ),
        (
            format!("/owner/{CALL}/assignments/assign"),
            vec![("application", b_text.as_str()), ("username", "e1")],
        ),
        (
            format!("/owner/{CALL}/assignments/unassign"),
            vec![("assignment", e1_b_text.as_str())],
        ),
        (
            format!("/owner/{CALL}/assignments/auto"),
            vec![("per_application", "2")],
        ),
        (format!("/owner/{CALL}/publish"), vec![("confirm", "1")]),
    ] {
        let (status, html) = post(&app, &owner, &path, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("结果已公布"), "{path}: {html}");
    }

    assert_eq!(
        assignments(all).await,
        assignments_before,
        "no assignment changed"
    );
    assert_eq!(
        app.store
            .submitted_sheets(CALL, "manufacturing")
            .await
            .expect("sheets"),
        sheets_before
    );
    let (_, after) = app.get(&owner, &view).await;
    assert_eq!(
        ranks(&after),
        published_ranks,
        "the ranking stays as published"
    );
    assert_eq!(status_of(&app, a).await, "selected");
    assert_eq!(status_of(&app, b).await, "submitted");
}

/// An owner account with a region owns the calls whose area lies within it, and nothing of the
/// others: 山东's department neither lists 广东's call nor opens, changes or reads anything of it.
async fn an_owner_with_a_region_owns_only_the_calls_within_it(db: TestDb) {
    let app = App::start(db.store, false).await;
    for (username, region) in [("owner_sd", "370000"), ("owner_gd", "440000")] {
        app.store
            .create_user(&NewUser {
                scope_region: Some(region.to_string()),
                ..new_user(username, Role::Owner, None)
            })
            .await
            .expect("owner");
    }
    user(&app, "expert", Role::Expert, None).await;
    let o = org(&app, 1, "440305").await;
    let id = application(&app, o, "manufacturing", "甲案例").await;
    let sd = browser(&app, "owner_sd").await;
    let gd = browser(&app, "owner_gd").await;
    let (status, html) = app.get(&sd, "/owner").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(CALL), "山东 lists no 广东 call");
    assert!(html.contains("sd-2024-llm-cases"), "山东 lists its own");
    let (_, html) = app.get(&gd, "/owner").await;
    assert!(html.contains(CALL) && !html.contains("sd-2024-llm-cases"));
    for path in [
        format!("/owner/{CALL}"),
        format!("/owner/{CALL}/experts"),
        format!("/owner/{CALL}/assignments"),
        format!("/owner/{CALL}/ranking"),
        format!("/owner/{CALL}/publish"),
        format!("/review/{CALL}/applications/{id}"),
        format!("/review/{CALL}/applications/{id}/form/docx"),
    ] {
        assert_eq!(app.get(&sd, &path).await.0, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.get(&gd, &path).await.0, StatusCode::OK, "{path}");
    }
    // A post with 山东's own valid token is refused too, and changes nothing.
    let (_, html) = app.get(&sd, "/owner/sd-2024-llm-cases/experts").await;
    let r = sd
        .post(app.url(&format!("/owner/{CALL}/experts")))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("action", "add"),
            ("username", "expert"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(app.store.pool_experts(CALL).await.expect("pool").is_empty());
}

async fn only_owners_may_use_the_owner_pages(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    user(&app, "expert", Role::Expert, None).await;
    let o = org(&app, 1, "440305").await;
    let id = application(&app, o, "manufacturing", "甲案例").await;
    let id = id.to_string();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/owner/{CALL}/experts"),
            vec![("action", "add"), ("username", "expert")],
        ),
        (
            format!("/owner/{CALL}/assignments/assign"),
            vec![("application", id.as_str()), ("username", "expert")],
        ),
        (
            format!("/owner/{CALL}/assignments/unassign"),
            vec![("assignment", "1")],
        ),
        (
            format!("/owner/{CALL}/assignments/auto"),
            vec![("per_application", "1")],
        ),
        (
            format!("/owner/{CALL}/ranking/select"),
            vec![("direction", "manufacturing"), ("id", id.as_str())],
        ),
        (
            format!("/owner/{CALL}/ranking/unselect"),
            vec![("direction", "manufacturing"), ("id", id.as_str())],
        ),
        (format!("/owner/{CALL}/publish"), vec![("confirm", "1")]),
    ];
    for who in ["expert", "applicant1"] {
        let b = browser(&app, who).await;
        for (path, fields) in &posts {
            let (status, _) = post(&app, &b, path, fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        for path in ["/owner", &format!("/owner/{CALL}")] {
            assert_eq!(
                app.get(&b, path).await.0,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
    // Nothing happened.
    assert!(app.store.pool_experts(CALL).await.expect("pool").is_empty());
    assert_eq!(app.store.publication(CALL).await.expect("read"), None);
    assert_eq!(status_of(&app, id.parse().expect("id")).await, "submitted");
    // Anonymous visitors go to the login page; owners may not use the expert pages.
    let anonymous = app.browser();
    let r = anonymous
        .get(app.url(&format!("/owner/{CALL}/ranking")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="));
    let owner = browser(&app, "owner").await;
    assert_eq!(app.get(&owner, "/expert").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&owner, &format!("/owner/{CALL}")).await.0,
        StatusCode::OK
    );
    // A post without the CSRF token is refused even for the owner.
    let r = owner
        .post(app.url(&format!("/owner/{CALL}/publish")))
        .form(&[("confirm", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.publication(CALL).await.expect("read"), None);
}
