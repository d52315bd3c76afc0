//! Conformance of the owner's and the experts' side on every backend: the expert pool,
//! conflicts, assignments by hand and automatic, scores, selection, publication and the
//! owner's lists and counts. Same harness as `conformance.rs`.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use std::collections::BTreeMap;

use shenbao_store::testing::{TestDb, place_at_owner_level};
use shenbao_store::{
    ApplicationEvent, AutoAssign, Backend, NewApplication, NewAssignment, NewConflict,
    NewOrganisation, NewSnapshot, NewUser, Role, Store, StoreError,
};

shenbao_store::on_both_databases!(
    the_pool_adds_lists_with_load_and_removes,
    conflicts_are_declared_replaced_listed_and_removed,
    assigning_refuses_conflicts_the_own_organisation_and_duplicates,
    a_conflict_declared_later_removes_unsubmitted_assignments,
    unassigning_is_refused_once_submitted,
    automatic_assignment_balances_load_and_never_picks_a_conflicted_expert,
    automatic_assignment_reports_what_it_could_not_fill_and_keeps_to_a_direction,
    scores_are_saved_as_drafts_then_frozen_by_submission,
    recusing_declares_the_conflict_and_removes_the_assignment,
    the_expert_queue_pages_by_assignment_id,
    the_owner_sees_experts_per_application_and_sheets_per_direction,
    selecting_and_unselecting_write_events_and_need_the_owner_level,
    selecting_many_is_all_or_nothing,
    publication_freezes_selection_and_happens_once,
    publication_freezes_scores_and_assignments,
    a_score_write_racing_a_publication_waits_for_it_and_is_refused,
    owner_lists_page_by_key_and_counts_group_by_city,
);

const CALL: &str = "gd-2023-ai-scenarios";
const LEVEL: &str = "province";

// ---------------------------------------------------------------------------------------------
// Builders

struct World {
    store: Store,
    applicant: i64,
    next: u32,
}

impl World {
    fn new(db: TestDb) -> World {
        World {
            store: db.store,
            applicant: 0,
            next: 0,
        }
    }

    /// A new organisation in `region` with an applicant account.
    async fn org(&mut self, region: &str) -> i64 {
        self.next += 1;
        let n = self.next;
        let (org, user) = self
            .store
            .register_applicant(
                &NewOrganisation {
                    uscc: format!("91440300MA5F{n:06}"),
                    name: format!("单位{n}"),
                    region: region.to_owned(),
                    created_at: 1_000,
                },
                &user(&format!("applicant{n}"), Role::Applicant, None),
            )
            .await
            .unwrap();
        self.applicant = user.id;
        org.id
    }

    async fn expert(&self, username: &str, organisation_id: Option<i64>) -> i64 {
        self.store
            .create_user(&user(username, Role::Expert, organisation_id))
            .await
            .unwrap()
            .id
    }

    /// A submitted application of `org` in `direction`, at the owner level when `owner`.
    async fn app(&self, org: i64, direction: &str, at: i64, owner: bool) -> i64 {
        self.app_of(CALL, org, direction, at, owner).await
    }

    /// As [`World::app`], to call `call`.
    async fn app_of(&self, call: &str, org: i64, direction: &str, at: i64, owner: bool) -> i64 {
        let created = self
            .store
            .create_application(
                &NewApplication {
                    call_id: call.to_owned(),
                    direction: direction.to_owned(),
                    subdirection: None,
                    organisation_id: org,
                    created_by: self.applicant,
                    answers: "{}".to_owned(),
                    created_at: at,
                },
                &event(at),
            )
            .await
            .unwrap();
        self.store
            .submit_application(
                created.id,
                1,
                &shenbao_store::Submission {
                    from_status: shenbao_store::ApplicationStatus::Draft,
                    level: "city".into(),
                    unit: "370100".into(),
                    sector: None,
                    title: None,
                },
                &NewSnapshot {
                    version: 1,
                    answers: "{}".to_owned(),
                    files: "[]".to_owned(),
                    content_hash: "00".to_owned(),
                },
                &event(at),
            )
            .await
            .unwrap();
        if owner {
            place_at_owner_level(
                &self.store,
                created.id,
                LEVEL,
                &format!("案例{}", created.id),
            )
            .await;
        }
        created.id
    }

    async fn assign(&self, app: i64, expert: i64) -> Result<i64, StoreError> {
        self.store
            .assign_expert(&NewAssignment {
                application_id: app,
                expert_id: expert,
                assigned_at: 5_000,
                assigned_by: 1,
            })
            .await
            .map(|a| a.id)
    }
}

fn user(username: &str, role: Role, organisation_id: Option<i64>) -> NewUser {
    NewUser {
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        display_name: format!("{username}名"),
        role,
        organisation_id,
        scope_region: None,
        scope_sector: None,
        email: None,
        created_at: 1_000,
    }
}

fn event(at: i64) -> ApplicationEvent {
    ApplicationEvent {
        at,
        actor_user_id: None,
        actor_ip: None,
        note: None,
    }
}

fn conflict(call: &str, user_id: i64, organisation_id: i64, reason: &str) -> NewConflict {
    NewConflict {
        call_id: call.to_owned(),
        user_id,
        organisation_id,
        reason: Some(reason.to_owned()),
        declared_at: 2_000,
    }
}

fn auto(per_application: usize, direction: Option<&str>) -> AutoAssign {
    AutoAssign {
        call_id: CALL.to_owned(),
        level: LEVEL.to_owned(),
        direction: direction.map(str::to_owned),
        per_application,
        assigned_at: 6_000,
        assigned_by: 1,
    }
}

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: &str) {
    match result {
        Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, expected),
        other => panic!("expected a conflict on {expected}, got {other:?}"),
    }
}

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
