//! The audit log: append (hash-chained, see `chain.rs`), page through newest first, filter
//! for the administrator's page and its CSV export.
//!
//! Must not: update or delete entries; the log is append-only, except for retention
//! (`Store::prune_audit_log` in `chain.rs`), which deletes the oldest entries and records
//! where the chain now starts.

use std::ops::DerefMut;

use sqlx::AnyConnection;

use crate::chain::{self, Chain};
use crate::sql::{Statement, like_pattern};
use crate::{AuditRow, NewAuditEntry, Store, StoreError};

/// Who did it, as the administrator's filter names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditActor {
    /// The user with this id.
    Id(i64),
    /// Users whose login name or display name contains this text.
    Name(String),
}

/// A filter of the audit log, for the administrator's page and its CSV export. Every part is
/// optional; together they must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditQuery {
    /// Who did it.
    pub actor: Option<AuditActor>,
    /// What happened, exactly (`login`, `application_submitted`, …).
    pub action: Option<String>,
    /// At or after this time (Unix milliseconds).
    pub from_ms: Option<i64>,
    /// Before this time (Unix milliseconds).
    pub until_ms: Option<i64>,
    /// Client addresses starting with this text (`10.0.` matches a network).
    pub ip_prefix: Option<String>,
    /// Keyset: entries with ids below this one (the last id of the previous page).
    pub before_id: Option<i64>,
    /// At most this many entries (a negative limit is 0).
    pub limit: i64,
}

/// An audit entry as the administrator reads it: the entry, the account it names (when it
/// still exists) and its chain hash (`None` for entries older than the chain).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditListRow {
    /// The entry.
    #[sqlx(flatten)]
    pub entry: AuditRow,
    /// Login name of the actor.
    #[sqlx(rename = "username")]
    pub actor_username: Option<String>,
    /// Display name of the actor.
    #[sqlx(rename = "display_name")]
    pub actor_name: Option<String>,
    /// The entry's hash in the chain.
    pub hash: Option<String>,
}

/// Appends one entry to the hash chain, inside the caller's write transaction (the chain's
/// head stays locked until it ends).
pub(crate) async fn insert_audit(
    mut conn: impl DerefMut<Target = AnyConnection>,
    e: &NewAuditEntry,
) -> Result<(), StoreError> {
    let conn = &mut *conn;
    let prev_hash = chain::lock_head(conn, Chain::AuditLog).await?;
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
    .fetch_one(&mut *conn)
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
    chain::seal(conn, Chain::AuditLog, id, &hash).await
}

impl Store {
    /// Appends one entry to the chain, in a write transaction of its own.
    pub async fn audit(&self, e: &NewAuditEntry) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_audit(&mut *tx, e).await?;
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
        Ok(sqlx::query_as(
            "SELECT id, at, actor_user_id, actor_ip, action, target_kind, target_id, detail \
             FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The entries matching `q`, newest (highest id) first, with the actor's names: one page of
    /// the administrator's audit page or the CSV export (keyset pagination by id).
    pub async fn audit_search(&self, q: &AuditQuery) -> Result<Vec<AuditListRow>, StoreError> {
        // The filters are optional, so the statement is assembled from fixed fragments; every
        // value is a bound parameter.
        let mut sql = Statement::new(
            "SELECT a.id, a.at, a.actor_user_id, a.actor_ip, a.action, a.target_kind, \
                 a.target_id, a.detail, a.hash, u.username, u.display_name \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id WHERE a.id < ",
        );
        sql.push_bind(q.before_id.unwrap_or(i64::MAX));
        match &q.actor {
            Some(AuditActor::Id(id)) => {
                sql.push(" AND a.actor_user_id = ").push_bind(*id);
            }
            Some(AuditActor::Name(name)) => {
                let name = sql.bind(like_pattern(name));
                sql.push(&format!(
                    " AND (u.username LIKE {name} ESCAPE '\\' \
                     OR u.display_name LIKE {name} ESCAPE '\\')"
                ));
            }
            None => {}
        }
        if let Some(action) = &q.action {
            sql.push(" AND a.action = ").push_bind(action);
        }
        if let Some(from) = q.from_ms {
            sql.push(" AND a.at >= ").push_bind(from);
        }
        if let Some(until) = q.until_ms {
            sql.push(" AND a.at < ").push_bind(until);
        }
        if let Some(ip) = &q.ip_prefix {
            // A prefix: the pattern's leading `%` removed.
            sql.push(" AND a.actor_ip LIKE ")
                .push_bind(like_pattern(ip)[1..].to_owned())
                .push(" ESCAPE '\\'");
        }
        sql.push(" ORDER BY a.id DESC LIMIT ")
            .push_bind(q.limit.max(0));
        Ok(sql.query_as()?.fetch_all(&self.pool).await?)
    }
}
