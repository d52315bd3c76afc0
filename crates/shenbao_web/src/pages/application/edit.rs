//! The form: the edit page, saving, autosave, rows added and removed.

use super::*;

/// One file slot with its files, on the form page.
pub struct SlotView {
    slot: FileSlot,
    limits_text: String,
    files: Vec<(i64, String, String)>,
    problems: Vec<String>,
    full: bool,
    /// After an upload into this slot: one message per file.
    messages: Vec<SlotMessage>,
    /// Whether several files may be chosen at once (the slot takes more than one).
    multiple: bool,
    /// For the page's script: what it says when a file's upload was refused as a whole or
    /// broke off, with `{file}` and `{reason}` to fill in (the reason is the server's, or
    /// the files section's `data-interrupted`).
    refused_template: String,
}

/// One slot alone, as the page shows it: the script puts it in place of the old after an
/// upload.
#[derive(Template)]
#[template(path = "application/slot.html")]
pub(super) struct SlotFragment<'a> {
    nav: Nav,
    id: i64,
    editable: bool,
    v: &'a SlotView,
}

#[derive(Template)]
#[template(path = "application/edit.html")]
pub(super) struct EditPage {
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
    /// The reason the script gives when a file could not be sent (the connection broke).
    upload_interrupted: &'static str,
    /// The joint application's members, where the call takes consortia in the direction.
    consortium: Option<ConsortiumView>,
}

/// The members section of the edit page.
pub(super) struct ConsortiumView {
    /// Most members besides the lead.
    max: u32,
    /// The rule's source in the notice.
    source: String,
    /// (position, name, USCC, region name).
    members: Vec<(i64, String, String, String)>,
}

/// Query of the edit page: a message to show after a redirect, rows to show for a
/// repeating-rows field after "add row" without JavaScript (`field:count`), and after an
/// upload what became of each file (see [`UploadOutcome`]).
#[derive(Deserialize)]
pub struct EditQuery {
    msg: Option<String>,
    rows: Option<String>,
    slot: Option<String>,
    done: Option<String>,
    refused: Option<String>,
    more: Option<usize>,
}

pub(crate) fn limits_text(slot: &FileSlot, l: &SlotLimits) -> String {
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
pub(super) struct EditExtras {
    /// A message at the top and its class (ok, error).
    notice: Option<(String, &'static str)>,
    /// Rows to show per repeating-rows field (after add/remove without JavaScript).
    rows_wanted: BTreeMap<String, usize>,
    /// What an upload did, shown at its slot.
    upload: Option<UploadOutcome>,
}

/// Builds the edit page for `answers` with the engine's report.
pub(super) async fn edit_page(
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
        upload,
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
    let slots = slot_views(state, o, &attachments, &report, upload.as_ref());
    let (notice, notice_class) = match notice {
        Some((n, c)) => (Some(n), c),
        None if !editable => (Some(s::FORM_READONLY.to_string()), "ok"),
        None => (None, ""),
    };
    let consortium = match shenbao_core::consortium::rule(o.entry.call, &o.app.direction) {
        None => None,
        Some(rule) => Some(ConsortiumView {
            max: rule.max_members,
            source: rule.source.clone().unwrap_or_default(),
            members: state
                .store
                .members_of(o.app.id)
                .await?
                .into_iter()
                .map(|m| {
                    let region = shenbao_core::region::full_name(&m.region).unwrap_or(m.region);
                    (m.position, m.name, m.uscc, region)
                })
                .collect(),
        }),
    };
    render(EditPage {
        consortium,
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
        upload_interrupted: s::UPLOAD_INTERRUPTED,
    })
}

/// The slots of the application's direction with their files and problems, and the
/// messages of `upload` at its slot.
fn slot_views(
    state: &ServerState,
    o: &Owned<'_>,
    attachments: &[shenbao_store::AttachmentRow],
    report: &Report,
    upload: Option<&UploadOutcome>,
) -> Vec<SlotView> {
    o.entry
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
            let messages = upload
                .filter(|u| u.slot == slot.id)
                .map(|u| u.messages(slot, &limits, state.files.max_bytes, attachments))
                .unwrap_or_default();
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
                refused_template: s::upload_refused("{file}", &slot.label, "{reason}"),
                multiple: limits.max_count > 1,
                slot: slot.clone(),
                files,
                full,
                messages,
            }
        })
        .collect()
}

/// The HTML of slot `slot_id` alone, as the edit page shows it (without messages).
pub(super) async fn slot_fragment(
    state: &ServerState,
    viewer: &Viewer,
    o: &Owned<'_>,
    attachments: &[shenbao_store::AttachmentRow],
    slot_id: &str,
) -> Result<String, AppError> {
    let answers: Json = serde_json::from_str(&o.app.answers).unwrap_or_else(|_| json!({}));
    let metas = attachment_metas(attachments);
    let profile = profile_of(state, &o.user).await?;
    let report = form::check(
        o.entry.call,
        &Application {
            target: o.target(),
            answers: &answers,
            profile: Some(&profile),
            files: Some(&metas),
        },
    );
    let views = slot_views(state, o, attachments, &report, None);
    let v = views
        .iter()
        .find(|v| v.slot.id == slot_id)
        .ok_or(AppError::NotFound)?;
    SlotFragment {
        nav: Nav::of(viewer),
        id: o.app.id,
        editable: o.editable(),
        v,
    }
    .render()
    .map_err(|e| AppError::Internal(e.into()))
}

pub(super) fn message_for(code: &str) -> Option<(String, &'static str)> {
    let (text, class) = match code {
        "saved" => (s::FORM_SAVED, "ok"),
        "existing" => (s::APP_EXISTING, "ok"),
        "withdrawn" => (s::APP_WITHDRAWN, "ok"),
        "member_added" => (s::MEMBER_ADDED, "ok"),
        "member_removed" => (s::MEMBER_REMOVED, "ok"),
        _ => return None,
    };
    Some((text.to_string(), class))
}

/// `GET /applications/{id}/edit`.
pub async fn edit_application(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Applicants>,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> Result<Html<String>, AppError> {
    let o = owned(&state, &user, id).await?;
    let answers: Json = serde_json::from_str(&o.app.answers).unwrap_or_else(|_| json!({}));
    let notice = q.msg.as_deref().and_then(message_for);
    // After an upload its messages are at the slot, not at the top of the page.
    let upload = q.slot.as_deref().map(|slot| {
        UploadOutcome::from_query(
            q.msg.as_deref(),
            slot,
            q.done.as_deref(),
            q.refused.as_deref(),
            q.more,
        )
    });
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
            upload,
            rows_wanted,
        },
    )
    .await
}

pub(super) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A posted draft form (its CSRF token checked by [`Posted`]): the owned application (still a
/// draft), the form's fields, and the version the form was loaded at.
pub(super) async fn posted_draft<'s>(
    state: &'s ServerState,
    user: &UserRow,
    id: i64,
    pairs: Vec<(String, String)>,
) -> Result<(Owned<'s>, Vec<(String, String)>, i64), AppError> {
    let o = owned(state, user, id).await?;
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
    Posted {
        viewer,
        user,
        fields,
        ..
    }: Posted<Fields, Applicants>,
) -> Result<Response, AppError> {
    let (o, pairs, version) = posted_draft(&state, &user, id, fields).await?;
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
                    upload: None,
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
    Posted {
        viewer,
        user,
        fields,
        ..
    }: Posted<Fields, Applicants>,
) -> Result<Response, AppError> {
    let (o, pairs, version) = posted_draft(&state, &user, id, fields).await?;
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

pub(super) fn computed_only(
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
