//! The expert's side (评审专家): their assignments across calls, each application read-only
//! as submitted with its files, the score sheet of the direction's criteria (a draft, then a
//! confirmed submission that freezes it), and withdrawal for a conflict of interest (回避).
//!
//! An expert sees only their own assignments (any other id answers 404) and never another
//! expert's scores.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value as Json, json};
use shenbao_core::call::Target;
use shenbao_store::{ApplicationRow, AssignmentRow, UserRow};

use super::Nav;
use super::owner::{PAGE, direction_name, field};
use super::public::render;
use super::view::action_error;
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::error::AppError;
use crate::guard::{Experts, Fields, Posted, SignedIn};
use crate::scoring::{self, trim_number};
use crate::strings as s;
use shenbao_app::actions::expert::{self, Sheet};
use shenbao_app::actions::{ActionError, Refusal};

/// Longest comment kept, in characters.
const MAX_COMMENT: usize = 2_000;

fn status_of(saved_at: Option<i64>, submitted_at: Option<i64>) -> &'static str {
    match (saved_at, submitted_at) {
        (_, Some(_)) => s::EXPERT_STATUS_SUBMITTED,
        (Some(_), None) => s::EXPERT_STATUS_SAVED,
        (None, None) => s::EXPERT_STATUS_TODO,
    }
}

// ---- GET /expert -----------------------------------------------------------------------------

/// A line of the expert's list.
pub struct QueueLine {
    id: i64,
    call_title: String,
    direction: String,
    title: String,
    status: &'static str,
    submitted: bool,
}

#[derive(Template)]
#[template(path = "expert/list.html")]
struct ListPage {
    nav: Nav,
    notice: Option<&'static str>,
    rows: Vec<QueueLine>,
    next: Option<i64>,
}

/// Query of the list: page key and a message.
#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<i64>,
    msg: Option<String>,
}

/// `GET /expert`: the expert's assignments across calls, twenty a page.
pub async fn list_assignments(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Experts>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let rows = state.store.expert_queue(user.id, q.after, PAGE + 1).await?;
    let next = (rows.len() as i64 > PAGE)
        .then(|| rows.get(PAGE as usize - 1).map(|r| r.id))
        .flatten();
    let rows = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|r| {
            let entry = state.calls.get(&r.call_id);
            QueueLine {
                id: r.id,
                call_title: entry
                    .map(|e| e.call.def().title.clone())
                    .unwrap_or_else(|| r.call_id.clone()),
                direction: entry
                    .map(|e| direction_name(e.call, &r.direction))
                    .unwrap_or_else(|| r.direction.clone()),
                title: r.title.unwrap_or_default(),
                status: status_of(r.saved_at, r.submitted_at),
                submitted: r.submitted_at.is_some(),
            }
        })
        .collect();
    render(ListPage {
        nav: Nav::of(&viewer),
        notice: (q.msg.as_deref() == Some("recused")).then_some(s::EXPERT_RECUSED),
        rows,
        next,
    })
}

// ---- the assignment ----------------------------------------------------------------------------

/// The assignment, its application and call, after the check that it is the viewer's.
struct Mine<'a> {
    user: UserRow,
    assignment: AssignmentRow,
    app: ApplicationRow,
    entry: &'a CallEntry,
    /// The call's results are published: the sheet is frozen whatever its state.
    published: bool,
}

async fn mine<'s>(state: &'s ServerState, user: &UserRow, id: i64) -> Result<Mine<'s>, AppError> {
    let assignment = state
        .store
        .assignment(id)
        .await?
        .filter(|a| a.expert_id == user.id)
        .ok_or(AppError::NotFound)?;
    let app = state
        .store
        .application(assignment.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = state.calls.of(&app).ok_or(AppError::NotFound)?;
    let published = state.store.publication(&app.call_id).await?.is_some();
    Ok(Mine {
        user: user.clone(),
        assignment,
        app,
        entry,
        published,
    })
}

/// A criterion with what the expert entered.
pub struct CriterionLine {
    id: String,
    name: String,
    description: String,
    weight: String,
    max: String,
    value: String,
    comment: String,
    error: String,
}

/// A file of the submission.
pub struct FileLine {
    id: i64,
    slot: String,
    name: String,
}

