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

shenbao_store::on_both_databases!(
    recommending_ranks_in_order_and_moving_swaps_neighbours,
    not_recommending_or_returning_leaves_the_ranking_closed_up,
    a_returned_application_is_resubmitted_to_the_same_unit,
    forwarding_moves_the_recommended_up_and_freezes_the_list,
    a_submission_to_a_unit_that_forwarded_is_refused_and_writes_nothing,
    a_submission_racing_a_forward_waits_for_it_and_is_refused,
    the_queue_filters_and_pages_by_keyset,
    other_units_cannot_act,
);

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

async fn recommending_ranks_in_order_and_moving_swaps_neighbours(db: TestDb) {
    let at = county("350503");
    let a = submitted(&db, 1, "350503", "甲公司", 10).await;
    let b = submitted(&db, 2, "350503", "乙公司", 20).await;
    let c = submitted(&db, 3, "350503", "丙公司", 30).await;
    for id in [a, b, c] {
        let row = db
            .store
            .decide(
                id,
                &at,
                &recommend("同意推荐"),
                &event(100, Some("同意推荐")),
            )
            .await
            .unwrap();
        assert_eq!(row.status, shenbao_store::ApplicationStatus::Recommended);
    }
    assert_eq!(
        ranked_ids(&db, &at).await,
        vec![(a, Some(1)), (b, Some(2)), (c, Some(3))]
    );
    // Deciding again keeps the place.
    db.store
        .decide(b, &at, &recommend("再次确认"), &event(101, None))
        .await
        .unwrap();
    db.store.move_in_ranking(c, &at, true).await.unwrap();
    assert_eq!(
        ranked_ids(&db, &at).await,
        vec![(a, Some(1)), (c, Some(2)), (b, Some(3))]
    );
    // Moving the first up changes nothing.
    db.store.move_in_ranking(a, &at, true).await.unwrap();
    db.store.move_in_ranking(a, &at, false).await.unwrap();
    assert_eq!(
        ranked_ids(&db, &at).await,
        vec![(c, Some(1)), (a, Some(2)), (b, Some(3))]
    );
    let reviews = db.store.reviews_of(b).await.unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].opinion, "再次确认");
    assert_eq!(
        reviews[0].signatures.as_deref(),
        Some(r#"{"经办人（签字）：":"王五"}"#)
    );
    let events = db.store.application_events(b).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.from_status, last.to_status),
        (
            Some(shenbao_store::ApplicationStatus::Recommended),
            shenbao_store::ApplicationStatus::Recommended
        )
    );
}

async fn not_recommending_or_returning_leaves_the_ranking_closed_up(db: TestDb) {
    let at = county("350503");
    let a = submitted(&db, 1, "350503", "甲公司", 10).await;
    let b = submitted(&db, 2, "350503", "乙公司", 20).await;
    let c = submitted(&db, 3, "350503", "丙公司", 30).await;
    for id in [a, b, c] {
        db.store
            .decide(id, &at, &recommend("推荐"), &event(100, None))
            .await
            .unwrap();
    }
    let no = Decision {
        recommended: false,
        opinion: "不符合申报条件".into(),
        signatures: None,
    };
    let row = db
        .store
        .decide(a, &at, &no, &event(110, None))
        .await
        .unwrap();
    assert_eq!(row.status, shenbao_store::ApplicationStatus::NotRecommended);
    assert_eq!(ranked_ids(&db, &at).await, vec![(b, Some(1)), (c, Some(2))]);
    let row = db
        .store
        .return_application(b, &at, &event(120, Some("请补充算力合同")))
        .await
        .unwrap();
    assert_eq!(row.status, shenbao_store::ApplicationStatus::Returned);
    assert_eq!(ranked_ids(&db, &at).await, vec![(c, Some(1))]);
    assert!(db.store.reviews_of(b).await.unwrap().is_empty());
    let events = db.store.application_events(b).await.unwrap();
    assert_eq!(
        events.last().unwrap().note.as_deref(),
        Some("请补充算力合同")
    );
    // A returned application cannot be decided until it is resubmitted.
    assert_conflict(
        db.store
            .decide(b, &at, &recommend("推荐"), &event(130, None))
            .await,
        "applications.version",
    );
}

