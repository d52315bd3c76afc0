//! A call's definition and life by its owner: upload or paste a call file (GET, POST
//! /owner/calls/new), and the call's page (GET /owner/{call}/definition) with its state and the
//! moves from it, its timeline to set, its versions with what a waiting version would do to the
//! drafts, and the links to preview it as applicants will see it.

use super::*;
use chrono::NaiveDate;
use shenbao_app::actions::publishing::{self, UploadError, Uploaded};
use shenbao_core::call::CallState;
use shenbao_core::call::dates::Dates;

/// The upload form: the text of a call file.
#[derive(Debug, Default, Deserialize)]
pub struct UploadForm {
    #[serde(default)]
    source: String,
}

#[derive(Template)]
#[template(path = "owner/upload.html")]
pub(super) struct UploadPage {
    nav: Nav,
    source: String,
    /// Every problem: (line, column, path, message); line 0 when the place is unknown.
    problems: Vec<(usize, usize, String, String)>,
    error: Option<String>,
}

/// `GET /owner/calls/new`: the form to upload or paste a call file.
pub async fn upload_page(
    SignedIn { viewer, .. }: SignedIn<Owners>,
) -> Result<Html<String>, AppError> {
    render(UploadPage {
        nav: Nav::of(&viewer),
        source: String::new(),
        problems: Vec::new(),
        error: None,
    })
}

/// `POST /owner/calls/new`: stores the call file as a new version, or shows it again with
/// every problem at its line.
pub async fn upload(
    State(state): State<ServerState>,
    Posted {
        viewer, user, form, ..
    }: Posted<UploadForm, Owners>,
) -> Result<Response, AppError> {
    let source = form.source.replace("\r\n", "\n");
    let actor = viewer.actor(&user, state.now());
    let again = |problems, error: Option<String>| -> Result<Response, AppError> {
        let page = render(UploadPage {
            nav: Nav::of(&viewer),
            source: source.clone(),
            problems,
            error,
        })?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    match publishing::upload(&state.store, &state.calls, actor, "上传的通知", &source).await {
        Ok(Uploaded { id, .. }) => {
            Ok(Redirect::to(&format!("/owner/{id}/definition?msg=uploaded")).into_response())
        }
        Err(UploadError::Invalid(e)) => again(
            e.problems
                .into_iter()
                .map(|p| (p.line, p.column, p.path, p.message))
                .collect(),
            None,
        ),
        Err(UploadError::NotOwner) => again(Vec::new(), Some(s::CALL_NOT_YOURS.to_string())),
        Err(UploadError::Unreadable(e)) => again(Vec::new(), Some(e)),
        Err(UploadError::Store(e)) => Err(e.into()),
        Err(UploadError::Refresh(e)) => Err(AppError::Internal(e)),
    }
}

/// Affected applications a page lists at most (the count covers them all).
const AFFECTED_SHOWN: usize = 100;

/// `?msg=…` after a redirect; `?effect=N` checks what waiting version N would do to the
/// applications still being written (on request: it reads every draft of the call).
#[derive(Debug, Default, Deserialize)]
pub struct DefinitionQuery {
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    effect: Option<i64>,
}

/// A version on the call's page.
pub struct VersionLine {
    version: i64,
    origin: &'static str,
    at: String,
    current: bool,
    /// A version newer than the current one, waiting to be published.
    waiting: bool,
    /// For a waiting version, its effect when asked for.
    effect: Option<EffectView>,
}

/// What a waiting version would do to the applications still being written.
pub struct EffectView {
    /// How many drafts and returned applications were checked.
    checked: usize,
    /// How many the new version finds new problems with.
    count: usize,
    /// The first of them: (application, organisation, the new problems).
    shown: Vec<(i64, String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "owner/definition.html")]
pub(super) struct DefinitionPage {
    nav: Nav,
    call_id: String,
    title: String,
    notice: Option<Notice>,
    state: &'static str,
    moves: Vec<(&'static str, &'static str)>,
    applicant_deadline: String,
    levels: Vec<(String, String, String)>,
    deadlines: Vec<crate::pages::public::DeadlineRow>,
    blanks: Vec<(String, String, String)>,
    versions: Vec<VersionLine>,
}

fn origin_label(origin: &str) -> &'static str {
    match origin {
        "builtin" => "系统内置",
        "folder" => "通知目录",
        "upload" => "上传",
        _ => "早期加载",
    }
}

