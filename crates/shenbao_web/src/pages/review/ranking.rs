//! The unit's ranking (择优排序) and forwarding to the next level.

use super::*;

/// Query string of the ranking page.
#[derive(Debug, Default, Deserialize)]
pub struct RankingParams {
    #[serde(default)]
    direction: String,
    /// A notice code after a scan upload (`scan_uploaded`, `scan_not_pdf`…).
    #[serde(default)]
    msg: Option<String>,
    /// The page of the scans sent here: after this scan id.
    #[serde(default)]
    scans_after: i64,
}

/// A ranked application.
pub struct RankLine {
    id: i64,
    rank: i64,
    title: String,
    organisation: String,
    region: String,
    lower: String,
}

#[derive(Template)]
#[template(path = "review/ranking.html")]
pub(super) struct RankingPage {
    nav: Nav,
    call_id: String,
    call_title: String,
    level: String,
    unit: String,
    ranks: bool,
    /// Where the notice asks this level to rank; empty when the owner chose it.
    ranks_source: String,
    directions: Vec<(String, String)>,
    direction: String,
    direction_name: String,
    rows: Vec<RankLine>,
    pending: i64,
    forwarded: Option<String>,
    deadline: String,
    open: bool,
    next_level: String,
    lower_level: String,
    received: Vec<ReceivedLine>,
    /// The summary tables (汇总表) to download: (id, title).
    summaries: Vec<(String, String)>,
    /// The direction's quota (推荐名额), if the level has one.
    quota: Option<QuotaView>,
    /// What the level sends upward (推荐函, 盖章扫描件), if the call says.
    sending: Option<SendingView>,
    /// The scans units below sent here.
    sent: SentScans,
    /// A notice after an upload: (text, class).
    notice: Option<(String, &'static str)>,
}

/// An application the lower level sent up, with its rank there.
pub struct ReceivedLine {
    id: i64,
    unit: String,
    rank: String,
    title: String,
    organisation: String,
    status: &'static str,
}

/// `GET /review/{call}/ranking?direction=`: the unit's recommended applications of a
/// direction in order, with the lower level's ranks, and the forward button.
pub async fn ranking(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
    Query(params): Query<RankingParams>,
) -> Result<Html<String>, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let directions = desk.directions();
    let direction = directions
        .iter()
        .find(|(id, _)| *id == params.direction)
        .or(directions.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let at = desk.at();
    let lower = routing::previous_level(desk.entry.call, &direction.0, &desk.level.id);
    let received: Vec<ReceivedLine> = match lower {
        Some(l) => state
            .store
            .lower_reviews(&at, &direction.0, &l.id)
            .await?
            .into_iter()
            .map(|r| ReceivedLine {
                id: r.review.application_id,
                unit: unit_label(l, &r.review.unit),
                rank: r
                    .review
                    .rank
                    .map(|x| format!("第{x}位"))
                    .unwrap_or_default(),
                title: r.title.unwrap_or_default(),
                organisation: r.organisation_name,
                status: r.status.label(),
            })
            .collect(),
        None => Vec::new(),
    };
    let lower_ranks: BTreeMap<i64, String> = received
        .iter()
        .map(|r| (r.id, format!("{} {}", r.unit, r.rank)))
        .collect();
    let rows: Vec<RankLine> = state
        .store
        .ranking(&at, &direction.0)
        .await?
        .into_iter()
        .map(|r| RankLine {
            id: r.application.id,
            rank: r.rank.unwrap_or_default(),
            title: r.application.title.clone().unwrap_or_default(),
            organisation: r.organisation_name,
            region: shenbao_core::region::full_name(&r.organisation_region)
                .unwrap_or(r.organisation_region),
            lower: lower_ranks
                .get(&r.application.id)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let count = rows.len();
    let pending = state
        .store
        .queue_counts(&at)
        .await?
        .iter()
        .filter(|c| c.direction == direction.0 && c.status == ApplicationStatus::Submitted)
        .map(|c| c.count)
        .sum();
    let forwarded = state
        .store
        .forwards_of_unit(&at)
        .await?
        .into_iter()
        .find(|f| f.direction == direction.0)
        .map(|f| fmt_time(f.forwarded_at));
    let quota = quota_views(&state, &desk)
        .await?
        .into_iter()
        .find(|q| q.direction == direction.0);
    render(RankingPage {
        nav: Nav::of(&viewer),
        call_id: call_id.clone(),
        call_title: desk.entry.call.def().title.clone(),
        level: desk.level.name.clone(),
        unit: desk_label(&desk),
        ranks: desk.level.ranks,
        ranks_source: desk.level.ranks_source.clone().unwrap_or_default(),
        directions: directions.clone(),
        direction_name: direction.1.clone(),
        next_level: desk
            .next(&direction.0)
            .map(|(l, _)| l.name.clone())
            .unwrap_or_default(),
        direction: direction.0,
        rows,
        pending,
        forwarded,
        deadline: desk.deadline().map(|d| d.to_string()).unwrap_or_default(),
        open: desk.open(state.now()),
        lower_level: lower.map(|l| l.name.clone()).unwrap_or_default(),
        received,
        summaries: desk.summaries(),
        quota,
        sending: sending_view(&state, &desk, count).await?,
        sent: sent_scans(
            &state,
            desk.entry.call,
            &desk.level.id,
            &desk.unit,
            params.scans_after,
        )
        .await?,
        notice: params.msg.as_deref().and_then(scan_notice),
    })
}

/// The notice after a scan upload, by its code.
fn scan_notice(code: &str) -> Option<(String, &'static str)> {
    let (text, class) = match code {
        "scan_uploaded" => (s::SCAN_UPLOADED, "ok"),
        "scan_not_pdf" => (s::SCAN_NOT_PDF, "error"),
        "scan_no_file" => (s::UPLOAD_NO_FILE, "error"),
        "scan_too_large" => (s::SCAN_TOO_LARGE, "error"),
        "scan_interrupted" => (s::UPLOAD_INTERRUPTED, "error"),
        _ => return None,
    };
    Some((text.to_string(), class))
}

/// The move form.
#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    id: i64,
    #[serde(default)]
    direction: String,
    /// `up` or `down`.
    #[serde(default)]
    to: String,
}

/// `POST /review/{call}/ranking/move`: one place up or down.
pub async fn move_rank(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer, user, form, ..
    }: Posted<MoveForm, Bureaus>,
) -> Result<Response, AppError> {
    let actor = viewer.actor(&user, state.now());
    review::move_in_ranking(
        &state.store,
        &state.calls,
        actor,
        &call_id,
        form.id,
        form.to == "up",
    )
    .await
    .map_err(|e| action_error(state.calls.get(&call_id), e))?;
    Ok(Redirect::to(&format!(
        "/review/{call_id}/ranking?direction={}",
        crate::error::urlencode(&form.direction)
    ))
    .into_response())
}

/// The forward form.
#[derive(Deserialize)]
pub struct ForwardForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /review/{call}/forward`: sends the ranked list of a direction to the next level,
/// before the level's deadline; the list is frozen afterwards.
pub async fn forward(
    State(state): State<ServerState>,
    Path(call_id): Path<String>,
    Posted {
        viewer, user, form, ..
    }: Posted<ForwardForm, Bureaus>,
) -> Result<Response, AppError> {
    let actor = viewer.actor(&user, state.now());
    let done = review::forward(
        &state.store,
        &state.calls,
        actor,
        &call_id,
        &form.direction,
        form.confirm.is_some(),
        |desk, next| format!("{} → {}", desk_label(desk), next.name),
    )
    .await
    .map_err(|e| action_error(state.calls.get(&call_id), e))?;
    crate::notices::deliver(&state, &done.outbox).await;
    Ok(Redirect::to(&format!(
        "/review/{call_id}/ranking?direction={}",
        crate::error::urlencode(&form.direction)
    ))
    .into_response())
}
