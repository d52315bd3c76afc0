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

shenbao_store::on_both_databases!(
    a_long_chain_of_both_tables_verifies,
    a_changed_middle_row_is_found_at_that_row,
    a_deleted_row_is_found_wherever_it_was,
    rows_written_around_the_store_are_found,
    concurrent_appends_from_two_stores_keep_one_valid_chain,
    pruning_keeps_the_rest_verifiable,
    every_status_change_of_the_workflow_is_chained,
    the_log_filters_by_actor_action_time_and_address,
);

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

async fn a_changed_middle_row_is_found_at_that_row(db: TestDb) {
    let store = &db.store;
    append(store, 0, 20).await;
    let ids = audit_ids(store).await;
    let middle = ids[10];
    let changed = execute_raw(
        store,
        &format!("UPDATE audit_log SET action = 'test.harmless' WHERE id = {middle}"),
    )
    .await;
    assert_eq!(changed, 1);
    assert_eq!(
        broken(store, Chain::AuditLog).await,
        ChainBreak {
            id: middle,
            problem: ChainProblem::HashMismatch
        }
    );
    // A NULL made a value, and a value made NULL, are changes too.
    execute_raw(
        store,
        &format!("UPDATE audit_log SET action = 'test.event10' WHERE id = {middle}"),
    )
    .await;
    assert_eq!(intact(store, Chain::AuditLog).await, 20, "restored");
    execute_raw(
        store,
        &format!("UPDATE audit_log SET actor_ip = NULL WHERE id = {}", ids[4]),
    )
    .await;
    assert_eq!(broken(store, Chain::AuditLog).await.id, ids[4]);

    // Application events: a changed note of a middle event.
    let who = applicant(store, 1).await;
    for i in 0..5 {
        new_application(store, who, i).await;
    }
    let third: i64 = {
        let apps = store
            .applications_of_organisation(who.0, None)
            .await
            .unwrap();
        let oldest_first: Vec<i64> = apps.iter().rev().map(|a| a.id).collect();
        store.application_events(oldest_first[2]).await.unwrap()[0].id
    };
    execute_raw(
        store,
        &format!("UPDATE application_events SET note = '改过的备注' WHERE id = {third}"),
    )
    .await;
    assert_eq!(
        broken(store, Chain::ApplicationEvents).await,
        ChainBreak {
            id: third,
            problem: ChainProblem::HashMismatch
        }
    );
    // A status that is no status (statuses are typed when read) is a changed row too, not a
    // failed walk.
    let second = third - 1;
    execute_raw(
        store,
        &format!("UPDATE application_events SET to_status = 'withdrawn' WHERE id = {second}"),
    )
    .await;
    assert_eq!(
        broken(store, Chain::ApplicationEvents).await,
        ChainBreak {
            id: second,
            problem: ChainProblem::HashMismatch
        }
    );
}

async fn a_deleted_row_is_found_wherever_it_was(db: TestDb) {
    let store = &db.store;
    append(store, 0, 10).await;
    let ids = audit_ids(store).await;

    // In the middle: the next row no longer follows its predecessor.
    execute_raw(
        store,
        &format!("DELETE FROM audit_log WHERE id = {}", ids[5]),
    )
    .await;
    assert_eq!(
        broken(store, Chain::AuditLog).await,
        ChainBreak {
            id: ids[6],
            problem: ChainProblem::PrevHashMismatch {
                previous_id: Some(ids[4])
            }
        }
    );
    // The oldest: the next one no longer follows the anchor.
    execute_raw(
        store,
        &format!("DELETE FROM audit_log WHERE id < {}", ids[5]),
    )
    .await;
    assert_eq!(
        broken(store, Chain::AuditLog).await,
        ChainBreak {
            id: ids[6],
            problem: ChainProblem::PrevHashMismatch { previous_id: None }
        }
    );

    // Everything: the rows appended afterwards follow a head that is no longer there.
    execute_raw(store, "DELETE FROM audit_log").await;
    append(store, 100, 5).await;
    let report = store.verify_chain(Chain::AuditLog).await.unwrap();
    assert!(
        matches!(
            report.broken,
            Some(ChainBreak {
                problem: ChainProblem::PrevHashMismatch { previous_id: None },
                ..
            })
        ),
        "{report:?}"
    );

    let who = applicant(store, 1).await;
    for i in 0..4 {
        new_application(store, who, i).await;
    }
    assert_eq!(intact(store, Chain::ApplicationEvents).await, 4);
    // The newest: the head names a row that is gone.
    let head = store
        .verify_chain(Chain::ApplicationEvents)
        .await
        .unwrap()
        .head_id
        .unwrap();
    execute_raw(
        store,
        &format!("DELETE FROM application_events WHERE id = {head}"),
    )
    .await;
    let report = store.verify_chain(Chain::ApplicationEvents).await.unwrap();
    assert_eq!(report.verified, 3);
    assert_eq!(
        report.broken,
        Some(ChainBreak {
            id: head,
            problem: ChainProblem::HeadMismatch {
                last_id: Some(head - 1)
            }
        })
    );
}

