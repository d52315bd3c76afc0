//! Forwarding, what it freezes, races with it, the queue and other units.

use super::*;

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

shenbao_store::on_both_databases!(
    forwarding_moves_the_recommended_up_and_freezes_the_list,
    a_submission_to_a_unit_that_forwarded_is_refused_and_writes_nothing,
    a_submission_racing_a_forward_waits_for_it_and_is_refused,
    the_queue_filters_and_pages_by_keyset,
    other_units_cannot_act,
);
