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

// ---- the server process ----------------------------------------------------------------------

/// The `shenbao serve` child process and what it printed. Dropping it kills the process, so a
/// failing test leaves nothing running.
struct Server {
    child: Child,
    base: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads a pipe of the child line by line into `lines` (the last 500), until it closes. The
/// pipes must be drained: a child blocked on a full pipe would stall the surge.
fn drain_lines(pipe: impl Read + Send + 'static, lines: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut l = lines.lock().expect("lines");
            l.push(line);
            if l.len() > 500 {
                l.remove(0);
            }
        }
    });
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("local address")
        .port()
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

impl Server {
    /// Starts `shenbao serve` on `data` and a free loopback port, and waits until `GET /`
    /// answers. Retries on another port when the process exits early (a port taken between
    /// probing and binding).
    async fn start(data: &Path, demo: bool) -> Server {
        let mut last_error = String::new();
        for _ in 0..5 {
            match Server::try_start(data, demo).await {
                Ok(s) => return s,
                Err(e) => last_error = e,
            }
        }
        panic!("the server did not start: {last_error}");
    }

    async fn try_start(data: &Path, demo: bool) -> Result<Server, String> {
        let cwd = data.parent().expect("data folder has a parent");
        // An empty config file, so neither a `shenbao.toml` nearby nor the environment of the
        // machine running the tests changes the setup.
        let config = cwd.join("empty.toml");
        std::fs::write(&config, "").expect("config file");
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shenbao"));
        cmd.current_dir(cwd)
            .arg("serve")
            .arg("--data-dir")
            .arg(data)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if demo {
            cmd.arg("--demo");
        }
        for var in [
            "SHENBAO_DATA_DIR",
            "SHENBAO_DATABASE_URL",
            "SHENBAO_CONFIG",
            "SHENBAO_LISTEN",
            "SHENBAO_MAX_UPLOAD_MB",
            "SHENBAO_SMTP_URL",
            "SHENBAO_MAIL_FROM",
            "SHENBAO_PUBLIC_URL",
        ] {
            cmd.env_remove(var);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        drain_lines(child.stdout.take().expect("stdout"), Arc::clone(&stdout));
        drain_lines(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stdout,
            stderr,
        };
        let probe = browser();
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "exited with {status}: {}",
                    server.stderr.lock().expect("stderr").join("\n")
                ));
            }
            if let Ok(r) = probe.get(server.url("/")).send().await
                && r.status() == StatusCode::OK
            {
                break;
            }
            if started.elapsed() > START_WAIT {
                panic!(
                    "no answer on {} after {START_WAIT:?}; stderr:\n{}",
                    server.base,
                    server.stderr.lock().expect("stderr").join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The address line is printed right before serving; wait for the reader to see it, so
        // every earlier line (the demo passwords) is there too.
        while !server.printed("请用浏览器打开") {
            assert!(
                started.elapsed() < START_WAIT,
                "the address line never came"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(server)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn printed(&self, text: &str) -> bool {
        self.stdout
            .lock()
            .expect("stdout")
            .iter()
            .any(|l| l.contains(text))
    }

    /// The demo passwords printed once at the first start:
    /// `  username  role  password  display name`.
    fn demo_passwords(&self) -> BTreeMap<String, String> {
        let lines = self.stdout.lock().expect("stdout");
        let start = lines
            .iter()
            .position(|l| l.starts_with("演示账号（密码只显示这一次）"))
            .expect("the demo passwords are printed");
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| {
                let parts: Vec<&str> = l.split_whitespace().collect();
                (parts.len() >= 3).then(|| (parts[0].to_string(), parts[2].to_string()))
            })
            .collect()
    }

    /// `kill -9`: SIGKILL, then reap the process.
    fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Ctrl-C (SIGINT) and a bounded wait for the graceful exit; SIGKILL if it does not come.
    /// Returns how the process ended.
    async fn stop(&mut self) -> String {
        let sent = Command::new("kill")
            .arg("-INT")
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        if sent {
            let until = Instant::now() + Duration::from_secs(30);
            while Instant::now() < until {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return format!("stopped by SIGINT: {status}");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        self.kill_9();
        "killed (no graceful exit)".to_string()
    }
}

// ---- the applicants' side ----------------------------------------------------------------------

/// What one concurrent client does.
#[derive(Clone, Copy)]
struct Plan {
    username: &'static str,
    /// The demo organisation's code, written into the fixture's answers.
    uscc: &'static str,
    call: &'static str,
    /// Posted to start an application (`direction` or `direction/subdirection`).
    direction: &'static str,
    /// The valid fixture whose answers are filled in.
    fixture: &'static str,
    /// A text field that carries each save's marker.
    marker_field: &'static str,
    /// Slots that take extra PDFs between the saves.
    extra_slots: &'static [&'static str],
    /// Files uploaded to complete the application before submission: (slot, kind). Empty
    /// means this client never submits and keeps saving its one draft.
    required: &'static [(&'static str, &'static str)],
}

const JINAN_REQUIRED: &[(&str, &str)] = &[
    ("form_scan", "pdf"),
    ("form_editable", "docx"),
    ("evidence", "pdf"),
];

const CHANGSHA_REQUIRED: &[(&str, &str)] = &[
    ("commitment_scan", "pdf"),
    ("llm_license", "pdf"),
    ("llm_qualifications", "pdf"),
    ("llm_audit", "pdf"),
    ("llm_tax", "pdf"),
    ("project_audit", "pdf"),
    ("llm_ip_proof", "pdf"),
    ("llm_tech_proof", "pdf"),
    ("llm_application_proof", "pdf"),
];

const PLANS: &[Plan] = &[
    Plan {
        username: "demo_qiye_jinan",
        uscc: "91370102MA3DEM0002",
        call: "sd-2024-llm-cases",
        direction: "case",
        fixture: "sd-2024-llm-cases/case.valid.json",
        marker_field: "product_name",
        extra_slots: &["evidence"],
        required: JINAN_REQUIRED,
    },
    // A second browser of the same organisation, on applications of its own.
    Plan {
        username: "demo_qiye_jinan",
        uscc: "91370102MA3DEM0002",
        call: "sd-2024-llm-cases",
        direction: "case",
        fixture: "sd-2024-llm-cases/case.valid.json",
        marker_field: "product_name",
        extra_slots: &["evidence"],
        required: JINAN_REQUIRED,
    },
    Plan {
        username: "demo_qiye_changsha",
        uscc: "91430104MA3DEM043J",
        call: "hn-2025-ai",
        direction: "llm/general",
        fixture: "hn-2025-ai/llm-general.valid.json",
        marker_field: "project_name",
        extra_slots: &["llm_self_assessment"],
        required: CHANGSHA_REQUIRED,
    },
    // One application per organisation and call (per direction for 泉州): these two keep
    // saving and uploading to one draft.
    Plan {
        username: "demo_qiye_guangzhou",
        uscc: "91440106MA3DEM051E",
        call: "gd-2023-ai-scenarios",
        direction: "city_governance",
        fixture: "gd-2023-ai-scenarios/city_governance.valid.json",
        marker_field: "scene_name",
        extra_slots: &[
            "rd_capability",
            "appraisal_proof",
            "ip_proof",
            "scene_awards",
        ],
        required: &[],
    },
    Plan {
        username: "demo_qiye_quanzhou",
        uscc: "91350502MA3DEM0351",
        call: "qz-2024-ai-industry",
        direction: "software_product",
        fixture: "qz-2024-ai-industry/software_product.valid.json",
        marker_field: "sw_product_name",
        extra_slots: &[
            "sales_contracts",
            "rd_team_evidence",
            "license_patents_awards",
            "product_benefit_evidence",
        ],
        required: &[],
    },
];

/// An acknowledged autosave: the version the server returned and the marker it wrote.
#[derive(Debug, Clone)]
struct Save {
    app: i64,
    version: i64,
    field: &'static str,
    value: String,
}

/// An acknowledged upload.
#[derive(Debug, Clone)]
struct Upload {
    app: i64,
    slot: String,
    name: String,
    size: usize,
    sha256: String,
}

/// An acknowledged submission, with the marker of the last save before it.
#[derive(Debug, Clone)]
struct Submitted {
    app: i64,
    field: &'static str,
    value: String,
}

/// Everything the clients were told, and what went wrong before the kill.
#[derive(Default)]
struct Ledger {
    saves: Vec<Save>,
    uploads: Vec<Upload>,
    submissions: Vec<Submitted>,
    /// Answers that were wrong in themselves (not a connection lost to the kill).
    failures: Vec<String>,
}

impl Ledger {
    fn enough(&self) -> bool {
        self.saves.len() >= MIN_SAVES
            && self.uploads.len() >= MIN_UPLOADS
            && self.submissions.len() >= MIN_SUBMISSIONS
    }
}

/// Why a client stopped.
enum Halt {
    /// A request failed after the kill began: expected.
    Killed,
    /// Something the test did not expect.
    Failed(String),
}

/// A client's session and where it got to, for the checks after the restart.
struct ClientEnd {
    plan: Plan,
    browser: reqwest::Client,
    apps: Vec<i64>,
    /// The request that was cut by the kill, if any.
    cut: Option<&'static str>,
}

/// Everything a running client shares.
struct Ctx {
    base: String,
    csrf: String,
    browser: reqwest::Client,
    ledger: Arc<Mutex<Ledger>>,
    killing: Arc<AtomicBool>,
}

impl Ctx {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A transport error: the kill's doing once it began, a failure before.
    fn lost(&self, what: &'static str, e: &reqwest::Error) -> (Halt, &'static str) {
        if self.killing.load(Ordering::SeqCst) {
            (Halt::Killed, what)
        } else {
            (Halt::Failed(format!("{what}: {e}")), what)
        }
    }
}

type Step<T> = Result<T, (Halt, &'static str)>;

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The CSRF token of a page's first form.
fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let start = html.find(key).expect("page has a csrf field") + key.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The hidden version of an edit page, if it has one.
fn version_of(html: &str) -> Option<i64> {
    let key = "name=\"version\" value=\"";
    let start = html.find(key)? + key.len();
    html[start..].split('"').next()?.parse().ok()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fixture's answers with the demo organisation's code wherever the fixture's code was.
fn answers_of(plan: &Plan) -> serde_json::Map<String, Json> {
    let path = repo()
        .join("crates/shenbao_core/tests/fixtures")
        .join(plan.fixture);
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
    let old = v["profile"]["uscc"].as_str().expect("fixture uscc");
    let text = v["answers"].to_string().replace(old, plan.uscc);
    match serde_json::from_str(&text).expect("answers stay JSON") {
        Json::Object(m) => m,
        other => panic!("answers are an object: {other}"),
    }
}

/// A small file of `kind` that the server recognises by its magic bytes, unique to `tag`.
fn file_content(kind: &str, tag: &str, size: usize) -> Vec<u8> {
    let mut bytes = match kind {
        "pdf" => b"%PDF-1.7\n".to_vec(),
        "docx" => {
            let mut h = b"PK\x03\x04".to_vec();
            h.resize(30, 0);
            h.extend_from_slice(b"word/document.xml");
            h
        }
        other => panic!("no content for {other}"),
    };
    bytes.extend_from_slice(format!("% crash test {tag}\n").as_bytes());
    bytes.resize(size.max(bytes.len()), b' ');
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A small generator for sizes and the kill's jitter; no need for a dependency.
struct Rng(u64);

impl Rng {
    fn seeded(salt: u64) -> Rng {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Rng((t ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Logs `username` in; returns the browser and its session's CSRF token.
async fn login(base: &str, username: &str, password: &str) -> (reqwest::Client, String) {
    let b = browser();
    let html = b
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("login page body");
    let r = b
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} logged in");
    let html = b
        .get(format!("{base}/applications"))
        .send()
        .await
        .expect("applications")
        .text()
        .await
        .expect("applications body");
    (b, csrf_of(&html))
}

/// One client's surge: start an application, autosave it with a new marker again and again,
/// upload PDFs in between; a client with required files completes and submits its application
/// after a few saves and starts the next.
async fn run_client(index: usize, plan: Plan, ctx: Ctx, stop: Arc<AtomicBool>) -> ClientEnd {
    let mut apps = Vec::new();
    let outcome = surge(index, &plan, &ctx, &stop, &mut apps).await;
    let cut = match outcome {
        Ok(()) => None,
        Err((Halt::Killed, what)) => Some(what),
        Err((Halt::Failed(message), _)) => {
            ctx.ledger
                .lock()
                .expect("ledger")
                .failures
                .push(format!("client {index} ({}): {message}", plan.username));
            None
        }
    };
    ClientEnd {
        plan,
        browser: ctx.browser,
        apps,
        cut,
    }
}

async fn surge(
    index: usize,
    plan: &Plan,
    ctx: &Ctx,
    stop: &AtomicBool,
    apps: &mut Vec<i64>,
) -> Step<()> {
    let mut rng = Rng::seeded(index as u64 + 1);
    let mut answers = answers_of(plan);
    let original = answers[plan.marker_field]
        .as_str()
        .expect("marker field is text")
        .to_string();
    let mut full_slots = BTreeSet::new();
    let mut uploads = 0usize;
    while !stop.load(Ordering::SeqCst) {
        // Start an application.
        let r = ctx
            .browser
            .post(ctx.url(&format!("/calls/{}/applications", plan.call)))
            .form(&[("csrf", ctx.csrf.as_str()), ("direction", plan.direction)])
            .send()
            .await
            .map_err(|e| ctx.lost("start", &e))?;
        let to = location(&r);
        let Some(app) = (r.status() == StatusCode::SEE_OTHER)
            .then(|| {
                to.strip_prefix("/applications/")?
                    .strip_suffix("/edit")?
                    .parse::<i64>()
                    .ok()
            })
            .flatten()
        else {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            return Err((
                Halt::Failed(format!("start answered {status} {to}: {body:.300}")),
                "start",
            ));
        };
        apps.push(app);
        // A new application is at version 1.
        let mut version = 1i64;
        let mut last_value: String;
        let mut step = 0usize;
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            // Autosave with a marker of its own.
            let value = format!("{original} [c{index}-a{app}-s{step}]");
            answers.insert(plan.marker_field.to_string(), Json::from(value.clone()));
            let mut fields = vec![
                ("csrf".to_string(), ctx.csrf.clone()),
                ("version".to_string(), version.to_string()),
            ];
            fields.extend(shenbao_web::form::fields_of(&Json::Object(answers.clone())));
            let r = ctx
                .browser
                .post(ctx.url(&format!("/applications/{app}/autosave")))
                .form(&fields)
                .send()
                .await
                .map_err(|e| ctx.lost("autosave", &e))?;
            let status = r.status();
            let body = r.text().await.map_err(|e| ctx.lost("autosave", &e))?;
            let saved: Json = serde_json::from_str(&body).unwrap_or_default();
            if status != StatusCode::OK || saved["saved"] != Json::Bool(true) {
                return Err((
                    Halt::Failed(format!("autosave answered {status}: {body:.300}")),
                    "autosave",
                ));
            }
            match saved["version"].as_i64() {
                Some(v) if v > version => version = v,
                _ => {
                    return Err((
                        Halt::Failed(format!("autosave from version {version} answered {body}")),
                        "autosave",
                    ));
                }
            }
            last_value = value.clone();
            ctx.ledger.lock().expect("ledger").saves.push(Save {
                app,
                version,
                field: plan.marker_field,
                value,
            });
            step += 1;
            // Every other save, an extra PDF into a slot with room.
            if step.is_multiple_of(2)
                && let Some(slot) = plan
                    .extra_slots
                    .iter()
                    .cycle()
                    .skip(uploads)
                    .take(plan.extra_slots.len())
                    .find(|s| !full_slots.contains(*s))
            {
                uploads += 1;
                if !upload(ctx, &mut rng, index, app, slot, "pdf").await? {
                    full_slots.insert(*slot);
                }
            }
            if !plan.required.is_empty() && step >= SAVES_PER_SUBMISSION {
                break;
            }
        }
        // Complete the application and submit it.
        for (slot, kind) in plan.required {
            if !upload(ctx, &mut rng, index, app, slot, kind).await? {
                return Err((
                    Halt::Failed(format!("required slot {slot} of {app} is full")),
                    "upload",
                ));
            }
        }
        let r = ctx
            .browser
            .post(ctx.url(&format!("/applications/{app}/submit")))
            .form(&[
                ("csrf", ctx.csrf.as_str()),
                ("version", version.to_string().as_str()),
                ("justification", "压力测试：已说明"),
                ("accept", "1"),
            ])
            .send()
            .await
            .map_err(|e| ctx.lost("submit", &e))?;
        let to = location(&r);
        if r.status() != StatusCode::SEE_OTHER || to != format!("/applications/{app}") {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            let errors: Vec<&str> = body
                .lines()
                .filter(|l| l.contains("<li"))
                .take(20)
                .collect();
            return Err((
                Halt::Failed(format!(
                    "submit of {app} answered {status} {to}: {}",
                    errors.join(" ")
                )),
                "submit",
            ));
        }
        ctx.ledger
            .lock()
            .expect("ledger")
            .submissions
            .push(Submitted {
                app,
                field: plan.marker_field,
                value: last_value,
            });
    }
    Ok(())
}

/// Uploads a small file of `kind` into `slot`; records it when acknowledged. `Ok(false)` when
/// the slot is full.
async fn upload(
    ctx: &Ctx,
    rng: &mut Rng,
    index: usize,
    app: i64,
    slot: &str,
    kind: &str,
) -> Step<bool> {
    let size = 1024 + usize::try_from(rng.below(8 * 1024)).expect("small");
    let name = format!("c{index}-a{app}-{slot}-{}.{kind}", rng.below(1 << 40));
    let bytes = file_content(kind, &name, size);
    let sha256 = sha256_hex(&bytes);
    let form = Form::new()
        .text("csrf", ctx.csrf.clone())
        .text("slot", slot.to_string())
        .part("file", Part::bytes(bytes).file_name(name.clone()));
    let r = ctx
        .browser
        .post(ctx.url(&format!("/applications/{app}/files")))
        .multipart(form)
        .send()
        .await
        .map_err(|e| ctx.lost("upload", &e))?;
    let to = location(&r);
    if r.status() == StatusCode::SEE_OTHER && to.contains("msg=uploaded") {
        ctx.ledger.lock().expect("ledger").uploads.push(Upload {
            app,
            slot: slot.to_string(),
            name,
            size,
            sha256,
        });
        return Ok(true);
    }
    if r.status() == StatusCode::SEE_OTHER && to.contains("msg=too_many") {
        return Ok(false);
    }
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    Err((
        Halt::Failed(format!(
            "upload to {slot} answered {status} {to}: {body:.300}"
        )),
        "upload",
    ))
}

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
