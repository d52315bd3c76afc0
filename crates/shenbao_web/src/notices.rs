//! Who hears about which status change: the applicant's accounts when its application is
//! returned, decided, forwarded, or when results come out; the reviewers of a unit when
//! applications reach it; experts when they are given work.
//!
//! The actions of `shenbao_app::actions` announce what happened in their own transaction, as a
//! notification outbox row ([`News`]); [`deliver`] turns the rows an action wrote into inbox
//! entries (and queued e-mail) right after its commit, marking each delivered in the same
//! transaction, and the sweeper ([`spawn_outbox_sweeper`]) delivers any that a crash left
//! behind. Delivery never fails the action: a row that cannot be delivered is logged and
//! stays for the next sweep.
//!

use std::time::Duration;

use shenbao_app::news::News;
use shenbao_core::call::definition::{LevelScope, ReviewLevel};
use shenbao_core::routing;
use shenbao_core::workflow::Action;
use shenbao_store::ApplicationStatus;
use shenbao_store::{ApplicationRow, OutboxRow, StoreError, UserRow};
use tokio::task::JoinHandle;

use crate::ServerState;
use crate::calls::CallEntry;
use crate::notify::{NOTIFY_TIMEOUT, Notice};
use crate::strings as s;

/// The name of an application in a notice: its title, else its number.
fn name_of(app: &ApplicationRow) -> String {
    app.title
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("#{}", app.id))
}

fn ids(users: Vec<UserRow>) -> Vec<i64> {
    users.into_iter().map(|u| u.id).collect()
}

/// The accounts of the applicant organisation.
async fn applicant_accounts(
    state: &ServerState,
    app: &ApplicationRow,
) -> Result<Vec<i64>, StoreError> {
    Ok(ids(state
        .store
        .users_of_organisation(app.organisation_id)
        .await?))
}

/// The accounts that review for `unit` at `level` of `entry`'s call: at the provincial level
/// the owners who own the call.
async fn unit_accounts(
    state: &ServerState,
    entry: &CallEntry,
    level: &ReviewLevel,
    unit: &str,
) -> Result<Vec<i64>, StoreError> {
    if level.scope == LevelScope::Province {
        let owners = state.store.unit_reviewers(routing::OWNER, false).await?;
        return Ok(ids(owners
            .into_iter()
            .filter(|u| routing::owns_call(u.role, u.scope_region.as_deref(), entry.call))
            .collect()));
    }
    Ok(ids(state
        .store
        .unit_reviewers(unit, named_unit(entry, level, unit))
        .await?))
}

/// Whether `unit` at `level` is named, not a division: a sector department, or one of the
/// call's zones (both carried by their accounts as the sector).
fn named_unit(entry: &CallEntry, level: &ReviewLevel, unit: &str) -> bool {
    level.scope == LevelScope::Sector || entry.call.def().units.iter().any(|u| u.name == unit)
}

fn level_of<'c>(entry: &'c CallEntry, id: Option<&str>) -> Option<&'c ReviewLevel> {
    let id = id?;
    entry.call.def().review_levels.iter().find(|l| l.id == id)
}

/// Where a reviewer of `level` opens an application.
fn review_link(level: &ReviewLevel, app: &ApplicationRow) -> String {
    if level.scope == LevelScope::Province {
        format!("/owner/{}", app.call_id)
    } else {
        format!("/review/{}/applications/{}", app.call_id, app.id)
    }
}

// ---- the outbox -------------------------------------------------------------------------

/// How often the sweeper looks for outbox rows that were not delivered.
pub const OUTBOX_SWEEP_INTERVAL: Duration = Duration::from_secs(30);
/// A row younger than this is left to the request that wrote it.
pub const OUTBOX_GRACE_MS: i64 = 10_000;
/// Rows read per page of a sweep.
const OUTBOX_PAGE: i64 = 100;
/// Longest the sweeper spends on one row (a publication tells every applicant of a call);
/// the request that wrote a row gives it [`NOTIFY_TIMEOUT`] and leaves the rest to the
/// sweeper.
pub const OUTBOX_DELIVERY_TIMEOUT: Duration = Duration::from_secs(120);

/// Delivers the outbox rows `ids` that an action just committed. Never fails: a row that
/// cannot be delivered now is logged and stays for the sweeper.
pub async fn deliver(state: &ServerState, ids: &[i64]) {
    for &id in ids {
        match state.store.outbox_row(id).await {
            Ok(Some(row)) => {
                deliver_row(state, &row, NOTIFY_TIMEOUT).await;
            }
            Ok(None) => tracing::warn!(id, "outbox row to deliver is missing"),
            Err(error) => tracing::warn!(%error, id, "outbox row could not be read"),
        }
    }
}

