//! The web platform under load, on loopback: prints figures, then stops.
//!
//! Run with `cargo bench -p shenbao_web --bench load` (about 2 min on two cores, after the
//! build). `SHENBAO_BENCH_ONLY=applicant` runs phases 1–5 only, `SHENBAO_BENCH_ONLY=queue`
//! the queue's seeding and phase 6 only. In order:
//!
//! 1. **Seeding.** A fresh data folder with SQLite, the seed calls with demo deadlines, and
//!    10,000 applications over 2,000 organisations written through the store API (answers
//!    taken round-robin from the core's valid fixtures), plus one benchmark organisation
//!    and applicant with 85 applications of its own; prints how long that took. Then, for
//!    the queue, a county bureau account of 鲤城区 (350502) and 10,000 applications of
//!    qz-2024-ai-industry from 1,000 organisations in 泉州's eleven counties, created,
//!    submitted to their county (5,000 to 鲤城区) and partly decided (10% recommended, 5% not
//!    recommended); prints how long that took, and SQLite's plan of the queue query (which
//!    must use `applications_queue_idx`).
//! 2. **Server.** Started on the folder; the applicant logs in through `/login`, and every
//!    request after that carries this one session (the bureau gets its own client and session
//!    in phase 6).
//! 3. **Form page.** `GET /applications/{id}/edit` of the largest seed form (hn-2025-ai,
//!    direction `center`, fully answered) from 64 connections for 10 s.
//! 4. **Draft save.** `POST /applications/{id}/autosave` of that whole form from 64
//!    connections for 10 s, each connection on its own application, resending the version
//!    the server answered; 409s are counted apart from other errors, and the stored versions
//!    are checked afterwards (no save lost).
//! 5. **Uploads.** 20 uploads of just under 100 MiB (gd-2023-ai-scenarios, slot `video`)
//!    streamed at once, generated chunk by chunk, while the server's resident memory is
//!    sampled; then every attachment row is checked (size, type, SHA-256, file on disk).
//! 6. **Bureau queue.** The bureau logs in and walks its whole queue (250 pages of 20) by the
//!    pages' `rel="next"` keyset links, checking every page's rows against the seed; then,
//!    from 64 connections for 10 s each: `GET /review/qz-2024-ai-industry` (first page), the
//!    pages from the 101st on (spread over the connections), the filtered query
//!    `?status=recommended&q=科技&sort=oldest`, and the ranking of `compute_service`. Every
//!    response must be 200 and hold its page's first and last row, or it counts as an error.
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
use shenbao_store::{
    ApplicationEvent, Decision, NewApplication, NewOrganisation, NewSnapshot, NewUser, QueueQuery,
    QueueSort, Role, Store, Submission, UnitRef,
};
use shenbao_web::{CallRegistry, FileStore, ServerState, auth, system_now};
use tokio::task::JoinSet;

/// Set (to the data folder) in the child process that runs the server.
const SERVE_ENV: &str = "SHENBAO_BENCH_SERVE";
/// Picks sections: `applicant`, `queue`, or both comma-separated (the default).
const ONLY_ENV: &str = "SHENBAO_BENCH_ONLY";
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

/// Logs the client's cookie jar in through `/login`.
async fn log_in(
    client: &reqwest::Client,
    server: &Server,
    username: &str,
    password: &str,
) -> Result<()> {
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
            ("username", username),
            ("password", password),
        ])
        .send()
        .await?;
    ensure!(
        r.status() == StatusCode::SEE_OTHER,
        "login as {username}: {}",
        r.status()
    );
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

/// The benchmark's sections, picked with `SHENBAO_BENCH_ONLY` (see the module comment).
#[derive(Clone, Copy)]
struct Sections {
    applicant: bool,
    queue: bool,
}

impl Sections {
    fn from_env() -> Result<Sections> {
        let Ok(only) = std::env::var(ONLY_ENV) else {
            return Ok(Sections {
                applicant: true,
                queue: true,
            });
        };
        let mut s = Sections {
            applicant: false,
            queue: false,
        };
        for name in only.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "applicant" => s.applicant = true,
                "queue" => s.queue = true,
                other => bail!("{ONLY_ENV}: unknown section {other:?} (applicant, queue)"),
            }
        }
        ensure!(s.applicant || s.queue, "{ONLY_ENV}: no section picked");
        Ok(s)
    }
}

