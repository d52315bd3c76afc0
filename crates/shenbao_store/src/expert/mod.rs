//! Experts of a call: the pool (专家库), declared conflicts of interest (回避), assignments of
//! experts to applications (by hand and automatically, balancing load), and the experts'
//! scores (a draft, then a frozen submission).
//!
//! Conflicts are enforced here, inside the statement that writes an assignment: an expert is
//! never assigned to an application of an organisation they declared a conflict with in that
//! call, nor of the organisation they belong to (`users.organisation_id`). Both refusals are
//! `Conflict { constraint: "assignments.conflict" }`.
//!
//! Once the call's results are published, assignments and scores are frozen with them: every
//! write here that could change a score sheet, an assignment or the ranking checks the
//! publication inside its transaction first (`Store::refuse_if_published`, in `selection.rs`)
//! and is refused as `Conflict { constraint: "publications.call_id" }`. A conflict declared
//! afterwards is recorded but removes no assignment.
//!
//! Must not: decide who may manage the pool or see scores, look inside the scores (the web
//! layer validates them against the call's criteria), or read the clock.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use sqlx::{Any, Transaction};

use crate::sql::Statement;
use crate::{ApplicationStatus, Backend, Store, StoreError, Tx};

/// An expert assigned where they declared a conflict or where they work.
pub const ASSIGNMENT_CONFLICT: &str = "assignments.conflict";
/// The expert is already assigned to that application.
pub const ASSIGNMENT_TAKEN: &str = "assignments.application_expert_key";
/// Submitted scores are frozen: no save, submit or unassignment.
pub const ASSIGNMENT_SUBMITTED: &str = "assignments.submitted";

/// An expert of a call's pool, with their account and load in the call.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolExpertRow {
    /// The expert's user id.
    #[sqlx(rename = "id")]
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in pages.
    pub display_name: String,
    /// The expert's employer, when recorded.
    pub organisation_id: Option<i64>,
    /// The employer's name.
    pub organisation_name: Option<String>,
    /// Unix milliseconds.
    pub added_at: i64,
    /// Assignments of this expert in the call.
    pub assigned: i64,
    /// Of those, how many are submitted.
    pub submitted: i64,
}

/// A conflict of interest to declare (see [`Store::declare_conflict`]).
#[derive(Debug, Clone)]
pub struct NewConflict {
    /// The call.
    pub call_id: String,
    /// The expert.
    pub user_id: i64,
    /// The organisation the expert must not review.
    pub organisation_id: i64,
    /// Why (free text).
    pub reason: Option<String>,
    /// Unix milliseconds.
    pub declared_at: i64,
}

/// A declared conflict, with names for display.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConflictRow {
    /// The call.
    pub call_id: String,
    /// The expert.
    pub user_id: i64,
    /// The expert's login name.
    pub username: String,
    /// The expert's display name.
    pub display_name: String,
    /// The organisation.
    pub organisation_id: i64,
    /// Its name.
    pub organisation_name: String,
    /// Its 统一社会信用代码.
    pub uscc: String,
    /// Why.
    pub reason: Option<String>,
    /// Unix milliseconds.
    pub declared_at: i64,
}

/// One expert to assign to one application (see [`Store::assign_expert`]); the call and
/// direction are copied from the application.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    /// The application.
    pub application_id: i64,
    /// The expert's user id.
    pub expert_id: i64,
    /// Unix milliseconds.
    pub assigned_at: i64,
    /// Who assigned (the owner's user id).
    pub assigned_by: i64,
}

/// A stored assignment with the expert's scores.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssignmentRow {
    /// Database id.
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// The expert's user id.
    pub expert_id: i64,
    /// The application's call.
    pub call_id: String,
    /// The application's direction.
    pub direction: String,
    /// Unix milliseconds.
    pub assigned_at: i64,
    /// Who assigned.
    pub assigned_by: i64,
    /// JSON object criterion id → number, once saved.
    pub scores: Option<String>,
    /// JSON object criterion id → text (key `""` for the overall comment), once saved.
    pub comments: Option<String>,
    /// Unix milliseconds of the last save.
    pub saved_at: Option<i64>,
    /// Unix milliseconds of the submission; the scores are frozen once set.
    pub submitted_at: Option<i64>,
}

/// What automatic assignment should do (see [`Store::auto_assign`]).
#[derive(Debug, Clone)]
pub struct AutoAssign {
    /// The call.
    pub call_id: String,
    /// The review level id of the call owner (the level with province scope); only
    /// applications there (`unit = '*'`, status `submitted`) get experts.
    pub level: String,
    /// Only this direction, when given.
    pub direction: Option<String>,
    /// Experts each application should have in total (existing assignments count).
    pub per_application: usize,
    /// Unix milliseconds.
    pub assigned_at: i64,
    /// Who asked (the owner's user id).
    pub assigned_by: i64,
}

