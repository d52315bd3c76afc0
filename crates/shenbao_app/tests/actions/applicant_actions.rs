//! The applicant's actions: start, submit, withdraw, attach.

use super::*;

async fn a_submission_writes_its_state_event_snapshot_outbox_and_audit_together(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let before = trace(store, w.id).await;
    let done = applicant::submit(
        store,
        &w.calls,
        actor(&w.applicant),
        w.id,
        &complete(before.version),
    )
    .await
    .expect("a complete draft submits");
    assert_eq!(done.value.status, ApplicationStatus::Submitted);
    assert_eq!(done.value.unit.as_deref(), Some("370200"));
    assert_eq!(
        trace(store, w.id).await,
        Trace {
            status: ApplicationStatus::Submitted,
            version: before.version + 1,
            events: before.events + 1,
            snapshot: true,
            audit: before.audit + 1,
            outbox: 1,
        }
    );
    let row = store
        .outbox_row(done.outbox[0])
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(
        News::from_row(&row).expect("test step"),
        News::Arrived {
            application_id: w.id
        }
    );
    let audit = &store.audit_page(None, 1).await.expect("test step")[0];
    assert_eq!(audit.action, "application_submitted");
    assert_eq!(audit.actor_ip.as_deref(), Some("127.0.0.1"));
    assert!(
        store
            .verify_chain(Chain::AuditLog)
            .await
            .expect("test step")
            .broken
            .is_none()
    );
    assert!(
        store
            .verify_chain(Chain::ApplicationEvents)
            .await
            .expect("test step")
            .broken
            .is_none()
    );
}

async fn refused_submissions_leave_no_trace(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let before = trace(store, w.id).await;
    let me = actor(&w.applicant);
    // Loaded at an older version (saved in another tab since), and the letter not accepted.
    let stale = SubmitInput {
        accepted: false,
        ..complete(before.version - 1)
    };
    match applicant::submit(store, &w.calls, me, w.id, &stale).await {
        Err(ActionError::Incomplete(problems)) => assert_eq!(
            problems,
            [Problem::AcceptanceNeeded, Problem::VersionMoved],
            "every problem is named at once"
        ),
        other => panic!("expected the form again, got {other:?}"),
    }
    // Another organisation's applicant does not see the application at all.
    let (_, stranger) = store
        .register_applicant(
            &NewOrganisation {
                uscc: "91370200MA3C1234X5".to_string(),
                name: "别的公司".to_string(),
                region: "370212".to_string(),
                created_at: NOW,
            },
            &user("stranger", Role::Applicant, None),
        )
        .await
        .expect("test step");
    let err = applicant::submit(store, &w.calls, actor(&stranger), w.id, &complete(1)).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    // A bureau account is not an applicant.
    let err = applicant::submit(store, &w.calls, actor(&w.bureau), w.id, &complete(1)).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    assert_eq!(trace(store, w.id).await, before);

    // Once submitted, a second submission is refused and changes nothing more.
    submitted(store, &w).await;
    let after = trace(store, w.id).await;
    let again = complete(after.version);
    let err = applicant::submit(store, &w.calls, me, w.id, &again).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::NotEditable))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, after);
}

async fn a_failure_after_the_state_change_rolls_the_whole_submission_back(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let before = trace(store, w.id).await;
    // The audit entry is the last write of a submission: status, snapshot, event and outbox
    // row are written by then, and must all go.
    fail_inserts_into(store, "audit_log").await;
    let err = applicant::submit(
        store,
        &w.calls,
        actor(&w.applicant),
        w.id,
        &complete(before.version),
    )
    .await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    assert_eq!(trace(store, w.id).await, before);
    // The outbox row (before the event chain's lock is released) fails the same way.
    heal(store, "audit_log").await;
    fail_inserts_into(store, "outbox").await;
    let err = applicant::submit(
        store,
        &w.calls,
        actor(&w.applicant),
        w.id,
        &complete(before.version),
    )
    .await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    assert_eq!(trace(store, w.id).await, before);
    // Nothing is left half-done or locked: the same submission then goes through.
    heal(store, "outbox").await;
    submitted(store, &w).await;
    assert_eq!(
        trace(store, w.id).await.status,
        ApplicationStatus::Submitted
    );
    assert!(
        store
            .verify_chain(Chain::AuditLog)
            .await
            .expect("test step")
            .broken
            .is_none()
    );
}