async fn a_returned_application_is_resubmitted_to_the_same_unit(db: TestDb) {
    let at = county("350503");
    let a = submitted(&db, 1, "350503", "甲公司", 10).await;
    let row = db
        .store
        .return_application(a, &at, &event(20, Some("补充")))
        .await
        .unwrap();
    let version = db
        .store
        .save_draft(a, row.version, r#"{"x":1}"#, None, 30)
        .await
        .unwrap();
    let row = db
        .store
        .submit_application(
            a,
            version,
            &Submission {
                from_status: shenbao_store::ApplicationStatus::Returned,
                level: "county".into(),
                unit: "350503".into(),
                sector: None,
                title: Some("新名称".into()),
            },
            &NewSnapshot {
                version,
                answers: r#"{"x":1}"#.into(),
                files: "[]".into(),
                content_hash: "h2".into(),
            },
            &event(40, None),
        )
        .await
        .unwrap();
    assert_eq!(row.status, shenbao_store::ApplicationStatus::Submitted);
    assert_eq!(row.level.as_deref(), Some("county"));
    assert_eq!(row.title.as_deref(), Some("新名称"));
    let snaps = db.store.last_two_snapshots(a).await.unwrap();
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[0].answers, r#"{"x":1}"#);
    assert_eq!(snaps[1].answers, "{}");
    let events = db.store.application_events(a).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        last.from_status,
        Some(shenbao_store::ApplicationStatus::Returned)
    );
}

async fn forwarding_moves_the_recommended_up_and_freezes_the_list(db: TestDb) {
    let at = county("350503");
    let a = submitted(&db, 1, "350503", "甲公司", 10).await;
    let b = submitted(&db, 2, "350503", "乙公司", 20).await;
    let c = submitted(&db, 3, "350503", "丙公司", 30).await;
    db.store
        .decide(a, &at, &recommend("推荐"), &event(100, None))
        .await
        .unwrap();
    // b still waits: no forwarding yet.
    assert_conflict(
        db.store
            .forward(
                &at,
                "compute_service",
                "city",
                &NextUnit::ApplicantCity,
                &event(110, None),
            )
            .await,
        PENDING,
    );
    assert!(db.store.forwards_of_unit(&at).await.unwrap().is_empty());
    db.store
        .decide(
            b,
            &at,
            &Decision {
                recommended: false,
                opinion: "不推荐".into(),
                signatures: None,
            },
            &event(120, None),
        )
        .await
        .unwrap();
    db.store
        .decide(c, &at, &recommend("推荐"), &event(121, None))
        .await
        .unwrap();
    db.store.move_in_ranking(c, &at, true).await.unwrap();
    let moved = db
        .store
        .forward(
            &at,
            "compute_service",
            "city",
            &NextUnit::ApplicantCity,
            &event(130, Some("县级推荐")),
        )
        .await
        .unwrap();
    assert_eq!(moved.len(), 2);
    let forwards = db.store.forwards_of_unit(&at).await.unwrap();
    assert_eq!(forwards.len(), 1);
    assert_eq!(forwards[0].count, 2);
    for id in [a, c] {
        let row = db.store.application(id).await.unwrap().unwrap();
        assert_eq!(
            (
                row.status.as_str(),
                row.level.as_deref(),
                row.unit.as_deref()
            ),
            ("submitted", Some("city"), Some("350500"))
        );
    }
    let row = db.store.application(b).await.unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.level.as_deref()),
        ("not_recommended", Some("county"))
    );
    // Frozen: no second forward, no decision, no move, no return.
    assert_conflict(
        db.store
            .forward(
                &at,
                "compute_service",
                "city",
                &NextUnit::ApplicantCity,
                &event(140, None),
            )
            .await,
        FORWARDED,
    );
    assert_conflict(
        db.store
            .decide(b, &at, &recommend("改为推荐"), &event(141, None))
            .await,
        FORWARDED,
    );
    assert_conflict(
        db.store.return_application(b, &at, &event(142, None)).await,
        FORWARDED,
    );
    // The city sees the county's ranking of what it received.
    let city = UnitRef {
        call_id: CALL.into(),
        level: "city".into(),
        unit: "350500".into(),
    };
    let lower = db
        .store
        .lower_reviews(&city, "compute_service", "county")
        .await
        .unwrap();
    let ranks: Vec<(i64, Option<i64>)> = lower
        .iter()
        .map(|r| (r.review.application_id, r.review.rank))
        .collect();
    assert_eq!(ranks, vec![(c, Some(1)), (a, Some(2))]);
    // The city ranks on its own, then forwards to the owner.
    db.store
        .decide(a, &city, &recommend("市级推荐"), &event(150, None))
        .await
        .unwrap();
    db.store
        .decide(c, &city, &recommend("市级推荐"), &event(151, None))
        .await
        .unwrap();
    let moved = db
        .store
        .forward(
            &city,
            "compute_service",
            "province",
            &NextUnit::Fixed("*".into()),
            &event(160, None),
        )
        .await
        .unwrap();
    assert_eq!(moved.len(), 2);
    let row = db.store.application(a).await.unwrap().unwrap();
    assert_eq!(
        (row.level.as_deref(), row.unit.as_deref()),
        (Some("province"), Some("*"))
    );
    assert_eq!(db.store.reviews_of(a).await.unwrap().len(), 2);
    // After forwarding, the city still reads the county's ranking of what it sent up.
    let lower = db
        .store
        .lower_reviews(&city, "compute_service", "county")
        .await
        .unwrap();
    assert_eq!(lower.len(), 2);
    assert_eq!(lower[0].review.application_id, c);
    assert_eq!(lower[0].status, shenbao_store::ApplicationStatus::Submitted);
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

