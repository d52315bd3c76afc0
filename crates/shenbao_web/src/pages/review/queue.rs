//! A unit's queue of applications: counts and days left, filters, sort and keyset pages of
//! 20, 50 or 100, batch decisions on the rows ticked (one shared opinion), and the whole
//! filtered queue as a workbook.

use super::*;

/// Query string of the queue (and the hidden fields of the batch form, which carry it).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    /// Keyset: `submitted_at.id` of the last row of the previous page.
    #[serde(default)]
    after: String,
    /// Rows per page: 20 (default), 50 or 100.
    #[serde(default)]
    per: String,
    /// A notice to show: `queue_done` (保存并下一件 found nothing left).
    #[serde(default)]
    msg: String,
}

impl QueueParams {
    /// The params from posted fields (the batch form's hidden inputs).
    pub(super) fn of_fields(pairs: &[(String, String)]) -> Self {
        let f = |name: &str| show::field(pairs, name).to_string();
        QueueParams {
            direction: f("direction"),
            status: f("status"),
            region: f("region"),
            q: f("q"),
            sort: f("sort"),
            after: f("after"),
            per: f("per"),
            msg: String::new(),
        }
    }

    /// The params of a query string (`filter_query`'s).
    pub(super) fn of_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        Self::of_fields(&pairs)
    }

    /// The page size asked for, one of [`PAGE_SIZES`].
    pub(super) fn page_size(&self) -> i64 {
        self.per
            .parse::<i64>()
            .ok()
            .filter(|n| PAGE_SIZES.contains(n))
            .unwrap_or(PAGE)
    }

    /// The filters as a query string (without the keyset), for links that keep them.
    pub(super) fn filter_query(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("direction", &self.direction)
            .append_pair("status", &self.status)
            .append_pair("region", &self.region)
            .append_pair("q", &self.q)
            .append_pair("sort", &self.sort)
            .append_pair("per", &self.per)
            .finish()
    }

    /// `?` and the filters, for links that keep them; nothing when no filter is set.
    pub(super) fn keep(&self) -> String {
        let set = [
            &self.direction,
            &self.status,
            &self.region,
            &self.q,
            &self.sort,
            &self.per,
        ]
        .iter()
        .any(|v| !v.trim().is_empty());
        if set {
            format!("?{}", self.filter_query())
        } else {
            String::new()
        }
    }

    /// The store's query for these params: `limit` rows after the keyset.
    pub(super) fn query(&self, limit: i64) -> QueueQuery {
        let pick = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
        QueueQuery {
            direction: pick(&self.direction),
            status: self
                .status
                .trim()
                .parse::<ApplicationStatus>()
                .ok()
                .filter(|x| STATUSES.contains(x)),
            region: pick(&self.region),
            keyword: pick(&self.q),
            sort: if self.sort == "oldest" {
                QueueSort::Oldest
            } else {
                QueueSort::Newest
            },
            after: self
                .after
                .split_once('.')
                .and_then(|(t, id)| Some((t.parse::<i64>().ok()?, id.parse::<i64>().ok()?))),
            limit,
        }
    }
}

/// The page sizes the queue offers; a batch decision takes at most a page.
pub(super) const PAGE_SIZES: [i64; 3] = [20, 50, 100];

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
    /// It can be ticked for a batch decision: waiting for this unit's decision, in a
    /// direction whose list is not forwarded.
    choosable: bool,
    /// Ticked (a batch form shown again with a problem).
    checked: bool,
}

/// A status total of the unit, a link that filters by it.
pub struct StatusTotal {
    id: &'static str,
    label: &'static str,
    count: i64,
    current: bool,
}

/// The batch form as typed, kept when the page comes back with a problem.
#[derive(Debug, Default, Clone)]
pub struct BatchTyped {
    action: String,
    text: String,
    signatures: Vec<String>,
}