async fn run() -> Result<()> {
    let sections = Sections::from_env()?;
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
    let mut seeding = None;
    let mut bench_apps = None;
    if sections.applicant {
        let (start, cpu0) = (Instant::now(), cpu_time("self"));
        seed(&store, now).await?;
        let (took, cpu) = (start.elapsed(), cpu_time("self").saturating_sub(cpu0));
        let center = fixture("hn-2025-ai", "center.valid.json")?;
        let apps = seed_bench_account(&store, now, &center).await?;
        let total = store.count_applications().await?;
        println!(
            "seeding: {ORGANISATIONS} organisations and {APPLICATIONS} applications in {:.2}s \
             ({:.0} applications/s, {SEED_WRITERS} writers, {:.1}s CPU); {total} applications \
             with the benchmark applicant's; database {:.1} MiB",
            took.as_secs_f64(),
            APPLICATIONS as f64 / took.as_secs_f64(),
            cpu.as_secs_f64(),
            mib(db_size(data.path()))
        );
        seeding = Some(took);
        bench_apps = Some((center, apps));
    }
    let queue_seed = if sections.queue {
        let seeded = seed_queue(&store, now).await?;
        println!(
            "queue seeding: {QUEUE_ORGANISATIONS} organisations in 泉州's counties and \
             {QUEUE_APPLICATIONS} submitted applications of {QUEUE_CALL} (created, submitted, \
             {} decided) in {:.2}s ({:.0} applications/s, {SEED_WRITERS} writers, {:.1}s CPU); \
             database {:.1} MiB",
            seeded.decided,
            seeded.took.as_secs_f64(),
            QUEUE_APPLICATIONS as f64 / seeded.took.as_secs_f64(),
            seeded.cpu.as_secs_f64(),
            mib(db_size(data.path()))
        );
        query_plans(&db, seeded.bureau_unit).await?;
        store_timings(&store, &seeded).await?;
        Some(seeded)
    } else {
        None
    };

    // 2. The server.
    let server = tokio::task::spawn_blocking({
        let dir = data.path().to_path_buf();
        move || Server::start(&dir)
    })
    .await??;
    let pid = server.pid();
    let rss_start = proc_status(pid, "VmRSS:").unwrap_or(0);
    println!(
        "server: pid {pid} at {}; RSS {:.1} MiB",
        server.base,
        mib(rss_start)
    );

    // 3–5. The applicant's pages.
    let applicant = match bench_apps {
        Some((center, apps)) => {
            Some(applicant_section(&store, &server, data.path(), &center, &apps).await?)
        }
        None => None,
    };

    // 6. The bureau queue.
    let queue = match &queue_seed {
        Some(seeded) => Some(queue_section(&server, seeded).await?),
        None => None,
    };
    let rss_end = proc_status(pid, "VmRSS:").unwrap_or(0);
    drop(server);
    store.close().await;

    // Summary.
    println!();
    println!("== summary (server in its own process; client on the same cores) ==");
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}",
        "phase", "requests", "req/s", "p50", "p99", "409", "errors"
    );
    let conns = format!("({CONNECTIONS} conns, {}s)", PHASE.as_secs());
    let mut rows: Vec<(String, &Tally)> = Vec::new();
    if let Some(a) = &applicant {
        rows.push((format!("form page {conns}"), &a.form));
        rows.push((format!("autosave {conns}"), &a.save));
    }
    if let Some(q) = &queue {
        rows.push((format!("queue page 1 {conns}"), &q.first));
        rows.push((format!("queue pages {}+ {conns}", DEEP_FROM + 1), &q.deep));
        rows.push((format!("queue filtered {conns}"), &q.filtered));
        rows.push((format!("ranking {conns}"), &q.ranking));
    }
    for (name, t) in rows {
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
    if let Some(a) = &applicant {
        println!(
            "{:<34} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}",
            format!("uploads ({UPLOADS} × {:.0} MiB at once)", mib(UPLOAD_BYTES)),
            UPLOADS,
            format!("{:.0}MiB/s", mib(a.up.bytes) / a.up.took.as_secs_f64()),
            "",
            "",
            "",
            0
        );
    }
    if let Some(took) = seeding {
        println!(
            "seeding      {:.2}s for {APPLICATIONS} applications, {ORGANISATIONS} organisations",
            took.as_secs_f64()
        );
    }
    if let Some(seeded) = &queue_seed {
        println!(
            "queue seed   {:.2}s for {QUEUE_APPLICATIONS} submitted applications ({} at the \
             bureau's unit {}), {QUEUE_ORGANISATIONS} organisations",
            seeded.took.as_secs_f64(),
            seeded.at_unit(),
            seeded.bureau_unit
        );
    }
    if let Some(q) = &queue {
        println!(
            "queue walk   {} pages of {QUEUE_PAGE} followed by rel=next in {:.2}s ({} per \
             page), every row in order, none missing or repeated",
            q.walked_pages,
            q.walk.as_secs_f64(),
            ms(q.walk / q.walked_pages.max(1) as u32)
        );
    }
    if let Some(a) = &applicant {
        println!(
            "autosave     {} saves stored (warm-up included), none lost; {:.1} KiB form \
             body each",
            a.saved,
            a.body_size as f64 / 1024.0
        );
        println!(
            "uploads      {:.0} MiB in {:.1}s",
            mib(a.up.bytes),
            a.up.took.as_secs_f64()
        );
        println!(
            "server RSS   idle {:.1} MiB, after form page {:.1}, after autosave {:.1}, \
             peak before uploads {:.1}, peak during uploads {:.1} MiB",
            mib(a.rss_idle),
            mib(a.rss_after_form),
            mib(a.rss_after_save),
            mib(a.hwm_before_uploads),
            mib(a.up.hwm.max(a.up.sampled_peak))
        );
    }
    if queue.is_some() {
        println!(
            "server RSS   {:.1} MiB at start, {:.1} MiB at the end",
            mib(rss_start),
            mib(rss_end)
        );
    }
    Ok(())
}

