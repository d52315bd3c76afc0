//! owner/{call}/assignments

use super::*;

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
pub(super) struct AssignmentsPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest: a collection (摸底) has no expert, ranking or results tabs.
    contest: bool,
    title: String,
    notice: Option<Notice>,
    directions: Vec<(String, String)>,
    filter: String,
    rows: Vec<AssignmentLine>,
    next: Option<String>,
    published: bool,
    input: AssignInput,
}

pub(super) fn parse_key(after: Option<&str>) -> Option<(i64, i64)> {
    let (at, id) = after?.split_once('.')?;
    Some((at.parse().ok()?, id.parse().ok()?))
}

pub(super) async fn assignments_page_html(
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
        contest: call.def().kind.is_contest(),
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
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<AssignmentsQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_contest(&state, &user, &call_id)?;
    let notice = message_for(&MsgQuery {
        msg: q.msg.clone(),
        n: None,
    });
    assignments_page_html(&state, &viewer, entry, &q, notice, AssignInput::default()).await
}

pub(super) async fn refuse_assignment(
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
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/assignments");
    let entry = owned_contest(&state, &user, &call_id)?;
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
pub(super) fn first_problem(problems: Vec<Problem>) -> &'static str {
    problems
        .into_iter()
        .find_map(problem_text)
        .unwrap_or(s::OWNER_ASSIGN_REFUSED)
}

/// The owner as the actor of an action.
pub(super) fn actor<'v>(state: &ServerState, viewer: &'v Viewer, user: &'v UserRow) -> Actor<'v> {
    viewer.actor(user, state.now())
}

/// `POST /owner/{call}/assignments/unassign`: removes an assignment not yet submitted.
pub async fn unassign(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/assignments");
    let entry = owned_contest(&state, &user, &call_id)?;
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
pub(super) struct AutoResultPage {
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
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let entry = owned_contest(&state, &user, &call_id)?;
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
