//! owner/{call}/experts

use super::*;

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
pub(super) struct ExpertsPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest: a collection (摸底) has no expert, ranking or results tabs.
    contest: bool,
    title: String,
    notice: Option<Notice>,
    pool: Vec<PoolLine>,
    conflicts: Vec<ConflictLine>,
    input: ExpertsInput,
}

pub(super) async fn experts_page_html(
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
        contest: entry.call.def().kind.is_contest(),
        notice,
        pool,
        conflicts,
        input,
    })
}

/// `GET /owner/{call}/experts`: the pool with each expert's load, and the conflicts.
pub async fn experts_page(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_contest(&state, &user, &call_id)?;
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
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/experts");
    let entry = owned_contest(&state, &user, &call_id)?;
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
