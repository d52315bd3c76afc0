//! Counting what units have recommended, for their quotas (推荐名额): a unit's own counts under
//! its quota lock, inside the transaction that recommends, and every unit's counts for the
//! owner's overview.
//!
//! A recommendation of an application that an earlier level's unit *apart* (单列, its
//! `counted_above = false`) recommended is not counted: the caller passes those (level, unit)
//! pairs, from the call definition.

use super::*;

/// What one unit has recommended in one direction at one level.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecommendedCount {
    /// The level.
    pub level: String,
    /// The unit.
    pub unit: String,
    /// The direction.
    pub direction: String,
    /// How many it recommends (counted ones only).
    #[sqlx(rename = "n")]
    pub count: i64,
}

/// The counting statement: recommendations of `call_id` (at `at`'s level and unit when given),
/// except application `except` and those recommended by an apart unit at another level,
/// grouped by level, unit and direction.
fn counting(
    call_id: &str,
    at: Option<&UnitRef>,
    except: Option<i64>,
    apart: &[(String, String)],
) -> Statement {
    let mut sql = Statement::new(
        "SELECT r.level, r.unit, r.direction, COUNT(*) AS n FROM reviews r \
         WHERE r.call_id = ",
    );
    sql.push_bind(call_id.to_string())
        .push(" AND r.decision = ")
        .push_bind(ApplicationStatus::Recommended.as_str());
    if let Some(at) = at {
        sql.push(" AND r.level = ")
            .push_bind(at.level.clone())
            .push(" AND r.unit = ")
            .push_bind(at.unit.clone());
    }
    if let Some(id) = except {
        sql.push(" AND r.application_id <> ").push_bind(id);
    }
    if !apart.is_empty() {
        sql.push(
            " AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.application_id = r.application_id \
               AND x.level <> r.level AND x.decision = ",
        )
        .push_bind(ApplicationStatus::Recommended.as_str())
        .push(" AND (");
        for (i, (level, unit)) in apart.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("(x.level = ")
                .push_bind(level.clone())
                .push(" AND x.unit = ")
                .push_bind(unit.clone())
                .push(")");
        }
        sql.push("))");
    }
    sql.push(" GROUP BY r.level, r.unit, r.direction ORDER BY r.level, r.unit, r.direction");
    sql
}

impl Tx {
    /// Takes the quota lock of the unit `at` (exclusive, to the commit) and counts what it
    /// recommends by direction, leaving out application `except` (the one being decided on) and
    /// what apart units recommended. Two transactions recommending at one unit thus count one
    /// after the other, and only one takes the last place.
    pub async fn recommended_at(
        &mut self,
        at: &UnitRef,
        except: i64,
        apart: &[(String, String)],
    ) -> Result<Vec<RecommendedCount>, StoreError> {
        let key = format!("{}\u{1f}{}\u{1f}{}", at.call_id, at.level, at.unit);
        self.lock(LockClass::Quota, &key, true).await?;
        Ok(counting(&at.call_id, Some(at), Some(except), apart)
            .query_as()?
            .fetch_all(&mut **self)
            .await?)
    }
}

impl Store {
    /// What units have recommended in call `call_id` (only unit `at` when given), by level,
    /// unit and direction, leaving out what apart units recommended.
    pub async fn recommended_counts(
        &self,
        call_id: &str,
        at: Option<&UnitRef>,
        apart: &[(String, String)],
    ) -> Result<Vec<RecommendedCount>, StoreError> {
        Ok(counting(call_id, at, None, apart)
            .query_as()?
            .fetch_all(&self.pool)
            .await?)
    }
}
