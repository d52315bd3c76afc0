//! The call owner's side (征集单位, the provincial department): the dashboard of a call, the
//! expert pool and conflicts of interest, assignment of experts (by hand and automatic), the
//! ranking of each direction from the experts' submitted scores, selection and publication.
//!
//! Every page needs `Role::Owner` (or `Role::Admin`). An owner account with a region (山东省
//! 工业和信息化厅: `370000`) owns the calls whose area lies within it; one without a region, and
//! an admin, own every call. Another owner's call answers 404. Once a call's results are
//! published, no selection or assignment of it changes.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shenbao_core::call::Call;
use shenbao_core::region;
use shenbao_store::ApplicationStatus;
use shenbao_store::{CountRow, OwnerApplicationRow, Role, UserRow};

use super::Nav;
use super::public::render;
use super::view::{action_error, problem_text};
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::error::AppError;
use crate::guard::Posted;
use crate::scoring::{self, Method, Options, Sheet};
use crate::strings as s;
use shenbao_app::actions::owner::{self, owner_level};
use shenbao_app::actions::{ActionError, Actor, Problem, Refusal};

/// Rows per page of the owner's lists.
pub const PAGE: i64 = 20;
/// Most applications a ranking holds (one direction at the owner level).
const MAX_RANKED: i64 = 100_000;

// ---- shared helpers ----------------------------------------------------------------------

/// The last value of a posted field.
pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A direction's name, or its id when unknown.
pub(crate) fn direction_name(call: &Call, id: &str) -> String {
    call.direction(id)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The name of a division code (`440300` → 深圳市), or the code when unknown.
pub(crate) fn region_name(code: &str) -> String {
    region::full_name(code).unwrap_or_else(|| code.to_string())
}

/// Two decimals.
pub(crate) fn two(v: f64) -> String {
    format!("{v:.2}")
}

/// The logged-in owner (or admin).
fn owner<'v>(viewer: &'v Viewer, here: &str) -> Result<&'v UserRow, AppError> {
    viewer.user_with_role(here, &[Role::Owner, Role::Admin])
}

/// Whether `user` (an owner or admin) owns `call`: see the module documentation and
/// [`shenbao_core::routing::owns_call`].
pub(crate) fn owns(user: &UserRow, call: &Call) -> bool {
    shenbao_core::routing::owns_call(user.role, user.scope_region.as_deref(), call)
}

/// The call `call_id`, if it exists and the logged-in owner owns it.
fn owned_call<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    here: &str,
    call_id: &str,
) -> Result<&'s CallEntry, AppError> {
    let user = owner(viewer, here)?;
    state
        .calls
        .get(call_id)
        .filter(|e| owns(user, e.call))
        .ok_or(AppError::NotFound)
}

/// The owner and the call of a posted form (its CSRF token checked by [`Posted`]).
fn posted<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    call_id: &str,
    here: &str,
) -> Result<(UserRow, &'s CallEntry), AppError> {
    let user = owner(viewer, here)?.clone();
    let entry = owned_call(state, viewer, here, call_id)?;
    Ok((user, entry))
}

/// Refuses a page of changes once the call's results are published (the actions refuse the
/// change itself, inside its transaction).
async fn refuse_if_published(state: &ServerState, call_id: &str) -> Result<(), AppError> {
    if state.store.publication(call_id).await?.is_some() {
        return Err(AppError::Refused(s::OWNER_PUBLISHED_LOCKED.to_string()));
    }
    Ok(())
}

/// A notice at the top of a page and its class (`ok`, `error`).
pub struct Notice {
    text: String,
    class: &'static str,
}

impl Notice {
    fn ok(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            class: "ok",
        })
    }

    fn error(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            class: "error",
        })
    }
}

/// The message query of pages reached by a redirect.
#[derive(Deserialize, Default)]
pub struct MsgQuery {
    msg: Option<String>,
    n: Option<i64>,
}

