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

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row, Transaction};

use crate::application::{
    application_columns, application_from_row, insert_event, refusal_on, snapshot_from_row,
};
use crate::sql::{like_pattern, unit_list_key};
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowerRow {
    /// The lower level's decision (its unit, rank and opinion).
    pub review: ReviewRow,
    /// The application's title.
    pub title: Option<String>,
    /// Its current status.
    pub status: ApplicationStatus,
    /// The applicant's name.
    pub organisation_name: String,
}

/// A unit's forwarded list of one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// The application.
    pub application: ApplicationRow,
    /// The applicant organisation's name.
    pub organisation_name: String,
    /// Its registered division code.
    pub organisation_region: String,
    /// Its rank at the unit, when recommended there.
    pub rank: Option<i64>,
}

/// Applications of a unit by direction and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCount {
    /// Direction.
    pub direction: String,
    /// Status.
    pub status: ApplicationStatus,
    /// How many.
    pub count: i64,
}

fn review_from_row(row: &AnyRow) -> Result<ReviewRow, sqlx::Error> {
    Ok(ReviewRow {
        application_id: row.try_get("application_id")?,
        level: row.try_get("level")?,
        unit: row.try_get("unit")?,
        direction: row.try_get("direction")?,
        decision: row.try_get("decision")?,
        opinion: row.try_get("opinion")?,
        signatures: row.try_get("signatures")?,
        rank: row.try_get("rank")?,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
    })
}

/// The columns of [`QueueRow`] over `applications a JOIN organisations o`, with `r.rank` from a
/// left-joined `reviews r`.
macro_rules! queue_columns {
    () => {
        "a.id, a.call_id, a.direction, a.subdirection, a.organisation_id, a.created_by, \
         a.status, a.answers, a.justification, a.version, a.created_at, a.updated_at, \
         a.submitted_at, a.level, a.unit, a.sector, a.title, \
         o.name AS organisation_name, o.region AS organisation_region, r.rank AS rank"
    };
}

