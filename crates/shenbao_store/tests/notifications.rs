//! Conformance of the inbox, the mail outbox and the notification e-mail address, on SQLite
//! and (when `SHENBAO_TEST_DATABASE_URL` is set) PostgreSQL; see `tests/conformance.rs`.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use shenbao_store::testing::TestDb;
use shenbao_store::{
    NewMail, NewNotification, NewOrganisation, NewUser, Role, Store, StoreError, UserRow,
};

shenbao_store::on_both_databases!(
    notifications_page_newest_first_by_id_per_user,
    an_unknown_recipient_keeps_none_of_the_batch,
    marking_read_touches_only_the_owners_row_and_keeps_the_first_time,
    marking_all_read_clears_the_unread_count,
    queued_mail_is_due_at_once_and_not_after_it_was_sent,
    a_failed_attempt_is_counted_and_postponed,
    updating_an_unknown_mail_is_not_found,
    the_email_address_is_set_and_cleared,
    users_of_an_organisation_are_listed_oldest_first,
);

// ---------------------------------------------------------------------------------------------
// Builders

fn user(username: &str) -> NewUser {
    NewUser {
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        display_name: "张三".to_owned(),
        role: Role::Expert,
        organisation_id: None,
        scope_region: None,
        scope_sector: None,
        email: None,
        created_at: 1_000,
    }
}

async fn two_users(store: &Store) -> (UserRow, UserRow) {
    let a = store.create_user(&user("alice")).await.unwrap();
    let b = store.create_user(&user("bob")).await.unwrap();
    (a, b)
}

fn notice(user_id: i64, at: i64, title: &str) -> NewNotification {
    NewNotification {
        user_id,
        at,
        title: title.to_owned(),
        body: format!("{title}的正文"),
        link: Some("/applications/1".to_owned()),
    }
}

fn mail(to: &str, created_at: i64) -> NewMail {
    NewMail {
        to_address: to.to_owned(),
        subject: "申报已退回".to_owned(),
        body: "请修改后重新提交。".to_owned(),
        created_at,
    }
}

// ---------------------------------------------------------------------------------------------
// Inbox

async fn notifications_page_newest_first_by_id_per_user(db: TestDb) {
    let (a, b) = two_users(&db.store).await;
    let batch: Vec<NewNotification> = (1..=5)
        .map(|i| notice(a.id, 2_000 + i, &format!("通知{i}")))
        .chain([notice(b.id, 2_000, "给乙的通知")])
        .collect();
    db.store.add_notifications(&batch).await.unwrap();
    db.store.add_notifications(&[]).await.unwrap();

    let first = db.store.notifications_page(a.id, None, 3).await.unwrap();
    let titles: Vec<&str> = first.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["通知5", "通知4", "通知3"]);
    assert_eq!(first[0].user_id, a.id);
    assert_eq!(first[0].at, 2_005);
    assert_eq!(first[0].body, "通知5的正文");
    assert_eq!(first[0].link.as_deref(), Some("/applications/1"));
    assert_eq!(first[0].read_at, None);

    let rest = db
        .store
        .notifications_page(a.id, Some(first[2].id), 3)
        .await
        .unwrap();
    let titles: Vec<&str> = rest.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["通知2", "通知1"]);

    let theirs = db.store.notifications_page(b.id, None, 10).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].title, "给乙的通知");
    assert_eq!(db.store.unread_notifications(a.id).await.unwrap(), 5);
    assert_eq!(db.store.unread_notifications(b.id).await.unwrap(), 1);
}

async fn an_unknown_recipient_keeps_none_of_the_batch(db: TestDb) {
    let (a, _) = two_users(&db.store).await;
    let result = db
        .store
        .add_notifications(&[notice(a.id, 1, "甲"), notice(9_999, 1, "无此人")])
        .await;
    assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
    assert_eq!(db.store.unread_notifications(a.id).await.unwrap(), 0);
}

async fn marking_read_touches_only_the_owners_row_and_keeps_the_first_time(db: TestDb) {
    let (a, b) = two_users(&db.store).await;
    db.store
        .add_notifications(&[notice(a.id, 1, "甲的通知")])
        .await
        .unwrap();
    let id = db.store.notifications_page(a.id, None, 1).await.unwrap()[0].id;

    assert_eq!(
        db.store.mark_notification_read(b.id, id, 50).await.unwrap(),
        None
    );
    assert_eq!(db.store.unread_notifications(a.id).await.unwrap(), 1);

    let read = db
        .store
        .mark_notification_read(a.id, id, 100)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.read_at, Some(100));
    assert_eq!(read.link.as_deref(), Some("/applications/1"));
    let again = db
        .store
        .mark_notification_read(a.id, id, 200)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.read_at, Some(100));
    assert_eq!(db.store.unread_notifications(a.id).await.unwrap(), 0);
    assert_eq!(
        db.store
            .mark_notification_read(a.id, id + 1_000, 1)
            .await
            .unwrap(),
        None
    );
}

