//! The calls the platform serves: every version of each call's TOML, the version new
//! applications start under and the demo deadline override; and what
//! each first-level review unit sets for its own applicants (an earlier deadline, a contact).
//!
//! Must not: parse or check the TOML (`shenbao_core` does, before `store_call`), or judge a
//! unit's dates (`shenbao_app` does, before `set_unit_timeline`).

use shenbao_core::call::CallState;

use crate::sql::Text;
use crate::{CallRow, CallVersionRow, LockClass, Store, StoreError, Tx, UnitRef, UnitTimelineRow};

/// The columns of `unit_timelines`, in [`UnitTimelineRow`]'s order (a macro, so that the
/// statements stay literals).
macro_rules! unit_timeline_columns {
    () => {
        "call_id, level, unit, applicant_deadline, contact_name, contact_phone, updated_by, \
         updated_at"
    };
}

impl Store {
    /// Stores `source` as the newest version of call `id` (origin `origin`, by `by`) unless
    /// it is already the newest, and makes that version the one new applications start under,
    /// with the demo deadline and load time; a call stored for the first time starts in
    /// `state`, a known one keeps its state. Returns the version. Two servers storing the same
    /// text at once store it once.
    #[expect(clippy::too_many_arguments, reason = "one row's columns")]
    pub async fn store_call(
        &self,
        id: &str,
        source: &str,
        origin: &str,
        by: Option<i64>,
        demo_deadline: Option<&str>,
        state: CallState,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        tx.lock(LockClass::CallVersions, id, true).await?;
        let newest: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, source FROM call_versions WHERE call_id = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *tx.inner)
        .await?;
        let version = match newest {
            Some((version, text)) if text == source => version,
            newest => {
                let version = newest.map_or(1, |(v, _)| v + 1);
                insert_version(&mut tx, id, version, source, origin, by, now_ms).await?;
                version
            }
        };
        sqlx::query(
            "INSERT INTO calls (id, source, demo_deadline, loaded_at, version, state) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET source = excluded.source, \
                 demo_deadline = excluded.demo_deadline, loaded_at = excluded.loaded_at, \
                 version = excluded.version",
        )
        .bind(id)
        .bind(source)
        .bind(demo_deadline)
        .bind(now_ms)
        .bind(version)
        .bind(state.as_str())
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Every stored call, ordered by id.
    pub async fn calls(&self) -> Result<Vec<CallRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, source, demo_deadline, loaded_at, version, state FROM calls ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The version new applications of each call start under and the call's state:
    /// (call, version, state), by call.
    pub async fn current_call_versions(&self) -> Result<Vec<(String, i64, CallState)>, StoreError> {
        let rows: Vec<(String, i64, Text<CallState>)> =
            sqlx::query_as("SELECT id, version, state FROM calls ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, v, state)| (id, v, state.into()))
            .collect())
    }

    /// Which versions of which calls are stored: (call, version), in that order.
    pub async fn call_version_keys(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT call_id, version FROM call_versions ORDER BY call_id, version")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Version `version` of call `id`, if stored.
    pub async fn call_version(
        &self,
        id: &str,
        version: i64,
    ) -> Result<Option<CallVersionRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT call_id, version, source, origin, created_at, created_by FROM call_versions \
             WHERE call_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// What unit `at` set for its applicants, if it set anything.
    pub async fn unit_timeline(&self, at: &UnitRef) -> Result<Option<UnitTimelineRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            unit_timeline_columns!(),
            " FROM unit_timelines WHERE call_id = $1 AND level = $2 AND unit = $3"
        ))
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// Inserts version `version` of call `id`.
async fn insert_version(
    tx: &mut Tx,
    id: &str,
    version: i64,
    source: &str,
    origin: &str,
    by: Option<i64>,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO call_versions (call_id, version, source, origin, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(source)
    .bind(origin)
    .bind(now_ms)
    .bind(by)
    .execute(&mut *tx.inner)
    .await?;
    Ok(())
}

/// Makes `version` (text `source`) call `id`'s current version.
async fn set_version(
    tx: &mut Tx,
    id: &str,
    version: i64,
    source: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE calls SET version = $1, source = $2, loaded_at = $3 WHERE id = $4")
        .bind(version)
        .bind(source)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx.inner)
        .await?;
    Ok(())
}

