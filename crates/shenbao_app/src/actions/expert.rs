//! The expert's actions on their own assignment: save the score sheet, submit it, or withdraw
//! for a conflict of interest (回避).
//!
//! An assignment of another expert is [`ActionError::NotFound`]. Once the scores are
//! submitted ([`Refusal::ScoresSubmitted`]) or the call's results are published
//! ([`Refusal::Published`]) nothing changes.

use std::collections::BTreeMap;

use serde_json::json;
use shenbao_store::{ASSIGNMENT_SUBMITTED, AssignmentRow, PUBLISHED, Role, Store, StoreError};

use super::{ActionError, Actor, Problem, Refusal};
use crate::calls::CallRegistry;

/// The score sheet as the expert sends it.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Score per criterion id; a draft may leave criteria out.
    pub scores: BTreeMap<String, f64>,
    /// Comment per criterion id, and the overall comment under `""`.
    pub comments: BTreeMap<String, String>,
}

/// The expert's own assignment `id`, if the actor is that expert.
async fn own(store: &Store, actor: &Actor<'_>, id: i64) -> Result<AssignmentRow, ActionError> {
    if actor.user.role != Role::Expert {
        return Err(ActionError::NotFound);
    }
    store
        .assignment(id)
        .await?
        .filter(|a| a.expert_id == actor.user.id)
        .ok_or(ActionError::NotFound)
}

fn refused(error: StoreError) -> ActionError {
    match error {
        StoreError::Conflict { constraint } if constraint == ASSIGNMENT_SUBMITTED => {
            ActionError::Refused(Refusal::ScoresSubmitted)
        }
        StoreError::Conflict { constraint } if constraint == PUBLISHED => {
            ActionError::Refused(Refusal::Published)
        }
        StoreError::NotFound => ActionError::NotFound,
        other => other.into(),
    }
}

/// Saves the sheet of assignment `id` as a draft or, with `submit`, submits it (frozen from
/// then on; the audit entry is written with it). The scores are checked against the call's
/// criteria ([`shenbao_core::review::check_scores`]): every score given must be a number from
/// 0 to its maximum, and a submission must score every criterion
/// ([`Problem::ScoresInvalid`]).
pub async fn save_scores(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: i64,
    sheet: &Sheet,
    submit: bool,
) -> Result<AssignmentRow, ActionError> {
    let assignment = own(store, &actor, id).await?;
    let entry = calls
        .get(&assignment.call_id)
        .ok_or(ActionError::NotFound)?;
    let criteria = shenbao_core::review::criteria_for(entry.call, &assignment.direction);
    let invalid = shenbao_core::review::check_scores(&criteria, &sheet.scores)
        .iter()
        .any(|p| submit || sheet.scores.contains_key(&p.path));
    if invalid {
        return Err(ActionError::Incomplete(vec![Problem::ScoresInvalid]));
    }
    let scores = json!(sheet.scores).to_string();
    let comments = json!(sheet.comments).to_string();
    let mut tx = store.begin().await?;
    let saved = if submit {
        tx.submit_scores(id, actor.user.id, &scores, &comments, actor.now)
            .await
    } else {
        tx.save_scores(id, actor.user.id, &scores, &comments, actor.now)
            .await
    }
    .map_err(refused)?;
    if submit {
        tx.audit(&actor.audit(
            "scores_submitted",
            Some(("assignment", id.to_string())),
            None,
        ))
        .await?;
    }
    tx.commit().await?;
    Ok(saved)
}

/// The expert withdraws from assignment `id` for a conflict of interest with the applicant,
/// with a reason ([`Problem::ReasonNeeded`] without one): the conflict is declared for the
/// call, the assignment removed and the audit entry written, together.
pub async fn recuse(
    store: &Store,
    actor: Actor<'_>,
    id: i64,
    reason: &str,
) -> Result<AssignmentRow, ActionError> {
    let assignment = own(store, &actor, id).await?;
    if reason.trim().is_empty() {
        return Err(ActionError::Incomplete(vec![Problem::ReasonNeeded]));
    }
    let mut tx = store.begin().await?;
    let removed = tx
        .recuse(id, actor.user.id, Some(reason.trim()), actor.now)
        .await
        .map_err(refused)?;
    tx.audit(&actor.audit(
        "expert_recused",
        Some(("application", assignment.application_id.to_string())),
        None,
    ))
    .await?;
    tx.commit().await?;
    Ok(removed)
}