/// What automatic assignment did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoAssignOutcome {
    /// Assignments made.
    pub assigned: u64,
    /// Applications that could not get `per_application` experts (the pool has too few
    /// eligible experts), with how many they have now, by application id.
    pub unfilled: Vec<(i64, usize)>,
    /// The experts given at least one new assignment, by id.
    pub experts: BTreeSet<i64>,
}

/// An assignment in an expert's queue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpertQueueRow {
    /// The assignment id (the page key).
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// The call.
    pub call_id: String,
    /// The direction.
    pub direction: String,
    /// The case or project name.
    pub title: Option<String>,
    /// Unix milliseconds.
    pub assigned_at: i64,
    /// Unix milliseconds of the last save of scores.
    pub saved_at: Option<i64>,
    /// Unix milliseconds of the submission of scores.
    pub submitted_at: Option<i64>,
}

/// An expert on an application, for the owner's assignment list (no scores).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationExpertRow {
    /// The assignment id.
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// The expert's user id.
    pub expert_id: i64,
    /// The expert's login name.
    pub username: String,
    /// The expert's display name.
    pub display_name: String,
    /// Unix milliseconds of the submission of scores.
    pub submitted_at: Option<i64>,
}

macro_rules! assignment_columns {
    () => {
        "id, application_id, expert_id, call_id, direction, assigned_at, assigned_by, scores, \
         comments, saved_at, submitted_at"
    };
}

fn conflict(constraint: &str) -> StoreError {
    StoreError::Conflict {
        constraint: constraint.to_owned(),
    }
}

