//! The web platform under load, on loopback: prints figures, then stops.
//!
//! Run with `cargo bench -p shenbao_web --bench load` (about 40 s on two cores, after the
//! build). In order:
//!
//! 1. **Seeding.** A fresh data folder with SQLite, the seed calls with demo deadlines, and
//!    10,000 applications over 2,000 organisations written through the store API (answers
//!    taken round-robin from the core's valid fixtures), plus one benchmark organisation
//!    and applicant with 85 applications of its own; prints how long that took.
//! 2. **Server.** Started on the folder; the applicant logs in through `/login`, and every
//!    request after that carries this one session.
//! 3. **Form page.** `GET /applications/{id}/edit` of the largest seed form (hn-2025-ai,
//!    direction `center`, fully answered) from 64 connections for 10 s.
//! 4. **Draft save.** `POST /applications/{id}/autosave` of that whole form from 64
//!    connections for 10 s, each connection on its own application, resending the version
//!    the server answered; 409s are counted apart from other errors, and the stored versions
//!    are checked afterwards (no save lost).
//! 5. **Uploads.** 20 uploads of just under 100 MiB (gd-2023-ai-scenarios, slot `video`)
//!    streamed at once, generated chunk by chunk, while the server's resident memory is
//!    sampled; then every attachment row is checked (size, type, SHA-256, file on disk).
//!
//! Each phase prints requests per second, latencies, errors, and the CPU time the server
//! and the load generator used, then a summary table closes the run.
//!
//! The server runs in a child process, this same executable started again with
//! `SHENBAO_BENCH_SERVE=<data folder>`, so its memory figures are its own and not the load
//! generator's. It runs `shenbao_web::serve` as `shenbao serve --demo` does (SQLite, demo
//! deadlines, a 200 MiB upload limit, a multi-thread runtime) on 127.0.0.1 with an
//! ephemeral port, and exits when the benchmark closes its standard input. The load
//! generator shares the machine's cores with it, so requests per second are a lower bound
//! for the server alone.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use shenbao_store::{ApplicationEvent, NewApplication, NewOrganisation, NewUser, Role, Store};
use shenbao_web::{CallRegistry, FileStore, ServerState, auth, system_now};
use tokio::task::JoinSet;

/// Set (to the data folder) in the child process that runs the server.
const SERVE_ENV: &str = "SHENBAO_BENCH_SERVE";
/// The child's first line of output, followed by its address.
const LISTENING: &str = "listening on ";

/// Organisations seeded besides the benchmark one.
const ORGANISATIONS: usize = 2_000;
/// Applications seeded besides the benchmark applicant's.
const APPLICATIONS: usize = 10_000;
/// Seeding tasks writing at once. SQLite has one writer, so more tasks gain little: on two
/// cores 1 task took 4.3–5.2 s, 4 tasks 4.6 s, 8 tasks 5.7 s (they queue on the write lock).
const SEED_WRITERS: usize = 4;

/// Concurrent connections of the form-page and draft-save phases.
const CONNECTIONS: usize = 64;
/// Unmeasured load before each measured phase (opens the connections, warms the caches).
const WARM_UP: Duration = Duration::from_secs(1);
/// Length of each measured phase.
const PHASE: Duration = Duration::from_secs(10);

/// Simultaneous uploads.
const UPLOADS: usize = 20;
const MIB: u64 = 1024 * 1024;
/// Size of each upload: just under the `video` slot's 100MB (100 MiB) limit.
const UPLOAD_BYTES: u64 = 100 * MIB - 4096;
/// The server's upload limit, as `shenbao serve` sets it by default.
const MAX_UPLOAD: u64 = 200 * MIB;
/// Size of the chunks an upload body is streamed in.
const CHUNK: usize = 256 * 1024;
/// The content of every chunk after the first: static, so no chunk is ever allocated.
static ZEROS: [u8; CHUNK] = [0; CHUNK];
/// A complete 24-byte `ftyp` box: what makes the server (the `infer` crate) see an MP4.
const MP4_HEAD: &[u8] = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2";