async fn a_submission_to_a_unit_that_forwarded_is_refused_and_writes_nothing(db: TestDb) {
    let at = county("350503");
    let id = draft(&db, 1, "350503", "甲公司", 10).await;
    let returned = submitted(&db, 2, "350503", "乙公司", 11).await;
    let returned_row = db
        .store
        .return_application(returned, &at, &event(20, Some("补充")))
        .await
        .unwrap();
    // A returned application does not hold the list up.
    db.store
        .forward(
            &at,
            "compute_service",
            "city",
            &NextUnit::ApplicantCity,
            &event(30, None),
        )
        .await
        .unwrap();
    let applicant = |note: &str| ApplicantSubmission {
        justification: Some("情况说明".into()),
        audit: NewAuditEntry {
            at: 40,
            actor_user_id: None,
            actor_ip: None,
            action: "application_submitted".into(),
            target_kind: Some("application".into()),
            target_id: Some(note.into()),
            detail: None,
        },
    };
    let snapshot = NewSnapshot {
        version: 2,
        answers: "{}".into(),
        files: "[]".into(),
        content_hash: "h2".into(),
    };

    // A first submission to the county, and the resubmission of the one it returned: refused
    // as forwarded, with nothing written.
    let before = footprint(&db, id).await;
    assert_conflict(
        db.store
            .submit_application_as_applicant(
                id,
                1,
                &to_county("350503", "甲公司"),
                &snapshot,
                &event(40, None),
                &applicant("first"),
            )
            .await,
        FORWARDED,
    );
    assert_eq!(footprint(&db, id).await, before);
    let before = footprint(&db, returned).await;
    assert_conflict(
        db.store
            .submit_application_as_applicant(
                returned,
                returned_row.version,
                &Submission {
                    from_status: shenbao_store::ApplicationStatus::Returned,
                    ..to_county("350503", "乙公司")
                },
                &snapshot,
                &event(41, None),
                &applicant("again"),
            )
            .await,
        FORWARDED,
    );
    assert_eq!(footprint(&db, returned).await, before);
    // The same refusal without the applicant's extras.
    assert_conflict(
        db.store
            .submit_application(
                id,
                1,
                &to_county("350503", "甲公司"),
                &snapshot,
                &event(42, None),
            )
            .await,
        FORWARDED,
    );
    // A stale version stays a version conflict, also writing nothing.
    let other = draft(&db, 3, "350502", "丙公司", 12).await;
    db.store
        .save_draft(other, 1, r#"{"x":1}"#, None, 13)
        .await
        .unwrap();
    let before = footprint(&db, other).await;
    assert_conflict(
        db.store
            .submit_application_as_applicant(
                other,
                1,
                &to_county("350502", "丙公司"),
                &snapshot,
                &event(43, None),
                &applicant("stale"),
            )
            .await,
        "applications.version",
    );
    assert_eq!(footprint(&db, other).await, before);

    // Accepted: the justification, the status, the snapshot, the event and the audit entry.
    let row = db
        .store
        .submit_application_as_applicant(
            other,
            2,
            &to_county("350502", "丙公司"),
            &NewSnapshot {
                version: 3,
                ..snapshot.clone()
            },
            &event(44, None),
            &applicant("accepted"),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            row.status.as_str(),
            row.version,
            row.justification.as_deref()
        ),
        ("submitted", 3, Some("情况说明"))
    );
    assert_eq!(row.answers, r#"{"x":1}"#);
    let (stored, events, snap, audit) = footprint(&db, other).await;
    assert_eq!(stored, row);
    assert_eq!(
        events.last().unwrap().to_status,
        shenbao_store::ApplicationStatus::Submitted
    );
    assert_eq!(snap.unwrap().version, 3);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target_id.as_deref(), Some("accepted"));
}

