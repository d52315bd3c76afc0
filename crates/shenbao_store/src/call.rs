//! The calls the platform serves, as loaded TOML plus the demo deadline override; and what
//! each first-level review unit sets for its own applicants (an earlier deadline, a contact).
//!
//! Must not: parse or check the TOML (`shenbao_core` does, before `upsert_call`), or judge a
//! unit's dates (`shenbao_app` does, before `set_unit_timeline`).

use crate::{CallRow, Store, StoreError, Tx, UnitRef, UnitTimelineRow};

/// The columns of `unit_timelines`, in [`UnitTimelineRow`]'s order (a macro, so that the
/// statements stay literals).
macro_rules! unit_timeline_columns {
    () => {
        "call_id, level, unit, applicant_deadline, contact_name, contact_phone, updated_by, \
         updated_at"
    };
}

impl Store {
    /// Inserts the call, or replaces its source, demo deadline and load time.
    pub async fn upsert_call(
        &self,
        id: &str,
        source: &str,
        demo_deadline: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calls (id, source, demo_deadline, loaded_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET source = excluded.source, \
                 demo_deadline = excluded.demo_deadline, loaded_at = excluded.loaded_at",
        )
        .bind(id)
        .bind(source)
        .bind(demo_deadline)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every stored call, ordered by id.
    pub async fn calls(&self) -> Result<Vec<CallRow>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, source, demo_deadline, loaded_at FROM calls ORDER BY id")
                .fetch_all(&self.pool)
                .await?,
        )
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

impl Tx {
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