/// The call and the expert of assignment `id`, read inside the transaction; `None` when
/// there is no such assignment.
async fn assignment_owner(
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<Option<(String, i64)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT call_id, expert_id FROM assignments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Why a guarded write of the expert's own assignment `id` matched no row: its scores were
/// submitted (`assignments.submitted`), or it is gone (`NotFound`). Read inside the refused
/// transaction.
async fn unchanged_assignment(
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<StoreError, StoreError> {
    let still_there = assignment_owner(tx, id).await?.is_some();
    Ok(if still_there {
        conflict(ASSIGNMENT_SUBMITTED)
    } else {
        StoreError::NotFound
    })
}

impl Store {
    // ---- the pool --------------------------------------------------------------------------

    /// As [`Tx::add_pool_expert`], in a transaction of its own.
    pub async fn add_pool_expert(
        &self,
        call_id: &str,
        user_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.add_pool_expert(call_id, user_id, now_ms).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::remove_pool_expert`], in a transaction of its own.
    pub async fn remove_pool_expert(
        &self,
        call_id: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.remove_pool_expert(call_id, user_id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// A call's pool with each expert's account, employer and load in the call, ordered by
    /// user id.
    pub async fn pool_experts(&self, call_id: &str) -> Result<Vec<PoolExpertRow>, StoreError> {
        let rows = sqlx::query_as::<_, PoolExpertRow>(
            "SELECT u.id, u.username, u.display_name, u.organisation_id, \
                 o.name AS organisation_name, ce.added_at, \
                 COALESCE(l.assigned, 0) AS assigned, COALESCE(l.submitted, 0) AS submitted \
             FROM call_experts ce \
             JOIN users u ON u.id = ce.user_id \
             LEFT JOIN organisations o ON o.id = u.organisation_id \
             LEFT JOIN (SELECT expert_id, COUNT(*) AS assigned, \
                     COUNT(submitted_at) AS submitted \
                 FROM assignments WHERE call_id = $1 GROUP BY expert_id) l \
                 ON l.expert_id = ce.user_id \
             WHERE ce.call_id = $1 \
             ORDER BY u.id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Whether `user_id` is in the pool of `call_id`.
    pub async fn is_pool_expert(&self, call_id: &str, user_id: i64) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM call_experts WHERE call_id = $1 AND user_id = $2")
            .bind(call_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    // ---- conflicts -------------------------------------------------------------------------

    /// As [`Tx::declare_conflict`], in a transaction of its own.
    pub async fn declare_conflict(&self, c: &NewConflict) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.declare_conflict(c).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::remove_conflict`], in a transaction of its own.
    pub async fn remove_conflict(
        &self,
        call_id: &str,
        user_id: i64,
        organisation_id: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx
            .remove_conflict(call_id, user_id, organisation_id)
            .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// A call's declared conflicts, by expert then organisation.
    pub async fn conflicts(&self, call_id: &str) -> Result<Vec<ConflictRow>, StoreError> {
        let rows = sqlx::query_as::<_, ConflictRow>(
            "SELECT c.call_id, c.user_id, u.username, u.display_name, c.organisation_id, \
                 o.name AS organisation_name, o.uscc, c.reason, c.declared_at \
             FROM expert_conflicts c \
             JOIN users u ON u.id = c.user_id \
             JOIN organisations o ON o.id = c.organisation_id \
             WHERE c.call_id = $1 \
             ORDER BY c.user_id, c.organisation_id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    // ---- assignments -----------------------------------------------------------------------

    /// As [`Tx::assign_expert`], in a transaction of its own.
    pub async fn assign_expert(&self, a: &NewAssignment) -> Result<AssignmentRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.assign_expert(a).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::unassign`], in a transaction of its own.
    pub async fn unassign(&self, id: i64) -> Result<Option<AssignmentRow>, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.unassign(id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::auto_assign`], in a transaction of its own.
    pub async fn auto_assign(&self, job: &AutoAssign) -> Result<AutoAssignOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.auto_assign(job).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The assignment with this id, if any.
    pub async fn assignment(&self, id: i64) -> Result<Option<AssignmentRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            assignment_columns!(),
            " FROM assignments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The assignment of `expert_id` to `application_id`, if the expert is assigned to it.
    pub async fn assignment_of(
        &self,
        application_id: i64,
        expert_id: i64,
    ) -> Result<Option<AssignmentRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            assignment_columns!(),
            " FROM assignments WHERE application_id = $1 AND expert_id = $2"
        ))
        .bind(application_id)
        .bind(expert_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Up to `limit` assignments of an expert across calls, oldest (lowest id) first, with
    /// ids above `after_id` when given (keyset pagination), with each application's title.
    pub async fn expert_queue(
        &self,
        expert_id: i64,
        after_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ExpertQueueRow>, StoreError> {
        let rows = sqlx::query_as::<_, ExpertQueueRow>(
            "SELECT s.id, s.application_id, s.call_id, s.direction, a.title, s.assigned_at, \
                 s.saved_at, s.submitted_at \
             FROM assignments s JOIN applications a ON a.id = s.application_id \
             WHERE s.expert_id = $1 AND s.id > $2 ORDER BY s.id LIMIT $3",
        )
        .bind(expert_id)
        .bind(after_id.unwrap_or(0))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// The experts on each of `application_ids` (a page of the owner's list), by application
    /// then expert id. No scores.
    pub async fn experts_of_applications(
        &self,
        application_ids: &[i64],
    ) -> Result<Vec<ApplicationExpertRow>, StoreError> {
        if application_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Statement::new(
            "SELECT s.id, s.application_id, s.expert_id, u.username, u.display_name, \
                 s.submitted_at \
             FROM assignments s JOIN users u ON u.id = s.expert_id \
             WHERE s.application_id IN (",
        );
        sql.push_bind_list(application_ids)
            .push(") ORDER BY s.application_id, s.expert_id");
        Ok(sql.query_as()?.fetch_all(&self.pool).await?)
    }

    /// As [`Tx::save_scores`], in a transaction of its own.
    pub async fn save_scores(
        &self,
        id: i64,
        expert_id: i64,
        scores: &str,
        comments: &str,
        now_ms: i64,
    ) -> Result<AssignmentRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx
            .save_scores(id, expert_id, scores, comments, now_ms)
            .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::submit_scores`], in a transaction of its own.
    pub async fn submit_scores(
        &self,
        id: i64,
        expert_id: i64,
        scores: &str,
        comments: &str,
        now_ms: i64,
    ) -> Result<AssignmentRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx
            .submit_scores(id, expert_id, scores, comments, now_ms)
            .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::recuse`], in a transaction of its own.
    pub async fn recuse(
        &self,
        id: i64,
        expert_id: i64,
        reason: Option<&str>,
        now_ms: i64,
    ) -> Result<AssignmentRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.recuse(id, expert_id, reason, now_ms).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The submitted score sheets of a call's direction, for aggregation, by application then
    /// expert id.
    pub async fn submitted_sheets(
        &self,
        call_id: &str,
        direction: &str,
    ) -> Result<Vec<AssignmentRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            assignment_columns!(),
            " FROM assignments WHERE call_id = $1 AND direction = $2 \
               AND submitted_at IS NOT NULL ORDER BY application_id, expert_id"
        ))
        .bind(call_id)
        .bind(direction)
        .fetch_all(&self.pool)
        .await?)
    }
}

mod write;