/// PostgreSQL: a forward in flight on another connection (its lock taken and its row written,
/// not yet committed) makes a submission to that unit wait, which is then refused, instead of
/// landing in a list that is being frozen. (On SQLite `BEGIN IMMEDIATE` runs writers one at a
/// time; there is nothing to race.)
async fn a_submission_racing_a_forward_waits_for_it_and_is_refused(db: TestDb) {
    use sqlx::Connection;
    if db.store.backend() != Backend::Postgres {
        return;
    }
    let id = draft(&db, 1, "350503", "甲公司", 10).await;
    let before = footprint(&db, id).await;
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let mut forwarding = other.begin().await.unwrap();
    // The lock `Store::forward` takes (class `LockClass::UnitList`, key of the unit's list).
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1, hashtext($2))")
        .bind(0x5342_0001_i32)
        .bind([CALL, "county", "350503", "compute_service"].join("\u{1f}"))
        .execute(&mut *forwarding)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO forwards (call_id, level, unit, direction, forwarded_at, forwarded_by, \
             count) VALUES ($1, 'county', '350503', 'compute_service', 20, 1, 0)",
    )
    .bind(CALL)
    .execute(&mut *forwarding)
    .await
    .unwrap();

    let store = db.store.clone();
    let submit = tokio::spawn(async move {
        store
            .submit_application(
                id,
                1,
                &to_county("350503", "甲公司"),
                &NewSnapshot {
                    version: 2,
                    answers: "{}".into(),
                    files: "[]".into(),
                    content_hash: "h".into(),
                },
                &event(30, None),
            )
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        !submit.is_finished(),
        "the submission waits for the forward"
    );
    forwarding.commit().await.unwrap();
    assert_conflict(submit.await.unwrap(), FORWARDED);
    assert_eq!(footprint(&db, id).await, before);
    other.close().await.unwrap();
}