fn message_for(q: &MsgQuery) -> Option<Notice> {
    let text = match q.msg.as_deref()? {
        "added" => s::OWNER_EXPERT_ADDED.to_string(),
        "already" => s::OWNER_EXPERT_ALREADY.to_string(),
        "removed" => s::OWNER_EXPERT_REMOVED.to_string(),
        "conflict" => s::OWNER_CONFLICT_ADDED.to_string(),
        "unconflict" => s::OWNER_CONFLICT_REMOVED.to_string(),
        "assigned" => s::OWNER_ASSIGNED.to_string(),
        "unassigned" => s::OWNER_UNASSIGNED.to_string(),
        "selected" => format!("{}{}", s::OWNER_SELECTED_N, q.n.unwrap_or(0)),
        "unselected" => s::OWNER_UNSELECTED.to_string(),
        "published" => s::OWNER_PUBLISHED_DONE.to_string(),
        _ => return None,
    };
    Notice::ok(text)
}

// ---- GET /owner ----------------------------------------------------------------------------

/// A call on the owner's list.
pub struct CallRow {
    id: String,
    title: String,
    total: i64,
    at_owner: i64,
    selected: i64,
    published: bool,
}

#[derive(Template)]
#[template(path = "owner/calls.html")]
struct CallsPage {
    nav: Nav,
    calls: Vec<CallRow>,
}

/// `GET /owner`: every call with its counts.
pub async fn list_calls(
    State(state): State<ServerState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let user = owner(&viewer, "/owner")?;
    let mut calls = Vec::new();
    for entry in state.calls.all().iter().filter(|e| owns(user, e.call)) {
        let id = entry.call.id();
        let counts = state.store.owner_counts(id).await?;
        let level = owner_level(entry.call);
        calls.push(CallRow {
            id: id.to_string(),
            title: entry.call.def().title.clone(),
            total: counts
                .iter()
                .filter(|c| c.status != ApplicationStatus::Draft)
                .map(|c| c.count)
                .sum(),
            at_owner: counts
                .iter()
                .filter(|c| c.level.as_deref() == Some(level))
                .map(|c| c.count)
                .sum(),
            selected: counts
                .iter()
                .filter(|c| c.status == ApplicationStatus::Selected)
                .map(|c| c.count)
                .sum(),
            published: state.store.publication(id).await?.is_some(),
        });
    }
    render(CallsPage {
        nav: Nav::of(&viewer),
        calls,
    })
}

// ---- GET /owner/{call} ---------------------------------------------------------------------

/// One line of a count table: a name and counts (all, at the owner level, selected).
pub struct CountLine {
    name: String,
    total: i64,
    at_owner: i64,
    selected: i64,
}

fn count_lines(
    counts: &[CountRow],
    level: &str,
    key: impl Fn(&CountRow) -> String,
) -> Vec<CountLine> {
    let mut by: BTreeMap<String, CountLine> = BTreeMap::new();
    for c in counts
        .iter()
        .filter(|c| c.status != ApplicationStatus::Draft)
    {
        let name = key(c);
        let line = by.entry(name.clone()).or_insert(CountLine {
            name,
            total: 0,
            at_owner: 0,
            selected: 0,
        });
        line.total += c.count;
        if c.level.as_deref() == Some(level) {
            line.at_owner += c.count;
        }
        if c.status == ApplicationStatus::Selected {
            line.selected += c.count;
        }
    }
    by.into_values().collect()
}