/// Size of the SQLite database with its write-ahead log.
fn db_size(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("shenbao.db")).map_or(0, |m| m.len())
        + std::fs::metadata(dir.join("shenbao.db-wal")).map_or(0, |m| m.len())
}

/// What the applicant's phases measured.
struct ApplicantFigures {
    form: Tally,
    save: Tally,
    up: Uploads,
    saved: i64,
    body_size: usize,
    rss_idle: u64,
    rss_after_form: u64,
    rss_after_save: u64,
    hwm_before_uploads: u64,
}

/// The applicant's form page, draft saves and uploads (phases 3–5).
async fn applicant_section(
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
    let csrf = csrf_of(&html)?;
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

// ---- the bureau queue ----------------------------------------------------------------------

/// The call whose county queue is measured: 泉州's counties review four of its directions.
const QUEUE_CALL: &str = "qz-2024-ai-industry";
/// The call's county level.
const QUEUE_LEVEL: &str = "county";
/// Submitted applications seeded for the queue.
const QUEUE_APPLICATIONS: usize = 10_000;
/// Organisations they come from, spread over 泉州's counties.
const QUEUE_ORGANISATIONS: usize = 1_000;
/// The benchmark bureau's county, 鲤城区: every even-numbered organisation, so half of the
/// applications (5,000, 250 pages).
const BUREAU_UNIT: &str = "350502";
/// The other counties of 泉州 (350500), for the odd-numbered organisations.
const OTHER_UNITS: [&str; 10] = [
    "350503", "350504", "350505", "350521", "350524", "350525", "350526", "350581", "350582",
    "350583",
];
/// The directions the county level reviews, with the kind of project their titles name.
const QUEUE_DIRECTIONS: [(&str, &str); 4] = [
    ("compute_service", "智算"),
    ("lingyan_software", "领雁软件"),
    ("software_product", "软件产品"),
    ("hardware_product", "硬件产品"),
];
/// The direction whose ranking is measured.
const RANKED_DIRECTION: &str = "compute_service";
/// Rows on a queue page (the server's `PAGE`).
const QUEUE_PAGE: usize = 20;
/// The deep-page phase requests the pages from this one (0-based) to the last.
const DEEP_FROM: usize = 100;
/// The filtered query's keyword.
const KEYWORD: &str = "科技";
/// The benchmark bureau's login.
const BUREAU: &str = "bench_bureau";

/// Parts of the seeded organisations' names: 25 × 10 × 4 = 1,000 distinct names.
const NAME_PLACES: [&str; 25] = [
    "刺桐", "清源", "开元", "海丝", "闽台", "东海", "洛阳", "紫帽", "清濛", "泉港", "金井", "深沪",
    "安平", "罗山", "丰州", "官桥", "洪濑", "蓬壶", "东岭", "凤山", "龙湖", "永宁", "梅山", "湖头",
    "石圳",
];
const NAME_WORDS: [&str; 10] = [
    "智算", "数联", "云启", "星链", "锐思", "恒信", "博远", "天工", "中研", "华芯",
];
const NAME_KINDS: [&str; 4] = [
    "科技有限公司",
    "信息技术有限公司",
    "智能装备有限公司",
    "软件股份有限公司",
];

/// The county of seeded organisation `j`.
fn queue_unit(j: usize) -> &'static str {
    if j.is_multiple_of(2) {
        BUREAU_UNIT
    } else {
        OTHER_UNITS[(j / 2) % OTHER_UNITS.len()]
    }
}

