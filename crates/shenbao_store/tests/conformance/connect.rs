//! Connecting and migrating: URL schemes, both migration trees, SQLite files and memory.

use super::*;

// ---------------------------------------------------------------------------------------------
// Organisations and users

async fn the_backend_follows_the_url_scheme(db: TestDb) {
    let expected = if db.url.starts_with("sqlite:") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    assert_eq!(db.store.backend(), expected);
}

async fn reconnecting_keeps_the_data_and_migrates_nothing_twice(db: TestDb) {
    db.store
        .store_call(
            "qz-2024-ai-industry",
            "x",
            "builtin",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            1,
        )
        .await
        .unwrap();
    let again = Store::connect(&db.url).await.unwrap();
    assert_eq!(again.calls().await.unwrap().len(), 1);
    again.close().await;
}

// ---------------------------------------------------------------------------------------------
// Backend-independent checks

#[test]
fn both_migration_trees_have_the_same_file_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
}

#[tokio::test]
async fn a_sqlite_file_and_its_directory_are_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("数据").join("shenbao.db");
    let store = Store::open_sqlite(&path).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store
        .store_call(
            "c",
            "x",
            "builtin",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            1,
        )
        .await
        .unwrap();
    assert!(path.exists());
    // WAL mode keeps recent writes in the -wal file until a checkpoint.
    assert!(path.with_extension("db-wal").exists());
    store.close().await;
}

#[tokio::test]
async fn an_in_memory_sqlite_database_works_on_its_single_connection() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store
        .store_call(
            "c",
            "x",
            "builtin",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            1,
        )
        .await
        .unwrap();
    assert_eq!(store.calls().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_unknown_url_scheme_is_refused_without_echoing_the_url() {
    let error = Store::connect("mysql://root:secret@localhost/db")
        .await
        .unwrap_err();
    assert!(!error.to_string().contains("secret"), "{error}");
}

/// Migration 0006 rebuilds `organisations` on SQLite (to drop the USCC's uniqueness) while
/// accounts and conflicts point at it: on a database migrated to 0005 with data, it keeps
/// every organisation and every reference, foreign keys stay enforced, and a second
/// organisation with the same code can then be added.
#[tokio::test]
async fn the_sqlite_uscc_migration_keeps_organisations_and_their_references() {
    use sqlx::Connection;
    use std::str::FromStr;
    let dir = tempfile::tempdir().expect("dir");
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!(
        "sqlite://{}/m.db?mode=rwc",
        dir.path().display()
    ))
    .expect("url")
    .foreign_keys(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("connect");
    let all = sqlx::migrate!("./migrations/sqlite");
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = all
        .migrations
        .iter()
        .filter(|m| m.version < 6)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&mut conn).await.expect("migrations up to 0005");
    for sql in [
        "INSERT INTO organisations (uscc, name, region, created_at) \
         VALUES ('91370102MA3DEM0015', '甲公司', '370102', 1)",
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             created_at, password_changed_at) VALUES ('a', 'h', '甲', 'applicant', 1, 1, 1)",
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             created_at, password_changed_at) VALUES ('e', 'h', '专家', 'expert', NULL, 1, 1)",
        "INSERT INTO expert_conflicts (call_id, user_id, organisation_id, reason, declared_at) \
         VALUES ('c', 2, 1, NULL, 1)",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect(sql);
    }
    all.run(&mut conn).await.expect("migration 0006 on data");
    let orphans: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .expect("check");
    assert!(orphans.is_empty(), "{orphans:?}");
    let kept: (i64, String) = sqlx::query_as("SELECT id, name FROM organisations")
        .fetch_one(&mut conn)
        .await
        .expect("kept");
    assert_eq!(kept, (1, "甲公司".to_string()));
    sqlx::query(
        "INSERT INTO organisations (uscc, name, region, created_at) \
         VALUES ('91370102MA3DEM0015', '乙公司', '370102', 2)",
    )
    .execute(&mut conn)
    .await
    .expect("the same code again");
    let dangling = sqlx::query(
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             created_at, password_changed_at) VALUES ('x', 'h', 'x', 'applicant', 99, 1, 1)",
    )
    .execute(&mut conn)
    .await;
    assert!(dangling.is_err(), "foreign keys are still enforced");
}

shenbao_store::on_both_databases!(
    the_backend_follows_the_url_scheme,
    reconnecting_keeps_the_data_and_migrates_nothing_twice,
);