async fn withdrawing_is_allowed_until_the_bureau_decides(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    // A draft cannot be withdrawn.
    let err = applicant::withdraw(store, &w.calls, actor(&w.applicant), w.id).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::TooLateToWithdraw))),
        "{err:?}"
    );
    submitted(store, &w).await;
    let at_bureau = trace(store, w.id).await;
    let done = applicant::withdraw(store, &w.calls, actor(&w.applicant), w.id)
        .await
        .expect("withdraw");
    assert_eq!(done.value.status, ApplicationStatus::Draft);
    let back = trace(store, w.id).await;
    assert_eq!(back.events, at_bureau.events + 1);
    assert_eq!(back.audit, at_bureau.audit + 1);
    // Decided on: too late.
    submitted(store, &w).await;
    let recommend = Verdict::Recommend {
        opinion: "同意推荐".to_string(),
        signatures: vec![],
    };
    review::decide(store, &w.calls, actor(&w.bureau), CALL, w.id, &recommend)
        .await
        .expect("recommend");
    let decided = trace(store, w.id).await;
    let err = applicant::withdraw(store, &w.calls, actor(&w.applicant), w.id).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::TooLateToWithdraw))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, decided);
}

async fn attaching_and_removing_files_write_with_their_audit_entry(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let me = actor(&w.applicant);
    let app = store
        .application(w.id)
        .await
        .expect("test step")
        .expect("app");
    let files = store.attachments(w.id).await.expect("test step");
    let file = NewAttachment {
        application_id: w.id,
        slot: files[0].slot.clone(),
        original_name: "补充.pdf".to_string(),
        storage_key: "key-extra".to_string(),
        size: 2048,
        sha256: "f".repeat(64),
        file_type: "pdf".to_string(),
        created_at: NOW,
        uploaded_by: w.applicant.id,
    };
    // A failing audit entry keeps no attachment; the next try keeps both.
    fail_inserts_into(store, "audit_log").await;
    let err = applicant::attach(store, me, &app, &file).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "audit_log").await;
    assert_eq!(
        store.attachments(w.id).await.expect("test step").len(),
        files.len()
    );
    let audit = store.audit_page(None, 1000).await.expect("test step").len();
    let row = applicant::attach(store, me, &app, &file)
        .await
        .expect("attach");
    assert_eq!(
        store.audit_page(None, 1000).await.expect("test step").len(),
        audit + 1
    );
    // Someone else's application: nothing to see.
    let err = applicant::detach(store, actor(&w.bureau), &app, row.id).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    let removed = applicant::detach(store, me, &app, row.id)
        .await
        .expect("detach");
    assert_eq!(removed.map(|r| r.id), Some(row.id));
    assert_eq!(
        store.attachments(w.id).await.expect("test step").len(),
        files.len()
    );
    // Submitted: the files are frozen.
    submitted(store, &w).await;
    let now = store
        .application(w.id)
        .await
        .expect("test step")
        .expect("app");
    let err = applicant::attach(store, me, &now, &file).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::NotEditable))),
        "{err:?}"
    );
    let err = applicant::detach(store, me, &now, files[0].id).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::NotEditable))),
        "{err:?}"
    );
    assert_eq!(
        store.attachments(w.id).await.expect("test step").len(),
        files.len()
    );
}

async fn starting_a_draft_checks_the_call_and_writes_with_its_audit_entry(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let me = actor(&w.applicant);
    let count = store.count_applications().await.expect("test step");
    let err = applicant::start(store, &w.calls, me, CALL, "no-such-direction", None).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    let err = applicant::start(store, &w.calls, actor(&w.bureau), CALL, "enterprise", None).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    // A Guangdong call does not take a Qingdao enterprise.
    let gd = "gd-2023-ai-scenarios";
    let err = applicant::start(store, &w.calls, me, gd, "manufacturing", None).await;
    assert!(
        matches!(
            &err,
            Err(ActionError::Refused(Refusal::OutOfArea { area, region }))
                if area == "440000" && region == "370212"
        ),
        "{err:?}"
    );
    // Another call, with a failing audit entry: no draft is left behind.
    fail_inserts_into(store, "audit_log").await;
    let err = applicant::start(store, &w.calls, me, "sd-2024-llm-cases", "case", None).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "audit_log").await;
    assert_eq!(store.count_applications().await.expect("test step"), count);
    let app = applicant::start(store, &w.calls, me, "sd-2024-llm-cases", "case", None)
        .await
        .expect("start");
    assert_eq!(app.status, ApplicationStatus::Draft);
    assert_eq!(
        store
            .application_events(app.id)
            .await
            .expect("test step")
            .len(),
        1
    );
    assert_eq!(
        store.count_applications().await.expect("test step"),
        count + 1
    );
}

shenbao_store::on_both_databases!(
    a_submission_writes_its_state_event_snapshot_outbox_and_audit_together,
    refused_submissions_leave_no_trace,
    a_failure_after_the_state_change_rolls_the_whole_submission_back,
    withdrawing_is_allowed_until_the_bureau_decides,
    attaching_and_removing_files_write_with_their_audit_entry,
    starting_a_draft_checks_the_call_and_writes_with_its_audit_entry,
);