/// What a batch decision did, as the page reports it.
pub struct BatchReport {
    /// 已推荐 18 件.
    done: String,
    /// The applications left, each with why.
    left: Vec<String>,
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
    /// 还有 N 天 / 今天截止 / 已截止, when the level has a deadline.
    days_left: String,
    open: bool,
    ranks: bool,
    directions: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    regions: Vec<(String, String)>,
    params: QueueParams,
    /// The filters as a query string, for links that keep them.
    filters: String,
    /// `?` and the filters, or nothing when none is set (links to applications).
    keep: String,
    rows: Vec<QueueLine>,
    next: Option<String>,
    totals: Vec<StatusTotal>,
    all: i64,
    counts: Vec<(String, &'static str, i64)>,
    forwarded: Vec<(String, String, i64)>,
    summaries: Vec<(String, String)>,
    /// Whether the unit receives applicants (sets their deadline and contact).
    receives: bool,
    /// The quota (推荐名额) by direction, if the level has one.
    quota: Vec<QuotaView>,
    /// Any row can be ticked.
    batch: bool,
    signature_lines: Vec<(String, String)>,
    opinion_title: String,
    typed: BatchTyped,
    problem: String,
    report: Option<BatchReport>,
    page_sizes: [i64; 3],
    per: i64,
    /// 保存并下一件 found nothing left under the filters.
    queue_done: bool,
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
    let page = QueueExtras::default();
    render(queue_page(&state, &viewer, &desk, params, page).await?)
}

/// What a queue page shows besides the queue: a batch form shown again, a batch's report.
#[derive(Default)]
struct QueueExtras {
    checked: Vec<i64>,
    typed: BatchTyped,
    problem: String,
    report: Option<BatchReport>,
}

async fn queue_page(
    state: &ServerState,
    viewer: &Viewer,
    desk: &Desk<'_>,
    params: QueueParams,
    extras: QueueExtras,
) -> Result<QueuePage, AppError> {
    let at = desk.at();
    let per = params.page_size();
    let params_msg = params.msg.clone();
    let mut page = state
        .store
        .review_queue(&at, &params.query(per + 1))
        .await?;
    let more = page.len() > usize::try_from(per).unwrap_or(20);
    page.truncate(usize::try_from(per).unwrap_or(20));
    let next = more.then(|| page.last()).flatten().map(|r| {
        format!(
            "{}.{}",
            r.application.submitted_at.unwrap_or_default(),
            r.application.id
        )
    });
    let forwards = state.store.forwards_of_unit(&at).await?;
    let open = desk.open(state.now());
    let rows: Vec<QueueLine> = page
        .into_iter()
        .map(|r| QueueLine {
            id: r.application.id,
            title: r.application.title.clone().unwrap_or_default(),
            organisation: r.organisation_name,
            region: shenbao_core::region::full_name(&r.organisation_region)
                .unwrap_or(r.organisation_region),
            direction: direction_name(desk.entry, &r.application.direction),
            status: queue_status_label(r.application.status),
            submitted: r.application.submitted_at.map(fmt_time).unwrap_or_default(),
            rank: r.rank.map(|x| x.to_string()).unwrap_or_default(),
            choosable: open
                && ApplicationStatus::DECIDABLE.contains(&r.application.status)
                && !forwards
                    .iter()
                    .any(|f| f.direction == r.application.direction),
            checked: extras.checked.contains(&r.application.id),
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
    let raw_counts = state.store.queue_counts(&at).await?;
    let totals = STATUSES
        .iter()
        .map(|st| StatusTotal {
            id: st.as_str(),
            label: queue_status_label(*st),
            count: raw_counts
                .iter()
                .filter(|c| c.status == *st)
                .map(|c| c.count)
                .sum(),
            current: params.status == st.as_str(),
        })
        .collect();
    let all = raw_counts.iter().map(|c| c.count).sum();
    let counts = raw_counts
        .into_iter()
        .map(|c| {
            (
                direction_name(desk.entry, &c.direction),
                c.status.label(),
                c.count,
            )
        })
        .collect();
    let forwarded = forwards
        .into_iter()
        .map(|f| {
            (
                direction_name(desk.entry, &f.direction),
                fmt_time(f.forwarded_at),
                f.count,
            )
        })
        .collect();
    let opinion = desk.level.opinion.as_ref();
    let signature_lines = opinion
        .map(|o| {
            o.signatures
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    let typed = extras.typed.signatures.get(i).cloned();
                    (line.clone(), typed.unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default();
    let days_left = desk
        .deadline()
        .map(|d| s::days_left(shenbao_core::time::days_left(state.now(), d)))
        .unwrap_or_default();
    Ok(QueuePage {
        nav: Nav::of(viewer),
        call_id: desk.entry.call.id().to_string(),
        call_title: desk.entry.call.def().title.clone(),
        level: desk.level.name.clone(),
        unit: desk_label(desk),
        deadline: desk.deadline().map(|d| d.to_string()).unwrap_or_default(),
        days_left,
        open,
        ranks: desk.level.ranks,
        directions: desk.directions(),
        statuses: STATUSES
            .iter()
            .map(|x| (x.as_str(), queue_status_label(*x)))
            .collect(),
        regions,
        filters: params.filter_query(),
        keep: params.keep(),
        params,
        batch: rows.iter().any(|r| r.choosable),
        rows,
        next,
        totals,
        all,
        counts,
        forwarded,
        summaries: desk.summaries(),
        receives: !desk.receiving_directions().is_empty(),
        quota: quota_views(state, desk).await?,
        signature_lines,
        opinion_title: opinion.map(|o| o.title.clone()).unwrap_or_default(),
        typed: extras.typed,
        problem: extras.problem,
        report: extras.report,
        page_sizes: PAGE_SIZES,
        per,
        queue_done: params_msg == "queue_done",
    })
}

/// A status as a unit's queue names it: an application waiting for the unit is 待审核.
fn queue_status_label(status: ApplicationStatus) -> &'static str {
    if status == ApplicationStatus::Submitted {
        s::QUEUE_PENDING
    } else {
        status.label()
    }
}

/// `POST /review/{call}/batch`: the same decision on every application ticked (`id`, repeated):
/// `action` = `recommend`, `return` or `reject`, one shared `text` (opinion, comment or
/// reason) and the opinion block's signature lines `sig.0`…; the queue's filters ride along as
/// hidden fields. Each application is decided on its own; the page reports what was done and
/// what was left, with why.
pub async fn batch_decide(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Bureaus>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let params = QueueParams::of_fields(&pairs);
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    let typed = BatchTyped {
        action: show::field(&pairs, "action").to_string(),
        text: show::field(&pairs, "text").to_string(),
        signatures: (0..desk
            .level
            .opinion
            .as_ref()
            .map_or(0, |o| o.signatures.len()))
            .map(|i| show::field(&pairs, &format!("sig.{i}")).to_string())
            .collect(),
    };
    let verdict = match typed.action.as_str() {
        "recommend" => Some(Verdict::Recommend {
            opinion: typed.text.clone(),
            signatures: typed.signatures.clone(),
        }),
        "return" => Some(Verdict::Return {
            comment: typed.text.clone(),
        }),
        "reject" => Some(Verdict::NotRecommend {
            reason: typed.text.clone(),
        }),
        _ => None,
    };
    let again = |problem: &str, typed: BatchTyped| QueueExtras {
        checked: ids.clone(),
        typed,
        problem: problem.to_string(),
        report: None,
    };
    if ids.is_empty() {
        let page = queue_page(&state, &viewer, &desk, params, again(s::BATCH_NONE, typed)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    let Some(verdict) = verdict else {
        let page = queue_page(
            &state,
            &viewer,
            &desk,
            params,
            again(s::BATCH_ACTION_NEEDED, typed),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    };
    let actor = viewer.actor(&user, state.now());
    match review::decide_many(&state.store, &state.calls, actor, &call_id, &ids, &verdict).await {
        Ok(batch) => {
            crate::notices::deliver(&state, &batch.outbox).await;
            let mut left = Vec::new();
            for (id, error) in batch.left {
                // Named only when it is the unit's: ids posted from elsewhere tell nothing.
                let title = state
                    .store
                    .application(id)
                    .await?
                    .filter(|a| {
                        a.call_id == call_id
                            && a.level.as_deref() == Some(desk.level.id.as_str())
                            && a.unit.as_deref() == Some(desk.unit.as_str())
                    })
                    .and_then(|a| a.title)
                    .unwrap_or_else(|| format!("#{id}"));
                left.push(s::batch_left(&title, &left_reason(desk.entry, error)));
            }
            let report = BatchReport {
                done: s::batch_done(&typed.action, batch.done.len()),
                left,
            };
            let extras = QueueExtras {
                report: Some(report),
                ..QueueExtras::default()
            };
            // The page the batch was on, from the first: its rows have moved on.
            let params = QueueParams {
                after: String::new(),
                ..params
            };
            render(queue_page(&state, &viewer, &desk, params, extras).await?)
                .map(IntoResponse::into_response)
        }
        Err(ActionError::Incomplete(problems)) => {
            let problem = problems
                .into_iter()
                .find_map(problem_text)
                .unwrap_or(s::BATCH_ACTION_NEEDED);
            let page = queue_page(&state, &viewer, &desk, params, again(problem, typed)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(error) => Err(action_error(Some(desk.entry), error)),
    }
}

/// Why one application of a batch was left, in the user's words.
fn left_reason(entry: &CallEntry, error: ActionError) -> String {
    match error {
        ActionError::Refused(refusal) => crate::pages::view::refusal_text(Some(entry), &refusal),
        ActionError::Incomplete(problems) => problems
            .into_iter()
            .find_map(problem_text)
            .unwrap_or(s::BATCH_NOT_HERE)
            .to_string(),
        ActionError::NotFound | ActionError::Store(_) => s::BATCH_NOT_HERE.to_string(),
    }
}

/// `GET /review/{call}/export.xlsx?<filters>`: the whole queue under the page's filters, every
/// field of the form, as a workbook.
pub async fn export_queue(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
    Query(params): Query<QueueParams>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let query = params.query(0);
    let directions: Vec<String> = desk
        .directions()
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| query.direction.as_ref().is_none_or(|d| d == id))
        .collect();
    let unit = desk_label(&desk);
    let export = shenbao_app::exports::QueueExport {
        at: &desk.at(),
        query: &query,
        directions: &directions,
        ranks: desk.level.ranks,
        unit: &unit,
        now: state.now(),
    };
    let bytes = shenbao_app::exports::queue_xlsx(&state.store, desk.entry.call, &export)
        .await
        .map_err(AppError::Internal)?;
    Ok(crate::documents::download(
        Format::Xlsx,
        &format!("{}-{}", unit, s::QUEUE_EXPORT_NAME),
        &format!("queue-{call_id}"),
        bytes,
    ))
}
