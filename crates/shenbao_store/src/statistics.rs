//! Counts of a call's submitted applications for the statistics page (统计分析): by the
//! applicant's region, by direction, by status and by day of submission, for the whole call
//! (its owner) or for what reached one reviewing unit (a bureau).
//!
//! Every count is a `GROUP BY` in the database over the covering index
//! `applications_statistics_idx` (or the unit's own indexes); no application row is loaded.
//! The regions come back as the applicants' own division codes: gathering them into the
//! divisions a viewer sees (cities for a province, counties for a city) is the web layer's,
//! with `shenbao_core::region`.
//!
//! Must not: decide who may see which counts, or read the clock.

use crate::sql::Text;
use crate::{ApplicationStatus, Store, StoreError, UnitRef};

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// China Standard Time (UTC+8) in milliseconds: a day of submission is a day in Beijing, as
/// the calls' deadlines are.
const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// Whose applications are counted.
#[derive(Debug, Clone, Copy)]
pub enum StatisticsScope<'a> {
    /// Every submitted application of the call (the call owner).
    Call(&'a str),
    /// The applications at a reviewing unit now, or that the unit decided on before they
    /// moved on (a bureau: what was routed to or through it).
    Unit(&'a UnitRef),
}

impl StatisticsScope<'_> {
    fn call_id(&self) -> &str {
        match self {
            StatisticsScope::Call(id) => id,
            StatisticsScope::Unit(at) => &at.call_id,
        }
    }
}

/// The counts of one scope. Drafts are never counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    /// By the applicant organisation's registered division code, by code.
    pub by_region: Vec<(String, i64)>,
    /// By direction id, by id.
    pub by_direction: Vec<(String, i64)>,
    /// By current status, in the workflow's order.
    pub by_status: Vec<(ApplicationStatus, i64)>,
    /// By day of the last submission in China Standard Time, as days since 1970-01-01, in
    /// order; days without submissions are absent.
    pub by_day: Vec<(i64, i64)>,
}

impl Statistics {
    /// How many applications in all.
    pub fn total(&self) -> i64 {
        self.by_status.iter().map(|(_, n)| n).sum()
    }
}

#[derive(sqlx::FromRow)]
struct KeyCount {
    k: String,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct StatusCount {
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    k: ApplicationStatus,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct DayCount {
    k: Option<i64>,
    n: i64,
}

impl Store {
    /// The counts of `scope`: four grouped queries.
    pub async fn statistics(&self, scope: StatisticsScope<'_>) -> Result<Statistics, StoreError> {
        // `$1` is the call; `$2` and `$3` the unit's level and unit when there is one. A unit
        // holds what is at it now, and what it decided on and forwarded (its `reviews` rows).
        let filter = match scope {
            StatisticsScope::Call(_) => "a.call_id = $1 AND a.status <> 'draft'",
            StatisticsScope::Unit(_) => {
                "a.call_id = $1 AND a.status <> 'draft' AND a.id IN (\
                   SELECT u.id FROM applications u \
                     WHERE u.call_id = $1 AND u.level = $2 AND u.unit = $3 \
                   UNION SELECT r.application_id FROM reviews r \
                     WHERE r.call_id = $1 AND r.level = $2 AND r.unit = $3)"
            }
        };
        let region = format!(
            "SELECT o.region AS k, COUNT(*) AS n \
             FROM applications a JOIN organisations o ON o.id = a.organisation_id \
             WHERE {filter} GROUP BY o.region ORDER BY o.region"
        );
        let direction = format!(
            "SELECT a.direction AS k, COUNT(*) AS n FROM applications a \
             WHERE {filter} GROUP BY a.direction ORDER BY a.direction"
        );
        let status = format!(
            "SELECT a.status AS k, COUNT(*) AS n FROM applications a \
             WHERE {filter} GROUP BY a.status"
        );
        // Integer division on both databases (BIGINT / BIGINT in PostgreSQL).
        let day = format!(
            "SELECT (a.submitted_at + {CST_OFFSET_MS}) / {DAY_MS} AS k, COUNT(*) AS n \
             FROM applications a WHERE {filter} \
             GROUP BY (a.submitted_at + {CST_OFFSET_MS}) / {DAY_MS} ORDER BY k"
        );
        let by_region: Vec<KeyCount> = self.scoped(&region, scope).await?;
        let by_direction: Vec<KeyCount> = self.scoped(&direction, scope).await?;
        let mut by_status: Vec<StatusCount> = self.scoped(&status, scope).await?;
        by_status.sort_by_key(|c| c.k);
        let by_day: Vec<DayCount> = self.scoped(&day, scope).await?;
        Ok(Statistics {
            by_region: by_region.into_iter().map(|c| (c.k, c.n)).collect(),
            by_direction: by_direction.into_iter().map(|c| (c.k, c.n)).collect(),
            by_status: by_status.into_iter().map(|c| (c.k, c.n)).collect(),
            // A submitted application always has its time; one without is left out.
            by_day: by_day
                .into_iter()
                .filter_map(|c| Some((c.k?, c.n)))
                .collect(),
        })
    }

    /// Runs one of [`Store::statistics`]' queries with the scope's parameters bound.
    async fn scoped<T>(&self, sql: &str, scope: StatisticsScope<'_>) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        // The statement is assembled from the fixed fragments above; every value is bound.
        let query = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(scope.call_id().to_string());
        let query = match scope {
            StatisticsScope::Call(_) => query,
            StatisticsScope::Unit(at) => query.bind(at.level.clone()).bind(at.unit.clone()),
        };
        Ok(query.fetch_all(&self.pool).await?)
    }
}
