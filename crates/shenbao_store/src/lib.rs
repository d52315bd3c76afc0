//! Storage for shenbao: one layer over SQLite (the default, a single file) and PostgreSQL (for
//! several server processes), written once against sqlx's **Any** driver.
//!
//! # Design
//!
//! - **One query layer, two databases.** Every query is a runtime `sqlx::query` string that
//!   both backends accept: `$1`-style placeholders (SQLite reads `$NNN` too), `RETURNING`
//!   (SQLite ≥ 3.35) and `ON CONFLICT … DO UPDATE` with `excluded`. The price is no
//!   compile-time checking of SQL (the `query!` macros do not work with Any); the
//!   conformance suite in `tests/conformance.rs` pays it back by running every query on both
//!   backends (Postgres when `SHENBAO_TEST_DATABASE_URL` is set; CI sets it).
//! - **INTEGER/BIGINT and TEXT only.** The Any driver decodes only booleans, integers, floats,
//!   strings and bytes, with no timestamp, JSON or UUID types. So times are `i64` Unix
//!   milliseconds, dates are `'YYYY-MM-DD'` text, JSON is text, `Role` is text guarded by a
//!   `CHECK`, and application statuses are text guarded by a foreign key to the lookup table
//!   `application_statuses` (a later state is one `INSERT`; SQLite cannot alter a `CHECK`).
//! - **Two migration trees with the same file names.** DDL is where the backends differ
//!   (`INTEGER PRIMARY KEY` against `BIGINT GENERATED ALWAYS AS IDENTITY`), so
//!   `migrations/sqlite/` and `migrations/postgres/` each hold a full set, embedded with
//!   `sqlx::migrate!` (one `Migrator` per backend) and run by [`Store::connect`]. A test checks
//!   that both trees list the same files, so they cannot drift apart unnoticed.
//! - **Errors are mapped once.** `From<sqlx::Error> for StoreError` turns unique violations into
//!   [`StoreError::Conflict`] with a stable name (`users.username`, `attachments.storage_key`)
//!   whichever backend reported them, so every `?` in this crate maps the same way.
//! - **Optimistic concurrency for applications.** Every write of an application increments its
//!   `version`, and writes are `UPDATE … WHERE version = $expected AND status = …`: a stale
//!   version or a wrong status matches no row and becomes
//!   `Conflict { constraint: "applications.version" }`. Status changes write the row, the event
//!   (and the snapshot) in one transaction that starts with that guarded `UPDATE`.
//! - **Freezes.** Forwarding freezes a unit's list of a direction (a `forwards` row), and
//!   publication a call's selection, scores and assignments (a `publications` row). Every
//!   write they freeze checks the freeze inside its own transaction and is refused with a
//!   stable conflict name (`forwards.pkey`, `publications.call_id`), writing nothing; on
//!   PostgreSQL the write first takes the shared lock that the freezing write takes
//!   exclusively (`Store::lock_key`), so none slips in while a freeze commits.
//! - **SQLite settings.** The file (and its directory) is created when missing, with WAL
//!   journal (readers do not block the writer), `synchronous=NORMAL` (safe with WAL),
//!   `foreign_keys=ON` and a 15 s `busy_timeout`, set on every pooled connection; every
//!   transaction starts with `BEGIN IMMEDIATE`, so writers queue in the busy handler instead
//!   of failing with `database is locked`.
//! - **Tamper-evident history.** `audit_log` and `application_events` are hash chains: each
//!   row carries the SHA-256 of its columns and of the previous row's hash, appended under a
//!   lock on the chain's head row (`hash_chains`), and [`Store::verify_chain`] finds the first
//!   changed, inserted or deleted row. Rows from before migration `0004` are not covered.
//!   See `chain.rs`.
//! - **Tests run on both.** [`testing`] gives each test a fresh SQLite file and, when
//!   `SHENBAO_TEST_DATABASE_URL` is set, a fresh Postgres schema; the conformance suite and the
//!   web crate's tests write each body once and run it on both.
//!
//! # What this crate must not do
//!
//! - **No clock.** Every time is passed in by the caller (`now_ms`, `created_at`, …), so tests
//!   control time and every process agrees on it.
//! - **No HTTP, no policy.** It does not hash passwords, generate tokens, decide rate limits or
//!   check permissions: it stores and returns what the web layer decided.
//! - **No domain validation.** USCCs, division codes and call TOML are checked by
//!   `shenbao_core` before they get here.

mod account;
mod application;
mod attachment;
mod audit;
mod backup;
mod call;
mod chain;
mod connect;
mod consortium;
mod error;
mod exclusion;
mod expert;
mod model;
mod near_duplicate;
mod notification;
mod outbox;
mod review;
mod second_factor;
mod selection;
mod session;
mod sql;
mod statistics;
pub mod testing;
mod tx;
mod unit_scan;

