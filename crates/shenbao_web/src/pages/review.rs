//! The bureaus' side of review: each reviewing unit's queue, the review page with the whole
//! submitted form, the decision (return for revision, not recommended, recommended with the
//! call's opinion block), the ranking (择优排序) and forwarding to the next level.
//!
//! A bureau account acts for one unit at one level of a call, found by
//! [`routing::bureau_levels`] from its region or sector. Every action re-checks on the server
//! that the application is at that unit now, that the unit has not forwarded the direction (the
//! store's guards) and that the level's deadline has not passed. Applications of other units
//! answer 404, so ids cannot be probed. Call owners may open any routed application read-only.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value as Json, json};
use shenbao_app::snapshot::{self, SnapshotFile};
use shenbao_core::call::Target;
use shenbao_core::call::definition::LevelScope;
use shenbao_core::form::{self, Application, Severity};
use shenbao_core::routing;
use shenbao_store::ApplicationStatus;
use shenbao_store::{ApplicationRow, QueueQuery, QueueSort, Role, UnitRef};

use super::Nav;
use super::public::render;
use super::view::{action_error, event_label, fmt_time, problem_text, status_label, unit_label};
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::documents::send_attachment;
use crate::documents::{Format, FormatQuery, application_download};
use crate::error::AppError;
use crate::form::FormView;
use crate::guard::Posted;
use crate::strings as s;
use shenbao_app::actions::review::{self, Desk, Verdict};
use shenbao_app::actions::{ActionError, Actor};
use shenbao_app::exports::{Version, profile_json};

/// Rows per queue page.
const PAGE: i64 = 20;

/// The bureau account's unit for call `call_id`; 404 when it reviews nothing there.
fn desk<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    call_id: &str,
    here: &str,
) -> Result<Desk<'s>, AppError> {
    let user = viewer.user_with_role(here, &[Role::Bureau])?;
    Desk::of(&state.calls, user, call_id).ok_or(AppError::NotFound)
}

/// How the desk's unit is named on pages.
fn desk_label(desk: &Desk<'_>) -> String {
    unit_label(desk.level, &desk.unit)
}

/// The viewer (a bureau account, checked by [`desk`]) as the actor of an action.
fn actor<'v>(state: &ServerState, viewer: &'v Viewer, here: &str) -> Result<Actor<'v>, AppError> {
    Ok(Actor {
        user: viewer.user_with_role(here, &[Role::Bureau])?,
        ip: viewer.ip.as_deref(),
        now: state.now(),
    })
}