async fn rows_written_around_the_store_are_found(db: TestDb) {
    let store = &db.store;
    // Rows from before the chain existed (NULL hashes) are counted, not checked.
    for i in 0..3 {
        execute_raw(
            store,
            &format!("INSERT INTO audit_log (at, action) VALUES ({i}, 'legacy.row')"),
        )
        .await;
    }
    append(store, 0, 5).await;
    let report = store.verify_chain(Chain::AuditLog).await.unwrap();
    assert_eq!(report.broken, None, "{report:?}");
    assert_eq!((report.unhashed, report.verified), (3, 5));

    // After the chain started, a row without a hash is a break, even when it is the newest.
    execute_raw(
        store,
        "INSERT INTO audit_log (at, action) VALUES (9999, 'forged.row')",
    )
    .await;
    let forged = *audit_ids(store).await.last().unwrap();
    assert_eq!(
        broken(store, Chain::AuditLog).await,
        ChainBreak {
            id: forged,
            problem: ChainProblem::MissingHash
        }
    );
    // Copying a real row's hashes into it does not help.
    let ids = audit_ids(store).await;
    let real = ids[ids.len() - 2];
    execute_raw(
        store,
        &format!(
            "UPDATE audit_log SET prev_hash = (SELECT prev_hash FROM audit_log WHERE id = {real}), \
             hash = (SELECT hash FROM audit_log WHERE id = {real}) WHERE id = {forged}"
        ),
    )
    .await;
    assert_eq!(
        broken(store, Chain::AuditLog).await,
        ChainBreak {
            id: forged,
            problem: ChainProblem::PrevHashMismatch {
                previous_id: Some(real)
            }
        }
    );
}

