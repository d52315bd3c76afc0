//! The audit log: append (hash-chained, see `chain.rs`), page through newest first, filter
//! for the administrator's page and its CSV export.
//!
//! Must not: update or delete entries; the log is append-only, except for retention
//! (`Store::prune_audit_log` in `chain.rs`), which deletes the oldest entries and records
//! where the chain now starts.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::chain::{self, Chain};
use crate::{AuditRow, NewAuditEntry, Store, StoreError};

pub(crate) fn audit_from_row(row: &AnyRow) -> Result<AuditRow, sqlx::Error> {
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

impl Store {
    /// Appends one entry to the chain, in a write transaction of its own.
    pub async fn audit(&self, e: &NewAuditEntry) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let prev_hash = chain::lock_head(&mut tx, Chain::AuditLog).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO audit_log \
                 (at, actor_user_id, actor_ip, action, target_kind, target_id, detail, \
                  prev_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(e.at)
        .bind(e.actor_user_id)
        .bind(&e.actor_ip)
        .bind(&e.action)
        .bind(&e.target_kind)
        .bind(&e.target_id)
        .bind(&e.detail)
        .bind(&prev_hash)
        .fetch_one(&mut *tx)
        .await?;
        let row = AuditRow {
            id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor_ip: e.actor_ip.clone(),
            action: e.action.clone(),
            target_kind: e.target_kind.clone(),
            target_id: e.target_id.clone(),
            detail: e.detail.clone(),
        };
        let hash = chain::audit_hash(&row, &prev_hash);
        chain::seal(&mut tx, Chain::AuditLog, id, &hash).await?;
        tx.commit().await?;
        Ok(())
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
