//! The administrator's pages: the audit log, filtered and paged newest first, and its CSV
//! export.
//!
//! Only administrators: anyone else logged in gets 403, nobody is sent to the login page.
//! The export is itself recorded in the audit log (`audit_exported`, with the filter).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use shenbao_store::{AuditActor, AuditListRow, AuditQuery, Store};
use tokio::io::AsyncWriteExt;

use super::Nav;
use super::account::audit;
use super::public::render;
use crate::ServerState;

use crate::error::AppError;
use crate::guard::{Admins, SignedIn};
use crate::strings as s;
use shenbao_core::time::{beijing, end_of_day_ms};

/// Entries per page.
pub const AUDIT_PAGE: i64 = 50;
/// Entries read per query while exporting.
const EXPORT_BATCH: i64 = 500;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// The filter of the audit page and its export, as the form sends it (empty fields are no
/// filter).
#[derive(Debug, Default, Deserialize)]
pub struct AuditParams {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    ip: String,
    before: Option<i64>,
}

impl AuditParams {
    /// The store's query for these parameters (without paging), or the page's error message
    /// for a date that is not one.
    fn query(&self) -> Result<AuditQuery, &'static str> {
        let text = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
        let day_end = |v: &str| match text(v) {
            None => Ok(None),
            Some(d) => end_of_day_ms(&d).map(Some).ok_or(s::AUDIT_BAD_DATE),
        };
        Ok(AuditQuery {
            actor: text(&self.actor).map(|a| match a.parse::<i64>() {
                Ok(id) => AuditActor::Id(id),
                Err(_) => AuditActor::Name(a),
            }),
            action: text(&self.action),
            from_ms: day_end(&self.from)?.map(|end| end - DAY_MS),
            until_ms: day_end(&self.to)?,
            ip_prefix: text(&self.ip),
            before_id: None,
            limit: AUDIT_PAGE,
        })
    }

    /// The filter as a query string (for the paging and export links).
    fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("actor", self.actor.trim())
            .append_pair("action", self.action.trim())
            .append_pair("from", self.from.trim())
            .append_pair("to", self.to.trim())
            .append_pair("ip", self.ip.trim())
            .finish()
    }
}

/// One entry as shown.
struct Entry {
    id: i64,
    at: String,
    actor: String,
    ip: String,
    action: String,
    code: String,
    target: String,
    detail: String,
    hash: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    nav: Nav,
    params: AuditParams,
    actions: &'static [(&'static str, &'static str)],
    error: Option<&'static str>,
    entries: Vec<Entry>,
    /// The filter as a query string.
    filter: String,
    /// `before` of the next page, when there are older entries.
    older: Option<i64>,
}

/// Seconds matter in an audit log: `YYYY-MM-DD HH:MM:SS`, Beijing time.
fn fmt_seconds(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&beijing())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

fn actor_text(r: &AuditListRow) -> String {
    match (r.entry.actor_user_id, &r.actor_username, &r.actor_name) {
        (None, _, _) => s::AUDIT_NO_ACTOR.to_string(),
        (Some(id), Some(username), Some(name)) => format!("{name}（{username}，#{id}）"),
        (Some(id), _, _) => format!("#{id}"),
    }
}

fn entry(r: AuditListRow) -> Entry {
    let actor = actor_text(&r);
    let e = r.entry;
    Entry {
        id: e.id,
        at: fmt_seconds(e.at),
        actor,
        ip: e.actor_ip.unwrap_or_default(),
        action: s::audit_action_label(&e.action)
            .unwrap_or_default()
            .to_string(),
        code: e.action,
        target: match (e.target_kind, e.target_id) {
            (Some(k), Some(i)) => format!("{k} {i}"),
            (Some(k), None) => k,
            (None, Some(i)) => i,
            (None, None) => String::new(),
        },
        detail: e.detail.unwrap_or_default(),
        hash: r
            .hash
            .map(|h| h[..h.len().min(12)].to_string())
            .unwrap_or_else(|| s::AUDIT_NO_HASH.to_string()),
    }
}

/// `GET /admin/audit`: the audit log, newest first, 50 a page, filtered by actor (login name,
/// display name or user id), action, date range (Beijing days, both ends included) and
/// address prefix; `?before=<id>` for older entries.
pub async fn audit_log(
    State(state): State<ServerState>,
    SignedIn { viewer, .. }: SignedIn<Admins>,
    Query(params): Query<AuditParams>,
) -> Result<Html<String>, AppError> {
    let filter = params.query_string();
    let (error, entries, older) = match params.query() {
        Err(message) => (Some(message), Vec::new(), None),
        Ok(q) => {
            let mut rows = state
                .store
                .audit_search(&AuditQuery {
                    before_id: params.before,
                    limit: AUDIT_PAGE + 1,
                    ..q
                })
                .await?;
            let more = rows.len() as i64 > AUDIT_PAGE;
            rows.truncate(AUDIT_PAGE as usize);
            let older = if more {
                rows.last().map(|r| r.entry.id)
            } else {
                None
            };
            (None, rows.into_iter().map(entry).collect(), older)
        }
    };
    render(AuditPage {
        nav: Nav::of(&viewer),
        params,
        actions: s::AUDIT_ACTIONS,
        error,
        entries,
        filter,
        older,
    })
}