async fn concurrent_appends_from_two_stores_keep_one_valid_chain(db: TestDb) {
    // A second store on the same database, as a second server process would have.
    let other = Store::connect(&db.url).await.unwrap();
    let who = applicant(&db.store, 1).await;
    let mut tasks = Vec::new();
    for t in 0..6_i64 {
        let store = if t % 2 == 0 {
            db.store.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                store.audit(&entry(t * 1_000 + i)).await.unwrap();
                if i % 4 == 0 {
                    new_application(&store, who, t * 1_000 + i).await;
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(intact(&db.store, Chain::AuditLog).await, 120);
    assert_eq!(intact(&other, Chain::ApplicationEvents).await, 30);
    other.close().await;
}

async fn pruning_keeps_the_rest_verifiable(db: TestDb) {
    let store = &db.store;
    // Entries at 1_000 … 1_029, then one older entry out of order (at 1_005).
    append(store, 0, 30).await;
    store
        .audit(&NewAuditEntry {
            at: 1_005,
            ..entry(5)
        })
        .await
        .unwrap();
    let ids = audit_ids(store).await;

    // Older than 1_015: the first 15 go; the late entry at 1_005 stays, since younger entries
    // come before it.
    assert_eq!(store.prune_audit_log(1_015).await.unwrap(), 15);
    let report = store.verify_chain(Chain::AuditLog).await.unwrap();
    assert_eq!(report.broken, None, "{report:?}");
    assert_eq!(report.verified, 16);
    assert_eq!(report.anchor_id, Some(ids[14]));
    assert_eq!(audit_ids(store).await, ids[15..].to_vec());
    assert_eq!(store.prune_audit_log(1_015).await.unwrap(), 0, "idempotent");

    // Deleting the oldest kept entry by hand is still found: the next one does not follow the
    // anchor.
    execute_raw(
        store,
        &format!("DELETE FROM audit_log WHERE id = {}", ids[15]),
    )
    .await;
    assert_eq!(
        broken(store, Chain::AuditLog).await,
        ChainBreak {
            id: ids[16],
            problem: ChainProblem::PrevHashMismatch { previous_id: None }
        }
    );

    // Everything is old: all but the newest entry go, and the chain goes on from it.
    store.prune_audit_log(i64::MAX).await.unwrap();
    assert_eq!(audit_ids(store).await, vec![*ids.last().unwrap()]);
    append(store, 100, 3).await;
    assert_eq!(intact(store, Chain::AuditLog).await, 4);
}

async fn every_status_change_of_the_workflow_is_chained(db: TestDb) {
    let store = &db.store;
    let who = applicant(store, 1).await;
    let event = |note: &str| ApplicationEvent {
        at: 5_000,
        actor_user_id: Some(who.1),
        actor_ip: None,
        note: Some(note.to_owned()),
    };
    let city = UnitRef {
        call_id: "hn-2025-ai".to_owned(),
        level: "city".to_owned(),
        unit: "370100".to_owned(),
    };
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = new_application(store, who, i).await;
        store
            .submit_application(
                id,
                1,
                &Submission {
                    from_status: shenbao_store::ApplicationStatus::Draft,
                    level: "city".to_owned(),
                    unit: "370100".to_owned(),
                    sector: None,
                    title: Some(format!("案例{i}")),
                },
                &NewSnapshot {
                    version: 1,
                    answers: "{}".to_owned(),
                    files: "[]".to_owned(),
                    content_hash: "h".to_owned(),
                },
                &event("提交"),
            )
            .await
            .unwrap();
        let decision = Decision {
            recommended: true,
            opinion: "同意推荐".to_owned(),
            signatures: None,
        };
        store
            .decide(id, &city, &decision, &event("推荐"))
            .await
            .unwrap();
        ids.push(id);
    }
    // Forwarding writes one event per application, after moving them.
    let moved = store
        .forward(
            &city,
            "llm",
            "province",
            &NextUnit::Fixed("*".to_owned()),
            &event("报送"),
        )
        .await
        .unwrap();
    assert_eq!(moved, ids);
    // Selecting several writes their events after the updates too.
    let selected = store
        .select_applications(&ids[..2], &event("入选"))
        .await
        .unwrap();
    assert_eq!(selected, ids[..2].to_vec());
    store
        .return_application(
            ids[2],
            &UnitRef {
                level: "province".to_owned(),
                unit: "*".to_owned(),
                ..city.clone()
            },
            &event("退回"),
        )
        .await
        .unwrap();
    // 3 × (created, submitted, recommended, forwarded) + 2 selected + 1 returned.
    assert_eq!(intact(store, Chain::ApplicationEvents).await, 15);
}

async fn the_log_filters_by_actor_action_time_and_address(db: TestDb) {
    let store = &db.store;
    let (_, alice) = applicant(store, 1).await;
    let (_, bob) = applicant(store, 2).await;
    execute_raw(
        store,
        &format!("UPDATE users SET display_name = '王_小明' WHERE id = {alice}"),
    )
    .await;
    let at = |i: i64, actor: Option<i64>, action: &str, ip: &str| NewAuditEntry {
        at: 10_000 + i,
        actor_user_id: actor,
        actor_ip: Some(ip.to_owned()),
        action: action.to_owned(),
        target_kind: None,
        target_id: None,
        detail: None,
    };
    let entries = [
        at(0, Some(alice), "login", "10.0.0.1"),
        at(1, Some(bob), "login", "10.0.1.2"),
        at(2, Some(alice), "application_submitted", "192.168.1.5"),
        at(3, None, "login_failed", "10.0.0.9"),
        at(4, Some(bob), "logout", "10.0.1.2"),
        at(5, Some(alice), "logout", "10.0.0.1"),
    ];
    for e in &entries {
        store.audit(e).await.unwrap();
    }
    let search = |q: AuditQuery| async move {
        store
            .audit_search(&AuditQuery { limit: 100, ..q })
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.entry.at - 10_000)
            .collect::<Vec<i64>>()
    };
    assert_eq!(search(AuditQuery::default()).await, [5, 4, 3, 2, 1, 0]);
    assert_eq!(
        search(AuditQuery {
            actor: Some(AuditActor::Id(bob)),
            ..AuditQuery::default()
        })
        .await,
        [4, 1]
    );
    // By login name or display name, part of it; `_` is a character, not a wildcard.
    let by_name = |name: &str| AuditQuery {
        actor: Some(AuditActor::Name(name.to_owned())),
        ..AuditQuery::default()
    };
    assert_eq!(search(by_name("applicant1")).await, [5, 2, 0]);
    assert_eq!(search(by_name("_小")).await, [5, 2, 0]);
    assert_eq!(search(by_name("王%")).await, Vec::<i64>::new());
    assert_eq!(
        search(AuditQuery {
            action: Some("login".to_owned()),
            ..AuditQuery::default()
        })
        .await,
        [1, 0]
    );
    assert_eq!(
        search(AuditQuery {
            from_ms: Some(10_001),
            until_ms: Some(10_004),
            ..AuditQuery::default()
        })
        .await,
        [3, 2, 1]
    );
    assert_eq!(
        search(AuditQuery {
            ip_prefix: Some("10.0.0.".to_owned()),
            ..AuditQuery::default()
        })
        .await,
        [5, 3, 0]
    );
    // Everything together, and pages by id.
    let q = AuditQuery {
        actor: Some(AuditActor::Name("applicant".to_owned())),
        ip_prefix: Some("10.".to_owned()),
        limit: 2,
        ..AuditQuery::default()
    };
    let first = store.audit_search(&q).await.unwrap();
    assert_eq!(
        first
            .iter()
            .map(|r| r.entry.at - 10_000)
            .collect::<Vec<_>>(),
        [5, 4]
    );
    assert_eq!(first[0].actor_username.as_deref(), Some("applicant1"));
    assert_eq!(first[0].actor_name.as_deref(), Some("王_小明"));
    assert_eq!(first[0].hash.as_ref().map(String::len), Some(64));
    let second = store
        .audit_search(&AuditQuery {
            before_id: Some(first[1].entry.id),
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        second
            .iter()
            .map(|r| r.entry.at - 10_000)
            .collect::<Vec<_>>(),
        [1, 0]
    );
}
