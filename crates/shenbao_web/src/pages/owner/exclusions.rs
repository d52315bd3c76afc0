//! A call's exclusion list (不得重复申报): the owner sees the rule, the earlier calls it names
//! and the uploaded list a page at a time, and replaces the list with a spreadsheet or CSV.
//! A list with any wrong row is refused whole, every wrong row named, and the list in place
//! stays.

use super::*;
use axum::extract::Multipart;
use shenbao_app::actions::exclusion::{self, ListError};
use shenbao_app::exclusions::ReadError;
use shenbao_store::ExclusionRow;

/// Entries shown per page.
const ROWS: i64 = 50;

/// `?after=ROW` pages through the list; `?msg=uploaded&n=N` after an upload.
#[derive(Debug, Default, Deserialize)]
pub struct ExclusionQuery {
    #[serde(default)]
    after: i64,
    #[serde(default)]
    n: Option<i64>,
}

#[derive(Template)]
#[template(path = "owner/exclusions.html")]
pub(super) struct ExclusionsPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest: a collection (摸底) has no expert, ranking or results tabs.
    contest: bool,
    title: String,
    notice: Option<Notice>,
    reason: String,
    source: String,
    /// Earlier calls whose selected applicants are excluded: (id, title or id).
    earlier: Vec<(String, String)>,
    count: i64,
    rows: Vec<ExclusionRow>,
    next: Option<i64>,
    /// The problems of a refused upload.
    problems: Vec<String>,
}

async fn page(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    after: i64,
    notice: Option<Notice>,
    problems: Vec<String>,
) -> Result<Html<String>, AppError> {
    let call_id = entry.call.id();
    let def = &entry.call.def().exclusions;
    let mut rows = state.store.exclusions(call_id, after, ROWS + 1).await?;
    let next = (rows.len() > usize::try_from(ROWS).unwrap_or(50)).then(|| {
        rows.truncate(usize::try_from(ROWS).unwrap_or(50));
        rows.last().map_or(after, |r| r.row_number)
    });
    render(ExclusionsPage {
        nav: Nav::of(viewer),
        call_id: call_id.to_string(),
        title: entry.call.def().title.clone(),
        contest: entry.call.def().kind.is_contest(),
        notice,
        reason: def
            .reason
            .clone()
            .unwrap_or_else(|| shenbao_core::messages::exclusion::DEFAULT_REASON.to_string()),
        source: def.source.clone().unwrap_or_default(),
        earlier: def
            .calls
            .iter()
            .map(|id| {
                let title = state.calls.get_with_drafts(id).map_or_else(
                    || s::EXCLUSION_CALL_UNKNOWN.to_string(),
                    |e| e.call.def().title.clone(),
                );
                (id.clone(), title)
            })
            .collect(),
        count: state.store.exclusion_count(call_id).await?,
        rows,
        next,
        problems,
    })
}

/// The call `call_id`, drafts included (a list can be prepared before publishing), if the
/// user owns it.
fn owned<'s>(
    state: &'s ServerState,
    user: &UserRow,
    call_id: &str,
) -> Result<&'s CallEntry, AppError> {
    shenbao_app::actions::publishing::owned(&state.calls, user, call_id)
        .map_err(|_| AppError::NotFound)
}

/// `GET /owner/{call}/exclusions`: the rule, the earlier calls and the list.
pub async fn exclusions_page(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<ExclusionQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned(&state, &user, &call_id)?;
    let notice = q.n.and_then(|n| Notice::ok(s::exclusion_uploaded(n)));
    page(&state, &viewer, entry, q.after, notice, Vec::new()).await
}

/// `POST /owner/{call}/exclusions`: replaces the list with the uploaded file (multipart:
/// `csrf`, then `file`). The route's body limit bounds what is read.
pub async fn upload_exclusions(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    use axum::extract::FromRequest;
    let here = format!("/owner/{call_id}/exclusions");
    // Who asks, before the body is read.
    let user = <Owners as crate::guard::Gate>::admit(&viewer, &here)?;
    let entry = owned(&state, &user, &call_id)?;
    let mut multipart = match Multipart::from_request(request, &state).await {
        Ok(m) => m,
        Err(_) => return Err(AppError::Csrf),
    };
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Refused(s::UPLOAD_INTERRUPTED.to_string()))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                viewer.check_csrf(&csrf)?;
                let name = field.file_name().unwrap_or("").trim().to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::Refused(s::UPLOAD_INTERRUPTED.to_string()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    viewer.check_csrf(&csrf)?;
    let refused = |problems: Vec<String>| async {
        let html = page(&state, &viewer, entry, 0, None, problems).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let Some((name, bytes)) = file.filter(|(name, _)| !name.is_empty()) else {
        return refused(vec![s::EXCLUSION_NO_FILE.to_string()]).await;
    };
    let actor = viewer.actor(&user, state.now());
    match exclusion::upload_list(&state.store, &state.calls, actor, &call_id, &name, &bytes).await {
        Ok(n) => Ok(Redirect::to(&format!("{here}?n={n}")).into_response()),
        Err(ListError::NotFound) => Err(AppError::NotFound),
        Err(ListError::Store(e)) => Err(e.into()),
        Err(ListError::Read(e)) => {
            refused(vec![match e {
                ReadError::Empty => s::EXCLUSION_EMPTY_FILE.to_string(),
                ReadError::TooLarge => s::EXCLUSION_TOO_LARGE.to_string(),
                ReadError::Unreadable(_) => s::exclusion_unreadable(&name),
            }])
            .await
        }
        Err(ListError::Rows(problems)) => {
            let lines = problems
                .iter()
                .map(|p| {
                    if p.row == 0 {
                        p.message.clone()
                    } else {
                        shenbao_core::messages::exclusion::at_row(p.row, &p.message)
                    }
                })
                .collect();
            refused(lines).await
        }
    }
}
