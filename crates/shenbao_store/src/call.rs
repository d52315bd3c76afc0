//! The calls the platform serves, as loaded TOML plus the demo deadline override.
//!
//! Must not: parse or check the TOML (`shenbao_core` does, before `upsert_call`).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{CallRow, Store, StoreError};

fn call_from_row(row: &AnyRow) -> Result<CallRow, sqlx::Error> {
    Ok(CallRow {
        id: row.try_get("id")?,
        source: row.try_get("source")?,
        demo_deadline: row.try_get("demo_deadline")?,
        loaded_at: row.try_get("loaded_at")?,
    })
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
        let rows =
            sqlx::query("SELECT id, source, demo_deadline, loaded_at FROM calls ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.iter().map(call_from_row).collect::<Result<_, _>>()?)
    }
}
