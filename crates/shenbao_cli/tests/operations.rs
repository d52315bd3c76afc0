//! The operator's commands end to end, through the binary: `audit verify` and `audit prune` on
//! SQLite and (when `SHENBAO_TEST_DATABASE_URL` is set) PostgreSQL, and `backup` / `restore`
//! taken while writes go on, with a damaged backup refused.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use shenbao_store::testing::{TestDb, execute_raw, run_postgres, run_sqlite};
use shenbao_store::{
    ApplicationEvent, AuditQuery, Chain, NewApplication, NewAttachment, NewAuditEntry,
    NewOrganisation, NewUser, Role, Store,
};

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

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

// ---------------------------------------------------------------------------------------------
// backup / restore

/// What the writer had acknowledged: (entry number, storage key, SHA-256).
type Acked = Arc<Mutex<Vec<(i64, String, String)>>>;

/// Writes until `stop`: a file in the files folder, its attachment row, an audit entry; each
/// write is acknowledged (pushed to `acked`) once all three are done.
async fn writer(
    store: Store,
    files: std::path::PathBuf,
    app: i64,
    user: i64,
    acked: Acked,
    stop: Arc<AtomicBool>,
) {
    let mut i = 0_i64;
    while !stop.load(Ordering::SeqCst) {
        let key = format!("hn-2025-ai/{app}/{i:05}");
        // 64 KiB to 128 KiB each, different content.
        let content: Vec<u8> = (0..65_536 + (i as usize * 4_099) % 65_536)
            .map(|n| ((n as i64 * 31 + i * 7) % 251) as u8)
            .collect();
        let path = files.join(&key);
        tokio::fs::create_dir_all(path.parent().unwrap())
            .await
            .unwrap();
        tokio::fs::write(&path, &content).await.unwrap();
        let sha = sha256(&content);
        store
            .add_attachment(&NewAttachment {
                application_id: app,
                slot: "evidence".to_owned(),
                original_name: format!("证明材料{i}.pdf"),
                storage_key: key.clone(),
                size: content.len() as i64,
                sha256: sha.clone(),
                file_type: "pdf".to_owned(),
                created_at: 1_000 + i,
                uploaded_by: user,
            })
            .await
            .unwrap();
        store.audit(&entry(i, 1_000 + i)).await.unwrap();
        acked.lock().unwrap().push((i, key, sha));
        i += 1;
    }
}

