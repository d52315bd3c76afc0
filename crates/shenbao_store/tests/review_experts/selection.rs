//! What the owner sees, selection and publication, and what publication freezes.

use super::*;

async fn the_owner_sees_experts_per_application_and_sheets_per_direction(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let m = w.app(org, "manufacturing", 3_000, true).await;
    let d = w.app(org, "medical", 3_001, true).await;
    let a = w.expert("a", None).await;
    let b = w.expert("b", None).await;
    let am = w.assign(m, a).await.unwrap();
    let bm = w.assign(m, b).await.unwrap();
    let ad = w.assign(d, a).await.unwrap();
    w.store
        .submit_scores(bm, b, "{\"innovation\":70}", "{}", 7_000)
        .await
        .unwrap();
    w.store
        .submit_scores(ad, a, "{\"innovation\":60}", "{}", 7_000)
        .await
        .unwrap();
    w.store
        .save_scores(am, a, "{\"innovation\":10}", "{}", 7_000)
        .await
        .unwrap();

    let rows = w.store.experts_of_applications(&[m, d]).await.unwrap();
    let seen: Vec<(i64, &str, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.application_id,
                r.username.as_str(),
                r.submitted_at.is_some(),
            )
        })
        .collect();
    assert_eq!(seen, vec![(m, "a", false), (m, "b", true), (d, "a", true)]);
    assert!(
        w.store
            .experts_of_applications(&[])
            .await
            .unwrap()
            .is_empty()
    );

    let sheets = w
        .store
        .submitted_sheets(CALL, "manufacturing")
        .await
        .unwrap();
    assert_eq!(sheets.len(), 1);
    assert_eq!(sheets[0].expert_id, b);
    assert_eq!(sheets[0].scores.as_deref(), Some("{\"innovation\":70}"));
    let sheets = w.store.submitted_sheets(CALL, "medical").await.unwrap();
    assert_eq!(sheets.iter().map(|s| s.id).collect::<Vec<_>>(), vec![ad]);
}

// ---------------------------------------------------------------------------------------------
// Selection and publication

async fn selecting_and_unselecting_write_events_and_need_the_owner_level(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let app = w.app(org, "manufacturing", 3_000, true).await;
    let waiting = w.app(org, "medical", 3_001, false).await;

    let selected = w
        .store
        .select_application(app, &event(9_000))
        .await
        .unwrap();
    assert_eq!(selected.status, shenbao_store::ApplicationStatus::Selected);
    assert_eq!(selected.updated_at, 9_000);
    assert_eq!(selected.version, 3);
    assert_conflict(
        w.store.select_application(app, &event(9_001)).await,
        "applications.version",
    );
    let back = w
        .store
        .unselect_application(app, &event(9_002))
        .await
        .unwrap();
    assert_eq!(back.status, shenbao_store::ApplicationStatus::Submitted);
    assert_conflict(
        w.store.unselect_application(app, &event(9_003)).await,
        "applications.version",
    );
    let events = w.store.application_events(app).await.unwrap();
    let moves: Vec<(Option<&str>, &str)> = events
        .iter()
        .map(|e| (e.from_status.map(|s| s.as_str()), e.to_status.as_str()))
        .collect();
    assert_eq!(
        moves[2..],
        [
            (Some("submitted"), "selected"),
            (Some("selected"), "submitted")
        ]
    );
    // Not at the owner level yet.
    assert_conflict(
        w.store.select_application(waiting, &event(9_004)).await,
        "applications.version",
    );
    assert!(matches!(
        w.store.select_application(999_999, &event(9_005)).await,
        Err(StoreError::NotFound)
    ));
}

async fn selecting_many_is_all_or_nothing(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let a = w.app(org, "manufacturing", 3_000, true).await;
    let b = w.app(org, "manufacturing", 3_001, true).await;
    let c = w.app(org, "manufacturing", 3_002, true).await;
    let waiting = w.app(org, "manufacturing", 3_003, false).await;
    w.store.select_application(b, &event(8_000)).await.unwrap();

    assert_conflict(
        w.store
            .select_applications(&[a, waiting, c], &event(9_000))
            .await,
        "applications.version",
    );
    assert_eq!(
        w.store.application(a).await.unwrap().unwrap().status,
        shenbao_store::ApplicationStatus::Submitted
    );
    assert_eq!(
        w.store.application(c).await.unwrap().unwrap().status,
        shenbao_store::ApplicationStatus::Submitted
    );

    let changed = w
        .store
        .select_applications(&[a, b, c], &event(9_001))
        .await
        .unwrap();
    assert_eq!(changed, vec![a, c]);
    for id in [a, b, c] {
        assert_eq!(
            w.store.application(id).await.unwrap().unwrap().status,
            shenbao_store::ApplicationStatus::Selected
        );
    }
}

