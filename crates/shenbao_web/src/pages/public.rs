//! Public pages: the list of calls and each call's page, and the division picker's data.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};
use shenbao_core::call::CallState;
use shenbao_core::call::definition::CallDef;
use shenbao_core::region;
use shenbao_store::Role;

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
    shown_state: &'static str,
    directions: Vec<String>,
}

#[derive(Template)]
#[template(path = "public/calls.html")]
struct CallsPage {
    nav: Nav,
    calls: Vec<CallSummary>,
}

/// The state a call page shows: 征集中 until the deadline, then 已截止; the others as stored.
fn shown_state(state: &ServerState, e: &CallEntry, now: i64) -> &'static str {
    let stored = state.calls.state(e.call.id());
    match stored {
        CallState::Collecting if !e.is_open(now) => CallState::Closed.label(),
        other => other.label(),
    }
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
                open: state.calls.state(e.call.id()).takes_applications() && e.is_open(now),
                shown_state: shown_state(&state, e, now),
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
    pub(crate) stage: String,
    pub(crate) date: String,
    /// The directions the stage is for, when not all.
    pub(crate) directions: String,
}

/// A unit that receives a signed-in applicant's applications, with what it set.
pub struct ReceivingRow {
    unit: String,
    directions: String,
    deadline: String,
    own_deadline: bool,
    contact: String,
}

/// The call's whole timeline: the applicants' deadline, then each review level's forwarding
/// deadline in order, as the call runs here (shifted together in demo mode).
pub(crate) fn timeline_rows(entry: &CallEntry) -> Vec<DeadlineRow> {
    let def = entry.call.def();
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| format!("{d} {}", crate::strings::DEADLINE_END_OF_DAY))
            .unwrap_or_else(|| crate::strings::DEADLINE_UNKNOWN.to_string())
    };
    let names = |ids: &[String]| {
        ids.iter()
            .filter_map(|id| entry.call.direction(id).map(|d| d.name.clone()))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut rows = vec![DeadlineRow {
        stage: crate::strings::CALL_APPLICANT_STAGE.to_string(),
        date: date(entry.deadline()),
        directions: String::new(),
    }];
    for level in &def.review_levels {
        let last = level.scope == shenbao_core::call::definition::LevelScope::Province;
        rows.push(DeadlineRow {
            stage: crate::strings::level_stage(&level.name, last),
            date: date(entry.level_deadline(level)),
            directions: names(&level.directions),
        });
    }
    rows
}

