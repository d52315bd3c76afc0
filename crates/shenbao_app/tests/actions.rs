//! The use cases called directly, without HTTP, on SQLite and PostgreSQL: what each action
//! writes together, what it refuses, and that a refused or failing action leaves no trace
//! (the application's version, its events, the audit log and the outbox unchanged), with a
//! failure injected by a database trigger after the state change.

use serde_json::Value as Json;
use shenbao_app::actions::applicant::{self, SubmitInput};
use shenbao_app::actions::review::{self, Verdict};
use shenbao_app::actions::{ActionError, Actor, Problem, Refusal};
use shenbao_app::actions::{expert, owner};
use shenbao_app::calls::CallRegistry;
use shenbao_app::news::News;
use shenbao_core::workflow::Action;
use shenbao_store::testing::{TestDb, execute_raw, new_user};
use shenbao_store::{
    ApplicationEvent, ApplicationStatus, Backend, Chain, NewApplication, NewAttachment,
    NewOrganisation, NewUser, Role, Store, UserRow,
};

/// 2024-05-01 12:00 Beijing time; with demo deadlines the calls are open.
const NOW: i64 = 1_714_536_000_000;
const CALL: &str = "sd-2024-llm-survey";

/// A call registry, an applicant with a complete draft of the survey's enterprise direction
/// (every file attached), and the bureau of the applicant's city (青岛, 370200).
struct World {
    calls: CallRegistry,
    applicant: UserRow,
    bureau: UserRow,
    id: i64,
}

fn fixture() -> Json {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shenbao_core/tests/fixtures/sd-2024-llm-survey/enterprise.valid.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn user(name: &str, role: Role, region: Option<&str>) -> NewUser {
    new_user(name, role, region, NOW)
}

async fn world(store: &Store) -> World {
    let calls = CallRegistry::load(store, true, NOW).await.expect("calls");
    let fx = fixture();
    let profile = &fx["profile"];
    let (_, applicant) = store
        .register_applicant(
            &NewOrganisation {
                uscc: profile["uscc"].as_str().expect("test step").to_string(),
                name: profile["name"].as_str().expect("test step").to_string(),
                region: profile["region"].as_str().expect("test step").to_string(),
                created_at: NOW,
            },
            &user("applicant", Role::Applicant, None),
        )
        .await
        .expect("register");
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("bureau");
    let app = store
        .create_application(
            &NewApplication {
                call_id: CALL.to_string(),
                direction: fx["direction"].as_str().expect("test step").to_string(),
                subdirection: None,
                organisation_id: applicant.organisation_id.expect("test step"),
                created_by: applicant.id,
                answers: fx["answers"].to_string(),
                created_at: NOW,
            },
            &ApplicationEvent {
                at: NOW,
                actor_user_id: Some(applicant.id),
                actor_ip: None,
                note: None,
            },
        )
        .await
        .expect("draft");
    for (i, f) in fx["files"]
        .as_array()
        .expect("test step")
        .iter()
        .enumerate()
    {
        store
            .add_attachment(&NewAttachment {
                application_id: app.id,
                slot: f["slot"].as_str().expect("test step").to_string(),
                original_name: f["name"].as_str().expect("test step").to_string(),
                storage_key: format!("key-{i}"),
                size: f["size"].as_i64().expect("test step"),
                sha256: format!("{i:064}"),
                file_type: f["type"].as_str().expect("test step").to_string(),
                created_at: NOW,
                uploaded_by: applicant.id,
            })
            .await
            .expect("attachment");
    }
    World {
        calls,
        applicant,
        bureau,
        id: app.id,
    }
}

fn actor(user: &UserRow) -> Actor<'_> {
    Actor {
        user,
        ip: Some("127.0.0.1"),
        now: NOW + 60_000,
    }
}

fn complete(version: i64) -> SubmitInput {
    SubmitInput {
        version,
        justification: String::new(),
        accepted: true,
        sector: String::new(),
    }
}