async fn publication_freezes_selection_and_happens_once(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let a = w.app(org, "manufacturing", 3_000, true).await;
    let b = w.app(org, "manufacturing", 3_001, true).await;
    w.store.select_application(a, &event(8_000)).await.unwrap();
    assert_eq!(w.store.publication(CALL).await.unwrap(), None);

    let p = w.store.publish_results(CALL, 9_000, 42).await.unwrap();
    assert_eq!((p.published_at, p.published_by), (9_000, 42));
    assert_eq!(w.store.publication(CALL).await.unwrap(), Some(p));
    assert_conflict(
        w.store.publish_results(CALL, 9_001, 42).await,
        "publications.call_id",
    );
    assert_conflict(
        w.store.select_application(b, &event(9_002)).await,
        "publications.call_id",
    );
    assert_conflict(
        w.store.unselect_application(a, &event(9_003)).await,
        "publications.call_id",
    );
    assert_conflict(
        w.store.select_applications(&[b], &event(9_004)).await,
        "publications.call_id",
    );
    assert_eq!(
        w.store.application(a).await.unwrap().unwrap().status,
        shenbao_store::ApplicationStatus::Selected
    );
    assert_eq!(
        w.store.application(b).await.unwrap().unwrap().status,
        shenbao_store::ApplicationStatus::Submitted
    );
    // Another call is not affected.
    assert_eq!(w.store.publication("other-call").await.unwrap(), None);
}

