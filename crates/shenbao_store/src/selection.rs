//! The call owner's side: the applications at the owner level, selection (入选) and its
//! undoing, publication of the results (公示), the published list, and the owner's counts.
//!
//! Selection moves an application at the owner level (`unit = '*'`) between `submitted` and
//! `selected` with the guarded `UPDATE` and event of `application.rs`. Once a call's results
//! are published (a row in `publications`), nothing they rest on changes: no selection, no
//! score, no assignment, no recusal of that call (see `expert.rs`). Every such write checks the
//! publication inside its own write transaction ([`Store::refuse_if_published`]) and is then
//! refused as `Conflict { constraint: "publications.call_id" }`, writing nothing; on
//! PostgreSQL it first takes the call's shared publication lock, which publication takes
//! exclusively, so no write whose check ran before the publication committed can commit after
//! it.
//!
//! Must not: decide which level is the owner's (the caller passes the level id of the call's
//! province-scope level), rank applications, or read the clock.

use std::collections::BTreeMap;

use shenbao_core::workflow::Action;

use sqlx::{Any, AnyConnection, Transaction};

use crate::application::{application_columns, insert_event, refusal_on};
use crate::sql::{Statement, Text};
use crate::{
    ApplicationEvent, ApplicationRow, ApplicationStatus, LockClass, Store, StoreError, Tx,
};

/// Why a selection write of application `id` matched no row: published, otherwise as
/// [`refusal_on`]. Read inside the refused transaction.
async fn selection_refusal(conn: &mut AnyConnection, id: i64) -> StoreError {
    let row = sqlx::query(
        "SELECT 1 FROM applications a JOIN publications p ON p.call_id = a.call_id \
         WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await;
    match row {
        Ok(Some(_)) => published(),
        Ok(None) => refusal_on(conn, id).await,
        Err(error) => error.into(),
    }
}

/// The call's results are published: selection is frozen, and a second publication refused.
pub const PUBLISHED: &str = "publications.call_id";

/// A call's publication.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicationRow {
    /// The call.
    pub call_id: String,
    /// Unix milliseconds.
    pub published_at: i64,
    /// The owner's user id.
    pub published_by: i64,
}

/// An application at the owner level, with its applicant.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnerApplicationRow {
    /// Application id.
    pub id: i64,
    /// Direction.
    pub direction: String,
    /// Case or project name.
    pub title: Option<String>,
    /// Submitted (waiting for the owner) or selected.
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    pub status: ApplicationStatus,
    /// Unix milliseconds of the submission (with `id`, the page key).
    pub submitted_at: i64,
    /// The applicant organisation.
    pub organisation_id: i64,
    /// Its name.
    #[sqlx(rename = "name")]
    pub organisation_name: String,
    /// Its six-digit division code.
    pub region: String,
}

/// A selected application of a call, for the published list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SelectedRow {
    /// Application id (the page key).
    pub id: i64,
    /// Case or project name.
    pub title: Option<String>,
    /// Direction.
    pub direction: String,
    /// The applicant organisation's name.
    #[sqlx(rename = "name")]
    pub organisation_name: String,
    /// Its six-digit division code.
    pub region: String,
}

/// How many applications of a call are in one (level, status, direction, city).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    /// The level holding them; `None` for drafts.
    pub level: Option<String>,
    /// The status.
    pub status: ApplicationStatus,
    /// The direction.
    pub direction: String,
    /// The applicant's city: the first four digits of its division code and `00`.
    pub city: String,
    /// How many.
    pub count: i64,
}

/// One group of [`Store::owner_counts`]' query, before the regions are gathered into cities.
#[derive(sqlx::FromRow)]
struct RegionCount {
    level: Option<String>,
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    status: ApplicationStatus,
    direction: String,
    region: String,
    n: i64,
}

fn published() -> StoreError {
    StoreError::Conflict {
        constraint: PUBLISHED.to_owned(),
    }
}

impl Store {
    /// Inside a write transaction: takes the shared publication lock of `call_id` (see
    /// [`Store::lock_key`]) and refuses with `Conflict { constraint: "publications.call_id" }`
    /// when the call's results are published. Every write that publication freezes calls it
    /// before writing anything.
    pub(crate) async fn refuse_if_published(
        &self,
        tx: &mut Transaction<'static, Any>,
        call_id: &str,
    ) -> Result<(), StoreError> {
        self.lock_key(tx, LockClass::Publication, call_id, false)
            .await?;
        let row = sqlx::query("SELECT 1 FROM publications WHERE call_id = $1")
            .bind(call_id)
            .fetch_optional(&mut **tx)
            .await?;
        match row {
            Some(_) => Err(published()),
            None => Ok(()),
        }
    }

