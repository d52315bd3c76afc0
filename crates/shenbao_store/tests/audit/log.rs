//! Chains under concurrency and pruning, every status change, and the log's filters.

use super::*;

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

shenbao_store::on_both_databases!(
    concurrent_appends_from_two_stores_keep_one_valid_chain,
    pruning_keeps_the_rest_verifiable,
    every_status_change_of_the_workflow_is_chained,
    the_log_filters_by_actor_action_time_and_address,
);
