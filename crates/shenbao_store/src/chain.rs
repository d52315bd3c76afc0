//! Tamper-evident history: `audit_log` and `application_events` are each one hash chain.
//!
//! # The chain
//!
//! Every row appended carries `prev_hash`, the `hash` of the row appended before it in the same
//! table (for the first row, the chain's *anchor*: [`GENESIS`], 64 zeros), and `hash`, the
//! lowercase hex SHA-256 of this serialisation (version 1):
//!
//! ```text
//! "shenbao-chain-v1" 0x00
//! text(table name)
//! each column in table order, id first (see below)
//! text(prev_hash)
//!
//! NULL        0x00
//! integer     0x01, then the value as 8 bytes big-endian (two's complement)
//! text        0x02, then the UTF-8 length as 8 bytes big-endian, then the UTF-8 bytes
//! ```
//!
//! Every value is typed and length-prefixed, so no two different rows serialise alike (no
//! separator can be forged inside a text). Columns, in order:
//!
//! - `audit_log`: id, at, actor_user_id, actor_ip, action, target_kind, target_id, detail;
//! - `application_events`: id, application_id, at, actor_user_id, actor_ip, from_status,
//!   to_status, note.
//!
//! The id is part of the hash, so renumbering rows is detected. The database assigns it, so
//! appending is: lock the chain's head, `INSERT … RETURNING id` with `prev_hash`, compute the
//! hash, write it into the row and into the head, all in the caller's write transaction.
//!
//! # Concurrency
//!
//! `hash_chains` holds one row per chain with its head (newest id and hash) and its anchor.
//! Appending starts with a no-op `UPDATE` of that row `RETURNING head_hash`: on PostgreSQL the
//! row lock makes a concurrent appender wait until this transaction ends and then read the
//! new head, so two rows never take the same predecessor; on SQLite the write transaction
//! (`BEGIN IMMEDIATE`) already serialises writers. Ids are drawn while the lock is held, so id
//! order is chain order. To keep lock order simple, appending events is the last thing a
//! transaction does (every caller writes its rows first, then its events).
//!
//! # Rows written before the chain
//!
//! Migration `0004` adds the columns as NULL for existing rows: SQLite cannot compute
//! SHA-256 in SQL, and a backfill at connect would race between server processes. The chain
//! therefore starts at the first hashed row; verification counts the unhashed rows before it
//! as not covered. A NULL hash *after* the first hashed row is a break.
//!
//! # Retention
//!
//! Pruning old audit entries ([`Store::prune_audit_log`]) deletes a prefix of the chain and, in
//! the same transaction, moves the anchor to the id and hash of the last row deleted, so that
//! the oldest kept row's `prev_hash` is still checked (against the recorded anchor rather than
//! against a row). The newest row is never deleted (SQLite would otherwise hand out its id
//! again).
//!
//! # What it proves
//!
//! Changing, inserting or deleting a row anywhere (the newest rows included, through the
//! head) without rewriting every later hash and the `hash_chains` row is detected. Someone with
//! full write access to the database *can* rewrite them all (SHA-256 has no secret): keep the
//! head hash that `shenbao audit verify` prints outside the database (a ticket, a log
//! collector) to pin the history up to that point.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};

use crate::model::EventRecord;
use crate::{ApplicationStatus, AuditRow, Backend, EventRow, Store, StoreError};

/// The anchor of an empty, never pruned chain: the `prev_hash` of its first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows read per query while verifying.
const VERIFY_BATCH: i64 = 1_000;

/// A hash-chained table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chain {
    /// `audit_log`: the platform-wide record of who did what.
    AuditLog,
    /// `application_events`: every application's status history.
    ApplicationEvents,
}

impl Chain {
    /// Both chains.
    pub const ALL: [Chain; 2] = [Chain::AuditLog, Chain::ApplicationEvents];

    /// The table, which is also the chain's name in `hash_chains`.
    pub fn table(self) -> &'static str {
        match self {
            Chain::AuditLog => "audit_log",
            Chain::ApplicationEvents => "application_events",
        }
    }
}

