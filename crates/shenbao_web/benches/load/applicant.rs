//! The applicant's phases (3–5): the form page and the draft saves under load from one
//! session, then the uploads.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use shenbao_store::Store;

use crate::common::applicant::{Fixture, form_pairs};
use crate::common::csrf_of;
use crate::fixtures::{BenchApps, PASSWORD, USERNAME};
use crate::hammer::{
    CONNECTIONS, Outcome, PHASE, PageWorker, Tally, WARM_UP, Worker, hammer, print_phase,
};
use crate::http::log_in;
use crate::memory::{Cpu, mib, proc_status};
use crate::server::Server;
use crate::uploads::{
    UPLOAD_BYTES, UPLOADS, Uploads, hex, mp4_chunks, upload_phase, verify_uploads,
};

/// Autosave of the whole form into its own application, with the version the last save
/// answered; one field changes on every save.
struct AutosaveWorker {
    client: reqwest::Client,
    store: Store,
    id: i64,
    url: String,
    csrf: String,
    version: i64,
    saves: u64,
    /// The form's other fields, already URL-encoded.
    fields: Arc<String>,
}

impl Worker for AutosaveWorker {
    async fn request(&mut self) -> Outcome {
        self.saves += 1;
        let name: String = form_urlencoded::byte_serialize(
            format!(
                "湘潭工程机械行业制造业数字化转型促进中心（第{}稿）",
                self.saves
            )
            .as_bytes(),
        )
        .collect();
        let body = format!(
            "csrf={}&version={}&f.project_name={name}&{}",
            self.csrf, self.version, self.fields
        );
        let r = self
            .client
            .post(&self.url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await;
        let r = match r {
            Ok(r) => r,
            Err(_) => return Outcome::Failed,
        };
        match r.status() {
            StatusCode::OK => match r.json::<Json>().await {
                Ok(v) => match v["version"].as_i64() {
                    Some(version) => {
                        self.version = version;
                        Outcome::Ok
                    }
                    None => Outcome::Failed,
                },
                Err(_) => Outcome::Failed,
            },
            StatusCode::CONFLICT => {
                // Should not happen (one writer per application); pick up the stored version.
                if let Ok(Some(row)) = self.store.application(self.id).await {
                    self.version = row.version;
                }
                Outcome::Conflict
            }
            _ => Outcome::Failed,
        }
    }
}

/// What the applicant's phases measured.
pub struct ApplicantFigures {
    pub form: Tally,
    pub save: Tally,
    pub up: Uploads,
    pub saved: i64,
    pub body_size: usize,
    pub rss_idle: u64,
    pub rss_after_form: u64,
    pub rss_after_save: u64,
    pub hwm_before_uploads: u64,
}

/// The applicant's form page, draft saves and uploads (phases 3–5).
pub async fn applicant_section(
    store: &Store,
    server: &Server,
    data: &Path,
    center: &Fixture,
    apps: &BenchApps,
) -> Result<ApplicantFigures> {
    let pid = server.pid();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()?;
    log_in(&client, server, USERNAME, PASSWORD).await?;
    let edit = server.url(&format!("/applications/{}/edit", apps.form));
    let page = client.get(&edit).send().await?;
    ensure!(
        page.status() == StatusCode::OK,
        "edit page: {}",
        page.status()
    );
    let html = page.text().await?;
    ensure!(
        html.contains("name=\"f.project_name\""),
        "edit page has the form"
    );
    let csrf = csrf_of(&html);
    let rss_idle = proc_status(pid, "VmRSS:").unwrap_or(0);
    println!(
        "applicant: edit page {:.0} KiB; server RSS {:.1} MiB",
        html.len() as f64 / 1024.0,
        mib(rss_idle)
    );

    // 3. Form page.
    let pages: Vec<PageWorker> = (0..CONNECTIONS)
        .map(|_| PageWorker {
            client: client.clone(),
            url: edit.clone(),
        })
        .collect();
    let (_, pages) = hammer(pages, WARM_UP).await;
    let ((form, _), form_cpu) = Cpu::around(pid, hammer(pages, PHASE)).await;
    print_phase("form page ", &form, &form_cpu);
    let rss_after_form = proc_status(pid, "VmRSS:").unwrap_or(0);

    // 4. Draft save: the whole form, as the page's script sends it.
    let mut pairs = form_pairs(&center.answers);
    pairs.retain(|(k, _)| k != "f.project_name");
    let fields = Arc::new(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish(),
    );
    let savers: Vec<AutosaveWorker> = apps
        .autosave
        .iter()
        .map(|&id| AutosaveWorker {
            client: client.clone(),
            store: store.clone(),
            id,
            url: server.url(&format!("/applications/{id}/autosave")),
            csrf: csrf.clone(),
            version: 1,
            saves: 0,
            fields: Arc::clone(&fields),
        })
        .collect();
    let (_, savers) = hammer(savers, WARM_UP).await;
    let ((save, savers), save_cpu) = Cpu::around(pid, hammer(savers, PHASE)).await;
    print_phase("draft save", &save, &save_cpu);
    let body_size = fields.len();
    let mut saved = 0;
    for w in &savers {
        let row = store
            .application(w.id)
            .await?
            .context("autosaved application")?;
        ensure!(
            row.version == w.version,
            "application {}: a save was lost",
            w.id
        );
        saved += row.version - 1;
    }
    let rss_after_save = proc_status(pid, "VmRSS:").unwrap_or(0);
    let hwm_before_uploads = proc_status(pid, "VmHWM:").unwrap_or(0);

    // 5. Uploads.
    let mut hasher = Sha256::new();
    for c in mp4_chunks() {
        hasher.update(c);
    }
    let sha = hex(&hasher.finalize());
    let (up, up_cpu) = Cpu::around(pid, upload_phase(&client, server, &csrf, &apps.upload)).await;
    let up = up?;
    verify_uploads(store, &data.join("files"), &apps.upload, &sha).await?;
    println!(
        "uploads: {UPLOADS} × {:.1} MiB = {:.0} MiB in {:.1}s ({:.0} MiB/s; slowest {:.1}s); \
         all {UPLOADS} attachment rows and files verified",
        mib(UPLOAD_BYTES),
        mib(up.bytes),
        up.took.as_secs_f64(),
        mib(up.bytes) / up.took.as_secs_f64(),
        up.slowest.as_secs_f64()
    );
    println!("{:10}  {}", "", up_cpu.describe(up.took));
    println!(
        "server RSS during uploads: {:.1} MiB before, sampled peak {:.1} MiB, VmHWM {:.1} MiB{}",
        mib(up.rss_before),
        mib(up.sampled_peak),
        mib(up.hwm),
        if up.peak_reset {
            " (reset when the phase began)"
        } else {
            " (since the server started: the kernel refused to reset it)"
        }
    );
    Ok(ApplicantFigures {
        form,
        save,
        up,
        saved,
        body_size,
        rss_idle,
        rss_after_form,
        rss_after_save,
        hwm_before_uploads,
    })
}