/// The benchmark applicant's login.
const USERNAME: &str = "bench_applicant";
const PASSWORD: &str = "bench-password-123";

fn main() -> Result<()> {
    if let Some(dir) = std::env::var_os(SERVE_ENV) {
        return serve_child(PathBuf::from(dir));
    }
    // `cargo test --benches` runs bench targets without `--bench`: nothing to do then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("load: run it with `cargo bench -p shenbao_web --bench load`");
        return Ok(());
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

// ---- the server process --------------------------------------------------------------------

/// The child process: serves the data folder `dir` until its standard input closes.
fn serve_child(dir: PathBuf) -> Result<()> {
    // The parent holds our stdin; when it ends (or dies), so do we.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let store = Store::open_sqlite(&dir.join("shenbao.db")).await?;
            let calls = CallRegistry::load(&store, true, system_now()).await?;
            let files = FileStore::new(dir.join("files"), MAX_UPLOAD);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            println!("{LISTENING}{}", listener.local_addr()?);
            shenbao_web::serve(ServerState::new(store, calls, files), listener).await
        })
}

/// The server child process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts the server on the data folder `dir` and waits until it listens.
    fn start(dir: &Path) -> Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .env(SERVE_ENV, dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the server process")?;
        let mut out = BufReader::new(child.stdout.take().context("server stdout")?);
        let mut line = String::new();
        out.read_line(&mut line)?;
        // Keep reading whatever else it prints, so it can never block on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let addr = line
            .trim()
            .strip_prefix(LISTENING)
            .ok_or_else(|| anyhow!("server did not start: {line:?}"))?;
        Ok(Server {
            base: format!("http://{addr}"),
            child,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- memory of the server ------------------------------------------------------------------

/// A `kB` line of `/proc/<pid>/status` (`VmRSS:`, `VmHWM:`), in bytes.
fn proc_status(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines().find_map(|l| {
        let kb: u64 = l
            .strip_prefix(key)?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()?;
        Some(kb * 1024)
    })
}

/// Resets the process's peak resident size (`VmHWM`) to its current one; false when the
/// kernel refuses.
fn reset_peak(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// Samples `VmRSS` of `pid` every 10 ms until stopped; the thread returns the largest seen.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(proc_status(pid, "VmRSS:").unwrap_or(0));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        });
        RssSampler { stop, thread }
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// CPU time (user + system, every thread) a process has used so far: `pid` or `"self"`.
/// `/proc/<pid>/stat` counts it in USER_HZ ticks, which Linux fixes at 100 per second.
fn cpu_time(pid: &str) -> Duration {
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|text| {
            // Fields after the command name, which may itself hold spaces: state is the
            // first of them, utime the 12th and stime the 13th.
            let rest = text.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// CPU time used by the server and by this process (the load generator) over a span.
#[derive(Clone, Copy, Default)]
struct Cpu {
    server: Duration,
    client: Duration,
}

impl Cpu {
    /// Runs `work` and adds the CPU both processes used meanwhile.
    async fn around<T>(server_pid: u32, work: impl Future<Output = T>) -> (T, Cpu) {
        let pid = server_pid.to_string();
        let (s0, c0) = (cpu_time(&pid), cpu_time("self"));
        let out = work.await;
        let cpu = Cpu {
            server: cpu_time(&pid).saturating_sub(s0),
            client: cpu_time("self").saturating_sub(c0),
        };
        (out, cpu)
    }

    /// "server 1.23 s (45% of 2 cores), client …" over `wall`.
    fn describe(&self, wall: Duration) -> String {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let share = |d: Duration| 100.0 * d.as_secs_f64() / (wall.as_secs_f64() * cores);
        format!(
            "CPU server {:.1}s ({:.0}% of the machine), client {:.1}s ({:.0}%)",
            self.server.as_secs_f64(),
            share(self.server),
            self.client.as_secs_f64(),
            share(self.client)
        )
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB as f64
}

// ---- fixtures and seeding ------------------------------------------------------------------

/// A valid answer file of the core's test suite.
struct Fixture {
    call: String,
    direction: String,
    subdirection: Option<String>,
    profile: Json,
    answers: Json,
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shenbao_core/tests/fixtures")
}

fn read_fixture(path: &Path) -> Result<Fixture> {
    let v: Json = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let call = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .context("fixture folder")?;
    Ok(Fixture {
        call: call.to_string(),
        direction: v["direction"].as_str().context("direction")?.to_string(),
        subdirection: v["subdirection"].as_str().map(str::to_string),
        profile: v["profile"].clone(),
        answers: v["answers"].clone(),
    })
}

/// Every `*.valid.json` fixture of every seed call, in a stable order.
fn valid_fixtures() -> Result<Vec<Fixture>> {
    let mut paths = Vec::new();
    for call in std::fs::read_dir(fixtures_dir())? {
        for f in std::fs::read_dir(call?.path())? {
            let p = f?.path();
            if p.to_string_lossy().ends_with(".valid.json") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths.iter().map(|p| read_fixture(p)).collect()
}

fn fixture(call: &str, name: &str) -> Result<Fixture> {
    read_fixture(&fixtures_dir().join(call).join(name))
}

/// Answers JSON → the form's field names (the inverse of the server's parsing; the same
/// mapping as the HTTP tests' helper).
fn form_pairs(answers: &Json) -> Vec<(String, String)> {
    fn scalar(v: &Json) -> String {
        match v {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Bool(b) => b.to_string(),
            _ => String::new(),
        }
    }
    let mut out = Vec::new();
    let Some(fields) = answers.as_object() else {
        return out;
    };
    for (key, v) in fields {
        let base = format!("f.{key}");
        match v {
            Json::Array(items) if items.iter().all(Json::is_object) => {
                out.push((format!("n.{key}"), items.len().to_string()));
                for (i, row) in items.iter().enumerate() {
                    for (col, cell) in row.as_object().into_iter().flatten() {
                        match cell {
                            Json::Array(a) => {
                                for x in a {
                                    out.push((format!("{base}[{i}].{col}"), scalar(x)));
                                }
                            }
                            _ => out.push((format!("{base}[{i}].{col}"), scalar(cell))),
                        }
                    }
                }
            }
            Json::Array(items) => {
                for x in items {
                    out.push((base.clone(), scalar(x)));
                }
            }
            Json::Object(m) => {
                for (k, inner) in m {
                    match inner {
                        Json::Object(cells) => {
                            for (c, cell) in cells {
                                out.push((format!("{base}.{k}.{c}"), scalar(cell)));
                            }
                        }
                        _ => out.push((format!("{base}.{k}"), scalar(inner))),
                    }
                }
            }
            _ => out.push((base, scalar(v))),
        }
    }
    out
}

fn event(at: i64, user: i64) -> ApplicationEvent {
    ApplicationEvent {
        at,
        actor_user_id: Some(user),
        actor_ip: None,
        note: None,
    }
}

/// What to insert for one application.
fn new_application(f: &Fixture, org: i64, user: i64, answers: String, at: i64) -> NewApplication {
    NewApplication {
        call_id: f.call.clone(),
        direction: f.direction.clone(),
        subdirection: f.subdirection.clone(),
        organisation_id: org,
        created_by: user,
        answers,
        created_at: at,
    }
}

/// Runs `job(i)` for every `i` in `0..n` on [`SEED_WRITERS`] tasks; results in `i` order.
async fn in_parallel<T, F, Fut>(n: usize, job: F) -> Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T>> + Send,
{
    let job = Arc::new(job);
    let mut set = JoinSet::new();
    for w in 0..SEED_WRITERS {
        let job = Arc::clone(&job);
        set.spawn(async move {
            let mut done = Vec::new();
            for i in (w..n).step_by(SEED_WRITERS) {
                done.push((i, job(i).await?));
            }
            anyhow::Ok(done)
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(part) = set.join_next().await {
        all.extend(part??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// Seeds [`ORGANISATIONS`] organisations, each with one account, and [`APPLICATIONS`]
/// drafts spread over them round-robin, answered from the valid fixtures. Each store call
/// is its own transaction (the store has no batch insert).
async fn seed(store: &Store, now: i64) -> Result<()> {
    // One hash for every seed account: Argon2 is slow on purpose, and nobody logs in as them.
    let hash = Arc::new(auth::hash_password("seed-password")?);
    const REGIONS: [&str; 5] = ["370102", "350502", "430104", "440106", "430302"];
    let s = store.clone();
    let accounts = in_parallel(ORGANISATIONS, move |i| {
        let (s, hash) = (s.clone(), Arc::clone(&hash));
        async move {
            let (org, user) = s
                .register_applicant(
                    &NewOrganisation {
                        // Unique, of the right length; the store does not check the digits.
                        uscc: format!("91000000SEED{i:06}"),
                        name: format!("压测企业{i}有限公司"),
                        region: REGIONS[i % REGIONS.len()].to_string(),
                        created_at: now,
                    },
                    &NewUser {
                        username: format!("seed_{i}"),
                        password_hash: hash.to_string(),
                        display_name: format!("联系人{i}"),
                        role: Role::Applicant,
                        organisation_id: None,
                        scope_region: None,
                        scope_sector: None,
                        email: None,
                        created_at: now,
                    },
                )
                .await?;
            Ok((org.id, user.id))
        }
    })
    .await?;
    let fixtures = Arc::new(valid_fixtures()?);
    let texts: Arc<Vec<String>> =
        Arc::new(fixtures.iter().map(|f| f.answers.to_string()).collect());
    let accounts = Arc::new(accounts);
    let s = store.clone();
    in_parallel(APPLICATIONS, move |i| {
        let (s, fixtures, texts, accounts) = (
            s.clone(),
            Arc::clone(&fixtures),
            Arc::clone(&texts),
            Arc::clone(&accounts),
        );
        async move {
            let (org, user) = accounts[i % accounts.len()];
            let k = i % fixtures.len();
            let at = now - (APPLICATIONS - i) as i64 * 1000;
            s.create_application(
                &new_application(&fixtures[k], org, user, texts[k].clone(), at),
                &event(at, user),
            )
            .await?;
            Ok(())
        }
    })
    .await?;
    Ok(())
}

/// The benchmark applicant's applications.
struct BenchApps {
    /// The one whose edit page is loaded.
    form: i64,
    /// One per draft-save connection.
    autosave: Vec<i64>,
    /// One per upload (the `video` slot takes one file).
    upload: Vec<i64>,
}

/// The benchmark organisation (with the hn-2025-ai `center` fixture's profile, so its
/// rules see a matching organisation), its applicant account and its applications.
async fn seed_bench_account(store: &Store, now: i64, center: &Fixture) -> Result<BenchApps> {
    let p = &center.profile;
    let (org, user) = store
        .register_applicant(
            &NewOrganisation {
                uscc: p["uscc"].as_str().context("uscc")?.to_string(),
                name: p["name"].as_str().context("name")?.to_string(),
                region: p["region"].as_str().context("region")?.to_string(),
                created_at: now,
            },
            &NewUser {
                username: USERNAME.to_string(),
                password_hash: auth::hash_password(PASSWORD)?,
                display_name: "压测联系人".to_string(),
                role: Role::Applicant,
                organisation_id: None,
                scope_region: None,
                scope_sector: None,
                email: None,
                created_at: now,
            },
        )
        .await?;
    let create = async |f: &Fixture| -> Result<i64> {
        let row = store
            .create_application(
                &new_application(f, org.id, user.id, f.answers.to_string(), now),
                &event(now, user.id),
            )
            .await?;
        Ok(row.id)
    };
    let form = create(center).await?;
    let mut autosave = Vec::new();
    for _ in 0..CONNECTIONS {
        autosave.push(create(center).await?);
    }
    let video = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json")?;
    let mut upload = Vec::new();
    for _ in 0..UPLOADS {
        upload.push(create(&video).await?);
    }
    Ok(BenchApps {
        form,
        autosave,
        upload,
    })
}

// ---- HTTP helpers --------------------------------------------------------------------------

/// The CSRF token of a page's first form.
fn csrf_of(html: &str) -> Result<String> {
    let key = "name=\"csrf\" value=\"";
    let start = html.find(key).context("page has no csrf field")? + key.len();
    Ok(html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Logs the client's cookie jar in as the benchmark applicant through `/login`.
async fn log_in(client: &reqwest::Client, server: &Server) -> Result<()> {
    let html = client
        .get(server.url("/login"))
        .send()
        .await?
        .text()
        .await?;
    let r = client
        .post(server.url("/login"))
        .form(&[
            ("csrf", csrf_of(&html)?.as_str()),
            ("username", USERNAME),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    ensure!(r.status() == StatusCode::SEE_OTHER, "login: {}", r.status());
    Ok(())
}

// ---- closed-loop load ----------------------------------------------------------------------

/// How one request ended.
enum Outcome {
    Ok,
    /// 409: the version moved on.
    Conflict,
    Failed,
}

/// One connection's loop body: sends one request and waits for the whole answer.
trait Worker: Send + 'static {
    fn request(&mut self) -> impl Future<Output = Outcome> + Send;
}

/// Latencies and outcomes of a phase.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    conflicts: u64,
    failed: u64,
    elapsed: Duration,
}

impl Tally {
    fn requests(&self) -> usize {
        self.latencies.len()
    }

    fn per_second(&self) -> f64 {
        self.requests() as f64 / self.elapsed.as_secs_f64()
    }

    /// Nearest-rank percentile of the latencies (sorted by [`hammer`]).
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }
}

/// Runs each worker in a loop on its own task, one request at a time (so one connection
/// each), starting requests until `duration` has passed. Returns every latency, sorted, and
/// the workers (with their state) for the next round.
async fn hammer<W: Worker>(workers: Vec<W>, duration: Duration) -> (Tally, Vec<W>) {
    let start = Instant::now();
    let deadline = start + duration;
    let mut set = JoinSet::new();
    for mut w in workers {
        set.spawn(async move {
            let mut t = Tally::default();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let outcome = w.request().await;
                t.latencies.push(sent.elapsed());
                match outcome {
                    Outcome::Ok => {}
                    Outcome::Conflict => t.conflicts += 1,
                    Outcome::Failed => t.failed += 1,
                }
            }
            (t, w)
        });
    }
    let mut all = Tally::default();
    let mut back = Vec::new();
    while let Some(done) = set.join_next().await {
        let Ok((t, w)) = done else {
            all.failed += 1;
            continue;
        };
        all.latencies.extend(t.latencies);
        all.conflicts += t.conflicts;
        all.failed += t.failed;
        back.push(w);
    }
    // Requests in flight at the deadline finish and count: divide by the real span.
    all.elapsed = start.elapsed();
    all.latencies.sort_unstable();
    (all, back)
}

fn ms(d: Duration) -> String {
    format!("{:.1}ms", d.as_secs_f64() * 1000.0)
}

fn print_phase(name: &str, t: &Tally, cpu: &Cpu) {
    println!(
        "{name}: {} requests in {:.1}s = {:.0}/s; p50 {}, p99 {}, max {}; 409 {}, other errors {}",
        t.requests(),
        t.elapsed.as_secs_f64(),
        t.per_second(),
        ms(t.percentile(50.0)),
        ms(t.percentile(99.0)),
        ms(t.max()),
        t.conflicts,
        t.failed
    );
    println!(
        "{:10}  {}; server {:.0} µs CPU per request",
        "",
        cpu.describe(t.elapsed),
        cpu.server.as_secs_f64() * 1e6 / t.requests().max(1) as f64
    );
}

/// `GET` of one page; fine when 200 and the whole body arrived.
struct PageWorker {
    client: reqwest::Client,
    url: String,
}

impl Worker for PageWorker {
    async fn request(&mut self) -> Outcome {
        match self.client.get(&self.url).send().await {
            Ok(r) if r.status() == StatusCode::OK => match r.bytes().await {
                Ok(_) => Outcome::Ok,
                Err(_) => Outcome::Failed,
            },
            _ => Outcome::Failed,
        }
    }
}

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

// ---- uploads -------------------------------------------------------------------------------

/// The chunks of one upload body: an MP4 header, then zeros, [`UPLOAD_BYTES`] in all. All
/// slices are static, so streaming allocates nothing per chunk.
fn mp4_chunks() -> impl Iterator<Item = &'static [u8]> + Send {
    let rest = UPLOAD_BYTES as usize - MP4_HEAD.len();
    std::iter::once(MP4_HEAD)
        .chain(std::iter::repeat_n(&ZEROS[..], rest / CHUNK))
        .chain(std::iter::once(&ZEROS[..rest % CHUNK]))
        .filter(|c| !c.is_empty())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Streams one upload into application `id`; returns the time it took.
async fn upload(client: reqwest::Client, url: String, csrf: String, id: i64) -> Result<Duration> {
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(
        mp4_chunks().map(Ok::<_, std::io::Error>),
    ));
    let file = Part::stream_with_length(body, UPLOAD_BYTES)
        .file_name(format!("演示视频{id}.mp4"))
        .mime_str("video/mp4")?;
    let form = Form::new()
        .text("csrf", csrf)
        .text("slot", "video")
        .part("file", file);
    let start = Instant::now();
    let r = client.post(url).multipart(form).send().await?;
    let took = start.elapsed();
    let to = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    ensure!(
        r.status() == StatusCode::SEE_OTHER && to.contains("msg=uploaded"),
        "upload into {id}: {} {to}",
        r.status()
    );
    Ok(took)
}

/// What the upload phase measured.
struct Uploads {
    took: Duration,
    slowest: Duration,
    bytes: u64,
    /// Largest `VmRSS` sampled during the phase.
    sampled_peak: u64,
    /// `VmHWM` at the end; since the phase began when `peak_reset`, else since start.
    hwm: u64,
    peak_reset: bool,
    rss_before: u64,
}

/// Checks that each application got exactly its one file, whole.
async fn verify_uploads(store: &Store, files: &Path, ids: &[i64], sha: &str) -> Result<()> {
    for &id in ids {
        let rows = store.attachments(id).await?;
        let [a] = rows.as_slice() else {
            bail!("application {id}: {} attachments, expected 1", rows.len());
        };
        ensure!(
            a.slot == "video" && a.file_type == "mp4",
            "application {id}: {}/{}",
            a.slot,
            a.file_type
        );
        ensure!(
            a.size as u64 == UPLOAD_BYTES,
            "application {id}: size {}",
            a.size
        );
        ensure!(a.sha256 == sha, "application {id}: SHA-256 differs");
        let on_disk = std::fs::metadata(files.join(&a.storage_key))?.len();
        ensure!(
            on_disk == UPLOAD_BYTES,
            "application {id}: {on_disk} bytes on disk"
        );
    }
    Ok(())
}

// ---- the run -------------------------------------------------------------------------------

async fn run() -> Result<()> {
    let data = tempfile::tempdir()?;
    let db = data.path().join("shenbao.db");
    println!(
        "shenbao load benchmark — {} cores, data in {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        data.path().display()
    );

    // 1. Setup.
    let store = Store::open_sqlite(&db).await?;
    let now = system_now();
    CallRegistry::load(&store, true, now).await?;
    let (start, cpu0) = (Instant::now(), cpu_time("self"));
    seed(&store, now).await?;
    let (seeding, seeding_cpu) = (start.elapsed(), cpu_time("self").saturating_sub(cpu0));
    let center = fixture("hn-2025-ai", "center.valid.json")?;
    let apps = seed_bench_account(&store, now, &center).await?;
    let total = store.count_applications().await?;
    let db_size = std::fs::metadata(&db)?.len()
        + std::fs::metadata(data.path().join("shenbao.db-wal")).map_or(0, |m| m.len());
    println!(
        "seeding: {ORGANISATIONS} organisations and {APPLICATIONS} applications in {:.2}s \
         ({:.0} applications/s, {SEED_WRITERS} writers, {:.1}s CPU); {total} applications \
         with the benchmark applicant's; database {:.1} MiB",
        seeding.as_secs_f64(),
        APPLICATIONS as f64 / seeding.as_secs_f64(),
        seeding_cpu.as_secs_f64(),
        mib(db_size)
    );

    // 2. The server.
    let server = tokio::task::spawn_blocking({
        let dir = data.path().to_path_buf();
        move || Server::start(&dir)
    })
    .await??;
    let pid = server.pid();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()?;
    log_in(&client, &server).await?;
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
    let csrf = csrf_of(&html)?;
    let rss_idle = proc_status(pid, "VmRSS:").unwrap_or(0);
    println!(
        "server: pid {pid} at {}; edit page {:.0} KiB; RSS {:.1} MiB",
        server.base,
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
    let (up, up_cpu) = Cpu::around(pid, upload_phase(&client, &server, &csrf, &apps.upload)).await;
    let up = up?;
    verify_uploads(&store, &data.path().join("files"), &apps.upload, &sha).await?;
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
    drop(server);
    store.close().await;

    // Summary.
    println!();
    println!("== summary (server in its own process; client on the same cores) ==");
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}",
        "phase", "requests", "req/s", "p50", "p99", "409", "errors"
    );
    for (name, t) in [
        (
            format!("form page ({CONNECTIONS} conns, {}s)", PHASE.as_secs()),
            &form,
        ),
        (
            format!("autosave ({CONNECTIONS} conns, {}s)", PHASE.as_secs()),
            &save,
        ),
    ] {
        println!(
            "{name:<34} {:>9} {:>9.0} {:>9} {:>9} {:>6} {:>6}",
            t.requests(),
            t.per_second(),
            ms(t.percentile(50.0)),
            ms(t.percentile(99.0)),
            t.conflicts,
            t.failed
        );
    }
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}",
        format!("uploads ({UPLOADS} × {:.0} MiB at once)", mib(UPLOAD_BYTES)),
        UPLOADS,
        format!("{:.0}MiB/s", mib(up.bytes) / up.took.as_secs_f64()),
        "",
        "",
        "",
        0
    );
    println!(
        "seeding      {:.2}s for {APPLICATIONS} applications, {ORGANISATIONS} organisations",
        seeding.as_secs_f64()
    );
    println!(
        "autosave     {saved} saves stored (warm-up included), none lost; {:.1} KiB form \
         body each",
        body_size as f64 / 1024.0
    );
    println!(
        "uploads      {:.0} MiB in {:.1}s",
        mib(up.bytes),
        up.took.as_secs_f64()
    );
    println!(
        "server RSS   idle {:.1} MiB, after form page {:.1}, after autosave {:.1}, \
         peak before uploads {:.1}, peak during uploads {:.1} MiB",
        mib(rss_idle),
        mib(rss_after_form),
        mib(rss_after_save),
        mib(hwm_before_uploads),
        mib(up.hwm.max(up.sampled_peak))
    );
    Ok(())
}

/// Streams [`UPLOADS`] uploads at once, one per application, sampling the server's memory.
async fn upload_phase(
    client: &reqwest::Client,
    server: &Server,
    csrf: &str,
    ids: &[i64],
) -> Result<Uploads> {
    let pid = server.pid();
    let rss_before = proc_status(pid, "VmRSS:").unwrap_or(0);
    let peak_reset = reset_peak(pid);
    let sampler = RssSampler::start(pid);
    let start = Instant::now();
    let mut set = JoinSet::new();
    for &id in ids {
        set.spawn(upload(
            client.clone(),
            server.url(&format!("/applications/{id}/files")),
            csrf.to_string(),
            id,
        ));
    }
    let mut slowest = Duration::ZERO;
    while let Some(done) = set.join_next().await {
        slowest = slowest.max(done??);
    }
    let took = start.elapsed();
    let sampled_peak = sampler.finish();
    Ok(Uploads {
        took,
        slowest,
        bytes: UPLOAD_BYTES * ids.len() as u64,
        sampled_peak,
        hwm: proc_status(pid, "VmHWM:").unwrap_or(0),
        peak_reset,
        rss_before,
    })
}