/// Delivers every row still waiting that is older than `grace_ms` (all of them with 0): the
/// rows whose request died between its commit and their delivery. Returns how many it
/// delivered.
pub async fn sweep(state: &ServerState, grace_ms: i64) -> usize {
    let mut after = 0;
    let mut delivered = 0;
    let cutoff = state.now().saturating_sub(grace_ms);
    loop {
        let page = match state.store.pending_outbox(after, OUTBOX_PAGE).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, "the outbox could not be read");
                return delivered;
            }
        };
        let Some(last) = page.last() else {
            return delivered;
        };
        after = last.id;
        for row in page.iter().filter(|r| r.at <= cutoff) {
            if deliver_row(state, row, OUTBOX_DELIVERY_TIMEOUT).await {
                delivered += 1;
            }
        }
    }
}

/// Starts the sweeper: at once (rows left by the last run), then every
/// [`OUTBOX_SWEEP_INTERVAL`].
pub fn spawn_outbox_sweeper(state: ServerState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut grace = 0;
        loop {
            let n = sweep(&state, grace).await;
            if n > 0 {
                tracing::info!(delivered = n, "outbox rows delivered by the sweeper");
            }
            grace = OUTBOX_GRACE_MS;
            tokio::time::sleep(OUTBOX_SWEEP_INTERVAL).await;
        }
    })
}

/// Delivers one row: who hears what, written with the row marked delivered, in one
/// transaction. `true` when this call delivered it.
async fn deliver_row(state: &ServerState, row: &OutboxRow, limit: Duration) -> bool {
    if row.delivered_at.is_some() {
        return false;
    }
    let news = match News::from_row(row) {
        Ok(news) => news,
        Err(error) => {
            tracing::error!(%error, id = row.id, kind = %row.kind, "outbox row not understood");
            return false;
        }
    };
    let work = async {
        let now = state.now();
        let mut rows = Vec::new();
        let mut mails = Vec::new();
        for (mut recipients, notice) in tell(state, &news).await? {
            recipients.sort_unstable();
            recipients.dedup();
            let (r, m) = state
                .notifier
                .rows(&state.store, now, &recipients, &notice)
                .await?;
            rows.extend(r);
            mails.extend(m);
        }
        state.store.deliver_outbox(row.id, now, &rows, &mails).await
    };
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(delivered)) => delivered,
        Ok(Err(error)) => {
            tracing::error!(%error, id = row.id, "outbox row could not be delivered");
            false
        }
        Err(_) => {
            tracing::error!(id = row.id, "outbox delivery timed out");
            false
        }
    }
}

/// Who must hear about `news`, and what.
async fn tell(state: &ServerState, news: &News) -> Result<Vec<(Vec<i64>, Notice)>, StoreError> {
    Ok(match news {
        News::Arrived { application_id } => match application(state, *application_id).await? {
            Some((app, entry)) => arrived(state, entry, &app).await?,
            None => Vec::new(),
        },
        News::Decided {
            application_id,
            action,
            text,
        } => match application(state, *application_id).await? {
            Some((app, entry)) => decided(state, entry, &app, *action, text).await?,
            None => Vec::new(),
        },
        News::Forwarded {
            call_id,
            application_ids,
        } => match state.calls.get(call_id) {
            Some(entry) => forwarded(state, entry, application_ids).await?,
            None => Vec::new(),
        },
        News::Assigned { call_id, experts } => match state.calls.get(call_id) {
            Some(entry) => assigned(entry, experts),
            None => Vec::new(),
        },
        News::Published { call_id } => match state.calls.get(call_id) {
            Some(entry) => published(state, entry).await?,
            None => Vec::new(),
        },
    })
}

async fn application(
    state: &ServerState,
    id: i64,
) -> Result<Option<(ApplicationRow, &CallEntry)>, StoreError> {
    let Some(app) = state.store.application(id).await? else {
        return Ok(None);
    };
    Ok(state.calls.of(&app).map(|entry| (app, entry)))
}

/// A submission (or resubmission) reached its unit: its reviewers.
async fn arrived(
    state: &ServerState,
    entry: &CallEntry,
    app: &ApplicationRow,
) -> Result<Vec<(Vec<i64>, Notice)>, StoreError> {
    let Some(level) = level_of(entry, app.level.as_deref()) else {
        return Ok(Vec::new());
    };
    let unit = app.unit.as_deref().unwrap_or_default();
    let recipients = unit_accounts(state, entry, level, unit).await?;
    Ok(vec![(
        recipients,
        Notice {
            title: format!("{}{}", s::NOTICE_ARRIVED, name_of(app)),
            body: format!("{}：{}", entry.call.def().title, name_of(app)),
            link: Some(review_link(level, app)),
        },
    )])
}

