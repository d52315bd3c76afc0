//! One conformance suite for every store backend.
//!
//! Each test body runs on SQLite (a fresh file per test) and, when
//! `SHENBAO_TEST_DATABASE_URL` is set (CI sets it), on PostgreSQL in a fresh schema per test
//! that is dropped afterwards (see `shenbao_store::testing`). `conformance!` generates
//! `sqlite::<name>` and `postgres::<name>` from one `async fn <name>(db: TestDb)`.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use std::path::Path;

use shenbao_store::testing::TestDb;
use shenbao_store::{
    ApplicationEvent, ApplicationRow, Backend, NewApplication, NewAttachment, NewAuditEntry,
    NewOrganisation, NewSession, NewSnapshot, NewUser, Role, Store, StoreError, Submission,
};

shenbao_store::on_both_databases!(
    the_backend_follows_the_url_scheme,
    registering_an_applicant_stores_the_organisation_and_its_user,
    a_registered_uscc_can_register_again_as_an_organisation_of_its_own,
    a_taken_username_in_registration_leaves_no_organisation_behind,
    a_taken_username_is_a_conflict,
    every_role_and_scope_round_trips,
    a_user_with_an_unknown_organisation_is_refused,
    setting_a_password_replaces_the_hash_and_records_when,
    a_session_lives_until_it_expires_and_touching_extends_it,
    a_reused_session_token_is_a_conflict,
    deleting_other_sessions_keeps_the_current_one,
    login_failures_are_counted_inside_the_window,
    the_audit_log_pages_newest_first_by_id,
    upserting_a_call_replaces_its_source_and_deadline,
    reconnecting_keeps_the_data_and_migrates_nothing_twice,
    creating_an_application_stores_a_draft_and_its_first_event,
    saving_a_draft_increments_the_version_and_refuses_a_stale_one,
    submitting_stores_the_snapshot_and_the_event_and_refuses_a_stale_version,
    a_submitted_application_cannot_be_saved_or_submitted_again,
    withdrawing_goes_back_to_draft_with_an_event_and_a_new_version,
    guarded_writes_of_an_unknown_application_are_not_found,
    attachments_are_added_listed_and_deleted,
    a_taken_storage_key_is_a_conflict,
    attachments_of_a_submitted_application_cannot_change,
    an_organisation_sees_only_its_own_applications_filtered_by_call,
);

// ---------------------------------------------------------------------------------------------
// Builders

const USCC: &str = "91370102MA3C8XQX1B";
const OTHER_USCC: &str = "91440300MA5FXX0X2C";

fn org(uscc: &str) -> NewOrganisation {
    NewOrganisation {
        uscc: uscc.to_owned(),
        name: "济南智算科技有限公司".to_owned(),
        region: "370102".to_owned(),
        created_at: 1_000,
    }
}

/// A first submission to the city bureau of 济南.
fn to_city() -> Submission {
    Submission {
        from_status: shenbao_store::ApplicationStatus::Draft,
        level: "city".into(),
        unit: "370100".into(),
        sector: None,
        title: Some("智算平台".into()),
    }
}

fn user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        display_name: "张三".to_owned(),
        role,
        organisation_id: None,
        scope_region: None,
        scope_sector: None,
        email: None,
        created_at: 1_000,
    }
}

