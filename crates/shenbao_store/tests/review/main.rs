//! The bureau side of the store on both databases: decisions, rankings, returns, forwarding
//! and the queue.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use shenbao_store::testing::TestDb;
use shenbao_store::{
    ApplicantSubmission, ApplicationEvent, ApplicationRow, AuditRow, Backend, Decision, EventRow,
    FORWARDED, NewApplication, NewAuditEntry, NewOrganisation, NewSnapshot, NewUser, NextUnit,
    PENDING, QueueQuery, QueueSort, Role, SnapshotRow, StoreError, Submission, UnitRef,
};

const CALL: &str = "qz-2024-ai-industry";

fn event(at: i64, note: Option<&str>) -> ApplicationEvent {
    ApplicationEvent {
        at,
        actor_user_id: Some(1),
        actor_ip: None,
        note: note.map(str::to_owned),
    }
}

fn county(unit: &str) -> UnitRef {
    UnitRef {
        call_id: CALL.into(),
        level: "county".into(),
        unit: unit.into(),
    }
}

fn recommend(opinion: &str) -> Decision {
    Decision {
        recommended: true,
        opinion: opinion.into(),
        signatures: Some(r#"{"经办人（签字）：":"王五"}"#.into()),
    }
}

/// Submits one application of organisation `n` (registered in `region`) to `unit` at level
/// `county`, at time `at`; returns its id.
async fn submitted(db: &TestDb, n: usize, region: &str, name: &str, at: i64) -> i64 {
    let id = draft(db, n, region, name, at).await;
    db.store
        .submit_application(
            id,
            1,
            &to_county(region, name),
            &NewSnapshot {
                version: 1,
                answers: "{}".into(),
                files: "[]".into(),
                content_hash: "h".into(),
            },
            &event(at, None),
        )
        .await
        .unwrap();
    id
}

/// A first submission of the application of `name` to the county bureau of `region`.
fn to_county(region: &str, name: &str) -> Submission {
    Submission {
        from_status: shenbao_store::ApplicationStatus::Draft,
        level: "county".into(),
        unit: region.into(),
        sector: None,
        title: Some(format!("{name}算力项目")),
    }
}

/// A draft (version 1) of organisation `n` (registered in `region`), created at `at`; returns
/// its id.
async fn draft(db: &TestDb, n: usize, region: &str, name: &str, at: i64) -> i64 {
    let uscc = format!("91350500MA{n:07}X");
    let (org, user) = db
        .store
        .register_applicant(
            &NewOrganisation {
                uscc,
                name: name.into(),
                region: region.into(),
                created_at: at,
            },
            &NewUser {
                username: format!("qiye{n}"),
                password_hash: "x".into(),
                display_name: "联系人".into(),
                role: Role::Applicant,
                organisation_id: None,
                scope_region: None,
                scope_sector: None,
                email: None,
                created_at: at,
            },
        )
        .await
        .unwrap();
    let app = db
        .store
        .create_application(
            &NewApplication {
                call_id: CALL.into(),
                call_version: 1,
                direction: "compute_service".into(),
                subdirection: None,
                organisation_id: org.id,
                created_by: user.id,
                answers: "{}".into(),
                created_at: at,
            },
            &event(at, None),
        )
        .await
        .unwrap();
    app.id
}

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: &str) {
    match result {
        Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, expected),
        other => panic!("expected conflict {expected}, got {other:?}"),
    }
}

async fn ranked_ids(db: &TestDb, at: &UnitRef) -> Vec<(i64, Option<i64>)> {
    db.store
        .ranking(at, "compute_service")
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.application.id, r.rank))
        .collect()
}

/// Everything a submission writes about application `id`: the row, its events, its latest
/// snapshot and the audit log.
async fn footprint(
    db: &TestDb,
    id: i64,
) -> (
    ApplicationRow,
    Vec<EventRow>,
    Option<SnapshotRow>,
    Vec<AuditRow>,
) {
    (
        db.store.application(id).await.unwrap().unwrap(),
        db.store.application_events(id).await.unwrap(),
        db.store.latest_snapshot(id).await.unwrap(),
        db.store.audit_page(None, 100).await.unwrap(),
    )
}

mod forwarding;
mod ranking;
