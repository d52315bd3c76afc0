//! What `shenbao backup` and `restore` need from the database: a consistent online copy of an
//! SQLite database, the files the attachments name (in the live database or in a copy), and
//! the SQLite file a URL points at.
//!
//! Must not: touch the files folder (the CLI copies and checks the files).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{Backend, Store, StoreError};

/// A file an attachment row (or a unit's stamped scan) names: where it lives in the files
/// folder and what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The row's id (of `attachments`, or of `unit_scans` when `scan`).
    pub id: i64,
    /// Whether the row is a unit's stamped scan (`unit_scans`) rather than an attachment.
    pub scan: bool,
    /// Relative path in the files folder.
    pub storage_key: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

const STORED_FILES: &str = "SELECT CAST(0 AS BIGINT), id, storage_key, size, sha256 \
                              FROM attachments \
                            UNION ALL \
                            SELECT CAST(1 AS BIGINT), id, storage_key, size, sha256 \
                              FROM unit_scans \
                            ORDER BY 1, 2";

impl From<(i64, i64, String, i64, String)> for StoredFile {
    fn from((scan, id, storage_key, size, sha256): (i64, i64, String, i64, String)) -> StoredFile {
        StoredFile {
            id,
            scan: scan == 1,
            storage_key,
            size,
            sha256,
        }
    }
}

fn configuration_error(message: &'static str) -> StoreError {
    StoreError::Other(sqlx::Error::Configuration(message.into()))
}

impl Store {
    /// Writes a consistent copy of the SQLite database into `path` (which must not exist)
    /// with `VACUUM INTO`: one read transaction, so writers go on meanwhile (WAL) and the copy
    /// holds exactly the transactions committed before it started, compacted. PostgreSQL is
    /// refused (use `pg_dump`).
    pub async fn vacuum_into(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(configuration_error(
                "VACUUM INTO is for SQLite; back up PostgreSQL with pg_dump",
            ));
        }
        let path = path
            .to_str()
            .ok_or_else(|| configuration_error("the backup path is not valid UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every file the attachments and the units' stamped scans of this database name,
    /// attachments first, each by id.
    pub async fn stored_files(&self) -> Result<Vec<StoredFile>, StoreError> {
        let rows: Vec<(i64, i64, String, i64, String)> =
            sqlx::query_as(STORED_FILES).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(StoredFile::from).collect())
    }
}

/// Opens the SQLite file at `path` read-only (no migration, no journal-mode change, so a
/// backup's copy stays byte for byte as written), checks its integrity (`PRAGMA
/// quick_check`) and returns the files its attachments name.
pub async fn sqlite_copy_files(path: &Path) -> Result<Vec<StoredFile>, StoreError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await?;
    if check != "ok" {
        conn.close().await?;
        return Err(StoreError::Other(sqlx::Error::Protocol(format!(
            "the database copy is damaged: {check}"
        ))));
    }
    let rows: Vec<(i64, i64, String, i64, String)> =
        sqlx::query_as(STORED_FILES).fetch_all(&mut conn).await?;
    conn.close().await?;
    Ok(rows.into_iter().map(StoredFile::from).collect())
}

/// The file an `sqlite:` URL names (as [`Store::connect`] would open it), `None` for other
/// URLs and in-memory databases.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/shenbao.db"),
            Some(PathBuf::from("data/shenbao.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///srv/shenbao/shenbao.db"),
            Some(PathBuf::from("/srv/shenbao/shenbao.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }
}
