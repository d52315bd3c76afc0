//! Notifications: the [`Notifier`] that review pages call to tell users something (an inbox
//! entry each and, when mail is configured, an e-mail to those with an address), and the mail
//! worker that drains the outbox over SMTP with retries.
//!
//! ```text
//! state.notifier.notify(&state.store, now, &recipient_ids, &Notice {
//!     title: "申报已退回".into(),
//!     body: "请按审核意见修改后重新提交。".into(),
//!     link: Some(format!("/applications/{id}")),
//! }).await;
//! ```
//!
//! Must not: fail or hold up the action that notifies. [`Notifier::notify`] logs and swallows
//! every error and gives up after [`NOTIFY_TIMEOUT`]; e-mail is only queued there and sent
//! later by the worker, so a slow or broken SMTP server never reaches a request.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use shenbao_store::{MailRow, NewMail, NewNotification, Store};
use tokio::task::JoinHandle;

use crate::Clock;
use crate::strings as s;

/// Longest [`Notifier::notify`] may take before it gives up (and logs).
pub const NOTIFY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the mail worker looks for due mail.
pub const MAIL_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// At most this many e-mails per pass of the worker.
pub const MAIL_BATCH: i64 = 20;
/// Wait after the first failed attempt; doubled after each further failure.
pub const MAIL_RETRY_FIRST_MS: i64 = 60 * 1000;
/// Longest wait between attempts.
pub const MAIL_RETRY_MAX_MS: i64 = 60 * 60 * 1000;
/// After this many failed attempts an e-mail is given up (its last error is kept).
pub const MAIL_MAX_ATTEMPTS: i64 = 10;
/// `next_attempt_at` of an e-mail that was given up: never due again.
pub const MAIL_GIVEN_UP: i64 = i64::MAX;
/// Timeout of one SMTP conversation.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a sender holds an e-mail it claimed before another may try it: far longer than one
/// SMTP exchange ([`SMTP_TIMEOUT`]), so an e-mail is only retried by another sender when the
/// first died while sending.
pub const MAIL_LEASE_MS: i64 = 10 * 60 * 1000;

/// What to tell the recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// One line: the inbox entry's title and the e-mail's subject.
    pub title: String,
    /// Plain text.
    pub body: String,
    /// A path inside the site, such as `/applications/12`.
    pub link: Option<String>,
}

/// Sends notices: always to the inbox, by e-mail too when configured
/// ([`Notifier::with_mail`]). The default tells the inbox only.
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    mail: Option<Arc<MailOptions>>,
}

/// How notices become e-mails.
#[derive(Debug, Clone, Default)]
struct MailOptions {
    /// `https://shenbao.example.cn`: makes links in e-mails absolute.
    public_url: Option<String>,
}

impl Notifier {
    /// A notifier that also queues an e-mail for every recipient with an address. Links in
    /// e-mails are made absolute with `public_url` (such as `https://shenbao.example.cn`)
    /// when given, else left as paths.
    pub fn with_mail(public_url: Option<&str>) -> Notifier {
        Notifier {
            mail: Some(Arc::new(MailOptions {
                public_url: public_url
                    .map(|u| u.trim().trim_end_matches('/').to_string())
                    .filter(|u| !u.is_empty()),
            })),
        }
    }

    /// Whether notices are also e-mailed.
    pub fn sends_mail(&self) -> bool {
        self.mail.is_some()
    }

