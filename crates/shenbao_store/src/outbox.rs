//! The notification outbox: rows a use case wrote in its own transaction ([`crate::Tx::announce`])
//! saying what happened, delivered after the commit as inbox entries and queued e-mail.
//!
//! Delivery is exactly once: [`Store::deliver_outbox`] marks the row delivered and inserts its
//! notices in one transaction, guarded by "not yet delivered", so the request that made the
//! change and a background sweep can both try and only one succeeds.
//!
//! Must not: decide who is told what, or word it (the web layer's deliverer does).

use crate::notification::{insert_mail, insert_notifications};
use crate::{NewMail, NewNotification, Store, StoreError};

/// A stored outbox row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    /// Increasing id: rows are delivered in this order.
    pub id: i64,
    /// Unix milliseconds of the change.
    pub at: i64,
    /// What kind of news it is.
    pub kind: String,
    /// Its details (JSON).
    pub payload: String,
    /// Unix milliseconds of its delivery; `None` while it waits.
    pub delivered_at: Option<i64>,
}

impl Store {
    /// Up to `limit` undelivered rows with an id above `after_id`, oldest first.
    pub async fn pending_outbox(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, at, kind, payload, delivered_at FROM outbox \
             WHERE delivered_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The outbox row with this id, delivered or not.
    pub async fn outbox_row(&self, id: i64) -> Result<Option<OutboxRow>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, at, kind, payload, delivered_at FROM outbox WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// How many rows wait for delivery (the operator's health check, tests).
    pub async fn undelivered_outbox(&self) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Delivers outbox row `id`: marks it delivered at `now_ms` and stores its inbox entries
    /// and queued e-mails, in one transaction. `false` (and nothing written) when it was
    /// delivered already, by another request or sweep.
    pub async fn deliver_outbox(
        &self,
        id: i64,
        now_ms: i64,
        notices: &[NewNotification],
        mails: &[NewMail],
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE outbox SET delivered_at = $1 WHERE id = $2 AND delivered_at IS NULL",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_notifications(&mut tx, notices).await?;
        insert_mail(&mut tx, mails).await?;
        tx.commit().await?;
        Ok(true)
    }
}