/// `GET /owner/{call}/definition`: see the module documentation.
pub async fn definition_page(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<DefinitionQuery>,
) -> Result<Html<String>, AppError> {
    let entry = publishing::owned(&state.calls, &user, &call_id).map_err(|_| AppError::NotFound)?;
    let call = entry.call;
    let call_state = state.calls.state(&call_id);
    let mut versions = Vec::new();
    for (id, version) in state.store.call_version_keys().await? {
        if id != call_id {
            continue;
        }
        let Some(row) = state.store.call_version(&id, version).await? else {
            continue;
        };
        let waiting = version > entry.version;
        let effect = match (
            q.effect == Some(version),
            waiting,
            state.calls.version(&id, version),
        ) {
            (true, true, Some(new)) => {
                let effect =
                    shenbao_app::versions::effect_of(&state.store, &state.calls, new.call).await?;
                let count = effect.affected.len();
                let shown = effect
                    .affected
                    .into_iter()
                    .take(AFFECTED_SHOWN)
                    .map(|a| {
                        (
                            a.application.id,
                            a.organisation,
                            a.problems.into_iter().map(|p| p.message).collect(),
                        )
                    })
                    .collect();
                Some(EffectView {
                    checked: effect.checked,
                    count,
                    shown,
                })
            }
            _ => None,
        };
        versions.push(VersionLine {
            version,
            origin: origin_label(&row.origin),
            at: super::super::view::fmt_time(row.created_at),
            current: version == entry.version,
            waiting,
            effect,
        });
    }
    versions.reverse();
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    render(DefinitionPage {
        nav: Nav::of(&viewer),
        title: call.def().title.clone(),
        notice: match q.msg.as_deref() {
            Some("uploaded") => Notice::ok(s::CALL_UPLOADED),
            Some("dates") => Notice::ok(s::CALL_DATES_SAVED),
            Some("moved") => Notice::ok(s::CALL_STATE_SAVED),
            Some("version") => Notice::ok(s::CALL_VERSION_PUBLISHED),
            _ => None,
        },
        state: call_state.label(),
        moves: call_state
            .next_by_owner()
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        applicant_deadline: day(call.stated_applicant_deadline()),
        levels: call
            .def()
            .review_levels
            .iter()
            .map(|l| {
                (
                    l.id.clone(),
                    l.name.clone(),
                    day(call.level_deadline(&l.id)),
                )
            })
            .collect(),
        deadlines: crate::pages::public::timeline_rows(entry),
        blanks: crate::documents::blank_forms(call)
            .into_iter()
            .map(|b| {
                let (docx, pdf) = (
                    b.path(&call_id, Format::Docx),
                    b.path(&call_id, Format::Pdf),
                );
                (b.name, docx, pdf)
            })
            .collect(),
        call_id,
        versions,
    })
}

/// The state form: where to move the call.
#[derive(Debug, Deserialize)]
pub struct StateForm {
    #[serde(default)]
    to: String,
}

/// `POST /owner/{call}/state`: moves the call (publish, close, start the review, archive).
pub async fn move_state(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer, user, form, ..
    }: Posted<StateForm, Owners>,
) -> Result<Response, AppError> {
    let to: CallState = form.to.parse().map_err(|_| AppError::NotFound)?;
    let actor = viewer.actor(&user, state.now());
    publishing::move_state(&state.store, &state.calls, actor, &call_id, to)
        .await
        .map_err(|e| action_error(state.calls.get_with_drafts(&call_id), e))?;
    Ok(Redirect::to(&format!("/owner/{call_id}/definition?msg=moved")).into_response())
}

