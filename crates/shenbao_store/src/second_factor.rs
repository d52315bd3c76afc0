//! The second factor of staff accounts: each account's TOTP secret, its recovery codes, and
//! logins waiting for their code.
//!
//! Must not: compute or check codes, generate secrets or read the clock (the web layer does,
//! and passes time steps and `now_ms`).

use crate::{Store, StoreError};

/// An account's authenticator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TotpRow {
    /// The shared secret, base32.
    pub secret: String,
    /// When a code first confirmed it; `None` while it is being set up.
    pub enabled_at: Option<i64>,
    /// The last accepted time step.
    pub last_step: i64,
}

impl Store {
    /// The account's authenticator, set up or being set up.
    pub async fn totp(&self, user_id: i64) -> Result<Option<TotpRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT secret, enabled_at, last_step FROM totp_secrets WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Starts setting up an authenticator with `secret` (replacing one not yet confirmed).
    /// Does nothing and returns `false` when one is already enabled.
    pub async fn begin_totp(&self, user_id: i64, secret: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO totp_secrets (user_id, secret, enabled_at, last_step) \
             VALUES ($1, $2, NULL, 0) \
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = 0 \
             WHERE totp_secrets.enabled_at IS NULL",
        )
        .bind(user_id)
        .bind(secret)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Confirms the authenticator being set up: enabled at `now_ms`, `step` used, and the
    /// recovery codes (their hashes) replacing any earlier ones, in one transaction. `false`
    /// when there was none being set up.
    pub async fn enable_totp(
        &self,
        user_id: i64,
        step: i64,
        now_ms: i64,
        code_hashes: &[String],
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE totp_secrets SET enabled_at = $2, last_step = $3 \
             WHERE user_id = $1 AND enabled_at IS NULL",
        )
        .bind(user_id)
        .bind(now_ms)
        .bind(step)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for hash in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Accepts the code of time step `step` once: `true` when `step` is later than every step
    /// accepted before (so a code seen by someone else cannot be used again).
    pub async fn accept_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE totp_secrets SET last_step = $2 \
             WHERE user_id = $1 AND enabled_at IS NOT NULL AND last_step < $2",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses one recovery code (by its hash): `true` when it existed and was unused.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 \
             WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(code_hash)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many unused recovery codes the account has.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Removes the account's authenticator and recovery codes (a lost phone, reset by an
    /// administrator). Returns whether there was one.
    pub async fn remove_totp(&self, user_id: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a login that waits for its second factor until `expires_at`.
    pub async fn create_pending_login(
        &self,
        id: &str,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO pending_logins (id, user_id, expires_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(user_id)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The account of a pending login that has not expired.
    pub async fn pending_login(&self, id: &str, now_ms: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM pending_logins WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Ends a pending login (completed, or given up), and every expired one.
    pub async fn delete_pending_login(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM pending_logins WHERE id = $1 OR expires_at <= $2")
            .bind(id)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
