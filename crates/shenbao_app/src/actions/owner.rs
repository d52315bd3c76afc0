//! The call owner's actions at the owner level: give applications to experts (one by one or
//! automatically), take an assignment back, select and unselect, publish the results.
//!
//! Every one of them is refused once the call's results are published
//! ([`Refusal::Published`]); the store checks that inside each write's transaction, so a
//! publication that commits in between still wins.

use serde_json::json;
use shenbao_core::call::Call;
use shenbao_core::call::definition::{CallKind, LevelScope};
use shenbao_store::{
    ASSIGNMENT_CONFLICT, ASSIGNMENT_SUBMITTED, ASSIGNMENT_TAKEN, ApplicationStatus, AssignmentRow,
    AutoAssign, AutoAssignOutcome, NewAssignment, NewConflict, PUBLISHED, Role, Store, StoreError,
    UserRow,
};

use super::{ActionError, Actor, Done, Problem, Refusal};
use crate::calls::{CallEntry, CallRegistry};
use crate::news::News;

/// Most experts automatic assignment gives one application.
pub const MAX_PER_APPLICATION: usize = 20;

/// The id of the call owner's level (the one with province scope).
pub fn owner_level(call: &Call) -> &str {
    call.def()
        .review_levels
        .iter()
        .find(|l| l.scope == LevelScope::Province)
        .map_or("province", |l| l.id.as_str())
}

/// Call `call_id`, if `user` is an owner (or administrator) who owns it; otherwise
/// [`ActionError::NotFound`].
pub fn owned_call<'c>(
    calls: &'c CallRegistry,
    user: &UserRow,
    call_id: &str,
) -> Result<&'c CallEntry, ActionError> {
    if !matches!(user.role, Role::Owner | Role::Admin) {
        return Err(ActionError::NotFound);
    }
    calls
        .get(call_id)
        .filter(|e| {
            shenbao_core::routing::owns_call(user.role, user.scope_region.as_deref(), e.call)
        })
        .ok_or(ActionError::NotFound)
}

/// Call `call_id` as [`owned_call`] finds it, refused with [`Refusal::Collection`] when it
/// is a collection (摸底): experts, selection and publication belong to contests.
pub fn owned_contest<'c>(
    calls: &'c CallRegistry,
    user: &UserRow,
    call_id: &str,
) -> Result<&'c CallEntry, ActionError> {
    let entry = owned_call(calls, user, call_id)?;
    if entry.call.def().kind == CallKind::Collection {
        return Err(ActionError::Refused(Refusal::Collection));
    }
    Ok(entry)
}

/// Refused when the call's results are published (read before writing, for a clear answer;
/// the write checks again in its transaction).
async fn not_published(store: &Store, call_id: &str) -> Result<(), ActionError> {
    match store.publication(call_id).await? {
        Some(_) => Err(ActionError::Refused(Refusal::Published)),
        None => Ok(()),
    }
}

/// A store error of a frozen write: published, or as it is.
fn frozen(error: StoreError) -> ActionError {
    match error {
        StoreError::Conflict { constraint } if constraint == PUBLISHED => {
            ActionError::Refused(Refusal::Published)
        }
        other => other.into(),
    }
}

/// The expert with login name `username`, or the problem with it.
async fn expert_named(store: &Store, username: &str) -> Result<UserRow, ActionError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(ActionError::Incomplete(vec![Problem::UsernameNeeded]));
    }
    match store.user_by_username(username).await? {
        None => Err(ActionError::Incomplete(vec![Problem::UserUnknown])),
        Some(u) if u.role != Role::Expert => {
            Err(ActionError::Incomplete(vec![Problem::NotAnExpert]))
        }
        Some(u) => Ok(u),
    }
}

