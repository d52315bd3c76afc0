//! Crash safety of the real binary: a bounded surge of autosaves, uploads and submissions from
//! several applicants, `kill -9` of the server while their requests are in flight, a restart on
//! the same data folder, and then every acknowledged write must be there and SQLite's integrity
//! check clean.
//!
//! "Acknowledged" means the client received the server's complete answer: the autosave's JSON
//! with `saved: true` and its version, the upload's redirect with `msg=uploaded`, the
//! submission's redirect to the status page. A request that failed because of the kill was
//! never acknowledged and may or may not have taken effect.
//!
//! The surge is bounded by progress, not by time: the server is killed once enough writes have
//! been acknowledged (with a little jitter), so a slow, loaded machine only makes it take
//! longer. A hard cap ends it anyway, and the test then fails on its figures.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use shenbao_store::Store;
use sqlx::Connection;

mod server;
mod surge;

use server::*;
use surge::*;

/// Acknowledged saves, uploads and submissions needed before the kill.
const MIN_SAVES: usize = 200;
const MIN_UPLOADS: usize = 100;
const MIN_SUBMISSIONS: usize = 10;
/// The surge ends here even if the figures above were not reached (the test then fails).
const SURGE_CAP: Duration = Duration::from_secs(120);
/// How long a starting server may take to answer `GET /`.
const START_WAIT: Duration = Duration::from_secs(60);
/// Autosaves of an application before it is completed and submitted.
const SAVES_PER_SUBMISSION: usize = 4;

// ---- the checks after the restart ---------------------------------------------------------------

