//! owner/{call}/ranking

use super::*;

/// Query of the ranking page (also posted back by its forms).
#[derive(Deserialize, Default, Clone)]
pub struct RankingQuery {
    direction: Option<String>,
    method: Option<String>,
    normalise: Option<String>,
    msg: Option<String>,
    n: Option<i64>,
}

impl RankingQuery {
    fn from_pairs(pairs: &[(String, String)]) -> RankingQuery {
        RankingQuery {
            direction: field(pairs, "direction").map(str::to_string),
            method: field(pairs, "method").map(str::to_string),
            normalise: field(pairs, "normalise").map(str::to_string),
            msg: None,
            n: None,
        }
    }

    fn options(&self) -> Options {
        Options {
            method: match self.method.as_deref() {
                Some("trimmed") => Method::TrimmedMean,
                _ => Method::Mean,
            },
            normalise: self.normalise.as_deref() == Some("1"),
        }
    }

    /// The direction asked for, or the call's first one.
    fn direction<'c>(&self, call: &'c Call) -> Option<&'c str> {
        let dirs = &call.def().directions;
        self.direction
            .as_deref()
            .and_then(|d| dirs.iter().find(|x| x.id == d))
            .or_else(|| dirs.first())
            .map(|d| d.id.as_str())
    }

    fn query_string(&self, direction: &str) -> String {
        let o = self.options();
        format!(
            "direction={direction}&method={}&normalise={}",
            if o.method == Method::TrimmedMean {
                "trimmed"
            } else {
                "mean"
            },
            if o.normalise { "1" } else { "0" }
        )
    }
}

/// A line of the ranking.
pub struct RankLine {
    id: i64,
    rank: Option<u32>,
    tied: bool,
    title: String,
    organisation: String,
    region: String,
    totals: Vec<(String, String)>,
    mean: String,
    trimmed: String,
    z: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "owner/ranking.html")]
pub(super) struct RankingPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest: a collection (摸底) has no expert, ranking or results tabs.
    contest: bool,
    title: String,
    notice: Option<Notice>,
    directions: Vec<(String, String)>,
    direction: String,
    trimmed: bool,
    normalise: bool,
    criteria: Vec<(String, String, String)>,
    /// The weights are the owner's (no criterion cites the notice).
    owner_weights: bool,
    lines: Vec<RankLine>,
    published: bool,
    cutoff: String,
}

/// The applications of a direction at the owner level with their ranking.
pub(super) async fn ranking(
    state: &ServerState,
    call: &Call,
    direction: &str,
    options: Options,
) -> Result<(Vec<OwnerApplicationRow>, Vec<scoring::Ranked>), AppError> {
    let apps = state
        .store
        .owner_applications(
            call.id(),
            owner_level(call),
            Some(direction),
            None,
            MAX_RANKED,
        )
        .await?;
    let present: BTreeSet<i64> = apps.iter().map(|a| a.id).collect();
    let sheets: Vec<Sheet> = state
        .store
        .submitted_sheets(call.id(), direction)
        .await?
        .into_iter()
        .filter(|a| present.contains(&a.application_id))
        .map(|a| Sheet {
            application_id: a.application_id,
            expert_id: a.expert_id,
            scores: a
                .scores
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default(),
        })
        .collect();
    let ranked = scoring::rank(call, direction, &sheets, options);
    Ok((apps, ranked))
}

