//! The call owner's statistics page (GET /owner/{call}/statistics) and its XLSX
//! (GET /owner/{call}/statistics.xlsx): every submitted application of the call, its regions
//! one level below the call's area.

use super::*;
use crate::pages::statistics::{self as stats, StatisticsView};
use shenbao_store::StatisticsScope;

/// The owner's statistics page.
#[derive(Template)]
#[template(path = "owner/statistics.html")]
pub(super) struct OwnerStatisticsPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest (the tabs).
    contest: bool,
    title: String,
    notice: Option<Notice>,
    view: StatisticsView,
}

/// The figures of the whole call, and whether the call is a contest (the tabs).
async fn call_view(
    state: &ServerState,
    user: &UserRow,
    call_id: &str,
) -> Result<(StatisticsView, bool), AppError> {
    let call = owned_call(state, user, call_id)?.call;
    let figures = state
        .store
        .statistics(StatisticsScope::Call(call_id))
        .await?;
    let directions: Vec<(String, String)> = call
        .def()
        .directions
        .iter()
        .map(|d| (d.id.clone(), d.name.clone()))
        .collect();
    let view = stats::view(
        call,
        s::STATS_WHOLE_CALL.to_string(),
        call.def().area.as_deref(),
        &directions,
        &figures,
        state.now(),
    );
    Ok((view, call.def().kind.is_contest()))
}

/// `GET /owner/{call}/statistics`: the call's applications by region, direction, status and
/// day, as charts with their tables.
pub async fn owner_statistics(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (view, contest) = call_view(&state, &user, &call_id).await?;
    render(OwnerStatisticsPage {
        nav: Nav::of(&viewer),
        title: view.call_title.clone(),
        call_id,
        contest,
        notice: None,
        view,
    })
}

/// `GET /owner/{call}/statistics.xlsx`: the same figures, one sheet per breakdown.
pub async fn owner_statistics_xlsx(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Owners>,
    Path(call_id): Path<String>,
) -> Result<Response, AppError> {
    let (view, _) = call_view(&state, &user, &call_id).await?;
    stats::xlsx(
        &view,
        &format!("{}-{}", view.call_title, s::STATS_FILE),
        &format!("statistics-{call_id}"),
    )
}
