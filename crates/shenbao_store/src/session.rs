//! Login sessions and failed-login counting, both in the database so that every server process
//! sees the same state.
//!
//! Must not: generate tokens, read the clock or choose lifetimes and limits (the web layer
//! passes `now_ms`, `expires_at` and the window).

use crate::{NewSession, SessionRow, Store, StoreError};

impl Store {
    /// Stores a new session; `last_seen_at` starts at `created_at`. Errors:
    /// `Conflict { constraint: "sessions.id" }` if the token is already in use.
    pub async fn create_session(&self, s: &NewSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(&s.id)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session with this token, or `None` when there is none or it expired
    /// (`expires_at <= now_ms`). Expired rows are left for [`Store::delete_expired_sessions`].
    pub async fn session(&self, id: &str, now_ms: i64) -> Result<Option<SessionRow>, StoreError> {
        let session = sqlx::query_as::<_, SessionRow>(
            "SELECT id, user_id, csrf_token, created_at, expires_at, last_seen_at \
             FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(session)
    }

    /// Records activity and moves the expiry (sliding sessions). Does nothing when the session
    /// is gone, so a request racing a logout does not fail.
    pub async fn touch_session(
        &self,
        id: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
            .bind(now_ms)
            .bind(expires_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends one session (logout). Idempotent.
    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of `user_id` except `keep` (after a password change, or "log out
    /// elsewhere").
    pub async fn delete_other_sessions(&self, user_id: i64, keep: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes sessions with `expires_at <= now_ms` and returns how many; run it periodically.
    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Records one failed login for `key` (a username, an IP, … as the caller chooses).
    pub async fn record_login_failure(&self, key: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many failures `key` has at or after `since_ms`.
    pub async fn login_failures_since(&self, key: &str, since_ms: i64) -> Result<i64, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since_ms)
                .fetch_one(&self.pool)
                .await?;
        Ok(count)
    }

    /// How many failures `key` has at or after `since_ms`, and when the latest of them was.
    pub async fn login_failure_stats(
        &self,
        key: &str,
        since_ms: i64,
    ) -> Result<(i64, Option<i64>), StoreError> {
        Ok(sqlx::query_as(
            "SELECT COUNT(*) AS n, MAX(at) AS latest FROM login_failures WHERE key = $1 AND at >= $2",
        )
        .bind(key)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Forgets every failure of `key` (after a successful login).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes failures older than `before_ms` (outside every window still counted) and
    /// returns how many; run it periodically so the table stays small.
    pub async fn prune_login_failures(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
