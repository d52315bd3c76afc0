//! Applications: drafts saved under optimistic concurrency, submission with its snapshot,
//! withdrawal, and each application's event history.
//!
//! Every status change writes the application row, its event (and on submission its snapshot,
//! and on the applicant's submission the justification and the audit entry) in one
//! transaction around a guarded `UPDATE`: on SQLite the transaction holds the write lock from
//! its `BEGIN IMMEDIATE`, and on PostgreSQL a concurrent writer of the same row waits, then
//! re-checks the guard and finds the version moved. A refused change writes nothing at all.
//! A submission also takes the shared lock of the receiving unit's list of the direction, so
//! that it cannot land at a unit whose forwarding of that list is committing (see
//! `Store::lock_key`).
//!
//! Must not: look inside the answers, decide who may change an application, or read the clock.

use std::ops::DerefMut;

use sqlx::AnyConnection;

use crate::chain::{self, Chain};
use crate::model::EventRecord;
use crate::sql::unit_list_key;
use crate::{
    ApplicantSubmission, ApplicationEvent, ApplicationRow, ApplicationStatus, EventRow, FORWARDED,
    LockClass, NewApplication, NewSnapshot, SnapshotRow, Store, StoreError, Submission, Tx,
};

/// The conflict reported when a guarded write finds another version or status than expected.
pub(crate) const VERSION_CONFLICT: &str = "applications.version";

/// The columns of [`ApplicationRow`], as a literal for `concat!` (sqlx only takes `'static` SQL).
macro_rules! application_columns {
    () => {
        "id, call_id, direction, subdirection, organisation_id, created_by, status, answers, \
         justification, version, created_at, updated_at, submitted_at, level, unit, sector, title, \
         call_version"
    };
}
pub(crate) use application_columns;

/// The guard "the receiving unit (`$4` level, `$5` unit) has not forwarded the application's
/// direction", as a literal for `concat!`.
macro_rules! not_forwarded_to {
    () => {
        "NOT EXISTS (SELECT 1 FROM forwards f WHERE f.call_id = applications.call_id \
             AND f.level = $4 AND f.unit = $5 AND f.direction = applications.direction)"
    };
}

macro_rules! event_columns {
    () => {
        "id, application_id, at, actor_user_id, actor_ip, from_status, to_status, note"
    };
}

macro_rules! snapshot_columns {
    () => {
        "id, application_id, version, answers, files, content_hash, created_at, \
         acceptance_region, acceptance_seq"
    };
}