fn direction_name(entry: &CallEntry, id: &str) -> String {
    entry
        .call
        .direction(id)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn level_name(entry: &CallEntry, id: &str) -> String {
    entry
        .call
        .def()
        .review_levels
        .iter()
        .find(|l| l.id == id)
        .map(|l| l.name.clone())
        .unwrap_or_else(|| id.to_string())
}

// ---- the list of calls -------------------------------------------------------------------

/// A call on the bureau's index.
pub struct DeskCall {
    id: String,
    title: String,
    level: String,
    unit: String,
    deadline: String,
    counts: Vec<(&'static str, i64)>,
}

#[derive(Template)]
#[template(path = "review/index.html")]
struct IndexPage {
    nav: Nav,
    calls: Vec<DeskCall>,
}

/// `GET /review`: the calls the bureau reviews, with how many applications wait.
pub async fn index(
    State(state): State<ServerState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let user = viewer.user_with_role("/review", &[Role::Bureau])?.clone();
    let mut calls = Vec::new();
    for entry in state.calls.all() {
        let Some((level, unit)) = routing::bureau_levels(
            entry.call,
            user.scope_region.as_deref(),
            user.scope_sector.as_deref(),
        )
        .into_iter()
        .next() else {
            continue;
        };
        let at = UnitRef {
            call_id: entry.call.id().to_string(),
            level: level.id.clone(),
            unit: unit.clone(),
        };
        let mut by_status: BTreeMap<&'static str, i64> = BTreeMap::new();
        for c in state.store.queue_counts(&at).await? {
            *by_status.entry(c.status.label()).or_default() += c.count;
        }
        calls.push(DeskCall {
            id: entry.call.id().to_string(),
            title: entry.call.def().title.clone(),
            level: level.name.clone(),
            unit: unit_label(level, &unit),
            deadline: entry.level_deadline(level).unwrap_or_default(),
            counts: by_status.into_iter().collect(),
        });
    }
    render(IndexPage {
        nav: Nav::of(&viewer),
        calls,
    })
}

// ---- the queue ----------------------------------------------------------------------------

/// Query string of the queue.
#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    /// Keyset: `submitted_at.id` of the last row of the previous page.
    #[serde(default)]
    after: String,
}

/// A queue row.
pub struct QueueLine {
    id: i64,
    title: String,
    organisation: String,
    region: String,
    direction: String,
    status: &'static str,
    submitted: String,
    rank: String,
}

#[derive(Template)]
#[template(path = "review/queue.html")]
struct QueuePage {
    nav: Nav,
    call_id: String,
    call_title: String,
    level: String,
    unit: String,
    deadline: String,
    open: bool,
    ranks: bool,
    directions: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    regions: Vec<(String, String)>,
    params: QueueParams,
    rows: Vec<QueueLine>,
    next: Option<String>,
    counts: Vec<(String, &'static str, i64)>,
    forwarded: Vec<(String, String, i64)>,
    summaries: Vec<(String, String)>,
}

const STATUSES: [ApplicationStatus; 4] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::Recommended,
    ApplicationStatus::NotRecommended,
    ApplicationStatus::Returned,
];

/// `GET /review/{call}`: the unit's applications, filtered, sorted and paged by keyset.
pub async fn queue(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, AppError> {
    let desk = desk(&state, &viewer, &call_id, &format!("/review/{call_id}"))?;
    let at = desk.at();
    let pick = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let after = params
        .after
        .split_once('.')
        .and_then(|(t, id)| Some((t.parse::<i64>().ok()?, id.parse::<i64>().ok()?)));
    let query = QueueQuery {
        direction: pick(&params.direction),
        status: params
            .status
            .trim()
            .parse::<ApplicationStatus>()
            .ok()
            .filter(|x| STATUSES.contains(x)),
        region: pick(&params.region),
        keyword: pick(&params.q),
        sort: if params.sort == "oldest" {
            QueueSort::Oldest
        } else {
            QueueSort::Newest
        },
        after,
        limit: PAGE + 1,
    };
    let mut page = state.store.review_queue(&at, &query).await?;
    let more = page.len() > usize::try_from(PAGE).unwrap_or(20);
    page.truncate(usize::try_from(PAGE).unwrap_or(20));
    let next = more.then(|| page.last()).flatten().map(|r| {
        format!(
            "{}.{}",
            r.application.submitted_at.unwrap_or_default(),
            r.application.id
        )
    });
    let rows = page
        .into_iter()
        .map(|r| QueueLine {
            id: r.application.id,
            title: r.application.title.clone().unwrap_or_default(),
            organisation: r.organisation_name,
            region: shenbao_core::region::full_name(&r.organisation_region)
                .unwrap_or(r.organisation_region),
            direction: direction_name(desk.entry, &r.application.direction),
            status: r.application.status.label(),
            submitted: r.application.submitted_at.map(fmt_time).unwrap_or_default(),
            rank: r.rank.map(|x| x.to_string()).unwrap_or_default(),
        })
        .collect();
    // A city filters by its counties.
    let regions = if desk.level.scope == LevelScope::City {
        shenbao_core::region::children(&desk.unit)
            .iter()
            .map(|d| (d.code.to_string(), d.name.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let counts = state
        .store
        .queue_counts(&at)
        .await?
        .into_iter()
        .map(|c| {
            (
                direction_name(desk.entry, &c.direction),
                c.status.label(),
                c.count,
            )
        })
        .collect();
    let forwarded = state
        .store
        .forwards_of_unit(&at)
        .await?
        .into_iter()
        .map(|f| {
            (
                direction_name(desk.entry, &f.direction),
                fmt_time(f.forwarded_at),
                f.count,
            )
        })
        .collect();
    render(QueuePage {
        nav: Nav::of(&viewer),
        call_id: call_id.clone(),
        call_title: desk.entry.call.def().title.clone(),
        level: desk.level.name.clone(),
        unit: desk_label(&desk),
        deadline: desk.deadline().unwrap_or_default(),
        open: desk.open(state.now()),
        ranks: desk.level.ranks,
        directions: desk.directions(),
        statuses: STATUSES.iter().map(|x| (x.as_str(), x.label())).collect(),
        regions,
        params,
        rows,
        next,
        counts,
        forwarded,
        summaries: desk.summaries(),
    })
}

// ---- the review page ----------------------------------------------------------------------

/// A decision of a level, as shown.
pub struct DecisionView {
    level: String,
    unit: String,
    decision: &'static str,
    rank: String,
    opinion: String,
    signatures: Vec<(String, String)>,
    at: String,
}

/// A history line.
pub struct HistoryLine {
    at: String,
    what: &'static str,
    note: String,
}

/// A file of the submitted snapshot.
pub struct FileLine {
    id: i64,
    name: String,
    size: String,
    sha: String,
}

/// What the reviewer typed, kept when the page comes back with a problem.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    comment: String,
    reason: String,
    opinion: String,
    signatures: Vec<String>,
}

/// How many other accounts with the same USCC the review page lists.
const SAME_CODE_SHOWN: i64 = 10;

#[derive(Template)]
#[template(path = "review/show.html")]
struct ShowPage {
    nav: Nav,
    call_id: String,
    call_title: String,
    id: i64,
    title: String,
    organisation: String,
    uscc: String,
    /// Other accounts registered with the same USCC (name, place): the reviewer checks the
    /// stamped papers to tell which one is the enterprise.
    same_code: Vec<(String, String)>,
    region: String,
    direction: String,
    status: &'static str,
    at_level: String,
    submitted: String,
    hash: String,
    justification: String,
    errors: Vec<String>,
    warnings: Vec<String>,
    decisions: Vec<DecisionView>,
    changes: Vec<(String, String, String)>,
    file_changes: Vec<(&'static str, String)>,
    resubmitted: bool,
    files: Vec<FileLine>,
    history: Vec<HistoryLine>,
    form_html: String,
    can_act: bool,
    closed_reason: String,
    opinion_title: String,
    signature_lines: Vec<(String, String)>,
    stamp: String,
    problem: String,
    typed: Typed,
    back: String,
}

/// Who is looking at an application on the review side.
enum Reader<'a> {
    /// A bureau at its unit.
    Bureau(Desk<'a>),
    /// A call owner (read-only here).
    Owner,
}

/// Loads application `id` of `call_id` for a reviewer: a bureau that holds it now or decided
/// on it before, or a call owner once it is routed. 404 for anyone else.
async fn readable<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    call_id: &str,
    id: i64,
) -> Result<(Reader<'s>, ApplicationRow), AppError> {
    let here = format!("/review/{call_id}/applications/{id}");
    let user = viewer.user_with_role(&here, &[Role::Bureau, Role::Owner, Role::Admin])?;
    let app = state
        .store
        .application(id)
        .await?
        .filter(|a| a.call_id == call_id && a.level.is_some())
        .ok_or(AppError::NotFound)?;
    if user.role != Role::Bureau {
        let entry = state.calls.get(call_id).ok_or(AppError::NotFound)?;
        if !super::owner::owns(user, entry.call) {
            return Err(AppError::NotFound);
        }
        return Ok((Reader::Owner, app));
    }
    let desk = desk(state, viewer, call_id, &here)?;
    let holds = app.level.as_deref() == Some(desk.level.id.as_str())
        && app.unit.as_deref() == Some(desk.unit.as_str());
    let decided = holds
        || state
            .store
            .reviews_of(id)
            .await?
            .iter()
            .any(|r| r.level == desk.level.id && r.unit == desk.unit);
    if !decided {
        return Err(AppError::NotFound);
    }
    Ok((Reader::Bureau(desk), app))
}

async fn show_page(
    state: &ServerState,
    viewer: &Viewer,
    reader: &Reader<'_>,
    app: &ApplicationRow,
    problem: &str,
    typed: Typed,
) -> Result<Html<String>, AppError> {
    let entry = state.calls.get(&app.call_id).ok_or(AppError::NotFound)?;
    let call = entry.call;
    let org = state
        .store
        .organisation(app.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let same_code = state
        .store
        .organisations_sharing_uscc(org.id, SAME_CODE_SHOWN)
        .await?
        .into_iter()
        .map(|o| {
            let place = shenbao_core::region::full_name(&o.region).unwrap_or(o.region);
            (o.name, place)
        })
        .collect();
    let snapshots = state.store.last_two_snapshots(app.id).await?;
    let snapshot = snapshots.first().ok_or(AppError::NotFound)?;
    let answers: Json = serde_json::from_str(&snapshot.answers).unwrap_or_else(|_| json!({}));
    let files = snapshot::files(&snapshot.files);
    let metas: Vec<_> = files.iter().map(SnapshotFile::meta).collect();
    let profile = profile_json(&org);
    let target = Target {
        direction: &app.direction,
        subdirection: app.subdirection.as_deref(),
    };
    let report = form::check(
        call,
        &Application {
            target,
            answers: &answers,
            profile: Some(&profile),
            files: Some(&metas),
        },
    );
    let rows_wanted = BTreeMap::new();
    let form_html = crate::form::render(
        call,
        &target,
        &answers,
        &FormView {
            problems: &[],
            hidden: &report.hidden,
            computed: &report.answers,
            editable: false,
            rows_wanted: &rows_wanted,
        },
    );
    let decisions = state
        .store
        .reviews_of(app.id)
        .await?
        .into_iter()
        .map(|r| {
            let level = call.def().review_levels.iter().find(|l| l.id == r.level);
            let signatures: BTreeMap<String, String> = r
                .signatures
                .as_deref()
                .and_then(|x| serde_json::from_str(x).ok())
                .unwrap_or_default();
            DecisionView {
                level: level.map(|l| l.name.clone()).unwrap_or(r.level.clone()),
                unit: level
                    .map(|l| unit_label(l, &r.unit))
                    .unwrap_or(r.unit.clone()),
                decision: status_label(&r.decision),
                rank: r.rank.map(|x| x.to_string()).unwrap_or_default(),
                opinion: r.opinion,
                signatures: signatures.into_iter().collect(),
                at: fmt_time(r.decided_at),
            }
        })
        .collect();
    let history: Vec<HistoryLine> = state
        .store
        .application_events(app.id)
        .await?
        .into_iter()
        .map(|e| HistoryLine {
            at: fmt_time(e.at),
            what: event_label(e.from_status, e.to_status),
            note: e.note.unwrap_or_default(),
        })
        .collect();
    let resubmitted = snapshots.len() > 1;
    let (changes, file_changes) = match snapshots.get(1) {
        Some(before) => {
            let before_answers: Json = serde_json::from_str(&before.answers).unwrap_or_default();
            let changes =
                shenbao_core::diff::diff_answers(call, &target, &before_answers, &answers)
                    .into_iter()
                    .map(|c| (c.label, c.before, c.after))
                    .collect();
            (
                changes,
                file_changes(&snapshot::files(&before.files), &files),
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    let (can_act, closed_reason, level) = match reader {
        Reader::Owner => (false, String::new(), None),
        Reader::Bureau(desk) => {
            let holds = app.level.as_deref() == Some(desk.level.id.as_str())
                && app.unit.as_deref() == Some(desk.unit.as_str());
            let forwarded = state
                .store
                .forwards_of_unit(&desk.at())
                .await?
                .iter()
                .any(|f| f.direction == app.direction);
            let decidable = ApplicationStatus::DECIDABLE.contains(&app.status);
            let reason = if !holds {
                s::REVIEW_NOT_HERE
            } else if forwarded {
                s::REVIEW_FORWARDED
            } else if !desk.open(state.now()) {
                s::REVIEW_CLOSED
            } else if !decidable {
                s::REVIEW_WAITING_APPLICANT
            } else {
                ""
            };
            (reason.is_empty(), reason.to_string(), Some(desk.level))
        }
    };
    let opinion = level.and_then(|l| l.opinion.as_ref());
    let signature_lines = opinion
        .map(|o| {
            o.signatures
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    (
                        line.clone(),
                        typed.signatures.get(i).cloned().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    render(ShowPage {
        nav: Nav::of(viewer),
        call_id: app.call_id.clone(),
        call_title: call.def().title.clone(),
        id: app.id,
        title: app.title.clone().unwrap_or_default(),
        organisation: org.name.clone(),
        uscc: org.uscc.clone(),
        same_code,
        region: shenbao_core::region::full_name(&org.region).unwrap_or(org.region.clone()),
        direction: direction_name(entry, &app.direction),
        status: app.status.label(),
        at_level: app
            .level
            .as_deref()
            .map(|l| level_name(entry, l))
            .unwrap_or_default(),
        submitted: app.submitted_at.map(fmt_time).unwrap_or_default(),
        hash: snapshot.content_hash.clone(),
        justification: app.justification.clone().unwrap_or_default(),
        errors: report
            .of(Severity::Error)
            .map(|p| p.message.clone())
            .collect(),
        warnings: report
            .of(Severity::Warning)
            .map(|p| p.message.clone())
            .collect(),
        decisions,
        changes,
        file_changes,
        resubmitted,
        files: files
            .iter()
            .map(|f| FileLine {
                id: f.id,
                name: f.display_name(),
                size: shenbao_core::form::human_size(u64::try_from(f.size).unwrap_or(0)),
                sha: f.sha256.chars().take(12).collect(),
            })
            .collect(),
        history,
        form_html,
        can_act,
        closed_reason,
        opinion_title: opinion.map(|o| o.title.clone()).unwrap_or_default(),
        signature_lines,
        stamp: opinion.and_then(|o| o.stamp.clone()).unwrap_or_default(),
        problem: problem.to_string(),
        typed,
        back: match reader {
            Reader::Bureau(_) => format!("/review/{}", app.call_id),
            Reader::Owner => "/".to_string(),
        },
    })
}

/// Files added to or removed from the submission, by content (a file renamed but unchanged is
/// not a change): (`新增`/`删除`, name).
fn file_changes(before: &[SnapshotFile], after: &[SnapshotFile]) -> Vec<(&'static str, String)> {
    let key = |f: &SnapshotFile| (f.slot.clone(), f.sha256.clone());
    let before_keys: Vec<_> = before.iter().map(key).collect();
    let after_keys: Vec<_> = after.iter().map(key).collect();
    let mut out: Vec<(&'static str, String)> = after
        .iter()
        .filter(|f| !before_keys.contains(&key(f)))
        .map(|f| (s::REVIEW_FILE_ADDED, f.display_name()))
        .collect();
    out.extend(
        before
            .iter()
            .filter(|f| !after_keys.contains(&key(f)))
            .map(|f| (s::REVIEW_FILE_REMOVED, f.display_name())),
    );
    out
}

/// `GET /review/{call}/applications/{id}`: the whole submitted application for review.
pub async fn show(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((call_id, id)): Path<(String, i64)>,
) -> Result<Html<String>, AppError> {
    let (reader, app) = readable(&state, &viewer, &call_id, id).await?;
    show_page(&state, &viewer, &reader, &app, "", Typed::default()).await
}

/// `GET /review/{call}/applications/{id}/files/{file}`: a file of the submitted snapshot.
pub async fn download(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((call_id, id, file_id)): Path<(String, i64, i64)>,
) -> Result<Response, AppError> {
    readable(&state, &viewer, &call_id, id).await?;
    let a = state
        .store
        .attachment(file_id)
        .await?
        .filter(|a| a.application_id == id)
        .ok_or(AppError::NotFound)?;
    send_attachment(&state, &a).await
}

/// `GET /review/{call}/applications/{id}/form/{format}`: the submitted application form, to
/// whoever may open the review page.
pub async fn download_form(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((call_id, id, format)): Path<(String, i64, String)>,
) -> Result<Response, AppError> {
    let (_, app) = readable(&state, &viewer, &call_id, id).await?;
    let format = Format::parse(&format)?;
    let entry = state.calls.get(&app.call_id).ok_or(AppError::NotFound)?;
    application_download(&state, entry.call, &app, Version::Submitted, format).await
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// `POST /review/{call}/applications/{id}/decide`: `action` = `return` (comment required),
/// `reject` (reason required) or `recommend` (opinion required, with the opinion block's
/// signature lines `sig.0`, `sig.1`…).
pub async fn decide(
    State(state): State<ServerState>,
    Path((call_id, id)): Path<(String, i64)>,
    Posted {
        viewer,
        fields: pairs,
        ..
    }: Posted,
) -> Result<Response, AppError> {
    let (reader, app) = readable(&state, &viewer, &call_id, id).await?;
    let Reader::Bureau(desk) = &reader else {
        return Err(AppError::Forbidden);
    };
    let opinion_block = desk.level.opinion.as_ref();
    let typed = Typed {
        comment: field(&pairs, "comment").to_string(),
        reason: field(&pairs, "reason").to_string(),
        opinion: field(&pairs, "opinion").to_string(),
        signatures: (0..opinion_block.map_or(0, |o| o.signatures.len()))
            .map(|i| field(&pairs, &format!("sig.{i}")).to_string())
            .collect(),
    };
    let action = field(&pairs, "action");
    let verdict = match action {
        "return" => Verdict::Return {
            comment: typed.comment.clone(),
        },
        "reject" => Verdict::NotRecommend {
            reason: typed.reason.clone(),
        },
        "recommend" => Verdict::Recommend {
            opinion: typed.opinion.clone(),
            signatures: typed.signatures.clone(),
        },
        _ => {
            let page = show_page(
                &state,
                &viewer,
                &reader,
                &app,
                s::REVIEW_UNKNOWN_ACTION,
                typed,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let here = format!("/review/{call_id}/applications/{id}");
    let actor = actor(&state, &viewer, &here)?;
    match review::decide(&state.store, &state.calls, actor, &call_id, id, &verdict).await {
        Ok(done) => {
            crate::notices::deliver(&state, &done.outbox).await;
            Ok(Redirect::to(&here).into_response())
        }
        Err(ActionError::Incomplete(problems)) => {
            let problem = problems
                .into_iter()
                .find_map(problem_text)
                .unwrap_or(s::REVIEW_UNKNOWN_ACTION);
            let page = show_page(&state, &viewer, &reader, &app, problem, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(action_error(Some(desk.entry), error)),
    }
}

// ---- ranking and forwarding ---------------------------------------------------------------

/// Query string of the ranking page.
#[derive(Debug, Default, Deserialize)]
pub struct RankingParams {
    #[serde(default)]
    direction: String,
}

/// A ranked application.
pub struct RankLine {
    id: i64,
    rank: i64,
    title: String,
    organisation: String,
    region: String,
    lower: String,
}

#[derive(Template)]
#[template(path = "review/ranking.html")]
struct RankingPage {
    nav: Nav,
    call_id: String,
    call_title: String,
    level: String,
    unit: String,
    ranks: bool,
    directions: Vec<(String, String)>,
    direction: String,
    direction_name: String,
    rows: Vec<RankLine>,
    pending: i64,
    forwarded: Option<String>,
    deadline: String,
    open: bool,
    next_level: String,
    lower_level: String,
    received: Vec<ReceivedLine>,
    /// The summary tables (汇总表) to download: (id, title).
    summaries: Vec<(String, String)>,
}

/// An application the lower level sent up, with its rank there.
pub struct ReceivedLine {
    id: i64,
    unit: String,
    rank: String,
    title: String,
    organisation: String,
    status: &'static str,
}

/// `GET /review/{call}/ranking?direction=`: the unit's recommended applications of a
/// direction in order, with the lower level's ranks, and the forward button.
pub async fn ranking(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(params): Query<RankingParams>,
) -> Result<Html<String>, AppError> {
    let desk = desk(
        &state,
        &viewer,
        &call_id,
        &format!("/review/{call_id}/ranking"),
    )?;
    let directions = desk.directions();
    let direction = directions
        .iter()
        .find(|(id, _)| *id == params.direction)
        .or(directions.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let at = desk.at();
    let lower = routing::previous_level(desk.entry.call, &direction.0, &desk.level.id);
    let received: Vec<ReceivedLine> = match lower {
        Some(l) => state
            .store
            .lower_reviews(&at, &direction.0, &l.id)
            .await?
            .into_iter()
            .map(|r| ReceivedLine {
                id: r.review.application_id,
                unit: unit_label(l, &r.review.unit),
                rank: r
                    .review
                    .rank
                    .map(|x| format!("第{x}位"))
                    .unwrap_or_default(),
                title: r.title.unwrap_or_default(),
                organisation: r.organisation_name,
                status: r.status.label(),
            })
            .collect(),
        None => Vec::new(),
    };
    let lower_ranks: BTreeMap<i64, String> = received
        .iter()
        .map(|r| (r.id, format!("{} {}", r.unit, r.rank)))
        .collect();
    let rows = state
        .store
        .ranking(&at, &direction.0)
        .await?
        .into_iter()
        .map(|r| RankLine {
            id: r.application.id,
            rank: r.rank.unwrap_or_default(),
            title: r.application.title.clone().unwrap_or_default(),
            organisation: r.organisation_name,
            region: shenbao_core::region::full_name(&r.organisation_region)
                .unwrap_or(r.organisation_region),
            lower: lower_ranks
                .get(&r.application.id)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let pending = state
        .store
        .queue_counts(&at)
        .await?
        .iter()
        .filter(|c| c.direction == direction.0 && c.status == ApplicationStatus::Submitted)
        .map(|c| c.count)
        .sum();
    let forwarded = state
        .store
        .forwards_of_unit(&at)
        .await?
        .into_iter()
        .find(|f| f.direction == direction.0)
        .map(|f| fmt_time(f.forwarded_at));
    render(RankingPage {
        nav: Nav::of(&viewer),
        call_id: call_id.clone(),
        call_title: desk.entry.call.def().title.clone(),
        level: desk.level.name.clone(),
        unit: desk_label(&desk),
        ranks: desk.level.ranks,
        directions: directions.clone(),
        direction_name: direction.1.clone(),
        next_level: desk
            .next(&direction.0)
            .map(|(l, _)| l.name.clone())
            .unwrap_or_default(),
        direction: direction.0,
        rows,
        pending,
        forwarded,
        deadline: desk.deadline().unwrap_or_default(),
        open: desk.open(state.now()),
        lower_level: lower.map(|l| l.name.clone()).unwrap_or_default(),
        received,
        summaries: desk.summaries(),
    })
}

/// The move form.
#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    id: i64,
    #[serde(default)]
    direction: String,
    /// `up` or `down`.
    #[serde(default)]
    to: String,
}

/// `POST /review/{call}/ranking/move`: one place up or down.
pub async fn move_rank(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted { viewer, form, .. }: Posted<MoveForm>,
) -> Result<Response, AppError> {
    let actor = actor(&state, &viewer, &format!("/review/{call_id}/ranking"))?;
    review::move_in_ranking(
        &state.store,
        &state.calls,
        actor,
        &call_id,
        form.id,
        form.to == "up",
    )
    .await
    .map_err(|e| action_error(state.calls.get(&call_id), e))?;
    Ok(Redirect::to(&format!(
        "/review/{call_id}/ranking?direction={}",
        crate::error::urlencode(&form.direction)
    ))
    .into_response())
}

/// The forward form.
#[derive(Deserialize)]
pub struct ForwardForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /review/{call}/forward`: sends the ranked list of a direction to the next level,
/// before the level's deadline; the list is frozen afterwards.
pub async fn forward(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted { viewer, form, .. }: Posted<ForwardForm>,
) -> Result<Response, AppError> {
    let actor = actor(&state, &viewer, &format!("/review/{call_id}/ranking"))?;
    let done = review::forward(
        &state.store,
        &state.calls,
        actor,
        &call_id,
        &form.direction,
        form.confirm.is_some(),
        |desk, next| format!("{} → {}", desk_label(desk), next.name),
    )
    .await
    .map_err(|e| action_error(state.calls.get(&call_id), e))?;
    crate::notices::deliver(&state, &done.outbox).await;
    Ok(Redirect::to(&format!(
        "/review/{call_id}/ranking?direction={}",
        crate::error::urlencode(&form.direction)
    ))
    .into_response())
}

// ---- summary tables -------------------------------------------------------------------------

/// `GET /review/{call}/summary/{table}?format=xlsx|docx`: the unit's summary table (汇总表) of
/// its level, its recommended applications in ranking order, grouped as the call prescribes;
/// XLSX unless asked otherwise.
pub async fn summary(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((call_id, table_id)): Path<(String, String)>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &viewer, &call_id, &format!("/review/{call_id}"))?;
    let format = query.or(Format::Xlsx)?;
    let call = desk.entry.call;
    let (table, def) = call
        .def()
        .summaries
        .iter()
        .enumerate()
        .find(|(_, t)| t.id == table_id && t.level.as_deref() == Some(desk.level.id.as_str()))
        .ok_or(AppError::NotFound)?;
    let bytes = match format {
        Format::Xlsx => {
            shenbao_app::exports::unit_summary_xlsx(
                &state.store,
                call,
                desk.level,
                &desk.unit,
                table,
            )
            .await
        }
        Format::Docx => {
            shenbao_app::exports::unit_summary_docx(
                &state.store,
                call,
                desk.level,
                &desk.unit,
                table,
            )
            .await
        }
        Format::Pdf => return Err(AppError::NotFound),
    }
    .map_err(AppError::Internal)?;
    Ok(crate::documents::download(
        format,
        &format!("{}-{}", def.title, desk_label(&desk)),
        &format!("summary-{call_id}-{table_id}"),
        bytes,
    ))
}

/// The unit's package (报送材料包) as one ZIP, streamed while it is written: the level's
/// summary tables, then each recommended application in ranking order with its forms and its
/// submitted files renamed by the call's rules (`exports::write_unit_package`).
///
/// The ZIP is written on a blocking thread into an OS pipe whose other end is the response
/// body, so memory stays at the pipe's and the copy buffer's size whatever the files weigh. A
/// failure after the first bytes can only cut the download short; it is logged.
pub async fn package(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &viewer, &call_id, &format!("/review/{call_id}"))?;
    let call = desk.entry.call;
    // The call is static; the desk's borrow of the state is not.
    let level = (call.def().review_levels.iter())
        .find(|l| l.id == desk.level.id)
        .ok_or(AppError::NotFound)?;
    let unit = desk.unit.clone();
    let name = format!("{}-{}", desk_label(&desk), s::REVIEW_PACKAGE_NAME);
    let (reader, writer) = std::io::pipe().map_err(|e| AppError::Internal(e.into()))?;
    let body = tokio::net::unix::pipe::Receiver::from_owned_fd(reader.into())
        .map_err(|e| AppError::Internal(e.into()))?;
    let (store, dir) = (state.store.clone(), state.files.root().to_path_buf());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let written = runtime.block_on(shenbao_app::exports::write_unit_package(
            &store,
            &dir,
            call,
            level,
            &unit,
            std::io::BufWriter::with_capacity(64 * 1024, writer),
            shenbao_app::exports::FORM_FORMATS,
        ));
        if let Err(e) = written {
            tracing::warn!(call = call.id(), unit, "package cut short: {e:#}");
        }
    });
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/zip".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                crate::documents::attachment_disposition(
                    &format!("{name}.zip"),
                    &format!("package-{call_id}.zip"),
                ),
            ),
        ],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(body)),
    )
        .into_response())
}
