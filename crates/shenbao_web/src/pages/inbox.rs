//! The inbox: the logged-in user's notifications, newest first, and marking them read.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;

use super::Nav;
use super::public::render;
use super::view::fmt_time;
use crate::ServerState;

use crate::error::AppError;
use crate::guard::{Fields, Posted, SignedIn, Users};

/// Entries per inbox page.
pub const INBOX_PAGE: i64 = 20;

/// One entry as shown.
struct Item {
    id: i64,
    title: String,
    body: String,
    at: String,
    unread: bool,
    has_link: bool,
}

#[derive(Template)]
#[template(path = "inbox/inbox.html")]
struct InboxPage {
    nav: Nav,
    items: Vec<Item>,
    /// `before` of the next page, when there are older entries.
    older: Option<i64>,
    /// Whether this is a later page (shows a link back to the newest).
    paged: bool,
}

/// Query of the inbox page.
#[derive(Deserialize)]
pub struct InboxQuery {
    before: Option<i64>,
}

/// Where a link of a notification may send the browser: a local path, else the inbox.
fn local_path(link: Option<&str>) -> &str {
    match link {
        Some(l) if l.starts_with('/') && !l.starts_with("//") && !l.contains('\\') => l,
        _ => "/inbox",
    }
}

/// `GET /inbox`: 20 entries per page, newest first; `?before=<id>` for older ones.
pub async fn show_inbox(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Users>,
    Query(q): Query<InboxQuery>,
) -> Result<Html<String>, AppError> {
    let mut rows = state
        .store
        .notifications_page(user.id, q.before, INBOX_PAGE + 1)
        .await?;
    let more = rows.len() as i64 > INBOX_PAGE;
    rows.truncate(INBOX_PAGE as usize);
    let older = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| Item {
            id: r.id,
            has_link: r.link.is_some(),
            title: r.title,
            body: r.body,
            at: fmt_time(r.at),
            unread: r.read_at.is_none(),
        })
        .collect();
    render(InboxPage {
        nav: Nav::of(&viewer),
        items,
        older,
        paged: q.before.is_some(),
    })
}

/// `POST /inbox/{id}/read`: marks the entry read and goes to its link (or back to the inbox).
/// Another user's entry is not found.
pub async fn read_one(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted { user, .. }: Posted<Fields, Users>,
) -> Result<Redirect, AppError> {
    let row = state
        .store
        .mark_notification_read(user.id, id, state.now())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(local_path(row.link.as_deref())))
}

/// `POST /inbox/read-all`: marks every entry read.
pub async fn read_all(
    State(state): State<ServerState>,
    Posted { user, .. }: Posted<Fields, Users>,
) -> Result<Redirect, AppError> {
    state
        .store
        .mark_all_notifications_read(user.id, state.now())
        .await?;
    Ok(Redirect::to("/inbox"))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_links_are_followed() {
        assert_eq!(local_path(Some("/applications/3")), "/applications/3");
        assert_eq!(local_path(Some("//evil.example")), "/inbox");
        assert_eq!(local_path(Some("https://evil.example")), "/inbox");
        assert_eq!(local_path(Some("/\\evil.example")), "/inbox");
        assert_eq!(local_path(None), "/inbox");
    }
}