/// Every file under `dir`, as paths relative to `root`.
fn files_under(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.insert(rel.to_string_lossy().to_string());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_mid_surge() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");

    // ---- start with demo accounts, log the applicants in
    let mut server = Server::start(&data, true).await;
    let passwords = server.demo_passwords();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let killing = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (index, plan) in PLANS.iter().enumerate() {
        let password = passwords
            .get(plan.username)
            .unwrap_or_else(|| panic!("password of {} printed", plan.username));
        let (browser, csrf) = login(&server.base, plan.username, password).await;
        let ctx = Ctx {
            base: server.base.clone(),
            csrf,
            browser,
            ledger: Arc::clone(&ledger),
            killing: Arc::clone(&killing),
        };
        tasks.push(tokio::spawn(run_client(
            index,
            *plan,
            ctx,
            Arc::clone(&stop),
        )));
    }

    // ---- the surge, until enough is acknowledged (or a client failed, or the cap)
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let l = ledger.lock().expect("ledger");
        if l.enough() || !l.failures.is_empty() || started.elapsed() > SURGE_CAP {
            break;
        }
        drop(l);
        if tasks.iter().all(|t| t.is_finished()) {
            break;
        }
    }
    // A little jitter, so the kill lands at a different point of the clients' loops each run.
    let mut rng = Rng::seeded(0xC0FFEE);
    tokio::time::sleep(Duration::from_millis(rng.below(300))).await;
    killing.store(true, Ordering::SeqCst);
    server.kill_9();
    let surge_time = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let mut ends = Vec::new();
    for t in tasks {
        ends.push(
            tokio::time::timeout(Duration::from_secs(120), t)
                .await
                .expect("a client ends once the server is gone")
                .expect("client task"),
        );
    }
    let ledger = std::mem::take(&mut *ledger.lock().expect("ledger"));
    let cut: Vec<&str> = ends.iter().filter_map(|e| e.cut).collect();
    println!(
        "surge of {surge_time:?}: {} saves, {} uploads, {} submissions acknowledged; \
         requests cut by the kill: {cut:?}",
        ledger.saves.len(),
        ledger.uploads.len(),
        ledger.submissions.len()
    );
    assert!(
        ledger.failures.is_empty(),
        "unexpected answers during the surge:\n{}\nserver stderr:\n{}",
        ledger.failures.join("\n"),
        server.stderr.lock().expect("stderr").join("\n")
    );
    assert!(
        ledger.saves.len() >= MIN_SAVES
            && ledger.uploads.len() >= MIN_UPLOADS
            && ledger.submissions.len() >= MIN_SUBMISSIONS,
        "the surge achieved too little before the kill"
    );
    drop(server);

    // ---- restart on the same data folder; the old sessions still work
    let mut server = Server::start(&data, false).await;
    for end in &ends {
        for app in &end.apps {
            let r = end
                .browser
                .get(server.url(&format!("/applications/{app}/edit")))
                .send()
                .await
                .expect("edit page after the restart");
            assert_eq!(
                r.status(),
                StatusCode::OK,
                "{} sees application {app} after the restart ({})",
                end.plan.username,
                location(&r)
            );
            let html = r.text().await.expect("body");
            if let (Some(shown), Some(acked)) = (
                version_of(&html),
                ledger
                    .saves
                    .iter()
                    .filter(|s| s.app == *app)
                    .map(|s| s.version)
                    .max(),
            ) {
                assert!(
                    shown >= acked,
                    "application {app}: the restarted server shows version {shown}, \
                     {acked} was acknowledged"
                );
            }
        }
    }
    let how = server.stop().await;
    println!("restarted server {how}");
    drop(server);

    // ---- the database and the files, directly
    let db = data.join("shenbao.db");
    let files_root = data.join("files");
    let store = Store::open_sqlite(&db).await.expect("open the database");
    let mut apps = BTreeMap::new();
    for id in ends.iter().flat_map(|e| e.apps.iter()) {
        let row = store
            .application(*id)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("application {id} (its creation was acknowledged)"));
        apps.insert(*id, row);
    }
    for s in &ledger.saves {
        let row = apps.get(&s.app).expect("application loaded");
        assert!(
            row.version >= s.version,
            "LOST SAVE: application {} is at version {}, version {} was acknowledged",
            s.app,
            row.version,
            s.version
        );
        if row.version == s.version {
            let answers: Json = serde_json::from_str(&row.answers).expect("answers JSON");
            assert_eq!(
                answers[s.field].as_str(),
                Some(s.value.as_str()),
                "LOST SAVE: application {} at version {} lacks its marker",
                s.app,
                s.version
            );
        }
    }
    let mut referenced = BTreeSet::new();
    let mut attachments = BTreeMap::new();
    for id in apps.keys() {
        let rows = store.attachments(*id).await.expect("attachments");
        referenced.extend(rows.iter().map(|a| a.storage_key.clone()));
        attachments.insert(*id, rows);
    }
    for u in &ledger.uploads {
        let a = attachments[&u.app]
            .iter()
            .find(|a| a.original_name == u.name)
            .unwrap_or_else(|| panic!("LOST UPLOAD: no attachment row for {u:?}"));
        assert_eq!(
            (a.slot.as_str(), a.size, a.sha256.as_str()),
            (
                u.slot.as_str(),
                i64::try_from(u.size).expect("size"),
                u.sha256.as_str()
            ),
            "attachment row of {}",
            u.name
        );
        let bytes = std::fs::read(files_root.join(&a.storage_key))
            .unwrap_or_else(|e| panic!("LOST UPLOAD: file of {} ({}): {e}", u.name, a.storage_key));
        assert_eq!(bytes.len(), u.size, "size on disk of {}", u.name);
        assert_eq!(
            sha256_hex(&bytes),
            u.sha256,
            "content on disk of {}",
            u.name
        );
    }
    for s in &ledger.submissions {
        let row = &apps[&s.app];
        assert!(
            row.status != shenbao_store::ApplicationStatus::Draft && row.submitted_at.is_some(),
            "LOST SUBMISSION: application {} is {}",
            s.app,
            row.status
        );
        let snapshot = store
            .latest_snapshot(s.app)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("LOST SUBMISSION: no snapshot of {}", s.app));
        let answers: Json = serde_json::from_str(&snapshot.answers).expect("snapshot answers");
        assert_eq!(
            answers[s.field].as_str(),
            Some(s.value.as_str()),
            "the snapshot of {} holds the last saved answers",
            s.app
        );
        let frozen: Json = serde_json::from_str(&snapshot.files).expect("snapshot files");
        let names: BTreeSet<&str> = frozen
            .as_array()
            .expect("files list")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        for u in ledger.uploads.iter().filter(|u| u.app == s.app) {
            assert!(
                names.contains(u.name.as_str()),
                "the snapshot of {} lists {}",
                s.app,
                u.name
            );
        }
    }
    store.close().await;

    // Files the kill left behind (persisted but never recorded, or half received): harmless,
    // reported for information.
    let mut on_disk = BTreeSet::new();
    files_under(&files_root, &files_root, &mut on_disk);
    let orphans = on_disk
        .iter()
        .filter(|f| !f.starts_with("tmp/") && !referenced.contains(*f))
        .count();
    let partial = on_disk.iter().filter(|f| f.starts_with("tmp/")).count();
    println!(
        "after the restart: {} applications, {} attachments; files without a row: {orphans}, \
         in tmp/: {partial}",
        apps.len(),
        referenced.len()
    );

    let mut conn = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(&db),
    )
    .await
    .expect("connect");
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .expect("integrity_check");
    assert_eq!(integrity, vec!["ok".to_string()], "PRAGMA integrity_check");
    let foreign: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .expect("foreign_key_check");
    assert!(foreign.is_empty(), "PRAGMA foreign_key_check");
    conn.close().await.expect("close");
}