/// Adds the expert with login name `username` to call `call_id`'s pool, with the audit
/// entry; `false` when already there.
pub async fn add_to_pool(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    username: &str,
) -> Result<bool, ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    let expert = expert_named(store, username).await?;
    let mut tx = store.begin().await?;
    let added = tx.add_pool_expert(call_id, expert.id, actor.now).await?;
    tx.audit(&actor.audit(
        "pool_expert_added",
        Some(("user", expert.id.to_string())),
        Some(json!({ "call": call_id })),
    ))
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// Removes user `user_id` from call `call_id`'s pool (their assignments stay), with the audit
/// entry.
pub async fn remove_from_pool(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    user_id: i64,
) -> Result<(), ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    let mut tx = store.begin().await?;
    tx.remove_pool_expert(call_id, user_id).await?;
    tx.audit(&actor.audit(
        "pool_expert_removed",
        Some(("user", user_id.to_string())),
        Some(json!({ "call": call_id })),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The organisation a conflict is declared with: picked from a list (its id), or typed as a
/// USCC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganisationRef {
    /// An organisation's id.
    Id(i64),
    /// A USCC as typed (case does not matter); the first organisation registered with it.
    Uscc(String),
}

/// Records, for call `call_id`, that the expert named `username` has a conflict of interest
/// with `organisation` (with its `reason`); the expert's unsubmitted assignments to that
/// organisation go. Writes both and the audit entry together.
pub async fn declare_conflict(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    username: &str,
    organisation: &OrganisationRef,
    reason: &str,
) -> Result<(), ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    let expert = expert_named(store, username).await?;
    let organisation = match organisation {
        OrganisationRef::Id(id) => store.organisation(*id).await?,
        OrganisationRef::Uscc(uscc) if uscc.trim().is_empty() => {
            return Err(ActionError::Incomplete(vec![Problem::UsccNeeded]));
        }
        OrganisationRef::Uscc(uscc) => {
            store
                .organisation_by_uscc(&uscc.trim().to_uppercase())
                .await?
        }
    };
    let Some(organisation) = organisation else {
        return Err(ActionError::Incomplete(vec![Problem::OrganisationUnknown]));
    };
    let organisation_id = organisation.id;
    let mut tx = store.begin().await?;
    tx.declare_conflict(&NewConflict {
        call_id: call_id.to_string(),
        user_id: expert.id,
        organisation_id,
        reason: Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
        declared_at: actor.now,
    })
    .await?;
    tx.audit(&actor.audit(
        "expert_conflict_declared",
        Some(("user", expert.id.to_string())),
        Some(json!({ "call": call_id, "organisation": organisation_id })),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a declared conflict of user `user_id` with organisation `organisation_id` in call
/// `call_id`, with the audit entry.
pub async fn remove_conflict(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    user_id: i64,
    organisation_id: i64,
) -> Result<(), ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    let mut tx = store.begin().await?;
    tx.remove_conflict(call_id, user_id, organisation_id)
        .await?;
    tx.audit(&actor.audit(
        "expert_conflict_removed",
        Some(("user", user_id.to_string())),
        Some(json!({ "call": call_id, "organisation": organisation_id })),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives application `application_id` (at the owner level, waiting; `None` when the form's
/// number did not parse) to the expert with login name `username`, who must be in the call's
/// pool, without a conflict with the applicant and not yet on it. Writes the assignment, the
/// outbox row ([`News::Assigned`]) and the audit entry in one transaction.
pub async fn assign(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    application_id: Option<i64>,
    username: &str,
) -> Result<Done<AssignmentRow>, ActionError> {
    let entry = owned_contest(calls, actor.user, call_id)?;
    not_published(store, call_id).await?;
    let app = match application_id {
        Some(id) => store.application(id).await?,
        None => None,
    };
    let app = app.filter(|a| {
        a.call_id == call_id
            && a.level.as_deref() == Some(owner_level(entry.call))
            && a.unit.as_deref() == Some(shenbao_core::routing::OWNER)
            && a.status == ApplicationStatus::Submitted
    });
    let Some(app) = app else {
        return Err(ActionError::Incomplete(vec![Problem::ApplicationUnknown]));
    };
    let expert = expert_named(store, username).await?;
    if !store.is_pool_expert(call_id, expert.id).await? {
        return Err(ActionError::Incomplete(vec![Problem::NotInPool]));
    }
    let mut tx = store.begin().await?;
    let assigned = tx
        .assign_expert(&NewAssignment {
            application_id: app.id,
            expert_id: expert.id,
            assigned_at: actor.now,
            assigned_by: actor.user.id,
        })
        .await;
    let assignment = match assigned {
        Ok(a) => a,
        Err(StoreError::Conflict { constraint }) if constraint != PUBLISHED => {
            let problem = match constraint.as_str() {
                ASSIGNMENT_CONFLICT => Problem::ExpertConflicted,
                ASSIGNMENT_TAKEN => Problem::ExpertAlreadyAssigned,
                _ => Problem::AssignmentRefused,
            };
            return Err(ActionError::Incomplete(vec![problem]));
        }
        Err(e) => return Err(frozen(e)),
    };
    let news = News::Assigned {
        call_id: call_id.to_string(),
        experts: vec![expert.id],
    };
    let outbox = tx.announce(&news.to_outbox(actor.now)).await?;
    tx.audit(&actor.audit(
        "expert_assigned",
        Some(("assignment", assignment.id.to_string())),
        Some(json!({ "application": app.id, "expert": expert.id })),
    ))
    .await?;
    tx.commit().await?;
    Ok(Done {
        value: assignment,
        outbox: vec![outbox],
    })
}

/// Takes assignment `id` of call `call_id` back, unless its scores are submitted
/// ([`Problem::AssignmentSubmitted`]). Writes the removal and the audit entry together.
pub async fn unassign(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    id: i64,
) -> Result<(), ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    not_published(store, call_id).await?;
    if store
        .assignment(id)
        .await?
        .is_none_or(|a| a.call_id != call_id)
    {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    match tx.unassign(id).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(ActionError::NotFound),
        Err(StoreError::Conflict { constraint }) if constraint == ASSIGNMENT_SUBMITTED => {
            return Err(ActionError::Incomplete(vec![Problem::AssignmentSubmitted]));
        }
        Err(e) => return Err(frozen(e)),
    }
    tx.audit(&actor.audit(
        "expert_unassigned",
        Some(("assignment", id.to_string())),
        None,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives every waiting application at the owner level (of `direction`, when given)
/// `per_application` experts from the pool, balancing their load. Writes the assignments, the
/// outbox row ([`News::Assigned`], the experts given work) and the audit entry together.
pub async fn auto_assign(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    per_application: usize,
    direction: Option<&str>,
) -> Result<Done<AutoAssignOutcome>, ActionError> {
    let entry = owned_contest(calls, actor.user, call_id)?;
    not_published(store, call_id).await?;
    if !(1..=MAX_PER_APPLICATION).contains(&per_application) {
        return Err(ActionError::Incomplete(vec![
            Problem::PerApplicationOutOfRange,
        ]));
    }
    if direction.is_some_and(|d| entry.call.direction(d).is_none()) {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    let outcome = tx
        .auto_assign(&AutoAssign {
            call_id: call_id.to_string(),
            level: owner_level(entry.call).to_string(),
            direction: direction.map(str::to_string),
            per_application,
            assigned_at: actor.now,
            assigned_by: actor.user.id,
        })
        .await
        .map_err(frozen)?;
    let mut outbox = Vec::new();
    if !outcome.experts.is_empty() {
        let news = News::Assigned {
            call_id: call_id.to_string(),
            experts: outcome.experts.iter().copied().collect(),
        };
        outbox.push(tx.announce(&news.to_outbox(actor.now)).await?);
    }
    tx.audit(&actor.audit(
        "experts_auto_assigned",
        None,
        Some(json!({
            "call": call_id,
            "per_application": per_application,
            "assigned": outcome.assigned,
            "unfilled": outcome.unfilled.len(),
        })),
    ))
    .await?;
    tx.commit().await?;
    Ok(Done {
        value: outcome,
        outbox,
    })
}

/// Selects applications `ids` of call `call_id` (at the owner level) in one transaction, with
/// their events and the audit entry; those already selected stay as they are. Returns the ids
/// that changed. Nothing changes when any of them cannot be selected
/// ([`Refusal::SelectionStale`]).
pub async fn select(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    ids: &[i64],
) -> Result<Vec<i64>, ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    not_published(store, call_id).await?;
    if ids.is_empty() {
        return Err(ActionError::Incomplete(vec![Problem::NothingSelected]));
    }
    for &id in ids {
        if store
            .application(id)
            .await?
            .is_none_or(|a| a.call_id != call_id)
        {
            return Err(ActionError::NotFound);
        }
    }
    let mut tx = store.begin().await?;
    let changed = match tx.select_applications(ids, &actor.event(None)).await {
        Ok(changed) => changed,
        Err(StoreError::Conflict { constraint }) if constraint != PUBLISHED => {
            return Err(ActionError::Refused(Refusal::SelectionStale));
        }
        Err(e) => return Err(frozen(e)),
    };
    tx.audit(&actor.audit(
        "applications_selected",
        None,
        Some(json!({ "call": call_id, "ids": changed })),
    ))
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Undoes the selection of application `id` of call `call_id`, with its event and the audit
/// entry.
pub async fn unselect(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    id: i64,
) -> Result<(), ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    not_published(store, call_id).await?;
    if store
        .application(id)
        .await?
        .is_none_or(|a| a.call_id != call_id)
    {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    match tx.unselect_application(id, &actor.event(None)).await {
        Ok(_) => {}
        Err(StoreError::Conflict { constraint }) if constraint != PUBLISHED => {
            return Err(ActionError::Refused(Refusal::SelectionStale));
        }
        Err(e) => return Err(frozen(e)),
    }
    tx.audit(&actor.audit(
        "application_unselected",
        Some(("application", id.to_string())),
        None,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes call `call_id`'s results, confirmed: selection, scores and assignments freeze.
/// Writes the publication, the outbox row ([`News::Published`]) and the audit entry together.
pub async fn publish(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    confirmed: bool,
) -> Result<Done<()>, ActionError> {
    owned_contest(calls, actor.user, call_id)?;
    not_published(store, call_id).await?;
    if !confirmed {
        return Err(ActionError::Incomplete(vec![Problem::ConfirmationNeeded]));
    }
    let mut tx = store.begin().await?;
    match tx.publish_results(call_id, actor.now, actor.user.id).await {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => return Err(ActionError::Refused(Refusal::Published)),
        Err(e) => return Err(e.into()),
    }
    let from = calls.state(call_id);
    tx.set_call_state(call_id, shenbao_core::call::CallState::Published)
        .await?;
    let news = News::Published {
        call_id: call_id.to_string(),
    };
    let outbox = tx.announce(&news.to_outbox(actor.now)).await?;
    tx.audit(&actor.audit(
        "results_published",
        Some(("call", call_id.to_string())),
        Some(serde_json::json!({ "from": from.as_str(), "to": "published" })),
    ))
    .await?;
    tx.commit().await?;
    if let Err(error) = calls.refresh(store).await {
        tracing::warn!(%error, "the calls could not be re-read");
    }
    Ok(Done {
        value: (),
        outbox: vec![outbox],
    })
}
