//! Phase 7, the statistics pages at 100,000 applications: 100,000 submitted applications of
//! sd-2024-llm-cases (山东省) from 5,000 organisations spread over every county of the
//! province, written in one SQL statement (the store API would take minutes for this many
//! and is measured by the other sections); an owner account and the 济南 city bureau; then
//! SQLite's plans of the owner's four grouped queries (each must read a covering index
//! alone, mostly `applications_statistics_idx`), the store call timed, and the pages and the XLSX
//! fetched over HTTP one at a time, each checked for the right total.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use shenbao_store::{NewUser, Role, StatisticsScope, Store, UnitRef};
use shenbao_web::auth;

use crate::common::applicant::fixture;
use crate::fixtures::PASSWORD;
use crate::hammer::ms;
use crate::http::{fetch, log_in};
use crate::server::Server;

/// The call: a province-wide one whose city level reviews, and whose owner sees cities.
pub const STATS_CALL: &str = "sd-2024-llm-cases";
/// Submitted applications seeded for the statistics pages.
pub const STATS_APPLICATIONS: i64 = 100_000;
/// Organisations they come from, round-robin over 山东's counties.
const STATS_ORGANISATIONS: i64 = 5_000;
/// The owner's and the city bureau's logins.
const OWNER: &str = "bench_stats_owner";
const CITY: &str = "bench_stats_jinan";
/// 济南市: the city bureau measured.
const CITY_UNIT: &str = "370100";
/// Requests of each page, one after the other.
const REQUESTS: usize = 20;

/// What was seeded.
pub struct StatsSeed {
    /// How long seeding took.
    pub took: Duration,
    /// Applications at 济南's city level.
    pub at_city: i64,
}

/// What the statistics section measured: (what, p50, max) of each.
pub struct StatsFigures {
    pub rows: Vec<(String, Duration, Duration)>,
}