/// `POST /owner/{call}/dates`: the applicants' deadline (`applicant`) and each level's
/// (`level.{id}`), written into a new version of the call.
pub async fn set_dates(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    posted: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let entry =
        publishing::owned(&state.calls, &posted.user, &call_id).map_err(|_| AppError::NotFound)?;
    let date = |name: &str| -> Result<Option<NaiveDate>, AppError> {
        let text = posted.field(name);
        if text.is_empty() {
            return Ok(None);
        }
        shenbao_core::ident::parse_date(text)
            .map(Some)
            .ok_or_else(|| AppError::Refused(s::TIMELINE_DEADLINE_INVALID.to_string()))
    };
    let mut dates = Dates {
        applicant: date("applicant")?,
        levels: Vec::new(),
    };
    for level in &entry.call.def().review_levels {
        dates
            .levels
            .push((level.id.clone(), date(&format!("level.{}", level.id))?));
    }
    let actor = posted.viewer.actor(&posted.user, state.now());
    match publishing::set_dates(&state.store, &state.calls, actor, &call_id, &dates).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/owner/{call_id}/definition?msg=dates")).into_response())
        }
        Err(UploadError::Invalid(e)) => Err(AppError::Refused(
            e.problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("；"),
        )),
        Err(UploadError::NotOwner) => Err(AppError::NotFound),
        Err(UploadError::Unreadable(e)) => Err(AppError::Refused(e)),
        Err(UploadError::Store(e)) => Err(e.into()),
        Err(UploadError::Refresh(e)) => Err(AppError::Internal(e)),
    }
}

/// `POST /owner/{call}/versions/{version}/publish`: makes a waiting version current.
pub async fn publish_version(
    State(state): State<ServerState>,
    Path((call_id, version)): Path<(String, i64)>,
    Posted { viewer, user, .. }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let actor = viewer.actor(&user, state.now());
    publishing::publish_version(&state.store, &state.calls, actor, &call_id, version)
        .await
        .map_err(|e| action_error(state.calls.get_with_drafts(&call_id), e))?;
    Ok(Redirect::to(&format!("/owner/{call_id}/definition?msg=version")).into_response())
}

/// `?direction=…&subdirection=…` of the form preview.
#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    subdirection: Option<String>,
}

#[derive(Template)]
#[template(path = "owner/form_preview.html")]
pub(super) struct FormPreviewPage {
    nav: Nav,
    call_id: String,
    title: String,
    direction: String,
    /// Every direction (and sub-direction) to preview: (query, name).
    choices: Vec<(String, String)>,
    form_html: String,
    /// The direction's file slots as the edit page lists them: (slot, its limits in words).
    slots: Vec<(shenbao_core::call::definition::FileSlot, String)>,
}

/// `GET /owner/{call}/preview?direction=…`: the online form of a direction as an applicant
/// sees it when starting, drafts included; nothing on it can be saved.
pub async fn form_preview(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> Result<Html<String>, AppError> {
    let entry = publishing::owned(&state.calls, &user, &call_id).map_err(|_| AppError::NotFound)?;
    let call = entry.call;
    let mut choices = Vec::new();
    for d in &call.def().directions {
        if d.subdirections.is_empty() {
            choices.push((format!("direction={}", d.id), d.name.clone()));
        }
        for sub in call.choices(&d.id) {
            choices.push((
                format!("direction={}&subdirection={}", d.id, sub.id()),
                format!("{}（{}）", d.name, sub.name()),
            ));
        }
    }
    let first = call.def().directions.first().map(|d| d.id.clone());
    let direction = if q.direction.is_empty() {
        first.unwrap_or_default()
    } else {
        q.direction
    };
    let d = call.direction(&direction).ok_or(AppError::NotFound)?;
    let subdirection = q
        .subdirection
        .filter(|s| call.choice(&d.id, s).is_some())
        .or_else(|| call.choices(&d.id).first().map(|x| x.id().to_string()));
    let target = shenbao_core::call::Target {
        direction: &direction,
        subdirection: subdirection.as_deref(),
    };
    // A new form shows no problems until it is saved.
    let form_html = crate::form::render_plain(call, &target, &serde_json::json!({}), true);
    let slots = call
        .files_for(&direction)
        .map(|(slot, limits)| {
            let text = crate::pages::application::limits_text(slot, &limits);
            (slot.clone(), text)
        })
        .collect();
    render(FormPreviewPage {
        nav: Nav::of(&viewer),
        slots,
        title: call.def().title.clone(),
        direction: d.name.clone(),
        choices,
        form_html,
        call_id,
    })
}
