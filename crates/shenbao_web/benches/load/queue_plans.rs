//! The database alone under the queue: SQLite's plans of the queue statement (which must use
//! `applications_queue_idx`) and the store calls behind the queue and ranking pages, timed
//! one at a time.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, ensure};
use shenbao_store::{QueueQuery, QueueSort, Store, UnitRef};
use shenbao_web::system_now;

use crate::hammer::ms;
use crate::queue_seed::{
    DEEP_FROM, KEYWORD, QUEUE_CALL, QUEUE_LEVEL, QUEUE_PAGE, QueueSeed, RANKED_DIRECTION,
};

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
pub async fn query_plans(db: &Path, unit: &str) -> Result<()> {
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
pub async fn store_timings(store: &Store, seeded: &QueueSeed) -> Result<()> {
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
