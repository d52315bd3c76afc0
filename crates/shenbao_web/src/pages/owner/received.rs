//! owner/{call}/received and owner/{call}/summary/{table}: what has reached the owner (every
//! unit's forwarded applications), twenty a page by arrival, and the call's summary tables
//! (汇总表) over all of them. For a collection (摸底) this is the owner's whole work; for a
//! contest it sits beside the ranking.

use super::*;
use crate::documents::FormatQuery;

/// An application that reached the owner.
pub struct ReceivedLine {
    id: i64,
    title: String,
    organisation: String,
    region: String,
    direction: String,
    submitted: String,
}

#[derive(Template)]
#[template(path = "owner/received.html")]
pub(super) struct ReceivedPage {
    nav: Nav,
    call_id: String,
    /// Whether the call is a contest (the tabs).
    contest: bool,
    title: String,
    notice: Option<Notice>,
    /// The summary tables, `(id, title)`.
    tables: Vec<(String, String)>,
    lines: Vec<ReceivedLine>,
    /// The key of the next page, `at.id`.
    next: Option<String>,
    /// The stamped scans the units sent with their lists (推荐函, 汇总表).
    sent: crate::pages::review::SentScans,
}

/// The query of the received list: the key after which the page starts.
#[derive(Debug, Deserialize)]
pub struct ReceivedQuery {
    #[serde(default)]
    after: Option<String>,
    /// The page of the scans the units sent: after this scan id.
    #[serde(default)]
    scans_after: i64,
}

/// `GET /owner/{call}/received?after=`.
pub async fn received_page(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Owners>,
    Path(call_id): Path<String>,
    Query(q): Query<ReceivedQuery>,
) -> Result<Html<String>, AppError> {
    let entry = owned_call(&state, &user, &call_id)?;
    let call = entry.call;
    let after = assignments::parse_key(q.after.as_deref());
    let mut rows = state
        .store
        .owner_applications(call.id(), owner_level(call), None, after, PAGE + 1)
        .await?;
    let next = (rows.len() as i64 > PAGE).then(|| {
        rows.truncate(PAGE as usize);
        rows.last()
            .map(|r| format!("{}.{}", r.submitted_at, r.id))
            .unwrap_or_default()
    });
    render(ReceivedPage {
        nav: Nav::of(&viewer),
        call_id: call.id().to_string(),
        contest: call.def().kind.is_contest(),
        title: call.def().title.clone(),
        notice: None,
        tables: call
            .def()
            .summaries
            .iter()
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect(),
        lines: rows
            .into_iter()
            .map(|r| ReceivedLine {
                id: r.id,
                title: r.title.unwrap_or_default(),
                organisation: r.organisation_name,
                region: region_name(&r.region),
                direction: direction_name(call, &r.direction),
                submitted: crate::pages::view::fmt_time(r.submitted_at),
            })
            .collect(),
        next,
        sent: crate::pages::review::sent_scans(
            &state,
            call,
            owner_level(call),
            shenbao_core::routing::OWNER,
            q.scans_after,
        )
        .await?,
    })
}

/// `GET /owner/{call}/summary/{table}?format=xlsx|docx`: summary table `table` over every
/// application at the owner level.
pub async fn owner_summary(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Owners>,
    Path((call_id, table_id)): Path<(String, String)>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let entry = owned_call(&state, &user, &call_id)?;
    let call = entry.call;
    let format = query.or(Format::Xlsx)?;
    let (table, def) = call
        .def()
        .summaries
        .iter()
        .enumerate()
        .find(|(_, t)| t.id == table_id)
        .ok_or(AppError::NotFound)?;
    let level = owner_level(call);
    let bytes = match format {
        Format::Xlsx => {
            shenbao_app::exports::owner_summary_xlsx(&state.store, call, level, table).await
        }
        Format::Docx => {
            shenbao_app::exports::owner_summary_docx(&state.store, call, level, table).await
        }
        Format::Pdf => return Err(AppError::NotFound),
    }
    .map_err(AppError::Internal)?;
    Ok(crate::documents::download(
        format,
        &format!("{}-{}", def.title, s::OWNER_SUMMARY_SUFFIX),
        &format!("summary-{call_id}-{table_id}-all"),
        bytes,
    ))
}