async fn marking_all_read_clears_the_unread_count(db: TestDb) {
    let (a, b) = two_users(&db.store).await;
    db.store
        .add_notifications(&[
            notice(a.id, 1, "一"),
            notice(a.id, 2, "二"),
            notice(b.id, 3, "乙"),
        ])
        .await
        .unwrap();
    let first = db.store.notifications_page(a.id, None, 10).await.unwrap()[1].id;
    db.store
        .mark_notification_read(a.id, first, 10)
        .await
        .unwrap();

    assert_eq!(
        db.store
            .mark_all_notifications_read(a.id, 20)
            .await
            .unwrap(),
        1
    );
    assert_eq!(db.store.unread_notifications(a.id).await.unwrap(), 0);
    assert_eq!(db.store.unread_notifications(b.id).await.unwrap(), 1);
    let page = db.store.notifications_page(a.id, None, 10).await.unwrap();
    let read_at: Vec<Option<i64>> = page.iter().map(|n| n.read_at).collect();
    assert_eq!(read_at, [Some(20), Some(10)]);
}

// ---------------------------------------------------------------------------------------------
// Outbox

async fn queued_mail_is_due_at_once_and_not_after_it_was_sent(db: TestDb) {
    db.store
        .enqueue_mail(&[mail("a@example.cn", 1_000), mail("b@example.cn", 2_000)])
        .await
        .unwrap();
    db.store.enqueue_mail(&[]).await.unwrap();
    assert!(db.store.due_mail(999, 10).await.unwrap().is_empty());

    let due = db.store.due_mail(5_000, 10).await.unwrap();
    let to: Vec<&str> = due.iter().map(|m| m.to_address.as_str()).collect();
    assert_eq!(to, ["a@example.cn", "b@example.cn"]);
    let first = &due[0];
    assert_eq!(first.subject, "申报已退回");
    assert_eq!(first.body, "请修改后重新提交。");
    assert_eq!(first.created_at, 1_000);
    assert_eq!(first.attempts, 0);
    assert_eq!(first.next_attempt_at, 1_000);
    assert_eq!(first.sent_at, None);
    assert_eq!(first.last_error, None);
    assert_eq!(db.store.due_mail(5_000, 1).await.unwrap().len(), 1);

    db.store.mail_sent(first.id, 6_000).await.unwrap();
    let due = db.store.due_mail(7_000, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].to_address, "b@example.cn");
    let sent = db.store.mail(first.id).await.unwrap().unwrap();
    assert_eq!(sent.sent_at, Some(6_000));
    assert_eq!(sent.attempts, 1);
}

async fn a_failed_attempt_is_counted_and_postponed(db: TestDb) {
    db.store
        .enqueue_mail(&[mail("a@example.cn", 1_000)])
        .await
        .unwrap();
    let id = db.store.due_mail(1_000, 10).await.unwrap()[0].id;

    db.store
        .mail_failed(id, "connection refused", 61_000)
        .await
        .unwrap();
    let row = db.store.mail(id).await.unwrap().unwrap();
    assert_eq!(row.attempts, 1);
    assert_eq!(row.next_attempt_at, 61_000);
    assert_eq!(row.last_error.as_deref(), Some("connection refused"));
    assert!(db.store.due_mail(60_999, 10).await.unwrap().is_empty());
    assert_eq!(db.store.due_mail(61_000, 10).await.unwrap().len(), 1);

    // Giving up: never due again, the error kept.
    db.store
        .mail_failed(id, "timed out", i64::MAX)
        .await
        .unwrap();
    let row = db.store.mail(id).await.unwrap().unwrap();
    assert_eq!(row.attempts, 2);
    assert_eq!(row.last_error.as_deref(), Some("timed out"));
    assert!(
        db.store
            .due_mail(i64::MAX - 1, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn updating_an_unknown_mail_is_not_found(db: TestDb) {
    assert!(matches!(
        db.store.mail_sent(42, 1).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store.mail_failed(42, "x", 1).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(db.store.mail(42).await.unwrap(), None);
}

// ---------------------------------------------------------------------------------------------
// Recipients

async fn the_email_address_is_set_and_cleared(db: TestDb) {
    let (a, _) = two_users(&db.store).await;
    db.store
        .set_user_email(a.id, Some("zhang@example.cn"))
        .await
        .unwrap();
    let got = db.store.user(a.id).await.unwrap().unwrap();
    assert_eq!(got.email.as_deref(), Some("zhang@example.cn"));
    db.store.set_user_email(a.id, None).await.unwrap();
    assert_eq!(db.store.user(a.id).await.unwrap().unwrap().email, None);
    assert!(matches!(
        db.store.set_user_email(9_999, Some("x@example.cn")).await,
        Err(StoreError::NotFound)
    ));
}

async fn users_of_an_organisation_are_listed_oldest_first(db: TestDb) {
    let (organisation, first) = db
        .store
        .register_applicant(
            &NewOrganisation {
                uscc: "91370102MA3C8XQX1B".to_owned(),
                name: "济南智算科技有限公司".to_owned(),
                region: "370102".to_owned(),
                created_at: 1_000,
            },
            &user("qiye1"),
        )
        .await
        .unwrap();
    let mut second = user("qiye2");
    second.organisation_id = Some(organisation.id);
    second.email = Some("qiye2@example.cn".to_owned());
    let second = db.store.create_user(&second).await.unwrap();
    db.store.create_user(&user("outsider")).await.unwrap();

    let users = db
        .store
        .users_of_organisation(organisation.id)
        .await
        .unwrap();
    assert_eq!(users, [first, second]);
    assert_eq!(users[1].email.as_deref(), Some("qiye2@example.cn"));
    assert!(
        db.store
            .users_of_organisation(9_999)
            .await
            .unwrap()
            .is_empty()
    );
}