impl Tx {
    /// Stores `source` as the next version of call `id` (uploaded by `by`) without making it
    /// current, unless the call is new (it is then stored in state 草稿 with this version) or
    /// still a draft (the version is current at once). Returns the version and whether it
    /// is current.
    pub async fn add_call_version(
        &mut self,
        id: &str,
        source: &str,
        origin: &str,
        by: Option<i64>,
        now_ms: i64,
    ) -> Result<(i64, bool), StoreError> {
        let tx = self;
        tx.lock(LockClass::CallVersions, id, true).await?;
        let newest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM call_versions WHERE call_id = $1")
                .bind(id)
                .fetch_one(&mut *tx.inner)
                .await?;
        let version = newest.map_or(1, |v| v + 1);
        insert_version(tx, id, version, source, origin, by, now_ms).await?;
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM calls WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx.inner)
            .await?;
        let current = match state.as_deref() {
            None => {
                sqlx::query(
                    "INSERT INTO calls (id, source, demo_deadline, loaded_at, version, state) \
                     VALUES ($1, $2, NULL, $3, $4, $5)",
                )
                .bind(id)
                .bind(source)
                .bind(now_ms)
                .bind(version)
                .bind(CallState::Draft.as_str())
                .execute(&mut *tx.inner)
                .await?;
                true
            }
            Some(s) if s == CallState::Draft.as_str() => {
                set_version(tx, id, version, source, now_ms).await?;
                true
            }
            Some(_) => false,
        };
        Ok((version, current))
    }

    /// Makes stored version `version` of call `id` the one new applications start under.
    pub async fn publish_call_version(
        &mut self,
        id: &str,
        version: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let source: Option<String> = sqlx::query_scalar(
            "SELECT source FROM call_versions WHERE call_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *self.inner)
        .await?;
        let source = source.ok_or(StoreError::NotFound)?;
        set_version(self, id, version, &source, now_ms).await
    }

    /// Puts call `id` in state `to`, whatever it was (publishing the results).
    pub async fn set_call_state(&mut self, id: &str, to: CallState) -> Result<(), StoreError> {
        sqlx::query("UPDATE calls SET state = $1 WHERE id = $2")
            .bind(to.as_str())
            .bind(id)
            .execute(&mut *self.inner)
            .await?;
        Ok(())
    }

    /// Moves call `id` from state `from` to `to`; a conflict when it is no longer in `from`
    /// (another owner moved it meanwhile).
    pub async fn move_call(
        &mut self,
        id: &str,
        from: CallState,
        to: CallState,
    ) -> Result<(), StoreError> {
        let moved = sqlx::query("UPDATE calls SET state = $1 WHERE id = $2 AND state = $3")
            .bind(to.as_str())
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *self.inner)
            .await?
            .rows_affected();
        if moved == 0 {
            return Err(StoreError::Conflict {
                constraint: "calls.state".to_string(),
            });
        }
        Ok(())
    }

    /// Sets (replaces) what `row`'s unit sets for its applicants in its call.
    pub async fn set_unit_timeline(&mut self, row: &UnitTimelineRow) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO unit_timelines (",
            unit_timeline_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (call_id, level, unit) DO UPDATE SET \
                 applicant_deadline = excluded.applicant_deadline, \
                 contact_name = excluded.contact_name, contact_phone = excluded.contact_phone, \
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at"
        ))
        .bind(&row.call_id)
        .bind(&row.level)
        .bind(&row.unit)
        .bind(&row.applicant_deadline)
        .bind(&row.contact_name)
        .bind(&row.contact_phone)
        .bind(row.updated_by)
        .bind(row.updated_at)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}
