//! The applicant's side of an application: start one for a direction, fill in the official
//! form (explicit save, autosave, rows added and removed, optimistic concurrency), attach
//! evidence, submit before the deadline, withdraw, and follow its history.
//!
//! An application is only ever shown to users of the organisation that owns it; any other
//! id answers 404, so ids cannot be probed.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json as JsonBody;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use shenbao_core::call::definition::{Commitment, FileSlot};
use shenbao_core::call::{SlotLimits, Target};
use shenbao_core::form::{self, Application, Report, Severity};
use shenbao_core::routing;
use shenbao_store::ApplicationStatus;
use shenbao_store::{ApplicationRow, NewAttachment, Role, StoreError, UserRow};

use super::Nav;
use super::public::render;
use super::view::{action_error, event_label, fmt_time, problem_text};
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::documents::send_attachment;
use crate::documents::{Format, application_download, letter_download, letter_kind};
use crate::error::AppError;
use crate::files::UploadError;
use crate::form::{FormView, parse, remove_row};
use crate::guard::Posted;
use crate::strings as s;
use shenbao_app::actions::applicant::{self, SubmitInput};
use shenbao_app::actions::{ActionError, Actor, Refusal as ActionRefusal};
use shenbao_app::exports::{Version, attachment_metas};

/// The application, its call, and the user, after the ownership check.
struct Owned<'a> {
    user: UserRow,
    app: ApplicationRow,
    entry: &'a CallEntry,
}

impl Owned<'_> {
    /// Whether the applicant may change it: a draft, or returned for revision.
    fn editable(&self) -> bool {
        self.app.status.is_editable()
    }

    fn target(&self) -> Target<'_> {
        Target {
            direction: &self.app.direction,
            subdirection: self.app.subdirection.as_deref(),
        }
    }

    fn direction_name(&self) -> String {
        let d = self.entry.call.direction(&self.app.direction);
        let mut name = d.map(|d| d.name.clone()).unwrap_or_default();
        if let (Some(d), Some(sub)) = (d, &self.app.subdirection)
            && let Some(x) = d.subdirections.iter().find(|x| &x.id == sub)
        {
            name = format!("{name}（{}）", x.name);
        }
        name
    }
}

/// Loads application `id` if it belongs to the viewer's organisation; 404 otherwise.
async fn owned<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    id: i64,
    here: &str,
) -> Result<Owned<'s>, AppError> {
    let user = viewer.user_with_role(here, &[Role::Applicant])?.clone();
    let app = state
        .store
        .application(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.organisation_id != Some(app.organisation_id) {
        return Err(AppError::NotFound);
    }
    let entry = state.calls.get(&app.call_id).ok_or(AppError::NotFound)?;
    Ok(Owned { user, app, entry })
}

/// The status as the applicant may see it: the owner's selection stays internal until the
/// results are published, then the application shows 入选 or 未入选.
async fn applicant_status(
    state: &ServerState,
    app: &ApplicationRow,
) -> Result<&'static str, AppError> {
    let at_owner = app.unit.as_deref() == Some(routing::OWNER);
    if !at_owner
        || !matches!(
            app.status,
            ApplicationStatus::Submitted | ApplicationStatus::Selected
        )
    {
        return Ok(app.status.label());
    }
    Ok(match state.store.publication(&app.call_id).await? {
        Some(_) if app.status == ApplicationStatus::Selected => s::STATUS_OUTCOME_SELECTED,
        Some(_) => s::STATUS_OUTCOME_NOT_SELECTED,
        None => s::STATUS_IN_EXPERT_REVIEW,
    })
}

async fn profile_of(state: &ServerState, user: &UserRow) -> Result<Json, AppError> {
    let org = match user.organisation_id {
        Some(id) => state.store.organisation(id).await?,
        None => None,
    };
    Ok(org
        .as_ref()
        .map(shenbao_app::exports::profile_json)
        .unwrap_or_else(|| json!({})))
}

// ---- list and start -------------------------------------------------------------------

/// A row of the list.
pub struct AppListRow {
    id: i64,
    call_title: String,
    direction: String,
    status: &'static str,
    updated: String,
    draft: bool,
}

#[derive(Template)]
#[template(path = "application/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<AppListRow>,
}