/// Why verification stopped at a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The row's columns do not hash to its stored `hash`: a column (or the hash) was changed.
    HashMismatch,
    /// The row's `prev_hash` is not the hash of the row before it (or, for the oldest row, the
    /// anchor): a row before it was deleted, or one was inserted, or `prev_hash` was changed.
    PrevHashMismatch {
        /// The id of the row before it, `None` when it is the oldest (checked against the
        /// anchor).
        previous_id: Option<i64>,
    },
    /// A row without a hash after the chain started: written around the store.
    MissingHash,
    /// The newest row is not the chain's recorded head: the newest rows were deleted (or rows
    /// were appended around the store). The break's id is the recorded head.
    HeadMismatch {
        /// The newest hashed row found, if any.
        last_id: Option<i64>,
    },
}

/// The first place the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The row where verification stopped (for [`ChainProblem::HeadMismatch`], the recorded
    /// head, which may no longer exist).
    pub id: i64,
    /// Why.
    pub problem: ChainProblem,
}

/// What [`Store::verify_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// The chain verified.
    pub chain: Chain,
    /// Hashed rows checked and found intact (up to the break, when there is one).
    pub verified: i64,
    /// Rows written before the chain was introduced (no hash): not covered.
    pub unhashed: i64,
    /// Id of the last row deleted by retention, whose hash the oldest row must follow.
    pub anchor_id: Option<i64>,
    /// The recorded newest row.
    pub head_id: Option<i64>,
    /// The recorded newest hash: note it outside the database to pin the history.
    pub head_hash: String,
    /// The first break, `None` when the chain is intact.
    pub broken: Option<ChainBreak>,
}

/// One column value, for hashing.
enum Value<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
}

