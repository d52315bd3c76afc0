//! Changed, deleted and foreign rows are found where they are.

use super::*;

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

shenbao_store::on_both_databases!(
    a_changed_middle_row_is_found_at_that_row,
    a_deleted_row_is_found_wherever_it_was,
    rows_written_around_the_store_are_found,
);
