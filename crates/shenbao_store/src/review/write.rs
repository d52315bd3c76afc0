//! The reviewing units' writes, as methods of a transaction ([`Tx`]): decisions, returns, the
//! ranking and forwarding, each behind the guards of the module documentation.

use super::*;

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
        let (rank, direction): (Option<i64>, String) = sqlx::query_as(
            "SELECT rank, direction FROM reviews WHERE application_id = $1 AND level = $2",
        )
        .bind(id)
        .bind(&at.level)
        .fetch_one(&mut **self)
        .await?;
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
        let listed: Vec<(i64, String)> = sqlx::query_as(
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
        .await?;
        let ids: Vec<i64> = listed.iter().map(|(id, _)| *id).collect();
        let moved = match next_unit {
            // Each application goes to its applicant's city (or province), by the rule in core
            // (`routing::city_of`, `routing::province_of`): one UPDATE per unit of the list.
            NextUnit::ApplicantCity | NextUnit::ApplicantProvince => {
                let unit_of = if *next_unit == NextUnit::ApplicantCity {
                    shenbao_core::routing::city_of
                } else {
                    shenbao_core::routing::province_of
                };
                let mut by_city: BTreeMap<String, Vec<i64>> = BTreeMap::new();
                for (id, region) in &listed {
                    by_city.entry(unit_of(region)).or_default().push(*id);
                }
                let mut moved = 0;
                for (city, ids) in &by_city {
                    let mut sql = Statement::new("UPDATE applications SET level = ");
                    sql.push_bind(next_level)
                        .push(", status = ")
                        .push_bind(arrives.as_str())
                        .push(", version = version + 1, unit = ")
                        .push_bind(city)
                        .push(" WHERE status = ")
                        .push_bind(forwarded.as_str())
                        .push(" AND id IN (")
                        .push_bind_list(ids)
                        .push(")");
                    moved += sql.query()?.execute(&mut **self).await?.rows_affected();
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