fn queue_row(row: &AnyRow) -> Result<QueueRow, sqlx::Error> {
    Ok(QueueRow {
        application: application_from_row(row)?,
        organisation_name: row.try_get("organisation_name")?,
        organisation_region: row.try_get("organisation_region")?,
        rank: row.try_get("rank")?,
    })
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
    let row = sqlx::query(concat!(
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
    .await?;
    Ok(row.as_ref().map(application_from_row).transpose()?)
}

/// The decision and rank `level` recorded for application `id`, if any.
async fn previous_decision(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    level: &str,
) -> Result<Option<(String, Option<i64>)>, StoreError> {
    let row =
        sqlx::query("SELECT decision, rank FROM reviews WHERE application_id = $1 AND level = $2")
            .bind(id)
            .bind(level)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("decision")?, r.try_get("rank")?)))
        .transpose()?)
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
        let rows = sqlx::query(
            "SELECT direction, forwarded_at, forwarded_by, count FROM forwards \
             WHERE call_id = $1 AND level = $2 AND unit = $3 ORDER BY direction",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ForwardRow {
                    direction: r.try_get("direction")?,
                    forwarded_at: r.try_get("forwarded_at")?,
                    forwarded_by: r.try_get("forwarded_by")?,
                    count: r.try_get("count")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Every level's decision on an application, in the order they were made.
    pub async fn reviews_of(&self, application_id: i64) -> Result<Vec<ReviewRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT application_id, level, unit, direction, decision, opinion, signatures, \
                 rank, decided_by, decided_at \
             FROM reviews WHERE application_id = $1 ORDER BY decided_at, level",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(review_from_row).collect::<Result<_, _>>()?)
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
        let rows = sqlx::query(
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
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LowerRow {
                    review: review_from_row(r)?,
                    title: r.try_get("title")?,
                    status: crate::model::status_column(r, "status")?,
                    organisation_name: r.try_get("organisation_name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The unit's ranking of `direction`: its recommended applications in rank order.
    pub async fn ranking(
        &self,
        at: &UnitRef,
        direction: &str,
    ) -> Result<Vec<QueueRow>, StoreError> {
        let rows = sqlx::query(concat!(
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
        .await?;
        Ok(rows.iter().map(queue_row).collect::<Result<_, _>>()?)
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
        let mut sql = String::from(concat!(
            "SELECT ",
            queue_columns!(),
            " FROM applications a JOIN organisations o ON o.id = a.organisation_id \
               LEFT JOIN reviews r ON r.application_id = a.id AND r.level = a.level \
             WHERE a.call_id = $1 AND a.level = $2 AND a.unit = $3"
        ));
        let mut n = 3;
        let mut next = |sql: &mut String, fragment: &str| {
            n += 1;
            sql.push_str(&fragment.replace('?', &format!("${n}")));
        };
        if q.direction.is_some() {
            next(&mut sql, " AND a.direction = ?");
        }
        if q.status.is_some() {
            next(&mut sql, " AND a.status = ?");
        }
        if q.region.is_some() {
            next(&mut sql, " AND o.region = ?");
        }
        if q.keyword.is_some() {
            next(
                &mut sql,
                " AND (o.name LIKE ? ESCAPE '\\' OR COALESCE(a.title, '') LIKE ? ESCAPE '\\')",
            );
        }
        let (cmp, order) = match q.sort {
            QueueSort::Newest => ("<", "DESC"),
            QueueSort::Oldest => (">", "ASC"),
        };
        if q.after.is_some() {
            n += 1;
            let a = n;
            n += 1;
            let b = n;
            sql.push_str(&format!(
                " AND (a.submitted_at {cmp} ${a} OR (a.submitted_at = ${a} AND a.id {cmp} ${b}))"
            ));
        }
        n += 1;
        sql.push_str(&format!(
            " ORDER BY a.submitted_at {order}, a.id {order} LIMIT ${n}"
        ));
        // Assembled above from fixed fragments only; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&at.call_id)
            .bind(&at.level)
            .bind(&at.unit);
        if let Some(d) = &q.direction {
            query = query.bind(d);
        }
        if let Some(s) = q.status {
            query = query.bind(s.as_str());
        }
        if let Some(r) = &q.region {
            query = query.bind(r);
        }
        if let Some(k) = &q.keyword {
            query = query.bind(like_pattern(k));
        }
        if let Some((t, id)) = q.after {
            query = query.bind(t).bind(id);
        }
        let rows = query.bind(q.limit).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(queue_row).collect::<Result<_, _>>()?)
    }

    /// How many applications the unit holds, by direction and status.
    pub async fn queue_counts(&self, at: &UnitRef) -> Result<Vec<QueueCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT direction, status, COUNT(*) AS n FROM applications \
             WHERE call_id = $1 AND level = $2 AND unit = $3 \
             GROUP BY direction, status ORDER BY direction, status",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QueueCount {
                    direction: r.try_get("direction")?,
                    status: crate::model::status_column(r, "status")?,
                    count: r.try_get("n")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
        let rows = sqlx::query(
            "SELECT id, application_id, version, answers, files, content_hash, created_at \
             FROM application_snapshots WHERE application_id = $1 ORDER BY id DESC LIMIT 2",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(snapshot_from_row)
            .collect::<Result<_, _>>()?)
    }
}

impl Tx {
    /// Records `decision` of the unit `at` on application `id`, which must be at that level and
    /// unit, waiting or already decided there, with the direction not yet forwarded. A newly
    /// recommended application goes to the end of the unit's ranking of its direction; one
    /// recommended again keeps its place; one no longer recommended leaves the ranking, which
    /// closes up. Writes the status (`recommended` / `not_recommended`), the `reviews` row and
    /// the event (note = the opinion) in one transaction. Returns the updated application.
    pub async fn decide(
        &mut self,
        id: i64,
        at: &UnitRef,
        decision: &Decision,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let action = if decision.recommended {
            Action::Recommend
        } else {
            Action::NotRecommend
        };
        // Every status a unit decides on leads to the same one.
        let status = ApplicationStatus::Submitted
            .after(action)
            .expect("a submitted application can be decided on");
        let Some(application) = guarded_status(&mut self.inner, id, at, status).await? else {
            return Err(review_refusal(self, id, at).await);
        };
        let previous = previous_decision(&mut self.inner, id, &at.level).await?;
        let from = previous
            .as_ref()
            .map_or(Ok(ApplicationStatus::Submitted), |(d, _)| d.parse())
            .map_err(|e| StoreError::Other(sqlx::Error::Decode(Box::new(e))))?;
        match (decision.recommended, previous) {
            // Recommended again: the same place in the ranking, the new opinion.
            (true, Some((_, Some(_)))) => {
                sqlx::query(
                    "UPDATE reviews SET decision = $1, opinion = $2, signatures = $3, \
                         decided_by = $4, decided_at = $5 \
                     WHERE application_id = $6 AND level = $7",
                )
                .bind(status.as_str())
                .bind(&decision.opinion)
                .bind(&decision.signatures)
                .bind(event.actor_user_id.unwrap_or_default())
                .bind(event.at)
                .bind(id)
                .bind(&at.level)
                .execute(&mut **self)
                .await?;
            }
            (recommended, previous) => {
                if previous.is_some() {
                    remove_decision(&mut self.inner, id, at, &application.direction).await?;
                }
                let rank = if recommended {
                    let max: Option<i64> = sqlx::query_scalar(
                        "SELECT MAX(rank) FROM reviews \
                         WHERE call_id = $1 AND level = $2 AND unit = $3 AND direction = $4",
                    )
                    .bind(&at.call_id)
                    .bind(&at.level)
                    .bind(&at.unit)
                    .bind(&application.direction)
                    .fetch_one(&mut **self)
                    .await?;
                    Some(max.unwrap_or(0) + 1)
                } else {
                    None
                };
                sqlx::query(
                    "INSERT INTO reviews (application_id, level, call_id, unit, direction, \
                         decision, opinion, signatures, rank, decided_by, decided_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(id)
                .bind(&at.level)
                .bind(&at.call_id)
                .bind(&at.unit)
                .bind(&application.direction)
                .bind(status.as_str())
                .bind(&decision.opinion)
                .bind(&decision.signatures)
                .bind(rank)
                .bind(event.actor_user_id.unwrap_or_default())
                .bind(event.at)
                .execute(&mut **self)
                .await?;
            }
        }
        insert_event(&mut **self, id, event, Some(from), status).await?;
        Ok(application)
    }

    /// Returns application `id` to the applicant for revision (status `returned`), from the
    /// unit `at`, which must hold it, waiting or decided, with the direction not yet forwarded.
    /// Any decision of that level is removed (and the ranking closes up). The comment is the
    /// event's note. Returns the updated application.
    pub async fn return_application(
        &mut self,
        id: i64,
        at: &UnitRef,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let to = ApplicationStatus::Submitted
            .after(Action::Return)
            .expect("a submitted application can be returned");
        let Some(application) = guarded_status(&mut self.inner, id, at, to).await? else {
            return Err(review_refusal(self, id, at).await);
        };
        let from = match remove_decision(&mut self.inner, id, at, &application.direction).await? {
            Some((decision, _)) => decision
                .parse()
                .map_err(|e| StoreError::Other(sqlx::Error::Decode(Box::new(e))))?,
            None => ApplicationStatus::Submitted,
        };
        insert_event(&mut **self, id, event, Some(from), to).await?;
        Ok(application)
    }

    /// Moves application `id` one place up (`up`) or down in the unit's ranking of its
    /// direction, swapping with its neighbour. Nothing happens at either end. Refused once the
    /// direction is forwarded (`forwards.pkey`), and as a version conflict when the application
    /// is not ranked at that unit.
    pub async fn move_in_ranking(
        &mut self,
        id: i64,
        at: &UnitRef,
        up: bool,
    ) -> Result<(), StoreError> {
        // A no-op write first, to take SQLite's write lock before reading.
        let touched = sqlx::query(concat!(
            "UPDATE applications SET version = version + 1 \
             WHERE id = $1 AND call_id = $2 AND level = $3 AND unit = $4 \
               AND status = $5 AND ",
            not_forwarded!()
        ))
        .bind(id)
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(ApplicationStatus::Recommended.as_str())
        .execute(&mut **self)
        .await?
        .rows_affected();
        if touched == 0 {
            return Err(review_refusal(self, id, at).await);
        }
        let row = sqlx::query(
            "SELECT rank, direction FROM reviews WHERE application_id = $1 AND level = $2",
        )
        .bind(id)
        .bind(&at.level)
        .fetch_one(&mut **self)
        .await?;
        let rank: Option<i64> = row.try_get("rank")?;
        let direction: String = row.try_get("direction")?;
        let Some(rank) = rank else {
            return Err(refusal_on(self, id).await);
        };
        let other = if up { rank - 1 } else { rank + 1 };
        let swapped = sqlx::query(
            "UPDATE reviews SET rank = $1 \
             WHERE call_id = $2 AND level = $3 AND unit = $4 AND direction = $5 AND rank = $6",
        )
        .bind(rank)
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(&direction)
        .bind(other)
        .execute(&mut **self)
        .await?
        .rows_affected();
        if swapped == 1 {
            sqlx::query("UPDATE reviews SET rank = $1 WHERE application_id = $2 AND level = $3")
                .bind(other)
                .bind(id)
                .bind(&at.level)
                .execute(&mut **self)
                .await?;
        }
        Ok(())
    }

    /// Forwards the unit's list of `direction` to `next_level`: every application recommended
    /// there moves to `next_level` (status `submitted`, unit per `next_unit`) with an event
    /// (note `note`), and the list is frozen (`forwards` row). Those not recommended stay where
    /// they are. Returns the ids of the applications that went up.
    ///
    /// Errors: `Conflict { constraint: "forwards.pkey" }` when already forwarded;
    /// `"forwards.pending"` while an application of the direction still waits for a decision
    /// at the unit.
    pub async fn forward(
        &mut self,
        at: &UnitRef,
        direction: &str,
        next_level: &str,
        next_unit: &NextUnit,
        event: &ApplicationEvent,
    ) -> Result<Vec<i64>, StoreError> {
        // Waits for submissions on their way to this list and keeps new ones out until the
        // forward commits; they then find the `forwards` row.
        let key = unit_list_key(&at.call_id, &at.level, &at.unit, direction);
        self.lock(LockClass::UnitList, &key, true).await?;
        sqlx::query(
            "INSERT INTO forwards (call_id, level, unit, direction, forwarded_at, forwarded_by, \
                 count) VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(direction)
        .bind(event.at)
        .bind(event.actor_user_id.unwrap_or_default())
        .execute(&mut **self)
        .await?;
        // What forwarding moves on, and what it becomes at the next level.
        let forwarded = ApplicationStatus::allowing(Action::Forward)
            .next()
            .expect("the workflow forwards one status");
        let arrives = forwarded.after(Action::Forward).expect("allowed");
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications \
             WHERE call_id = $1 AND level = $2 AND unit = $3 AND direction = $4 \
               AND status = $5",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(direction)
        .bind(ApplicationStatus::Submitted.as_str())
        .fetch_one(&mut **self)
        .await?;
        if pending > 0 {
            return Err(StoreError::Conflict {
                constraint: PENDING.to_owned(),
            });
        }
        // The forwarded list with each applicant's region (the city it goes to, when the next
        // level is the applicants' cities).
        let listed: Vec<(i64, String)> = sqlx::query(
            "SELECT a.id, o.region FROM applications a \
             JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.call_id = $1 AND a.level = $2 AND a.unit = $3 AND a.direction = $4 \
               AND a.status = $5 ORDER BY a.id",
        )
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(direction)
        .bind(forwarded.as_str())
        .fetch_all(&mut **self)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("region")?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let ids: Vec<i64> = listed.iter().map(|(id, _)| *id).collect();
        let moved = match next_unit {
            // Each application goes to its applicant's city, by the rule in core
            // (`routing::city_of`): one UPDATE per city of the forwarded list.
            NextUnit::ApplicantCity => {
                let mut by_city: BTreeMap<String, Vec<i64>> = BTreeMap::new();
                for (id, region) in &listed {
                    by_city
                        .entry(shenbao_core::routing::city_of(region))
                        .or_default()
                        .push(*id);
                }
                let mut moved = 0;
                for (city, ids) in &by_city {
                    let sql = format!(
                        "UPDATE applications SET level = $1, status = $3, \
                             version = version + 1, unit = $2 \
                         WHERE status = $4 AND id IN ({})",
                        crate::expert::placeholders(5, ids.len())
                    );
                    let mut update = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(next_level)
                        .bind(city)
                        .bind(arrives.as_str())
                        .bind(forwarded.as_str());
                    for id in ids {
                        update = update.bind(id);
                    }
                    moved += update.execute(&mut **self).await?.rows_affected();
                }
                moved
            }
            NextUnit::Fixed(unit) => sqlx::query(
                "UPDATE applications SET level = $1, status = $7, \
                     version = version + 1, unit = $6 \
                 WHERE call_id = $2 AND level = $3 AND unit = $4 AND direction = $5 \
                   AND status = $8",
            )
            .bind(next_level)
            .bind(&at.call_id)
            .bind(&at.level)
            .bind(&at.unit)
            .bind(direction)
            .bind(unit)
            .bind(arrives.as_str())
            .bind(forwarded.as_str())
            .execute(&mut **self)
            .await?
            .rows_affected(),
        };
        let moved = i64::try_from(moved).unwrap_or(i64::MAX);
        sqlx::query(
            "UPDATE forwards SET count = $1 \
             WHERE call_id = $2 AND level = $3 AND unit = $4 AND direction = $5",
        )
        .bind(moved)
        .bind(&at.call_id)
        .bind(&at.level)
        .bind(&at.unit)
        .bind(direction)
        .execute(&mut **self)
        .await?;
        // The events last: appending them holds the chain's lock to the commit.
        for &id in &ids {
            insert_event(&mut **self, id, event, Some(forwarded), arrives).await?;
        }
        debug_assert_eq!(usize::try_from(moved).unwrap_or_default(), ids.len());
        Ok(ids)
    }
}
