//! The bureaus' and the owner's actions, and the outbox's delivery.

use super::*;

async fn deciding_writes_together_and_a_failure_writes_nothing(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let bureau = actor(&w.bureau);
    let recommend = Verdict::Recommend {
        opinion: "同意推荐".to_string(),
        signatures: vec![],
    };
    // On a draft: the application is not at the bureau.
    let draft = trace(store, w.id).await;
    let err = review::decide(store, &w.calls, bureau, CALL, w.id, &recommend).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::MovedOn))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, draft);
    submitted(store, &w).await;
    let waiting = trace(store, w.id).await;
    // A return needs a comment.
    let bare = Verdict::Return {
        comment: "  ".to_string(),
    };
    let err = review::decide(store, &w.calls, bureau, CALL, w.id, &bare).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::CommentNeeded]),
        "{err:?}"
    );
    // An applicant cannot decide; another city's bureau does not see the application.
    let err = review::decide(store, &w.calls, actor(&w.applicant), CALL, w.id, &recommend).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    let jinan = store
        .create_user(&user("jinan", Role::Bureau, Some("370100")))
        .await
        .expect("test step");
    let err = review::decide(store, &w.calls, actor(&jinan), CALL, w.id, &recommend).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::MovedOn))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, waiting);
    // A failure after the decision is written (the audit entry) keeps nothing of it.
    fail_inserts_into(store, "audit_log").await;
    let err = review::decide(store, &w.calls, bureau, CALL, w.id, &recommend).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    assert_eq!(trace(store, w.id).await, waiting);
    assert!(store.reviews_of(w.id).await.expect("test step").is_empty());
    heal(store, "audit_log").await;
    // Returned, with its news in the outbox.
    let back = Verdict::Return {
        comment: "请补充营业执照".to_string(),
    };
    let done = review::decide(store, &w.calls, bureau, CALL, w.id, &back)
        .await
        .expect("return");
    assert_eq!(done.value.status, ApplicationStatus::Returned);
    let row = store
        .outbox_row(done.outbox[0])
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(
        News::from_row(&row).expect("test step"),
        News::Decided {
            application_id: w.id,
            action: Action::Return,
            text: "请补充营业执照".to_string(),
        }
    );
    let returned = trace(store, w.id).await;
    assert_eq!(returned.events, waiting.events + 1);
    assert_eq!(returned.audit, waiting.audit + 1);
    assert_eq!(returned.outbox, waiting.outbox + 1);
}

async fn forwarding_moves_the_list_once_and_all_or_nothing(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let bureau = actor(&w.bureau);
    let note = |_: &review::Desk<'_>, _: &shenbao_core::call::definition::ReviewLevel| {
        "青岛市 → 省".to_string()
    };
    submitted(store, &w).await;
    scanned(store, &w.calls, &w.bureau, CALL).await;
    // Unconfirmed, or with the application still waiting for a decision: refused.
    let err = review::forward(store, &w.calls, bureau, CALL, "enterprise", false, note).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::ConfirmationNeeded))),
        "{err:?}"
    );
    let waiting = trace(store, w.id).await;
    let err = review::forward(store, &w.calls, bureau, CALL, "enterprise", true, note).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::DecisionsPending))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, waiting);
    let recommend = Verdict::Recommend {
        opinion: "同意推荐".to_string(),
        signatures: vec![],
    };
    review::decide(store, &w.calls, bureau, CALL, w.id, &recommend)
        .await
        .expect("recommend");
    let recommended = trace(store, w.id).await;
    // The outbox row fails after the moves, the freeze and the events were written.
    fail_inserts_into(store, "outbox").await;
    let err = review::forward(store, &w.calls, bureau, CALL, "enterprise", true, note).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    assert_eq!(trace(store, w.id).await, recommended);
    let at = review::Desk::of(&w.calls, &w.bureau, CALL)
        .expect("test step")
        .at();
    assert!(
        store
            .forwards_of_unit(&at)
            .await
            .expect("test step")
            .is_empty()
    );
    heal(store, "outbox").await;
    let done = review::forward(store, &w.calls, bureau, CALL, "enterprise", true, note)
        .await
        .expect("forward");
    assert_eq!(done.value, [w.id]);
    let up = store
        .application(w.id)
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(up.status, ApplicationStatus::Submitted);
    assert_eq!(up.unit.as_deref(), Some("*"));
    let forwarded = trace(store, w.id).await;
    assert_eq!(forwarded.events, recommended.events + 1);
    assert_eq!(forwarded.audit, recommended.audit + 1);
    assert_eq!(forwarded.outbox, recommended.outbox + 1);
    // Once forwarded the list is frozen.
    let err = review::forward(store, &w.calls, bureau, CALL, "enterprise", true, note).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::ListForwarded))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, forwarded);
}

