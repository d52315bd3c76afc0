//! The audit log and the hash chains of `audit_log` and `application_events`, on SQLite and
//! (when `SHENBAO_TEST_DATABASE_URL` is set) PostgreSQL: long chains verify, a changed,
//! deleted or inserted row is found where it is, concurrent writers (two stores on one
//! database, as two server processes) keep one valid chain, retention keeps what remains
//! verifiable, and the administrator's filters.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use shenbao_store::testing::{TestDb, execute_raw};
use shenbao_store::{
    ApplicationEvent, AuditActor, AuditQuery, Chain, ChainBreak, ChainProblem, Decision,
    NewApplication, NewAuditEntry, NewOrganisation, NewSnapshot, NewUser, NextUnit, Role, Store,
    Submission, UnitRef,
};

shenbao_store::on_both_databases!(a_long_chain_of_both_tables_verifies,);

fn entry(i: i64) -> NewAuditEntry {
    NewAuditEntry {
        at: 1_000 + i,
        actor_user_id: (i % 3 != 0).then_some(i % 7),
        actor_ip: (i % 2 == 0).then(|| "10.0.0.1".to_owned()),
        action: format!("test.event{i}"),
        target_kind: Some("user".to_owned()),
        target_id: Some(i.to_string()),
        detail: (i % 5 == 0).then(|| format!(r#"{{"n":{i},"说明":"第{i}条"}}"#)),
    }
}

async fn append(store: &Store, from: i64, count: i64) {
    for i in from..from + count {
        store.audit(&entry(i)).await.unwrap();
    }
}

/// Ids of the audit log, oldest first.
async fn audit_ids(store: &Store) -> Vec<i64> {
    let mut ids: Vec<i64> = store
        .audit_page(None, 100_000)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    ids.reverse();
    ids
}

async fn intact(store: &Store, chain: Chain) -> i64 {
    let report = store.verify_chain(chain).await.unwrap();
    assert_eq!(report.broken, None, "{report:?}");
    report.verified
}

async fn broken(store: &Store, chain: Chain) -> ChainBreak {
    let report = store.verify_chain(chain).await.unwrap();
    match report.broken {
        Some(b) => b,
        None => panic!("a break expected: {report:?}"),
    }
}

/// An applicant organisation and its user: `(organisation_id, user_id)`.
async fn applicant(store: &Store, n: i64) -> (i64, i64) {
    let (org, user) = store
        .register_applicant(
            &NewOrganisation {
                uscc: format!("91370102MA3C8XQX{n:02}"),
                name: format!("测试单位{n}"),
                region: "370102".to_owned(),
                created_at: 1_000,
            },
            &NewUser {
                username: format!("applicant{n}"),
                password_hash: "x".to_owned(),
                display_name: "张三".to_owned(),
                role: Role::Applicant,
                organisation_id: None,
                scope_region: None,
                scope_sector: None,
                email: None,
                created_at: 1_000,
            },
        )
        .await
        .unwrap();
    (org.id, user.id)
}

async fn new_application(store: &Store, (org, user): (i64, i64), i: i64) -> i64 {
    store
        .create_application(
            &NewApplication {
                call_id: "hn-2025-ai".to_owned(),
                call_version: 1,
                direction: "llm".to_owned(),
                subdirection: None,
                organisation_id: org,
                created_by: user,
                answers: "{}".to_owned(),
                created_at: 2_000 + i,
            },
            &ApplicationEvent {
                at: 2_000 + i,
                actor_user_id: Some(user),
                actor_ip: Some("10.0.0.2".to_owned()),
                note: (i % 2 == 0).then(|| format!("备注{i}")),
            },
        )
        .await
        .unwrap()
        .id
}

async fn a_long_chain_of_both_tables_verifies(db: TestDb) {
    let store = &db.store;
    // Empty chains are intact.
    assert_eq!(intact(store, Chain::AuditLog).await, 0);
    assert_eq!(intact(store, Chain::ApplicationEvents).await, 0);

    // More than one verification batch (1,000 rows).
    append(store, 0, 1_050).await;
    let who = applicant(store, 1).await;
    for i in 0..30 {
        new_application(store, who, i).await;
    }
    let report = store.verify_chain(Chain::AuditLog).await.unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.verified, 1_050);
    assert_eq!(report.unhashed, 0);
    assert_eq!(report.anchor_id, None);
    assert_eq!(report.head_id, audit_ids(store).await.last().copied());
    assert_eq!(report.head_hash.len(), 64);
    assert_ne!(report.head_hash, shenbao_store::GENESIS);
    assert_eq!(intact(store, Chain::ApplicationEvents).await, 30);
}

mod log;
mod tampering;
