//! The bureau side of review: decisions at a level, the unit's ranking, forwarding to the next
//! level, the reviewing unit's queue and who reviews for a unit.
//!
//! Every write is guarded like the applicant's writes: the application must be at the level and
//! unit the caller acts for, in a status that allows the action, and the unit must not have
//! forwarded the direction yet (`forwards` row). A guard that matches nothing becomes
//! `Conflict { constraint: "applications.version" }` (or `forwards.pkey` when the list was
//! already forwarded), so two reviewers in two tabs cannot both win.
//!
//! Must not: decide who may act for which unit (the web layer maps accounts to units), read the
//! clock, or look inside the answers.

use std::collections::BTreeMap;

use shenbao_core::workflow::Action;

use sqlx::{Any, AnyConnection, Executor, Transaction};

use crate::application::{application_columns, insert_event, refusal_on};
use crate::sql::{Statement, Text, like_pattern, unit_list_key};
use crate::{
    ApplicationEvent, ApplicationRow, ApplicationStatus, LockClass, Store, StoreError, Tx, UserRow,
};

/// The conflict reported when a unit tries to forward a list it already forwarded, or to
/// change anything in it afterwards.
pub const FORWARDED: &str = "forwards.pkey";
/// The conflict reported when a unit forwards while applications still wait for a decision.
pub const PENDING: &str = "forwards.pending";

/// The unit and level an action is taken for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRef {
    /// The call.
    pub call_id: String,
    /// The review level id.
    pub level: String,
    /// The reviewing unit at that level.
    pub unit: String,
}

/// A level's decision on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Recommended (推荐) or not (不予推荐).
    pub recommended: bool,
    /// The opinion or the reason.
    pub opinion: String,
    /// JSON object of the opinion block's signature lines, when the level has one.
    pub signatures: Option<String>,
}

/// A stored decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRow {
    /// The application.
    pub application_id: i64,
    /// The level that decided.
    pub level: String,
    /// The unit that decided.
    pub unit: String,
    /// The application's direction.
    pub direction: String,
    /// `recommended` or `not_recommended`.
    pub decision: String,
    /// Opinion or reason.
    pub opinion: String,
    /// JSON object of signature lines.
    pub signatures: Option<String>,
    /// Place in the unit's ranking of the direction, when recommended.
    pub rank: Option<i64>,
    /// Who decided.
    pub decided_by: i64,
    /// Unix milliseconds.
    pub decided_at: i64,
}

/// A lower level's decision on an application that reached a unit, with what the unit shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LowerRow {
    /// The lower level's decision (its unit, rank and opinion).
    #[sqlx(flatten)]
    pub review: ReviewRow,
    /// The application's title.
    pub title: Option<String>,
    /// Its current status.
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    pub status: ApplicationStatus,
    /// The applicant's name.
    pub organisation_name: String,
}

/// A unit's forwarded list of one direction.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ForwardRow {
    /// The direction.
    pub direction: String,
    /// Unix milliseconds.
    pub forwarded_at: i64,
    /// Who forwarded.
    pub forwarded_by: i64,
    /// How many recommended applications went up.
    pub count: i64,
}

/// Where forwarded applications go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextUnit {
    /// The city bureau of the applicant's registered region ([`shenbao_core::routing::city_of`]).
    ApplicantCity,
    /// The province of the applicant's registered region
    /// ([`shenbao_core::routing::province_of`]), at a national call's provincial level.
    ApplicantProvince,
    /// A fixed unit, such as `*` for the call owner.
    Fixed(String),
}

/// Sort order of a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueSort {
    /// Latest submission first.
    #[default]
    Newest,
    /// Earliest submission first.
    Oldest,
}

/// A page request on a unit's queue. `after` is the `(submitted_at, id)` of the last row of
/// the previous page (keyset pagination).
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// Only this direction.
    pub direction: Option<String>,
    /// Only this status.
    pub status: Option<ApplicationStatus>,
    /// Only applicants registered in this division (a county of a city's queue).
    pub region: Option<String>,
    /// Only applicants or titles containing this text.
    pub keyword: Option<String>,
    /// Order.
    pub sort: QueueSort,
    /// Keyset: the last row of the previous page.
    pub after: Option<(i64, i64)>,
    /// Page size.
    pub limit: i64,
}