/// A unit returned, recommended or declined an application: the applicant, with the comment
/// or opinion.
async fn decided(
    state: &ServerState,
    entry: &CallEntry,
    app: &ApplicationRow,
    action: Action,
    text: &str,
) -> Result<Vec<(Vec<i64>, Notice)>, StoreError> {
    let what = match action {
        Action::Return => s::NOTICE_RETURNED,
        Action::NotRecommend => s::NOTICE_NOT_RECOMMENDED,
        _ => s::NOTICE_RECOMMENDED,
    };
    // The unit that decided: where the application still is (a return keeps it there).
    let level = level_of(entry, app.level.as_deref())
        .map(|l| crate::pages::view::unit_label(l, app.unit.as_deref().unwrap_or_default()))
        .unwrap_or_default();
    let recipients = applicant_accounts(state, app).await?;
    Ok(vec![(
        recipients,
        Notice {
            title: format!("{what}：{}", name_of(app)),
            body: format!("{level}：{text}"),
            link: Some(format!("/applications/{}", app.id)),
        },
    )])
}

/// A unit forwarded its list: each applicant, and the reviewers of every unit that received
/// applications (once per unit).
async fn forwarded(
    state: &ServerState,
    entry: &CallEntry,
    moved: &[i64],
) -> Result<Vec<(Vec<i64>, Notice)>, StoreError> {
    let mut out = Vec::new();
    let mut told_units: Vec<(String, String)> = Vec::new();
    for id in moved {
        let Some(app) = state.store.application(*id).await? else {
            continue;
        };
        let Some(level) = level_of(entry, app.level.as_deref()) else {
            continue;
        };
        let unit = app.unit.clone().unwrap_or_default();
        let unit_name = crate::pages::view::unit_label(level, &unit);
        out.push((
            applicant_accounts(state, &app).await?,
            Notice {
                title: format!("{}{}", s::NOTICE_FORWARDED, unit_name),
                body: format!("{}：{}", entry.call.def().title, name_of(&app)),
                link: Some(format!("/applications/{}", app.id)),
            },
        ));
        if told_units.iter().any(|(l, u)| *l == level.id && *u == unit) {
            continue;
        }
        told_units.push((level.id.clone(), unit.clone()));
        out.push((
            unit_accounts(state, entry, level, &unit).await?,
            Notice {
                title: format!("{}{}", s::NOTICE_LIST_ARRIVED, entry.call.def().title),
                body: format!("{}：{}", s::NOTICE_LIST_ARRIVED_BODY, unit_name),
                link: Some(if level.scope == LevelScope::Province {
                    format!("/owner/{}", app.call_id)
                } else {
                    format!("/review/{}", app.call_id)
                }),
            },
        ));
    }
    Ok(out)
}

/// Experts were given applications to score.
fn assigned(entry: &CallEntry, experts: &[i64]) -> Vec<(Vec<i64>, Notice)> {
    vec![(
        experts.to_vec(),
        Notice {
            title: format!("{}{}", s::NOTICE_ASSIGNED, entry.call.def().title),
            body: s::NOTICE_ASSIGNED_BODY.to_string(),
            link: Some("/expert".to_string()),
        },
    )]
}

/// The owner published the results: every applicant that reached the owner, whether it was
/// selected (a page of applications at a time).
async fn published(
    state: &ServerState,
    entry: &CallEntry,
) -> Result<Vec<(Vec<i64>, Notice)>, StoreError> {
    let call_id = entry.call.id();
    let owner_level = shenbao_app::actions::owner::owner_level(entry.call);
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .store
            .owner_applications(call_id, owner_level, None, after, 500)
            .await?;
        let Some(last) = page.last() else {
            return Ok(out);
        };
        after = Some((last.submitted_at, last.id));
        for row in &page {
            let selected = row.status == ApplicationStatus::Selected;
            let recipients = ids(state
                .store
                .users_of_organisation(row.organisation_id)
                .await?);
            let name = row
                .title
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("#{}", row.id));
            let what = if selected {
                s::NOTICE_SELECTED
            } else {
                s::NOTICE_NOT_SELECTED
            };
            out.push((
                recipients,
                Notice {
                    title: format!("{what}{name}"),
                    body: entry.call.def().title.clone(),
                    link: Some(format!("/calls/{call_id}/results")),
                },
            ));
        }
    }
}
