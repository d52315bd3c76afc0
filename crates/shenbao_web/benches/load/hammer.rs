//! Closed-loop load: workers that each send one request at a time on their own connection
//! for a fixed span, the tally of their latencies and outcomes, and how a phase is printed.

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::task::JoinSet;

use crate::memory::Cpu;

/// Concurrent connections of the form-page and draft-save phases.
pub const CONNECTIONS: usize = 64;
/// Unmeasured load before each measured phase (opens the connections, warms the caches).
pub const WARM_UP: Duration = Duration::from_secs(1);
/// Length of each measured phase.
pub const PHASE: Duration = Duration::from_secs(10);

/// How one request ended.
pub enum Outcome {
    Ok,
    /// 409: the version moved on.
    Conflict,
    Failed,
}

/// One connection's loop body: sends one request and waits for the whole answer.
pub trait Worker: Send + 'static {
    fn request(&mut self) -> impl Future<Output = Outcome> + Send;
}

/// Latencies and outcomes of a phase.
#[derive(Default)]
pub struct Tally {
    latencies: Vec<Duration>,
    pub conflicts: u64,
    pub failed: u64,
    pub elapsed: Duration,
}

impl Tally {
    pub fn requests(&self) -> usize {
        self.latencies.len()
    }

    pub fn per_second(&self) -> f64 {
        self.requests() as f64 / self.elapsed.as_secs_f64()
    }

    /// Nearest-rank percentile of the latencies (sorted by [`hammer`]).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    pub fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }
}

/// Runs each worker in a loop on its own task, one request at a time (so one connection
/// each), starting requests until `duration` has passed. Returns every latency, sorted, and
/// the workers (with their state) for the next round.
pub async fn hammer<W: Worker>(workers: Vec<W>, duration: Duration) -> (Tally, Vec<W>) {
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

pub fn ms(d: Duration) -> String {
    format!("{:.1}ms", d.as_secs_f64() * 1000.0)
}

pub fn print_phase(name: &str, t: &Tally, cpu: &Cpu) {
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
pub struct PageWorker {
    pub client: reqwest::Client,
    pub url: String,
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