/// A row of a queue or ranking: the application with its organisation and, in a ranking, the
/// unit's decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    /// The application.
    #[sqlx(flatten)]
    pub application: ApplicationRow,
    /// The applicant organisation's name.
    pub organisation_name: String,
    /// Its registered division code.
    pub organisation_region: String,
    /// Its rank at the unit, when recommended there.
    pub rank: Option<i64>,
}

/// Applications of a unit by direction and status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueCount {
    /// Direction.
    pub direction: String,
    /// Status.
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    pub status: ApplicationStatus,
    /// How many.
    #[sqlx(rename = "n")]
    pub count: i64,
}

/// The columns of [`QueueRow`] over `applications a JOIN organisations o`, with `r.rank` from a
/// left-joined `reviews r`.
macro_rules! queue_columns {
    () => {
        "a.id, a.call_id, a.direction, a.subdirection, a.organisation_id, a.created_by, \
         a.status, a.answers, a.justification, a.version, a.created_at, a.updated_at, \
         a.submitted_at, a.level, a.unit, a.sector, a.title, a.call_version, \
         o.name AS organisation_name, o.region AS organisation_region, r.rank AS rank"
    };
}

/// Closes the gap a removed rank leaves, inside the caller's transaction.
async fn close_rank_gap<'e, E>(
    executor: E,
    at: &UnitRef,
    direction: &str,
    removed: i64,
) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE reviews SET rank = rank - 1 \
         WHERE call_id = $1 AND level = $2 AND unit = $3 AND direction = $4 AND rank > $5",
    )
    .bind(&at.call_id)
    .bind(&at.level)
    .bind(&at.unit)
    .bind(direction)
    .bind(removed)
    .execute(executor)
    .await?;
    Ok(())
}

/// The SQL guard "the unit has not forwarded this application's direction", as a literal for
/// `concat!`.
macro_rules! not_forwarded {
    () => {
        "NOT EXISTS (SELECT 1 FROM forwards f \
         WHERE f.call_id = applications.call_id AND f.level = applications.level \
           AND f.unit = applications.unit AND f.direction = applications.direction)"
    };
}

/// Sets the status of application `id` while the unit `at` holds it, waiting or decided, with
/// the direction not yet forwarded; the first statement of a review transaction (it takes the
/// write lock at once on SQLite). `updated_at` is left alone: it is the applicant's last
/// change. `None` when the guard matched nothing.
async fn guarded_status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    at: &UnitRef,
    status: ApplicationStatus,
) -> Result<Option<ApplicationRow>, StoreError> {
    let [a, b, c] = ApplicationStatus::DECIDABLE;
    Ok(sqlx::query_as(concat!(
        "UPDATE applications SET status = $1, version = version + 1 \
         WHERE id = $2 AND call_id = $3 AND level = $4 AND unit = $5 \
           AND status IN ($6, $7, $8) AND ",
        not_forwarded!(),
        " RETURNING ",
        application_columns!()
    ))
    .bind(status.as_str())
    .bind(id)
    .bind(&at.call_id)
    .bind(&at.level)
    .bind(&at.unit)
    .bind(a.as_str())
    .bind(b.as_str())
    .bind(c.as_str())
    .fetch_optional(&mut **tx)
    .await?)
}

/// The decision and rank `level` recorded for application `id`, if any.
async fn previous_decision(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    level: &str,
) -> Result<Option<(String, Option<i64>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT decision, rank FROM reviews WHERE application_id = $1 AND level = $2",
    )
    .bind(id)
    .bind(level)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Deletes the decision of the unit's level on application `id`, closing the gap its rank
/// leaves in the ranking; returns what it was.
async fn remove_decision(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    at: &UnitRef,
    direction: &str,
) -> Result<Option<(String, Option<i64>)>, StoreError> {
    let previous = previous_decision(tx, id, &at.level).await?;
    sqlx::query("DELETE FROM reviews WHERE application_id = $1 AND level = $2")
        .bind(id)
        .bind(&at.level)
        .execute(&mut **tx)
        .await?;
    if let Some((_, Some(removed))) = &previous {
        close_rank_gap(&mut **tx, at, direction, *removed).await?;
    }
    Ok(previous)
}