/// Everything an action could leave behind, to compare before and after.
#[derive(Debug, PartialEq)]
struct Trace {
    status: ApplicationStatus,
    version: i64,
    events: usize,
    snapshot: bool,
    audit: usize,
    outbox: i64,
}

async fn trace(store: &Store, id: i64) -> Trace {
    let app = store
        .application(id)
        .await
        .expect("test step")
        .expect("test step");
    Trace {
        status: app.status,
        version: app.version,
        events: store.application_events(id).await.expect("test step").len(),
        snapshot: store
            .latest_snapshot(id)
            .await
            .expect("test step")
            .is_some(),
        audit: store.audit_page(None, 1000).await.expect("test step").len(),
        outbox: store.undelivered_outbox().await.expect("test step"),
    }
}

/// Makes every insert into `table` fail from now on, as a full disk or a lost connection
/// would at that point of the transaction.
async fn fail_inserts_into(store: &Store, table: &str) {
    match store.backend() {
        Backend::Sqlite => {
            execute_raw(
                store,
                &format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
                     BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                ),
            )
            .await;
        }
        Backend::Postgres => {
            execute_raw(
                store,
                "CREATE OR REPLACE FUNCTION injected_failure() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            .await;
            execute_raw(
                store,
                &format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION injected_failure()"
                ),
            )
            .await;
        }
    }
}

async fn heal(store: &Store, table: &str) {
    let sql = match store.backend() {
        Backend::Sqlite => format!("DROP TRIGGER fail_{table}"),
        Backend::Postgres => format!("DROP TRIGGER fail_{table} ON {table}"),
    };
    execute_raw(store, &sql).await;
}

async fn submitted(store: &Store, w: &World) {
    let version = store
        .application(w.id)
        .await
        .expect("test step")
        .expect("test step")
        .version;
    applicant::submit(
        store,
        &w.calls,
        actor(&w.applicant),
        w.id,
        &complete(version),
    )
    .await
    .expect("submit");
}

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

/// The owner's side: the application submitted and placed at the owner level, an owner of
/// the province and an expert in the call's pool.
struct OwnerSide {
    owner: UserRow,
    expert: UserRow,
}

async fn at_owner_level(store: &Store, w: &World) -> OwnerSide {
    submitted(store, w).await;
    shenbao_store::testing::place_at_owner_level(store, w.id, "province", "海智大模型").await;
    let owner = store
        .create_user(&user("owner", Role::Owner, Some("370000")))
        .await
        .expect("owner");
    let expert = store
        .create_user(&user("expert", Role::Expert, None))
        .await
        .expect("expert");
    store
        .add_pool_expert(CALL, expert.id, NOW)
        .await
        .expect("pool");
    OwnerSide { owner, expert }
}

/// Assignments by the owner and score sheets by the expert of application `id`.
async fn sheets(store: &Store, id: i64) -> Vec<(i64, bool)> {
    store
        .experts_of_applications(&[id])
        .await
        .expect("test step")
        .iter()
        .map(|e| (e.expert_id, e.submitted_at.is_some()))
        .collect()
}