    /// The call of application `id`, read inside the transaction; `None` when there is none.
    async fn call_of_application(
        tx: &mut Transaction<'static, Any>,
        id: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT call_id FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?,
        )
    }

    /// As [`Tx::select_application`], in a transaction of its own.
    pub async fn select_application(
        &self,
        id: i64,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.select_application(id, event).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::unselect_application`], in a transaction of its own.
    pub async fn unselect_application(
        &self,
        id: i64,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.unselect_application(id, event).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::select_applications`], in a transaction of its own.
    pub async fn select_applications(
        &self,
        ids: &[i64],
        event: &ApplicationEvent,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.select_applications(ids, event).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// As [`Tx::publish_results`], in a transaction of its own.
    pub async fn publish_results(
        &self,
        call_id: &str,
        published_at: i64,
        published_by: i64,
    ) -> Result<PublicationRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx
            .publish_results(call_id, published_at, published_by)
            .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// A call's publication, if its results are published.
    pub async fn publication(&self, call_id: &str) -> Result<Option<PublicationRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT call_id, published_at, published_by FROM publications WHERE call_id = $1",
        )
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Up to `limit` applications of a call at the owner level (`level`, unit `*`, status
    /// `submitted` or `selected`; of one direction when given), ordered by
    /// (`submitted_at`, `id`) after the key `after` when given (keyset pagination on the
    /// queue index).
    pub async fn owner_applications(
        &self,
        call_id: &str,
        level: &str,
        direction: Option<&str>,
        after: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<OwnerApplicationRow>, StoreError> {
        let (after_at, after_id) = after.unwrap_or((i64::MIN, i64::MIN));
        let rows = match direction {
            Some(direction) => {
                sqlx::query_as(
                    "SELECT a.id, a.direction, a.title, a.status, a.submitted_at, \
                         a.organisation_id, o.name, o.region \
                     FROM applications a JOIN organisations o ON o.id = a.organisation_id \
                     WHERE a.call_id = $1 AND a.level = $2 AND a.unit = '*' \
                       AND a.status IN ($7, $8) \
                       AND (a.submitted_at, a.id) > ($3, $4) AND a.direction = $6 \
                     ORDER BY a.submitted_at, a.id LIMIT $5",
                )
                .bind(call_id)
                .bind(level)
                .bind(after_at)
                .bind(after_id)
                .bind(limit.max(0))
                .bind(direction)
                .bind(ApplicationStatus::Submitted.as_str())
                .bind(ApplicationStatus::Selected.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT a.id, a.direction, a.title, a.status, a.submitted_at, \
                         a.organisation_id, o.name, o.region \
                     FROM applications a JOIN organisations o ON o.id = a.organisation_id \
                     WHERE a.call_id = $1 AND a.level = $2 AND a.unit = '*' \
                       AND a.status IN ($6, $7) \
                       AND (a.submitted_at, a.id) > ($3, $4) \
                     ORDER BY a.submitted_at, a.id LIMIT $5",
                )
                .bind(call_id)
                .bind(level)
                .bind(after_at)
                .bind(after_id)
                .bind(limit.max(0))
                .bind(ApplicationStatus::Submitted.as_str())
                .bind(ApplicationStatus::Selected.as_str())
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows)
    }

    /// Up to `limit` selected applications of a call with their applicants, by id, with ids
    /// above `after_id` when given (keyset pagination). The caller shows them only once the
    /// results are published.
    pub async fn selected_applications(
        &self,
        call_id: &str,
        after_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<SelectedRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.title, a.direction, o.name, o.region \
             FROM applications a JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.call_id = $1 AND a.status = $4 AND a.id > $2 \
             ORDER BY a.id LIMIT $3",
        )
        .bind(call_id)
        .bind(after_id.unwrap_or(i64::MIN))
        .bind(limit.max(0))
        .bind(ApplicationStatus::Selected.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many applications of a call are in each (level, status, direction, applicant's
    /// city), in one grouped query by the applicant's region; the regions are gathered into
    /// their cities by [`shenbao_core::routing::city_of`], the one place that rule lives.
    pub async fn owner_counts(&self, call_id: &str) -> Result<Vec<CountRow>, StoreError> {
        let rows = sqlx::query_as::<_, RegionCount>(
            "SELECT a.level, a.status, a.direction, o.region, COUNT(*) AS n \
             FROM applications a JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.call_id = $1 \
             GROUP BY a.level, a.status, a.direction, o.region",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?;
        let mut counts: BTreeMap<(Option<String>, &'static str, String, String), CountRow> =
            BTreeMap::new();
        for RegionCount {
            level,
            status,
            direction,
            region,
            n,
        } in rows
        {
            let city = shenbao_core::routing::city_of(&region);
            counts
                .entry((
                    level.clone(),
                    status.as_str(),
                    direction.clone(),
                    city.clone(),
                ))
                .or_insert(CountRow {
                    level,
                    status,
                    direction,
                    city,
                    count: 0,
                })
                .count += n;
        }
        Ok(counts.into_values().collect())
    }
}

impl Tx {
    /// Selects one application at the owner level: `submitted → selected`, version
    /// incremented, `updated_at = event.at`, with its event, in one transaction.
    ///
    /// Errors: `Conflict { constraint: "publications.call_id" }` once the call's results are
    /// published; `Conflict { constraint: "applications.version" }` when it is not submitted
    /// at the owner level; `NotFound` when there is no such application.
    pub async fn select_application(
        &mut self,
        id: i64,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        self.move_selection(id, event, Action::Select).await
    }

    /// Undoes a selection: `selected → submitted`. Errors as for
    /// [`Store::select_application`].
    pub async fn unselect_application(
        &mut self,
        id: i64,
        event: &ApplicationEvent,
    ) -> Result<ApplicationRow, StoreError> {
        self.move_selection(id, event, Action::Unselect).await
    }

    async fn move_selection(
        &mut self,
        id: i64,
        event: &ApplicationEvent,
        action: Action,
    ) -> Result<ApplicationRow, StoreError> {
        // The one status each of select and unselect starts from, and where it leads.
        let from = ApplicationStatus::allowing(action)
            .next()
            .expect("the workflow allows select and unselect from one status");
        let to = from.after(action).expect("allowed");
        let Some(call_id) = Store::call_of_application(&mut self.inner, id).await? else {
            return Err(StoreError::NotFound);
        };
        self.store
            .refuse_if_published(&mut self.inner, &call_id)
            .await?;
        let application = sqlx::query_as::<_, ApplicationRow>(concat!(
            "UPDATE applications SET status = $1, version = version + 1, updated_at = $2 \
             WHERE id = $3 AND status = $4 AND unit = '*' \
               AND NOT EXISTS (SELECT 1 FROM publications p \
                   WHERE p.call_id = applications.call_id) \
             RETURNING ",
            application_columns!()
        ))
        .bind(to.as_str())
        .bind(event.at)
        .bind(id)
        .bind(from.as_str())
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(application) = application else {
            return Err(selection_refusal(&mut self.inner, id).await);
        };
        insert_event(&mut *self.inner, id, event, Some(from), to).await?;
        Ok(application)
    }

    /// Selects several applications in one transaction and returns the ids that changed;
    /// ids already selected at the owner level are left as they are. If any other id cannot
    /// be selected, nothing changes and the error is that of [`Store::select_application`].
    pub async fn select_applications(
        &mut self,
        ids: &[i64],
        event: &ApplicationEvent,
    ) -> Result<Vec<i64>, StoreError> {
        if !ids.is_empty() {
            let mut sql = Statement::new("SELECT DISTINCT call_id FROM applications WHERE id IN (");
            sql.push_bind_list(ids).push(") ORDER BY call_id");
            let calls: Vec<String> = sql.query_scalar()?.fetch_all(&mut *self.inner).await?;
            for call_id in calls {
                self.store
                    .refuse_if_published(&mut self.inner, &call_id)
                    .await?;
            }
        }
        let mut changed = Vec::new();
        for &id in ids {
            let row: Option<i64> = sqlx::query_scalar(
                "UPDATE applications SET status = $3, version = version + 1, \
                     updated_at = $1 \
                 WHERE id = $2 AND status = $4 AND unit = '*' \
                   AND NOT EXISTS (SELECT 1 FROM publications p \
                       WHERE p.call_id = applications.call_id) \
                 RETURNING id",
            )
            .bind(event.at)
            .bind(id)
            .bind(ApplicationStatus::Selected.as_str())
            .bind(ApplicationStatus::Submitted.as_str())
            .fetch_optional(&mut *self.inner)
            .await?;
            if row.is_some() {
                changed.push(id);
                continue;
            }
            let already = sqlx::query(
                "SELECT 1 FROM applications a WHERE a.id = $1 AND a.status = $2 \
                   AND a.unit = '*' \
                   AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.call_id = a.call_id)",
            )
            .bind(id)
            .bind(ApplicationStatus::Selected.as_str())
            .fetch_optional(&mut *self.inner)
            .await?;
            if already.is_none() {
                return Err(selection_refusal(&mut self.inner, id).await);
            }
        }
        // The events last: appending them holds the chain's lock to the commit.
        for &id in &changed {
            insert_event(
                &mut *self.inner,
                id,
                event,
                Some(ApplicationStatus::Submitted),
                ApplicationStatus::Selected,
            )
            .await?;
        }
        Ok(changed)
    }

    /// Publishes a call's results, freezing its selection, scores and assignments. On
    /// PostgreSQL it first waits for the writes of the call under way (the exclusive
    /// publication lock). Errors: `Conflict { constraint: "publications.call_id" }` when
    /// already published.
    pub async fn publish_results(
        &mut self,
        call_id: &str,
        published_at: i64,
        published_by: i64,
    ) -> Result<PublicationRow, StoreError> {
        self.store
            .lock_key(&mut self.inner, LockClass::Publication, call_id, true)
            .await?;
        sqlx::query(
            "INSERT INTO publications (call_id, published_at, published_by) VALUES ($1, $2, $3)",
        )
        .bind(call_id)
        .bind(published_at)
        .bind(published_by)
        .execute(&mut *self.inner)
        .await?;
        Ok(PublicationRow {
            call_id: call_id.to_owned(),
            published_at,
            published_by,
        })
    }
}