pub use audit::{AuditActor, AuditListRow, AuditQuery};
pub use backup::{StoredFile, sqlite_copy_files, sqlite_path};
pub use chain::{Chain, ChainBreak, ChainProblem, ChainReport, GENESIS};
pub use consortium::MemberRow;
pub use error::StoreError;
pub use exclusion::{ExclusionHit, ExclusionRow, NewExclusion};
pub use expert::{
    ASSIGNMENT_CONFLICT, ASSIGNMENT_SUBMITTED, ASSIGNMENT_TAKEN, ApplicationExpertRow,
    AssignmentRow, AutoAssign, AutoAssignOutcome, ConflictRow, ExpertQueueRow, NewAssignment,
    NewConflict, PoolExpertRow,
};
pub use model::{
    ApplicantSubmission, ApplicationEvent, ApplicationRow, ApplicationStatus, AttachmentRow,
    AuditRow, CallRow, CallVersionRow, EventRow, NewApplication, NewAttachment, NewAuditEntry,
    NewOrganisation, NewSession, NewSnapshot, NewUser, OrganisationRow, ParseRoleError, Role,
    SessionRow, SnapshotRow, Submission, UnitTimelineRow, UserRow,
};
pub use near_duplicate::{MAX_CANDIDATES, OtherApplicationRow, StoredFingerprint};
pub use notification::{MailRow, NewMail, NewNotification, NotificationRow};
pub use outbox::OutboxRow;
pub use review::{
    Decision, FORWARDED, ForwardRow, LowerRow, NextUnit, PENDING, QueueCount, QueueQuery, QueueRow,
    QueueSort, RecommendedCount, ReviewRow, UnitRef,
};
pub use second_factor::TotpRow;
pub use selection::{CountRow, OwnerApplicationRow, PUBLISHED, PublicationRow, SelectedRow};
pub use statistics::{Statistics, StatisticsScope};
pub use tx::{NewOutbox, Tx};
pub use unit_scan::{NewUnitScan, UnitScanRow};

use sqlx::AnyPool;

/// Which database a [`Store`] talks to, decided by the URL scheme at connect time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A single SQLite file (`sqlite://…`): the default, for one server process.
    Sqlite,
    /// PostgreSQL (`postgres://…`): for several server processes sharing one database.
    Postgres,
}

/// What a [`Store::lock_key`] lock guards (the first key of PostgreSQL's two-key advisory
/// locks, so the classes never collide with each other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub(crate) enum LockClass {
    /// A unit's list of one direction (key: call, level, unit, direction): forwarding takes it
    /// exclusively, a submission to that unit shared.
    UnitList = 0x5342_0001,
    /// A call's results (key: the call id): publication takes it exclusively, every write of
    /// the call's scores, assignments and selection shared.
    Publication = 0x5342_0002,
    /// A call's versions (key: the call id): storing a new version takes it exclusively, so
    /// two servers starting together number it once.
    CallVersions = 0x5342_0003,
    /// A unit's recommendation quota (key: call, level, unit): every recommendation at a unit
    /// whose level has a quota takes it exclusively before counting.
    Quota = 0x5342_0004,
    /// An organisation's applications to a call (key: organisation id, call): starting an
    /// application takes it exclusively before counting the organisation's others.
    Applicant = 0x5342_0005,
    /// The consortia of a direction of a call (key: call, direction): naming a member takes
    /// it exclusively before checking where the member takes part.
    Consortium = 0x5342_0006,
}

/// The storage handle: a connection pool plus the backend it talks to.
///
/// Cheap to clone (the pool is reference-counted); clone it into every handler.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool's own Debug would print its connect options, URL credentials included.
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and then writes fails at once with
    /// `database is locked` when another writer committed in between (a lock upgrade that
    /// `busy_timeout` cannot wait out), whereas `BEGIN IMMEDIATE` waits its turn in the busy
    /// handler. Every transaction of this crate writes, so every one starts here.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Takes the transaction-scoped lock `key` of `class`: shared (many holders at once) or
    /// exclusive, released at commit or rollback. It serialises a freezing write (forwarding a
    /// list, publishing results) against the writes it freezes: each of those takes the shared
    /// lock before its guard reads the freeze, and the freezing write takes the exclusive one,
    /// so on PostgreSQL a write whose guard ran before the freeze committed cannot commit after
    /// it (under READ COMMITTED a `NOT EXISTS` guard does not see an uncommitted freeze).
    ///
    /// On SQLite it does nothing: `BEGIN IMMEDIATE` already runs writers one at a time. On
    /// PostgreSQL it is an advisory lock on (`class`, hash of `key`); two keys with the same
    /// hash only wait for each other.
    pub(crate) async fn lock_key(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        class: LockClass,
        key: &str,
        exclusive: bool,
    ) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        // The function returns `void`, which the Any driver cannot decode: select a constant
        // from it instead.
        let sql = if exclusive {
            "SELECT 1 FROM pg_advisory_xact_lock($1, hashtext($2))"
        } else {
            "SELECT 1 FROM pg_advisory_xact_lock_shared($1, hashtext($2))"
        };
        sqlx::query(sql)
            .bind(class as i32)
            .bind(key)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every pooled connection and waits for checked-out ones to come back.
    ///
    /// Call it at shutdown so that SQLite checkpoints the WAL and Postgres sees clean
    /// disconnects. Clones share the pool, so this closes them all.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
