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
        call_version: 1,
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

mod accounts;
mod applications;
mod connect;
