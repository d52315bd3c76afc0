//! The expert side's writes, as methods of a transaction ([`Tx`]): the pool, conflicts,
//! assignments (by hand and automatic), score sheets and recusal. Each checks the call's
//! publication inside the transaction first (`Store::refuse_if_published`).

use super::*;

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
        let row = sqlx::query_as::<_, AssignmentRow>(concat!(
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
            Some(assignment) => Ok(assignment),
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
        let removed = sqlx::query_as::<_, AssignmentRow>(concat!(
            "DELETE FROM assignments WHERE id = $1 AND submitted_at IS NULL RETURNING ",
            assignment_columns!()
        ))
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(removed) = removed else {
            let still_there = assignment_owner(&mut self.inner, id).await?.is_some();
            return if still_there {
                Err(conflict(ASSIGNMENT_SUBMITTED))
            } else {
                Ok(None)
            };
        };
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
        let experts: Vec<(i64, Option<String>)> = sqlx::query_as(pool_sql)
            .bind(&job.call_id)
            .fetch_all(&mut *self.inner)
            .await?;

        // Organisations are compared by USCC: several accounts may share one code.
        let apps: Vec<(i64, String)> = match &job.direction {
            Some(direction) => {
                sqlx::query_as(
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
                sqlx::query_as(
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
        };

        let conflicts: HashSet<(i64, String)> = sqlx::query_as::<_, (i64, String)>(
            "SELECT c.user_id, o.uscc FROM expert_conflicts c \
             JOIN organisations o ON o.id = c.organisation_id WHERE c.call_id = $1",
        )
        .bind(&job.call_id)
        .fetch_all(&mut *self.inner)
        .await?
        .into_iter()
        .collect();

        let mut load: BTreeMap<i64, i64> = experts.iter().map(|(id, _)| (*id, 0)).collect();
        let mut on_app: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        let assigned: Vec<(i64, i64)> =
            sqlx::query_as("SELECT application_id, expert_id FROM assignments WHERE call_id = $1")
                .bind(&job.call_id)
                .fetch_all(&mut *self.inner)
                .await?;
        for (app, expert) in assigned {
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
        let saved = sqlx::query_as::<_, AssignmentRow>(sql)
            .bind(scores)
            .bind(comments)
            .bind(now_ms)
            .bind(id)
            .bind(expert_id)
            .fetch_optional(&mut *self.inner)
            .await?;
        let Some(saved) = saved else {
            // Submitted, or removed meanwhile (PostgreSQL: by a writer that committed after
            // the look-up above).
            return Err(unchanged_assignment(&mut self.inner, id).await?);
        };
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
        let removed = sqlx::query_as::<_, AssignmentRow>(concat!(
            "DELETE FROM assignments WHERE id = $1 AND expert_id = $2 AND submitted_at IS NULL \
             RETURNING ",
            assignment_columns!()
        ))
        .bind(id)
        .bind(expert_id)
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(removed) = removed else {
            return Err(unchanged_assignment(&mut self.inner, id).await?);
        };
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