/// `GET /applications`: the organisation's applications.
pub async fn list_applications(
    State(state): State<ServerState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let user = viewer.user_with_role("/applications", &[Role::Applicant])?;
    let org = user.organisation_id.ok_or(AppError::Forbidden)?;
    let apps = state.store.applications_of_organisation(org, None).await?;
    let mut rows = Vec::with_capacity(apps.len());
    for a in apps {
        let entry = state.calls.get(&a.call_id);
        rows.push(AppListRow {
            id: a.id,
            call_title: entry
                .map(|e| e.call.def().title.clone())
                .unwrap_or_else(|| a.call_id.clone()),
            direction: entry
                .and_then(|e| e.call.direction(&a.direction))
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            status: applicant_status(&state, &a).await?,
            updated: fmt_time(a.updated_at),
            draft: a.status == ApplicationStatus::Draft,
        });
    }
    render(ListPage {
        nav: Nav::of(&viewer),
        rows,
    })
}

/// The start form: a direction, written `direction` or `direction/subdirection`.
#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    direction: String,
}

/// `POST /calls/{id}/applications`: a new draft, if the call is open and the limits allow.
pub async fn start_application(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted { viewer, form, .. }: Posted<StartForm>,
) -> Result<Response, AppError> {
    let here = format!("/calls/{call_id}");
    let user = viewer.user_with_role(&here, &[Role::Applicant])?;
    let (direction, sub) = match form.direction.split_once('/') {
        Some((d, s)) => (d, Some(s)),
        None => (form.direction.as_str(), None),
    };
    let actor = Actor {
        user,
        ip: viewer.ip.as_deref(),
        now: state.now(),
    };
    let app = applicant::start(&state.store, &state.calls, actor, &call_id, direction, sub)
        .await
        .map_err(|e| action_error(state.calls.get(&call_id), e))?;
    Ok(Redirect::to(&format!("/applications/{}/edit", app.id)).into_response())
}

// ---- the form ---------------------------------------------------------------------------

/// One file slot with its files, on the form page.
pub struct SlotView {
    slot: FileSlot,
    limits_text: String,
    files: Vec<(i64, String, String)>,
    problems: Vec<String>,
    full: bool,
}