fn session(id: &str, user_id: i64, created_at: i64, expires_at: i64) -> NewSession {
    NewSession {
        id: id.to_owned(),
        user_id,
        csrf_token: format!("csrf-{id}"),
        created_at,
        expires_at,
    }
}

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: &str) {
    match result {
        Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, expected),
        other => panic!("expected a conflict on {expected}, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Organisations and users

async fn the_backend_follows_the_url_scheme(db: TestDb) {
    let expected = if db.url.starts_with("sqlite:") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    assert_eq!(db.store.backend(), expected);
}

async fn registering_an_applicant_stores_the_organisation_and_its_user(db: TestDb) {
    let mut new_user = user("applicant1", Role::Applicant);
    new_user.organisation_id = Some(999); // ignored
    let (organisation, created) = db
        .store
        .register_applicant(&org(USCC), &new_user)
        .await
        .unwrap();

    assert_eq!(organisation.uscc, USCC);
    assert_eq!(organisation.name, "济南智算科技有限公司");
    assert_eq!(organisation.region, "370102");
    assert_eq!(organisation.created_at, 1_000);
    assert_eq!(created.organisation_id, Some(organisation.id));
    assert_eq!(created.role, Role::Applicant);
    assert_eq!(created.password_changed_at, created.created_at);

    let by_id = db.store.organisation(organisation.id).await.unwrap();
    assert_eq!(by_id.as_ref(), Some(&organisation));
    let by_uscc = db.store.organisation_by_uscc(USCC).await.unwrap();
    assert_eq!(by_uscc, Some(organisation));
    assert_eq!(
        db.store.user(created.id).await.unwrap().as_ref(),
        Some(&created)
    );
    let by_name = db.store.user_by_username("applicant1").await.unwrap();
    assert_eq!(by_name, Some(created));

    assert_eq!(db.store.organisation(-1).await.unwrap(), None);
    assert_eq!(
        db.store.organisation_by_uscc(OTHER_USCC).await.unwrap(),
        None
    );
    assert_eq!(db.store.user(-1).await.unwrap(), None);
    assert_eq!(db.store.user_by_username("nobody").await.unwrap(), None);
}

/// Registering a USCC that another account has registered is not refused (a refusal would
/// tell a stranger who has registered): it gets an organisation of its own, the two see each
/// other as sharing a code, and the first stays what `organisation_by_uscc` finds.
async fn a_registered_uscc_can_register_again_as_an_organisation_of_its_own(db: TestDb) {
    let (first, first_user) = db
        .store
        .register_applicant(&org(USCC), &user("first", Role::Applicant))
        .await
        .unwrap();
    let (second, second_user) = db
        .store
        .register_applicant(&org(USCC), &user("second", Role::Applicant))
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(first_user.organisation_id, Some(first.id));
    assert_eq!(second_user.organisation_id, Some(second.id));
    assert_eq!(
        db.store.organisation_by_uscc(USCC).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        db.store
            .organisations_sharing_uscc(first.id, 10)
            .await
            .unwrap(),
        vec![second.clone()]
    );
    assert_eq!(
        db.store
            .organisations_sharing_uscc(second.id, 10)
            .await
            .unwrap(),
        vec![first]
    );
    let (lone, _) = db
        .store
        .register_applicant(&org(OTHER_USCC), &user("third", Role::Applicant))
        .await
        .unwrap();
    assert!(
        db.store
            .organisations_sharing_uscc(lone.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_taken_username_in_registration_leaves_no_organisation_behind(db: TestDb) {
    db.store
        .register_applicant(&org(USCC), &user("taken", Role::Applicant))
        .await
        .unwrap();
    let again = db
        .store
        .register_applicant(&org(OTHER_USCC), &user("taken", Role::Applicant))
        .await;
    assert_conflict(again, "users.username");
    // The organisation insert succeeded inside the transaction and must have been rolled back.
    assert_eq!(
        db.store.organisation_by_uscc(OTHER_USCC).await.unwrap(),
        None
    );
    // The store is still usable after the failed transaction.
    db.store
        .register_applicant(&org(OTHER_USCC), &user("fresh", Role::Applicant))
        .await
        .unwrap();
}

async fn a_taken_username_is_a_conflict(db: TestDb) {
    db.store
        .create_user(&user("admin", Role::Admin))
        .await
        .unwrap();
    assert_conflict(
        db.store.create_user(&user("admin", Role::Expert)).await,
        "users.username",
    );
}

async fn every_role_and_scope_round_trips(db: TestDb) {
    for role in Role::ALL {
        let mut new_user = user(role.as_str(), role);
        if role == Role::Bureau {
            new_user.scope_region = Some("370100".to_owned());
            new_user.scope_sector = Some("I65".to_owned());
        }
        let created = db.store.create_user(&new_user).await.unwrap();
        let stored = db.store.user(created.id).await.unwrap().unwrap();
        assert_eq!(stored.role, role);
        assert_eq!(stored.username, role.as_str());
        assert_eq!(stored.display_name, "张三");
        assert_eq!(stored.password_hash, new_user.password_hash);
        assert_eq!(stored.scope_region, new_user.scope_region);
        assert_eq!(stored.scope_sector, new_user.scope_sector);
        assert_eq!(stored.organisation_id, None);
    }
}

async fn a_user_with_an_unknown_organisation_is_refused(db: TestDb) {
    let mut new_user = user("orphan", Role::Applicant);
    new_user.organisation_id = Some(4242);
    let result = db.store.create_user(&new_user).await;
    assert!(
        matches!(result, Err(StoreError::Other(_))),
        "foreign keys must be enforced, got {result:?}"
    );
}

async fn setting_a_password_replaces_the_hash_and_records_when(db: TestDb) {
    let created = db.store.create_user(&user("u", Role::Owner)).await.unwrap();
    db.store
        .set_password(created.id, "$argon2id$new", 5_000)
        .await
        .unwrap();
    let stored = db.store.user(created.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "$argon2id$new");
    assert_eq!(stored.password_changed_at, 5_000);
    assert_eq!(stored.created_at, 1_000);
    assert!(matches!(
        db.store.set_password(-1, "x", 5_000).await,
        Err(StoreError::NotFound)
    ));
}

// ---------------------------------------------------------------------------------------------
// Sessions and login failures

async fn a_session_lives_until_it_expires_and_touching_extends_it(db: TestDb) {
    let owner = db
        .store
        .create_user(&user("u", Role::Expert))
        .await
        .unwrap();
    db.store
        .create_session(&session("tok-a", owner.id, 1_000, 2_000))
        .await
        .unwrap();

    let found = db.store.session("tok-a", 1_500).await.unwrap().unwrap();
    assert_eq!(found.user_id, owner.id);
    assert_eq!(found.csrf_token, "csrf-tok-a");
    assert_eq!(
        (found.created_at, found.expires_at, found.last_seen_at),
        (1_000, 2_000, 1_000)
    );
    assert_eq!(db.store.session("tok-a", 2_000).await.unwrap(), None);
    assert_eq!(db.store.session("missing", 1_500).await.unwrap(), None);

    db.store.touch_session("tok-a", 1_900, 3_900).await.unwrap();
    let touched = db.store.session("tok-a", 2_500).await.unwrap().unwrap();
    assert_eq!((touched.last_seen_at, touched.expires_at), (1_900, 3_900));
    db.store
        .touch_session("missing", 1_900, 3_900)
        .await
        .unwrap();

    db.store
        .create_session(&session("tok-b", owner.id, 1_000, 1_500))
        .await
        .unwrap();
    assert_eq!(db.store.delete_expired_sessions(3_000).await.unwrap(), 1);
    assert!(db.store.session("tok-a", 3_000).await.unwrap().is_some());
    assert_eq!(db.store.delete_expired_sessions(3_000).await.unwrap(), 0);

    db.store.delete_session("tok-a").await.unwrap();
    assert_eq!(db.store.session("tok-a", 3_000).await.unwrap(), None);
    db.store.delete_session("tok-a").await.unwrap();
}

async fn a_reused_session_token_is_a_conflict(db: TestDb) {
    let owner = db.store.create_user(&user("u", Role::Admin)).await.unwrap();
    db.store
        .create_session(&session("same", owner.id, 1_000, 2_000))
        .await
        .unwrap();
    assert_conflict(
        db.store
            .create_session(&session("same", owner.id, 1_000, 2_000))
            .await,
        "sessions.id",
    );
}

async fn deleting_other_sessions_keeps_the_current_one(db: TestDb) {
    let alice = db
        .store
        .create_user(&user("alice", Role::Bureau))
        .await
        .unwrap();
    let bob = db
        .store
        .create_user(&user("bob", Role::Bureau))
        .await
        .unwrap();
    for id in ["a1", "a2", "a3"] {
        db.store
            .create_session(&session(id, alice.id, 1_000, 9_000))
            .await
            .unwrap();
    }
    db.store
        .create_session(&session("b1", bob.id, 1_000, 9_000))
        .await
        .unwrap();

    db.store
        .delete_other_sessions(alice.id, "a2")
        .await
        .unwrap();

    assert_eq!(db.store.session("a1", 2_000).await.unwrap(), None);
    assert!(db.store.session("a2", 2_000).await.unwrap().is_some());
    assert_eq!(db.store.session("a3", 2_000).await.unwrap(), None);
    assert!(db.store.session("b1", 2_000).await.unwrap().is_some());
}

async fn login_failures_are_counted_inside_the_window(db: TestDb) {
    for at in [1_000, 2_000, 3_000] {
        db.store
            .record_login_failure("user:alice", at)
            .await
            .unwrap();
    }
    db.store
        .record_login_failure("ip:10.0.0.1", 2_500)
        .await
        .unwrap();

    let count = |key: &'static str, since: i64| {
        let store = db.store.clone();
        async move { store.login_failures_since(key, since).await.unwrap() }
    };
    assert_eq!(count("user:alice", 0).await, 3);
    assert_eq!(count("user:alice", 2_000).await, 2);
    assert_eq!(count("user:alice", 3_001).await, 0);
    assert_eq!(count("ip:10.0.0.1", 0).await, 1);
    assert_eq!(count("user:nobody", 0).await, 0);
    assert_eq!(
        db.store
            .login_failure_stats("user:alice", 1_500)
            .await
            .unwrap(),
        (2, Some(3_000))
    );
    assert_eq!(
        db.store
            .login_failure_stats("user:nobody", 0)
            .await
            .unwrap(),
        (0, None)
    );

    assert_eq!(db.store.prune_login_failures(2_000).await.unwrap(), 1);
    assert_eq!(count("user:alice", 0).await, 2);

    db.store.clear_login_failures("user:alice").await.unwrap();
    assert_eq!(count("user:alice", 0).await, 0);
    assert_eq!(count("ip:10.0.0.1", 0).await, 1);
}

// ---------------------------------------------------------------------------------------------
// Audit log and calls

async fn the_audit_log_pages_newest_first_by_id(db: TestDb) {
    for i in 0..25_i64 {
        db.store
            .audit(&NewAuditEntry {
                at: 10_000 + i,
                actor_user_id: (i % 2 == 0).then_some(i),
                actor_ip: Some("127.0.0.1".to_owned()),
                action: format!("test.event{i}"),
                target_kind: Some("user".to_owned()),
                target_id: Some(i.to_string()),
                detail: (i == 24).then(|| r#"{"note":"最后一条"}"#.to_owned()),
            })
            .await
            .unwrap();
    }

    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = db.store.audit_page(before, 10).await.unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|row| row.id);
        pages.push(page);
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5]);

    let all: Vec<_> = pages.concat();
    assert!(
        all.windows(2).all(|w| w[0].id > w[1].id),
        "ids strictly decrease"
    );
    let actions: Vec<&str> = all.iter().map(|row| row.action.as_str()).collect();
    let expected: Vec<String> = (0..25).rev().map(|i| format!("test.event{i}")).collect();
    assert_eq!(actions, expected);

    let newest = &all[0];
    assert_eq!(newest.at, 10_024);
    assert_eq!(newest.actor_user_id, Some(24));
    assert_eq!(newest.actor_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(newest.target_kind.as_deref(), Some("user"));
    assert_eq!(newest.target_id.as_deref(), Some("24"));
    assert_eq!(newest.detail.as_deref(), Some(r#"{"note":"最后一条"}"#));
    assert_eq!(all[1].actor_user_id, None);
    assert_eq!(all[1].detail, None);

    assert!(db.store.audit_page(None, 0).await.unwrap().is_empty());
    assert!(db.store.audit_page(None, -5).await.unwrap().is_empty());
}

async fn upserting_a_call_replaces_its_source_and_deadline(db: TestDb) {
    assert!(db.store.calls().await.unwrap().is_empty());
    db.store
        .upsert_call(
            "sd-2024-llm-cases",
            "id = \"sd\"\n",
            Some("2024-06-30"),
            1_000,
        )
        .await
        .unwrap();
    db.store
        .upsert_call("hn-2025-ai", "id = \"hn\"\n", None, 1_000)
        .await
        .unwrap();
    db.store
        .upsert_call("sd-2024-llm-cases", "id = \"sd\"\n# v2\n", None, 2_000)
        .await
        .unwrap();

    let calls = db.store.calls().await.unwrap();
    let ids: Vec<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["hn-2025-ai", "sd-2024-llm-cases"]);
    let sd = &calls[1];
    assert_eq!(sd.source, "id = \"sd\"\n# v2\n");
    assert_eq!(sd.demo_deadline, None);
    assert_eq!(sd.loaded_at, 2_000);

    db.store
        .upsert_call("hn-2025-ai", "id = \"hn\"\n", Some("2025-12-31"), 3_000)
        .await
        .unwrap();
    let calls = db.store.calls().await.unwrap();
    assert_eq!(calls[0].demo_deadline.as_deref(), Some("2025-12-31"));
    assert_eq!(calls[0].loaded_at, 3_000);
}

async fn reconnecting_keeps_the_data_and_migrates_nothing_twice(db: TestDb) {
    db.store
        .upsert_call("qz-2024-ai-industry", "x", None, 1)
        .await
        .unwrap();
    let again = Store::connect(&db.url).await.unwrap();
    assert_eq!(again.calls().await.unwrap().len(), 1);
    again.close().await;
}

// ---------------------------------------------------------------------------------------------
// Applications, events, snapshots, attachments

const CALL: &str = "sd-2024-llm-cases";
const OTHER_CALL: &str = "hn-2025-ai";

/// An applicant organisation with one account: `(organisation_id, user_id)`.
async fn applicant(db: &TestDb, uscc: &str, username: &str) -> (i64, i64) {
    let (organisation, created) = db
        .store
        .register_applicant(&org(uscc), &user(username, Role::Applicant))
        .await
        .unwrap();
    (organisation.id, created.id)
}

fn new_application(organisation_id: i64, user_id: i64, call_id: &str) -> NewApplication {
    NewApplication {
        call_id: call_id.to_owned(),
        direction: "llm-industry".to_owned(),
        subdirection: Some("制造业".to_owned()),
        organisation_id,
        created_by: user_id,
        answers: r#"{"project_name":"智算平台"}"#.to_owned(),
        created_at: 2_000,
    }
}

fn event(at: i64, actor: Option<i64>, note: Option<&str>) -> ApplicationEvent {
    ApplicationEvent {
        at,
        actor_user_id: actor,
        actor_ip: Some("10.0.0.7".to_owned()),
        note: note.map(str::to_owned),
    }
}

fn snapshot(version: i64, answers: &str) -> NewSnapshot {
    NewSnapshot {
        version,
        answers: answers.to_owned(),
        files: r#"[{"slot":"licence","name":"营业执照.pdf"}]"#.to_owned(),
        content_hash: format!("{version:064x}"),
    }
}

fn attachment(application_id: i64, user_id: i64, slot: &str, key: &str) -> NewAttachment {
    NewAttachment {
        application_id,
        slot: slot.to_owned(),
        original_name: "营业执照.pdf".to_owned(),
        storage_key: key.to_owned(),
        size: 123_456,
        sha256: "ab".repeat(32),
        file_type: "pdf".to_owned(),
        created_at: 3_000,
        uploaded_by: user_id,
    }
}

/// A fresh draft with its organisation and user.
async fn draft(db: &TestDb) -> (ApplicationRow, i64) {
    let (organisation_id, user_id) = applicant(db, USCC, "applicant").await;
    let created = db
        .store
        .create_application(
            &new_application(organisation_id, user_id, CALL),
            &event(2_000, Some(user_id), None),
        )
        .await
        .unwrap();
    (created, user_id)
}

async fn creating_an_application_stores_a_draft_and_its_first_event(db: TestDb) {
    let (organisation_id, user_id) = applicant(&db, USCC, "applicant").await;
    let created = db
        .store
        .create_application(
            &new_application(organisation_id, user_id, CALL),
            &event(2_000, Some(user_id), Some("新建")),
        )
        .await
        .unwrap();

    assert_eq!(
        created,
        ApplicationRow {
            id: created.id,
            call_id: CALL.to_owned(),
            direction: "llm-industry".to_owned(),
            subdirection: Some("制造业".to_owned()),
            organisation_id,
            created_by: user_id,
            status: shenbao_store::ApplicationStatus::Draft,
            answers: r#"{"project_name":"智算平台"}"#.to_owned(),
            justification: None,
            version: 1,
            created_at: 2_000,
            updated_at: 2_000,
            submitted_at: None,
            level: None,
            unit: None,
            sector: None,
            title: None,
        }
    );
    assert_eq!(
        db.store.application(created.id).await.unwrap().as_ref(),
        Some(&created)
    );
    assert_eq!(db.store.application(-1).await.unwrap(), None);
    assert_eq!(db.store.count_applications().await.unwrap(), 1);

    let events = db.store.application_events(created.id).await.unwrap();
    assert_eq!(events.len(), 1);
    let first = &events[0];
    assert_eq!(first.application_id, created.id);
    assert_eq!(first.at, 2_000);
    assert_eq!(first.actor_user_id, Some(user_id));
    assert_eq!(first.actor_ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(first.from_status, None);
    assert_eq!(first.to_status, shenbao_store::ApplicationStatus::Draft);
    assert_eq!(first.note.as_deref(), Some("新建"));
    assert_eq!(db.store.latest_snapshot(created.id).await.unwrap(), None);

    // Foreign keys hold, and a refused creation leaves neither row nor event behind.
    let mut orphan = new_application(organisation_id, user_id, CALL);
    orphan.organisation_id = 4242;
    let result = db
        .store
        .create_application(&orphan, &event(2_000, None, None))
        .await;
    assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
    assert_eq!(db.store.count_applications().await.unwrap(), 1);
}

async fn saving_a_draft_increments_the_version_and_refuses_a_stale_one(db: TestDb) {
    let (created, _) = draft(&db).await;
    let id = created.id;

    // Two tabs opened the draft at version 1; the first one saves.
    let v2 = db
        .store
        .save_draft(id, 1, r#"{"a":1}"#, Some("理由"), 2_500)
        .await
        .unwrap();
    assert_eq!(v2, 2);
    // The second tab still holds version 1.
    assert_conflict(
        db.store
            .save_draft(id, 1, r#"{"a":"tab2"}"#, None, 2_600)
            .await,
        "applications.version",
    );
    // A version from the future is as stale as one from the past.
    assert_conflict(
        db.store
            .save_draft(id, 7, r#"{"a":"x"}"#, None, 2_600)
            .await,
        "applications.version",
    );

    let stored = db.store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.answers, r#"{"a":1}"#);
    assert_eq!(stored.justification.as_deref(), Some("理由"));
    assert_eq!(stored.version, 2);
    assert_eq!((stored.created_at, stored.updated_at), (2_000, 2_500));
    assert_eq!(stored.status, shenbao_store::ApplicationStatus::Draft);

    // Reloaded at version 2, the second tab saves; the justification can be cleared.
    assert_eq!(
        db.store
            .save_draft(id, 2, r#"{"a":"tab2"}"#, None, 2_700)
            .await
            .unwrap(),
        3
    );
    let stored = db.store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.answers, r#"{"a":"tab2"}"#);
    assert_eq!(stored.justification, None);
    // Saving records no event: events are status changes.
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 1);
}

async fn submitting_stores_the_snapshot_and_the_event_and_refuses_a_stale_version(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;
    let v2 = db
        .store
        .save_draft(id, 1, r#"{"final":true}"#, Some("已说明"), 2_500)
        .await
        .unwrap();

    assert_conflict(
        db.store
            .submit_application(
                id,
                1,
                &to_city(),
                &snapshot(1, "{}"),
                &event(3_000, Some(user_id), None),
            )
            .await,
        "applications.version",
    );
    // The refused submission left nothing behind.
    assert_eq!(db.store.latest_snapshot(id).await.unwrap(), None);
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 1);
    assert_eq!(
        db.store.application(id).await.unwrap().unwrap().status,
        shenbao_store::ApplicationStatus::Draft
    );

    let submitted = db
        .store
        .submit_application(
            id,
            v2,
            &to_city(),
            &snapshot(v2, r#"{"final":true}"#),
            &event(4_000, Some(user_id), Some("提交")),
        )
        .await
        .unwrap();
    assert_eq!(
        submitted.status,
        shenbao_store::ApplicationStatus::Submitted
    );
    assert_eq!(submitted.version, v2 + 1);
    assert_eq!(submitted.submitted_at, Some(4_000));
    assert_eq!(submitted.updated_at, 4_000);
    assert_eq!(submitted.answers, r#"{"final":true}"#);
    assert_eq!(submitted.justification.as_deref(), Some("已说明"));
    assert_eq!(
        db.store.application(id).await.unwrap().as_ref(),
        Some(&submitted)
    );

    let stored = db.store.latest_snapshot(id).await.unwrap().unwrap();
    assert_eq!(stored.application_id, id);
    assert_eq!(stored.version, v2);
    assert_eq!(stored.answers, r#"{"final":true}"#);
    assert_eq!(
        stored.files,
        r#"[{"slot":"licence","name":"营业执照.pdf"}]"#
    );
    assert_eq!(stored.content_hash, format!("{v2:064x}"));
    assert_eq!(stored.created_at, 4_000);

    let events = db.store.application_events(id).await.unwrap();
    let steps: Vec<(Option<&str>, &str)> = events
        .iter()
        .map(|e| (e.from_status.map(|s| s.as_str()), e.to_status.as_str()))
        .collect();
    assert_eq!(steps, [(None, "draft"), (Some("draft"), "submitted")]);
    assert_eq!(events[1].at, 4_000);
    assert_eq!(events[1].note.as_deref(), Some("提交"));
    assert_eq!(events[1].actor_user_id, Some(user_id));
}

async fn a_submitted_application_cannot_be_saved_or_submitted_again(db: TestDb) {
    let (created, _) = draft(&db).await;
    let id = created.id;
    let submitted = db
        .store
        .submit_application(
            id,
            1,
            &to_city(),
            &snapshot(1, "{}"),
            &event(3_000, None, None),
        )
        .await
        .unwrap();

    // Even at the current version: it is no longer a draft.
    assert_conflict(
        db.store
            .save_draft(id, submitted.version, r#"{"late":1}"#, None, 3_500)
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store
            .submit_application(
                id,
                submitted.version,
                &to_city(),
                &snapshot(submitted.version, "{}"),
                &event(3_500, None, None),
            )
            .await,
        "applications.version",
    );
    assert_eq!(
        db.store.application(id).await.unwrap().as_ref(),
        Some(&submitted)
    );
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 2);
}

async fn withdrawing_goes_back_to_draft_with_an_event_and_a_new_version(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;

    // Only a submitted application can be withdrawn.
    assert_conflict(
        db.store
            .withdraw_application(id, "city", &event(2_500, Some(user_id), None))
            .await,
        "applications.version",
    );

    let submitted = db
        .store
        .submit_application(
            id,
            1,
            &to_city(),
            &snapshot(1, "{}"),
            &event(3_000, None, None),
        )
        .await
        .unwrap();
    let withdrawn = db
        .store
        .withdraw_application(id, "city", &event(5_000, Some(user_id), Some("补充材料")))
        .await
        .unwrap();
    assert_eq!(withdrawn.status, shenbao_store::ApplicationStatus::Draft);
    assert_eq!(withdrawn.version, submitted.version + 1);
    assert_eq!(withdrawn.submitted_at, None);
    assert_eq!(withdrawn.updated_at, 5_000);
    assert_eq!(
        db.store.application(id).await.unwrap().as_ref(),
        Some(&withdrawn)
    );

    let last = db
        .store
        .application_events(id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        last.from_status,
        Some(shenbao_store::ApplicationStatus::Submitted)
    );
    assert_eq!(last.to_status, shenbao_store::ApplicationStatus::Draft);
    assert_eq!(last.note.as_deref(), Some("补充材料"));
    assert_eq!(last.at, 5_000);

    // A second withdrawal is refused; the draft is editable again at the new version only.
    assert_conflict(
        db.store
            .withdraw_application(id, "city", &event(5_100, None, None))
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store
            .save_draft(id, submitted.version, "{}", None, 5_200)
            .await,
        "applications.version",
    );
    let v = db
        .store
        .save_draft(id, withdrawn.version, r#"{"v":2}"#, None, 5_200)
        .await
        .unwrap();

    // The earlier snapshot is kept, and a resubmission becomes the latest.
    assert_eq!(
        db.store.latest_snapshot(id).await.unwrap().unwrap().version,
        1
    );
    db.store
        .submit_application(
            id,
            v,
            &to_city(),
            &snapshot(v, r#"{"v":2}"#),
            &event(6_000, None, None),
        )
        .await
        .unwrap();
    let latest = db.store.latest_snapshot(id).await.unwrap().unwrap();
    assert_eq!((latest.version, latest.created_at), (v, 6_000));
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 4);
}

async fn guarded_writes_of_an_unknown_application_are_not_found(db: TestDb) {
    let (_, user_id) = draft(&db).await;
    let not_found = |result: Result<_, StoreError>| {
        assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    };
    not_found(db.store.save_draft(-1, 1, "{}", None, 1).await.map(|_| ()));
    not_found(
        db.store
            .submit_application(-1, 1, &to_city(), &snapshot(1, "{}"), &event(1, None, None))
            .await
            .map(|_| ()),
    );
    not_found(
        db.store
            .withdraw_application(-1, "city", &event(1, None, None))
            .await
            .map(|_| ()),
    );
    not_found(
        db.store
            .add_attachment(&attachment(-1, user_id, "licence", "x/-1/a"))
            .await
            .map(|_| ()),
    );
}

async fn attachments_are_added_listed_and_deleted(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;
    assert!(db.store.attachments(id).await.unwrap().is_empty());

    let licence = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/aaa"))
        .await
        .unwrap();
    let report = db
        .store
        .add_attachment(&attachment(id, user_id, "audit_report", "sd/1/bbb"))
        .await
        .unwrap();
    let licence2 = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/ccc"))
        .await
        .unwrap();

    assert_eq!(licence.application_id, id);
    assert_eq!(licence.slot, "licence");
    assert_eq!(licence.original_name, "营业执照.pdf");
    assert_eq!(licence.storage_key, "sd/1/aaa");
    assert_eq!(licence.size, 123_456);
    assert_eq!(licence.sha256, "ab".repeat(32));
    assert_eq!(licence.file_type, "pdf");
    assert_eq!(licence.created_at, 3_000);
    assert_eq!(licence.uploaded_by, user_id);
    assert_eq!(
        db.store.attachment(licence.id).await.unwrap().as_ref(),
        Some(&licence)
    );
    assert_eq!(db.store.attachment(-1).await.unwrap(), None);

    // By slot, then upload order.
    let listed = db.store.attachments(id).await.unwrap();
    assert_eq!(listed, [report.clone(), licence.clone(), licence2.clone()]);

    assert_eq!(
        db.store.delete_attachment(licence.id).await.unwrap(),
        Some(licence.clone())
    );
    assert_eq!(db.store.delete_attachment(licence.id).await.unwrap(), None);
    assert_eq!(db.store.attachment(licence.id).await.unwrap(), None);
    assert_eq!(db.store.attachments(id).await.unwrap(), [report, licence2]);

    // Ids are not handed out again after a delete.
    let again = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/ddd"))
        .await
        .unwrap();
    assert!(again.id > licence.id);
    db.store.delete_attachment(again.id).await.unwrap();
    let newest = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/eee"))
        .await
        .unwrap();
    assert!(newest.id > again.id);

    // The uploader must exist.
    let result = db
        .store
        .add_attachment(&attachment(id, 4242, "licence", "sd/1/fff"))
        .await;
    assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
}

async fn a_taken_storage_key_is_a_conflict(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    db.store
        .add_attachment(&attachment(created.id, user_id, "licence", "sd/1/same"))
        .await
        .unwrap();
    assert_conflict(
        db.store
            .add_attachment(&attachment(created.id, user_id, "other", "sd/1/same"))
            .await,
        "attachments.storage_key",
    );
    assert_eq!(db.store.attachments(created.id).await.unwrap().len(), 1);
}

async fn attachments_of_a_submitted_application_cannot_change(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;
    let kept = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/aaa"))
        .await
        .unwrap();
    db.store
        .submit_application(
            id,
            1,
            &to_city(),
            &snapshot(1, "{}"),
            &event(3_000, None, None),
        )
        .await
        .unwrap();

    assert_conflict(
        db.store
            .add_attachment(&attachment(id, user_id, "licence", "sd/1/bbb"))
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store.delete_attachment(kept.id).await,
        "applications.version",
    );
    assert_eq!(
        db.store.attachments(id).await.unwrap(),
        std::slice::from_ref(&kept)
    );

    // After a withdrawal the draft's files can change again.
    db.store
        .withdraw_application(id, "city", &event(4_000, None, None))
        .await
        .unwrap();
    assert_eq!(
        db.store.delete_attachment(kept.id).await.unwrap(),
        Some(kept)
    );
}

async fn an_organisation_sees_only_its_own_applications_filtered_by_call(db: TestDb) {
    let (mine, me) = applicant(&db, USCC, "mine").await;
    let (theirs, them) = applicant(&db, OTHER_USCC, "theirs").await;
    let create = |organisation_id: i64, user_id: i64, call_id: &'static str| {
        let store = db.store.clone();
        async move {
            store
                .create_application(
                    &new_application(organisation_id, user_id, call_id),
                    &event(2_000, Some(user_id), None),
                )
                .await
                .unwrap()
                .id
        }
    };
    let a1 = create(mine, me, CALL).await;
    let t1 = create(theirs, them, CALL).await;
    let a2 = create(mine, me, OTHER_CALL).await;
    let a3 = create(mine, me, CALL).await;
    let t2 = create(theirs, them, OTHER_CALL).await;

    let ids = |rows: Vec<ApplicationRow>| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    let all_mine = db
        .store
        .applications_of_organisation(mine, None)
        .await
        .unwrap();
    assert!(all_mine.iter().all(|r| r.organisation_id == mine));
    assert_eq!(ids(all_mine), [a3, a2, a1]);
    assert_eq!(
        ids(db
            .store
            .applications_of_organisation(mine, Some(CALL))
            .await
            .unwrap()),
        [a3, a1]
    );
    assert_eq!(
        ids(db
            .store
            .applications_of_organisation(mine, Some(OTHER_CALL))
            .await
            .unwrap()),
        [a2]
    );
    assert_eq!(
        ids(db
            .store
            .applications_of_organisation(theirs, None)
            .await
            .unwrap()),
        [t2, t1]
    );
    assert!(
        db.store
            .applications_of_organisation(mine, Some("no-such-call"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.store
            .applications_of_organisation(-1, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.store.count_applications().await.unwrap(), 5);
}

// ---------------------------------------------------------------------------------------------
// Backend-independent checks

#[test]
fn both_migration_trees_have_the_same_file_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
}

#[tokio::test]
async fn a_sqlite_file_and_its_directory_are_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("数据").join("shenbao.db");
    let store = Store::open_sqlite(&path).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store.upsert_call("c", "x", None, 1).await.unwrap();
    assert!(path.exists());
    // WAL mode keeps recent writes in the -wal file until a checkpoint.
    assert!(path.with_extension("db-wal").exists());
    store.close().await;
}

#[tokio::test]
async fn an_in_memory_sqlite_database_works_on_its_single_connection() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store.upsert_call("c", "x", None, 1).await.unwrap();
    assert_eq!(store.calls().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_unknown_url_scheme_is_refused_without_echoing_the_url() {
    let error = Store::connect("mysql://root:secret@localhost/db")
        .await
        .unwrap_err();
    assert!(!error.to_string().contains("secret"), "{error}");
}

/// Migration 0006 rebuilds `organisations` on SQLite (to drop the USCC's uniqueness) while
/// accounts and conflicts point at it: on a database migrated to 0005 with data, it keeps
/// every organisation and every reference, foreign keys stay enforced, and a second
/// organisation with the same code can then be added.
#[tokio::test]
async fn the_sqlite_uscc_migration_keeps_organisations_and_their_references() {
    use sqlx::Connection;
    use std::str::FromStr;
    let dir = tempfile::tempdir().expect("dir");
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!(
        "sqlite://{}/m.db?mode=rwc",
        dir.path().display()
    ))
    .expect("url")
    .foreign_keys(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("connect");
    let all = sqlx::migrate!("./migrations/sqlite");
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = all
        .migrations
        .iter()
        .filter(|m| m.version < 6)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&mut conn).await.expect("migrations up to 0005");
    for sql in [
        "INSERT INTO organisations (uscc, name, region, created_at) \
         VALUES ('91370102MA3DEM0015', '甲公司', '370102', 1)",
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             created_at, password_changed_at) VALUES ('a', 'h', '甲', 'applicant', 1, 1, 1)",
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             created_at, password_changed_at) VALUES ('e', 'h', '专家', 'expert', NULL, 1, 1)",
        "INSERT INTO expert_conflicts (call_id, user_id, organisation_id, reason, declared_at) \
         VALUES ('c', 2, 1, NULL, 1)",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect(sql);
    }
    all.run(&mut conn).await.expect("migration 0006 on data");
    let orphans: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .expect("check");
    assert!(orphans.is_empty(), "{orphans:?}");
    let kept: (i64, String) = sqlx::query_as("SELECT id, name FROM organisations")
        .fetch_one(&mut conn)
        .await
        .expect("kept");
    assert_eq!(kept, (1, "甲公司".to_string()));
    sqlx::query(
        "INSERT INTO organisations (uscc, name, region, created_at) \
         VALUES ('91370102MA3DEM0015', '乙公司', '370102', 2)",
    )
    .execute(&mut conn)
    .await
    .expect("the same code again");
    let dangling = sqlx::query(
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             created_at, password_changed_at) VALUES ('x', 'h', 'x', 'applicant', 99, 1, 1)",
    )
    .execute(&mut conn)
    .await;
    assert!(dangling.is_err(), "foreign keys are still enforced");
}