/// Why a guarded review write matched nothing: `forwards.pkey` when the unit has forwarded the
/// application's direction, else as [`refusal_on`]. Read inside the refused transaction.
async fn review_refusal(conn: &mut AnyConnection, id: i64, at: &UnitRef) -> StoreError {
    let forwarded = sqlx::query(
        "SELECT 1 FROM applications a JOIN forwards f ON f.call_id = a.call_id \
           AND f.level = $2 AND f.unit = $3 AND f.direction = a.direction \
         WHERE a.id = $1",
    )
    .bind(id)
    .bind(&at.level)
    .bind(&at.unit)
    .fetch_optional(&mut *conn)
    .await;
    match forwarded {
        Ok(Some(_)) => StoreError::Conflict {
            constraint: FORWARDED.to_owned(),
        },
        Ok(None) => refusal_on(conn, id).await,
        Err(error) => error.into(),
    }
}

impl Store {
    /// Records a decision in a transaction of its own: see [`Tx::decide`].
    pub async fn decide(
        &self,
        id: i64,
        at: &UnitRef,
        decision: &Decision,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let row = tx.decide(id, at, decision, event).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Returns an application in a transaction of its own: see [`Tx::return_application`].
    pub async fn return_application(
        &self,
        id: i64,
        at: &UnitRef,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let row = tx.return_application(id, at, event).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Moves an application in the ranking in a transaction of its own: see
    /// [`Tx::move_in_ranking`].
    pub async fn move_in_ranking(&self, id: i64, at: &UnitRef, up: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.move_in_ranking(id, at, up).await?;
        tx.commit().await
    }

    /// Forwards a list in a transaction of its own: see [`Tx::forward`].
    pub async fn forward(
        &self,
        at: &UnitRef,
        direction: &str,
        next_level: &str,
        next_unit: &NextUnit,
        event: &ApplicationEvent,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin().await?;
        let moved = tx
            .forward(at, direction, next_level, next_unit, event)
            .await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// The directions the unit has forwarded, with when and how many.
    pub async fn forwards_of_unit(&self, at: &UnitRef) -> Result<Vec<ForwardRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT direction, forwarded_at, forwarded_by, count FROM forwards \
             WHERE call_id = $1 AND level = $2 AND unit = $3 ORDER BY direction",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every level's decision on an application, in the order they were made.
    pub async fn reviews_of(&self, application_id: i64) -> Result<Vec<ReviewRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT application_id, level, unit, direction, decision, opinion, signatures, \
                 rank, decided_by, decided_at \
             FROM reviews WHERE application_id = $1 ORDER BY decided_at, level",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// What a lower level sent to unit `at` in `direction` (a city reading its counties'
    /// rankings): the lower level's decision on every application that is at the unit now or
    /// was decided there, with its title, current status and applicant, by lower unit and rank.
    pub async fn lower_reviews(
        &self,
        at: &UnitRef,
        direction: &str,
        lower_level: &str,
    ) -> Result<Vec<LowerRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.application_id, r.level, r.unit, r.direction, r.decision, r.opinion, \
                 r.signatures, r.rank, r.decided_by, r.decided_at, \
                 a.title, a.status, o.name AS organisation_name \
             FROM applications a JOIN reviews r ON r.application_id = a.id AND r.level = $4 \
               JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.call_id = $1 AND a.direction = $5 \
               AND ((a.level = $2 AND a.unit = $3) OR EXISTS (SELECT 1 FROM reviews c \
                   WHERE c.application_id = a.id AND c.level = $2 AND c.unit = $3)) \
             ORDER BY r.unit, r.rank, a.id",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(lower_level)
        .bind(direction)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The unit's ranking of `direction`: its recommended applications in rank order.
    pub async fn ranking(
        &self,
        at: &UnitRef,
        direction: &str,
    ) -> Result<Vec<QueueRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            queue_columns!(),
            " FROM reviews r JOIN applications a ON a.id = r.application_id \
               JOIN organisations o ON o.id = a.organisation_id \
             WHERE r.call_id = $1 AND r.level = $2 AND r.unit = $3 AND r.direction = $4 \
               AND r.rank IS NOT NULL \
             ORDER BY r.rank"
        ))
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(direction)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One page of the unit's queue: the applications at its level and unit, filtered and in
    /// the requested order, `limit` rows after the keyset `after`.
    pub async fn review_queue(
        &self,
        at: &UnitRef,
        q: &QueueQuery,
    ) -> Result<Vec<QueueRow>, StoreError> {
        // The filters are optional, so the statement is assembled from fixed fragments; every
        // value is still a bound parameter.
        let mut sql = Statement::new(concat!(
            "SELECT ",
            queue_columns!(),
            " FROM applications a JOIN organisations o ON o.id = a.organisation_id \
               LEFT JOIN reviews r ON r.application_id = a.id AND r.level = a.level \
             WHERE a.call_id = "
        ));
        sql.push_bind(&at.call_id)
            .push(" AND a.level = ")
            .push_bind(&at.level)
            .push(" AND a.unit = ")
            .push_bind(&at.unit);
        if let Some(d) = &q.direction {
            sql.push(" AND a.direction = ").push_bind(d);
        }
        if let Some(s) = q.status {
            sql.push(" AND a.status = ").push_bind(s.as_str());
        }
        if let Some(r) = &q.region {
            sql.push(" AND o.region = ").push_bind(r);
        }
        if let Some(k) = &q.keyword {
            let k = sql.bind(like_pattern(k));
            sql.push(&format!(
                " AND (o.name LIKE {k} ESCAPE '\\' OR COALESCE(a.title, '') LIKE {k} ESCAPE '\\')"
            ));
        }
        let (cmp, order) = match q.sort {
            QueueSort::Newest => ("<", "DESC"),
            QueueSort::Oldest => (">", "ASC"),
        };
        if let Some((t, id)) = q.after {
            let (a, b) = (sql.bind(t), sql.bind(id));
            sql.push(&format!(
                " AND (a.submitted_at {cmp} {a} OR (a.submitted_at = {a} AND a.id {cmp} {b}))"
            ));
        }
        sql.push(&format!(
            " ORDER BY a.submitted_at {order}, a.id {order} LIMIT "
        ))
        .push_bind(q.limit);
        Ok(sql.query_as()?.fetch_all(&self.pool).await?)
    }

    /// How many applications the unit holds, by direction and status.
    pub async fn queue_counts(&self, at: &UnitRef) -> Result<Vec<QueueCount>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT direction, status, COUNT(*) AS n FROM applications \
             WHERE call_id = $1 AND level = $2 AND unit = $3 \
             GROUP BY direction, status ORDER BY direction, status",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The accounts that review for a unit: bureau accounts whose region is the unit (and no
    /// sector), bureau accounts of the sector named by the unit (`sector`), or the call owners
    /// (unit `*`).
    pub async fn unit_reviewers(
        &self,
        unit: &str,
        sector: bool,
    ) -> Result<Vec<UserRow>, StoreError> {
        let sql = if unit == "*" {
            "SELECT id FROM users WHERE role = 'owner' ORDER BY id"
        } else if sector {
            "SELECT id FROM users WHERE role = 'bureau' AND scope_sector = $1 ORDER BY id"
        } else {
            "SELECT id FROM users WHERE role = 'bureau' AND scope_region = $1 \
               AND scope_sector IS NULL ORDER BY id"
        };
        let ids: Vec<i64> = if unit == "*" {
            sqlx::query_scalar(sql).fetch_all(&self.pool).await?
        } else {
            sqlx::query_scalar(sql)
                .bind(unit)
                .fetch_all(&self.pool)
                .await?
        };
        let mut users = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(u) = self.user(id).await? {
                users.push(u);
            }
        }
        Ok(users)
    }

    /// The sector departments (市直有关单位) that review in a city: the distinct sectors of its
    /// bureau accounts, for applicants of a direction routed by sector to choose from.
    pub async fn sector_units(&self, city: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT scope_sector FROM users \
             WHERE role = 'bureau' AND scope_region = $1 AND scope_sector IS NOT NULL \
             ORDER BY scope_sector",
        )
        .bind(city)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// The snapshots of an application's last two submissions, newest first (what changed on
    /// resubmission).
    pub async fn last_two_snapshots(
        &self,
        application_id: i64,
    ) -> Result<Vec<crate::SnapshotRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, application_id, version, answers, files, content_hash, created_at, \
                    acceptance_region, acceptance_seq \
             FROM application_snapshots WHERE application_id = $1 ORDER BY id DESC LIMIT 2",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

mod quota;
mod write;

pub use quota::RecommendedCount;
