//! The pool, conflicts, assignment (by hand and automatic), recusal and the expert queue.

use super::*;

// ---------------------------------------------------------------------------------------------
// Pool and conflicts

async fn the_pool_adds_lists_with_load_and_removes(db: TestDb) {
    let mut w = World::new(db);
    let employer = w.org("440305").await;
    let a = w.expert("expert_a", Some(employer)).await;
    let b = w.expert("expert_b", None).await;
    assert!(w.store.add_pool_expert(CALL, b, 10).await.unwrap());
    assert!(w.store.add_pool_expert(CALL, a, 11).await.unwrap());
    assert!(!w.store.add_pool_expert(CALL, a, 12).await.unwrap());
    assert!(w.store.add_pool_expert("other-call", a, 13).await.unwrap());
    assert!(w.store.is_pool_expert(CALL, a).await.unwrap());

    let other = w.org("440106").await;
    let app = w.app(other, "manufacturing", 3_000, true).await;
    let id = w.assign(app, a).await.unwrap();
    w.store
        .submit_scores(id, a, "{}", "{}", 7_000)
        .await
        .unwrap();

    let pool = w.store.pool_experts(CALL).await.unwrap();
    assert_eq!(pool.len(), 2);
    assert_eq!(pool[0].user_id, a);
    assert_eq!(pool[0].username, "expert_a");
    assert_eq!(pool[0].organisation_id, Some(employer));
    assert_eq!(pool[0].organisation_name.as_deref(), Some("单位1"));
    assert_eq!(pool[0].added_at, 11);
    assert_eq!((pool[0].assigned, pool[0].submitted), (1, 1));
    assert_eq!(pool[1].user_id, b);
    assert_eq!(pool[1].organisation_name, None);
    assert_eq!((pool[1].assigned, pool[1].submitted), (0, 0));

    assert!(w.store.remove_pool_expert(CALL, a).await.unwrap());
    assert!(!w.store.remove_pool_expert(CALL, a).await.unwrap());
    assert!(!w.store.is_pool_expert(CALL, a).await.unwrap());
    assert_eq!(w.store.pool_experts(CALL).await.unwrap().len(), 1);
    assert_eq!(w.store.pool_experts("other-call").await.unwrap().len(), 1);
    // The assignment stays.
    assert!(w.store.assignment(id).await.unwrap().is_some());
}

