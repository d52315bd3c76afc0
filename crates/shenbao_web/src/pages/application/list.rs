//! The applicant's list of applications, and starting one.

use super::*;

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
pub(super) struct ListPage {
    nav: Nav,
    rows: Vec<AppListRow>,
}

/// `GET /applications`: the organisation's applications.
pub async fn list_applications(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Applicants>,
) -> Result<Html<String>, AppError> {
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
    Posted {
        viewer, user, form, ..
    }: Posted<StartForm, Applicants>,
) -> Result<Response, AppError> {
    let (direction, sub) = match form.direction.split_once('/') {
        Some((d, s)) => (d, Some(s)),
        None => (form.direction.as_str(), None),
    };
    let actor = viewer.actor(&user, state.now());
    let app = match applicant::start(&state.store, &state.calls, actor, &call_id, direction, sub)
        .await
    {
        Ok(app) => app,
        // Started again where the limits allow no more, with a draft there already: that
        // draft, to go on filling in, instead of a refusal.
        Err(e @ ActionError::Refused(ActionRefusal::Limits(_))) => {
            let existing = match user.organisation_id {
                Some(org) => state
                    .store
                    .applications_of_organisation(org, Some(&call_id))
                    .await?
                    .into_iter()
                    .find(|a| a.direction == direction && a.status.is_editable()),
                None => None,
            };
            return match existing {
                Some(a) => Ok(
                    Redirect::to(&format!("/applications/{}/edit?msg=existing", a.id))
                        .into_response(),
                ),
                None => Err(action_error(state.calls.get(&call_id), e)),
            };
        }
        Err(e) => return Err(action_error(state.calls.get(&call_id), e)),
    };
    Ok(Redirect::to(&format!("/applications/{}/edit", app.id)).into_response())
}
