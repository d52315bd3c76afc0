//! Notifications: the in-app inbox (one row per recipient), the e-mail outbox the mail worker
//! drains, each user's notification e-mail address, and the users of an organisation (the
//! usual recipients of news about an application).
//!
//! Must not: decide who is told what, format messages, send mail or choose retry delays (the
//! web layer's notifier and mail worker do; they pass every time in).

use sqlx::AnyConnection;

use crate::{Store, StoreError, UserRow};

/// An inbox entry to insert (see [`Store::add_notifications`]); it starts unread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// The recipient (`users.id`).
    pub user_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// One line, shown in the inbox list and as the e-mail subject.
    pub title: String,
    /// Plain text.
    pub body: String,
    /// A path inside the site, such as `/applications/12`.
    pub link: Option<String>,
}

/// A stored inbox entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    /// Increasing id; the inbox is ordered and paged by it.
    pub id: i64,
    /// The recipient.
    pub user_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// One line.
    pub title: String,
    /// Plain text.
    pub body: String,
    /// A path inside the site.
    pub link: Option<String>,
    /// Unix milliseconds of the first time it was marked read; `None` while unread.
    pub read_at: Option<i64>,
}

/// An e-mail to queue (see [`Store::enqueue_mail`]). It is due at once: zero attempts,
/// `next_attempt_at = created_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// One plain address, `name@example.cn`.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A queued or sent e-mail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MailRow {
    /// Database id.
    pub id: i64,
    /// The recipient address.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Delivery attempts so far, successful or not.
    pub attempts: i64,
    /// Unix milliseconds from which the worker may try again; `i64::MAX` once given up.
    pub next_attempt_at: i64,
    /// Unix milliseconds of the successful delivery.
    pub sent_at: Option<i64>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
}

/// Inserts inbox entries inside the caller's transaction.
pub(crate) async fn insert_notifications(
    conn: &mut AnyConnection,
    notices: &[NewNotification],
) -> Result<(), StoreError> {
    for n in notices {
        sqlx::query(
            "INSERT INTO notifications (user_id, at, title, body, link, read_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(n.user_id)
        .bind(n.at)
        .bind(&n.title)
        .bind(&n.body)
        .bind(&n.link)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Queues e-mails inside the caller's transaction, each due at its `created_at`.
pub(crate) async fn insert_mail(
    conn: &mut AnyConnection,
    mails: &[NewMail],
) -> Result<(), StoreError> {
    for m in mails {
        sqlx::query(
            "INSERT INTO mail_outbox (to_address, subject, body, created_at, attempts, \
                 next_attempt_at, sent_at, last_error) \
             VALUES ($1, $2, $3, $4, 0, $4, NULL, NULL)",
        )
        .bind(&m.to_address)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(m.created_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    // ---- inbox ------------------------------------------------------------------------------

    /// Inserts inbox entries, all or none (one transaction). An unknown `user_id` is `Other`
    /// (a foreign-key violation) and keeps none of them.
    pub async fn add_notifications(&self, notices: &[NewNotification]) -> Result<(), StoreError> {
        if notices.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        insert_notifications(&mut tx, notices).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` of the user's entries, newest first; with `before_id`, only those with a
    /// smaller id (the next page starts before the last id of the previous one).
    pub async fn notifications_page(
        &self,
        user_id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<NotificationRow>, StoreError> {
        let rows = sqlx::query_as::<_, NotificationRow>(
            "SELECT id, user_id, at, title, body, link, read_at FROM notifications \
             WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(user_id)
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// How many of the user's entries are unread (one indexed count).
    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    /// Marks one of the user's entries read (keeping the first read time) and returns it;
    /// `None` when there is no such entry or it belongs to someone else.
    pub async fn mark_notification_read(
        &self,
        user_id: i64,
        id: i64,
        now_ms: i64,
    ) -> Result<Option<NotificationRow>, StoreError> {
        let row = sqlx::query_as::<_, NotificationRow>(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1) \
             WHERE id = $2 AND user_id = $3 \
             RETURNING id, user_id, at, title, body, link, read_at",
        )
        .bind(now_ms)
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row)
    }

    /// Marks every unread entry of the user read; returns how many changed.
    pub async fn mark_all_notifications_read(
        &self,
        user_id: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(now_ms)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    // ---- outbox -----------------------------------------------------------------------------

    /// Queues e-mails, all or none (one transaction), each due at its `created_at`.
    pub async fn enqueue_mail(&self, mails: &[NewMail]) -> Result<(), StoreError> {
        if mails.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        insert_mail(&mut tx, mails).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` unsent e-mails with `next_attempt_at <= now_ms`, longest waiting first.
    pub async fn due_mail(&self, now_ms: i64, limit: i64) -> Result<Vec<MailRow>, StoreError> {
        let rows = sqlx::query_as::<_, MailRow>(
            "SELECT id, to_address, subject, body, created_at, attempts, next_attempt_at, \
                 sent_at, last_error \
             FROM mail_outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Claims the due e-mail `mail` for one sender until `lease_until`: its next attempt moves
    /// there, if no other sender moved it since `mail` was read (`next_attempt_at` unchanged,
    /// still unsent). `true` when this sender has it. Two servers reading the same due rows
    /// thus send each e-mail once; a sender that dies holding a claim leaves the e-mail due
    /// again when the lease ends.
    pub async fn claim_mail(&self, mail: &MailRow, lease_until: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET next_attempt_at = $1 \
             WHERE id = $2 AND sent_at IS NULL AND next_attempt_at = $3",
        )
        .bind(lease_until)
        .bind(mail.id)
        .bind(mail.next_attempt_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The queued or sent e-mail with this id, if any.
    pub async fn mail(&self, id: i64) -> Result<Option<MailRow>, StoreError> {
        let row = sqlx::query_as::<_, MailRow>(
            "SELECT id, to_address, subject, body, created_at, attempts, next_attempt_at, \
                 sent_at, last_error \
             FROM mail_outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row)
    }

    /// Records a successful delivery (and counts the attempt). `NotFound` when no such row.
    pub async fn mail_sent(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Records a failed attempt: counts it, keeps `error` and sets when to try again
    /// (`i64::MAX` to give up). `NotFound` when no such row.
    pub async fn mail_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, \
                 next_attempt_at = $2 \
             WHERE id = $3",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // ---- recipients -------------------------------------------------------------------------

    /// Sets or clears the user's e-mail address for notifications (already validated by the
    /// caller). `NotFound` when no such user.
    pub async fn set_user_email(
        &self,
        user_id: i64,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The accounts of an organisation, oldest first.
    pub async fn users_of_organisation(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<UserRow>, StoreError> {
        let rows = sqlx::query_as::<_, UserRow>(
            "SELECT id, username, password_hash, display_name, role, organisation_id, \
                 scope_region, scope_sector, email, created_at, password_changed_at \
             FROM users WHERE organisation_id = $1 ORDER BY id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
}