fn queue_organisation_name(j: usize) -> String {
    format!(
        "泉州{}{}{}",
        NAME_PLACES[j % 25],
        NAME_WORDS[(j / 25) % 10],
        NAME_KINDS[(j / 250) % 4]
    )
}

/// One seeded application, as the queue should show it.
#[derive(Clone)]
struct QueueApp {
    id: i64,
    unit: &'static str,
    direction: &'static str,
    status: &'static str,
    submitted_at: i64,
    organisation: String,
    title: String,
}

/// The seeded queue.
struct QueueSeed {
    apps: Vec<QueueApp>,
    bureau_unit: &'static str,
    decided: usize,
    took: Duration,
    cpu: Duration,
}

impl QueueSeed {
    /// The bureau's queue, newest first, as the server orders it.
    fn newest(&self) -> Vec<&QueueApp> {
        let mut v: Vec<&QueueApp> = self
            .apps
            .iter()
            .filter(|a| a.unit == self.bureau_unit)
            .collect();
        v.sort_by_key(|a| std::cmp::Reverse((a.submitted_at, a.id)));
        v
    }

    fn at_unit(&self) -> usize {
        self.apps
            .iter()
            .filter(|a| a.unit == self.bureau_unit)
            .count()
    }

    /// The filtered query's rows, oldest first.
    fn filtered(&self) -> Vec<&QueueApp> {
        let mut v: Vec<&QueueApp> = self
            .apps
            .iter()
            .filter(|a| {
                a.unit == self.bureau_unit
                    && a.status == "recommended"
                    && (a.organisation.contains(KEYWORD) || a.title.contains(KEYWORD))
            })
            .collect();
        v.sort_by_key(|a| (a.submitted_at, a.id));
        v
    }

