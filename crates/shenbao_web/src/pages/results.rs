//! The public results of a call (公示): once the owner publishes, the selected cases with
//! their applicants, twenty a page; before that, a notice that nothing is published yet.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::Nav;
use super::owner::{PAGE, direction_name, region_name};
use super::public::render;
use crate::ServerState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::strings as s;

/// A selected case.
pub struct ResultLine {
    title: String,
    organisation: String,
    region: String,
    direction: String,
    introduction: String,
}

#[derive(Template)]
#[template(path = "results/results.html")]
struct ResultsPage {
    nav: Nav,
    call_id: String,
    title: String,
    published: Option<String>,
    rows: Vec<ResultLine>,
    next: Option<i64>,
}

/// Query of the results page: the page key.
#[derive(Deserialize)]
pub struct ResultsQuery {
    after: Option<i64>,
}

/// `GET /calls/{id}/results`.
pub async fn show_results(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> Result<Html<String>, AppError> {
    let entry = state.calls.get(&call_id).ok_or(AppError::NotFound)?;
    let call = entry.call;
    if !call.def().kind.is_contest() {
        return Err(AppError::Refused(s::OWNER_COLLECTION.to_string()));
    }
    let publication = state.store.publication(&call_id).await?;
    let (rows, next) = match &publication {
        None => (Vec::new(), None),
        Some(_) => {
            let rows = state
                .store
                .selected_applications(&call_id, q.after, PAGE + 1)
                .await?;
            let next = (rows.len() as i64 > PAGE)
                .then(|| rows.get(PAGE as usize - 1).map(|r| r.id))
                .flatten();
            let mut lines = Vec::new();
            for r in rows.into_iter().take(PAGE as usize) {
                let introduction = introduction(&state, call, &r).await?;
                lines.push(ResultLine {
                    introduction,
                    title: r.title.unwrap_or_default(),
                    organisation: r.organisation_name,
                    region: region_name(&r.region),
                    direction: direction_name(call, &r.direction),
                });
            }
            let rows = lines;
            (rows, next)
        }
    };
    render(ResultsPage {
        nav: Nav::of(&viewer),
        title: call.def().title.clone(),
        published: publication.map(|p| crate::pages::view::fmt_time(p.published_at)),
        call_id,
        rows,
        next,
    })
}

/// The short introduction of a selected case, from its submitted answers by the call's
/// `[publication]` block.
async fn introduction(
    state: &ServerState,
    call: &shenbao_core::call::Call,
    row: &shenbao_store::SelectedRow,
) -> Result<String, AppError> {
    let Some(snapshot) = state.store.latest_snapshot(row.id).await? else {
        return Ok(String::new());
    };
    let answers: serde_json::Value = serde_json::from_str(&snapshot.answers).unwrap_or_default();
    let profile = serde_json::json!({ "name": row.organisation_name, "region": row.region });
    let app = state.store.application(row.id).await?;
    let subdirection = app.and_then(|a| a.subdirection);
    Ok(shenbao_core::output::publication(
        call,
        &shenbao_core::form::Application {
            target: shenbao_core::call::Target {
                direction: &row.direction,
                subdirection: subdirection.as_deref(),
            },
            answers: &answers,
            profile: Some(&profile),
            files: None,
        },
    )
    .introduction)
}