async fn draft(store: &Store) -> (i64, i64) {
    let (org, user) = store
        .register_applicant(
            &NewOrganisation {
                uscc: "91430104MA3DEM043J".to_owned(),
                name: "长沙演示数据有限公司".to_owned(),
                region: "430104".to_owned(),
                created_at: 1_000,
            },
            &NewUser {
                username: "qiye".to_owned(),
                password_hash: "x".to_owned(),
                display_name: "联系人".to_owned(),
                role: Role::Applicant,
                organisation_id: None,
                scope_region: None,
                scope_sector: None,
                email: None,
                created_at: 1_000,
            },
        )
        .await
        .unwrap();
    let app = store
        .create_application(
            &NewApplication {
                call_id: "hn-2025-ai".to_owned(),
                call_version: 1,
                direction: "llm".to_owned(),
                subdirection: None,
                organisation_id: org.id,
                created_by: user.id,
                answers: "{}".to_owned(),
                created_at: 1_000,
            },
            &ApplicationEvent {
                at: 1_000,
                actor_user_id: Some(user.id),
                actor_ip: None,
                note: None,
            },
        )
        .await
        .unwrap();
    (app.id, user.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_every_acknowledged_write() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let backup_dir = root.path().join("backup");
    let restored = root.path().join("restored");
    let (d, b, r) = (
        data.to_str().unwrap().to_owned(),
        backup_dir.to_str().unwrap().to_owned(),
        restored.to_str().unwrap().to_owned(),
    );
    let store = Store::open_sqlite(&data.join("shenbao.db")).await.unwrap();
    let (app, user) = draft(&store).await;
    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writes = tokio::spawn(writer(
        store.clone(),
        data.join("files"),
        app,
        user,
        Arc::clone(&acked),
        Arc::clone(&stop),
    ));
    // An upload in progress (the web layer's temporary folder).
    std::fs::create_dir_all(data.join("files/tmp")).unwrap();
    std::fs::write(data.join("files/tmp/partial"), "half an upload").unwrap();
    while acked.lock().unwrap().len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }

    // The backup, while the writer goes on.
    let before: Vec<(i64, String, String)> = acked.lock().unwrap().clone();
    let args = ["backup", b.as_str(), "--data-dir", d.as_str()].map(str::to_owned);
    let o = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        shenbao(&args)
    })
    .await
    .unwrap();
    let during = acked.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::SeqCst);
    writes.await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(during > 0, "writes went on during the backup");
    let out = stdout(&o);
    assert!(
        out.contains("备份已写入") && out.contains("已逐一核对"),
        "{out}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(backup_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["database"], "sqlite");
    assert_eq!(manifest["files"][0]["path"], "shenbao.db");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&backup_dir).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o700, "the backup is its owner's only");
    store.close().await;

    // Restored into a new folder: every write acknowledged before the backup started is
    // there, and every file the database names is intact.
    let o = shenbao(&["restore", &b, "--data-dir", &r]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("审计日志（audit_log）：完整"),
        "{}",
        stdout(&o)
    );
    let copy = Store::open_sqlite(&restored.join("shenbao.db"))
        .await
        .unwrap();
    let logged: Vec<String> = copy
        .audit_search(&AuditQuery {
            action: Some("test_write".to_owned()),
            limit: 100_000,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.entry.target_id)
        .collect();
    let files = copy.stored_files().await.unwrap();
    for (i, key, sha) in &before {
        assert!(logged.contains(&i.to_string()), "audit entry {i} restored");
        assert!(
            files
                .iter()
                .any(|f| &f.storage_key == key && &f.sha256 == sha),
            "attachment {key} restored"
        );
    }
    assert!(files.len() >= before.len());
    for f in &files {
        let bytes = std::fs::read(restored.join("files").join(&f.storage_key)).unwrap();
        assert_eq!(sha256(&bytes), f.sha256, "{} intact", f.storage_key);
    }
    assert!(
        !restored.join("files/tmp").exists(),
        "uploads in progress are not backed up"
    );
    assert_eq!(
        copy.verify_chain(Chain::AuditLog).await.unwrap().broken,
        None
    );
    copy.close().await;

    // A data folder that holds data is not overwritten without --force.
    let o = shenbao(&["restore", &b, "--data-dir", &r]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不为空") && stderr(&o).contains("--force"));
    let o = shenbao(&["restore", &b, "--data-dir", &r, "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // A damaged backup is refused, naming the file, and nothing is restored.
    let (_, key, _) = &before[3];
    let victim = backup_dir.join("files").join(key);
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&victim, &bytes).unwrap();
    let elsewhere = root.path().join("elsewhere");
    let e = elsewhere.to_str().unwrap();
    let o = shenbao(&["restore", &b, "--data-dir", e]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("备份已损坏") && stderr(&o).contains(&format!("files/{key}")),
        "{}",
        stderr(&o)
    );
    assert!(!elsewhere.join("shenbao.db").exists(), "nothing restored");
    // So is one with a file taken out.
    bytes[100] ^= 1;
    std::fs::write(&victim, &bytes).unwrap();
    std::fs::remove_file(backup_dir.join("files").join(&before[5].1)).unwrap();
    let o = shenbao(&["restore", &b, "--data-dir", e]);
    assert!(stderr(&o).contains("缺少文件"), "{}", stderr(&o));
}

#[test]
fn a_backup_needs_an_empty_folder_outside_the_data_folder() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let d = data.to_str().unwrap();
    let inside = data.join("backup");
    let o = shenbao(&["backup", inside.to_str().unwrap(), "--data-dir", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不能位于数据目录"), "{}", stderr(&o));
    let full = root.path().join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("x"), "x").unwrap();
    let o = shenbao(&["backup", full.to_str().unwrap(), "--data-dir", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不为空"), "{}", stderr(&o));
    let o = shenbao(&["restore", full.to_str().unwrap(), "--data-dir", d]);
    assert!(stderr(&o).contains("不是 shenbao 备份"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_only_the_files_are_backed_up() {
    run_postgres(postgres_backup).await;
}

async fn postgres_backup(db: TestDb) {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let (app, user) = draft(&db.store).await;
    for i in 0..3 {
        let key = format!("hn-2025-ai/{app}/{i}");
        let content = format!("文件{i}").repeat(1000);
        std::fs::create_dir_all(data.join("files").join(&key).parent().unwrap()).unwrap();
        std::fs::write(data.join("files").join(&key), &content).unwrap();
        db.store
            .add_attachment(&NewAttachment {
                application_id: app,
                slot: "evidence".to_owned(),
                original_name: "a.pdf".to_owned(),
                storage_key: key,
                size: content.len() as i64,
                sha256: sha256(content.as_bytes()),
                file_type: "pdf".to_owned(),
                created_at: 1_000,
                uploaded_by: user,
            })
            .await
            .unwrap();
    }
    let backup_dir = root.path().join("backup");
    let b = backup_dir.to_str().unwrap();
    let o = shenbao(&[
        "backup",
        b,
        "--data-dir",
        data.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("pg_dump") && stdout(&o).contains("附件文件：3 个"),
        "{}",
        stdout(&o)
    );
    assert!(!backup_dir.join("shenbao.db").exists());

    let restored = root.path().join("restored");
    let o = shenbao(&[
        "restore",
        b,
        "--data-dir",
        restored.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("pg_restore"), "{}", stdout(&o));
    for f in db.store.stored_files().await.unwrap() {
        let bytes = std::fs::read(restored.join("files").join(&f.storage_key)).unwrap();
        assert_eq!(sha256(&bytes), f.sha256);
    }

    // A missing attachment file is an incomplete backup.
    std::fs::remove_file(data.join("files").join(format!("hn-2025-ai/{app}/1"))).unwrap();
    let again = root.path().join("again");
    let o = shenbao(&[
        "backup",
        again.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("hn-2025-ai/{app}/1")) && stderr(&o).contains("不完整"),
        "{}",
        stderr(&o)
    );
}
