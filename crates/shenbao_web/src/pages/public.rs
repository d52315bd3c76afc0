//! Public pages: the list of calls and each call's page, and the division picker's data.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};
use shenbao_core::call::definition::CallDef;
use shenbao_core::region;

use super::Nav;
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::documents::{self, Format};
use crate::error::AppError;

/// One call in the list.
pub struct CallSummary {
    id: String,
    title: String,
    issuer: String,
    deadline: String,
    open: bool,
    directions: Vec<String>,
}

#[derive(Template)]
#[template(path = "public/calls.html")]
struct CallsPage {
    nav: Nav,
    calls: Vec<CallSummary>,
}

fn deadline_text(e: &CallEntry) -> String {
    e.deadline()
        .map(|d| format!("{d} {}", crate::strings::DEADLINE_END_OF_DAY))
        .unwrap_or_else(|| crate::strings::DEADLINE_UNKNOWN.to_string())
}

/// `GET /`: open calls first, then closed ones.
pub async fn list_calls(
    State(state): State<ServerState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let now = state.now();
    let mut calls: Vec<CallSummary> = state
        .calls
        .all()
        .iter()
        .map(|e| {
            let d = e.call.def();
            CallSummary {
                id: d.id.clone(),
                title: d.title.clone(),
                issuer: d.issuer.clone(),
                deadline: deadline_text(e),
                open: e.is_open(now),
                directions: d.directions.iter().map(|x| x.name.clone()).collect(),
            }
        })
        .collect();
    calls.sort_by_key(|c| !c.open);
    render(CallsPage {
        nav: Nav::of(&viewer),
        calls,
    })
}

/// A deadline row on the call page.
pub struct DeadlineRow {
    stage: String,
    date: String,
}

#[derive(Template)]
#[template(path = "public/call.html")]
struct CallPage<'a> {
    nav: Nav,
    def: &'a CallDef,
    open: bool,
    deadline: String,
    demo: Option<(String, String)>,
    deadlines: Vec<DeadlineRow>,
    limits: Vec<String>,
    /// Whether the results are published (links to them).
    results: bool,
    /// The name of the area the call covers, when it has one.
    area: Option<String>,
    /// Blank forms: (direction name, Word path, PDF path).
    blanks: Vec<(String, String, String)>,
}

/// `GET /calls/{id}`: everything an applicant needs to know before applying.
pub async fn show_call(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let entry = state.calls.get(&id).ok_or(AppError::NotFound)?;
    let def = entry.call.def();
    let mut deadlines = vec![DeadlineRow {
        stage: crate::strings::CALL_APPLICANT_STAGE.to_string(),
        date: deadline_text(entry),
    }];
    for level in &def.review_levels {
        if let Some(d) = &level.deadline {
            deadlines.push(DeadlineRow {
                stage: level.name.clone(),
                date: d.clone(),
            });
        }
    }
    let name = |id: &str| {
        def.directions
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut limits = Vec::new();
    if let Some(n) = def.limits.per_call {
        limits.push(format!("{}{n}", crate::strings::LIMIT_PER_CALL));
    }
    if let Some(n) = def.limits.per_direction {
        limits.push(format!("{}{n}", crate::strings::LIMIT_PER_DIRECTION));
    }
    for group in &def.limits.exclusive {
        let names: Vec<String> = group.iter().map(|d| name(d)).collect();
        limits.push(format!(
            "{}{}",
            crate::strings::LIMIT_EXCLUSIVE,
            names.join("、")
        ));
    }
    let demo = entry.demo_deadline.map(|d| {
        (
            d.to_string(),
            entry.call.applicant_deadline().map_or_else(
                || crate::strings::DEADLINE_UNKNOWN.to_string(),
                |real| real.to_string(),
            ),
        )
    });
    render(CallPage {
        nav: Nav::of(&viewer),
        def,
        open: entry.is_open(state.now()),
        deadline: deadline_text(entry),
        demo,
        deadlines,
        limits,
        results: state.store.publication(&id).await?.is_some(),
        area: def
            .area
            .as_deref()
            .map(|a| shenbao_core::region::full_name(a).unwrap_or_else(|| a.to_string())),
        blanks: documents::blank_forms(entry.call)
            .into_iter()
            .map(|b| {
                let (docx, pdf) = (b.path(&id, Format::Docx), b.path(&id, Format::Pdf));
                (b.name, docx, pdf)
            })
            .collect(),
    })
}

/// `?subdirection=` of a blank form.
#[derive(Deserialize)]
pub struct BlankQuery {
    #[serde(default)]
    subdirection: Option<String>,
}

/// `GET /calls/{id}/blank/{direction}/{format}?subdirection=`: the blank application form of
/// a direction, for applicants who fill it in offline. Public, and cacheable for an hour.
pub async fn blank_form(
    State(state): State<ServerState>,
    Path((id, direction, format)): Path<(String, String, String)>,
    Query(query): Query<BlankQuery>,
) -> Result<Response, AppError> {
    let entry = state.calls.get(&id).ok_or(AppError::NotFound)?;
    let format = Format::parse(&format)?;
    let (call, sub) = (entry.call, query.subdirection.filter(|s| !s.is_empty()));
    // A PDF takes tens of milliseconds to lay out: off the async workers.
    let mut response = tokio::task::spawn_blocking(move || {
        documents::blank_download(call, &direction, sub.as_deref(), format)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}

/// A division for the picker.
#[derive(Serialize)]
pub struct RegionView {
    code: &'static str,
    name: &'static str,
}

/// `GET /regions`: the provinces.
pub async fn list_regions() -> Json<Vec<RegionView>> {
    Json(
        region::provinces()
            .map(|d| RegionView {
                code: d.code,
                name: d.name,
            })
            .collect(),
    )
}

/// `GET /regions/{code}`: the divisions directly under `code`.
pub async fn list_regions_under(Path(code): Path<String>) -> Json<Vec<RegionView>> {
    Json(
        region::children(&code)
            .iter()
            .map(|d| RegionView {
                code: d.code,
                name: d.name,
            })
            .collect(),
    )
}

/// Renders a template into a page.
pub fn render(t: impl Template) -> Result<Html<String>, AppError> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(e.into()))
}
