//! The call owner's side (征集单位, the provincial department): the dashboard of a call, the
//! expert pool and conflicts of interest, assignment of experts (by hand and automatic), the
//! ranking of each direction from the experts' submitted scores, selection and publication.
//!
//! Every page needs `Role::Owner` (or `Role::Admin`). An owner account with a region (山东省
//! 工业和信息化厅: `370000`) owns the calls whose area lies within it; one without a region, and
//! an admin, own every call. Another owner's call answers 404. Once a call's results are
//! published, no selection or assignment of it changes.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shenbao_core::call::Call;
use shenbao_core::region;
use shenbao_store::ApplicationStatus;
use shenbao_store::{CountRow, OwnerApplicationRow, UserRow};

use super::Nav;
use super::public::render;
use super::view::{action_error, problem_text};
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::documents::Format;
use crate::error::AppError;
use crate::guard::{Fields, Owners, Posted, SignedIn};
use crate::scoring::{self, Method, Options, Sheet};
use crate::strings as s;
use shenbao_app::actions::owner::{self, owner_level};
use shenbao_app::actions::{ActionError, Actor, Problem, Refusal};

mod assignments;
mod definition;
mod exclusions;
mod experts;
mod index;
mod publish;
mod ranking;
mod received;
mod statistics;

pub use assignments::*;
pub use definition::*;
pub use exclusions::*;
pub use experts::*;
pub use index::*;
pub use publish::*;
pub use ranking::*;
pub use received::*;
pub use statistics::*;

/// Rows per page of the owner's lists.
pub const PAGE: i64 = 20;
/// Most applications a ranking holds (one direction at the owner level).
const MAX_RANKED: i64 = 100_000;

// ---- shared helpers ----------------------------------------------------------------------

/// The last value of a posted field.
pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A direction's name, or its id when unknown.
pub(crate) fn direction_name(call: &Call, id: &str) -> String {
    call.direction(id)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The name of a division code (`440300` → 深圳市), or the code when unknown.
pub(crate) fn region_name(code: &str) -> String {
    region::full_name(code).unwrap_or_else(|| code.to_string())
}

/// Two decimals.
pub(crate) fn two(v: f64) -> String {
    format!("{v:.2}")
}

/// Whether `user` (an owner or admin) owns `call`: see the module documentation and
/// [`shenbao_core::routing::owns_call`].
pub(crate) fn owns(user: &UserRow, call: &Call) -> bool {
    shenbao_core::routing::owns_call(user.role, user.scope_region.as_deref(), call)
}

/// The call `call_id`, if it exists and the logged-in owner owns it.
fn owned_call<'s>(
    state: &'s ServerState,
    user: &UserRow,
    call_id: &str,
) -> Result<&'s CallEntry, AppError> {
    state
        .calls
        .get(call_id)
        .filter(|e| owns(user, e.call))
        .ok_or(AppError::NotFound)
}

/// [`owned_call`], refused for a collection call (摸底): its owner has no experts, no
/// selection and no results to publish.
fn owned_contest<'s>(
    state: &'s ServerState,
    user: &UserRow,
    call_id: &str,
) -> Result<&'s CallEntry, AppError> {
    let entry = owned_call(state, user, call_id)?;
    if !entry.call.def().kind.is_contest() {
        return Err(AppError::Refused(s::OWNER_COLLECTION.to_string()));
    }
    Ok(entry)
}

/// Refuses a page of changes once the call's results are published (the actions refuse the
/// change itself, inside its transaction).
async fn refuse_if_published(state: &ServerState, call_id: &str) -> Result<(), AppError> {
    if state.store.publication(call_id).await?.is_some() {
        return Err(AppError::Refused(s::OWNER_PUBLISHED_LOCKED.to_string()));
    }
    Ok(())
}

/// A notice at the top of a page and its class (`ok`, `error`).
pub struct Notice {
    text: String,
    class: &'static str,
}

impl Notice {
    fn ok(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            class: "ok",
        })
    }

    fn error(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            class: "error",
        })
    }
}

/// The message query of pages reached by a redirect.
#[derive(Deserialize, Default)]
pub struct MsgQuery {
    msg: Option<String>,
    n: Option<i64>,
}

fn message_for(q: &MsgQuery) -> Option<Notice> {
    let text = match q.msg.as_deref()? {
        "added" => s::OWNER_EXPERT_ADDED.to_string(),
        "already" => s::OWNER_EXPERT_ALREADY.to_string(),
        "removed" => s::OWNER_EXPERT_REMOVED.to_string(),
        "conflict" => s::OWNER_CONFLICT_ADDED.to_string(),
        "unconflict" => s::OWNER_CONFLICT_REMOVED.to_string(),
        "assigned" => s::OWNER_ASSIGNED.to_string(),
        "unassigned" => s::OWNER_UNASSIGNED.to_string(),
        "selected" => format!("{}{}", s::OWNER_SELECTED_N, q.n.unwrap_or(0)),
        "unselected" => s::OWNER_UNSELECTED.to_string(),
        "published" => s::OWNER_PUBLISHED_DONE.to_string(),
        _ => return None,
    };
    Notice::ok(text)
}