#[derive(Template)]
#[template(path = "expert/assignment.html")]
struct AssignmentPage {
    nav: Nav,
    id: i64,
    call_title: String,
    direction: String,
    title: String,
    organisation: String,
    status: &'static str,
    submitted: bool,
    /// No sheet to fill in: submitted, or the results are published.
    frozen: bool,
    notice: Option<(String, &'static str)>,
    form_html: String,
    files: Vec<FileLine>,
    criteria: Vec<CriterionLine>,
    /// The weights are the owner's (no criterion cites the notice): the sheet says so.
    owner_weights: bool,
    overall: String,
    total: Option<String>,
}

/// What the sheet shows: saved values, or the values just posted with their problems.
struct SheetInput {
    values: BTreeMap<String, String>,
    comments: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
}

impl SheetInput {
    fn saved(a: &AssignmentRow) -> SheetInput {
        let scores: Map<String, Json> = a
            .scores
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let comments: Map<String, Json> = a
            .comments
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        SheetInput {
            values: scores
                .into_iter()
                .filter_map(|(k, v)| Some((k, trim_number(v.as_f64()?))))
                .collect(),
            comments: comments
                .into_iter()
                .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
                .collect(),
            errors: BTreeMap::new(),
        }
    }
}

async fn assignment_page(
    state: &ServerState,
    viewer: &Viewer,
    m: &Mine<'_>,
    input: SheetInput,
    notice: Option<(String, &'static str)>,
) -> Result<Html<String>, AppError> {
    let call = m.entry.call;
    let target = Target {
        direction: &m.app.direction,
        subdirection: m.app.subdirection.as_deref(),
    };
    let snapshot = state.store.latest_snapshot(m.app.id).await?;
    let answers: Json = snapshot
        .as_ref()
        .and_then(|s| serde_json::from_str(&s.answers).ok())
        .unwrap_or_else(|| json!({}));
    let form_html = crate::form::render_plain(call, &target, &answers, false);
    let files = snapshot
        .as_ref()
        .map(|s| shenbao_app::snapshot::files(&s.files))
        .unwrap_or_default()
        .iter()
        .map(|f| FileLine {
            id: f.id,
            slot: call
                .files_for(&m.app.direction)
                .find(|(slot, _)| slot.id == f.slot)
                .map(|(slot, _)| slot.label.clone())
                .unwrap_or_default(),
            name: f.display_name(),
        })
        .collect();
    let criteria = scoring::criteria_for(call, &m.app.direction);
    let submitted = m.assignment.submitted_at.is_some();
    let total = submitted.then(|| {
        let scores: BTreeMap<String, f64> = m
            .assignment
            .scores
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        super::owner::two(scoring::weighted_total(&criteria, &scores))
    });
    let lines = criteria
        .iter()
        .map(|c| CriterionLine {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone().unwrap_or_default(),
            weight: trim_number(c.weight),
            max: trim_number(c.max_score),
            value: input.values.get(&c.id).cloned().unwrap_or_default(),
            comment: input.comments.get(&c.id).cloned().unwrap_or_default(),
            error: input.errors.get(&c.id).cloned().unwrap_or_default(),
        })
        .collect();
    let organisation = state
        .store
        .organisation(m.app.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    render(AssignmentPage {
        nav: Nav::of(viewer),
        id: m.assignment.id,
        call_title: call.def().title.clone(),
        direction: direction_name(call, &m.app.direction),
        title: m.app.title.clone().unwrap_or_default(),
        organisation,
        status: status_of(m.assignment.saved_at, m.assignment.submitted_at),
        submitted,
        frozen: submitted || m.published,
        notice,
        form_html,
        files,
        criteria: lines,
        owner_weights: scoring::criteria_for(call, &m.app.direction)
            .iter()
            .any(|c| c.source.is_none()),
        overall: input.comments.get("").cloned().unwrap_or_default(),
        total,
    })
}

/// Query of the assignment page: a message after a save.
#[derive(Deserialize)]
pub struct MsgQuery {
    msg: Option<String>,
}

/// `GET /expert/assignments/{id}`: the application as submitted, its files, and the sheet.
pub async fn show_assignment(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Experts>,
    Path(id): Path<i64>,
    Query(q): Query<MsgQuery>,
) -> Result<Html<String>, AppError> {
    let m = mine(&state, &user, id).await?;
    let notice = match q.msg.as_deref() {
        Some("saved") => Some((s::EXPERT_SAVED.to_string(), "ok")),
        Some("submitted") => Some((s::EXPERT_SUBMITTED.to_string(), "ok")),
        _ if m.published => Some((s::EXPERT_PUBLISHED_LOCKED.to_string(), "ok")),
        _ if m.assignment.submitted_at.is_some() => Some((s::EXPERT_READONLY.to_string(), "ok")),
        _ => None,
    };
    let input = SheetInput::saved(&m.assignment);
    assignment_page(&state, &viewer, &m, input, notice).await
}

/// `POST /expert/assignments/{id}`: saves the sheet as a draft (`action=save`) or submits it
/// (`action=submit`, with `confirm=1`). A refused sheet changes nothing and comes back with
/// what was typed and why. Refused once the scores are submitted or the call's results are
/// published (the store refuses the latter too, inside its transaction).
pub async fn save_assignment(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Experts>,
) -> Result<Response, AppError> {
    let here = format!("/expert/assignments/{id}");
    let m = mine(&state, &user, id).await?;
    if m.published {
        return Err(AppError::Refused(s::EXPERT_PUBLISHED_LOCKED.to_string()));
    }
    if m.assignment.submitted_at.is_some() {
        return Err(AppError::Refused(s::EXPERT_READONLY.to_string()));
    }
    let submit = field(&pairs, "action") == Some("submit");
    let criteria = scoring::criteria_for(m.entry.call, &m.app.direction);

    let mut input = SheetInput {
        values: BTreeMap::new(),
        comments: BTreeMap::new(),
        errors: BTreeMap::new(),
    };
    let mut scores: BTreeMap<String, f64> = BTreeMap::new();
    for c in &criteria {
        let raw = field(&pairs, &format!("score.{}", c.id))
            .unwrap_or("")
            .trim()
            .to_string();
        let comment: String = field(&pairs, &format!("comment.{}", c.id))
            .unwrap_or("")
            .trim()
            .chars()
            .take(MAX_COMMENT)
            .collect();
        if !comment.is_empty() {
            input.comments.insert(c.id.clone(), comment);
        }
        if !raw.is_empty() {
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    scores.insert(c.id.clone(), v);
                }
                _ => {
                    input.errors.insert(
                        c.id.clone(),
                        format!("{}：{}", c.name, s::EXPERT_SCORE_NOT_NUMBER),
                    );
                }
            }
            input.values.insert(c.id.clone(), raw);
        }
    }
    let overall: String = field(&pairs, "comment")
        .unwrap_or("")
        .trim()
        .chars()
        .take(MAX_COMMENT)
        .collect();
    if !overall.is_empty() {
        input.comments.insert(String::new(), overall);
    }
    for p in scoring::check_scores(&criteria, &scores) {
        // A draft may leave criteria empty; a submission may not.
        let missing = !scores.contains_key(&p.criterion);
        if (submit || !missing) && !input.errors.contains_key(&p.criterion) {
            input.errors.insert(p.criterion, p.message);
        }
    }
    let mut problem = (!input.errors.is_empty()).then_some(s::EXPERT_SHEET_REFUSED);
    if problem.is_none() && submit && field(&pairs, "confirm") != Some("1") {
        problem = Some(s::EXPERT_CONFIRM_NEEDED);
    }
    if let Some(message) = problem {
        let text = std::iter::once(message.to_string())
            .chain(input.errors.values().cloned())
            .collect::<Vec<_>>()
            .join("；");
        let page = assignment_page(&state, &viewer, &m, input, Some((text, "error"))).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let sheet = Sheet {
        scores,
        comments: input.comments,
    };
    let actor = viewer.actor(&m.user, state.now());
    expert::save_scores(&state.store, &state.calls, actor, id, &sheet, submit)
        .await
        .map_err(|e| match e {
            ActionError::Refused(Refusal::Published) => {
                AppError::Refused(s::EXPERT_PUBLISHED_LOCKED.to_string())
            }
            other => action_error(Some(m.entry), other),
        })?;
    let msg = if submit { "submitted" } else { "saved" };
    Ok(Redirect::to(&format!("{here}?msg={msg}")).into_response())
}

/// `GET /expert/assignments/{id}/files/{file}`: a file of the submission, to the assigned
/// expert only.
pub async fn download_file(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Experts>,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let m = mine(&state, &user, id).await?;
    let a = state
        .store
        .attachment(file_id)
        .await?
        .filter(|a| a.application_id == m.app.id)
        .ok_or(AppError::NotFound)?;
    crate::documents::send_attachment(&state, &a).await
}

/// `GET /expert/assignments/{id}/form/{format}`: the submitted application form, to the
/// assigned expert only.
pub async fn download_form(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Experts>,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let m = mine(&state, &user, id).await?;
    let format = crate::documents::Format::parse(&format)?;
    crate::documents::application_download(
        &state,
        m.entry.call,
        &m.app,
        shenbao_app::exports::Version::Submitted,
        format,
    )
    .await
}

/// `POST /expert/assignments/{id}/recuse`: the expert declares a conflict of interest with
/// the applicant (reason required); the assignment goes, if not yet submitted and the call's
/// results are not published.
pub async fn recuse(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Experts>,
) -> Result<Response, AppError> {
    let m = mine(&state, &user, id).await?;
    if m.published {
        return Err(AppError::Refused(s::EXPERT_RECUSE_PUBLISHED.to_string()));
    }
    let reason: String = field(&pairs, "reason")
        .unwrap_or("")
        .trim()
        .chars()
        .take(MAX_COMMENT)
        .collect();
    if reason.is_empty() {
        let page = assignment_page(
            &state,
            &viewer,
            &m,
            SheetInput::saved(&m.assignment),
            Some((s::EXPERT_RECUSE_REASON_NEEDED.to_string(), "error")),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let actor = viewer.actor(&m.user, state.now());
    expert::recuse(&state.store, actor, id, &reason)
        .await
        .map_err(|e| match e {
            ActionError::Refused(Refusal::Published) => {
                AppError::Refused(s::EXPERT_RECUSE_PUBLISHED.to_string())
            }
            other => action_error(Some(m.entry), other),
        })?;
    Ok(Redirect::to("/expert?msg=recused").into_response())
}
