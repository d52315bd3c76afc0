//! A receiving unit's own dates (GET, POST /review/{call}/timeline): the call's whole timeline,
//! and the applicants' deadline and contact the unit sets for the applicants it receives.

use super::*;
use crate::pages::public::{DeadlineRow, timeline_rows};
use shenbao_app::actions::Problem;
use shenbao_app::actions::review::TimelineInput;

/// What the form shows: the saved settings, or what was typed when it was refused.
#[derive(Debug, Default, Deserialize)]
pub struct TimelineForm {
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
}

#[derive(Template)]
#[template(path = "review/timeline.html")]
pub(super) struct TimelinePage {
    nav: Nav,
    call_id: String,
    title: String,
    unit: String,
    level: String,
    level_deadline: String,
    latest: String,
    deadlines: Vec<DeadlineRow>,
    form: TimelineForm,
    errors: Vec<String>,
    saved: bool,
}

/// `?saved=1` after a successful save.
#[derive(Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

fn page(
    desk: &Desk<'_>,
    viewer: &Viewer,
    form: TimelineForm,
    errors: Vec<String>,
    saved: bool,
) -> TimelinePage {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    TimelinePage {
        nav: Nav::of(viewer),
        call_id: desk.entry.call.id().to_string(),
        title: desk.entry.call.def().title.clone(),
        unit: desk_label(desk),
        level: desk.level.name.clone(),
        level_deadline: day(desk.deadline()),
        latest: day(desk.latest_applicant_deadline()),
        deadlines: timeline_rows(desk.entry),
        form,
        errors,
        saved,
    }
}

/// The receiving unit's desk at `call_id`; 404 for a unit that receives no applicants.
fn receiving_desk<'s>(
    state: &'s ServerState,
    user: &UserRow,
    call_id: &str,
) -> Result<Desk<'s>, AppError> {
    let desk = desk(state, user, call_id)?;
    if desk.receiving_directions().is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(desk)
}

/// `GET /review/{call}/timeline`: the call's timeline and the unit's own settings.
pub async fn timeline_page(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Query(query): Query<SavedQuery>,
    SignedIn { viewer, user }: SignedIn<Bureaus>,
) -> Result<Html<String>, AppError> {
    let desk = receiving_desk(&state, &user, &call_id)?;
    let settings =
        shenbao_app::timeline::unit_settings(&state.store, desk.entry, &desk.level.id, &desk.unit)
            .await?;
    let form = TimelineForm {
        deadline: settings.deadline.map(|d| d.to_string()).unwrap_or_default(),
        contact_name: settings.contact_name.unwrap_or_default(),
        contact_phone: settings.contact_phone.unwrap_or_default(),
    };
    render(page(
        &desk,
        &viewer,
        form,
        Vec::new(),
        query.saved.is_some(),
    ))
}

/// `POST /review/{call}/timeline`: saves the unit's applicants' deadline and contact; a
/// refusal shows the form again with what was typed and why.
pub async fn save_timeline(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer, user, form, ..
    }: Posted<TimelineForm, Bureaus>,
) -> Result<Response, AppError> {
    let desk = receiving_desk(&state, &user, &call_id)?;
    let input = TimelineInput {
        deadline: form.deadline.clone(),
        contact_name: form.contact_name.clone(),
        contact_phone: form.contact_phone.clone(),
    };
    let actor = viewer.actor(&user, state.now());
    match review::set_timeline(&state.store, &state.calls, actor, &call_id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/review/{call_id}/timeline?saved=1")).into_response()),
        Err(ActionError::Incomplete(problems)) => {
            let latest = desk
                .latest_applicant_deadline()
                .map(|d| d.to_string())
                .unwrap_or_default();
            let errors = problems
                .into_iter()
                .map(|p| match p {
                    Problem::DeadlineTooLate => s::timeline_deadline_too_late(&latest),
                    other => super::super::view::problem_text(other)
                        .unwrap_or(s::FORM_HAS_ERRORS)
                        .to_string(),
                })
                .collect();
            let html = render(page(&desk, &viewer, form, errors, false))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(action_error(Some(desk.entry), e)),
    }
}
