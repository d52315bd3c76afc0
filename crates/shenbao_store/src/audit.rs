//! The audit log: append and page through, newest first.
//!
//! Must not: update or delete entries; the log is append-only.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{AuditRow, NewAuditEntry, Store, StoreError};

fn audit_from_row(row: &AnyRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_user_id: row.try_get("actor_user_id")?,
        actor_ip: row.try_get("actor_ip")?,
        action: row.try_get("action")?,
        target_kind: row.try_get("target_kind")?,
        target_id: row.try_get("target_id")?,
        detail: row.try_get("detail")?,
    })
}

/// Appends one entry, inside the caller's transaction (or on the pool).
pub(crate) async fn insert_audit<'e, E>(executor: E, e: &NewAuditEntry) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log \
             (at, actor_user_id, actor_ip, action, target_kind, target_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.at)
    .bind(e.actor_user_id)
    .bind(&e.actor_ip)
    .bind(&e.action)
    .bind(&e.target_kind)
    .bind(&e.target_id)
    .bind(&e.detail)
    .execute(executor)
    .await?;
    Ok(())
}

impl Store {
    /// Appends one entry.
    pub async fn audit(&self, e: &NewAuditEntry) -> Result<(), StoreError> {
        insert_audit(&self.pool, e).await
    }

    /// Up to `limit` entries, newest (highest id) first, with ids below `before_id` when given.
    ///
    /// Keyset pagination: pass the last id of one page as `before_id` to get the next. Unlike
    /// OFFSET, pages stay stable while entries are appended and cost the same at any depth.
    /// A negative `limit` is treated as 0.
    pub async fn audit_page(
        &self,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor_user_id, actor_ip, action, target_kind, target_id, detail \
             FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(audit_from_row).collect::<Result<_, _>>()?)
    }
}
