//! Who hears about which status change: the applicant's accounts when its application is
//! returned, decided, forwarded, or when results come out; the reviewers of a unit when
//! applications reach it; experts when they are given work.
//!
//! Everything goes through [`crate::notify::Notifier`] (the inbox, and e-mail when
//! configured), which never fails: a lost notice is logged, and the action that caused it
//! stands. Recipient look-ups that fail are logged the same way.

use shenbao_core::call::definition::{LevelScope, ReviewLevel};
use shenbao_core::routing;
use shenbao_store::ApplicationStatus;
use shenbao_store::{ApplicationRow, StoreError, UserRow};

use crate::ServerState;
use crate::calls::CallEntry;
use crate::notify::Notice;
use crate::strings as s;

/// The name of an application in a notice: its title, else its number.
fn name_of(app: &ApplicationRow) -> String {
    app.title
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("#{}", app.id))
}

fn ids(users: Result<Vec<UserRow>, StoreError>) -> Vec<i64> {
    match users {
        Ok(users) => users.into_iter().map(|u| u.id).collect(),
        Err(error) => {
            tracing::warn!(%error, "notification recipients could not be read");
            Vec::new()
        }
    }
}

async fn send(state: &ServerState, recipients: &[i64], notice: Notice) {
    if recipients.is_empty() {
        return;
    }
    state
        .notifier
        .notify(&state.store, state.now(), recipients, &notice)
        .await;
}

/// The accounts of the applicant organisation.
async fn applicant_accounts(state: &ServerState, app: &ApplicationRow) -> Vec<i64> {
    ids(state.store.users_of_organisation(app.organisation_id).await)
}

/// The accounts that review for `unit` at `level` of `entry`'s call: at the provincial level
/// the owners who own the call.
async fn unit_accounts(
    state: &ServerState,
    entry: &CallEntry,
    level: &ReviewLevel,
    unit: &str,
) -> Vec<i64> {
    if level.scope == LevelScope::Province {
        let owners = state.store.unit_reviewers(routing::OWNER, false).await;
        return ids(owners.map(|users| {
            users
                .into_iter()
                .filter(|u| routing::owns_call(u.role, u.scope_region.as_deref(), entry.call))
                .collect()
        }));
    }
    ids(state
        .store
        .unit_reviewers(unit, level.scope == LevelScope::Sector)
        .await)
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

/// A submission (or resubmission) reached its unit: tell the unit's reviewers.
pub async fn arrived(state: &ServerState, entry: &CallEntry, app: &ApplicationRow) {
    let Some(level) = level_of(entry, app.level.as_deref()) else {
        return;
    };
    let unit = app.unit.as_deref().unwrap_or_default();
    let recipients = unit_accounts(state, entry, level, unit).await;
    send(
        state,
        &recipients,
        Notice {
            title: format!("{}{}", s::NOTICE_ARRIVED, name_of(app)),
            body: format!("{}：{}", entry.call.def().title, name_of(app)),
            link: Some(review_link(level, app)),
        },
    )
    .await;
}

/// A unit returned, recommended or declined an application: tell the applicant, with the
/// comment or opinion.
pub async fn decided(
    state: &ServerState,
    entry: &CallEntry,
    app: &ApplicationRow,
    action: &str,
    text: &str,
) {
    let what = match action {
        "return" => s::NOTICE_RETURNED,
        "reject" => s::NOTICE_NOT_RECOMMENDED,
        _ => s::NOTICE_RECOMMENDED,
    };
    let level = level_of(entry, app.level.as_deref())
        .map(|l| l.name.clone())
        .unwrap_or_default();
    let recipients = applicant_accounts(state, app).await;
    send(
        state,
        &recipients,
        Notice {
            title: format!("{what}：{}", name_of(app)),
            body: format!("{level}：{text}"),
            link: Some(format!("/applications/{}", app.id)),
        },
    )
    .await;
}

/// A unit forwarded its list: tell each applicant, and the reviewers of every unit that
/// received applications (once per unit).
pub async fn forwarded(state: &ServerState, entry: &CallEntry, moved: &[i64]) {
    let mut told_units: Vec<(String, String)> = Vec::new();
    for id in moved {
        let app = match state.store.application(*id).await {
            Ok(Some(app)) => app,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(%error, "forwarded application could not be read");
                continue;
            }
        };
        let Some(level) = level_of(entry, app.level.as_deref()) else {
            continue;
        };
        let recipients = applicant_accounts(state, &app).await;
        send(
            state,
            &recipients,
            Notice {
                title: format!("{}{}", s::NOTICE_FORWARDED, level.name),
                body: format!("{}：{}", entry.call.def().title, name_of(&app)),
                link: Some(format!("/applications/{}", app.id)),
            },
        )
        .await;
        let unit = app.unit.clone().unwrap_or_default();
        if told_units.iter().any(|(l, u)| *l == level.id && *u == unit) {
            continue;
        }
        told_units.push((level.id.clone(), unit.clone()));
        let recipients = unit_accounts(state, entry, level, &unit).await;
        send(
            state,
            &recipients,
            Notice {
                title: format!("{}{}", s::NOTICE_LIST_ARRIVED, entry.call.def().title),
                body: format!("{}：{}", s::NOTICE_LIST_ARRIVED_BODY, level.name),
                link: Some(if level.scope == LevelScope::Province {
                    format!("/owner/{}", app.call_id)
                } else {
                    format!("/review/{}", app.call_id)
                }),
            },
        )
        .await;
    }
}

/// Experts were given applications to score.
pub async fn assigned(state: &ServerState, entry: &CallEntry, experts: &[i64]) {
    send(
        state,
        experts,
        Notice {
            title: format!("{}{}", s::NOTICE_ASSIGNED, entry.call.def().title),
            body: s::NOTICE_ASSIGNED_BODY.to_string(),
            link: Some("/expert".to_string()),
        },
    )
    .await;
}

/// The owner published the results: tell every applicant that reached the owner whether it
/// was selected.
pub async fn published(state: &ServerState, entry: &CallEntry, owner_level: &str) {
    let call_id = entry.call.id();
    let mut after = None;
    loop {
        let page = match state
            .store
            .owner_applications(call_id, owner_level, None, after, 500)
            .await
        {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, "published applications could not be read");
                return;
            }
        };
        let Some(last) = page.last() else {
            return;
        };
        after = Some((last.submitted_at, last.id));
        for row in &page {
            let selected = row.status == ApplicationStatus::Selected;
            let recipients = ids(state.store.users_of_organisation(row.organisation_id).await);
            let name = row
                .title
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("#{}", row.id));
            send(
                state,
                &recipients,
                Notice {
                    title: format!(
                        "{}{}",
                        if selected {
                            s::NOTICE_SELECTED
                        } else {
                            s::NOTICE_NOT_SELECTED
                        },
                        name
                    ),
                    body: entry.call.def().title.clone(),
                    link: Some(format!("/calls/{call_id}/results")),
                },
            )
            .await;
        }
    }
}