async fn conflicts_are_declared_replaced_listed_and_removed(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let e = w.expert("expert", None).await;
    w.store
        .declare_conflict(&conflict(CALL, e, org, "曾任职"))
        .await
        .unwrap();
    w.store
        .declare_conflict(&conflict(CALL, e, org, "亲属任职"))
        .await
        .unwrap();
    w.store
        .declare_conflict(&conflict("other-call", e, org, "x"))
        .await
        .unwrap();
    let list = w.store.conflicts(CALL).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].user_id, e);
    assert_eq!(list[0].username, "expert");
    assert_eq!(list[0].organisation_id, org);
    assert_eq!(list[0].organisation_name, "单位1");
    assert_eq!(list[0].uscc, "91440300MA5F000001");
    assert_eq!(list[0].reason.as_deref(), Some("亲属任职"));
    assert!(w.store.remove_conflict(CALL, e, org).await.unwrap());
    assert!(!w.store.remove_conflict(CALL, e, org).await.unwrap());
    assert!(w.store.conflicts(CALL).await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Assignments

async fn a_conflict_declared_later_removes_unsubmitted_assignments(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let other = w.org("440106").await;
    let a = w.app(org, "manufacturing", 3_000, true).await;
    let b = w.app(org, "manufacturing", 3_100, true).await;
    let c = w.app(other, "manufacturing", 3_200, true).await;
    let e = w.expert("late", None).await;
    let ida = w.assign(a, e).await.unwrap();
    let idb = w.assign(b, e).await.unwrap();
    let idc = w.assign(c, e).await.unwrap();
    // The sheet for b was already submitted: it stays as the record.
    w.store
        .submit_scores(idb, e, r#"{"innovation":80}"#, "{}", 4_000)
        .await
        .unwrap();
    let removed = w
        .store
        .declare_conflict(&conflict(CALL, e, org, "后来发现曾任顾问"))
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(w.store.assignment(ida).await.unwrap().is_none());
    assert!(w.store.assignment(idb).await.unwrap().is_some());
    assert!(w.store.assignment(idc).await.unwrap().is_some());
}

async fn assigning_refuses_conflicts_the_own_organisation_and_duplicates(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let app = w.app(org, "manufacturing", 3_000, true).await;
    let conflicted = w.expert("conflicted", None).await;
    let colleague = w.expert("colleague", Some(org)).await;
    let free = w.expert("free", None).await;
    w.store
        .declare_conflict(&conflict(CALL, conflicted, org, "合作关系"))
        .await
        .unwrap();

    assert_conflict(w.assign(app, conflicted).await, "assignments.conflict");
    assert_conflict(w.assign(app, colleague).await, "assignments.conflict");
    // A conflict in another call does not count here.
    let other_org = w.org("440106").await;
    w.store
        .declare_conflict(&conflict("other-call", free, org, "x"))
        .await
        .unwrap();
    let id = w.assign(app, free).await.unwrap();
    let row = w.store.assignment(id).await.unwrap().unwrap();
    assert_eq!(row.application_id, app);
    assert_eq!(row.expert_id, free);
    assert_eq!(row.call_id, CALL);
    assert_eq!(row.direction, "manufacturing");
    assert_eq!((row.assigned_at, row.assigned_by), (5_000, 1));
    assert_eq!((row.scores, row.submitted_at), (None, None));
    assert_conflict(
        w.assign(app, free).await,
        "assignments.application_expert_key",
    );
    assert!(matches!(
        w.assign(999_999, free).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        w.store
            .assignment_of(app, free)
            .await
            .unwrap()
            .map(|a| a.id),
        Some(id)
    );
    assert_eq!(w.store.assignment_of(app, conflicted).await.unwrap(), None);
    // The colleague may review another organisation's application.
    let other_app = w.app(other_org, "medical", 3_100, true).await;
    w.assign(other_app, colleague).await.unwrap();
    let mut total = 0;
    for e in [conflicted, colleague, free] {
        total += w.store.expert_queue(e, None, 100).await.unwrap().len();
    }
    assert_eq!(total, 2);
}

async fn unassigning_is_refused_once_submitted(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let app = w.app(org, "manufacturing", 3_000, true).await;
    let a = w.expert("a", None).await;
    let b = w.expert("b", None).await;
    let first = w.assign(app, a).await.unwrap();
    let second = w.assign(app, b).await.unwrap();
    let removed = w.store.unassign(first).await.unwrap().unwrap();
    assert_eq!(removed.expert_id, a);
    assert_eq!(w.store.unassign(first).await.unwrap(), None);
    w.store
        .submit_scores(second, b, "{\"x\":1}", "{}", 7_000)
        .await
        .unwrap();
    assert_conflict(w.store.unassign(second).await, "assignments.submitted");
    assert!(w.store.assignment(second).await.unwrap().is_some());
}

async fn automatic_assignment_balances_load_and_never_picks_a_conflicted_expert(db: TestDb) {
    let mut w = World::new(db);
    let mut orgs = Vec::new();
    for region in [
        "440305", "440106", "440304", "440103", "440303", "440111", "440105",
    ] {
        orgs.push(w.org(region).await);
    }
    let mut apps = Vec::new();
    for (i, org) in orgs.iter().enumerate() {
        apps.push(w.app(*org, "manufacturing", 3_000 + i as i64, true).await);
    }
    // Not at the owner level: never assigned.
    let waiting = w.app(orgs[0], "manufacturing", 3_100, false).await;
    // Five experts: one works for orgs[0], one declared a conflict with orgs[1].
    let mut experts = Vec::new();
    experts.push(w.expert("e1", Some(orgs[0])).await);
    for name in ["e2", "e3", "e4", "e5"] {
        experts.push(w.expert(name, None).await);
    }
    w.store
        .declare_conflict(&conflict(CALL, experts[1], orgs[1], "亲属"))
        .await
        .unwrap();
    // Someone outside the pool is never picked.
    let outsider = w.expert("outsider", None).await;
    for e in &experts {
        w.store.add_pool_expert(CALL, *e, 10).await.unwrap();
    }

    let outcome = w.store.auto_assign(&auto(3, None)).await.unwrap();
    assert_eq!(outcome.assigned, 21);
    assert!(outcome.unfilled.is_empty(), "{outcome:?}");

    let pool = w.store.pool_experts(CALL).await.unwrap();
    let loads: Vec<i64> = pool.iter().map(|p| p.assigned).collect();
    let (min, max) = (
        loads.iter().min().copied().unwrap(),
        loads.iter().max().copied().unwrap(),
    );
    assert!(max - min <= 1, "loads {loads:?}");
    assert_eq!(loads.iter().sum::<i64>(), 21);

    let rows = w.store.experts_of_applications(&apps).await.unwrap();
    let mut per_app: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for r in &rows {
        per_app
            .entry(r.application_id)
            .or_default()
            .push(r.expert_id);
    }
    for app in &apps {
        assert_eq!(per_app[app].len(), 3);
    }
    assert!(
        !per_app[&apps[0]].contains(&experts[0]),
        "same organisation"
    );
    assert!(
        !per_app[&apps[1]].contains(&experts[1]),
        "declared conflict"
    );
    assert!(rows.iter().all(|r| r.expert_id != outsider));
    assert!(
        w.store
            .experts_of_applications(&[waiting])
            .await
            .unwrap()
            .is_empty()
    );

    // Running again adds nothing.
    let again = w.store.auto_assign(&auto(3, None)).await.unwrap();
    assert_eq!(again.assigned, 0);
    assert!(again.unfilled.is_empty());
}

async fn automatic_assignment_reports_what_it_could_not_fill_and_keeps_to_a_direction(db: TestDb) {
    let mut w = World::new(db);
    let a = w.org("440305").await;
    let b = w.org("440106").await;
    let manufacturing = w.app(a, "manufacturing", 3_000, true).await;
    let medical = w.app(b, "medical", 3_001, true).await;
    let e1 = w.expert("e1", Some(a)).await;
    let e2 = w.expert("e2", None).await;
    for e in [e1, e2] {
        w.store.add_pool_expert(CALL, e, 10).await.unwrap();
    }
    let outcome = w
        .store
        .auto_assign(&auto(2, Some("manufacturing")))
        .await
        .unwrap();
    assert_eq!(outcome.assigned, 1);
    assert_eq!(outcome.unfilled, vec![(manufacturing, 1)]);
    assert!(
        w.store
            .experts_of_applications(&[medical])
            .await
            .unwrap()
            .is_empty()
    );
    let outcome = w.store.auto_assign(&auto(2, None)).await.unwrap();
    assert_eq!(outcome.assigned, 2);
    assert_eq!(outcome.unfilled, vec![(manufacturing, 1)]);
}

async fn scores_are_saved_as_drafts_then_frozen_by_submission(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let app = w.app(org, "manufacturing", 3_000, true).await;
    let e = w.expert("e", None).await;
    let other = w.expert("other", None).await;
    let id = w.assign(app, e).await.unwrap();

    let saved = w
        .store
        .save_scores(id, e, "{\"innovation\":80}", "{\"\":\"好\"}", 7_000)
        .await
        .unwrap();
    assert_eq!(saved.scores.as_deref(), Some("{\"innovation\":80}"));
    assert_eq!(saved.comments.as_deref(), Some("{\"\":\"好\"}"));
    assert_eq!((saved.saved_at, saved.submitted_at), (Some(7_000), None));
    // Only by that expert.
    assert!(matches!(
        w.store.save_scores(id, other, "{}", "{}", 7_001).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store.submit_scores(id, other, "{}", "{}", 7_001).await,
        Err(StoreError::NotFound)
    ));
    let submitted = w
        .store
        .submit_scores(id, e, "{\"innovation\":90}", "{}", 8_000)
        .await
        .unwrap();
    assert_eq!(submitted.submitted_at, Some(8_000));
    assert_eq!(submitted.saved_at, Some(8_000));
    assert_conflict(
        w.store.save_scores(id, e, "{}", "{}", 9_000).await,
        "assignments.submitted",
    );
    assert_conflict(
        w.store.submit_scores(id, e, "{}", "{}", 9_000).await,
        "assignments.submitted",
    );
    let row = w.store.assignment(id).await.unwrap().unwrap();
    assert_eq!(row.scores.as_deref(), Some("{\"innovation\":90}"));
    assert!(matches!(
        w.store.save_scores(999_999, e, "{}", "{}", 9_000).await,
        Err(StoreError::NotFound)
    ));
}

async fn recusing_declares_the_conflict_and_removes_the_assignment(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let app = w.app(org, "manufacturing", 3_000, true).await;
    let second = w.app(org, "medical", 3_001, true).await;
    let e = w.expert("e", None).await;
    let other = w.expert("other", None).await;
    let id = w.assign(app, e).await.unwrap();
    let kept = w.assign(second, e).await.unwrap();

    assert!(matches!(
        w.store.recuse(id, other, Some("x"), 7_000).await,
        Err(StoreError::NotFound)
    ));
    let removed = w
        .store
        .recuse(id, e, Some("曾参与该项目"), 7_000)
        .await
        .unwrap();
    assert_eq!(removed.id, id);
    assert_eq!(w.store.assignment(id).await.unwrap(), None);
    let list = w.store.conflicts(CALL).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].user_id, list[0].organisation_id), (e, org));
    assert_eq!(list[0].reason.as_deref(), Some("曾参与该项目"));
    assert_eq!(list[0].declared_at, 7_000);
    // Never again for that organisation.
    assert_conflict(w.assign(app, e).await, "assignments.conflict");

    // Submitted scores cannot be recused from.
    w.store
        .submit_scores(kept, e, "{}", "{}", 8_000)
        .await
        .unwrap();
    assert_conflict(
        w.store.recuse(kept, e, None, 9_000).await,
        "assignments.submitted",
    );
    assert!(w.store.assignment(kept).await.unwrap().is_some());
}