async fn an_outbox_row_is_delivered_exactly_once(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let version = store
        .application(w.id)
        .await
        .expect("test step")
        .expect("test step")
        .version;
    let done = applicant::submit(
        store,
        &w.calls,
        actor(&w.applicant),
        w.id,
        &complete(version),
    )
    .await
    .expect("test step");
    let id = done.outbox[0];
    let notice = shenbao_store::NewNotification {
        user_id: w.bureau.id,
        at: NOW,
        title: "新申报".to_string(),
        body: String::new(),
        link: None,
    };
    assert!(
        store
            .deliver_outbox(id, NOW, std::slice::from_ref(&notice), &[])
            .await
            .expect("test step")
    );
    assert!(
        !store
            .deliver_outbox(id, NOW, &[notice], &[])
            .await
            .expect("test step"),
        "a second delivery is refused and writes nothing"
    );
    assert_eq!(
        store
            .unread_notifications(w.bureau.id)
            .await
            .expect("test step"),
        1
    );
    assert_eq!(store.undelivered_outbox().await.expect("test step"), 0);
    assert!(
        store
            .pending_outbox(0, 10)
            .await
            .expect("test step")
            .is_empty()
    );
}

async fn assigning_scoring_and_publishing_are_each_all_or_nothing(db: TestDb) {
    let store = &db.store;
    let w = contest_world(store).await;
    let o = at_owner_level(store, &w).await;
    let owner = actor(&o.owner);
    // Rights and input: a bureau account sees nothing; a wrong name is named.
    let err = owner::assign(
        store,
        &w.calls,
        actor(&w.bureau),
        w.call,
        Some(w.id),
        "expert",
    )
    .await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    let err = owner::assign(store, &w.calls, owner, w.call, Some(w.id), "nobody").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::UserUnknown]),
        "{err:?}"
    );
    let err = owner::assign(store, &w.calls, owner, w.call, Some(w.id), "applicant").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::NotAnExpert]),
        "{err:?}"
    );
    // A failure after the assignment is written keeps nothing of it.
    let before = trace(store, w.id).await;
    fail_inserts_into(store, "audit_log").await;
    let err = owner::assign(store, &w.calls, owner, w.call, Some(w.id), "expert").await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "audit_log").await;
    assert!(sheets(store, w.id).await.is_empty());
    assert_eq!(trace(store, w.id).await, before);
    let done = owner::assign(store, &w.calls, owner, w.call, Some(w.id), "expert")
        .await
        .expect("assign");
    let row = store
        .outbox_row(done.outbox[0])
        .await
        .expect("test step")
        .expect("row");
    assert_eq!(
        News::from_row(&row).expect("news"),
        News::Assigned {
            call_id: w.call.to_string(),
            experts: vec![o.expert.id],
        }
    );
    let err = owner::assign(store, &w.calls, owner, w.call, Some(w.id), "expert").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::ExpertAlreadyAssigned]),
        "{err:?}"
    );
    // The expert's submission: an audit failure leaves the sheet unsubmitted.
    let criteria =
        shenbao_core::review::criteria_for(w.calls.get(w.call).expect("call").call, "enterprise");
    let sheet = expert::Sheet {
        scores: criteria.iter().map(|c| (c.id.clone(), 0.0)).collect(),
        comments: Default::default(),
    };
    let me = actor(&o.expert);
    let assignment = done.value.id;
    let err = expert::save_scores(store, &w.calls, actor(&o.owner), assignment, &sheet, true).await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    fail_inserts_into(store, "audit_log").await;
    let err = expert::save_scores(store, &w.calls, me, assignment, &sheet, true).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "audit_log").await;
    assert_eq!(sheets(store, w.id).await, [(o.expert.id, false)]);
    expert::save_scores(store, &w.calls, me, assignment, &sheet, true)
        .await
        .expect("submit scores");
    assert_eq!(sheets(store, w.id).await, [(o.expert.id, true)]);
    let err = owner::unassign(store, &w.calls, owner, w.call, assignment).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::AssignmentSubmitted]),
        "{err:?}"
    );
    // Selection, then publication: an outbox failure leaves the call unpublished.
    assert_eq!(
        owner::select(store, &w.calls, owner, w.call, &[w.id])
            .await
            .expect("select"),
        [w.id]
    );
    let err = owner::publish(store, &w.calls, owner, w.call, false).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::ConfirmationNeeded]),
        "{err:?}"
    );
    let selected = trace(store, w.id).await;
    fail_inserts_into(store, "outbox").await;
    let err = owner::publish(store, &w.calls, owner, w.call, true).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "outbox").await;
    assert!(
        store
            .publication(w.call)
            .await
            .expect("test step")
            .is_none()
    );
    assert_eq!(trace(store, w.id).await, selected);
    let done = owner::publish(store, &w.calls, owner, w.call, true)
        .await
        .expect("publish");
    assert_eq!(done.outbox.len(), 1);
    // Published: everything it rests on is frozen.
    let published = trace(store, w.id).await;
    let err = owner::unselect(store, &w.calls, owner, w.call, w.id).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::Published))),
        "{err:?}"
    );
    let err = owner::publish(store, &w.calls, owner, w.call, true).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::Published))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, published);
}

