//! A bureau's statistics page (GET /review/{call}/statistics) and its XLSX
//! (GET /review/{call}/statistics.xlsx): the applications routed to or through its unit (at
//! it now, or decided on by it), its regions one level below the unit's division.

use super::*;
use crate::pages::statistics::{self as stats, StatisticsView};
use shenbao_store::StatisticsScope;

/// A bureau's statistics page.
#[derive(Template)]
#[template(path = "review/statistics.html")]
pub(super) struct UnitStatisticsPage {
    nav: Nav,
    call_id: String,
    /// The name of the unit's level.
    level: String,
    view: StatisticsView,
}

/// The figures of the bureau's unit, and the name of its level.
async fn unit_view(
    state: &ServerState,
    user: &UserRow,
    call_id: &str,
) -> Result<(StatisticsView, String), AppError> {
    let desk = desk(state, user, call_id)?;
    let at = desk.at();
    let figures = state.store.statistics(StatisticsScope::Unit(&at)).await?;
    // A sector department or a development zone is no division: its account's region (the
    // city) is, else the call's area.
    let area = if shenbao_core::region::lookup(&desk.unit).is_some() {
        Some(desk.unit.clone())
    } else {
        user.scope_region
            .clone()
            .or_else(|| desk.entry.call.def().area.clone())
    };
    let view = stats::view(
        desk.entry.call,
        desk_label(&desk),
        area.as_deref(),
        &desk.directions(),
        &figures,
        state.now(),
    );
    Ok((view, desk.level.name.clone()))
}

/// `GET /review/{call}/statistics`: the unit's applications by region, direction, status and
/// day, as charts with their tables.
pub async fn unit_statistics(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (view, level) = unit_view(&state, &user, &call_id).await?;
    render(UnitStatisticsPage {
        nav: Nav::of(&viewer),
        call_id,
        level,
        view,
    })
}

/// `GET /review/{call}/statistics.xlsx`: the same figures, one sheet per breakdown.
pub async fn unit_statistics_xlsx(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
) -> Result<Response, AppError> {
    let (view, _) = unit_view(&state, &user, &call_id).await?;
    stats::xlsx(
        &view,
        &format!("{}-{}-{}", view.call_title, view.scope, s::STATS_FILE),
        &format!("statistics-{call_id}"),
    )
}