/// One CSV field: quoted when needed, and a leading `=`, `+`, `-`, `@`, tab or carriage return
/// defused with `'` so that a spreadsheet never reads a logged value as a formula.
fn csv_field(out: &mut String, value: &str) {
    let defuse = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = defuse || value.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if defuse {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

fn csv_line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

fn csv_row(out: &mut String, r: &AuditListRow) {
    let e = &r.entry;
    let actor_id = e.actor_user_id.map(|i| i.to_string()).unwrap_or_default();
    csv_line(
        out,
        &[
            &e.id.to_string(),
            &fmt_seconds(e.at),
            &actor_id,
            r.actor_username.as_deref().unwrap_or(""),
            r.actor_name.as_deref().unwrap_or(""),
            e.actor_ip.as_deref().unwrap_or(""),
            s::audit_action_label(&e.action).unwrap_or(""),
            &e.action,
            e.target_kind.as_deref().unwrap_or(""),
            e.target_id.as_deref().unwrap_or(""),
            e.detail.as_deref().unwrap_or(""),
            r.hash.as_deref().unwrap_or(""),
        ],
    );
}

/// Writes the whole filtered log as CSV into `out`, page by page.
async fn write_csv(
    store: Store,
    q: AuditQuery,
    mut out: impl tokio::io::AsyncWrite + Unpin,
) -> anyhow::Result<()> {
    // A byte-order mark, so that Excel reads the file as UTF-8.
    let mut text = String::from("\u{feff}");
    csv_line(
        &mut text,
        &[
            s::AUDIT_COL_ID,
            s::AUDIT_COL_AT,
            s::AUDIT_COL_ACTOR_ID,
            s::AUDIT_COL_ACTOR_USERNAME,
            s::AUDIT_COL_ACTOR_NAME,
            s::AUDIT_IP,
            s::AUDIT_ACTION,
            s::AUDIT_COL_ACTION_CODE,
            s::AUDIT_COL_TARGET_KIND,
            s::AUDIT_COL_TARGET_ID,
            s::AUDIT_COL_DETAIL,
            s::AUDIT_COL_HASH,
        ],
    );
    let mut before = None;
    loop {
        out.write_all(text.as_bytes()).await?;
        text.clear();
        let rows = store
            .audit_search(&AuditQuery {
                before_id: before,
                limit: EXPORT_BATCH,
                ..q.clone()
            })
            .await?;
        let Some(last) = rows.last() else { break };
        before = Some(last.entry.id);
        for r in &rows {
            csv_row(&mut text, r);
        }
    }
    out.shutdown().await?;
    Ok(())
}

/// `GET /admin/audit.csv`: every entry the filter of the audit page selects (all pages),
/// newest first, as UTF-8 CSV with a byte-order mark (Excel opens it with the Chinese
/// intact), streamed while it is read from the database.
pub async fn audit_csv(
    State(state): State<ServerState>,
    SignedIn { viewer, .. }: SignedIn<Admins>,
    Query(params): Query<AuditParams>,
) -> Result<Response, AppError> {
    let q = params
        .query()
        .map_err(|message| AppError::Refused(message.to_string()))?;
    audit(
        &state,
        &viewer,
        None,
        "audit_exported",
        None,
        Some(serde_json::json!({ "filter": params.query_string() }).to_string()),
    )
    .await?;
    let (reader, writer) = tokio::io::duplex(64 * 1024);
    let store = state.store.clone();
    tokio::spawn(async move {
        if let Err(e) = write_csv(store, q, writer).await {
            tracing::warn!("audit export cut short: {e:#}");
        }
    });
    let date = shenbao_core::time::date_after(state.now(), 0);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::documents::attachment_disposition(
                    &format!("{}-{date}.csv", s::AUDIT_CSV_NAME),
                    &format!("audit-{date}.csv"),
                ),
            ),
        ],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader)),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(v: &str) -> String {
        let mut out = String::new();
        csv_field(&mut out, v);
        out
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("登录"), "登录");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1+2"), "\"'-1+2\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn dates_make_a_range_of_whole_beijing_days() {
        let p = AuditParams {
            from: "2025-06-01".into(),
            to: "2025-06-01".into(),
            actor: " 42 ".into(),
            ..AuditParams::default()
        };
        let q = p.query().expect("valid");
        // 2025-06-01 00:00 in Beijing is 2025-05-31 16:00 UTC.
        assert_eq!(q.from_ms, Some(1_748_707_200_000));
        assert_eq!(q.until_ms, Some(1_748_707_200_000 + DAY_MS));
        assert_eq!(q.actor, Some(AuditActor::Id(42)));
        let p = AuditParams {
            to: "2025-13-01".into(),
            ..AuditParams::default()
        };
        assert_eq!(p.query(), Err(s::AUDIT_BAD_DATE));
    }
}
