//! The bureaus' side of review: each reviewing unit's queue, the review page with the whole
//! submitted form, the decision (return for revision, not recommended, recommended with the
//! call's opinion block), the ranking (择优排序) and forwarding to the next level.
//!
//! A bureau account acts for one unit at one level of a call, found by
//! [`routing::bureau_levels`] from its region or sector. Every action re-checks on the server
//! that the application is at that unit now, that the unit has not forwarded the direction (the
//! store's guards) and that the level's deadline has not passed. Applications of other units
//! answer 404, so ids cannot be probed. Call owners may open any routed application read-only.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value as Json, json};
use shenbao_app::snapshot::{self, SnapshotFile};
use shenbao_core::call::Target;
use shenbao_core::call::definition::LevelScope;
use shenbao_core::form::{self, Application, Severity};
use shenbao_core::routing;
use shenbao_store::ApplicationStatus;
use shenbao_store::{ApplicationRow, QueueQuery, QueueSort, Role, UnitRef, UserRow};

use super::Nav;
use super::public::render;
use super::view::{action_error, event_label, fmt_time, problem_text, status_label, unit_label};
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::documents::send_attachment;
use crate::documents::{Format, FormatQuery, application_download};
use crate::error::AppError;
use crate::guard::{Bureaus, Fields, Posted, Reviewers, SignedIn};
use crate::strings as s;
use shenbao_app::actions::ActionError;
use shenbao_app::actions::review::{self, Desk, Verdict};
use shenbao_app::exports::{Version, profile_json};

mod exports;
mod index;
mod queue;
mod ranking;
mod sending;
mod show;
mod statistics;
mod timeline;

pub use exports::*;
pub use index::*;
pub use queue::*;
pub use ranking::*;
pub use sending::*;
pub use show::*;
pub use statistics::*;
pub use timeline::*;

/// Rows per queue page.
const PAGE: i64 = 20;

/// The bureau account's unit for call `call_id`; 404 when it reviews nothing there.
fn desk<'s>(state: &'s ServerState, user: &UserRow, call_id: &str) -> Result<Desk<'s>, AppError> {
    Desk::of(&state.calls, user, call_id).ok_or(AppError::NotFound)
}

/// How the desk's unit is named on pages.
fn desk_label(desk: &Desk<'_>) -> String {
    unit_label(desk.level, &desk.unit)
}

/// A direction's quota (推荐名额) as the bureau's pages show it.
pub(super) struct QuotaView {
    /// The direction's id.
    direction: String,
    /// Its name.
    name: String,
    /// The numbers, what is recommended and what is left, in words.
    text: String,
    /// Nothing is left.
    full: bool,
}

/// The desk's quota by direction; empty when its level has none.
async fn quota_views(state: &ServerState, desk: &Desk<'_>) -> Result<Vec<QuotaView>, AppError> {
    Ok(desk
        .quota_use(&state.store)
        .await?
        .into_iter()
        .map(|q| {
            let (text, full) = super::view::quota_text(&q);
            QuotaView {
                text,
                full,
                direction: q.direction,
                name: q.name,
            }
        })
        .collect())
}

fn direction_name(entry: &CallEntry, id: &str) -> String {
    entry
        .call
        .direction(id)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| id.to_string())
}