/// Once a call's results are published no score, assignment or recusal of the call changes:
/// every write is refused as `publications.call_id` and leaves the rows as they were.
async fn publication_freezes_scores_and_assignments(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let a = w.app(org, "manufacturing", 3_000, true).await;
    let b = w.app(org, "manufacturing", 3_001, true).await;
    let x = w.expert("x", None).await;
    let y = w.expert("y", None).await;
    let z = w.expert("z", None).await;
    for e in [x, y, z] {
        w.store.add_pool_expert(CALL, e, 10).await.unwrap();
    }
    let x_a = w.assign(a, x).await.unwrap();
    let y_a = w.assign(a, y).await.unwrap();
    let x_b = w.assign(b, x).await.unwrap();
    w.store
        .submit_scores(x_a, x, r#"{"innovation":90.0}"#, "{}", 7_000)
        .await
        .unwrap();
    w.store
        .save_scores(y_a, y, r#"{"innovation":40.0}"#, "{}", 7_001)
        .await
        .unwrap();
    w.store.select_application(a, &event(8_000)).await.unwrap();
    // Another call's scores stay open.
    let other_org = w.org("440106").await;
    let elsewhere = w
        .app_of("other-call", other_org, "manufacturing", 3_002, true)
        .await;
    let z_elsewhere = w.assign(elsewhere, z).await.unwrap();

    w.store.publish_results(CALL, 9_000, 42).await.unwrap();
    let rows = |w: &World| {
        let store = w.store.clone();
        async move {
            let mut all = Vec::new();
            for id in [x_a, y_a, x_b] {
                all.push(store.assignment(id).await.unwrap());
            }
            (
                all,
                store.submitted_sheets(CALL, "manufacturing").await.unwrap(),
            )
        }
    };
    let before = rows(&w).await;

    let published = "publications.call_id";
    assert_conflict(
        w.store
            .save_scores(y_a, y, r#"{"innovation":100.0}"#, "{}", 9_100)
            .await,
        published,
    );
    assert_conflict(
        w.store
            .submit_scores(y_a, y, r#"{"innovation":100.0}"#, "{}", 9_101)
            .await,
        published,
    );
    assert_conflict(
        w.store
            .submit_scores(x_b, x, r#"{"innovation":100.0}"#, "{}", 9_102)
            .await,
        published,
    );
    assert_conflict(w.store.recuse(y_a, y, Some("回避"), 9_103).await, published);
    assert_conflict(w.assign(b, z).await, published);
    assert_conflict(w.store.unassign(x_b).await, published);
    assert_conflict(w.store.auto_assign(&auto(3, None)).await, published);
    assert_conflict(
        w.store.select_applications(&[b], &event(9_104)).await,
        published,
    );
    // Someone else's assignment is still not found, whatever the call's state.
    assert!(matches!(
        w.store.save_scores(y_a, x, "{}", "{}", 9_105).await,
        Err(StoreError::NotFound)
    ));
    // A conflict declared now is recorded, but removes no assignment.
    assert_eq!(
        w.store
            .declare_conflict(&conflict(CALL, y, org, "后来发现"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(rows(&w).await, before, "nothing changed");
    assert_eq!(w.store.conflicts(CALL).await.unwrap().len(), 1);

    // The other call is not frozen.
    w.store
        .submit_scores(z_elsewhere, z, r#"{"innovation":70.0}"#, "{}", 9_200)
        .await
        .unwrap();
}

/// PostgreSQL: a publication in flight on another connection (its lock taken and its row
/// written, not yet committed) makes a score write wait, which is then refused, instead of
/// slipping in under a guard that cannot see the uncommitted row. (On SQLite `BEGIN
/// IMMEDIATE` runs writers one at a time; there is nothing to race.)
async fn a_score_write_racing_a_publication_waits_for_it_and_is_refused(db: TestDb) {
    use sqlx::Connection;
    if db.store.backend() != Backend::Postgres {
        return;
    }
    let url = db.url.clone();
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let a = w.app(org, "manufacturing", 3_000, true).await;
    let x = w.expert("x", None).await;
    let id = w.assign(a, x).await.unwrap();

    let mut other = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut publishing = other.begin().await.unwrap();
    // The lock `Store::publish_results` takes (class `LockClass::Publication`).
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1, hashtext($2))")
        .bind(0x5342_0002_i32)
        .bind(CALL)
        .execute(&mut *publishing)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO publications (call_id, published_at, published_by) VALUES ($1, 9000, 42)",
    )
    .bind(CALL)
    .execute(&mut *publishing)
    .await
    .unwrap();

    let store = w.store.clone();
    let save = tokio::spawn(async move {
        store
            .submit_scores(id, x, r#"{"innovation":100.0}"#, "{}", 9_001)
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!save.is_finished(), "the write waits for the publication");
    publishing.commit().await.unwrap();
    assert_conflict(save.await.unwrap(), "publications.call_id");
    let row = w.store.assignment(id).await.unwrap().unwrap();
    assert_eq!((row.scores, row.submitted_at), (None, None));
    other.close().await.unwrap();
}

async fn owner_lists_page_by_key_and_counts_group_by_city(db: TestDb) {
    let mut w = World::new(db);
    let shenzhen = w.org("440305").await;
    let guangzhou = w.org("440106").await;
    let mut owner_apps = Vec::new();
    for i in 0..3 {
        owner_apps.push(w.app(shenzhen, "manufacturing", 3_000 + i, true).await);
    }
    owner_apps.push(w.app(guangzhou, "medical", 3_000, true).await);
    let waiting = w.app(guangzhou, "medical", 2_000, false).await;

    // Ordered by (submitted_at, id): the medical one ties at 3_000 with a higher id.
    let first = w
        .store
        .owner_applications(CALL, LEVEL, None, None, 2)
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![owner_apps[0], owner_apps[3]]
    );
    assert_eq!(first[1].organisation_name, "单位2");
    assert_eq!(first[1].region, "440106");
    assert_eq!(
        first[1].title.as_deref(),
        Some(format!("案例{}", owner_apps[3]).as_str())
    );
    let key = (first[1].submitted_at, first[1].id);
    let rest = w
        .store
        .owner_applications(CALL, LEVEL, None, Some(key), 10)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![owner_apps[1], owner_apps[2]]
    );
    let medical = w
        .store
        .owner_applications(CALL, LEVEL, Some("medical"), None, 10)
        .await
        .unwrap();
    assert_eq!(
        medical.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![owner_apps[3]]
    );
    assert!(!medical.iter().any(|r| r.id == waiting));

    w.store
        .select_applications(&[owner_apps[1], owner_apps[3]], &event(9_000))
        .await
        .unwrap();
    let selected = w.store.selected_applications(CALL, None, 1).await.unwrap();
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0].id, owner_apps[1]);
    assert_eq!(selected[0].organisation_name, "单位1");
    let more = w
        .store
        .selected_applications(CALL, Some(selected[0].id), 10)
        .await
        .unwrap();
    assert_eq!(
        more.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![owner_apps[3]]
    );
    assert_eq!(more[0].region, "440106");
    assert_eq!(more[0].direction, "medical");

    let counts = w.store.owner_counts(CALL).await.unwrap();
    let got: Vec<(Option<&str>, &str, &str, &str, i64)> = counts
        .iter()
        .map(|c| {
            (
                c.level.as_deref(),
                c.status.as_str(),
                c.direction.as_str(),
                c.city.as_str(),
                c.count,
            )
        })
        .collect();
    assert!(got.contains(&(Some(LEVEL), "submitted", "manufacturing", "440300", 2)));
    assert!(got.contains(&(Some(LEVEL), "selected", "manufacturing", "440300", 1)));
    assert!(got.contains(&(Some(LEVEL), "selected", "medical", "440100", 1)));
    assert!(got.contains(&(Some("city"), "submitted", "medical", "440100", 1)));
    assert_eq!(got.iter().map(|c| c.4).sum::<i64>(), 5);
    assert!(w.store.owner_counts("other-call").await.unwrap().is_empty());
}

shenbao_store::on_both_databases!(
    the_owner_sees_experts_per_application_and_sheets_per_direction,
    selecting_and_unselecting_write_events_and_need_the_owner_level,
    selecting_many_is_all_or_nothing,
    publication_freezes_selection_and_happens_once,
    publication_freezes_scores_and_assignments,
    a_score_write_racing_a_publication_waits_for_it_and_is_refused,
    owner_lists_page_by_key_and_counts_group_by_city,
);
