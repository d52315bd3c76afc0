//! owner/{call}/publish

use super::*;

/// A selected application on the confirmation page.
pub struct SelectedLine {
    title: String,
    organisation: String,
    direction: String,
}

#[derive(Template)]
#[template(path = "owner/publish.html")]
pub(super) struct PublishPage {
    nav: Nav,
    call_id: String,
    title: String,
    error: Option<&'static str>,
    selected: Vec<SelectedLine>,
    more: bool,
}

pub(super) async fn publish_page_html(
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
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let entry = owned_contest(&state, &user, &call_id)?;
    refuse_if_published(&state, &call_id).await?;
    publish_page_html(&state, &viewer, entry, None).await
}

/// `POST /owner/{call}/publish`: publishes the selected applications once confirmed.
pub async fn publish(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let entry = owned_contest(&state, &user, &call_id)?;
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
