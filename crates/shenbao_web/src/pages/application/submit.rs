//! The final check and submission, withdrawal, and the application's page with its history.

use super::*;

#[derive(Template)]
#[template(path = "application/submit.html")]
pub(super) struct SubmitPage {
    nav: Nav,
    /// The applicant's deadline as shown, empty without one.
    deadline: String,
    /// The receiving unit's contact, empty when it set none.
    contact: String,
    /// Where the application goes when submitted, empty when not yet known.
    receiving: String,
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
    /// Development and pilot zones that may receive it instead of the county's bureau, with
    /// what the call says of each.
    zones: Vec<(String, Option<String>)>,
    sector: String,
    resubmission: bool,
}

pub(super) async fn submit_page(
    state: &ServerState,
    viewer: &Viewer,
    o: &Owned<'_>,
    justification: String,
    problems: Vec<&'static str>,
) -> Result<(Html<String>, Report), AppError> {
    let report = applicant::check(&state.store, &state.calls, o.entry, &o.app).await?;
    let answers = serde_json::from_str::<Json>(&o.app.answers).unwrap_or_default();
    let commitment = o.entry.call.def().commitment.clone();
    let mut commitment_text = commitment.text.clone();
    for p in shenbao_core::call::compile::placeholders(&commitment.text) {
        let v = answers.get(p).and_then(Json::as_str).unwrap_or("____");
        commitment_text = commitment_text.replace(&format!("{{{p}}}"), v);
    }
    let deadline = o.deadline(state).await?;
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
        open: o.app.status == ApplicationStatus::Returned || deadline.open,
        deadline: deadline.text,
        contact: deadline.contact,
        receiving: deadline.receiving,
        sectors: applicant::sector_choices(&state.store, o.entry, &o.app)
            .await
            .map_err(|e| action_error(Some(o.entry), e))?,
        zones: applicant::zone_choices(&state.store, o.entry, &o.app)
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
    SignedIn { viewer, user }: SignedIn<Applicants>,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let o = owned(&state, &user, id).await?;
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
    Posted {
        viewer, user, form, ..
    }: Posted<SubmitForm, Applicants>,
) -> Result<Response, AppError> {
    let o = owned(&state, &user, id).await?;
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
pub(super) fn actor<'v>(state: &ServerState, viewer: &'v Viewer, o: &'v Owned<'_>) -> Actor<'v> {
    viewer.actor(&o.user, state.now())
}

/// `POST /applications/{id}/withdraw`: back to draft, before the deadline, while the first
/// level has not decided (the use case [`applicant::withdraw`]).
pub async fn withdraw_application(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted { viewer, user, .. }: Posted<Fields, Applicants>,
) -> Result<Response, AppError> {
    let o = owned(&state, &user, id).await?;
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
pub(super) struct ShowPage {
    nav: Nav,
    /// The applicant's deadline as shown, empty without one.
    deadline: String,
    /// The receiving unit's contact, empty when it set none.
    contact: String,
    id: i64,
    /// Letters to print and sign: (URL name, title).
    letters: Vec<(&'static str, String)>,
    call_title: String,
    direction: String,
    status: &'static str,
    submitted: bool,
    open: bool,
    updated: String,
    /// The 受理编号 of the submitted version, once it is no longer editable.
    number: Option<String>,
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
    SignedIn { viewer, user }: SignedIn<Applicants>,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let o = owned(&state, &user, id).await?;
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
    // The 受理编号 of the version under review, printed on every page of its form.
    let number = match (o.editable(), state.store.latest_snapshot(id).await?) {
        (false, Some(snap)) => {
            let region = state
                .store
                .organisation(o.app.organisation_id)
                .await?
                .map(|org| org.region)
                .unwrap_or_default();
            Some(snap.acceptance_number(&o.app.call_id, o.entry.call.def().year, &region))
        }
        _ => None,
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
    let deadline = o.deadline(&state).await?;
    // The unit that holds it now, by its name, with the contact it gave its applicants.
    let mut now_at = None;
    if let (Some(level_id), Some(unit)) = (o.app.level.as_deref(), o.app.unit.as_deref()) {
        let level = (o.entry.call.def().review_levels.iter()).find(|x| x.id == level_id);
        if let Some(level) = level {
            let at = shenbao_store::UnitRef {
                call_id: o.app.call_id.clone(),
                level: level_id.to_string(),
                unit: unit.to_string(),
            };
            let contact = state
                .store
                .unit_timeline(&at)
                .await?
                .map(|t| {
                    [t.contact_name, t.contact_phone]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            now_at = Some(s::unit_with_contact(
                &crate::pages::view::unit_label(level, unit),
                &contact,
            ));
        }
    }
    render(ShowPage {
        nav: Nav::of(&viewer),
        id,
        letters: crate::documents::letters(o.entry.call),
        call_title: o.entry.call.def().title.clone(),
        direction: o.direction_name(),
        status: applicant_status(&state, &o.app).await?,
        submitted: !o.editable(),
        open: deadline.open,
        deadline: deadline.text,
        contact: deadline.contact,
        updated: fmt_time(o.app.updated_at),
        number,
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
        now_at,
    })
}

/// The members form: `add` with the member's code, name and region, or `remove` with its
/// position.
#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    position: i64,
}

/// `POST /applications/{id}/members`: names or removes a member of the joint application.
pub async fn change_members(
    State(state): State<ServerState>,
    Path(id): Path<i64>,
    Posted {
        viewer, user, form, ..
    }: Posted<MemberForm, Applicants>,
) -> Result<Response, AppError> {
    let o = owned(&state, &user, id).await?;
    let actor = actor(&state, &viewer, &o);
    let done = if form.action == "remove" {
        shenbao_app::actions::consortium::remove_member(&state.store, actor, id, form.position)
            .await
            .map(|()| "member_removed")
    } else {
        let input = shenbao_app::actions::consortium::MemberInput {
            uscc: form.uscc,
            name: form.name,
            region: form.region,
        };
        shenbao_app::actions::consortium::add_member(&state.store, &state.calls, actor, id, &input)
            .await
            .map(|()| "member_added")
    };
    let code = done.map_err(|e| action_error(Some(o.entry), e))?;
    Ok(Redirect::to(&format!("/applications/{id}/edit?msg={code}#members")).into_response())
}