    /// Tells `recipients` (user ids; duplicates are told once): one inbox entry each and,
    /// when mail is configured, one queued e-mail for each that has an address.
    ///
    /// Never fails and never takes longer than [`NOTIFY_TIMEOUT`]: errors (a broken
    /// database, an unknown user id) are logged and swallowed, so the caller's action stands.
    pub async fn notify(&self, store: &Store, now: i64, recipients: &[i64], notice: &Notice) {
        let mut ids = recipients.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return;
        }
        if tokio::time::timeout(NOTIFY_TIMEOUT, self.notify_inner(store, now, &ids, notice))
            .await
            .is_err()
        {
            tracing::error!(title = %notice.title, "notification timed out");
        }
    }

    async fn notify_inner(&self, store: &Store, now: i64, ids: &[i64], notice: &Notice) {
        let (rows, mails) = match self.rows(store, now, ids, notice).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::error!(?error, "looking up notification recipients failed");
                return;
            }
        };
        if let Err(error) = store.add_notifications(&rows).await {
            tracing::error!(?error, title = %notice.title, "storing notifications failed");
        }
        if let Err(error) = store.enqueue_mail(&mails).await {
            tracing::error!(?error, title = %notice.title, "queueing notification e-mail failed");
        }
    }

    /// What telling `ids` (distinct user ids) about `notice` writes: one inbox entry each and,
    /// when mail is configured, one e-mail for each that has an address. Unknown ids get an
    /// inbox entry only (which the database then refuses); their look-up is logged.
    pub async fn rows(
        &self,
        store: &Store,
        now: i64,
        ids: &[i64],
        notice: &Notice,
    ) -> Result<(Vec<NewNotification>, Vec<NewMail>), shenbao_store::StoreError> {
        let rows: Vec<NewNotification> = ids
            .iter()
            .map(|&user_id| NewNotification {
                user_id,
                at: now,
                title: notice.title.clone(),
                body: notice.body.clone(),
                link: notice.link.clone(),
            })
            .collect();
        let Some(options) = &self.mail else {
            return Ok((rows, Vec::new()));
        };
        let mut mails = Vec::new();
        for &id in ids {
            match store.user(id).await? {
                Some(user) => {
                    if let Some(address) = user.email.filter(|e| !e.trim().is_empty()) {
                        mails.push(NewMail {
                            to_address: address,
                            subject: mail_subject(notice),
                            body: mail_body(&user.display_name, notice, options),
                            created_at: now,
                        });
                    }
                }
                None => tracing::warn!(user_id = id, "notification for an unknown user"),
            }
        }
        Ok((rows, mails))
    }
}

/// The e-mail subject of a notice.
fn mail_subject(notice: &Notice) -> String {
    format!("{}{}", s::MAIL_SUBJECT_PREFIX, notice.title)
}

/// The plain-text e-mail of a notice to `name`.
fn mail_body(name: &str, notice: &Notice, options: &MailOptions) -> String {
    let mut body = format!("{name}{}\n\n{}\n", s::MAIL_GREETING, notice.body.trim_end());
    if let Some(link) = &notice.link {
        let link = match &options.public_url {
            Some(base) if link.starts_with('/') => format!("{base}{link}"),
            _ => link.clone(),
        };
        body.push_str(&format!("\n{}{link}\n", s::MAIL_LINK));
    }
    body.push_str(&format!("\n{}\n", s::MAIL_FOOTER));
    body
}

// ---- the mail worker --------------------------------------------------------------------

/// Where and as whom to send e-mail. Its Debug output leaves out the URL (it may hold the
/// SMTP password).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// lettre's connection URL: `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (TLS from the start), `smtp://127.0.0.1:2525` (plain,
    /// for a local relay). A path sets the EHLO name: `smtp://host:25/shenbao.example.cn`.
    pub url: String,
    /// The sender: `noreply@example.cn` or `申报通 <noreply@example.cn>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &"<redacted>")
            .field("from", &self.from)
            .finish()
    }
}

