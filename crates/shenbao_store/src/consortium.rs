//! The members of joint applications (联合申报): naming and removing them, and where an
//! organisation code is already a member or a lead in a direction of a call. Adds and starts
//! that check these take the call's consortium lock for the direction first, so that two of
//! them at once cannot both pass.
//!
//! Must not: decide who may be a member (`shenbao_core::consortium` does).

use crate::{LockClass, Store, StoreError, Tx};

/// The members of an application (`$1`), in order.
const MEMBERS: &str = "SELECT position, uscc, name, region FROM consortium_members \
                       WHERE application_id = $1 ORDER BY position";

/// A named member.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    /// Its place in the list, from 1.
    pub position: i64,
    /// Its USCC.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// Its registered region.
    pub region: String,
}

impl Tx {
    /// Takes the consortium lock of `direction` in call `call_id` (exclusive, to the commit).
    pub async fn lock_consortia(
        &mut self,
        call_id: &str,
        direction: &str,
    ) -> Result<(), StoreError> {
        self.lock(
            LockClass::Consortium,
            &format!("{call_id}\u{1f}{direction}"),
            true,
        )
        .await
    }

    /// The members of application `id`, in order.
    pub async fn members_of(&mut self, id: i64) -> Result<Vec<MemberRow>, StoreError> {
        Ok(sqlx::query_as(MEMBERS)
            .bind(id)
            .fetch_all(&mut **self)
            .await?)
    }

    /// Where organisation code `uscc` takes part in `direction` of call `call_id`, besides
    /// application `except`: (leads a live application there, is a member of one).
    pub async fn taking_part(
        &mut self,
        call_id: &str,
        direction: &str,
        uscc: &str,
        except: i64,
    ) -> Result<(bool, bool), StoreError> {
        let lead: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications a JOIN organisations o ON o.id = a.organisation_id \
             WHERE o.uscc = $1 AND a.call_id = $2 AND a.direction = $3 AND a.id <> $4",
        )
        .bind(uscc)
        .bind(call_id)
        .bind(direction)
        .bind(except)
        .fetch_one(&mut **self)
        .await?;
        let member: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM consortium_members m JOIN applications a \
               ON a.id = m.application_id \
             WHERE m.uscc = $1 AND a.call_id = $2 AND a.direction = $3 AND a.id <> $4",
        )
        .bind(uscc)
        .bind(call_id)
        .bind(direction)
        .bind(except)
        .fetch_one(&mut **self)
        .await?;
        Ok((lead > 0, member > 0))
    }

    /// Names a member of application `id` after the others.
    pub async fn add_member(
        &mut self,
        id: i64,
        uscc: &str,
        name: &str,
        region: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO consortium_members (application_id, position, uscc, name, region, \
               added_at) \
             SELECT $1, COALESCE(MAX(position), 0) + 1, $2, $3, $4, $5 \
             FROM consortium_members WHERE application_id = $1",
        )
        .bind(id)
        .bind(uscc)
        .bind(name)
        .bind(region)
        .bind(at)
        .execute(&mut **self)
        .await?;
        Ok(())
    }

    /// Removes member `position` of application `id`; the others keep their places.
    pub async fn remove_member(&mut self, id: i64, position: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM consortium_members WHERE application_id = $1 AND position = $2",
        )
        .bind(id)
        .bind(position)
        .execute(&mut **self)
        .await?
        .rows_affected()
            > 0)
    }
}

impl Store {
    /// The members of application `id`, in order.
    pub async fn members_of(&self, id: i64) -> Result<Vec<MemberRow>, StoreError> {
        Ok(sqlx::query_as(MEMBERS)
            .bind(id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The directions of the applications of call `call_id` whose consortium has a member with
    /// code `uscc` (for the per-call limits, which count membership).
    pub async fn memberships(&self, call_id: &str, uscc: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT a.direction FROM consortium_members m JOIN applications a \
               ON a.id = m.application_id \
             WHERE m.uscc = $1 AND a.call_id = $2 ORDER BY a.id",
        )
        .bind(uscc)
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