fn hash_row(chain: Chain, values: &[Value<'_>], prev_hash: &str) -> String {
    fn text(h: &mut Sha256, s: Option<&str>) {
        match s {
            None => h.update([0u8]),
            Some(s) => {
                h.update([2u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    let mut h = Sha256::new();
    h.update(b"shenbao-chain-v1\0");
    text(&mut h, Some(chain.table()));
    for v in values {
        match v {
            Value::Int(None) | Value::Text(None) => h.update([0u8]),
            Value::Int(Some(i)) => {
                h.update([1u8]);
                h.update(i.to_be_bytes());
            }
            Value::Text(Some(s)) => text(&mut h, Some(s)),
        }
    }
    text(&mut h, Some(prev_hash));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of an audit entry whose predecessor's hash is `prev_hash`.
pub(crate) fn audit_hash(row: &AuditRow, prev_hash: &str) -> String {
    hash_row(
        Chain::AuditLog,
        &[
            Value::Int(Some(row.id)),
            Value::Int(Some(row.at)),
            Value::Int(row.actor_user_id),
            Value::Text(row.actor_ip.as_deref()),
            Value::Text(Some(&row.action)),
            Value::Text(row.target_kind.as_deref()),
            Value::Text(row.target_id.as_deref()),
            Value::Text(row.detail.as_deref()),
        ],
        prev_hash,
    )
}

/// The hash of an application event whose predecessor's hash is `prev_hash`.
pub(crate) fn event_hash(row: &EventRow, prev_hash: &str) -> String {
    hash_row(
        Chain::ApplicationEvents,
        &[
            Value::Int(Some(row.id)),
            Value::Int(Some(row.application_id)),
            Value::Int(Some(row.at)),
            Value::Int(row.actor_user_id),
            Value::Text(row.actor_ip.as_deref()),
            Value::Text(row.from_status.map(ApplicationStatus::as_str)),
            Value::Text(Some(row.to_status.as_str())),
            Value::Text(row.note.as_deref()),
        ],
        prev_hash,
    )
}

/// Locks the chain's head until the transaction ends and returns its hash: the `prev_hash`
/// of the row about to be appended. Call it inside a write transaction.
pub(crate) async fn lock_head(
    conn: &mut AnyConnection,
    chain: Chain,
) -> Result<String, StoreError> {
    let head: Option<String> = sqlx::query_scalar(
        "UPDATE hash_chains SET head_id = head_id WHERE name = $1 RETURNING head_hash",
    )
    .bind(chain.table())
    .fetch_optional(&mut *conn)
    .await?;
    head.ok_or_else(|| {
        StoreError::Other(sqlx::Error::Protocol(format!(
            "hash_chains has no row for {}",
            chain.table()
        )))
    })
}

/// Stores the hash of the row just appended (`id`) and makes it the chain's head.
pub(crate) async fn seal(
    conn: &mut AnyConnection,
    chain: Chain,
    id: i64,
    hash: &str,
) -> Result<(), StoreError> {
    let sql = match chain {
        Chain::AuditLog => "UPDATE audit_log SET hash = $1 WHERE id = $2",
        Chain::ApplicationEvents => "UPDATE application_events SET hash = $1 WHERE id = $2",
    };
    sqlx::query(sql)
        .bind(hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE hash_chains SET head_id = $1, head_hash = $2 WHERE name = $3")
        .bind(id)
        .bind(hash)
        .bind(chain.table())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The chain's own columns of a row.
#[derive(sqlx::FromRow)]
struct ChainColumns {
    id: i64,
    prev_hash: Option<String>,
    hash: Option<String>,
}

/// One row as read for verification: its id, the hash its columns give with its stored
/// `prev_hash`, and the stored `prev_hash` and `hash`.
struct Stored {
    id: i64,
    computed: Option<String>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

fn stored(chain: Chain, row: &AnyRow) -> Result<Stored, sqlx::Error> {
    let ChainColumns {
        id,
        prev_hash,
        hash,
    } = ChainColumns::from_row(row)?;
    let computed = match chain {
        Chain::AuditLog => {
            let r = AuditRow::from_row(row)?;
            prev_hash.as_deref().map(|p| audit_hash(&r, p))
        }
        Chain::ApplicationEvents => match EventRecord::from_row(row) {
            Ok(r) => {
                let r = EventRow::from(r);
                prev_hash.as_deref().map(|p| event_hash(&r, p))
            }
            // A status that is no status was written by hand, not by this crate: the row
            // cannot match its hash, and is reported as changed rather than failing the walk.
            Err(sqlx::Error::ColumnDecode { .. }) => Some(String::new()),
            Err(e) => return Err(e),
        },
    };
    Ok(Stored {
        id,
        computed,
        prev_hash,
        hash,
    })
}

impl Store {
    /// Walks `chain` from its oldest row to its head and returns what it found: the count of
    /// intact rows and the first break, if any (see the module documentation for what is
    /// checked). Reads one consistent snapshot (a read transaction; `REPEATABLE READ` on
    /// PostgreSQL), so concurrent appends and pruning do not disturb it.
    pub async fn verify_chain(&self, chain: Chain) -> Result<ChainReport, StoreError> {
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN").await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        let (anchor_id, anchor_hash, head_id, head_hash): (
            Option<i64>,
            String,
            Option<i64>,
            String,
        ) = sqlx::query_as(
            "SELECT anchor_id, anchor_hash, head_id, head_hash FROM hash_chains WHERE name = $1",
        )
        .bind(chain.table())
        .fetch_one(&mut *tx)
        .await?;
        let mut report = ChainReport {
            chain,
            verified: 0,
            unhashed: 0,
            anchor_id,
            head_id,
            head_hash,
            broken: None,
        };
        let sql = match chain {
            Chain::AuditLog => {
                "SELECT id, at, actor_user_id, actor_ip, action, target_kind, target_id, \
                     detail, prev_hash, hash \
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
            }
            Chain::ApplicationEvents => {
                "SELECT id, application_id, at, actor_user_id, actor_ip, from_status, \
                     to_status, note, prev_hash, hash \
                 FROM application_events WHERE id > $1 ORDER BY id LIMIT $2"
            }
        };
        // The hash the next row must carry as prev_hash, and the row that has it.
        let mut expected = anchor_hash;
        let mut previous_id: Option<i64> = None;
        let mut after = i64::MIN;
        'walk: loop {
            let rows = sqlx::query(sql)
                .bind(after)
                .bind(VERIFY_BATCH)
                .fetch_all(&mut *tx)
                .await?;
            let Some(last) = rows.last() else { break };
            after = ChainColumns::from_row(last)?.id;
            for row in &rows {
                let row = stored(chain, row)?;
                let problem = match (&row.hash, &row.prev_hash, &row.computed) {
                    (None, _, _) if previous_id.is_none() => {
                        report.unhashed += 1;
                        continue;
                    }
                    (None, _, _) => Some(ChainProblem::MissingHash),
                    (Some(_), prev, _) if prev.as_deref() != Some(expected.as_str()) => {
                        Some(ChainProblem::PrevHashMismatch { previous_id })
                    }
                    (Some(hash), _, computed) if computed.as_deref() != Some(hash.as_str()) => {
                        Some(ChainProblem::HashMismatch)
                    }
                    (Some(hash), _, _) => {
                        expected.clone_from(hash);
                        None
                    }
                };
                if let Some(problem) = problem {
                    report.broken = Some(ChainBreak {
                        id: row.id,
                        problem,
                    });
                    break 'walk;
                }
                report.verified += 1;
                previous_id = Some(row.id);
            }
        }
        if report.broken.is_none() && (previous_id != head_id || expected != report.head_hash) {
            report.broken = Some(ChainBreak {
                id: head_id.or(previous_id).unwrap_or_default(),
                problem: ChainProblem::HeadMismatch {
                    last_id: previous_id,
                },
            });
        }
        tx.rollback().await?;
        Ok(report)
    }

    /// Retention: deletes the audit entries older than `cutoff_ms` (`at < cutoff_ms`) that come
    /// before every younger entry (ids below the oldest entry at or after the cutoff; an entry
    /// with a later time is never deleted because an older one follows it), never the newest
    /// entry, and moves the chain's anchor to the last entry deleted, in one write
    /// transaction. Returns how many were deleted. The caller decides the cutoff (at least
    /// 180 days ago by the law the CLI follows) and records the pruning in the log.
    pub async fn prune_audit_log(&self, cutoff_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_head(&mut tx, Chain::AuditLog).await?;
        let young: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM audit_log WHERE at >= $1")
            .bind(cutoff_ms)
            .fetch_one(&mut *tx)
            .await?;
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
            .fetch_one(&mut *tx)
            .await?;
        let keep_from = match (young, newest) {
            (Some(y), Some(n)) => y.min(n),
            (None, Some(n)) => n,
            (_, None) => {
                tx.rollback().await?;
                return Ok(0);
            }
        };
        let last_deleted: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, hash FROM audit_log WHERE id < $1 AND hash IS NOT NULL \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(keep_from)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id, hash)) = last_deleted {
            sqlx::query("UPDATE hash_chains SET anchor_id = $1, anchor_hash = $2 WHERE name = $3")
                .bind(id)
                .bind(hash)
                .bind(Chain::AuditLog.table())
                .execute(&mut *tx)
                .await?;
        }
        let deleted = sqlx::query("DELETE FROM audit_log WHERE id < $1")
            .bind(keep_from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(detail: Option<&str>) -> AuditRow {
        AuditRow {
            id: 7,
            at: 1_700_000_000_000,
            actor_user_id: Some(3),
            actor_ip: Some("10.0.0.1".into()),
            action: "login".into(),
            target_kind: None,
            target_id: None,
            detail: detail.map(str::to_owned),
        }
    }

    #[test]
    fn the_serialisation_is_pinned() {
        // A change of the serialisation would break every stored chain. This value was also
        // computed independently (Python's hashlib over the bytes the module documentation
        // describes).
        assert_eq!(
            audit_hash(&entry(Some("{\"a\":1}")), GENESIS),
            "27f51ca538f097c6a0a472e39913bbf3687a3e3a55f7bc0e43aa13a6da976394",
            "change only with a new serialisation version"
        );
    }

    #[test]
    fn nulls_empty_texts_and_shifted_values_hash_differently() {
        let base = audit_hash(&entry(None), GENESIS);
        assert_ne!(base, audit_hash(&entry(Some("")), GENESIS));
        let mut moved = entry(None);
        moved.action = "logi".into();
        moved.target_kind = Some("n".into());
        assert_ne!(base, audit_hash(&moved, GENESIS));
        let mut other_id = entry(None);
        other_id.id = 8;
        assert_ne!(base, audit_hash(&other_id, GENESIS));
        assert_ne!(base, audit_hash(&entry(None), &"1".repeat(64)));
        let event = EventRow {
            id: 7,
            application_id: 1_700_000_000_000,
            at: 3,
            actor_user_id: None,
            actor_ip: None,
            from_status: None,
            to_status: ApplicationStatus::Draft,
            note: None,
        };
        assert_ne!(base, event_hash(&event, GENESIS), "the table is hashed too");
    }
}
