//! `/verify/{key}`: the page a printed form's QR code opens, without login. It says whether
//! the paper belongs to the application's current submitted version (当前有效), to an older one
//! (已被新版本替代, with the current version's number and date), or to none (无法核验), and
//! shows nothing of the content: the 受理编号, the version's ordinal and its submission time.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use shenbao_core::acceptance;

use super::Nav;
use super::public::render;
use super::view::fmt_time;
use crate::ServerState;
use crate::auth::Viewer;
use crate::error::AppError;

/// What the verification found.
pub enum Verdict {
    /// The key names no submitted version.
    Unknown,
    /// The application's current submitted version.
    Current,
    /// An older version; the current one's number and submission time.
    Superseded { number: String, at: String },
}

#[derive(Template)]
#[template(path = "public/verify.html")]
struct VerifyPage {
    nav: Nav,
    verdict: Verdict,
    call_title: String,
    number: String,
    ordinal: i64,
    at: String,
}

/// `GET /verify/{key}`.
pub async fn verify_page(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let unknown = |viewer: &Viewer| -> Result<Response, AppError> {
        let html = render(VerifyPage {
            nav: Nav::of(viewer),
            verdict: Verdict::Unknown,
            call_title: String::new(),
            number: String::new(),
            ordinal: 0,
            at: String::new(),
        })?;
        Ok((StatusCode::NOT_FOUND, html).into_response())
    };
    let Some((id, digest)) = acceptance::parse_key(&key) else {
        return unknown(&viewer);
    };
    let Some(snapshot) = state
        .store
        .snapshot(id)
        .await?
        .filter(|s| acceptance::matches(digest, &s.content_hash))
    else {
        return unknown(&viewer);
    };
    let Some(app) = state.store.application(snapshot.application_id).await? else {
        return unknown(&viewer);
    };
    let Some(entry) = state.calls.of(&app) else {
        return unknown(&viewer);
    };
    let region = state
        .store
        .organisation(app.organisation_id)
        .await?
        .map(|o| o.region)
        .unwrap_or_default();
    let year = entry.call.def().year;
    let number = |s: &shenbao_store::SnapshotRow| s.acceptance_number(&app.call_id, year, &region);
    let latest = state.store.latest_snapshot(app.id).await?;
    let verdict = match latest {
        Some(l) if l.id != snapshot.id => Verdict::Superseded {
            number: number(&l),
            at: fmt_time(l.created_at),
        },
        _ => Verdict::Current,
    };
    let html: Html<String> = render(VerifyPage {
        nav: Nav::of(&viewer),
        verdict,
        call_title: entry.call.def().title.clone(),
        number: number(&snapshot),
        ordinal: state.store.submission_ordinal(app.id, snapshot.id).await?,
        at: fmt_time(snapshot.created_at),
    })?;
    Ok(html.into_response())
}