#[derive(Template)]
#[template(path = "owner/dashboard.html")]
struct DashboardPage {
    nav: Nav,
    call_id: String,
    title: String,
    notice: Option<Notice>,
    published: bool,
    drafts: i64,
    by_city: Vec<CountLine>,
    by_direction: Vec<CountLine>,
    by_status: Vec<(&'static str, i64)>,
    by_level: Vec<(String, i64)>,
}

/// `GET /owner/{call}`: the call's counts by city, direction, status and level.
pub async fn dashboard(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(&state, &viewer, &format!("/owner/{call_id}"), &call_id)?;
    let call = entry.call;
    let level = owner_level(call);
    let counts = state.store.owner_counts(&call_id).await?;
    let by_city = count_lines(&counts, level, |c| region_name(&c.city));
    let by_direction = count_lines(&counts, level, |c| direction_name(call, &c.direction));
    let mut status: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut levels: BTreeMap<String, i64> = BTreeMap::new();
    for c in &counts {
        *status.entry(c.status.label()).or_default() += c.count;
        if let Some(l) = &c.level {
            let name = call
                .def()
                .review_levels
                .iter()
                .find(|x| &x.id == l)
                .map_or_else(|| l.clone(), |x| x.name.clone());
            *levels.entry(name).or_default() += c.count;
        }
    }
    render(DashboardPage {
        nav: Nav::of(&viewer),
        title: call.def().title.clone(),
        notice: message_for(&q),
        published: state.store.publication(&call_id).await?.is_some(),
        drafts: counts
            .iter()
            .filter(|c| c.status == ApplicationStatus::Draft)
            .map(|c| c.count)
            .sum(),
        call_id,
        by_city,
        by_direction,
        by_status: status.into_iter().collect(),
        by_level: levels.into_iter().collect(),
    })
}

// ---- /owner/{call}/experts -------------------------------------------------------------------

/// An expert of the pool on the page.
pub struct PoolLine {
    user_id: i64,
    username: String,
    display_name: String,
    employer: String,
    assigned: i64,
    submitted: i64,
}

/// A declared conflict on the page.
pub struct ConflictLine {
    user_id: i64,
    expert: String,
    organisation_id: i64,
    organisation: String,
    uscc: String,
    reason: String,
}

/// What the owner typed into the forms, kept when refused.
#[derive(Default)]
pub struct ExpertsInput {
    username: String,
    conflict_expert: String,
    uscc: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "owner/experts.html")]
struct ExpertsPage {
    nav: Nav,
    call_id: String,
    title: String,
    notice: Option<Notice>,
    pool: Vec<PoolLine>,
    conflicts: Vec<ConflictLine>,
    input: ExpertsInput,
}

async fn experts_page_html(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    notice: Option<Notice>,
    input: ExpertsInput,
) -> Result<Html<String>, AppError> {
    let call_id = entry.call.id();
    let pool = state
        .store
        .pool_experts(call_id)
        .await?
        .into_iter()
        .map(|p| PoolLine {
            user_id: p.user_id,
            username: p.username,
            display_name: p.display_name,
            employer: p.organisation_name.unwrap_or_default(),
            assigned: p.assigned,
            submitted: p.submitted,
        })
        .collect();
    let conflicts = state
        .store
        .conflicts(call_id)
        .await?
        .into_iter()
        .map(|c| ConflictLine {
            user_id: c.user_id,
            expert: format!("{}（{}）", c.display_name, c.username),
            organisation_id: c.organisation_id,
            organisation: c.organisation_name,
            uscc: c.uscc,
            reason: c.reason.unwrap_or_default(),
        })
        .collect();
    render(ExpertsPage {
        nav: Nav::of(viewer),
        call_id: call_id.to_string(),
        title: entry.call.def().title.clone(),
        notice,
        pool,
        conflicts,
        input,
    })
}

/// `GET /owner/{call}/experts`: the pool with each expert's load, and the conflicts.
pub async fn experts_page(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(
        &state,
        &viewer,
        &format!("/owner/{call_id}/experts"),
        &call_id,
    )?;
    experts_page_html(
        &state,
        &viewer,
        entry,
        message_for(&q),
        ExpertsInput::default(),
    )
    .await
}

