//! The operator's commands end to end, through the binary: `audit verify` and `audit prune` on
//! SQLite and (when `SHENBAO_TEST_DATABASE_URL` is set) PostgreSQL.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use std::process::{Command, Output};

use shenbao_store::testing::{TestDb, execute_raw, run_postgres, run_sqlite};
use shenbao_store::{AuditQuery, Chain, NewAuditEntry};

/// Runs the binary without the caller's configuration.
fn shenbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(args)
        .env_remove("SHENBAO_DATABASE_URL")
        .env_remove("SHENBAO_DATA_DIR")
        .env_remove("SHENBAO_CONFIG")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn entry(i: i64, at: i64) -> NewAuditEntry {
    NewAuditEntry {
        at,
        actor_user_id: Some(i),
        actor_ip: Some("10.0.0.1".to_owned()),
        action: "test_write".to_owned(),
        target_kind: Some("test".to_owned()),
        target_id: Some(i.to_string()),
        detail: None,
    }
}

// ---------------------------------------------------------------------------------------------
// audit verify / prune

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_and_prune_on_sqlite() {
    run_sqlite(audit_verify_and_prune).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_and_prune_on_postgres() {
    run_postgres(audit_verify_and_prune).await;
}

async fn audit_verify_and_prune(db: TestDb) {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_owned();
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--data-dir", &data_dir, "--database-url", &db.url]);
        shenbao(&all)
    };
    // Twelve entries from 1970, so that pruning has something to delete.
    for i in 1..=12 {
        db.store.audit(&entry(i, 1_000 + i)).await.unwrap();
    }
    let ids: Vec<i64> = {
        let mut rows = db.store.audit_page(None, 100).await.unwrap();
        rows.reverse();
        rows.iter().map(|r| r.id).collect()
    };

    let o = run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("审计日志（audit_log）：完整，已校验 12 条记录"),
        "{out}"
    );
    assert!(out.contains("申报状态记录（application_events）：完整，已校验 0 条记录"));
    let head = db
        .store
        .verify_chain(Chain::AuditLog)
        .await
        .unwrap()
        .head_hash;
    assert!(out.contains(&head), "the head hash is printed: {out}");

    // A changed field of a middle row.
    execute_raw(
        &db.store,
        &format!(
            "UPDATE audit_log SET actor_ip = '6.6.6.6' WHERE id = {}",
            ids[4]
        ),
    )
    .await;
    let o = run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("记录 #{} 的内容与其哈希不符", ids[4])),
        "{}",
        stdout(&o)
    );
    execute_raw(
        &db.store,
        &format!(
            "UPDATE audit_log SET actor_ip = '10.0.0.1' WHERE id = {}",
            ids[4]
        ),
    )
    .await;
    // A deleted row.
    execute_raw(
        &db.store,
        &format!("DELETE FROM audit_log WHERE id = {}", ids[7]),
    )
    .await;
    let o = run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("记录 #{} 没有接续前一条记录 #{}", ids[8], ids[6])),
        "{}",
        stdout(&o)
    );

    // Retention: never less than 180 days; pruning repairs nothing it should not, but what
    // remains after pruning past the gap verifies, from the new anchor.
    let o = run(&["audit", "prune", "--older-than-days", "30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("至少保留 180 天"), "{}", stderr(&o));
    let o = run(&["audit", "prune", "--older-than-days", "180"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("已删除 10 条"), "{}", stdout(&o));
    let o = run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("完整，已校验 2 条记录") && out.contains("已按保留期限删除"),
        "the newest entry and the pruning's own: {out}"
    );
    let pruned = db
        .store
        .audit_search(&AuditQuery {
            action: Some("audit_pruned".to_owned()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(pruned.len(), 1);
}
