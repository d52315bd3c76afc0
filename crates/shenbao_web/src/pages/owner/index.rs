//! The owner's calls (GET /owner) and a call's dashboard (GET /owner/{call}).

use super::*;

/// A call on the owner's list.
pub struct CallRow {
    id: String,
    title: String,
    total: i64,
    at_owner: i64,
    selected: i64,
    published: bool,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "owner/calls.html")]
pub(super) struct CallsPage {
    nav: Nav,
    calls: Vec<CallRow>,
}

/// `GET /owner`: every call with its counts.
pub async fn list_calls(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
) -> Result<Html<String>, AppError> {
    let mut calls = Vec::new();
    for entry in state
        .calls
        .all_with_drafts()
        .iter()
        .filter(|e| owns(&user, e.call))
    {
        let id = entry.call.id();
        let counts = state.store.owner_counts(id).await?;
        let level = owner_level(entry.call);
        calls.push(CallRow {
            id: id.to_string(),
            title: entry.call.def().title.clone(),
            total: counts
                .iter()
                .filter(|c| c.status != ApplicationStatus::Draft)
                .map(|c| c.count)
                .sum(),
            at_owner: counts
                .iter()
                .filter(|c| c.level.as_deref() == Some(level))
                .map(|c| c.count)
                .sum(),
            selected: counts
                .iter()
                .filter(|c| c.status == ApplicationStatus::Selected)
                .map(|c| c.count)
                .sum(),
            published: state.store.publication(id).await?.is_some(),
            state: state.calls.state(id).label(),
        });
    }
    render(CallsPage {
        nav: Nav::of(&viewer),
        calls,
    })
}

// ---- GET /owner/{call} ---------------------------------------------------------------------

/// One line of a count table: a name and counts (all, at the owner level, selected).
pub struct CountLine {
    name: String,
    total: i64,
    at_owner: i64,
    selected: i64,
}

pub(super) fn count_lines(
    counts: &[CountRow],
    level: &str,
    key: impl Fn(&CountRow) -> String,
) -> Vec<CountLine> {
    let mut by: BTreeMap<String, CountLine> = BTreeMap::new();
    for c in counts
        .iter()
        .filter(|c| c.status != ApplicationStatus::Draft)
    {
        let name = key(c);
        let line = by.entry(name.clone()).or_insert(CountLine {
            name,
            total: 0,
            at_owner: 0,
            selected: 0,
        });
        line.total += c.count;
        if c.level.as_deref() == Some(level) {
            line.at_owner += c.count;
        }
        if c.status == ApplicationStatus::Selected {
            line.selected += c.count;
        }
    }
    by.into_values().collect()
}

#[derive(Template)]
#[template(path = "owner/dashboard.html")]
pub(super) struct DashboardPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest: a collection (摸底) has no expert, ranking or results tabs.
    contest: bool,
    title: String,
    notice: Option<Notice>,
    published: bool,
    drafts: i64,
    by_city: Vec<CountLine>,
    by_direction: Vec<CountLine>,
    by_status: Vec<(&'static str, i64)>,
    by_level: Vec<(String, i64)>,
    /// Quotas used per unit: (level, unit, direction, in words, nothing left).
    quotas: Vec<(String, String, String, String, bool)>,
}

/// `GET /owner/{call}`: the call's counts by city, direction, status and level.
pub async fn dashboard(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(&state, &user, &call_id)?;
    let call = entry.call;
    let level = owner_level(call);
    let counts = state.store.owner_counts(&call_id).await?;
    let by_city = count_lines(&counts, level, |c| region_name(&c.city));
    let by_direction = count_lines(&counts, level, |c| direction_name(call, &c.direction));
    let mut status: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut levels: BTreeMap<String, i64> = BTreeMap::new();
    for c in &counts {
        *status.entry(c.status.label()).or_default() += c.count;
        if let Some(l) = &c.level {
            let name = call
                .def()
                .review_levels
                .iter()
                .find(|x| &x.id == l)
                .map_or_else(|| l.clone(), |x| x.name.clone());
            *levels.entry(name).or_default() += c.count;
        }
    }
    let quotas = shenbao_app::actions::review::quota_overview(&state.store, entry)
        .await?
        .into_iter()
        .map(|(level, unit, q)| {
            let (text, full) = crate::pages::view::quota_text(&q);
            (
                level.name.clone(),
                crate::pages::view::unit_label(level, &unit),
                q.name,
                text,
                full,
            )
        })
        .collect();
    render(DashboardPage {
        nav: Nav::of(&viewer),
        title: call.def().title.clone(),
        contest: call.def().kind.is_contest(),
        notice: message_for(&q),
        published: state.store.publication(&call_id).await?.is_some(),
        drafts: counts
            .iter()
            .filter(|c| c.status == ApplicationStatus::Draft)
            .map(|c| c.count)
            .sum(),
        call_id,
        by_city,
        by_direction,
        by_status: status.into_iter().collect(),
        by_level: levels.into_iter().collect(),
        quotas,
    })
}