async fn the_queue_filters_and_pages_by_keyset(db: TestDb) {
    let at = UnitRef {
        call_id: CALL.into(),
        level: "county".into(),
        unit: "350503".into(),
    };
    let mut ids = Vec::new();
    for n in 0..7 {
        let name = if n % 2 == 0 {
            format!("泉州星{n}科技")
        } else {
            format!("丰泽{n}软件")
        };
        ids.push(submitted(&db, n, "350503", &name, 1_000 + n as i64 * 10).await);
    }
    // Two applications submitted in the same millisecond still page without loss.
    ids.push(submitted(&db, 7, "350503", "同时公司", 1_060).await);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .store
            .review_queue(
                &at,
                &QueueQuery {
                    sort: QueueSort::Newest,
                    after,
                    limit: 3,
                    ..QueueQuery::default()
                },
            )
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        let last = &page[page.len() - 1].application;
        after = Some((last.submitted_at.unwrap(), last.id));
        seen.extend(page.iter().map(|r| r.application.id));
    }
    let mut expected = ids.clone();
    expected.sort_by_key(|id| std::cmp::Reverse(*id));
    assert_eq!(seen, expected);
    let found = db
        .store
        .review_queue(
            &at,
            &QueueQuery {
                keyword: Some("软件".into()),
                sort: QueueSort::Oldest,
                limit: 20,
                ..QueueQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|r| r.organisation_name.contains("软件")));
    // `%` is a literal, not a wildcard.
    let none = db
        .store
        .review_queue(
            &at,
            &QueueQuery {
                keyword: Some("%".into()),
                limit: 20,
                ..QueueQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    db.store
        .decide(ids[0], &at, &recommend("推荐"), &event(2_000, None))
        .await
        .unwrap();
    let recommended = db
        .store
        .review_queue(
            &at,
            &QueueQuery {
                status: Some(shenbao_store::ApplicationStatus::Recommended),
                direction: Some("compute_service".into()),
                limit: 20,
                ..QueueQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(recommended.len(), 1);
    assert_eq!(recommended[0].rank, Some(1));
    let counts = db.store.queue_counts(&at).await.unwrap();
    let total: i64 = counts.iter().map(|c| c.count).sum();
    assert_eq!(total, 8);
    assert!(
        counts
            .iter()
            .any(|c| c.status == shenbao_store::ApplicationStatus::Recommended && c.count == 1)
    );
}

async fn other_units_cannot_act(db: TestDb) {
    let a = submitted(&db, 1, "350503", "甲公司", 10).await;
    let other = county("350502");
    assert_conflict(
        db.store
            .decide(a, &other, &recommend("推荐"), &event(20, None))
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store
            .return_application(a, &other, &event(20, None))
            .await,
        "applications.version",
    );
    assert!(
        db.store
            .review_queue(
                &other,
                &QueueQuery {
                    limit: 20,
                    ..QueueQuery::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    // Reviewers of a unit: the county's bureau account only.
    for (name, region, sector) in [
        ("xian", Some("350503"), None),
        ("hangye", Some("350500"), Some("泉州市交通运输局")),
    ] {
        db.store
            .create_user(&NewUser {
                username: name.into(),
                password_hash: "x".into(),
                display_name: name.into(),
                role: Role::Bureau,
                organisation_id: None,
                scope_region: region.map(str::to_owned),
                scope_sector: sector.map(str::to_owned),
                email: None,
                created_at: 1,
            })
            .await
            .unwrap();
    }
    let reviewers = db.store.unit_reviewers("350503", false).await.unwrap();
    assert_eq!(reviewers.len(), 1);
    assert_eq!(reviewers[0].username, "xian");
    let sector = db
        .store
        .unit_reviewers("泉州市交通运输局", true)
        .await
        .unwrap();
    assert_eq!(sector[0].username, "hangye");
    assert_eq!(
        db.store.sector_units("350500").await.unwrap(),
        vec!["泉州市交通运输局".to_string()]
    );
}