/// The units that receive the applications of organisation `organisation_id` in `entry`, one
/// per first review level (directions routed by sector are received by the department the
/// applicant chooses, so none is named for them).
async fn receiving_units(
    state: &ServerState,
    entry: &CallEntry,
    organisation_id: Option<i64>,
) -> Result<Vec<ReceivingRow>, AppError> {
    let org = match organisation_id {
        Some(id) => state.store.organisation(id).await?,
        None => None,
    };
    let Some(org) = org else {
        return Ok(Vec::new());
    };
    let mut rows: Vec<(String, String, Vec<String>)> = Vec::new();
    for d in &entry.call.def().directions {
        if shenbao_core::routing::routed_by_sector(entry.call, &d.id) {
            continue;
        }
        let Ok((level, unit)) =
            shenbao_core::routing::first_stop(entry.call, &d.id, &org.region, None)
        else {
            continue;
        };
        match rows
            .iter_mut()
            .find(|(l, u, _)| *l == level.id && *u == unit)
        {
            Some(row) => row.2.push(d.id.clone()),
            None => rows.push((level.id.clone(), unit, vec![d.id.clone()])),
        }
    }
    let all = entry.call.def().directions.len();
    let mut out = Vec::new();
    for (level_id, unit, directions) in rows {
        let Some(level) = entry
            .call
            .def()
            .review_levels
            .iter()
            .find(|l| l.id == level_id)
        else {
            continue;
        };
        let settings =
            shenbao_app::timeline::unit_settings(&state.store, entry, &level.id, &unit).await?;
        let deadline = entry.applicant_deadline(&directions[0], settings.deadline);
        let contact = [settings.contact_name, settings.contact_phone]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(ReceivingRow {
            unit: super::view::unit_label(level, &unit),
            directions: if directions.len() == all {
                String::new()
            } else {
                directions
                    .iter()
                    .filter_map(|id| entry.call.direction(id).map(|d| d.name.clone()))
                    .collect::<Vec<_>>()
                    .join("、")
            },
            deadline: deadline
                .map(|d| format!("{d} {}", crate::strings::DEADLINE_END_OF_DAY))
                .unwrap_or_else(|| crate::strings::DEADLINE_UNKNOWN.to_string()),
            own_deadline: settings.deadline.is_some(),
            contact,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "public/call.html")]
struct CallPage<'a> {
    nav: Nav,
    def: &'a CallDef,
    open: bool,
    /// The call's state as the page names it (a call collecting past its deadline: 已截止).
    shown_state: &'static str,
    deadline: String,
    demo: Option<(String, String)>,
    deadlines: Vec<DeadlineRow>,
    /// For a signed-in applicant: the units that receive its applications, with their dates.
    receiving: Vec<ReceivingRow>,
    limits: Vec<String>,
    /// Whether the results are published (links to them).
    results: bool,
    /// The name of the area the call covers, when it has one.
    area: Option<String>,
    /// Blank forms: (direction name, Word path, PDF path).
    blanks: Vec<(String, String, String)>,
    /// What an applicant starts: (value `direction[/choice]`, label), the scenarios of a
    /// three-level catalogue included.
    starts: Vec<(String, String)>,
    /// 需提交的材料 by direction: (direction name, [(label, optional, when)]); one group with
    /// an empty name when every direction asks for the same.
    materials: Vec<(String, Vec<Material>)>,
}

/// One item of 需提交的材料.
#[derive(Clone, PartialEq)]
struct Material {
    label: String,
    /// Not required (如有).
    optional: bool,
    /// Asked only when an answer says so (e.g. 联合体申报的).
    conditional: bool,
}

/// The materials of each direction of `def`, in the call's order: one group per direction,
/// or one unnamed group when they are all alike.
fn materials(def: &CallDef) -> Vec<(String, Vec<Material>)> {
    let of = |direction: &str| -> Vec<Material> {
        def.files
            .iter()
            .filter(|f| shenbao_core::call::applies(&f.directions, direction))
            .map(|f| Material {
                label: f.label.clone(),
                optional: f.required == Some(false),
                conditional: f.show_if.is_some(),
            })
            .collect()
    };
    let groups: Vec<(String, Vec<Material>)> = def
        .directions
        .iter()
        .map(|d| (d.name.clone(), of(&d.id)))
        .filter(|(_, items)| !items.is_empty())
        .collect();
    match groups.first() {
        Some((_, first)) if groups.iter().all(|(_, items)| items == first) => {
            vec![(String::new(), first.clone())]
        }
        _ => groups,
    }
}

/// Call `id` as `viewer` may see it: a published one for anybody, a draft for its owners (who
/// preview it as applicants will see it).
fn visible<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    id: &str,
) -> Result<&'s CallEntry, AppError> {
    if let Some(entry) = state.calls.get(id) {
        return Ok(entry);
    }
    viewer
        .login
        .as_ref()
        .and_then(|(user, _)| shenbao_app::actions::publishing::owned(&state.calls, user, id).ok())
        .ok_or(AppError::NotFound)
}

/// `GET /calls/{id}`: everything an applicant needs to know before applying.
pub async fn show_call(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let entry = visible(&state, &viewer, &id)?;
    let def = entry.call.def();
    let deadlines = timeline_rows(entry);
    let receiving = match viewer.login.as_ref().map(|(u, _)| u) {
        Some(user) if user.role == Role::Applicant => {
            receiving_units(&state, entry, user.organisation_id).await?
        }
        _ => Vec::new(),
    };
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
    // In demo mode every date moved together; the page says by how much.
    let demo = (entry.shift_days != 0 || entry.demo_deadline.is_some()).then(|| {
        (
            deadline_text(entry),
            entry.call.applicant_deadline().map_or_else(
                || crate::strings::DEADLINE_UNKNOWN.to_string(),
                |real| real.to_string(),
            ),
        )
    });
    let starts = entry
        .call
        .def()
        .directions
        .iter()
        .flat_map(|d| {
            let choices = entry.call.choices(&d.id);
            if choices.is_empty() {
                vec![(d.id.clone(), d.name.clone())]
            } else {
                choices
                    .iter()
                    .map(|c| {
                        (
                            format!("{}/{}", d.id, c.id()),
                            format!("{} — {}", d.name, c.name()),
                        )
                    })
                    .collect()
            }
        })
        .collect();
    render(CallPage {
        materials: materials(def),
        starts,
        nav: Nav::of(&viewer),
        def,
        open: state.calls.state(&id).takes_applications() && entry.is_open(state.now()),
        shown_state: shown_state(&state, entry, state.now()),
        deadline: deadline_text(entry),
        demo,
        deadlines,
        receiving,
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
    viewer: Viewer,
    Path((id, direction, format)): Path<(String, String, String)>,
    Query(query): Query<BlankQuery>,
) -> Result<Response, AppError> {
    let entry = visible(&state, &viewer, &id)?;
    // A draft's form is its owners' alone: never kept by a shared cache.
    let public = state.calls.get(&id).is_some();
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
        HeaderValue::from_static(if public {
            "public, max-age=3600"
        } else {
            "private, no-store"
        }),
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
