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

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{ApplicationStatus, Backend, Store, StoreError, Tx};

/// An expert assigned where they declared a conflict or where they work.
pub const ASSIGNMENT_CONFLICT: &str = "assignments.conflict";
/// The expert is already assigned to that application.
pub const ASSIGNMENT_TAKEN: &str = "assignments.application_expert_key";
/// Submitted scores are frozen: no save, submit or unassignment.
pub const ASSIGNMENT_SUBMITTED: &str = "assignments.submitted";

/// An expert of a call's pool, with their account and load in the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolExpertRow {
    /// The expert's user id.
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

fn assignment_from_row(row: &AnyRow) -> Result<AssignmentRow, sqlx::Error> {
    Ok(AssignmentRow {
        id: row.try_get("id")?,
        application_id: row.try_get("application_id")?,
        expert_id: row.try_get("expert_id")?,
        call_id: row.try_get("call_id")?,
        direction: row.try_get("direction")?,
        assigned_at: row.try_get("assigned_at")?,
        assigned_by: row.try_get("assigned_by")?,
        scores: row.try_get("scores")?,
        comments: row.try_get("comments")?,
        saved_at: row.try_get("saved_at")?,
        submitted_at: row.try_get("submitted_at")?,
    })
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
    let row = sqlx::query("SELECT call_id, expert_id FROM assignments WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?)
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

/// `$first, $first+1, …` for `n` values, for an `IN (…)` list of bound ids.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
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
        let rows = sqlx::query(
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
        rows.iter()
            .map(|row| {
                Ok(PoolExpertRow {
                    user_id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    organisation_id: row.try_get("organisation_id")?,
                    organisation_name: row.try_get("organisation_name")?,
                    added_at: row.try_get("added_at")?,
                    assigned: row.try_get("assigned")?,
                    submitted: row.try_get("submitted")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
        let rows = sqlx::query(
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
        rows.iter()
            .map(|row| {
                Ok(ConflictRow {
                    call_id: row.try_get("call_id")?,
                    user_id: row.try_get("user_id")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    organisation_id: row.try_get("organisation_id")?,
                    organisation_name: row.try_get("organisation_name")?,
                    uscc: row.try_get("uscc")?,
                    reason: row.try_get("reason")?,
                    declared_at: row.try_get("declared_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
        let row = sqlx::query(concat!(
            "SELECT ",
            assignment_columns!(),
            " FROM assignments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(assignment_from_row).transpose()?)
    }

    /// The assignment of `expert_id` to `application_id`, if the expert is assigned to it.
    pub async fn assignment_of(
        &self,
        application_id: i64,
        expert_id: i64,
    ) -> Result<Option<AssignmentRow>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            assignment_columns!(),
            " FROM assignments WHERE application_id = $1 AND expert_id = $2"
        ))
        .bind(application_id)
        .bind(expert_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(assignment_from_row).transpose()?)
    }

    /// Up to `limit` assignments of an expert across calls, oldest (lowest id) first, with
    /// ids above `after_id` when given (keyset pagination), with each application's title.
    pub async fn expert_queue(
        &self,
        expert_id: i64,
        after_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ExpertQueueRow>, StoreError> {
        let rows = sqlx::query(
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
        rows.iter()
            .map(|row| {
                Ok(ExpertQueueRow {
                    id: row.try_get("id")?,
                    application_id: row.try_get("application_id")?,
                    call_id: row.try_get("call_id")?,
                    direction: row.try_get("direction")?,
                    title: row.try_get("title")?,
                    assigned_at: row.try_get("assigned_at")?,
                    saved_at: row.try_get("saved_at")?,
                    submitted_at: row.try_get("submitted_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
        // Only `$n` placeholders are formatted in; the ids are bound.
        let sql = format!(
            "SELECT s.id, s.application_id, s.expert_id, u.username, u.display_name, \
                 s.submitted_at \
             FROM assignments s JOIN users u ON u.id = s.expert_id \
             WHERE s.application_id IN ({}) ORDER BY s.application_id, s.expert_id",
            placeholders(1, application_ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in application_ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(ApplicationExpertRow {
                    id: row.try_get("id")?,
                    application_id: row.try_get("application_id")?,
                    expert_id: row.try_get("expert_id")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    submitted_at: row.try_get("submitted_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
        let rows = sqlx::query(concat!(
            "SELECT ",
            assignment_columns!(),
            " FROM assignments WHERE call_id = $1 AND direction = $2 \
               AND submitted_at IS NOT NULL ORDER BY application_id, expert_id"
        ))
        .bind(call_id)
        .bind(direction)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(assignment_from_row)
            .collect::<Result<_, _>>()?)
    }
}

impl Tx {
    /// Assigns one expert to one application, copying its call and direction.
    ///
    /// Errors: `Conflict { constraint: "assignments.conflict" }` when the expert declared a
    /// conflict with the applicant organisation in that call or belongs to it;
    /// `Conflict { constraint: "assignments.application_expert_key" }` when already assigned;
    /// `Conflict { constraint: "publications.call_id" }` once the call's results are
    /// published; `NotFound` when there is no such application. The caller checks the level
    /// and the pool.
    pub async fn assign_expert(&mut self, a: &NewAssignment) -> Result<AssignmentRow, StoreError> {
        let call_id: Option<String> =
            sqlx::query_scalar("SELECT call_id FROM applications WHERE id = $1")
                .bind(a.application_id)
                .fetch_optional(&mut *self.inner)
                .await?;
        let Some(call_id) = call_id else {
            return Err(StoreError::NotFound);
        };
        self.store
            .refuse_if_published(&mut self.inner, &call_id)
            .await?;
        let row = sqlx::query(concat!(
            "INSERT INTO assignments (application_id, expert_id, call_id, direction, \
                 assigned_at, assigned_by) \
             SELECT a.id, $2, a.call_id, a.direction, $3, $4 FROM applications a \
             WHERE a.id = $1 \
               AND NOT EXISTS (SELECT 1 FROM expert_conflicts c \
                   JOIN organisations co ON co.id = c.organisation_id \
                   JOIN organisations ao ON ao.id = a.organisation_id \
                   WHERE c.call_id = a.call_id AND c.user_id = $2 AND co.uscc = ao.uscc) \
               AND NOT EXISTS (SELECT 1 FROM users u \
                   JOIN organisations uo ON uo.id = u.organisation_id \
                   JOIN organisations ao ON ao.id = a.organisation_id \
                   WHERE u.id = $2 AND uo.uscc = ao.uscc) \
             RETURNING ",
            assignment_columns!()
        ))
        .bind(a.application_id)
        .bind(a.expert_id)
        .bind(a.assigned_at)
        .bind(a.assigned_by)
        .fetch_optional(&mut *self.inner)
        .await?;
        match row {
            Some(row) => {
                let assignment = assignment_from_row(&row)?;
                Ok(assignment)
            }
            // Applications are never deleted: it exists, so the guard found a conflict.
            None => Err(conflict(ASSIGNMENT_CONFLICT)),
        }
    }

    /// Removes an assignment whose scores are not submitted and returns it; `None` when there
    /// is no such assignment.
    ///
    /// Errors: `Conflict { constraint: "assignments.submitted" }` when submitted (kept);
    /// `Conflict { constraint: "publications.call_id" }` once the call's results are
    /// published (kept).
    pub async fn unassign(&mut self, id: i64) -> Result<Option<AssignmentRow>, StoreError> {
        let Some((call_id, _)) = assignment_owner(&mut self.inner, id).await? else {
            return Ok(None);
        };
        self.store
            .refuse_if_published(&mut self.inner, &call_id)
            .await?;
        let row = sqlx::query(concat!(
            "DELETE FROM assignments WHERE id = $1 AND submitted_at IS NULL RETURNING ",
            assignment_columns!()
        ))
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(row) = row else {
            let still_there = assignment_owner(&mut self.inner, id).await?.is_some();
            return if still_there {
                Err(conflict(ASSIGNMENT_SUBMITTED))
            } else {
                Ok(None)
            };
        };
        let removed = assignment_from_row(&row)?;
        Ok(Some(removed))
    }

    /// Gives every application of the call at the owner level (`level`, unit `*`, status
    /// `submitted`; of one direction when given) `per_application` experts in total from the
    /// pool, in one transaction.
    ///
    /// Applications are filled in id order; for each, the eligible experts are those of the
    /// pool not yet on it, without a declared conflict with its organisation and not working
    /// there, and the one with the fewest assignments in the call (ties: lowest id) is picked
    /// each time, so loads stay within one of each other where conflicts allow.
    ///
    /// Errors: `Conflict { constraint: "publications.call_id" }` once the call's results are
    /// published (nothing assigned).
    pub async fn auto_assign(&mut self, job: &AutoAssign) -> Result<AutoAssignOutcome, StoreError> {
        self.store
            .refuse_if_published(&mut self.inner, &job.call_id)
            .await?;
        // On PostgreSQL, lock the pool rows of the call: two automatic assignments of one
        // call run one after the other and see each other's loads. (SQLite's BEGIN
        // IMMEDIATE already serialises writers.)
        let pool_sql = match self.store.backend {
            Backend::Postgres => {
                "SELECT ce.user_id, o.uscc FROM call_experts ce \
                 JOIN users u ON u.id = ce.user_id \
                 LEFT JOIN organisations o ON o.id = u.organisation_id WHERE ce.call_id = $1 \
                 ORDER BY ce.user_id FOR UPDATE OF ce"
            }
            Backend::Sqlite => {
                "SELECT ce.user_id, o.uscc FROM call_experts ce \
                 JOIN users u ON u.id = ce.user_id \
                 LEFT JOIN organisations o ON o.id = u.organisation_id \
                 WHERE ce.call_id = $1 ORDER BY ce.user_id"
            }
        };
        let experts: Vec<(i64, Option<String>)> = sqlx::query(pool_sql)
            .bind(&job.call_id)
            .fetch_all(&mut *self.inner)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;

        // Organisations are compared by USCC: several accounts may share one code.
        let apps: Vec<(i64, String)> = match &job.direction {
            Some(direction) => {
                sqlx::query(
                    "SELECT a.id, o.uscc FROM applications a \
                     JOIN organisations o ON o.id = a.organisation_id \
                     WHERE a.call_id = $1 AND a.level = $2 AND a.unit = '*' \
                         AND a.status = $4 AND a.direction = $3 ORDER BY a.id",
                )
                .bind(&job.call_id)
                .bind(&job.level)
                .bind(direction)
                .bind(ApplicationStatus::Submitted.as_str())
                .fetch_all(&mut *self.inner)
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT a.id, o.uscc FROM applications a \
                     JOIN organisations o ON o.id = a.organisation_id \
                     WHERE a.call_id = $1 AND a.level = $2 AND a.unit = '*' \
                         AND a.status = $3 ORDER BY a.id",
                )
                .bind(&job.call_id)
                .bind(&job.level)
                .bind(ApplicationStatus::Submitted.as_str())
                .fetch_all(&mut *self.inner)
                .await?
            }
        }
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;

        let conflicts: HashSet<(i64, String)> = sqlx::query(
            "SELECT c.user_id, o.uscc FROM expert_conflicts c \
             JOIN organisations o ON o.id = c.organisation_id WHERE c.call_id = $1",
        )
        .bind(&job.call_id)
        .fetch_all(&mut *self.inner)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;

        let mut load: BTreeMap<i64, i64> = experts.iter().map(|(id, _)| (*id, 0)).collect();
        let mut on_app: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for r in sqlx::query("SELECT application_id, expert_id FROM assignments WHERE call_id = $1")
            .bind(&job.call_id)
            .fetch_all(&mut *self.inner)
            .await?
        {
            let (app, expert): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            *load.entry(expert).or_insert(0) += 1;
            on_app.entry(app).or_default().insert(expert);
        }

        let mut outcome = AutoAssignOutcome::default();
        for (app_id, uscc) in apps {
            let have = on_app.entry(app_id).or_default();
            while have.len() < job.per_application {
                let pick = experts
                    .iter()
                    .filter(|(e, e_org)| {
                        !have.contains(e)
                            && e_org.as_deref() != Some(uscc.as_str())
                            && !conflicts.contains(&(*e, uscc.clone()))
                    })
                    .min_by_key(|(e, _)| (load.get(e).copied().unwrap_or(0), *e))
                    .map(|(e, _)| *e);
                let Some(expert) = pick else { break };
                let inserted = sqlx::query(
                    "INSERT INTO assignments (application_id, expert_id, call_id, direction, \
                         assigned_at, assigned_by) \
                     SELECT id, $2, call_id, direction, $3, $4 FROM applications WHERE id = $1 \
                     ON CONFLICT (application_id, expert_id) DO NOTHING",
                )
                .bind(app_id)
                .bind(expert)
                .bind(job.assigned_at)
                .bind(job.assigned_by)
                .execute(&mut *self.inner)
                .await?;
                if inserted.rows_affected() > 0 {
                    outcome.assigned += inserted.rows_affected();
                    outcome.experts.insert(expert);
                }
                have.insert(expert);
                *load.entry(expert).or_insert(0) += 1;
            }
            if have.len() < job.per_application {
                outcome.unfilled.push((app_id, have.len()));
            }
        }
        Ok(outcome)
    }

    /// Saves an expert's draft scores and comments (JSON text) on their own assignment.
    ///
    /// Errors: `Conflict { constraint: "assignments.submitted" }` once submitted, and
    /// `Conflict { constraint: "publications.call_id" }` once the call's results are published
    /// (nothing changes); `NotFound` when there is no such assignment of that expert.
    pub async fn save_scores(
        &mut self,
        id: i64,
        expert_id: i64,
        scores: &str,
        comments: &str,
        now_ms: i64,
    ) -> Result<AssignmentRow, StoreError> {
        self.write_scores(id, expert_id, scores, comments, now_ms, false)
            .await
    }

    /// Saves and submits an expert's scores: `submitted_at` is set and the scores are frozen.
    /// Errors as for [`Store::save_scores`].
    pub async fn submit_scores(
        &mut self,
        id: i64,
        expert_id: i64,
        scores: &str,
        comments: &str,
        now_ms: i64,
    ) -> Result<AssignmentRow, StoreError> {
        self.write_scores(id, expert_id, scores, comments, now_ms, true)
            .await
    }

    async fn write_scores(
        &mut self,
        id: i64,
        expert_id: i64,
        scores: &str,
        comments: &str,
        now_ms: i64,
        submit: bool,
    ) -> Result<AssignmentRow, StoreError> {
        let sql = if submit {
            concat!(
                "UPDATE assignments SET scores = $1, comments = $2, saved_at = $3, \
                     submitted_at = $3 \
                 WHERE id = $4 AND expert_id = $5 AND submitted_at IS NULL RETURNING ",
                assignment_columns!()
            )
        } else {
            concat!(
                "UPDATE assignments SET scores = $1, comments = $2, saved_at = $3 \
                 WHERE id = $4 AND expert_id = $5 AND submitted_at IS NULL RETURNING ",
                assignment_columns!()
            )
        };
        let call_id = match assignment_owner(&mut self.inner, id).await? {
            Some((call_id, owner)) if owner == expert_id => call_id,
            _ => {
                return Err(StoreError::NotFound);
            }
        };
        self.store
            .refuse_if_published(&mut self.inner, &call_id)
            .await?;
        let row = sqlx::query(sql)
            .bind(scores)
            .bind(comments)
            .bind(now_ms)
            .bind(id)
            .bind(expert_id)
            .fetch_optional(&mut *self.inner)
            .await?;
        let Some(row) = row else {
            // Submitted, or removed meanwhile (PostgreSQL: by a writer that committed after
            // the look-up above).
            return Err(unchanged_assignment(&mut self.inner, id).await?);
        };
        let saved = assignment_from_row(&row)?;
        Ok(saved)
    }

    /// An expert withdraws from their own assignment for a conflict of interest (回避): the
    /// conflict with the applicant organisation is declared for the call and the assignment
    /// removed, in one transaction. Returns the removed assignment.
    ///
    /// Errors: `Conflict { constraint: "assignments.submitted" }` when the scores are already
    /// submitted, and `Conflict { constraint: "publications.call_id" }` once the call's
    /// results are published (nothing changes); `NotFound` when there is no such assignment of
    /// that expert.
    pub async fn recuse(
        &mut self,
        id: i64,
        expert_id: i64,
        reason: Option<&str>,
        now_ms: i64,
    ) -> Result<AssignmentRow, StoreError> {
        let call_id = match assignment_owner(&mut self.inner, id).await? {
            Some((call_id, owner)) if owner == expert_id => call_id,
            _ => {
                return Err(StoreError::NotFound);
            }
        };
        self.store
            .refuse_if_published(&mut self.inner, &call_id)
            .await?;
        let row = sqlx::query(concat!(
            "DELETE FROM assignments WHERE id = $1 AND expert_id = $2 AND submitted_at IS NULL \
             RETURNING ",
            assignment_columns!()
        ))
        .bind(id)
        .bind(expert_id)
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(row) = row else {
            return Err(unchanged_assignment(&mut self.inner, id).await?);
        };
        let removed = assignment_from_row(&row)?;
        sqlx::query(
            "INSERT INTO expert_conflicts (call_id, user_id, organisation_id, reason, declared_at) \
             SELECT call_id, $2, organisation_id, $3, $4 FROM applications WHERE id = $1 \
             ON CONFLICT (call_id, user_id, organisation_id) DO UPDATE \
                 SET reason = excluded.reason, declared_at = excluded.declared_at",
        )
        .bind(removed.application_id)
        .bind(expert_id)
        .bind(reason)
        .bind(now_ms)
        .execute(&mut *self.inner)
        .await?;
        Ok(removed)
    }
}

impl Tx {
    /// Adds a user to a call's expert pool; `false` when already there. The caller checks
    /// that the user is an expert. An unknown user is `Other` (a foreign-key violation).
    pub async fn add_pool_expert(
        &mut self,
        call_id: &str,
        user_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO call_experts (call_id, user_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (call_id, user_id) DO NOTHING",
        )
        .bind(call_id)
        .bind(user_id)
        .bind(now_ms)
        .execute(&mut **self)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes a user from a call's pool; `false` when not there. Their assignments stay.
    pub async fn remove_pool_expert(
        &mut self,
        call_id: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM call_experts WHERE call_id = $1 AND user_id = $2")
            .bind(call_id)
            .bind(user_id)
            .execute(&mut **self)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Declares a conflict, or replaces the reason of one already declared, and removes the
    /// expert's unsubmitted assignments to that organisation's applications in the call, in one
    /// transaction. Returns how many assignments were removed. Submitted score sheets stay:
    /// they are the record of what happened, and the owner decides about them. Once the call's
    /// results are published no assignment is removed (0).
    pub async fn declare_conflict(&mut self, c: &NewConflict) -> Result<u64, StoreError> {
        sqlx::query(
            "INSERT INTO expert_conflicts (call_id, user_id, organisation_id, reason, declared_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (call_id, user_id, organisation_id) DO UPDATE \
                 SET reason = excluded.reason, declared_at = excluded.declared_at",
        )
        .bind(&c.call_id)
        .bind(c.user_id)
        .bind(c.organisation_id)
        .bind(&c.reason)
        .bind(c.declared_at)
        .execute(&mut *self.inner)
        .await?;
        // After publication the assignments are frozen with the results: the conflict is
        // recorded, nothing is removed.
        let removed = match self
            .store
            .refuse_if_published(&mut self.inner, &c.call_id)
            .await
        {
            Err(StoreError::Conflict { .. }) => 0,
            Err(other) => return Err(other),
            Ok(()) => sqlx::query(
                "DELETE FROM assignments \
                 WHERE call_id = $1 AND expert_id = $2 AND submitted_at IS NULL \
                   AND application_id IN \
                       (SELECT id FROM applications WHERE call_id = $1 AND organisation_id = $3)",
            )
            .bind(&c.call_id)
            .bind(c.user_id)
            .bind(c.organisation_id)
            .execute(&mut *self.inner)
            .await?
            .rows_affected(),
        };
        Ok(removed)
    }

    /// Removes a declared conflict; `false` when there was none.
    pub async fn remove_conflict(
        &mut self,
        call_id: &str,
        user_id: i64,
        organisation_id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM expert_conflicts \
             WHERE call_id = $1 AND user_id = $2 AND organisation_id = $3",
        )
        .bind(call_id)
        .bind(user_id)
        .bind(organisation_id)
        .execute(&mut **self)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