    /// The ids in the bureau's ranking of [`RANKED_DIRECTION`], sorted by id.
    fn ranked(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .apps
            .iter()
            .filter(|a| {
                a.unit == self.bureau_unit
                    && a.direction == RANKED_DIRECTION
                    && a.status == "recommended"
            })
            .map(|a| a.id)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Seeds the bureau account, [`QUEUE_ORGANISATIONS`] organisations in 泉州's counties and
/// [`QUEUE_APPLICATIONS`] applications of [`QUEUE_CALL`] through the store API: each created
/// from the direction's valid fixture, submitted to its county (four at a time share a
/// `submitted_at`, so the keyset's tie-break on the id is exercised), and one in ten
/// recommended, one in twenty not recommended, the rest waiting.
async fn seed_queue(store: &Store, now: i64) -> Result<QueueSeed> {
    let bureau = store
        .create_user(&NewUser {
            username: BUREAU.to_string(),
            password_hash: auth::hash_password(PASSWORD)?,
            display_name: "鲤城区工信局（压测）".to_string(),
            role: Role::Bureau,
            organisation_id: None,
            scope_region: Some(BUREAU_UNIT.to_string()),
            scope_sector: None,
            email: None,
            created_at: now,
        })
        .await?;
    let (start, cpu0) = (Instant::now(), cpu_time("self"));
    let hash = Arc::new(auth::hash_password("seed-password")?);
    let s = store.clone();
    let accounts = in_parallel(QUEUE_ORGANISATIONS, move |j| {
        let (s, hash) = (s.clone(), Arc::clone(&hash));
        async move {
            let (org, user) = s
                .register_applicant(
                    &NewOrganisation {
                        uscc: format!("91350500QZ{j:08}"),
                        name: queue_organisation_name(j),
                        region: queue_unit(j).to_string(),
                        created_at: now,
                    },
                    &NewUser {
                        username: format!("qz_seed_{j}"),
                        password_hash: hash.to_string(),
                        display_name: format!("泉州联系人{j}"),
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
    let mut answers = Vec::new();
    for (direction, _) in QUEUE_DIRECTIONS {
        let f = fixture(QUEUE_CALL, &format!("{direction}.valid.json"))?;
        let text = f.answers.to_string();
        let sha = hex(&Sha256::digest(text.as_bytes()));
        answers.push((f.subdirection, text, sha));
    }
    let (answers, accounts) = (Arc::new(answers), Arc::new(accounts));
    let s = store.clone();
    let apps = in_parallel(QUEUE_APPLICATIONS, move |i| {
        let (s, answers, accounts) = (s.clone(), Arc::clone(&answers), Arc::clone(&accounts));
        async move {
            let j = i % QUEUE_ORGANISATIONS;
            let (org, user) = accounts[j];
            let d = (i / 1000) % QUEUE_DIRECTIONS.len();
            let (direction, kind) = QUEUE_DIRECTIONS[d];
            let (subdirection, text, sha) = &answers[d];
            let unit = queue_unit(j);
            let organisation = queue_organisation_name(j);
            let title = format!("{organisation}{kind}项目{}", i + 1);
            // Within the last day, four applications a second.
            let submitted_at = now - 86_400_000 + (i / 4) as i64 * 1000;
            let created_at = submitted_at - 3_600_000;
            let row = s
                .create_application(
                    &NewApplication {
                        call_id: QUEUE_CALL.to_string(),
                        direction: direction.to_string(),
                        subdirection: subdirection.clone(),
                        organisation_id: org,
                        created_by: user,
                        answers: text.clone(),
                        created_at,
                    },
                    &event(created_at, user),
                )
                .await?;
            let row = s
                .submit_application(
                    row.id,
                    row.version,
                    &Submission {
                        from_status: shenbao_store::ApplicationStatus::Draft,
                        level: QUEUE_LEVEL.to_string(),
                        unit: unit.to_string(),
                        sector: None,
                        title: Some(title.clone()),
                    },
                    &NewSnapshot {
                        version: row.version,
                        answers: text.clone(),
                        files: "[]".to_string(),
                        content_hash: sha.clone(),
                    },
                    &event(submitted_at, user),
                )
                .await?;
            let k = i / 2;
            let recommended = match (k % 10, k % 20) {
                (3, _) => Some(true),
                (_, 7) => Some(false),
                _ => None,
            };
            let status = match recommended {
                Some(yes) => {
                    let at = UnitRef {
                        call_id: QUEUE_CALL.to_string(),
                        level: QUEUE_LEVEL.to_string(),
                        unit: unit.to_string(),
                    };
                    let opinion = if yes {
                        "材料齐全，符合申报条件，同意推荐。"
                    } else {
                        "不符合申报条件。"
                    };
                    s.decide(
                        row.id,
                        &at,
                        &Decision {
                            recommended: yes,
                            opinion: opinion.to_string(),
                            signatures: None,
                        },
                        &event(now, bureau.id),
                    )
                    .await?;
                    if yes {
                        "recommended"
                    } else {
                        "not_recommended"
                    }
                }
                None => "submitted",
            };
            Ok(QueueApp {
                id: row.id,
                unit,
                direction,
                status,
                submitted_at,
                organisation,
                title,
            })
        }
    })
    .await?;
    let decided = apps.iter().filter(|a| a.status != "submitted").count();
    Ok(QueueSeed {
        apps,
        bureau_unit: BUREAU_UNIT,
        decided,
        took: start.elapsed(),
        cpu: cpu_time("self").saturating_sub(cpu0),
    })
}

/// The queue statement of `Store::review_queue` (crates/shenbao_store/src/review.rs), with
/// the filters and keyset given; keep in step with it.
fn queue_sql(status: bool, keyword: bool, after: bool, oldest: bool) -> String {
    let mut sql = String::from(
        "SELECT a.id, a.call_id, a.direction, a.subdirection, a.organisation_id, a.created_by, \
         a.status, a.answers, a.justification, a.version, a.created_at, a.updated_at, \
         a.submitted_at, a.level, a.unit, a.sector, a.title, \
         o.name AS organisation_name, o.region AS organisation_region, r.rank AS rank \
         FROM applications a JOIN organisations o ON o.id = a.organisation_id \
           LEFT JOIN reviews r ON r.application_id = a.id AND r.level = a.level \
         WHERE a.call_id = $1 AND a.level = $2 AND a.unit = $3",
    );
    let mut n = 3;
    if status {
        n += 1;
        sql.push_str(&format!(" AND a.status = ${n}"));
    }
    if keyword {
        n += 1;
        sql.push_str(&format!(
            " AND (o.name LIKE ${n} ESCAPE '\\' OR COALESCE(a.title, '') LIKE ${n} ESCAPE '\\')"
        ));
    }
    let (cmp, order) = if oldest { (">", "ASC") } else { ("<", "DESC") };
    if after {
        let (a, b) = (n + 1, n + 2);
        n += 2;
        sql.push_str(&format!(
            " AND (a.submitted_at {cmp} ${a} OR (a.submitted_at = ${a} AND a.id {cmp} ${b}))"
        ));
    }
    n += 1;
    sql.push_str(&format!(
        " ORDER BY a.submitted_at {order}, a.id {order} LIMIT ${n}"
    ));
    sql
}

/// Prints SQLite's `EXPLAIN QUERY PLAN` of the queue statement: a deep keyset page (must
/// use `applications_queue_idx`, or the run fails) and the filtered query (printed).
async fn query_plans(db: &Path, unit: &str) -> Result<()> {
    use sqlx::{Connection, Row};
    let start = Instant::now();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    let after = (system_now(), i64::MAX);
    let mut plans = Vec::new();
    for (name, status, keyword, oldest) in [
        ("deep keyset page", false, false, false),
        ("filtered (status, keyword, oldest)", true, true, true),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN {}",
            queue_sql(status, keyword, true, oldest)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(QUEUE_CALL)
            .bind(QUEUE_LEVEL)
            .bind(unit);
        if status {
            q = q.bind("recommended");
        }
        if keyword {
            q = q.bind(format!("%{KEYWORD}%"));
        }
        let rows = q
            .bind(after.0)
            .bind(after.1)
            .bind(QUEUE_PAGE as i64 + 1)
            .fetch_all(&mut conn)
            .await?;
        let mut lines = Vec::new();
        let mut depth: Vec<(i64, usize)> = Vec::new();
        for r in &rows {
            let (id, parent): (i64, i64) = (r.try_get("id")?, r.try_get("parent")?);
            let detail: String = r.try_get("detail")?;
            let level = depth
                .iter()
                .find(|(i, _)| *i == parent)
                .map_or(0, |(_, l)| l + 1);
            depth.push((id, level));
            lines.push(format!("{}{detail}", "  ".repeat(level + 1)));
        }
        plans.push((name, lines));
    }
    // `Store::queue_counts`, which the queue and ranking pages run on every request.
    let rows = sqlx::query(
        "EXPLAIN QUERY PLAN SELECT direction, status, COUNT(*) AS n FROM applications \
         WHERE call_id = $1 AND level = $2 AND unit = $3 \
         GROUP BY direction, status ORDER BY direction, status",
    )
    .bind(QUEUE_CALL)
    .bind(QUEUE_LEVEL)
    .bind(unit)
    .fetch_all(&mut conn)
    .await?;
    let mut lines = Vec::new();
    for r in &rows {
        let detail: String = r.try_get("detail")?;
        lines.push(format!("  {detail}"));
    }
    plans.push(("queue counts (queue_counts)", lines));
    conn.close().await?;
    let took = start.elapsed();
    let mut uses_index = true;
    for (name, lines) in &plans {
        println!("query plan, {name} (SQLite EXPLAIN QUERY PLAN):");
        for l in lines {
            println!("{l}");
        }
        if *name == "deep keyset page" {
            uses_index = lines.iter().any(|l| l.contains("applications_queue_idx"));
        }
    }
    println!("query plans: {} ms", took.as_millis());
    ensure!(
        uses_index,
        "the queue query does not use applications_queue_idx (plan above)"
    );
    Ok(())
}

/// Times the store's calls behind the queue and ranking pages, one at a time (mean of 20
/// each), to tell the database's share of a page from the rest.
async fn store_timings(store: &Store, seeded: &QueueSeed) -> Result<()> {
    const RUNS: u32 = 20;
    let at = UnitRef {
        call_id: QUEUE_CALL.to_string(),
        level: QUEUE_LEVEL.to_string(),
        unit: seeded.bureau_unit.to_string(),
    };
    let newest = seeded.newest();
    let last_before_deep = newest
        .get(DEEP_FROM * QUEUE_PAGE - 1)
        .context("queue too short")?;
    let first = QueueQuery {
        limit: QUEUE_PAGE as i64 + 1,
        ..QueueQuery::default()
    };
    let deep = QueueQuery {
        after: Some((last_before_deep.submitted_at, last_before_deep.id)),
        ..first.clone()
    };
    let filtered = QueueQuery {
        status: Some(shenbao_store::ApplicationStatus::Recommended),
        keyword: Some(KEYWORD.to_string()),
        sort: QueueSort::Oldest,
        ..first.clone()
    };
    let mut parts = Vec::new();
    for (name, q) in [
        ("queue page 1", &first),
        ("page 101", &deep),
        ("filtered", &filtered),
    ] {
        let start = Instant::now();
        for _ in 0..RUNS {
            let rows = store.review_queue(&at, q).await?;
            ensure!(rows.len() == QUEUE_PAGE + 1, "{name}: {} rows", rows.len());
        }
        parts.push(format!("{name} {}", ms(start.elapsed() / RUNS)));
    }
    let start = Instant::now();
    for _ in 0..RUNS {
        store.queue_counts(&at).await?;
    }
    parts.push(format!("queue_counts {}", ms(start.elapsed() / RUNS)));
    let start = Instant::now();
    for _ in 0..RUNS {
        store.ranking(&at, RANKED_DIRECTION).await?;
    }
    parts.push(format!("ranking {}", ms(start.elapsed() / RUNS)));
    println!(
        "store alone (one call at a time, mean of {RUNS}): {}",
        parts.join(", ")
    );
    Ok(())
}

/// `GET` of one page that must answer 200 and contain every one of `must` (so a broken page
/// cannot look fast).
struct CheckedPageWorker {
    client: reqwest::Client,
    url: String,
    must: Arc<Vec<String>>,
}

impl Worker for CheckedPageWorker {
    async fn request(&mut self) -> Outcome {
        match self.client.get(&self.url).send().await {
            Ok(r) if r.status() == StatusCode::OK => match r.text().await {
                Ok(body) if self.must.iter().all(|m| body.contains(m.as_str())) => Outcome::Ok,
                _ => Outcome::Failed,
            },
            _ => Outcome::Failed,
        }
    }
}

/// The link to an application's review page, as queue and ranking rows carry it.
fn row_link(id: i64) -> String {
    format!("/review/{QUEUE_CALL}/applications/{id}\"")
}

/// The application ids of a queue or ranking page's rows, in order.
fn row_ids(html: &str) -> Vec<i64> {
    let key = format!("/review/{QUEUE_CALL}/applications/");
    html.match_indices(&key)
        .filter_map(|(at, _)| {
            let rest = &html[at + key.len()..];
            let end = rest.find('"')?;
            rest[..end].parse().ok()
        })
        .collect()
}

/// The page's `rel="next"` link, unescaped.
fn next_link(html: &str) -> Option<String> {
    let key = "rel=\"next\" href=\"";
    let start = html.find(key)? + key.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].replace("&amp;", "&"))
}

/// A page that answered 200, with its body.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<String> {
    let r = client.get(url).send().await?;
    ensure!(r.status() == StatusCode::OK, "{url}: {}", r.status());
    Ok(r.text().await?)
}

/// What the queue section measured.
struct QueueFigures {
    first: Tally,
    deep: Tally,
    filtered: Tally,
    ranking: Tally,
    walk: Duration,
    walked_pages: usize,
}

/// One measured phase: [`CONNECTIONS`] workers over `targets` (URL and what its body must
/// contain), round-robin, warmed up, then [`PHASE`] long.
async fn queue_phase(
    name: &str,
    client: &reqwest::Client,
    pid: u32,
    targets: &[(String, Arc<Vec<String>>)],
) -> Tally {
    let workers: Vec<CheckedPageWorker> = (0..CONNECTIONS)
        .map(|w| {
            let (url, must) = &targets[w * targets.len() / CONNECTIONS];
            CheckedPageWorker {
                client: client.clone(),
                url: url.clone(),
                must: Arc::clone(must),
            }
        })
        .collect();
    let (_, workers) = hammer(workers, WARM_UP).await;
    let ((t, _), cpu) = Cpu::around(pid, hammer(workers, PHASE)).await;
    print_phase(name, &t, &cpu);
    t
}

/// The bureau's queue and ranking (phase 6): every page checked once against the seeded
/// rows, then each shape under load.
async fn queue_section(server: &Server, seeded: &QueueSeed) -> Result<QueueFigures> {
    let pid = server.pid();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()?;
    log_in(&client, server, BUREAU, PASSWORD).await?;
    let must = |ids: &[i64]| -> Arc<Vec<String>> {
        Arc::new(
            [ids.first(), ids.last()]
                .into_iter()
                .flatten()
                .map(|&id| row_link(id))
                .collect(),
        )
    };

    // Walk the whole queue by its next links, checking every page against the seed.
    let expected: Vec<i64> = seeded.newest().iter().map(|a| a.id).collect();
    let first_url = server.url(&format!("/review/{QUEUE_CALL}"));
    let mut pages: Vec<(String, Vec<i64>)> = Vec::new();
    let mut url = first_url.clone();
    let start = Instant::now();
    loop {
        let html = fetch(&client, &url).await?;
        let ids = row_ids(&html);
        let from = pages.len() * QUEUE_PAGE;
        let want = &expected[from.min(expected.len())..(from + QUEUE_PAGE).min(expected.len())];
        ensure!(
            ids == want,
            "queue page {}: rows {ids:?}, expected {want:?}",
            pages.len()
        );
        let next = next_link(&html);
        pages.push((url, ids));
        match next {
            Some(n) => url = server.url(&n),
            None => break,
        }
    }
    let walk = start.elapsed();
    let walked: usize = pages.iter().map(|(_, ids)| ids.len()).sum();
    ensure!(
        walked == expected.len(),
        "the walk saw {walked} rows of {}",
        expected.len()
    );
    ensure!(
        pages.len() > DEEP_FROM,
        "only {} queue pages, fewer than {DEEP_FROM}",
        pages.len()
    );
    println!(
        "queue: {} rows at unit {} in {} pages, walked by rel=next in {:.2}s, every page's \
         rows as seeded",
        walked,
        seeded.bureau_unit,
        pages.len(),
        walk.as_secs_f64()
    );

    // The filtered query.
    let filtered_url = server.url(&format!(
        "/review/{QUEUE_CALL}?status=recommended&q={}&sort=oldest",
        form_urlencoded::byte_serialize(KEYWORD.as_bytes()).collect::<String>()
    ));
    let all_filtered = seeded.filtered();
    let want: Vec<i64> = all_filtered.iter().take(QUEUE_PAGE).map(|a| a.id).collect();
    let got = row_ids(&fetch(&client, &filtered_url).await?);
    ensure!(
        got == want,
        "filtered page: rows {got:?}, expected {want:?}"
    );
    println!(
        "filtered: status=recommended&q={KEYWORD}&sort=oldest matches {} rows; first page's \
         {} rows as seeded",
        all_filtered.len(),
        got.len()
    );

    // The ranking.
    let ranking_url = server.url(&format!(
        "/review/{QUEUE_CALL}/ranking?direction={RANKED_DIRECTION}"
    ));
    let ranking_ids = row_ids(&fetch(&client, &ranking_url).await?);
    let mut sorted = ranking_ids.clone();
    sorted.sort_unstable();
    ensure!(
        sorted == seeded.ranked(),
        "ranking: {} rows, expected the {} recommended",
        ranking_ids.len(),
        seeded.ranked().len()
    );
    println!(
        "ranking: {RANKED_DIRECTION} lists all {} recommended applications",
        ranking_ids.len()
    );

    let first = queue_phase(
        "queue page",
        &client,
        pid,
        &[(first_url, must(&pages[0].1))],
    )
    .await;
    let deep_targets: Vec<(String, Arc<Vec<String>>)> = pages[DEEP_FROM..]
        .iter()
        .map(|(url, ids)| (url.clone(), must(ids)))
        .collect();
    let deep = queue_phase("deep pages", &client, pid, &deep_targets).await;
    println!(
        "{:10}  {} deep pages ({}–{} of {}) spread over the connections",
        "",
        deep_targets.len().min(CONNECTIONS),
        DEEP_FROM + 1,
        pages.len(),
        pages.len()
    );
    let filtered = queue_phase("filtered  ", &client, pid, &[(filtered_url, must(&want))]).await;
    let ranking = queue_phase(
        "ranking   ",
        &client,
        pid,
        &[(ranking_url, must(&ranking_ids))],
    )
    .await;
    Ok(QueueFigures {
        first,
        deep,
        filtered,
        ranking,
        walk,
        walked_pages: pages.len(),
    })
}