async fn the_expert_queue_pages_by_assignment_id(db: TestDb) {
    let mut w = World::new(db);
    let org = w.org("440305").await;
    let e = w.expert("e", None).await;
    let other = w.expert("other", None).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let app = w.app(org, "manufacturing", 3_000 + i, true).await;
        ids.push(w.assign(app, e).await.unwrap());
        w.assign(app, other).await.unwrap();
    }
    w.store
        .save_scores(ids[1], e, "{}", "{}", 7_000)
        .await
        .unwrap();
    w.store
        .submit_scores(ids[2], e, "{}", "{}", 7_000)
        .await
        .unwrap();

    let first = w.store.expert_queue(e, None, 2).await.unwrap();
    assert_eq!(first.iter().map(|q| q.id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!(first[0].call_id, CALL);
    assert_eq!(first[0].direction, "manufacturing");
    assert_eq!(
        first[0].title.as_deref(),
        Some(format!("案例{}", first[0].application_id).as_str())
    );
    assert_eq!(first[1].saved_at, Some(7_000));
    let second = w.store.expert_queue(e, Some(ids[1]), 2).await.unwrap();
    assert_eq!(second.iter().map(|q| q.id).collect::<Vec<_>>(), ids[2..4]);
    assert_eq!(second[0].submitted_at, Some(7_000));
    let last = w.store.expert_queue(e, Some(ids[3]), 2).await.unwrap();
    assert_eq!(last.len(), 1);
    assert!(
        w.store
            .expert_queue(e, Some(ids[4]), 2)
            .await
            .unwrap()
            .is_empty()
    );
}

shenbao_store::on_both_databases!(
    the_pool_adds_lists_with_load_and_removes,
    conflicts_are_declared_replaced_listed_and_removed,
    a_conflict_declared_later_removes_unsubmitted_assignments,
    assigning_refuses_conflicts_the_own_organisation_and_duplicates,
    unassigning_is_refused_once_submitted,
    automatic_assignment_balances_load_and_never_picks_a_conflicted_expert,
    automatic_assignment_reports_what_it_could_not_fill_and_keeps_to_a_direction,
    scores_are_saved_as_drafts_then_frozen_by_submission,
    recusing_declares_the_conflict_and_removes_the_assignment,
    the_expert_queue_pages_by_assignment_id,
);
