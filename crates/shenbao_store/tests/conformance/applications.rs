//! Applications: drafts, versions, submission, withdrawal and attachments.

use super::*;

async fn creating_an_application_stores_a_draft_and_its_first_event(db: TestDb) {
    let (organisation_id, user_id) = applicant(&db, USCC, "applicant").await;
    let created = db
        .store
        .create_application(
            &new_application(organisation_id, user_id, CALL),
            &event(2_000, Some(user_id), Some("新建")),
        )
        .await
        .unwrap();

    assert_eq!(
        created,
        ApplicationRow {
            id: created.id,
            call_id: CALL.to_owned(),
            direction: "llm-industry".to_owned(),
            subdirection: Some("制造业".to_owned()),
            organisation_id,
            created_by: user_id,
            status: shenbao_store::ApplicationStatus::Draft,
            answers: r#"{"project_name":"智算平台"}"#.to_owned(),
            justification: None,
            version: 1,
            created_at: 2_000,
            updated_at: 2_000,
            submitted_at: None,
            level: None,
            unit: None,
            sector: None,
            title: None,
            call_version: 1,
        }
    );
    assert_eq!(
        db.store.application(created.id).await.unwrap().as_ref(),
        Some(&created)
    );
    assert_eq!(db.store.application(-1).await.unwrap(), None);
    assert_eq!(db.store.count_applications().await.unwrap(), 1);

    let events = db.store.application_events(created.id).await.unwrap();
    assert_eq!(events.len(), 1);
    let first = &events[0];
    assert_eq!(first.application_id, created.id);
    assert_eq!(first.at, 2_000);
    assert_eq!(first.actor_user_id, Some(user_id));
    assert_eq!(first.actor_ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(first.from_status, None);
    assert_eq!(first.to_status, shenbao_store::ApplicationStatus::Draft);
    assert_eq!(first.note.as_deref(), Some("新建"));
    assert_eq!(db.store.latest_snapshot(created.id).await.unwrap(), None);

    // Foreign keys hold, and a refused creation leaves neither row nor event behind.
    let mut orphan = new_application(organisation_id, user_id, CALL);
    orphan.organisation_id = 4242;
    let result = db
        .store
        .create_application(&orphan, &event(2_000, None, None))
        .await;
    assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
    assert_eq!(db.store.count_applications().await.unwrap(), 1);
}

async fn saving_a_draft_increments_the_version_and_refuses_a_stale_one(db: TestDb) {
    let (created, _) = draft(&db).await;
    let id = created.id;

    // Two tabs opened the draft at version 1; the first one saves.
    let v2 = db
        .store
        .save_draft(id, 1, r#"{"a":1}"#, Some("理由"), 2_500)
        .await
        .unwrap();
    assert_eq!(v2, 2);
    // The second tab still holds version 1.
    assert_conflict(
        db.store
            .save_draft(id, 1, r#"{"a":"tab2"}"#, None, 2_600)
            .await,
        "applications.version",
    );
    // A version from the future is as stale as one from the past.
    assert_conflict(
        db.store
            .save_draft(id, 7, r#"{"a":"x"}"#, None, 2_600)
            .await,
        "applications.version",
    );

    let stored = db.store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.answers, r#"{"a":1}"#);
    assert_eq!(stored.justification.as_deref(), Some("理由"));
    assert_eq!(stored.version, 2);
    assert_eq!((stored.created_at, stored.updated_at), (2_000, 2_500));
    assert_eq!(stored.status, shenbao_store::ApplicationStatus::Draft);

    // Reloaded at version 2, the second tab saves; the justification can be cleared.
    assert_eq!(
        db.store
            .save_draft(id, 2, r#"{"a":"tab2"}"#, None, 2_700)
            .await
            .unwrap(),
        3
    );
    let stored = db.store.application(id).await.unwrap().unwrap();
    assert_eq!(stored.answers, r#"{"a":"tab2"}"#);
    assert_eq!(stored.justification, None);
    // Saving records no event: events are status changes.
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 1);
}

async fn submitting_stores_the_snapshot_and_the_event_and_refuses_a_stale_version(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;
    let v2 = db
        .store
        .save_draft(id, 1, r#"{"final":true}"#, Some("已说明"), 2_500)
        .await
        .unwrap();

    assert_conflict(
        db.store
            .submit_application(
                id,
                1,
                &to_city(),
                &snapshot(1, "{}"),
                &event(3_000, Some(user_id), None),
            )
            .await,
        "applications.version",
    );
    // The refused submission left nothing behind.
    assert_eq!(db.store.latest_snapshot(id).await.unwrap(), None);
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 1);
    assert_eq!(
        db.store.application(id).await.unwrap().unwrap().status,
        shenbao_store::ApplicationStatus::Draft
    );

    let submitted = db
        .store
        .submit_application(
            id,
            v2,
            &to_city(),
            &snapshot(v2, r#"{"final":true}"#),
            &event(4_000, Some(user_id), Some("提交")),
        )
        .await
        .unwrap();
    assert_eq!(
        submitted.status,
        shenbao_store::ApplicationStatus::Submitted
    );
    assert_eq!(submitted.version, v2 + 1);
    assert_eq!(submitted.submitted_at, Some(4_000));
    assert_eq!(submitted.updated_at, 4_000);
    assert_eq!(submitted.answers, r#"{"final":true}"#);
    assert_eq!(submitted.justification.as_deref(), Some("已说明"));
    assert_eq!(
        db.store.application(id).await.unwrap().as_ref(),
        Some(&submitted)
    );

    let stored = db.store.latest_snapshot(id).await.unwrap().unwrap();
    assert_eq!(stored.application_id, id);
    assert_eq!(stored.version, v2);
    assert_eq!(stored.answers, r#"{"final":true}"#);
    assert_eq!(
        stored.files,
        r#"[{"slot":"licence","name":"营业执照.pdf"}]"#
    );
    assert_eq!(stored.content_hash, format!("{v2:064x}"));
    assert_eq!(stored.created_at, 4_000);

    let events = db.store.application_events(id).await.unwrap();
    let steps: Vec<(Option<&str>, &str)> = events
        .iter()
        .map(|e| (e.from_status.map(|s| s.as_str()), e.to_status.as_str()))
        .collect();
    assert_eq!(steps, [(None, "draft"), (Some("draft"), "submitted")]);
    assert_eq!(events[1].at, 4_000);
    assert_eq!(events[1].note.as_deref(), Some("提交"));
    assert_eq!(events[1].actor_user_id, Some(user_id));
}

async fn a_submitted_application_cannot_be_saved_or_submitted_again(db: TestDb) {
    let (created, _) = draft(&db).await;
    let id = created.id;
    let submitted = db
        .store
        .submit_application(
            id,
            1,
            &to_city(),
            &snapshot(1, "{}"),
            &event(3_000, None, None),
        )
        .await
        .unwrap();

    // Even at the current version: it is no longer a draft.
    assert_conflict(
        db.store
            .save_draft(id, submitted.version, r#"{"late":1}"#, None, 3_500)
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store
            .submit_application(
                id,
                submitted.version,
                &to_city(),
                &snapshot(submitted.version, "{}"),
                &event(3_500, None, None),
            )
            .await,
        "applications.version",
    );
    assert_eq!(
        db.store.application(id).await.unwrap().as_ref(),
        Some(&submitted)
    );
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 2);
}

async fn withdrawing_goes_back_to_draft_with_an_event_and_a_new_version(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;

    // Only a submitted application can be withdrawn.
    assert_conflict(
        db.store
            .withdraw_application(id, "city", &event(2_500, Some(user_id), None))
            .await,
        "applications.version",
    );

    let submitted = db
        .store
        .submit_application(
            id,
            1,
            &to_city(),
            &snapshot(1, "{}"),
            &event(3_000, None, None),
        )
        .await
        .unwrap();
    let withdrawn = db
        .store
        .withdraw_application(id, "city", &event(5_000, Some(user_id), Some("补充材料")))
        .await
        .unwrap();
    assert_eq!(withdrawn.status, shenbao_store::ApplicationStatus::Draft);
    assert_eq!(withdrawn.version, submitted.version + 1);
    assert_eq!(withdrawn.submitted_at, None);
    assert_eq!(withdrawn.updated_at, 5_000);
    assert_eq!(
        db.store.application(id).await.unwrap().as_ref(),
        Some(&withdrawn)
    );

    let last = db
        .store
        .application_events(id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        last.from_status,
        Some(shenbao_store::ApplicationStatus::Submitted)
    );
    assert_eq!(last.to_status, shenbao_store::ApplicationStatus::Draft);
    assert_eq!(last.note.as_deref(), Some("补充材料"));
    assert_eq!(last.at, 5_000);

    // A second withdrawal is refused; the draft is editable again at the new version only.
    assert_conflict(
        db.store
            .withdraw_application(id, "city", &event(5_100, None, None))
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store
            .save_draft(id, submitted.version, "{}", None, 5_200)
            .await,
        "applications.version",
    );
    let v = db
        .store
        .save_draft(id, withdrawn.version, r#"{"v":2}"#, None, 5_200)
        .await
        .unwrap();

    // The earlier snapshot is kept, and a resubmission becomes the latest.
    assert_eq!(
        db.store.latest_snapshot(id).await.unwrap().unwrap().version,
        1
    );
    db.store
        .submit_application(
            id,
            v,
            &to_city(),
            &snapshot(v, r#"{"v":2}"#),
            &event(6_000, None, None),
        )
        .await
        .unwrap();
    let latest = db.store.latest_snapshot(id).await.unwrap().unwrap();
    assert_eq!((latest.version, latest.created_at), (v, 6_000));
    assert_eq!(db.store.application_events(id).await.unwrap().len(), 4);
}

async fn guarded_writes_of_an_unknown_application_are_not_found(db: TestDb) {
    let (_, user_id) = draft(&db).await;
    let not_found = |result: Result<_, StoreError>| {
        assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    };
    not_found(db.store.save_draft(-1, 1, "{}", None, 1).await.map(|_| ()));
    not_found(
        db.store
            .submit_application(-1, 1, &to_city(), &snapshot(1, "{}"), &event(1, None, None))
            .await
            .map(|_| ()),
    );
    not_found(
        db.store
            .withdraw_application(-1, "city", &event(1, None, None))
            .await
            .map(|_| ()),
    );
    not_found(
        db.store
            .add_attachment(&attachment(-1, user_id, "licence", "x/-1/a"))
            .await
            .map(|_| ()),
    );
}

async fn attachments_are_added_listed_and_deleted(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;
    assert!(db.store.attachments(id).await.unwrap().is_empty());

    let licence = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/aaa"))
        .await
        .unwrap();
    let report = db
        .store
        .add_attachment(&attachment(id, user_id, "audit_report", "sd/1/bbb"))
        .await
        .unwrap();
    let licence2 = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/ccc"))
        .await
        .unwrap();

    assert_eq!(licence.application_id, id);
    assert_eq!(licence.slot, "licence");
    assert_eq!(licence.original_name, "营业执照.pdf");
    assert_eq!(licence.storage_key, "sd/1/aaa");
    assert_eq!(licence.size, 123_456);
    assert_eq!(licence.sha256, "ab".repeat(32));
    assert_eq!(licence.file_type, "pdf");
    assert_eq!(licence.created_at, 3_000);
    assert_eq!(licence.uploaded_by, user_id);
    assert_eq!(
        db.store.attachment(licence.id).await.unwrap().as_ref(),
        Some(&licence)
    );
    assert_eq!(db.store.attachment(-1).await.unwrap(), None);

    // By slot, then upload order.
    let listed = db.store.attachments(id).await.unwrap();
    assert_eq!(listed, [report.clone(), licence.clone(), licence2.clone()]);

    assert_eq!(
        db.store.delete_attachment(licence.id).await.unwrap(),
        Some(licence.clone())
    );
    assert_eq!(db.store.delete_attachment(licence.id).await.unwrap(), None);
    assert_eq!(db.store.attachment(licence.id).await.unwrap(), None);
    assert_eq!(db.store.attachments(id).await.unwrap(), [report, licence2]);

    // Ids are not handed out again after a delete.
    let again = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/ddd"))
        .await
        .unwrap();
    assert!(again.id > licence.id);
    db.store.delete_attachment(again.id).await.unwrap();
    let newest = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/eee"))
        .await
        .unwrap();
    assert!(newest.id > again.id);

    // The uploader must exist.
    let result = db
        .store
        .add_attachment(&attachment(id, 4242, "licence", "sd/1/fff"))
        .await;
    assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
}

async fn a_taken_storage_key_is_a_conflict(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    db.store
        .add_attachment(&attachment(created.id, user_id, "licence", "sd/1/same"))
        .await
        .unwrap();
    assert_conflict(
        db.store
            .add_attachment(&attachment(created.id, user_id, "other", "sd/1/same"))
            .await,
        "attachments.storage_key",
    );
    assert_eq!(db.store.attachments(created.id).await.unwrap().len(), 1);
}

async fn attachments_of_a_submitted_application_cannot_change(db: TestDb) {
    let (created, user_id) = draft(&db).await;
    let id = created.id;
    let kept = db
        .store
        .add_attachment(&attachment(id, user_id, "licence", "sd/1/aaa"))
        .await
        .unwrap();
    db.store
        .submit_application(
            id,
            1,
            &to_city(),
            &snapshot(1, "{}"),
            &event(3_000, None, None),
        )
        .await
        .unwrap();

    assert_conflict(
        db.store
            .add_attachment(&attachment(id, user_id, "licence", "sd/1/bbb"))
            .await,
        "applications.version",
    );
    assert_conflict(
        db.store.delete_attachment(kept.id).await,
        "applications.version",
    );
    assert_eq!(
        db.store.attachments(id).await.unwrap(),
        std::slice::from_ref(&kept)
    );

    // After a withdrawal the draft's files can change again.
    db.store
        .withdraw_application(id, "city", &event(4_000, None, None))
        .await
        .unwrap();
    assert_eq!(
        db.store.delete_attachment(kept.id).await.unwrap(),
        Some(kept)
    );
}

async fn an_organisation_sees_only_its_own_applications_filtered_by_call(db: TestDb) {
    let (mine, me) = applicant(&db, USCC, "mine").await;
    let (theirs, them) = applicant(&db, OTHER_USCC, "theirs").await;
    let create = |organisation_id: i64, user_id: i64, call_id: &'static str| {
        let store = db.store.clone();
        async move {
            store
                .create_application(
                    &new_application(organisation_id, user_id, call_id),
                    &event(2_000, Some(user_id), None),
                )
                .await
                .unwrap()
                .id
        }
    };
    let a1 = create(mine, me, CALL).await;
    let t1 = create(theirs, them, CALL).await;
    let a2 = create(mine, me, OTHER_CALL).await;
    let a3 = create(mine, me, CALL).await;
    let t2 = create(theirs, them, OTHER_CALL).await;

    let ids = |rows: Vec<ApplicationRow>| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    let all_mine = db
        .store
        .applications_of_organisation(mine, None)
        .await
        .unwrap();
    assert!(all_mine.iter().all(|r| r.organisation_id == mine));
    assert_eq!(ids(all_mine), [a3, a2, a1]);
    assert_eq!(
        ids(db
            .store
            .applications_of_organisation(mine, Some(CALL))
            .await
            .unwrap()),
        [a3, a1]
    );
    assert_eq!(
        ids(db
            .store
            .applications_of_organisation(mine, Some(OTHER_CALL))
            .await
            .unwrap()),
        [a2]
    );
    assert_eq!(
        ids(db
            .store
            .applications_of_organisation(theirs, None)
            .await
            .unwrap()),
        [t2, t1]
    );
    assert!(
        db.store
            .applications_of_organisation(mine, Some("no-such-call"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.store
            .applications_of_organisation(-1, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.store.count_applications().await.unwrap(), 5);
}

/// Each submitted version gets the next 受理编号 sequence of its call and the applicant's
/// division: two applicants of 历下区 are 1 and 2, one of 市南区 is 1, and the same applicant
/// starts at 1 in another call.
async fn acceptance_numbers_count_per_call_and_division(db: TestDb) {
    let submit_new = |uscc: &'static str, region: &'static str, username: &'static str, call| {
        let store = db.store.clone();
        async move {
            let mut o = org(uscc);
            o.region = region.to_owned();
            let (organisation, user) = store
                .register_applicant(&o, &user(username, Role::Applicant))
                .await
                .unwrap();
            let created = store
                .create_application(
                    &new_application(organisation.id, user.id, call),
                    &event(2_000, Some(user.id), None),
                )
                .await
                .unwrap();
            store
                .submit_application(
                    created.id,
                    created.version,
                    &to_city(),
                    &snapshot(created.version, "{}"),
                    &event(3_000, Some(user.id), None),
                )
                .await
                .unwrap();
            let snap = store.latest_snapshot(created.id).await.unwrap().unwrap();
            (
                snap.acceptance_region.clone().unwrap_or_default(),
                snap.acceptance_seq,
                snap.acceptance_number(call, 2024, "000000"),
            )
        }
    };
    let a = submit_new(USCC, "370102", "a", CALL).await;
    let b = submit_new(OTHER_USCC, "370102", "b", CALL).await;
    let c = submit_new("91370202MA3C8XQX1C", "370202", "c", CALL).await;
    let d = submit_new("91430100MA4L0X0X1D", "370102", "d", OTHER_CALL).await;
    assert_eq!((a.0.as_str(), a.1), ("370102", Some(1)));
    assert_eq!((b.0.as_str(), b.1), ("370102", Some(2)));
    assert_eq!((c.0.as_str(), c.1), ("370202", Some(1)));
    assert_eq!((d.0.as_str(), d.1), ("370102", Some(1)));
    assert_eq!(b.2, "SD-2024-LLM-CASES-370102-000002");
}

shenbao_store::on_both_databases!(
    acceptance_numbers_count_per_call_and_division,
    creating_an_application_stores_a_draft_and_its_first_event,
    saving_a_draft_increments_the_version_and_refuses_a_stale_one,
    submitting_stores_the_snapshot_and_the_event_and_refuses_a_stale_version,
    a_submitted_application_cannot_be_saved_or_submitted_again,
    withdrawing_goes_back_to_draft_with_an_event_and_a_new_version,
    guarded_writes_of_an_unknown_application_are_not_found,
    attachments_are_added_listed_and_deleted,
    a_taken_storage_key_is_a_conflict,
    attachments_of_a_submitted_application_cannot_change,
    an_organisation_sees_only_its_own_applications_filtered_by_call,
);
