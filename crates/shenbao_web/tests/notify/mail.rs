//! Mail: delivery, concurrency, retries.

use super::*;

async fn notices_are_mailed_to_users_with_an_address(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let b = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    app.register(&b, USCC_B, "qiye_b").await;
    let (ida, idb) = (user_id(&app, &a).await, user_id(&app, &b).await);
    app.store
        .set_user_email(ida, Some("zhang@example.cn"))
        .await
        .expect("email");

    let notifier = Notifier::with_mail(Some("https://sb.example.cn/"));
    notifier
        .notify(
            &app.store,
            NOW,
            &[ida, idb],
            &notice("申报已退回", Some("/applications/7")),
        )
        .await;
    // Both are told in the inbox; only the one with an address by e-mail.
    assert_eq!(app.store.unread_notifications(idb).await.expect("count"), 1);
    let due = app.store.due_mail(NOW, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].to_address, "zhang@example.cn");
    assert!(
        due[0].body.contains("https://sb.example.cn/applications/7"),
        "{}",
        due[0].body
    );

    // The default notifier tells the inbox only.
    Notifier::default()
        .notify(&app.store, NOW, &[ida], &notice("只在站内", None))
        .await;
    assert_eq!(app.store.due_mail(NOW, 10).await.expect("due").len(), 1);

    let (port, received) = start_smtp(0);
    let (sent, failed) = deliver_due(&app.store, &mailer(port), NOW + 1_000).await;
    assert_eq!((sent, failed), (1, 0));
    let got = wait_for(&received, 1).await;
    assert_eq!(got[0].to, ["zhang@example.cn"]);
    assert_eq!(subject_of(&got[0].data), "【申报通】申报已退回");
    assert!(
        got[0].data.contains("noreply@example.cn"),
        "{}",
        got[0].data
    );

    let row = app.store.mail(due[0].id).await.expect("mail").expect("row");
    assert_eq!(row.sent_at, Some(NOW + 1_000));
    assert_eq!(row.attempts, 1);
    assert!(
        app.store
            .due_mail(NOW + 10_000, 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert_eq!(
        deliver_due(&app.store, &mailer(port), NOW + 10_000).await,
        (0, 0),
        "nothing is sent twice"
    );
}

/// Two senders (two servers on one database) working the outbox at the same moment deliver
/// each e-mail once; an e-mail claimed by a sender that died is due again after the lease.
async fn concurrent_senders_deliver_each_mail_once(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    let notifier = Notifier::with_mail(None);
    for n in 0..6 {
        notifier
            .notify(&app.store, NOW, &[ida], &notice(&format!("通知{n}"), None))
            .await;
    }
    let (port, received) = start_smtp(0);
    let (first, second) = (mailer(port), mailer(port));
    let ((s1, f1), (s2, f2)) = tokio::join!(
        deliver_due(&app.store, &first, NOW + 1_000),
        deliver_due(&app.store, &second, NOW + 1_000),
    );
    assert_eq!((f1, f2), (0, 0));
    assert_eq!(s1 + s2, 6, "each e-mail sent by one of them: {s1} + {s2}");
    let got = wait_for(&received, 6).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let got_late = received.lock().expect("lock").len();
    assert_eq!((got.len(), got_late), (6, 6), "nothing delivered twice");
    let mut subjects: Vec<String> = got.iter().map(|m| subject_of(&m.data)).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 6);

    // A sender that claimed an e-mail and died: nobody sends it during the lease, the next
    // pass after it does.
    notifier
        .notify(&app.store, NOW, &[ida], &notice("认领后中断", None))
        .await;
    let due = app.store.due_mail(NOW + 2_000, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    let lease_end = NOW + 2_000 + shenbao_web::notify::MAIL_LEASE_MS;
    assert!(
        app.store
            .claim_mail(&due[0], lease_end)
            .await
            .expect("claim")
    );
    assert!(
        !app.store
            .claim_mail(&due[0], lease_end)
            .await
            .expect("claim"),
        "claimed once only"
    );
    assert_eq!(deliver_due(&app.store, &first, lease_end - 1).await, (0, 0));
    assert_eq!(deliver_due(&app.store, &first, lease_end).await, (1, 0));
    assert_eq!(wait_for(&received, 7).await.len(), 7);
}

async fn a_failed_delivery_is_retried_later_with_back_off(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    Notifier::with_mail(None)
        .notify(
            &app.store,
            NOW,
            &[ida],
            &notice("申报已退回", Some("/applications/7")),
        )
        .await;
    let id = app.store.due_mail(NOW, 10).await.expect("due")[0].id;

    // Nothing listens on the port: the attempt fails, is counted and postponed a minute.
    let port = closed_port();
    assert_eq!(deliver_due(&app.store, &mailer(port), NOW).await, (0, 1));
    let row = app.store.mail(id).await.expect("mail").expect("row");
    assert_eq!(row.attempts, 1);
    assert_eq!(row.sent_at, None);
    assert_eq!(row.next_attempt_at, NOW + 60_000);
    assert!(row.last_error.is_some_and(|e| !e.is_empty()));
    assert_eq!(
        deliver_due(&app.store, &mailer(port), NOW + 59_999).await,
        (0, 0),
        "not due before the back-off ends"
    );

    // The server comes up on that port; the next pass after the back-off delivers.
    let (_, received) = start_smtp(port);
    assert_eq!(
        deliver_due(&app.store, &mailer(port), NOW + 60_000).await,
        (1, 0)
    );
    let got = wait_for(&received, 1).await;
    assert_eq!(got[0].to, ["zhang@example.cn"]);
    assert_eq!(subject_of(&got[0].data), "【申报通】申报已退回");
    let row = app.store.mail(id).await.expect("mail").expect("row");
    assert_eq!(row.sent_at, Some(NOW + 60_000));
    assert_eq!(row.attempts, 2);
}

async fn the_worker_delivers_queued_mail(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    Notifier::with_mail(None)
        .notify(&app.store, NOW, &[ida], &notice("专家评审结果", None))
        .await;

    let (port, received) = start_smtp(0);
    let worker = spawn_mail_worker(
        app.store.clone(),
        &SmtpSettings {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "noreply@example.cn".to_string(),
        },
        Arc::new(|| NOW + 5_000),
    )
    .expect("worker starts");
    let got = wait_for(&received, 1).await;
    worker.abort();
    assert_eq!(got[0].to, ["zhang@example.cn"]);
    assert_eq!(subject_of(&got[0].data), "【申报通】专家评审结果");
}

shenbao_store::on_both_databases!(
    notices_are_mailed_to_users_with_an_address,
    concurrent_senders_deliver_each_mail_once,
    a_failed_delivery_is_retried_later_with_back_off,
    the_worker_delivers_queued_mail,
);