#[derive(Template)]
#[template(path = "application/edit.html")]
struct EditPage {
    nav: Nav,
    id: i64,
    /// Letters to print and sign: (URL name, title).
    letters: Vec<(&'static str, String)>,
    call_title: String,
    direction: String,
    version: i64,
    form_html: String,
    notice: Option<String>,
    notice_class: &'static str,
    errors: Vec<(String, String)>,
    editable: bool,
    slots: Vec<SlotView>,
    upload_error: Option<String>,
}

/// Query of the edit page: a message to show after a redirect, and rows to show for a
/// repeating-rows field after "add row" without JavaScript (`field:count`).
#[derive(Deserialize)]
pub struct EditQuery {
    msg: Option<String>,
    rows: Option<String>,
}

fn limits_text(slot: &FileSlot, l: &SlotLimits) -> String {
    let mut parts = vec![format!(
        "{}：{}",
        s::UPLOAD_TYPES,
        slot.types.join("/").to_uppercase()
    )];
    parts.push(format!(
        "{}：{}–{}",
        s::UPLOAD_COUNT,
        l.min_count,
        l.max_count
    ));
    let size = if l.min_size > 0 {
        format!(
            "{}–{}",
            shenbao_core::form::human_size(l.min_size),
            shenbao_core::form::human_size(l.max_size)
        )
    } else {
        format!("≤{}", shenbao_core::form::human_size(l.max_size))
    };
    parts.push(format!("{}：{size}", s::UPLOAD_SIZE));
    parts.join("　")
}

/// What the edit page shows besides the answers.
#[derive(Default)]
struct EditExtras {
    /// A message at the top and its class (ok, error).
    notice: Option<(String, &'static str)>,
    /// Rows to show per repeating-rows field (after add/remove without JavaScript).
    rows_wanted: BTreeMap<String, usize>,
    /// A refused upload, shown in the files section.
    upload_error: Option<String>,
}

/// Builds the edit page for `answers` with the engine's report.
async fn edit_page(
    state: &ServerState,
    viewer: &Viewer,
    o: &Owned<'_>,
    answers: &Json,
    version: i64,
    extras: EditExtras,
) -> Result<Html<String>, AppError> {
    let EditExtras {
        notice,
        rows_wanted,
        upload_error,
    } = extras;
    let attachments = state.store.attachments(o.app.id).await?;
    let metas = attachment_metas(&attachments);
    let profile = profile_of(state, &o.user).await?;
    let report = form::check(
        o.entry.call,
        &Application {
            target: o.target(),
            answers,
            profile: Some(&profile),
            files: Some(&metas),
        },
    );
    let editable = o.editable();
    let html = crate::form::render(
        o.entry.call,
        &o.target(),
        answers,
        &FormView {
            problems: &report.problems,
            hidden: &report.hidden,
            computed: &report.answers,
            editable,
            rows_wanted: &rows_wanted,
        },
    );
    let errors = report
        .problems
        .iter()
        .filter(|p| p.severity != Severity::Info && !p.path.starts_with("files."))
        .map(|p| {
            (
                p.path.split(['.', '[']).next().unwrap_or("").to_string(),
                p.message.clone(),
            )
        })
        .collect();
    let slots = o
        .entry
        .call
        .files_for(&o.app.direction)
        .map(|(slot, limits)| {
            let files: Vec<(i64, String, String)> = attachments
                .iter()
                .filter(|a| a.slot == slot.id)
                .map(|a| {
                    (
                        a.id,
                        shenbao_core::text::file_name(&a.original_name, &a.file_type),
                        shenbao_core::form::human_size(u64::try_from(a.size).unwrap_or(0)),
                    )
                })
                .collect();
            let full = files.len() as u64 >= u64::from(limits.max_count);
            SlotView {
                limits_text: limits_text(slot, &limits),
                problems: report
                    .problems
                    .iter()
                    .filter(|p| {
                        p.path == format!("files.{}", slot.id)
                            || p.path.starts_with(&format!("files.{}[", slot.id))
                    })
                    .map(|p| p.message.clone())
                    .collect(),
                slot: slot.clone(),
                files,
                full,
            }
        })
        .collect();
    let (notice, notice_class) = match notice {
        Some((n, c)) => (Some(n), c),
        None if !editable => (Some(s::FORM_READONLY.to_string()), "ok"),
        None => (None, ""),
    };
    render(EditPage {
        nav: Nav::of(viewer),
        id: o.app.id,
        letters: crate::documents::letters(o.entry.call),
        call_title: o.entry.call.def().title.clone(),
        direction: o.direction_name(),
        version,
        form_html: html,
        notice,
        notice_class,
        errors,
        editable,
        slots,
        upload_error,
    })
}

fn message_for(code: &str) -> Option<(String, &'static str)> {
    let (text, class) = match code {
        "saved" => (s::FORM_SAVED, "ok"),
        "uploaded" => (s::UPLOAD_DONE, "ok"),
        "withdrawn" => (s::APP_WITHDRAWN, "ok"),
        "too_large" => (s::UPLOAD_TOO_LARGE, "error"),
        "too_small" => (s::UPLOAD_TOO_SMALL, "error"),
        "wrong_type" => (s::UPLOAD_WRONG_TYPE, "error"),
        "too_many" => (s::UPLOAD_TOO_MANY, "error"),
        "no_file" => (s::UPLOAD_NO_FILE, "error"),
        "interrupted" => (s::UPLOAD_INTERRUPTED, "error"),
        _ => return None,
    };
    Some((text.to_string(), class))
}

/// `GET /applications/{id}/edit`.
pub async fn edit_application(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> Result<Html<String>, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}/edit")).await?;
    let answers: Json = serde_json::from_str(&o.app.answers).unwrap_or_else(|_| json!({}));
    let notice = q.msg.as_deref().and_then(message_for);
    let (upload_error, notice) = match notice {
        Some((t, "error")) => (Some(t), None),
        other => (None, other),
    };
    let rows_wanted = q
        .rows
        .as_deref()
        .and_then(|r| r.rsplit_once(':'))
        .and_then(|(f, n)| Some((f.to_string(), n.parse::<usize>().ok()?)))
        .into_iter()
        .collect();
    edit_page(
        &state,
        &viewer,
        &o,
        &answers,
        o.app.version,
        EditExtras {
            notice,
            upload_error,
            rows_wanted,
        },
    )
    .await
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A posted draft form (its CSRF token checked by [`Posted`]): the owned application (still a
/// draft), the form's fields, and the version the form was loaded at.
async fn posted_draft<'s>(
    state: &'s ServerState,
    viewer: &Viewer,
    id: i64,
    pairs: Vec<(String, String)>,
) -> Result<(Owned<'s>, Vec<(String, String)>, i64), AppError> {
    let o = owned(state, viewer, id, &format!("/applications/{id}/edit")).await?;
    if !o.editable() {
        return Err(AppError::Refused(s::FORM_READONLY.to_string()));
    }
    let version = field(&pairs, "version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    Ok((o, pairs, version))
}

/// `POST /applications/{id}/edit`: saves the draft (keeping everything typed, even with
/// problems), or adds/removes a row, or goes on to submission.
pub async fn save_application(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted { viewer, fields, .. }: Posted,
) -> Result<Response, AppError> {
    let (o, pairs, version) = posted_draft(&state, &viewer, id, fields).await?;
    let mut answers = parse(o.entry.call, &o.target(), &pairs);
    let action = field(&pairs, "action").unwrap_or("save").to_string();
    let mut rows_wanted = BTreeMap::new();
    if let Some(fid) = action.strip_prefix("add_row:") {
        let current = answers
            .get(fid)
            .and_then(Json::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let shown = field(&pairs, &format!("n.{fid}"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(current);
        rows_wanted.insert(fid.to_string(), shown.max(current) + 1);
    } else if let Some(rest) = action.strip_prefix("remove_row:")
        && let Some((fid, idx)) = rest.rsplit_once(':')
        && let Ok(i) = idx.parse::<usize>()
    {
        remove_row(&mut answers, fid, i);
        let left = answers
            .get(fid)
            .and_then(Json::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        rows_wanted.insert(fid.to_string(), left);
    }
    match applicant::save_draft(
        &state.store,
        actor(&state, &viewer, &o),
        &o.app,
        version,
        &answers,
    )
    .await
    {
        Ok(_) => {
            if action == "submit" {
                return Ok(Redirect::to(&format!("/applications/{id}/submit")).into_response());
            }
            // Post/redirect/get: reloading the page never re-sends a save.
            let mut to = format!("/applications/{id}/edit?msg=saved");
            if let Some((fid, n)) = rows_wanted.iter().next() {
                to.push_str(&format!(
                    "&rows={}:{n}#field-{}",
                    crate::error::urlencode(fid),
                    crate::error::urlencode(fid)
                ));
            }
            Ok(Redirect::to(&to).into_response())
        }
        Err(ActionError::Refused(ActionRefusal::VersionMoved)) => {
            // Another tab saved first: show what this one typed, with the current version,
            // so saving again is a deliberate choice.
            let current = state
                .store
                .application(id)
                .await?
                .ok_or(AppError::NotFound)?;
            let page = edit_page(
                &state,
                &viewer,
                &o,
                &answers,
                current.version,
                EditExtras {
                    notice: Some((s::FORM_CONFLICT.to_string(), "error")),
                    rows_wanted: rows_wanted.clone(),
                    upload_error: None,
                },
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(action_error(Some(o.entry), e)),
    }
}

/// What autosave answers.
#[derive(Serialize)]
pub struct AutosaveView {
    saved: bool,
    version: i64,
    message: &'static str,
    errors: usize,
    computed: serde_json::Map<String, Json>,
}

/// `POST /applications/{id}/autosave`: the same fields as the form, answered in JSON.
pub async fn autosave_application(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted { viewer, fields, .. }: Posted,
) -> Result<Response, AppError> {
    let (o, pairs, version) = posted_draft(&state, &viewer, id, fields).await?;
    let answers = parse(o.entry.call, &o.target(), &pairs);
    let report = form::validate(o.entry.call, o.target(), &answers);
    match applicant::save_draft(
        &state.store,
        actor(&state, &viewer, &o),
        &o.app,
        version,
        &answers,
    )
    .await
    {
        Ok(v) => Ok(JsonBody(AutosaveView {
            saved: true,
            version: v,
            message: s::FORM_AUTOSAVED,
            errors: report.of(Severity::Error).count(),
            computed: computed_only(o.entry.call, &report),
        })
        .into_response()),
        Err(ActionError::Refused(ActionRefusal::VersionMoved)) => Ok((
            StatusCode::CONFLICT,
            JsonBody(AutosaveView {
                saved: false,
                version,
                message: s::FORM_CONFLICT,
                errors: 0,
                computed: serde_json::Map::new(),
            }),
        )
            .into_response()),
        Err(e) => Err(action_error(Some(o.entry), e)),
    }
}

fn computed_only(
    call: &shenbao_core::call::Call,
    report: &Report,
) -> serde_json::Map<String, Json> {
    report
        .answers
        .iter()
        .filter(|(k, _)| {
            call.field(k).is_some_and(|(_, f)| {
                f.kind == Some(shenbao_core::call::definition::FieldKind::Computed)
            })
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

// ---- files ------------------------------------------------------------------------------

/// `POST /applications/{id}/files`: one file into one slot, streamed to disk. The body goes
/// through [`crate::files::guard_multipart`] first, so that no preamble or part header is
/// buffered past a small bound either.
pub async fn upload_file(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    use axum::extract::FromRequest;
    let tripped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let boundary = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::files::multipart_boundary);
    let body = match &boundary {
        Some(b) => crate::files::guard_multipart(body, b, std::sync::Arc::clone(&tripped)),
        None => body,
    };
    let mut multipart = match Multipart::from_request(
        axum::extract::Request::from_parts(parts, body),
        &state,
    )
    .await
    {
        Ok(m) => m,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    match receive_upload(&state, &viewer, id, &mut multipart, &tripped).await {
        // Not drained: see `Refusal::PartTooLarge`.
        Err(Refusal::PartTooLarge) => Ok(part_too_large()),
        Ok(answer) => {
            drain(&mut multipart).await;
            Ok(answer)
        }
        Err(Refusal::App(e)) => {
            drain(&mut multipart).await;
            Err(e)
        }
    }
}

/// Longest value of a part other than the file: the page's hidden fields (the CSRF token,
/// the slot id) are tens of bytes.
const MAX_PART_BYTES: usize = 4 * 1024;
/// Most parts other than the file that one upload may carry (the page sends two).
const MAX_SMALL_PARTS: usize = 16;

/// Why an upload was answered without keeping a file, when not by a redirect to the form.
#[derive(Debug)]
enum Refusal {
    /// An answer to the user; what is left of the body is drained first (see [`drain`]).
    App(AppError),
    /// A part other than the file passed [`MAX_PART_BYTES`] (or there were more than
    /// [`MAX_SMALL_PARTS`] of them), or the preamble or a part's headers passed
    /// [`crate::files::MAX_MULTIPART_OVERHEAD`]. No page sends that: it is a broken or
    /// hostile client, possibly streaming gigabytes into what should be a token. The answer
    /// goes out at once, the rest of the body is left unread and the connection is closed,
    /// rather than drained: draining throws the bytes away without buffering them, but would
    /// still keep reading (up to 256 MiB, for a minute) from a client that has shown it is
    /// not a browser waiting for its answer. A client that reads while it sends gets the 413
    /// before its send fails.
    PartTooLarge,
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        Refusal::App(e)
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        Refusal::App(e.into())
    }
}

/// The answer to [`Refusal::PartTooLarge`]: 413 with the Chinese page, and the connection
/// closed after it.
fn part_too_large() -> Response {
    let mut response = AppError::Refused(s::UPLOAD_PART_TOO_LARGE.to_string()).into_response();
    *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    response.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

/// Why the multipart stream failed: the guard tripped (`tripped`, see
/// [`crate::files::guard_multipart`]), or the upload was interrupted.
fn broken_stream(tripped: &std::sync::atomic::AtomicBool) -> Refusal {
    if tripped.load(std::sync::atomic::Ordering::SeqCst) {
        Refusal::PartTooLarge
    } else {
        Refusal::App(AppError::Refused(s::UPLOAD_INTERRUPTED.to_string()))
    }
}

/// The text of a part other than the file, read chunk by chunk and refused as soon as it
/// passes [`MAX_PART_BYTES`], so that nothing longer is ever held in memory.
async fn small_part(
    mut field: axum::extract::multipart::Field<'_>,
    tripped: &std::sync::atomic::AtomicBool,
) -> Result<String, Refusal> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| broken_stream(tripped))? {
        if bytes.len() + chunk.len() > MAX_PART_BYTES {
            return Err(Refusal::PartTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What is left of an upload that was answered before its end (refused for its count, its
/// size, a login or a token) is read and thrown away, within bounds, before the answer goes
/// out. hyper closes a connection whose request body was not read to the end, and a client
/// still sending its file then sees a broken pipe or a reset instead of the refusal (a browser
/// shows a network error page; a flaky test showed it). Past `DRAIN_BYTES` or `DRAIN_TIME`
/// the connection is closed after all. Chunks are dropped as they come: nothing is buffered.
async fn drain(multipart: &mut Multipart) {
    const DRAIN_BYTES: u64 = 256 * 1024 * 1024;
    const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(60);
    let rest = async {
        let mut read: u64 = 0;
        while let Ok(Some(mut field)) = multipart.next_field().await {
            while let Ok(Some(chunk)) = field.chunk().await {
                read += chunk.len() as u64;
                if read > DRAIN_BYTES {
                    return;
                }
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, rest).await;
}

async fn receive_upload(
    state: &ServerState,
    viewer: &Viewer,
    id: i64,
    multipart: &mut Multipart,
    tripped: &std::sync::atomic::AtomicBool,
) -> Result<Response, Refusal> {
    let o = owned(state, viewer, id, &format!("/applications/{id}/edit")).await?;
    let back = |code: &str| {
        Redirect::to(&format!("/applications/{id}/edit?msg={code}#files")).into_response()
    };
    let mut csrf = String::new();
    let mut slot_id = String::new();
    let mut small_parts = 0;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| broken_stream(tripped))?
    {
        if field.name() != Some("file") {
            small_parts += 1;
            if small_parts > MAX_SMALL_PARTS {
                return Err(Refusal::PartTooLarge);
            }
        }
        match field.name() {
            Some("csrf") => csrf = small_part(field, tripped).await?,
            Some("slot") => slot_id = small_part(field, tripped).await?,
            Some("file") => {
                viewer.check_csrf(&csrf)?;
                if !o.editable() {
                    return Err(AppError::Refused(s::FORM_READONLY.to_string()).into());
                }
                let (slot, limits) = o
                    .entry
                    .call
                    .files_for(&o.app.direction)
                    .find(|(sl, _)| sl.id == slot_id)
                    .ok_or(AppError::NotFound)?;
                let original = field.file_name().unwrap_or("").trim().to_string();
                if original.is_empty() {
                    return Ok(back("no_file"));
                }
                let existing = state
                    .store
                    .attachments(id)
                    .await?
                    .iter()
                    .filter(|a| a.slot == slot.id)
                    .count();
                if existing as u64 >= u64::from(limits.max_count) {
                    return Ok(back("too_many"));
                }
                let limit = limits.max_size.min(state.files.max_bytes);
                let received = match state.files.receive(field, limit).await {
                    Ok(r) => r,
                    Err(UploadError::TooLarge) => return Ok(back("too_large")),
                    Err(UploadError::Interrupted(_)) => {
                        return match broken_stream(tripped) {
                            Refusal::PartTooLarge => Err(Refusal::PartTooLarge),
                            Refusal::App(_) => Ok(back("interrupted")),
                        };
                    }
                    Err(UploadError::Io(e)) => return Err(AppError::Internal(e.into()).into()),
                };
                if received.size == 0 {
                    state.files.discard(received).await;
                    return Ok(back("no_file"));
                }
                if received.size < limits.min_size {
                    state.files.discard(received).await;
                    return Ok(back("too_small"));
                }
                let Some(kind) = received
                    .file_type
                    .filter(|t| slot.types.iter().any(|x| x == t))
                else {
                    state.files.discard(received).await;
                    return Ok(back("wrong_type"));
                };
                let key = format!("{}/{}/{}", o.app.call_id, id, crate::auth::random_token());
                state
                    .files
                    .persist(&received, &key)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
                let file = NewAttachment {
                    application_id: id,
                    slot: slot.id.clone(),
                    original_name: shenbao_core::text::file_name(&original, kind),
                    storage_key: key.clone(),
                    size: i64::try_from(received.size).unwrap_or(i64::MAX),
                    sha256: received.sha256.clone(),
                    file_type: kind.to_string(),
                    created_at: state.now(),
                    uploaded_by: o.user.id,
                };
                let actor = Actor {
                    user: &o.user,
                    ip: viewer.ip.as_deref(),
                    now: state.now(),
                };
                if let Err(error) = applicant::attach(&state.store, actor, &o.app, &file).await {
                    state.files.delete(&key).await;
                    return Err(action_error(Some(o.entry), error).into());
                }
                return Ok(back("uploaded"));
            }
            // Unknown parts are read within the same bound and thrown away.
            _ => {
                small_part(field, tripped).await?;
            }
        }
    }
    Ok(back("no_file"))
}

/// `POST /applications/{id}/files/{file}/delete`: while a draft.
pub async fn delete_file(
    State(state): State<ServerState>,
    Path((id, file_id)): Path<(i64, i64)>,
    Posted { viewer, .. }: Posted,
) -> Result<Response, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}/edit")).await?;
    // A file frozen in an earlier submission stays on disk: the snapshot still names it.
    let frozen = state.store.latest_snapshot(id).await?.is_some_and(|snap| {
        shenbao_app::snapshot::files(&snap.files)
            .iter()
            .any(|f| f.id == file_id)
    });
    let removed = applicant::detach(&state.store, actor(&state, &viewer, &o), &o.app, file_id)
        .await
        .map_err(|e| action_error(Some(o.entry), e))?;
    if let Some(row) = removed
        && !frozen
    {
        state.files.delete(&row.storage_key).await;
    }
    Ok(Redirect::to(&format!("/applications/{id}/edit#files")).into_response())
}

/// `GET /applications/{id}/files/{file}`: streams the file back to its owner.
pub async fn download_file(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    owned(&state, &viewer, id, &format!("/applications/{id}")).await?;
    let a = state
        .store
        .attachment(file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if a.application_id != id {
        return Err(AppError::NotFound);
    }
    send_attachment(&state, &a).await
}

/// `GET /applications/{id}/form/{format}`: the application form filled in, to its owner: the
/// latest saved answers while the applicant may still change them, else the submitted snapshot.
pub async fn download_form(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}")).await?;
    let format = Format::parse(&format)?;
    let version = if o.editable() {
        Version::Draft
    } else {
        Version::Submitted
    };
    application_download(&state, o.entry.call, &o.app, version, format).await
}

/// `GET /applications/{id}/letter/{letter}/{format}`: a letter of the owning organisation's
/// application (承诺书, 联合体协议书) filled in from its answers, like the form.
pub async fn download_letter(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path((id, letter, format)): Path<(i64, String, String)>,
) -> Result<Response, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}")).await?;
    let format = Format::parse(&format)?;
    let letter = letter_kind(&letter)?;
    let version = if o.editable() {
        Version::Draft
    } else {
        Version::Submitted
    };
    letter_download(&state, o.entry.call, &o.app, version, letter, format).await
}

// ---- submit, withdraw, status -------------------------------------------------------------

#[derive(Template)]
#[template(path = "application/submit.html")]
struct SubmitPage {
    nav: Nav,
    id: i64,
    version: i64,
    call_title: String,
    direction: String,
    errors: Vec<String>,
    warnings: Vec<String>,
    commitment: Commitment,
    commitment_text: String,
    justification: String,
    problems: Vec<&'static str>,
    open: bool,
    /// Sector departments to choose from, for a direction routed by sector.
    sectors: Vec<String>,
    sector: String,
    resubmission: bool,
}

async fn submit_page(
    state: &ServerState,
    viewer: &Viewer,
    o: &Owned<'_>,
    justification: String,
    problems: Vec<&'static str>,
) -> Result<(Html<String>, Report), AppError> {
    let report = applicant::check(&state.store, o.entry, &o.app).await?;
    let answers = serde_json::from_str::<Json>(&o.app.answers).unwrap_or_default();
    let commitment = o.entry.call.def().commitment.clone();
    let mut commitment_text = commitment.text.clone();
    for p in shenbao_core::call::compile::placeholders(&commitment.text) {
        let v = answers.get(p).and_then(Json::as_str).unwrap_or("____");
        commitment_text = commitment_text.replace(&format!("{{{p}}}"), v);
    }
    let page = render(SubmitPage {
        nav: Nav::of(viewer),
        id: o.app.id,
        version: o.app.version,
        call_title: o.entry.call.def().title.clone(),
        direction: o.direction_name(),
        errors: report
            .of(Severity::Error)
            .map(|p| p.message.clone())
            .collect(),
        warnings: report
            .of(Severity::Warning)
            .map(|p| p.message.clone())
            .collect(),
        commitment,
        commitment_text,
        justification,
        problems,
        open: o.app.status == ApplicationStatus::Returned || o.entry.is_open(state.now()),
        sectors: applicant::sector_choices(&state.store, o.entry, &o.app)
            .await
            .map_err(|e| action_error(Some(o.entry), e))?,
        sector: o.app.sector.clone().unwrap_or_default(),
        resubmission: o.app.status == ApplicationStatus::Returned,
    })?;
    Ok((page, report))
}

/// `GET /applications/{id}/submit`: the final check, the warnings to justify and the
/// commitment.
pub async fn submit_form(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}/submit")).await?;
    if !o.editable() {
        return Err(AppError::Refused(s::FORM_READONLY.to_string()));
    }
    let j = o.app.justification.clone().unwrap_or_default();
    Ok(submit_page(&state, &viewer, &o, j, Vec::new()).await?.0)
}

/// The submit form.
#[derive(Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    accept: Option<String>,
    /// The sector department, for directions routed by sector.
    #[serde(default)]
    sector: String,
}

/// `POST /applications/{id}/submit`: freezes the application as a snapshot with a content
/// hash, if it passes every check before the deadline (the use case
/// [`applicant::submit`]); shows the page again with what is missing.
pub async fn submit_application(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted { viewer, form, .. }: Posted<SubmitForm>,
) -> Result<Response, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}/submit")).await?;
    let input = SubmitInput {
        version: form.version,
        justification: form.justification,
        accepted: form.accept.is_some(),
        sector: form.sector,
    };
    match applicant::submit(
        &state.store,
        &state.calls,
        actor(&state, &viewer, &o),
        id,
        &input,
    )
    .await
    {
        Ok(done) => {
            crate::notices::deliver(&state, &done.outbox).await;
            Ok(Redirect::to(&format!("/applications/{id}")).into_response())
        }
        Err(ActionError::Incomplete(problems)) => {
            let justification = shenbao_core::text::clean(&input.justification)
                .trim()
                .to_string();
            let problems = problems.into_iter().filter_map(problem_text).collect();
            let (page, _) = submit_page(&state, &viewer, &o, justification, problems).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(action_error(Some(o.entry), error)),
    }
}

/// The viewer as the actor of an action on `o`.
fn actor<'v>(state: &ServerState, viewer: &'v Viewer, o: &'v Owned<'_>) -> Actor<'v> {
    Actor {
        user: &o.user,
        ip: viewer.ip.as_deref(),
        now: state.now(),
    }
}

/// `POST /applications/{id}/withdraw`: back to draft, before the deadline, while the first
/// level has not decided (the use case [`applicant::withdraw`]).
pub async fn withdraw_application(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted { viewer, .. }: Posted,
) -> Result<Response, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}")).await?;
    applicant::withdraw(&state.store, &state.calls, actor(&state, &viewer, &o), id)
        .await
        .map_err(|e| action_error(Some(o.entry), e))?;
    Ok(Redirect::to(&format!("/applications/{id}/edit?msg=withdrawn")).into_response())
}

/// A history line.
pub struct EventView {
    at: String,
    what: &'static str,
    note: String,
}

#[derive(Template)]
#[template(path = "application/show.html")]
struct ShowPage {
    nav: Nav,
    id: i64,
    /// Letters to print and sign: (URL name, title).
    letters: Vec<(&'static str, String)>,
    call_title: String,
    direction: String,
    status: &'static str,
    submitted: bool,
    open: bool,
    updated: String,
    hash: Option<String>,
    events: Vec<EventView>,
    files: Vec<(i64, String, String, String)>,
    returned_comment: Option<String>,
    editable: bool,
    withdrawable: bool,
    now_at: Option<String>,
}

/// `GET /applications/{id}`: status, history, files, and what can be done now.
pub async fn show_application(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let o = owned(&state, &viewer, id, &format!("/applications/{id}")).await?;
    let events = state
        .store
        .application_events(id)
        .await?
        .into_iter()
        .map(|e| EventView {
            at: fmt_time(e.at),
            what: event_label(e.from_status, e.to_status),
            note: e.note.unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    let returned_comment = (o.app.status == ApplicationStatus::Returned)
        .then(|| events.iter().rev().find(|e| e.what == s::EVENT_RETURNED))
        .flatten()
        .map(|e| e.note.clone());
    let hash = if !o.editable() {
        state
            .store
            .latest_snapshot(id)
            .await?
            .map(|s| s.content_hash)
    } else {
        None
    };
    let files = state
        .store
        .attachments(id)
        .await?
        .into_iter()
        .map(|a| {
            let slot = o
                .entry
                .call
                .def()
                .files
                .iter()
                .find(|f| f.id == a.slot)
                .map_or(a.slot, |f| f.label.clone());
            let name = shenbao_core::text::file_name(&a.original_name, &a.file_type);
            (a.id, slot, name, a.sha256)
        })
        .collect();
    render(ShowPage {
        nav: Nav::of(&viewer),
        id,
        letters: crate::documents::letters(o.entry.call),
        call_title: o.entry.call.def().title.clone(),
        direction: o.direction_name(),
        status: applicant_status(&state, &o.app).await?,
        submitted: !o.editable(),
        open: o.entry.is_open(state.now()),
        updated: fmt_time(o.app.updated_at),
        hash,
        events,
        files,
        returned_comment,
        editable: o.editable(),
        withdrawable: o.app.status == ApplicationStatus::Submitted
            && o.entry
                .call
                .levels_for(&o.app.direction)
                .next()
                .map(|l| &l.id)
                == o.app.level.as_ref(),
        now_at: o.app.level.as_ref().and_then(|l| {
            o.entry
                .call
                .def()
                .review_levels
                .iter()
                .find(|x| &x.id == l)
                .map(|x| x.name.clone())
        }),
    })
}