async fn assigning_scoring_and_publishing_are_each_all_or_nothing(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let o = at_owner_level(store, &w).await;
    let owner = actor(&o.owner);
    // Rights and input: a bureau account sees nothing; a wrong name is named.
    let err = owner::assign(
        store,
        &w.calls,
        actor(&w.bureau),
        CALL,
        Some(w.id),
        "expert",
    )
    .await;
    assert!(matches!(err, Err(ActionError::NotFound)), "{err:?}");
    let err = owner::assign(store, &w.calls, owner, CALL, Some(w.id), "nobody").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::UserUnknown]),
        "{err:?}"
    );
    let err = owner::assign(store, &w.calls, owner, CALL, Some(w.id), "applicant").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::NotAnExpert]),
        "{err:?}"
    );
    // A failure after the assignment is written keeps nothing of it.
    let before = trace(store, w.id).await;
    fail_inserts_into(store, "audit_log").await;
    let err = owner::assign(store, &w.calls, owner, CALL, Some(w.id), "expert").await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "audit_log").await;
    assert!(sheets(store, w.id).await.is_empty());
    assert_eq!(trace(store, w.id).await, before);
    let done = owner::assign(store, &w.calls, owner, CALL, Some(w.id), "expert")
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
            call_id: CALL.to_string(),
            experts: vec![o.expert.id],
        }
    );
    let err = owner::assign(store, &w.calls, owner, CALL, Some(w.id), "expert").await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::ExpertAlreadyAssigned]),
        "{err:?}"
    );
    // The expert's submission: an audit failure leaves the sheet unsubmitted.
    let criteria =
        shenbao_core::review::criteria_for(w.calls.get(CALL).expect("call").call, "enterprise");
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
    let err = owner::unassign(store, &w.calls, owner, CALL, assignment).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::AssignmentSubmitted]),
        "{err:?}"
    );
    // Selection, then publication: an outbox failure leaves the call unpublished.
    assert_eq!(
        owner::select(store, &w.calls, owner, CALL, &[w.id])
            .await
            .expect("select"),
        [w.id]
    );
    let err = owner::publish(store, &w.calls, owner, CALL, false).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::ConfirmationNeeded]),
        "{err:?}"
    );
    let selected = trace(store, w.id).await;
    fail_inserts_into(store, "outbox").await;
    let err = owner::publish(store, &w.calls, owner, CALL, true).await;
    assert!(matches!(err, Err(ActionError::Store(_))), "{err:?}");
    heal(store, "outbox").await;
    assert!(store.publication(CALL).await.expect("test step").is_none());
    assert_eq!(trace(store, w.id).await, selected);
    let done = owner::publish(store, &w.calls, owner, CALL, true)
        .await
        .expect("publish");
    assert_eq!(done.outbox.len(), 1);
    // Published: everything it rests on is frozen.
    let published = trace(store, w.id).await;
    let err = owner::unselect(store, &w.calls, owner, CALL, w.id).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::Published))),
        "{err:?}"
    );
    let err = owner::publish(store, &w.calls, owner, CALL, true).await;
    assert!(
        matches!(err, Err(ActionError::Refused(Refusal::Published))),
        "{err:?}"
    );
    assert_eq!(trace(store, w.id).await, published);
}

async fn automatic_assignment_announces_the_experts_it_gave_work(db: TestDb) {
    let store = &db.store;
    let w = world(store).await;
    let o = at_owner_level(store, &w).await;
    let owner = actor(&o.owner);
    let err = owner::auto_assign(store, &w.calls, owner, CALL, 0, None).await;
    assert!(
        matches!(&err, Err(ActionError::Incomplete(p)) if p == &[Problem::PerApplicationOutOfRange]),
        "{err:?}"
    );
    let done = owner::auto_assign(store, &w.calls, owner, CALL, 1, Some("enterprise"))
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
            call_id: CALL.to_string(),
            experts: vec![o.expert.id],
        }
    );
    // Nothing more to give: no news.
    let again = owner::auto_assign(store, &w.calls, owner, CALL, 1, None)
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
    assert_eq!(store.conflicts(CALL).await.expect("test step").len(), 1);
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
    starting_a_draft_checks_the_call_and_writes_with_its_audit_entry,
    attaching_and_removing_files_write_with_their_audit_entry,
    assigning_scoring_and_publishing_are_each_all_or_nothing,
    automatic_assignment_announces_the_experts_it_gave_work,
    a_submission_writes_its_state_event_snapshot_outbox_and_audit_together,
    refused_submissions_leave_no_trace,
    a_failure_after_the_state_change_rolls_the_whole_submission_back,
    withdrawing_is_allowed_until_the_bureau_decides,
    deciding_writes_together_and_a_failure_writes_nothing,
    forwarding_moves_the_list_once_and_all_or_nothing,
    an_outbox_row_is_delivered_exactly_once,
);
