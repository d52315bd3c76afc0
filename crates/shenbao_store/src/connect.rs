//! Opening a [`Store`]: choosing the backend from the URL, SQLite file settings, the pool, and
//! running the embedded migrations.
//!
//! Must not: put the connection URL in an error message (it may carry a password).

use std::path::Path;
use std::str::FromStr;
use std::sync::Once;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Executor};

use crate::{Backend, Store, StoreError};

/// The SQLite schema, embedded at build time from `migrations/sqlite/`.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
/// The PostgreSQL schema, embedded at build time from `migrations/postgres/`.
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Per-connection SQLite settings. WAL is stored in the file, the others per connection, so all
/// four are set on every new connection of the pool.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 15000;";

/// The Any driver finds backends in a process-wide registry that must be filled exactly once.
/// (sqlx guards `install_default_drivers` itself too; this keeps the rule visible here.)
fn install_drivers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(sqlx::any::install_default_drivers);
}

fn configuration_error(message: &'static str) -> StoreError {
    StoreError::Other(sqlx::Error::Configuration(message.into()))
}

impl Store {
    /// Connects to `sqlite:…` or `postgres://…` (also `postgresql://…`) and runs the migrations.
    ///
    /// SQLite: the file and its directory are created when missing; relative paths are taken
    /// from the current directory. `sqlite::memory:` gives a private in-memory database on a
    /// single connection, for throwaway use only. Postgres: the URL is used as given (add
    /// `options=-c search_path=…` to use a schema).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_drivers();
        if url.starts_with("sqlite:") {
            if url.contains(":memory:") || url.contains("mode=memory") {
                return connect_sqlite_memory(url).await;
            }
            let options = SqliteConnectOptions::from_str(url)?;
            let path = options.get_filename().to_path_buf();
            connect_sqlite_file(options, &path).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = AnyPoolOptions::new().connect(url).await?;
            POSTGRES_MIGRATOR.run(&pool).await?;
            Ok(Store {
                pool,
                backend: Backend::Postgres,
            })
        } else {
            Err(configuration_error(
                "unsupported database URL: use sqlite:<path> or postgres://…",
            ))
        }
    }

    /// Opens (creating when missing) the SQLite database at `path` and runs the migrations.
    ///
    /// Prefer this over building a `sqlite://` URL by hand: it needs no escaping.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        install_drivers();
        connect_sqlite_file(SqliteConnectOptions::new(), path).await
    }
}

async fn connect_sqlite_file(
    options: SqliteConnectOptions,
    path: &Path,
) -> Result<Store, StoreError> {
    // The Any driver only takes a URL. An absolute path keeps it out of the URL's host part,
    // where it would be lower-cased.
    let path = std::path::absolute(path).map_err(sqlx::Error::Io)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    }
    let url = options
        .filename(&path)
        .create_if_missing(true)
        .to_url_lossy();
    let pool = sqlite_pool_options()
        .connect_with(AnyConnectOptions::from_url(&url)?)
        .await?;
    finish_sqlite(pool).await
}

/// Every connection of an in-memory URL opens its own empty database, so the pool keeps
/// exactly one connection for its whole life.
async fn connect_sqlite_memory(url: &str) -> Result<Store, StoreError> {
    let pool = sqlite_pool_options()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect(url)
        .await?;
    finish_sqlite(pool).await
}

fn sqlite_pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new().after_connect(|conn, _meta| {
        Box::pin(async move {
            conn.execute(SQLITE_PRAGMAS).await?;
            Ok(())
        })
    })
}

async fn finish_sqlite(pool: sqlx::AnyPool) -> Result<Store, StoreError> {
    SQLITE_MIGRATOR.run(&pool).await?;
    Ok(Store {
        pool,
        backend: Backend::Sqlite,
    })
}