async fn automatic_assignment_announces_the_experts_it_gave_work(db: TestDb) {
    let store = &db.store;
    let w = contest_world(store).await;
    let o = at_owner_level(store, &w).await;
    let owner = actor(&o.owner);
    let err = owner::auto_assign(store, &w.calls, owner, w.call, 0, None).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::PerApplicationOutOfRange]),
        "{err:?}"
    );
    let done = owner::auto_assign(store, &w.calls, owner, w.call, 1, Some("case"))
        .await
        .expect("auto");
    assert_eq!(done.value.assigned, 1);
    assert_eq!(
        done.value.experts.iter().copied().collect::<Vec<_>>(),
        [o.expert.id]
    );
    let row = store
        .outbox_row(done.outbox[0])
        .await
        .expect("test step")
        .expect("row");
    assert_eq!(
        News::from_row(&row).expect("news"),
        News::Assigned {
            call_id: w.call.to_string(),
            experts: vec![o.expert.id],
        }
    );
    // Nothing more to give: no news.
    let again = owner::auto_assign(store, &w.calls, owner, w.call, 1, None)
        .await
        .expect("auto again");
    assert_eq!(again.value.assigned, 0);
    assert!(again.outbox.is_empty());
    // The expert withdraws for a conflict: the assignment goes, the conflict stays.
    let assignment = sheets(store, w.id).await;
    assert_eq!(assignment.len(), 1);
    let id = store
        .assignment_of(w.id, o.expert.id)
        .await
        .expect("test step")
        .expect("assigned")
        .id;
    let err = expert::recuse(store, actor(&o.expert), id, " ").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::ReasonNeeded]),
        "{err:?}"
    );
    expert::recuse(store, actor(&o.expert), id, "曾任该公司顾问")
        .await
        .expect("recuse");
    assert!(sheets(store, w.id).await.is_empty());
    assert_eq!(store.conflicts(w.call).await.expect("test step").len(), 1);
}

/// A collection (the 摸底 survey) at its owner: no expert, assignment, selection or
/// publication, each refused with the reason and nothing written.
async fn a_collection_has_no_experts_selection_or_results(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let o = at_owner_level(store, &w).await;
    let owner = actor(&o.owner);
    let before = trace(store, w.id).await;
    let collection =
        |r: &Result<_, ActionError>| matches!(r, Err(ActionError::Refused(Refusal::Collection)));
    let r = owner::assign(store, &w.calls, owner, w.call, Some(w.id), "expert").await;
    assert!(collection(&r.map(|_| ())), "assign");
    let r = owner::auto_assign(store, &w.calls, owner, w.call, 2, None).await;
    assert!(collection(&r.map(|_| ())), "auto assign");
    let r = owner::add_to_pool(store, &w.calls, owner, w.call, "expert").await;
    assert!(collection(&r.map(|_| ())), "pool");
    let r = owner::select(store, &w.calls, owner, w.call, &[w.id]).await;
    assert!(collection(&r.map(|_| ())), "select");
    let r = owner::publish(store, &w.calls, owner, w.call, true).await;
    assert!(collection(&r.map(|_| ())), "publish");
    assert_eq!(trace(store, w.id).await, before, "nothing written");
    assert!(sheets(store, w.id).await.is_empty());
    assert!(store.publication(w.call).await.expect("read").is_none());
}

shenbao_store::on_both_databases!(
    a_collection_has_no_experts_selection_or_results,
    deciding_writes_together_and_a_failure_writes_nothing,
    forwarding_moves_the_list_once_and_all_or_nothing,
    an_outbox_row_is_delivered_exactly_once,
    assigning_scoring_and_publishing_are_each_all_or_nothing,
    automatic_assignment_announces_the_experts_it_gave_work,
);