/// Appends one event to the events' hash chain, inside the caller's write transaction.
///
/// It locks the chain's head until the transaction ends (see `chain.rs`), so it must be the
/// transaction's last kind of write: write the application rows first, then the events.
pub(crate) async fn insert_event(
    mut conn: impl DerefMut<Target = AnyConnection>,
    application_id: i64,
    event: &ApplicationEvent,
    from_status: Option<ApplicationStatus>,
    to_status: ApplicationStatus,
) -> Result<(), StoreError> {
    let conn = &mut *conn;
    let prev_hash = chain::lock_head(conn, Chain::ApplicationEvents).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO application_events \
             (application_id, at, actor_user_id, actor_ip, from_status, to_status, note, \
              prev_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(application_id)
    .bind(event.at)
    .bind(event.actor_user_id)
    .bind(&event.actor_ip)
    .bind(from_status.map(ApplicationStatus::as_str))
    .bind(to_status.as_str())
    .bind(&event.note)
    .bind(&prev_hash)
    .fetch_one(&mut *conn)
    .await?;
    let row = EventRow {
        id,
        application_id,
        at: event.at,
        actor_user_id: event.actor_user_id,
        actor_ip: event.actor_ip.clone(),
        from_status,
        to_status,
        note: event.note.clone(),
    };
    let hash = chain::event_hash(&row, &prev_hash);
    chain::seal(conn, Chain::ApplicationEvents, id, &hash).await
}

/// Why a guarded write of application `id` matched no row: `NotFound` when there is no such
/// application, otherwise `Conflict { constraint: "applications.version" }` (another version or
/// status than the caller expected). Applications are never deleted, so the answer cannot go
/// stale between the write and this look-up. Read inside the refused transaction, on its own
/// connection (from the pool, a pool of one would wait for itself, and a busy pool could
/// run out while every connection waits for a second).
pub(crate) async fn refusal_on(conn: &mut AnyConnection, id: i64) -> StoreError {
    let exists = sqlx::query("SELECT 1 FROM applications WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await;
    match exists {
        Ok(Some(_)) => StoreError::Conflict {
            constraint: VERSION_CONFLICT.to_owned(),
        },
        Ok(None) => StoreError::NotFound,
        Err(error) => error.into(),
    }
}

impl Store {
    /// As [`Tx::create_application`], in a transaction of its own.
    pub async fn create_application(
        &self,
        new: &NewApplication,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.create_application(new, event).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The application with this id, if any.
    pub async fn application(&self, id: i64) -> Result<Option<ApplicationRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            application_columns!(),
            " FROM applications WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Up to `limit` applications of call `call_id` in status `status` with an id above
    /// `after`, by id (keyset pages over the `(call_id, status, id)` index).
    pub async fn applications_of_call(
        &self,
        call_id: &str,
        status: ApplicationStatus,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            application_columns!(),
            " FROM applications WHERE call_id = $1 AND status = $2 AND id > $3 \
             ORDER BY id LIMIT $4"
        ))
        .bind(call_id)
        .bind(status.as_str())
        .bind(after)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?)
    }

    /// An organisation's applications (to every call when `call_id` is `None`), newest (highest
    /// id) first.
    pub async fn applications_of_organisation(
        &self,
        organisation_id: i64,
        call_id: Option<&str>,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        of_organisation(&self.pool, organisation_id, call_id).await
    }

    /// Saves the answers and justification of a draft in a transaction of its own: see
    /// [`Tx::save_draft`].
    pub async fn save_draft(
        &self,
        id: i64,
        expected_version: i64,
        answers: &str,
        justification: Option<&str>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let version = tx
            .save_draft(id, expected_version, answers, justification, now_ms)
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Submits application `id` in a transaction of its own, leaving its justification as
    /// saved: see [`Tx::submit`]. For set-up and tests; the applicant's submission is a use
    /// case (`shenbao_app::actions::submit`).
    pub async fn submit_application(
        &self,
        id: i64,
        expected_version: i64,
        submission: &Submission,
        snapshot: &NewSnapshot,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let row = tx
            .submit(id, expected_version, submission, snapshot, event, None)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The applicant's submission: as [`Store::submit_application`], and in the same
    /// transaction the application's justification is set to `applicant.justification` and
    /// `applicant.audit` is appended to the audit log. Either everything is written or, when
    /// refused, nothing: not the justification, not the version, no event, no audit entry.
    pub async fn submit_application_as_applicant(
        &self,
        id: i64,
        expected_version: i64,
        submission: &Submission,
        snapshot: &NewSnapshot,
        event: &ApplicationEvent,
        applicant: &ApplicantSubmission,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let row = tx
            .submit(
                id,
                expected_version,
                submission,
                snapshot,
                event,
                Some(applicant.justification.as_deref()),
            )
            .await?;
        tx.audit(&applicant.audit).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Withdraws application `id` in a transaction of its own: see [`Tx::withdraw`].
    pub async fn withdraw_application(
        &self,
        id: i64,
        level: &str,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let row = tx.withdraw(id, level, event).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// An application's events, oldest first.
    pub async fn application_events(
        &self,
        application_id: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows = sqlx::query_as::<_, EventRecord>(concat!(
            "SELECT ",
            event_columns!(),
            " FROM application_events WHERE application_id = $1 ORDER BY id"
        ))
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(EventRow::from).collect())
    }

    /// The snapshot of an application's latest submission, if it was ever submitted.
    pub async fn latest_snapshot(
        &self,
        application_id: i64,
    ) -> Result<Option<SnapshotRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            snapshot_columns!(),
            " FROM application_snapshots WHERE application_id = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(application_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The snapshot with this id (a submitted version), if any.
    pub async fn snapshot(&self, id: i64) -> Result<Option<SnapshotRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            snapshot_columns!(),
            " FROM application_snapshots WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// How many times application `application_id` was submitted up to and including
    /// snapshot `id` (the version's ordinal: 第N次提交).
    pub async fn submission_ordinal(
        &self,
        application_id: i64,
        id: i64,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM application_snapshots WHERE application_id = $1 AND id <= $2",
        )
        .bind(application_id)
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// How many applications the database holds (benchmarks, admin statistics).
    pub async fn count_applications(&self) -> Result<i64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications")
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }
}

impl Tx {
    /// Saves the answers and justification of a draft if its version is still
    /// `expected_version`, and returns the new version (`expected_version + 1`).
    ///
    /// Errors: `Conflict { constraint: "applications.version" }` when the version moved on
    /// (another tab or process saved first) or the application is not a draft; `NotFound` when
    /// there is no such application.
    pub async fn save_draft(
        &mut self,
        id: i64,
        expected_version: i64,
        answers: &str,
        justification: Option<&str>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let version: Option<i64> = sqlx::query_scalar(
            "UPDATE applications \
             SET answers = $1, justification = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND version = $5 AND status IN ($6, $7) \
             RETURNING version",
        )
        .bind(answers)
        .bind(justification)
        .bind(now_ms)
        .bind(id)
        .bind(expected_version)
        .bind(ApplicationStatus::EDITABLE[0].as_str())
        .bind(ApplicationStatus::EDITABLE[1].as_str())
        .fetch_optional(&mut **self)
        .await?;
        match version {
            Some(version) => Ok(version),
            None => Err(refusal_on(self, id).await),
        }
    }

    /// Submits a draft (or an application returned for revision) still at `expected_version`
    /// and in status `submission.from_status`: status `submitted` at `submission.level` /
    /// `submission.unit`, version incremented, `submitted_at` and `updated_at` set to
    /// `event.at`, `sector` and `title` stored, the justification set to `justification` when
    /// that is `Some` (left as saved when `None`); stores `snapshot` (created at `event.at`)
    /// and the event `from_status → submitted`. Returns the updated row.
    ///
    /// The answers are left as saved: build the snapshot from the row at `expected_version`.
    ///
    /// Errors: `Conflict { constraint: "forwards.pkey" }` ([`crate::FORWARDED`]) when that unit
    /// has already forwarded the application's direction (nothing sent there afterwards would
    /// ever be reviewed); otherwise as for [`Tx::save_draft`].
    pub async fn submit(
        &mut self,
        id: i64,
        expected_version: i64,
        submission: &Submission,
        snapshot: &NewSnapshot,
        event: &ApplicationEvent,
        justification: Option<Option<&str>>,
    ) -> Result<ApplicationRow, StoreError> {
        // The unit's list of the direction must not be forwarded while this submission is
        // on its way there (see `Tx::forward`, which takes this lock exclusively).
        let target: Option<(String, String)> =
            sqlx::query_as("SELECT call_id, direction FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **self)
                .await?;
        let Some((call_id, direction)) = target else {
            return Err(StoreError::NotFound);
        };
        let key = unit_list_key(&call_id, &submission.level, &submission.unit, &direction);
        self.lock(LockClass::UnitList, &key, false).await?;
        // The applicant's own submission also stores the justification it was made with
        // ($10); a submission made for the tests' set-up leaves it as it is.
        let application = sqlx::query_as::<_, ApplicationRow>(concat!(
            "UPDATE applications \
             SET status = $11, version = version + 1, updated_at = $1, \
                 submitted_at = $1, level = $4, unit = $5, sector = $6, title = $7, \
                 justification = CASE WHEN $10 THEN $9 ELSE justification END \
             WHERE id = $2 AND version = $3 AND status = $8 AND ",
            not_forwarded_to!(),
            " RETURNING ",
            application_columns!()
        ))
        .bind(event.at)
        .bind(id)
        .bind(expected_version)
        .bind(&submission.level)
        .bind(&submission.unit)
        .bind(&submission.sector)
        .bind(&submission.title)
        .bind(submission.from_status.as_str())
        .bind(justification.flatten())
        .bind(justification.is_some())
        .bind(ApplicationStatus::Submitted.as_str())
        .fetch_optional(&mut **self)
        .await?;
        let Some(application) = application else {
            // Why, read under the same lock: the forwarded list is the refusal nothing on the
            // applicant's side can put right, so it is named first.
            let forwarded = sqlx::query(
                "SELECT 1 FROM forwards \
                 WHERE call_id = $1 AND level = $2 AND unit = $3 AND direction = $4",
            )
            .bind(&call_id)
            .bind(&submission.level)
            .bind(&submission.unit)
            .bind(&direction)
            .fetch_optional(&mut **self)
            .await?
            .is_some();
            if forwarded {
                return Err(StoreError::Conflict {
                    constraint: FORWARDED.to_owned(),
                });
            }
            return Err(refusal_on(self, id).await);
        };
        // The 受理编号's sequence: the next of the call and the applicant's division, taken in
        // this transaction (the counter's row is locked until it commits, so no two versions
        // share a number).
        let region: String = sqlx::query_scalar(
            "SELECT o.region FROM organisations o \
             JOIN applications a ON a.organisation_id = o.id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_one(&mut **self)
        .await?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO acceptance_counters (call_id, region, last) VALUES ($1, $2, 1) \
             ON CONFLICT (call_id, region) DO UPDATE SET last = acceptance_counters.last + 1 \
             RETURNING last",
        )
        .bind(&call_id)
        .bind(&region)
        .fetch_one(&mut **self)
        .await?;
        sqlx::query(
            "INSERT INTO application_snapshots \
                 (application_id, version, answers, files, content_hash, created_at, \
                  acceptance_region, acceptance_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(snapshot.version)
        .bind(&snapshot.answers)
        .bind(&snapshot.files)
        .bind(&snapshot.content_hash)
        .bind(event.at)
        .bind(&region)
        .bind(seq)
        .execute(&mut **self)
        .await?;
        insert_event(
            &mut **self,
            id,
            event,
            Some(submission.from_status),
            ApplicationStatus::Submitted,
        )
        .await?;
        Ok(application)
    }

    /// Withdraws a submitted application back to `draft` while it waits, undecided, at
    /// `level` (the first review level: the caller decides that): version incremented,
    /// `submitted_at`, `level` and `unit` cleared, `updated_at` set to `event.at`, with the
    /// event `submitted → draft`. Returns the updated row. Snapshots are kept.
    ///
    /// Errors: `Conflict { constraint: "applications.version" }` when it is not submitted or not
    /// at that level; `NotFound` when there is no such application.
    pub async fn withdraw(
        &mut self,
        id: i64,
        level: &str,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let application = sqlx::query_as::<_, ApplicationRow>(concat!(
            "UPDATE applications \
             SET status = $4, version = version + 1, updated_at = $1, submitted_at = NULL, \
                 level = NULL, unit = NULL \
             WHERE id = $2 AND status = $5 AND level = $3 \
             RETURNING ",
            application_columns!()
        ))
        .bind(event.at)
        .bind(id)
        .bind(level)
        .bind(ApplicationStatus::Draft.as_str())
        .bind(ApplicationStatus::Submitted.as_str())
        .fetch_optional(&mut **self)
        .await?;
        let Some(application) = application else {
            return Err(refusal_on(self, id).await);
        };
        insert_event(
            &mut **self,
            id,
            event,
            Some(ApplicationStatus::Submitted),
            ApplicationStatus::Draft,
        )
        .await?;
        Ok(application)
    }
}

impl Tx {
    /// Creates a draft (status `draft`, version 1, `updated_at = created_at`) and its first
    /// event (`None → draft`) in one transaction.
    ///
    /// An unknown organisation or user is `Other` (a foreign-key violation).
    pub async fn create_application(
        &mut self,
        new: &NewApplication,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let application = sqlx::query_as::<_, ApplicationRow>(concat!(
            "INSERT INTO applications (call_id, direction, subdirection, organisation_id, \
                 created_by, status, answers, justification, version, created_at, updated_at, \
                 submitted_at, call_version) \
             VALUES ($1, $2, $3, $4, $5, $8, $6, NULL, 1, $7, $7, NULL, $9) \
             RETURNING ",
            application_columns!()
        ))
        .bind(&new.call_id)
        .bind(&new.direction)
        .bind(&new.subdirection)
        .bind(new.organisation_id)
        .bind(new.created_by)
        .bind(&new.answers)
        .bind(new.created_at)
        .bind(ApplicationStatus::Draft.as_str())
        .bind(new.call_version)
        .fetch_one(&mut *self.inner)
        .await?;
        insert_event(
            &mut *self.inner,
            application.id,
            event,
            None,
            ApplicationStatus::Draft,
        )
        .await?;
        Ok(application)
    }
}

/// An organisation's applications (to every call when `call_id` is `None`), newest first.
async fn of_organisation<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    organisation_id: i64,
    call_id: Option<&str>,
) -> Result<Vec<ApplicationRow>, StoreError> {
    // Two statements rather than `($2 IS NULL OR call_id = $2)`: PostgreSQL cannot always
    // type a parameter that is only compared with NULL, and the plain form uses the index.
    let rows = match call_id {
        Some(call_id) => {
            sqlx::query_as(concat!(
                "SELECT ",
                application_columns!(),
                " FROM applications WHERE organisation_id = $1 AND call_id = $2 \
                 ORDER BY id DESC"
            ))
            .bind(organisation_id)
            .bind(call_id)
            .fetch_all(executor)
            .await?
        }
        None => {
            sqlx::query_as(concat!(
                "SELECT ",
                application_columns!(),
                " FROM applications WHERE organisation_id = $1 ORDER BY id DESC"
            ))
            .bind(organisation_id)
            .fetch_all(executor)
            .await?
        }
    };
    Ok(rows)
}

impl Tx {
    /// The organisation's applications to `call_id`, read after taking the organisation's lock
    /// for that call (exclusive, to the commit): a use case that checks the call's limits on
    /// them and then creates an application counts after any other doing the same has
    /// committed, so two starts at once cannot both take the last place.
    pub async fn applications_of_organisation_locked(
        &mut self,
        organisation_id: i64,
        call_id: &str,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        self.lock(
            LockClass::Applicant,
            &format!("{organisation_id}\u{1f}{call_id}"),
            true,
        )
        .await?;
        of_organisation(&mut **self, organisation_id, Some(call_id)).await
    }
}