/// A checked [`SmtpSettings`]: the transport and the sender, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the SMTP credentials.
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Checks the URL and the sender address. Errors are in Chinese, for the command line.
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.url.trim())
            .map_err(|e| anyhow::anyhow!("SMTP 地址无效（{e}）"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = settings
            .from
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("发件人地址无效：{}（{e}）", settings.from))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one queued e-mail.
    async fn send(&self, mail: &MailRow) -> Result<(), SendError> {
        let to = mail
            .to_address
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| SendError::Permanent(format!("invalid recipient address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| SendError::Permanent(format!("building the message: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}

/// Why one e-mail was not sent.
enum SendError {
    /// Retrying cannot help (a malformed address, a 5xx rejection): give up now.
    Permanent(String),
    /// Try again later (connection refused, timeout, 4xx).
    Transient(String),
}

/// When to try again after the `attempts`-th failed attempt (1 for the first): one minute,
/// doubled each time, at most an hour; [`MAIL_GIVEN_UP`] from the
/// [`MAIL_MAX_ATTEMPTS`]-th on.
pub fn next_attempt_at(now: i64, attempts: i64) -> i64 {
    if attempts >= MAIL_MAX_ATTEMPTS {
        return MAIL_GIVEN_UP;
    }
    let shift = attempts.clamp(1, 32) - 1;
    let delay = MAIL_RETRY_FIRST_MS
        .saturating_mul(1_i64 << shift)
        .min(MAIL_RETRY_MAX_MS);
    now.saturating_add(delay)
}

/// One pass of the worker: sends up to [`MAIL_BATCH`] due e-mails, records each success or
/// failure (with its retry time), and returns `(sent, failed)`. Each e-mail is claimed first
/// ([`Store::claim_mail`]), so servers sharing the database never send one twice; one that
/// another sender claimed is skipped. Database errors are logged.
pub async fn deliver_due(store: &Store, mailer: &Mailer, now: i64) -> (usize, usize) {
    let due = match store.due_mail(now, MAIL_BATCH).await {
        Ok(due) => due,
        Err(error) => {
            tracing::error!(?error, "reading the mail outbox failed");
            return (0, 0);
        }
    };
    let (mut sent, mut failed) = (0, 0);
    for mail in &due {
        match store
            .claim_mail(mail, now.saturating_add(MAIL_LEASE_MS))
            .await
        {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::error!(?error, mail_id = mail.id, "claiming an e-mail failed");
                continue;
            }
        }
        let outcome = match mailer.send(mail).await {
            Ok(()) => {
                sent += 1;
                store.mail_sent(mail.id, now).await
            }
            Err(error) => {
                failed += 1;
                let (text, retry) = match error {
                    SendError::Permanent(t) => (t, MAIL_GIVEN_UP),
                    SendError::Transient(t) => {
                        let retry = next_attempt_at(now, mail.attempts + 1);
                        (t, retry)
                    }
                };
                tracing::warn!(mail_id = mail.id, error = %text, "sending e-mail failed");
                store.mail_failed(mail.id, &text, retry).await
            }
        };
        if let Err(error) = outcome {
            tracing::error!(
                ?error,
                mail_id = mail.id,
                "recording an e-mail attempt failed"
            );
        }
    }
    (sent, failed)
}

/// Starts the worker: every [`MAIL_POLL_INTERVAL`] it runs [`deliver_due`] at `clock`'s now
/// (at once again while whole batches are sent). Errors in the settings are returned here,
/// before anything runs.
pub fn spawn_mail_worker(
    store: Store,
    settings: &SmtpSettings,
    clock: Clock,
) -> anyhow::Result<JoinHandle<()>> {
    let mailer = Mailer::new(settings)?;
    Ok(tokio::spawn(async move {
        loop {
            let (sent, _) = deliver_due(&store, &mailer, clock()).await;
            if sent as i64 >= MAIL_BATCH {
                continue;
            }
            tokio::time::sleep(MAIL_POLL_INTERVAL).await;
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_minute_doubling_up_to_an_hour_then_give_up() {
        let minute = 60 * 1000;
        let waits: Vec<i64> = (1..MAIL_MAX_ATTEMPTS)
            .map(|n| next_attempt_at(0, n) / minute)
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(next_attempt_at(5, MAIL_MAX_ATTEMPTS), MAIL_GIVEN_UP);
        assert_eq!(next_attempt_at(5, 0), 5 + minute);
    }

    #[test]
    fn the_body_carries_the_notice_and_an_absolute_link_when_a_base_is_known() {
        let notice = Notice {
            title: "申报已退回".into(),
            body: "请修改后重新提交。".into(),
            link: Some("/applications/7".into()),
        };
        let with_base = MailOptions {
            public_url: Some("https://sb.example.cn".into()),
        };
        let body = mail_body("张三", &notice, &with_base);
        assert!(body.starts_with("张三，您好："), "{body}");
        assert!(body.contains("请修改后重新提交。"), "{body}");
        assert!(
            body.contains("查看详情：https://sb.example.cn/applications/7"),
            "{body}"
        );
        let body = mail_body("张三", &notice, &MailOptions::default());
        assert!(body.contains("查看详情：/applications/7"), "{body}");
        assert_eq!(mail_subject(&notice), "【申报通】申报已退回");
        assert_eq!(
            Notifier::with_mail(Some(" https://sb.example.cn/ "))
                .mail
                .and_then(|m| m.public_url.clone())
                .as_deref(),
            Some("https://sb.example.cn")
        );
    }

    #[test]
    fn bad_settings_are_refused_up_front() {
        let ok = SmtpSettings {
            url: "smtp://127.0.0.1:2525".into(),
            from: "申报通 <noreply@example.cn>".into(),
        };
        assert!(Mailer::new(&ok).is_ok());
        let bad_url = SmtpSettings {
            url: "mail://x".into(),
            ..ok.clone()
        };
        assert!(Mailer::new(&bad_url).is_err());
        let bad_from = SmtpSettings {
            from: "not an address".into(),
            ..ok
        };
        assert!(Mailer::new(&bad_from).is_err());
    }
}