/// `POST /owner/{call}/experts`: `action` = `add` (username), `remove` (user), `conflict`
/// (expert username, organisation USCC or id, reason) or `unconflict` (user, organisation).
pub async fn experts_action(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/experts");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    let get = |name: &str| field(&pairs, name).unwrap_or("").trim().to_string();
    let input = ExpertsInput {
        username: get("username"),
        conflict_expert: get("expert"),
        uscc: get("uscc"),
        reason: get("reason"),
    };
    let refuse = |message: &str, input: ExpertsInput| {
        let message = message.to_string();
        let state = state.clone();
        let viewer = viewer.clone();
        async move {
            let page =
                experts_page_html(&state, &viewer, entry, Notice::error(message), input).await?;
            Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    };
    let done = |msg: &str| Ok(Redirect::to(&format!("{here}?msg={msg}")).into_response());
    let actor = actor(&state, &viewer, &user);
    let (store, calls) = (&state.store, &state.calls);
    let id = |name: &str| get(name).parse::<i64>().map_err(|_| AppError::NotFound);
    let outcome = match get("action").as_str() {
        "add" => owner::add_to_pool(store, calls, actor, &call_id, &input.username)
            .await
            .map(|added| if added { "added" } else { "already" }),
        "remove" => owner::remove_from_pool(store, calls, actor, &call_id, id("user")?)
            .await
            .map(|()| "removed"),
        "conflict" => {
            let organisation = match get("organisation").parse::<i64>() {
                Ok(id) => owner::OrganisationRef::Id(id),
                Err(_) => owner::OrganisationRef::Uscc(input.uscc.clone()),
            };
            owner::declare_conflict(
                store,
                calls,
                actor,
                &call_id,
                &input.conflict_expert,
                &organisation,
                &input.reason,
            )
            .await
            .map(|()| "conflict")
        }
        "unconflict" => {
            let (user_id, org_id) = (id("user")?, id("organisation")?);
            owner::remove_conflict(store, calls, actor, &call_id, user_id, org_id)
                .await
                .map(|()| "unconflict")
        }
        _ => return Err(AppError::NotFound),
    };
    match outcome {
        Ok(msg) => done(msg),
        Err(ActionError::Incomplete(problems)) => refuse(first_problem(problems), input).await,
        Err(error) => Err(action_error(Some(entry), error)),
    }
}

// ---- /owner/{call}/assignments ---------------------------------------------------------------

/// An expert on an application, on the assignments page.
pub struct ExpertOnApp {
    assignment_id: i64,
    name: String,
    submitted: bool,
}

/// An application at the owner level with its experts.
pub struct AssignmentLine {
    id: i64,
    title: String,
    organisation: String,
    direction: String,
    status: &'static str,
    experts: Vec<ExpertOnApp>,
}

/// Query of the assignments page: direction filter, page key `submitted_at.id`, message.
#[derive(Deserialize, Default)]
pub struct AssignmentsQuery {
    direction: Option<String>,
    after: Option<String>,
    msg: Option<String>,
}

/// What the owner typed into the assignment forms, kept when refused.
#[derive(Default)]
pub struct AssignInput {
    application: String,
    username: String,
    per_application: String,
    direction: String,
}

#[derive(Template)]
#[template(path = "owner/assignments.html")]
struct AssignmentsPage {
    nav: Nav,
    call_id: String,
    title: String,
    notice: Option<Notice>,
    directions: Vec<(String, String)>,
    filter: String,
    rows: Vec<AssignmentLine>,
    next: Option<String>,
    published: bool,
    input: AssignInput,
}

fn parse_key(after: Option<&str>) -> Option<(i64, i64)> {
    let (at, id) = after?.split_once('.')?;
    Some((at.parse().ok()?, id.parse().ok()?))
}

async fn assignments_page_html(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    q: &AssignmentsQuery,
    notice: Option<Notice>,
    input: AssignInput,
) -> Result<Html<String>, AppError> {
    let call = entry.call;
    let filter = q
        .direction
        .clone()
        .filter(|d| call.direction(d).is_some())
        .unwrap_or_default();
    let apps = state
        .store
        .owner_applications(
            call.id(),
            owner_level(call),
            Some(filter.as_str()).filter(|d| !d.is_empty()),
            parse_key(q.after.as_deref()),
            PAGE + 1,
        )
        .await?;
    let more = apps.len() as i64 > PAGE;
    let apps: Vec<OwnerApplicationRow> = apps.into_iter().take(PAGE as usize).collect();
    let ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
    let mut experts: BTreeMap<i64, Vec<ExpertOnApp>> = BTreeMap::new();
    for e in state.store.experts_of_applications(&ids).await? {
        experts
            .entry(e.application_id)
            .or_default()
            .push(ExpertOnApp {
                assignment_id: e.id,
                name: format!("{}（{}）", e.display_name, e.username),
                submitted: e.submitted_at.is_some(),
            });
    }
    let next = more
        .then(|| apps.last().map(|a| format!("{}.{}", a.submitted_at, a.id)))
        .flatten();
    let rows = apps
        .into_iter()
        .map(|a| AssignmentLine {
            id: a.id,
            title: a.title.unwrap_or_default(),
            organisation: a.organisation_name,
            direction: direction_name(call, &a.direction),
            status: a.status.label(),
            experts: experts.remove(&a.id).unwrap_or_default(),
        })
        .collect();
    render(AssignmentsPage {
        nav: Nav::of(viewer),
        call_id: call.id().to_string(),
        title: call.def().title.clone(),
        notice,
        directions: call
            .def()
            .directions
            .iter()
            .map(|d| (d.id.clone(), d.name.clone()))
            .collect(),
        filter,
        rows,
        next,
        published: state.store.publication(call.id()).await?.is_some(),
        input,
    })
}

/// `GET /owner/{call}/assignments`: the applications at the owner level, twenty a page, with
/// their experts and whether each has submitted.
pub async fn assignments_page(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(q): Query<AssignmentsQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(
        &state,
        &viewer,
        &format!("/owner/{call_id}/assignments"),
        &call_id,
    )?;
    let notice = message_for(&MsgQuery {
        msg: q.msg.clone(),
        n: None,
    });
    assignments_page_html(&state, &viewer, entry, &q, notice, AssignInput::default()).await
}

async fn refuse_assignment(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    message: &str,
    input: AssignInput,
) -> Result<Response, AppError> {
    let page = assignments_page_html(
        state,
        viewer,
        entry,
        &AssignmentsQuery::default(),
        Notice::error(message),
        input,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /owner/{call}/assignments/assign`: one expert (by user name, from the pool) to one
/// application at the owner level.
pub async fn assign(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/assignments");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    let input = AssignInput {
        application: field(&pairs, "application")
            .unwrap_or("")
            .trim()
            .to_string(),
        username: field(&pairs, "username").unwrap_or("").trim().to_string(),
        ..AssignInput::default()
    };
    let assigned = owner::assign(
        &state.store,
        &state.calls,
        actor(&state, &viewer, &user),
        &call_id,
        input.application.parse().ok(),
        &input.username,
    )
    .await;
    match assigned {
        Ok(done) => {
            crate::notices::deliver(&state, &done.outbox).await;
            Ok(Redirect::to(&format!("{here}?msg=assigned")).into_response())
        }
        Err(ActionError::Incomplete(problems)) => {
            let message = first_problem(problems);
            refuse_assignment(&state, &viewer, entry, message, input).await
        }
        Err(error) => Err(action_error(Some(entry), error)),
    }
}

/// The first problem's words.
fn first_problem(problems: Vec<Problem>) -> &'static str {
    problems
        .into_iter()
        .find_map(problem_text)
        .unwrap_or(s::OWNER_ASSIGN_REFUSED)
}

/// The owner as the actor of an action.
fn actor<'v>(state: &ServerState, viewer: &'v Viewer, user: &'v UserRow) -> Actor<'v> {
    Actor {
        user,
        ip: viewer.ip.as_deref(),
        now: state.now(),
    }
}

/// `POST /owner/{call}/assignments/unassign`: removes an assignment not yet submitted.
pub async fn unassign(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/assignments");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    let id: i64 = field(&pairs, "assignment")
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::NotFound)?;
    let actor = actor(&state, &viewer, &user);
    match owner::unassign(&state.store, &state.calls, actor, &call_id, id).await {
        Ok(()) => Ok(Redirect::to(&format!("{here}?msg=unassigned")).into_response()),
        Err(ActionError::Incomplete(problems)) => {
            let message = first_problem(problems);
            refuse_assignment(&state, &viewer, entry, message, AssignInput::default()).await
        }
        Err(error) => Err(action_error(Some(entry), error)),
    }
}

/// An application automatic assignment could not fill.
pub struct Unfilled {
    id: i64,
    title: String,
    have: usize,
}

#[derive(Template)]
#[template(path = "owner/auto_result.html")]
struct AutoResultPage {
    nav: Nav,
    call_id: String,
    title: String,
    per_application: usize,
    assigned: u64,
    unfilled: Vec<Unfilled>,
}

/// `POST /owner/{call}/assignments/auto`: gives every application at the owner level (of one
/// direction, when chosen) N experts, balancing load; shows what was done and what could
/// not be filled.
pub async fn auto_assign(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/assignments");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    let input = AssignInput {
        per_application: field(&pairs, "per_application")
            .unwrap_or("")
            .trim()
            .to_string(),
        direction: field(&pairs, "direction").unwrap_or("").to_string(),
        ..AssignInput::default()
    };
    // Not a number: out of range (0), refused by the action with the same words.
    let n = input.per_application.parse::<usize>().unwrap_or(0);
    let direction = Some(input.direction.as_str()).filter(|d| !d.is_empty());
    let actor = actor(&state, &viewer, &user);
    let done =
        match owner::auto_assign(&state.store, &state.calls, actor, &call_id, n, direction).await {
            Ok(done) => done,
            Err(ActionError::Incomplete(problems)) => {
                let message = first_problem(problems);
                return refuse_assignment(&state, &viewer, entry, message, input).await;
            }
            Err(error) => return Err(action_error(Some(entry), error)),
        };
    crate::notices::deliver(&state, &done.outbox).await;
    let outcome = done.value;
    let mut unfilled = Vec::new();
    for (id, have) in &outcome.unfilled {
        let title = state
            .store
            .application(*id)
            .await?
            .and_then(|a| a.title)
            .unwrap_or_default();
        unfilled.push(Unfilled {
            id: *id,
            title,
            have: *have,
        });
    }
    Ok(render(AutoResultPage {
        nav: Nav::of(&viewer),
        call_id,
        title: entry.call.def().title.clone(),
        per_application: n,
        assigned: outcome.assigned,
        unfilled,
    })?
    .into_response())
}

// ---- /owner/{call}/ranking -------------------------------------------------------------------

/// Query of the ranking page (also posted back by its forms).
#[derive(Deserialize, Default, Clone)]
pub struct RankingQuery {
    direction: Option<String>,
    method: Option<String>,
    normalise: Option<String>,
    msg: Option<String>,
    n: Option<i64>,
}

impl RankingQuery {
    fn from_pairs(pairs: &[(String, String)]) -> RankingQuery {
        RankingQuery {
            direction: field(pairs, "direction").map(str::to_string),
            method: field(pairs, "method").map(str::to_string),
            normalise: field(pairs, "normalise").map(str::to_string),
            msg: None,
            n: None,
        }
    }

    fn options(&self) -> Options {
        Options {
            method: match self.method.as_deref() {
                Some("trimmed") => Method::TrimmedMean,
                _ => Method::Mean,
            },
            normalise: self.normalise.as_deref() == Some("1"),
        }
    }

    /// The direction asked for, or the call's first one.
    fn direction<'c>(&self, call: &'c Call) -> Option<&'c str> {
        let dirs = &call.def().directions;
        self.direction
            .as_deref()
            .and_then(|d| dirs.iter().find(|x| x.id == d))
            .or_else(|| dirs.first())
            .map(|d| d.id.as_str())
    }

    fn query_string(&self, direction: &str) -> String {
        let o = self.options();
        format!(
            "direction={direction}&method={}&normalise={}",
            if o.method == Method::TrimmedMean {
                "trimmed"
            } else {
                "mean"
            },
            if o.normalise { "1" } else { "0" }
        )
    }
}

/// A line of the ranking.
pub struct RankLine {
    id: i64,
    rank: Option<u32>,
    tied: bool,
    title: String,
    organisation: String,
    region: String,
    totals: Vec<(String, String)>,
    mean: String,
    trimmed: String,
    z: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "owner/ranking.html")]
struct RankingPage {
    nav: Nav,
    call_id: String,
    title: String,
    notice: Option<Notice>,
    directions: Vec<(String, String)>,
    direction: String,
    trimmed: bool,
    normalise: bool,
    criteria: Vec<(String, String, String)>,
    lines: Vec<RankLine>,
    published: bool,
    cutoff: String,
}

/// The applications of a direction at the owner level with their ranking.
async fn ranking(
    state: &ServerState,
    call: &Call,
    direction: &str,
    options: Options,
) -> Result<(Vec<OwnerApplicationRow>, Vec<scoring::Ranked>), AppError> {
    let apps = state
        .store
        .owner_applications(
            call.id(),
            owner_level(call),
            Some(direction),
            None,
            MAX_RANKED,
        )
        .await?;
    let present: BTreeSet<i64> = apps.iter().map(|a| a.id).collect();
    let sheets: Vec<Sheet> = state
        .store
        .submitted_sheets(call.id(), direction)
        .await?
        .into_iter()
        .filter(|a| present.contains(&a.application_id))
        .map(|a| Sheet {
            application_id: a.application_id,
            expert_id: a.expert_id,
            scores: a
                .scores
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default(),
        })
        .collect();
    let ranked = scoring::rank(call, direction, &sheets, options);
    Ok((apps, ranked))
}

async fn ranking_page_html(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    q: &RankingQuery,
    notice: Option<Notice>,
    cutoff: String,
) -> Result<Html<String>, AppError> {
    let call = entry.call;
    let direction = q.direction(call).ok_or(AppError::NotFound)?.to_string();
    let options = q.options();
    let (apps, ranked) = ranking(state, call, &direction, options).await?;
    let names: BTreeMap<i64, String> = state
        .store
        .pool_experts(call.id())
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.display_name))
        .collect();
    let mut by_id: BTreeMap<i64, OwnerApplicationRow> =
        apps.into_iter().map(|a| (a.id, a)).collect();
    let mut lines = Vec::new();
    let line = |a: OwnerApplicationRow, r: Option<&scoring::Ranked>| RankLine {
        id: a.id,
        rank: r.map(|r| r.rank),
        tied: r.is_some_and(|r| r.tied),
        title: a.title.unwrap_or_default(),
        organisation: a.organisation_name,
        region: region_name(&a.region),
        totals: r
            .map(|r| {
                r.expert_totals
                    .iter()
                    .map(|(e, t)| {
                        (
                            names.get(e).cloned().unwrap_or_else(|| format!("#{e}")),
                            two(*t),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        mean: r.map(|r| two(r.mean)).unwrap_or_default(),
        trimmed: r.map(|r| two(r.trimmed_mean)).unwrap_or_default(),
        z: r.and_then(|r| r.normalised)
            .map(|z| format!("{z:.3}"))
            .unwrap_or_default(),
        selected: a.status == ApplicationStatus::Selected,
    };
    for r in &ranked {
        if let Some(a) = by_id.remove(&r.application_id) {
            lines.push(line(a, Some(r)));
        }
    }
    for a in by_id.into_values() {
        lines.push(line(a, None));
    }
    render(RankingPage {
        nav: Nav::of(viewer),
        call_id: call.id().to_string(),
        title: call.def().title.clone(),
        notice,
        directions: call
            .def()
            .directions
            .iter()
            .map(|d| (d.id.clone(), d.name.clone()))
            .collect(),
        trimmed: options.method == Method::TrimmedMean,
        normalise: options.normalise,
        criteria: scoring::criteria_for(call, &direction)
            .into_iter()
            .map(|c| {
                (
                    c.name.clone(),
                    scoring::trim_number(c.weight),
                    scoring::trim_number(c.max_score),
                )
            })
            .collect(),
        direction,
        lines,
        published: state.store.publication(call.id()).await?.is_some(),
        cutoff,
    })
}

/// `GET /owner/{call}/ranking?direction=&method=mean|trimmed&normalise=1`.
pub async fn ranking_page(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(q): Query<RankingQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(
        &state,
        &viewer,
        &format!("/owner/{call_id}/ranking"),
        &call_id,
    )?;
    let notice = message_for(&MsgQuery {
        msg: q.msg.clone(),
        n: q.n,
    });
    ranking_page_html(&state, &viewer, entry, &q, notice, String::new()).await
}

/// `POST /owner/{call}/ranking/select`: the ticked applications, or every application ranked
/// at or above the cut-off rank, in one transaction.
pub async fn select(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/ranking");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    refuse_if_published(&state, &call_id).await?;
    let q = RankingQuery::from_pairs(&pairs);
    let direction = q
        .direction(entry.call)
        .ok_or(AppError::NotFound)?
        .to_string();
    let (apps, ranked) = ranking(&state, entry.call, &direction, q.options()).await?;
    let cutoff = field(&pairs, "cutoff").unwrap_or("").trim().to_string();
    let refuse = |message: &'static str, cutoff: String| {
        let state = state.clone();
        let viewer = viewer.clone();
        let q = q.clone();
        async move {
            let page =
                ranking_page_html(&state, &viewer, entry, &q, Notice::error(message), cutoff)
                    .await?;
            Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    };
    let ids: Vec<i64> = if cutoff.is_empty() {
        let present: BTreeSet<i64> = apps.iter().map(|a| a.id).collect();
        let ticked: Vec<i64> = pairs
            .iter()
            .filter(|(k, _)| k == "id")
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
        if ticked.iter().any(|id| !present.contains(id)) {
            return Err(AppError::NotFound);
        }
        ticked
    } else {
        match cutoff.parse::<u32>() {
            Ok(c) if c >= 1 => ranked
                .iter()
                .filter(|r| r.rank <= c)
                .map(|r| r.application_id)
                .collect(),
            _ => return refuse(s::OWNER_CUTOFF_BAD, cutoff).await,
        }
    };
    let changed = match owner::select(
        &state.store,
        &state.calls,
        actor(&state, &viewer, &user),
        &call_id,
        &ids,
    )
    .await
    {
        Ok(changed) => changed,
        Err(ActionError::Incomplete(_)) => return refuse(s::OWNER_SELECT_NONE, cutoff).await,
        Err(ActionError::Refused(Refusal::SelectionStale)) => {
            return refuse(s::OWNER_SELECT_STALE, cutoff).await;
        }
        Err(error) => return Err(action_error(Some(entry), error)),
    };
    Ok(Redirect::to(&format!(
        "{here}?{}&msg=selected&n={}",
        q.query_string(&direction),
        changed.len()
    ))
    .into_response())
}

/// `POST /owner/{call}/ranking/unselect`: undoes one selection.
pub async fn unselect(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/ranking");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    let q = RankingQuery::from_pairs(&pairs);
    let direction = q
        .direction(entry.call)
        .ok_or(AppError::NotFound)?
        .to_string();
    let id: i64 = field(&pairs, "id")
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::NotFound)?;
    owner::unselect(
        &state.store,
        &state.calls,
        actor(&state, &viewer, &user),
        &call_id,
        id,
    )
    .await
    .map_err(|e| action_error(Some(entry), e))?;
    Ok(Redirect::to(&format!(
        "{here}?{}&msg=unselected",
        q.query_string(&direction)
    ))
    .into_response())
}

// ---- /owner/{call}/publish -----------------------------------------------------------------

/// A selected application on the confirmation page.
pub struct SelectedLine {
    title: String,
    organisation: String,
    direction: String,
}

#[derive(Template)]
#[template(path = "owner/publish.html")]
struct PublishPage {
    nav: Nav,
    call_id: String,
    title: String,
    error: Option<&'static str>,
    selected: Vec<SelectedLine>,
    more: bool,
}

async fn publish_page_html(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    error: Option<&'static str>,
) -> Result<Html<String>, AppError> {
    let call = entry.call;
    let rows = state
        .store
        .selected_applications(call.id(), None, PAGE + 1)
        .await?;
    let more = rows.len() as i64 > PAGE;
    render(PublishPage {
        nav: Nav::of(viewer),
        call_id: call.id().to_string(),
        title: call.def().title.clone(),
        error,
        selected: rows
            .into_iter()
            .take(PAGE as usize)
            .map(|r| SelectedLine {
                title: r.title.unwrap_or_default(),
                organisation: r.organisation_name,
                direction: direction_name(call, &r.direction),
            })
            .collect(),
        more,
    })
}

/// `GET /owner/{call}/publish`: what will be published, and the confirmation.
pub async fn publish_form(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(
        &state,
        &viewer,
        &format!("/owner/{call_id}/publish"),
        &call_id,
    )?;
    refuse_if_published(&state, &call_id).await?;
    publish_page_html(&state, &viewer, entry, None).await
}

/// `POST /owner/{call}/publish`: publishes the selected applications once confirmed.
pub async fn publish(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/publish");
    let (user, entry) = posted(&state, &viewer, &call_id, &here)?;
    let confirmed = field(&pairs, "confirm") == Some("1");
    let actor = actor(&state, &viewer, &user);
    match owner::publish(&state.store, &state.calls, actor, &call_id, confirmed).await {
        Ok(done) => {
            crate::notices::deliver(&state, &done.outbox).await;
            Ok(Redirect::to(&format!("/owner/{call_id}?msg=published")).into_response())
        }
        Err(ActionError::Incomplete(_)) => {
            let needed = Some(s::OWNER_PUBLISH_CONFIRM_NEEDED);
            let page = publish_page_html(&state, &viewer, entry, needed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(action_error(Some(entry), error)),
    }
}
