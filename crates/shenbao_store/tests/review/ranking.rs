//! Recommending, ranking, returning and resubmitting.

use super::*;

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

shenbao_store::on_both_databases!(
    recommending_ranks_in_order_and_moving_swaps_neighbours,
    not_recommending_or_returning_leaves_the_ranking_closed_up,
    a_returned_application_is_resubmitted_to_the_same_unit,
);
