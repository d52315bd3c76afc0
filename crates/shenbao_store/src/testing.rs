//! Database-per-test helpers for this crate's conformance suite and for the tests of crates
//! built on the store (`shenbao_web`): write a test body once as `async fn name(db: TestDb)`
//! and run it with [`run_sqlite`] and [`run_postgres`].
//!
//! - SQLite: a fresh file in a temporary directory, removed afterwards.
//! - PostgreSQL: only when `SHENBAO_TEST_DATABASE_URL` is set (CI sets it to
//!   `postgres://postgres@127.0.0.1:5432/test`); otherwise the test prints that it was skipped
//!   and passes. Each test gets a fresh schema `t_<random>`, created on a plain connection,
//!   migrated through `options=-c search_path=…` in the store's URL, and dropped afterwards,
//!   also when the body panics.
//!
//! Must not: be called from production code. It panics on setup failures, as tests should.

use std::any::Any;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use sqlx::Connection;

use crate::{NewUser, Role, Store};

/// The environment variable holding the PostgreSQL URL that tests may use.
pub const DATABASE_URL_VAR: &str = "SHENBAO_TEST_DATABASE_URL";

/// What a test body gets: a migrated, empty store and the URL it was opened with (to open a
/// second store on the same database, as a second server process would).
#[derive(Debug)]
pub struct TestDb {
    /// The store, on a database of its own.
    pub store: Store,
    /// The URL `store` was connected with.
    pub url: String,
}

/// Generates `sqlite::<name>` and `postgres::<name>` tests from `async fn <name>(TestDb)`
/// bodies: the one way every crate runs a test on both databases. The PostgreSQL ones run when
/// [`DATABASE_URL_VAR`] is set (CI sets it) and otherwise pass after saying they were skipped.
///
/// ```text
/// async fn a_draft_saves(db: TestDb) { … }
/// shenbao_store::on_both_databases!(a_draft_saves);
/// ```
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::testing::run_sqlite(super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::testing::run_postgres(super::$name).await;
                }
            )*
        }
    };
}

/// Runs `body` on a fresh SQLite file.
pub async fn run_sqlite<F, Fut>(body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("shenbao.db").display());
    let store = Store::connect(&url)
        .await
        .expect("open the SQLite test database");
    let outcome = CatchUnwind(Box::pin(body(TestDb {
        store: store.clone(),
        url,
    })))
    .await;
    store.close().await;
    drop(dir);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `body` in a fresh PostgreSQL schema when [`DATABASE_URL_VAR`] is set; otherwise prints
/// that it was skipped and returns.
pub async fn run_postgres<F, Fut>(body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    let Ok(base_url) = std::env::var(DATABASE_URL_VAR) else {
        eprintln!("skipped: {DATABASE_URL_VAR} is not set");
        return;
    };
    let schema = format!("t_{:016x}", RandomState::new().hash_one(std::process::id()));
    let mut admin = sqlx::PgConnection::connect(&base_url)
        .await
        .expect("connect to the PostgreSQL test database");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut admin)
        .await
        .expect("create the test schema");

    let separator = if base_url.contains('?') { '&' } else { '?' };
    let url = format!("{base_url}{separator}options=-c%20search_path%3D{schema}");
    let store = Store::connect(&url)
        .await
        .expect("open the store in the test schema");
    let outcome = CatchUnwind(Box::pin(body(TestDb {
        store: store.clone(),
        url,
    })))
    .await;
    store.close().await;

    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut admin)
        .await
        .expect("drop the test schema");
    admin.close().await.expect("close the admin connection");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Turns a panic inside the body into a value, so that the database is cleaned up before the
/// panic goes on. (Spawning the body would do the same but demand a `Send + 'static` future.)
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// An account to insert in a test: `name` as login and display name, a placeholder password
/// hash, the role and (for bureaus) the division it reviews.
pub fn new_user(name: &str, role: Role, scope_region: Option<&str>, created_at: i64) -> NewUser {
    NewUser {
        username: name.to_string(),
        password_hash: "x".to_string(),
        display_name: name.to_string(),
        role,
        organisation_id: None,
        scope_region: scope_region.map(str::to_string),
        scope_sector: None,
        email: None,
        created_at,
    }
}

/// Puts application `id` where review routing puts an application that has passed every
/// bureau level: at `level` (the call's province-scope level), unit `*`, with `title` as its
/// case name. A stand-in for the routing code in tests of the owner's side.
pub async fn place_at_owner_level(store: &Store, id: i64, level: &str, title: &str) {
    sqlx::query("UPDATE applications SET level = $1, unit = '*', title = $2 WHERE id = $3")
        .bind(level)
        .bind(title)
        .bind(id)
        .execute(&store.pool)
        .await
        .expect("place the application at the owner level");
}

/// Runs one SQL statement on the store's database behind the store's back and returns the rows
/// it changed: for tests that tamper with rows as an intruder with database access would (the
/// hash-chain tests).
pub async fn execute_raw(store: &Store, sql: &str) -> u64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&store.pool)
        .await
        .expect("run the raw statement")
        .rows_affected()
}
