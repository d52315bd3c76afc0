//! A unit's queue of applications: filters, sort and keyset pages.

use super::*;

/// Query string of the queue.
#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    /// Keyset: `submitted_at.id` of the last row of the previous page.
    #[serde(default)]
    after: String,
}

/// A queue row.
pub struct QueueLine {
    id: i64,
    title: String,
    organisation: String,
    region: String,
    direction: String,
    status: &'static str,
    submitted: String,
    rank: String,
}

#[derive(Template)]
#[template(path = "review/queue.html")]
pub(super) struct QueuePage {
    nav: Nav,
    call_id: String,
    call_title: String,
    level: String,
    unit: String,
    deadline: String,
    open: bool,
    ranks: bool,
    directions: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    regions: Vec<(String, String)>,
    params: QueueParams,
    rows: Vec<QueueLine>,
    next: Option<String>,
    counts: Vec<(String, &'static str, i64)>,
    forwarded: Vec<(String, String, i64)>,
    summaries: Vec<(String, String)>,
    /// Whether the unit receives applicants (sets their deadline and contact).
    receives: bool,
    /// The quota (推荐名额) by direction, if the level has one.
    quota: Vec<QuotaView>,
}

pub(super) const STATUSES: [ApplicationStatus; 4] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::Recommended,
    ApplicationStatus::NotRecommended,
    ApplicationStatus::Returned,
];

/// `GET /review/{call}`: the unit's applications, filtered, sorted and paged by keyset.
pub async fn queue(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let at = desk.at();
    let pick = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let after = params
        .after
        .split_once('.')
        .and_then(|(t, id)| Some((t.parse::<i64>().ok()?, id.parse::<i64>().ok()?)));
    let query = QueueQuery {
        direction: pick(&params.direction),
        status: params
            .status
            .trim()
            .parse::<ApplicationStatus>()
            .ok()
            .filter(|x| STATUSES.contains(x)),
        region: pick(&params.region),
        keyword: pick(&params.q),
        sort: if params.sort == "oldest" {
            QueueSort::Oldest
        } else {
            QueueSort::Newest
        },
        after,
        limit: PAGE + 1,
    };
    let mut page = state.store.review_queue(&at, &query).await?;
    let more = page.len() > usize::try_from(PAGE).unwrap_or(20);
    page.truncate(usize::try_from(PAGE).unwrap_or(20));
    let next = more.then(|| page.last()).flatten().map(|r| {
        format!(
            "{}.{}",
            r.application.submitted_at.unwrap_or_default(),
            r.application.id
        )
    });
    let rows = page
        .into_iter()
        .map(|r| QueueLine {
            id: r.application.id,
            title: r.application.title.clone().unwrap_or_default(),
            organisation: r.organisation_name,
            region: shenbao_core::region::full_name(&r.organisation_region)
                .unwrap_or(r.organisation_region),
            direction: direction_name(desk.entry, &r.application.direction),
            status: r.application.status.label(),
            submitted: r.application.submitted_at.map(fmt_time).unwrap_or_default(),
            rank: r.rank.map(|x| x.to_string()).unwrap_or_default(),
        })
        .collect();
    // A city filters by its counties.
    let regions = if desk.level.scope == LevelScope::City {
        shenbao_core::region::children(&desk.unit)
            .iter()
            .map(|d| (d.code.to_string(), d.name.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let counts = state
        .store
        .queue_counts(&at)
        .await?
        .into_iter()
        .map(|c| {
            (
                direction_name(desk.entry, &c.direction),
                c.status.label(),
                c.count,
            )
        })
        .collect();
    let forwarded = state
        .store
        .forwards_of_unit(&at)
        .await?
        .into_iter()
        .map(|f| {
            (
                direction_name(desk.entry, &f.direction),
                fmt_time(f.forwarded_at),
                f.count,
            )
        })
        .collect();
    render(QueuePage {
        nav: Nav::of(&viewer),
        call_id: call_id.clone(),
        call_title: desk.entry.call.def().title.clone(),
        level: desk.level.name.clone(),
        unit: desk_label(&desk),
        deadline: desk.deadline().map(|d| d.to_string()).unwrap_or_default(),
        open: desk.open(state.now()),
        ranks: desk.level.ranks,
        directions: desk.directions(),
        statuses: STATUSES.iter().map(|x| (x.as_str(), x.label())).collect(),
        regions,
        params,
        rows,
        next,
        counts,
        forwarded,
        summaries: desk.summaries(),
        receives: !desk.receiving_directions().is_empty(),
        quota: quota_views(&state, &desk).await?,
    })
}
