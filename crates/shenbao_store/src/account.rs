//! Organisations and users: registration, lookups, password changes.
//!
//! Must not: hash or compare passwords (the web layer does), or decide who may create whom.

use sqlx::{Any, Executor};

use crate::{NewOrganisation, NewUser, OrganisationRow, Store, StoreError, UserRow};

/// Inserts a user with the given organisation (overriding `user.organisation_id`), on a pool
/// or inside a transaction.
async fn insert_user<'e, E>(
    executor: E,
    user: &NewUser,
    organisation_id: Option<i64>,
) -> Result<UserRow, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let user = sqlx::query_as::<_, UserRow>(
        "INSERT INTO users (username, password_hash, display_name, role, organisation_id, \
             scope_region, scope_sector, email, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         RETURNING id, username, password_hash, display_name, role, organisation_id, \
             scope_region, scope_sector, email, created_at, password_changed_at",
    )
    .bind(&user.username)
    .bind(&user.password_hash)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(organisation_id)
    .bind(&user.scope_region)
    .bind(&user.scope_sector)
    .bind(&user.email)
    .bind(user.created_at)
    .fetch_one(executor)
    .await?;
    Ok(user)
}

impl Store {
    /// Creates an applicant organisation and its first account in one transaction: if the
    /// user insert fails (a taken username) the organisation is not kept either.
    ///
    /// Every registration gets an organisation of its own, even when another account already
    /// registered the same USCC (see migration 0006: a refusal would tell strangers who has
    /// registered, and would let whoever typed a code first lock the enterprise out).
    /// `user.organisation_id` is ignored and set to the new organisation. Errors:
    /// `Conflict { constraint: "users.username" }`.
    pub async fn register_applicant(
        &self,
        org: &NewOrganisation,
        user: &NewUser,
    ) -> Result<(OrganisationRow, UserRow), StoreError> {
        let mut tx = self.begin_write().await?;
        let organisation = sqlx::query_as::<_, OrganisationRow>(
            "INSERT INTO organisations (uscc, name, region, created_at) \
             VALUES ($1, $2, $3, $4) \
             RETURNING id, uscc, name, region, created_at",
        )
        .bind(&org.uscc)
        .bind(&org.name)
        .bind(&org.region)
        .bind(org.created_at)
        .fetch_one(&mut *tx)
        .await?;
        let user = insert_user(&mut *tx, user, Some(organisation.id)).await?;
        tx.commit().await?;
        Ok((organisation, user))
    }

    /// Creates an account of any role (for admins and seeding). Errors:
    /// `Conflict { constraint: "users.username" }`; an unknown `organisation_id` is `Other`
    /// (a foreign-key violation).
    pub async fn create_user(&self, user: &NewUser) -> Result<UserRow, StoreError> {
        insert_user(&self.pool, user, user.organisation_id).await
    }

    /// The account with this id, if any.
    pub async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        let user = sqlx::query_as::<_, UserRow>(
            "SELECT id, username, password_hash, display_name, role, organisation_id, \
                 scope_region, scope_sector, email, created_at, password_changed_at \
             FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(user)
    }

    /// The account with this exact login name, if any (no case folding: the web layer
    /// normalises names before storing and looking up).
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let user = sqlx::query_as::<_, UserRow>(
            "SELECT id, username, password_hash, display_name, role, organisation_id, \
                 scope_region, scope_sector, email, created_at, password_changed_at \
             FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(user)
    }

    /// Replaces the password hash and records when. `NotFound` when no such user.
    ///
    /// Ending the user's other sessions is a separate call
    /// ([`Store::delete_other_sessions`]), so the caller decides which session survives.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
        )
        .bind(password_hash)
        .bind(now_ms)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The organisation with this id, if any.
    pub async fn organisation(&self, id: i64) -> Result<Option<OrganisationRow>, StoreError> {
        let organisation = sqlx::query_as::<_, OrganisationRow>(
            "SELECT id, uscc, name, region, created_at FROM organisations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(organisation)
    }

    /// The first organisation registered with this USCC, if any (several accounts may share a
    /// code; conflicts of interest declared against one cover them all).
    pub async fn organisation_by_uscc(
        &self,
        uscc: &str,
    ) -> Result<Option<OrganisationRow>, StoreError> {
        let organisation = sqlx::query_as::<_, OrganisationRow>(
            "SELECT id, uscc, name, region, created_at FROM organisations WHERE uscc = $1 \
             ORDER BY id LIMIT 1",
        )
        .bind(uscc)
        .fetch_optional(&self.pool)
        .await?;
        Ok(organisation)
    }

    /// The other organisations registered with the same USCC as `organisation_id`, oldest
    /// first, at most `limit`: what a reviewer checks against the stamped papers.
    pub async fn organisations_sharing_uscc(
        &self,
        organisation_id: i64,
        limit: i64,
    ) -> Result<Vec<OrganisationRow>, StoreError> {
        let organisations = sqlx::query_as::<_, OrganisationRow>(
            "SELECT o.id, o.uscc, o.name, o.region, o.created_at \
             FROM organisations me JOIN organisations o ON o.uscc = me.uscc AND o.id <> me.id \
             WHERE me.id = $1 ORDER BY o.id LIMIT $2",
        )
        .bind(organisation_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(organisations)
    }
}