pub(super) async fn ranking_page_html(
    state: &ServerState,
    viewer: &Viewer,
    entry: &CallEntry,
    q: &RankingQuery,
    notice: Option<Notice>,
    cutoff: String,
) -> Result<Html<String>, AppError> {
    let call = entry.call;
    let direction = q.direction(call).ok_or(AppError::NotFound)?.to_string();
    let options = q.options();
    let (apps, ranked) = ranking(state, call, &direction, options).await?;
    let names: BTreeMap<i64, String> = state
        .store
        .pool_experts(call.id())
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.display_name))
        .collect();
    let mut by_id: BTreeMap<i64, OwnerApplicationRow> =
        apps.into_iter().map(|a| (a.id, a)).collect();
    let mut lines = Vec::new();
    let line = |a: OwnerApplicationRow, r: Option<&scoring::Ranked>| RankLine {
        id: a.id,
        rank: r.map(|r| r.rank),
        tied: r.is_some_and(|r| r.tied),
        title: a.title.unwrap_or_default(),
        organisation: a.organisation_name,
        region: region_name(&a.region),
        totals: r
            .map(|r| {
                r.expert_totals
                    .iter()
                    .map(|(e, t)| {
                        (
                            names.get(e).cloned().unwrap_or_else(|| format!("#{e}")),
                            two(*t),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        mean: r.map(|r| two(r.mean)).unwrap_or_default(),
        trimmed: r.map(|r| two(r.trimmed_mean)).unwrap_or_default(),
        z: r.and_then(|r| r.normalised)
            .map(|z| format!("{z:.3}"))
            .unwrap_or_default(),
        selected: a.status == ApplicationStatus::Selected,
    };
    for r in &ranked {
        if let Some(a) = by_id.remove(&r.application_id) {
            lines.push(line(a, Some(r)));
        }
    }
    for a in by_id.into_values() {
        lines.push(line(a, None));
    }
    render(RankingPage {
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
        trimmed: options.method == Method::TrimmedMean,
        normalise: options.normalise,
        owner_weights: scoring::criteria_for(call, &direction)
            .iter()
            .any(|c| c.source.is_none()),
        criteria: scoring::criteria_for(call, &direction)
            .into_iter()
            .map(|c| {
                (
                    c.name.clone(),
                    scoring::trim_number(c.weight),
                    scoring::trim_number(c.max_score),
                )
            })
            .collect(),
        direction,
        lines,
        published: state.store.publication(call.id()).await?.is_some(),
        cutoff,
    })
}

/// `GET /owner/{call}/ranking?direction=&method=mean|trimmed&normalise=1`.
pub async fn ranking_page(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<RankingQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_contest(&state, &user, &call_id)?;
    let notice = message_for(&MsgQuery {
        msg: q.msg.clone(),
        n: q.n,
    });
    ranking_page_html(&state, &viewer, entry, &q, notice, String::new()).await
}

/// `POST /owner/{call}/ranking/select`: the ticked applications, or every application ranked
/// at or above the cut-off rank, in one transaction.
pub async fn select(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/ranking");
    let entry = owned_contest(&state, &user, &call_id)?;
    refuse_if_published(&state, &call_id).await?;
    let q = RankingQuery::from_pairs(&pairs);
    let direction = q
        .direction(entry.call)
        .ok_or(AppError::NotFound)?
        .to_string();
    let (apps, ranked) = ranking(&state, entry.call, &direction, q.options()).await?;
    let cutoff = field(&pairs, "cutoff").unwrap_or("").trim().to_string();
    let refuse = |message: &'static str, cutoff: String| {
        let state = state.clone();
        let viewer = viewer.clone();
        let q = q.clone();
        async move {
            let page =
                ranking_page_html(&state, &viewer, entry, &q, Notice::error(message), cutoff)
                    .await?;
            Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    };
    let ids: Vec<i64> = if cutoff.is_empty() {
        let present: BTreeSet<i64> = apps.iter().map(|a| a.id).collect();
        let ticked: Vec<i64> = pairs
            .iter()
            .filter(|(k, _)| k == "id")
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
        if ticked.iter().any(|id| !present.contains(id)) {
            return Err(AppError::NotFound);
        }
        ticked
    } else {
        match cutoff.parse::<u32>() {
            Ok(c) if c >= 1 => ranked
                .iter()
                .filter(|r| r.rank <= c)
                .map(|r| r.application_id)
                .collect(),
            _ => return refuse(s::OWNER_CUTOFF_BAD, cutoff).await,
        }
    };
    let changed = match owner::select(
        &state.store,
        &state.calls,
        actor(&state, &viewer, &user),
        &call_id,
        &ids,
    )
    .await
    {
        Ok(changed) => changed,
        Err(ActionError::Incomplete(_)) => return refuse(s::OWNER_SELECT_NONE, cutoff).await,
        Err(ActionError::Refused(Refusal::SelectionStale)) => {
            return refuse(s::OWNER_SELECT_STALE, cutoff).await;
        }
        Err(error) => return Err(action_error(Some(entry), error)),
    };
    Ok(Redirect::to(&format!(
        "{here}?{}&msg=selected&n={}",
        q.query_string(&direction),
        changed.len()
    ))
    .into_response())
}

/// `POST /owner/{call}/ranking/unselect`: undoes one selection.
pub async fn unselect(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Owners>,
) -> Result<Response, AppError> {
    let here = format!("/owner/{call_id}/ranking");
    let entry = owned_contest(&state, &user, &call_id)?;
    let q = RankingQuery::from_pairs(&pairs);
    let direction = q
        .direction(entry.call)
        .ok_or(AppError::NotFound)?
        .to_string();
    let id: i64 = field(&pairs, "id")
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::NotFound)?;
    owner::unselect(
        &state.store,
        &state.calls,
        actor(&state, &viewer, &user),
        &call_id,
        id,
    )
    .await
    .map_err(|e| action_error(Some(entry), e))?;
    Ok(Redirect::to(&format!(
        "{here}?{}&msg=unselected",
        q.query_string(&direction)
    ))
    .into_response())
}
