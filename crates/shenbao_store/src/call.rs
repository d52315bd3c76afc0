//! The calls the platform serves, as loaded TOML plus the demo deadline override.
//!
//! Must not: parse or check the TOML (`shenbao_core` does, before `upsert_call`).

use crate::{CallRow, Store, StoreError};

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
}
