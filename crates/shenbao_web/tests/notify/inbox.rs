//! The inbox, the e-mail address, and notices that never fail the caller.

use super::*;

// ---------------------------------------------------------------------------------------------
// Inbox

async fn notices_show_in_the_inbox_with_a_badge_and_are_marked_read(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let b = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    app.register(&b, USCC_B, "qiye_b").await;
    let (ida, idb) = (user_id(&app, &a).await, user_id(&app, &b).await);

    let (_, home) = app.get(&a, "/").await;
    assert_eq!(badge(&home), None, "no badge without unread notices");
    assert!(
        home.contains("href=\"/inbox\""),
        "the header links the inbox"
    );

    let notifier = Notifier::default();
    notifier
        .notify(
            &app.store,
            NOW,
            &[ida, ida, idb],
            &notice("申报已退回", Some("/applications")),
        )
        .await;
    notifier
        .notify(&app.store, NOW + 1, &[ida], &notice("评审结果已公示", None))
        .await;

    let (_, home) = app.get(&a, "/").await;
    assert_eq!(
        badge(&home).as_deref(),
        Some("2"),
        "duplicates are told once"
    );
    let (_, home_b) = app.get(&b, "/").await;
    assert_eq!(badge(&home_b).as_deref(), Some("1"));

    let (status, inbox) = app.get(&a, "/inbox").await;
    assert_eq!(status, StatusCode::OK);
    let newest = inbox.find("评审结果已公示").expect("second notice shown");
    let oldest = inbox.find("申报已退回").expect("first notice shown");
    assert!(newest < oldest, "newest first");
    assert!(inbox.contains("申报已退回：请登录查看。"));
    assert_eq!(inbox.matches("class=\"unread\"").count(), 2);
    assert!(inbox.contains("未读"));

    let page = app
        .store
        .notifications_page(ida, None, 10)
        .await
        .expect("page");
    let returned = page
        .iter()
        .find(|n| n.title == "申报已退回")
        .expect("row")
        .id;
    let published = page
        .iter()
        .find(|n| n.title == "评审结果已公示")
        .expect("row")
        .id;

    // Another user can neither read nor mark it.
    let r = app
        .submit(&b, "/inbox", &format!("/inbox/{returned}/read"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 2);
    let (_, inbox_b) = app.get(&b, "/inbox").await;
    assert!(!inbox_b.contains("评审结果已公示"));

    // Without the CSRF token nothing happens.
    let r = a
        .post(app.url(&format!("/inbox/{returned}/read")))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Opening one marks it read and follows its link.
    let r = app
        .submit(&a, "/inbox", &format!("/inbox/{returned}/read"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/applications");
    let (_, home) = app.get(&a, "/").await;
    assert_eq!(badge(&home).as_deref(), Some("1"));
    let (_, inbox) = app.get(&a, "/inbox").await;
    assert_eq!(inbox.matches("class=\"unread\"").count(), 1);
    assert!(inbox.contains("全部标为已读"));

    // One without a link goes back to the inbox.
    let r = app
        .submit(&a, "/inbox", &format!("/inbox/{published}/read"), &[])
        .await;
    assert_eq!(location(&r), "/inbox");
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 0);

    // Read-all.
    notifier
        .notify(&app.store, NOW + 2, &[ida], &notice("专家评审已开始", None))
        .await;
    notifier
        .notify(&app.store, NOW + 3, &[ida], &notice("请补充材料", None))
        .await;
    let r = app.submit(&a, "/inbox", "/inbox/read-all", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/inbox");
    let (_, home) = app.get(&a, "/").await;
    assert_eq!(badge(&home), None);
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 0);
    assert_eq!(app.store.unread_notifications(idb).await.expect("count"), 1);

    // Nobody logged in goes to the login page.
    let anon = app.browser();
    let r = anon.get(app.url("/inbox")).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
}

async fn the_inbox_pages_by_twenty_newest_first(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    let ida = user_id(&app, &a).await;
    let notifier = Notifier::default();
    for i in 1..=25 {
        notifier
            .notify(
                &app.store,
                NOW + i,
                &[ida],
                &notice(&format!("第{i:02}号通知"), None),
            )
            .await;
    }
    let (_, first) = app.get(&a, "/inbox").await;
    assert_eq!(first.matches("<li class=").count(), 20);
    assert!(first.contains("第25号通知") && first.contains("第06号通知"));
    assert!(!first.contains("第05号通知"));
    let key = "href=\"/inbox?before=";
    let start = first.find(key).expect("更早的消息 link") + key.len();
    let before: String = first[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(first.contains("更早的消息"));

    let (_, older) = app.get(&a, &format!("/inbox?before={before}")).await;
    assert_eq!(older.matches("<li class=").count(), 5);
    assert!(older.contains("第05号通知") && older.contains("第01号通知"));
    assert!(!older.contains("第06号通知"));
    assert!(!older.contains("更早的消息"), "no further page");
}

// ---------------------------------------------------------------------------------------------
// E-mail

async fn the_notification_email_is_validated_set_and_cleared(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    let ida = user_id(&app, &a).await;

    let (_, account) = app.get(&a, "/account").await;
    assert!(account.contains("action=\"/account/email\""));

    let r = app
        .submit(
            &a,
            "/account",
            "/account/email",
            &[("email", "zhang@shandong.cn。")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("邮箱地址格式不正确"), "Chinese error shown");
    assert!(html.contains("zhang@shandong.cn。"), "the input is kept");
    let user = app.store.user(ida).await.expect("user").expect("exists");
    assert_eq!(user.email, None);

    let r = app
        .submit(
            &a,
            "/account",
            "/account/email",
            &[("email", " zhang@example.cn ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account?email=saved");
    let user = app.store.user(ida).await.expect("user").expect("exists");
    assert_eq!(user.email.as_deref(), Some("zhang@example.cn"));
    let (_, account) = app.get(&a, "/account?email=saved").await;
    assert!(account.contains("通知邮箱已保存"));
    assert!(account.contains("value=\"zhang@example.cn\""));

    let r = app
        .submit(&a, "/account", "/account/email", &[("email", "")])
        .await;
    assert_eq!(location(&r), "/account?email=cleared");
    let user = app.store.user(ida).await.expect("user").expect("exists");
    assert_eq!(user.email, None);

    let r = a
        .post(app.url("/account/email"))
        .form(&[("csrf", "wrong"), ("email", "x@example.cn")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.contains(&"email_set".to_string()));
}

async fn notifying_never_fails_the_caller(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    let notifier = Notifier::with_mail(None);

    // A broken store (its pool closed): notify returns, quietly.
    let broken = Store::connect(&db.url).await.expect("second store");
    broken.close().await;
    tokio::time::timeout(
        Duration::from_secs(10),
        notifier.notify(&broken, NOW, &[ida], &notice("不会保存", None)),
    )
    .await
    .expect("notify returns promptly on a broken store");

    // An unknown recipient: nothing stored, nothing raised.
    notifier
        .notify(&app.store, NOW, &[987_654], &notice("无此用户", None))
        .await;
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 0);

    // SMTP unreachable: notify only queues, so it succeeds at once, and the worker's failure
    // stays in the outbox.
    tokio::time::timeout(
        Duration::from_secs(10),
        notifier.notify(&app.store, NOW, &[ida], &notice("邮件发不出", None)),
    )
    .await
    .expect("notify does not wait for SMTP");
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 1);
    assert_eq!(
        deliver_due(&app.store, &mailer(closed_port()), NOW).await,
        (0, 1)
    );
    let (_, inbox) = app.get(&a, "/inbox").await;
    assert!(inbox.contains("邮件发不出"));
}

// ---------------------------------------------------------------------------------------------
// The outbox

/// A submission committed with its outbox row, and the process died before delivering it: the
/// sweeper (at start-up, then every half minute for rows older than the grace period) tells
/// the unit's reviewers, once.
async fn the_sweeper_delivers_what_a_crash_left_in_the_outbox_once(db: TestDb) {
    use shenbao_app::news::News;
    use shenbao_store::{
        ApplicationEvent, ApplicationStatus, NewApplication, NewOrganisation, NewSnapshot, Role,
        Submission,
    };
    let store = &db.store;
    let calls = shenbao_web::CallRegistry::load(store, true, NOW)
        .await
        .expect("outbox test step");
    let files = tempfile::tempdir().expect("outbox test step");
    let clock = Arc::new(std::sync::atomic::AtomicI64::new(NOW));
    let c = Arc::clone(&clock);
    let state = shenbao_web::ServerState::with_clock(
        store.clone(),
        calls,
        shenbao_web::FileStore::new(files.path(), 1024),
        Arc::new(move || c.load(std::sync::atomic::Ordering::SeqCst)),
    );
    let user = |name: &str, role, region| shenbao_store::testing::new_user(name, role, region, NOW);
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("outbox test step");
    let (org, applicant) = store
        .register_applicant(
            &NewOrganisation {
                uscc: USCC_A.to_string(),
                name: "青岛测试公司".to_string(),
                region: "370212".to_string(),
                created_at: NOW,
            },
            &user("qiye", Role::Applicant, None),
        )
        .await
        .expect("outbox test step");
    let event = ApplicationEvent {
        at: NOW,
        actor_user_id: Some(applicant.id),
        actor_ip: None,
        note: None,
    };
    let app = store
        .create_application(
            &NewApplication {
                call_id: "sd-2024-llm-survey".to_string(),
                call_version: 1,
                direction: "enterprise".to_string(),
                subdirection: None,
                organisation_id: org.id,
                created_by: applicant.id,
                answers: "{}".to_string(),
                created_at: NOW,
            },
            &event,
        )
        .await
        .expect("outbox test step");
    let mut tx = store.begin().await.expect("outbox test step");
    tx.submit(
        app.id,
        app.version,
        &Submission {
            from_status: ApplicationStatus::Draft,
            level: "city".to_string(),
            unit: "370200".to_string(),
            sector: None,
            title: Some("海智大模型".to_string()),
        },
        &NewSnapshot {
            version: app.version + 1,
            answers: "{}".to_string(),
            files: "[]".to_string(),
            content_hash: "0".repeat(64),
        },
        &event,
        None,
    )
    .await
    .expect("outbox test step");
    tx.announce(
        &News::Arrived {
            application_id: app.id,
        }
        .to_outbox(NOW),
    )
    .await
    .expect("outbox test step");
    tx.commit().await.expect("outbox test step");
    assert_eq!(
        store.undelivered_outbox().await.expect("outbox test step"),
        1
    );

    // Within the grace period the row is left to the request that wrote it.
    let grace = shenbao_web::notices::OUTBOX_GRACE_MS;
    assert_eq!(shenbao_web::notices::sweep(&state, grace).await, 0);
    assert_eq!(
        store
            .unread_notifications(bureau.id)
            .await
            .expect("outbox test step"),
        0
    );
    // After it, or at start-up (no grace), the sweeper delivers it, once.
    clock.store(NOW + grace + 1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(shenbao_web::notices::sweep(&state, grace).await, 1);
    assert_eq!(shenbao_web::notices::sweep(&state, 0).await, 0);
    assert_eq!(
        store.undelivered_outbox().await.expect("outbox test step"),
        0
    );
    let inbox = store
        .notifications_page(bureau.id, None, 10)
        .await
        .expect("outbox test step");
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert!(inbox[0].title.contains("海智大模型"), "{:?}", inbox[0]);
    assert_eq!(
        inbox[0].link.as_deref(),
        Some(format!("/review/sd-2024-llm-survey/applications/{}", app.id).as_str())
    );
    // The applicant is not told of its own submission.
    assert_eq!(
        store
            .unread_notifications(applicant.id)
            .await
            .expect("outbox test step"),
        0
    );
}

shenbao_store::on_both_databases!(
    notices_show_in_the_inbox_with_a_badge_and_are_marked_read,
    the_inbox_pages_by_twenty_newest_first,
    the_notification_email_is_validated_set_and_cleared,
    notifying_never_fails_the_caller,
    the_sweeper_delivers_what_a_crash_left_in_the_outbox_once,
);
