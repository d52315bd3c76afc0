//! One write transaction that several writes share: the unit of work of a use case.
//!
//! A use case (`shenbao_app::actions`) opens a [`Tx`], makes its state change through one of
//! the transaction's methods (submit, withdraw, decide, forward, …), appends its audit entry
//! and its notification outbox row, and commits: all of it or, when anything fails or the
//! `Tx` is dropped uncommitted, none of it (sqlx rolls back on drop).
//!
//! Writes to the hash chains (application events, audit log) lock the chain's head until the
//! transaction ends, always the events before the audit log: a use case writes its state
//! change (with its events) first, then the outbox row, then the audit entry, so two
//! transactions never wait for each other's chain in opposite orders.
//!
//! Must not: decide anything. A `Tx` writes what the caller decided, with the same guards as
//! the [`Store`] methods of the same names (which are one-write transactions over these).

use std::ops::{Deref, DerefMut};

use sqlx::{Any, AnyConnection, Transaction};

use crate::audit::insert_audit;
use crate::{LockClass, NewAuditEntry, Store, StoreError};

/// A notification outbox row to write (see `outbox.rs`): what happened, for a deliverer to
/// turn into notices after the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbox {
    /// Unix milliseconds.
    pub at: i64,
    /// What kind of news it is (the deliverer's name for it, such as `arrived`).
    pub kind: String,
    /// Its details, as the deliverer reads them (JSON).
    pub payload: String,
}

/// An open write transaction (see the module documentation). Commit it with [`Tx::commit`];
/// dropping it rolls back.
pub struct Tx {
    pub(crate) inner: Transaction<'static, Any>,
    pub(crate) store: Store,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("backend", &self.store.backend)
            .finish_non_exhaustive()
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

impl Store {
    /// Opens a write transaction for several writes that must stand or fall together.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx {
            inner: self.begin_write().await?,
            store: self.clone(),
        })
    }
}

impl Tx {
    /// Makes every write of the transaction durable and visible, at once.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.inner.commit().await?;
        Ok(())
    }

    /// Takes the transaction-scoped lock `key` of `class` (see [`Store::lock_key`]).
    pub(crate) async fn lock(
        &mut self,
        class: LockClass,
        key: &str,
        exclusive: bool,
    ) -> Result<(), StoreError> {
        let store = self.store.clone();
        store.lock_key(&mut self.inner, class, key, exclusive).await
    }

    /// Appends `entry` to the audit log's hash chain.
    pub async fn audit(&mut self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        insert_audit(&mut *self.inner, entry).await
    }

    /// Writes a notification outbox row; returns its id, for delivering it right after the
    /// commit ([`Store::deliver_outbox`]).
    pub async fn announce(&mut self, row: &NewOutbox) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (at, kind, payload, delivered_at) \
             VALUES ($1, $2, $3, NULL) RETURNING id",
        )
        .bind(row.at)
        .bind(&row.kind)
        .bind(&row.payload)
        .fetch_one(&mut *self.inner)
        .await?;
        Ok(id)
    }
}