/// Seeds the organisations, the accounts and the applications.
pub async fn seed_statistics(db: &Path, store: &Store, now: i64) -> Result<StatsSeed> {
    use sqlx::{Connection, Row};
    let start = Instant::now();
    for (username, role, region) in [
        (OWNER, Role::Owner, None),
        (CITY, Role::Bureau, Some(CITY_UNIT)),
    ] {
        store
            .create_user(&NewUser {
                username: username.to_string(),
                password_hash: auth::hash_password(PASSWORD)?,
                display_name: username.to_string(),
                role,
                organisation_id: None,
                scope_region: region.map(str::to_string),
                scope_sector: None,
                email: None,
                created_at: now,
            })
            .await?;
    }
    let owner = store
        .user_by_username(OWNER)
        .await?
        .context("the owner account")?;
    let counties: Vec<&str> = shenbao_core::region::children("370000")
        .iter()
        .flat_map(|city| shenbao_core::region::children(city.code))
        .map(|d| d.code)
        .collect();
    ensure!(counties.len() > 100, "山东's counties: {}", counties.len());
    let answers = fixture(STATS_CALL, "case.valid.json").answers.to_string();

    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    let mut tx = conn.begin().await?;
    let first: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM organisations")
        .fetch_one(&mut *tx)
        .await?
        .get(0);
    for i in 0..STATS_ORGANISATIONS {
        let county = counties[usize::try_from(i)? % counties.len()];
        sqlx::query("INSERT INTO organisations (id, uscc, name, region, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(first + i)
            .bind(format!("91370000STAT{i:06}"))
            .bind(format!("山东统计压测{i}有限公司"))
            .bind(county)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    // Over the last 30 days, in order; one in ten recommended, one in ten not, one in twenty
    // returned; at the applicant's city.
    let span = 30 * 86_400_000 / STATS_APPLICATIONS;
    sqlx::query(
        "INSERT INTO applications (call_id, direction, organisation_id, created_by, status, \
           answers, version, created_at, updated_at, submitted_at, level, unit, title) \
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) \
         SELECT $2, 'case', o.id, $3, \
           CASE WHEN n.i % 10 = 0 THEN 'recommended' WHEN n.i % 10 = 1 THEN 'not_recommended' \
                WHEN n.i % 20 = 2 THEN 'returned' ELSE 'submitted' END, \
           $4, 2, $5 + n.i * $6, $5 + n.i * $6, $5 + n.i * $6, 'city', \
           substr(o.region, 1, 4) || '00', '压测案例' || n.i \
         FROM n JOIN organisations o ON o.id = $7 + n.i % $8",
    )
    .bind(STATS_APPLICATIONS)
    .bind(STATS_CALL)
    .bind(owner.id)
    .bind(&answers)
    .bind(now - 30 * 86_400_000)
    .bind(span)
    .bind(first)
    .bind(STATS_ORGANISATIONS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(&mut conn).await?;
    let at_city: i64 = sqlx::query(
        "SELECT COUNT(*) FROM applications WHERE call_id = $1 AND level = 'city' AND unit = $2",
    )
    .bind(STATS_CALL)
    .bind(CITY_UNIT)
    .fetch_one(&mut conn)
    .await?
    .get(0);
    conn.close().await?;
    Ok(StatsSeed {
        took: start.elapsed(),
        at_city,
    })
}

/// Prints SQLite's plans of the owner's grouped queries; each must read `applications`
/// through a covering index (`applications_statistics_idx`, or for the statuses
/// `applications_call_status_id_idx`): no row with its answers is read.
pub async fn statistics_plans(db: &Path) -> Result<()> {
    use sqlx::{Connection, Row};
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    // Keep in step with `Store::statistics` (crates/shenbao_store/src/statistics.rs).
    let filter = "a.call_id = $1 AND a.status <> 'draft'";
    for (name, sql) in [
        (
            "region",
            format!(
                "SELECT o.region AS k, COUNT(*) AS n FROM applications a JOIN organisations o ON o.id = a.organisation_id WHERE {filter} GROUP BY o.region ORDER BY o.region"
            ),
        ),
        (
            "direction",
            format!(
                "SELECT a.direction AS k, COUNT(*) AS n FROM applications a WHERE {filter} GROUP BY a.direction ORDER BY a.direction"
            ),
        ),
        (
            "status",
            format!(
                "SELECT a.status AS k, COUNT(*) AS n FROM applications a WHERE {filter} GROUP BY a.status"
            ),
        ),
        (
            "day",
            format!(
                "SELECT (a.submitted_at + 28800000) / 86400000 AS k, COUNT(*) AS n FROM applications a WHERE {filter} GROUP BY (a.submitted_at + 28800000) / 86400000 ORDER BY k"
            ),
        ),
    ] {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
            .bind(STATS_CALL)
            .fetch_all(&mut conn)
            .await?;
        let plan: Vec<String> = rows.iter().map(|r| r.get::<String, _>(3)).collect();
        println!("statistics plan, by {name}: {}", plan.join(" / "));
        ensure!(
            plan.iter().any(|p| p.contains(" a USING COVERING INDEX ")),
            "the owner's query by {name} reads the rows: {plan:?}"
        );
    }
    conn.close().await?;
    Ok(())
}

/// `Store::statistics` for the owner and the city, timed.
pub async fn statistics_store_timings(store: &Store) -> Result<Vec<(String, Duration, Duration)>> {
    let city = UnitRef {
        call_id: STATS_CALL.to_string(),
        level: "city".to_string(),
        unit: CITY_UNIT.to_string(),
    };
    let mut rows = Vec::new();
    for (name, scope) in [
        ("store: owner's counts", StatisticsScope::Call(STATS_CALL)),
        ("store: 济南's counts", StatisticsScope::Unit(&city)),
    ] {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..5 {
            let t = Instant::now();
            total = store.statistics(scope).await?.total();
            times.push(t.elapsed());
        }
        ensure!(total > 0, "{name}: nothing counted");
        times.sort();
        println!(
            "{name}: {total} applications, median {} max {}",
            ms(times[2]),
            ms(times[4])
        );
        rows.push((name.to_string(), times[2], times[4]));
    }
    Ok(rows)
}

/// The pages and the XLSX over HTTP, one request at a time.
pub async fn statistics_section(server: &Server, seeded: &StatsSeed) -> Result<StatsFigures> {
    let mut rows = Vec::new();
    for (who, path, must) in [
        (
            OWNER,
            format!("/owner/{STATS_CALL}/statistics"),
            format!("共 <strong>{STATS_APPLICATIONS}</strong>"),
        ),
        (
            OWNER,
            format!("/owner/{STATS_CALL}/statistics.xlsx"),
            String::new(),
        ),
        (
            CITY,
            format!("/review/{STATS_CALL}/statistics"),
            format!("共 <strong>{}</strong>", seeded.at_city),
        ),
    ] {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        log_in(&client, server, who, PASSWORD).await?;
        let url = server.url(&path);
        let mut times = Vec::with_capacity(REQUESTS);
        for _ in 0..REQUESTS {
            let t = Instant::now();
            if path.ends_with(".xlsx") {
                let r = client.get(&url).send().await?;
                ensure!(r.status().is_success(), "{path}: {}", r.status());
                let bytes = r.bytes().await?;
                ensure!(bytes.starts_with(b"PK"), "{path}: not an XLSX");
            } else {
                let body = fetch(&client, &url).await?;
                ensure!(body.contains(&must), "{path}: {must} missing");
            }
            times.push(t.elapsed());
        }
        times.sort();
        let (p50, max) = (times[REQUESTS / 2], times[REQUESTS - 1]);
        println!(
            "GET {path}: {REQUESTS} requests one at a time, p50 {} max {}",
            ms(p50),
            ms(max)
        );
        rows.push((format!("GET {path}"), p50, max));
    }
    Ok(StatsFigures { rows })
}
