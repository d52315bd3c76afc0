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
//! 7. **Statistics.** 100,000 submitted applications of sd-2024-llm-cases over 山东's
//!    counties, written in one SQL statement; SQLite's plans of the owner's grouped queries
//!    (each must read a covering index alone); `Store::statistics` timed for
//!    the owner and for 济南's city bureau; then `GET /owner/sd-2024-llm-cases/statistics`,
//!    its `.xlsx` and the city's `/review/…/statistics`, 20 times each one at a time, each
//!    checked for the right total. `SHENBAO_BENCH_ONLY=statistics` runs this alone.
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
//!
//! This file holds the run (its sections, their order, the summary). The rest: `server`
//! (the child process), `memory` (RSS and CPU figures), `fixtures` (the applicant seeding),
//! `http` (logging in, fetching pages), `hammer` (closed-loop load and its printing),
//! `applicant` (phases 3–5), `uploads` (phase 5), `queue_seed`, `queue_plans` and `queue`
//! (the queue's data, its database plans and timings, phase 6). The answer fixtures, their
//! form fields and the CSRF token come from the HTTP tests' helpers (`tests/common`).

mod applicant;
/// The HTTP tests' helpers (fixtures, form fields, the CSRF token), shared so that each
/// exists once.
#[path = "../../tests/common/mod.rs"]
mod common;
mod fixtures;
mod hammer;
mod http;
mod memory;
mod queue;
mod queue_plans;
mod queue_seed;
mod server;
mod statistics;
mod uploads;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail, ensure};
use shenbao_store::Store;
use shenbao_web::{CallRegistry, system_now};

use crate::applicant::applicant_section;
use crate::common::applicant::fixture;
use crate::fixtures::{APPLICATIONS, ORGANISATIONS, SEED_WRITERS, seed, seed_bench_account};
use crate::hammer::{CONNECTIONS, PHASE, Tally, ms};
use crate::memory::{cpu_time, mib, proc_status};
use crate::queue::queue_section;
use crate::queue_plans::{query_plans, store_timings};
use crate::queue_seed::{
    DEEP_FROM, QUEUE_APPLICATIONS, QUEUE_CALL, QUEUE_ORGANISATIONS, QUEUE_PAGE, seed_queue,
};
use crate::server::{SERVE_ENV, Server, serve_child};
use crate::statistics::{
    STATS_APPLICATIONS, STATS_CALL, seed_statistics, statistics_plans, statistics_section,
    statistics_store_timings,
};
use crate::uploads::{UPLOAD_BYTES, UPLOADS};

/// Picks sections: `applicant`, `queue`, `statistics`, or several comma-separated (all by
/// default).
const ONLY_ENV: &str = "SHENBAO_BENCH_ONLY";

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

// ---- the run -------------------------------------------------------------------------------

/// The benchmark's sections, picked with `SHENBAO_BENCH_ONLY` (see the module comment).
#[derive(Clone, Copy)]
struct Sections {
    applicant: bool,
    queue: bool,
    statistics: bool,
}

impl Sections {
    fn from_env() -> Result<Sections> {
        let Ok(only) = std::env::var(ONLY_ENV) else {
            return Ok(Sections {
                applicant: true,
                queue: true,
                statistics: true,
            });
        };
        let mut s = Sections {
            applicant: false,
            queue: false,
            statistics: false,
        };
        for name in only.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "applicant" => s.applicant = true,
                "queue" => s.queue = true,
                "statistics" => s.statistics = true,
                other => {
                    bail!("{ONLY_ENV}: unknown section {other:?} (applicant, queue, statistics)")
                }
            }
        }
        ensure!(
            s.applicant || s.queue || s.statistics,
            "{ONLY_ENV}: no section picked"
        );
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
        let center = fixture("hn-2025-ai", "center.valid.json");
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

    let stats_seed = if sections.statistics {
        let seeded = seed_statistics(&db, &store, now).await?;
        println!(
            "statistics seeding: {STATS_APPLICATIONS} submitted applications of {STATS_CALL} \
             over 山东's counties in {:.2}s (one SQL statement); {} at 济南's city level; \
             database {:.1} MiB",
            seeded.took.as_secs_f64(),
            seeded.at_city,
            mib(db_size(data.path()))
        );
        statistics_plans(&db).await?;
        Some((statistics_store_timings(&store).await?, seeded))
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
    // 7. The statistics pages.
    let statistics = match &stats_seed {
        Some((_, seeded)) => Some(statistics_section(&server, seeded).await?),
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
    if let (Some((store_rows, _)), Some(pages)) = (&stats_seed, &statistics) {
        println!("statistics at {STATS_APPLICATIONS} applications (one request at a time):");
        for (name, p50, max) in store_rows.iter().chain(&pages.rows) {
            println!("  {name:<48} p50 {:>9} max {:>9}", ms(*p50), ms(*max));
        }
    }
    if queue.is_some() || statistics.is_some() {
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
