//! The applicant's side of an application: start one for a direction, fill in the official
//! form (explicit save, autosave, rows added and removed, optimistic concurrency), attach
//! evidence, submit before the deadline, withdraw, and follow its history.
//!
//! An application is only ever shown to users of the organisation that owns it; any other
//! id answers 404, so ids cannot be probed.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json as JsonBody;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use shenbao_core::call::definition::{Commitment, FileSlot};
use shenbao_core::call::{SlotLimits, Target};
use shenbao_core::form::{self, Application, Report, Severity};
use shenbao_core::routing;
use shenbao_store::ApplicationStatus;
use shenbao_store::{ApplicationRow, NewAttachment, StoreError, UserRow};

use super::Nav;
use super::public::render;
use super::view::{action_error, event_label, fmt_time, problem_text};
use crate::ServerState;
use crate::auth::Viewer;
use crate::calls::CallEntry;
use crate::documents::send_attachment;
use crate::documents::{Format, application_download, letter_download, letter_kind};
use crate::error::AppError;
use crate::files::UploadError;
use crate::form::{FormView, parse, remove_row};
use crate::guard::{Applicants, Fields, Gate, Posted, SignedIn};
use crate::strings as s;
use shenbao_app::actions::applicant::{self, SubmitInput};
use shenbao_app::actions::{ActionError, Actor, Refusal as ActionRefusal};
use shenbao_app::exports::{Version, attachment_metas};

mod edit;
mod files;
mod list;
mod submit;

pub use edit::*;
pub use files::*;
pub use list::*;
pub use submit::*;

/// The application, its call, and the user, after the ownership check.
struct Owned<'a> {
    user: UserRow,
    app: ApplicationRow,
    entry: &'a CallEntry,
}

impl Owned<'_> {
    /// Whether the applicant may change it: a draft, or returned for revision.
    fn editable(&self) -> bool {
        self.app.status.is_editable()
    }

    fn target(&self) -> Target<'_> {
        Target {
            direction: &self.app.direction,
            subdirection: self.app.subdirection.as_deref(),
        }
    }

    fn direction_name(&self) -> String {
        let d = self.entry.call.direction(&self.app.direction);
        let mut name = d.map(|d| d.name.clone()).unwrap_or_default();
        if let (Some(d), Some(sub)) = (d, &self.app.subdirection)
            && let Some(x) = self.entry.call.choice(&d.id, sub)
        {
            name = format!("{name}（{}）", x.name());
        }
        name
    }
}

/// The applicant's deadline of an application as its pages show it.
struct DeadlineView {
    /// Whether the applicant may still submit (or withdraw).
    open: bool,
    /// `2024-06-01 24:00 前（…规定）`, or empty without a deadline.
    text: String,
    /// The receiving unit's contact (name and phone), when it set one.
    contact: String,
    /// The unit the application goes to when submitted, when it is known.
    receiving: String,
}

impl Owned<'_> {
    /// The applicant's deadline, its receiving unit's own where the unit set one.
    async fn deadline(&self, state: &ServerState) -> Result<DeadlineView, AppError> {
        // The call's dates are those of its current version.
        let timeline = state.calls.get(&self.app.call_id).unwrap_or(self.entry);
        let d = shenbao_app::timeline::deadline_of(&state.store, timeline, &self.app).await?;
        let by = d
            .receiving
            .as_ref()
            .filter(|r| r.settings.deadline.is_some())
            .map(|r| super::view::unit_label(r.level, &r.unit));
        let text = match (d.date, by) {
            (Some(day), Some(unit)) => format!("{day} {}（{unit}规定）", s::DEADLINE_END_OF_DAY),
            (Some(day), None) => format!("{day} {}", s::DEADLINE_END_OF_DAY),
            (None, _) => String::new(),
        };
        let contact = d
            .receiving
            .as_ref()
            .map(|r| {
                [
                    r.settings.contact_name.clone(),
                    r.settings.contact_phone.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            })
            .unwrap_or_default();
        let receiving = d
            .receiving
            .as_ref()
            .map(|r| super::view::unit_label(r.level, &r.unit))
            .unwrap_or_default();
        Ok(DeadlineView {
            open: d.open(state.now()),
            text,
            contact,
            receiving,
        })
    }
}

/// Loads application `id` if it belongs to the viewer's organisation; 404 otherwise.
async fn owned<'s>(state: &'s ServerState, user: &UserRow, id: i64) -> Result<Owned<'s>, AppError> {
    let app = state
        .store
        .application(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.organisation_id != Some(app.organisation_id) {
        return Err(AppError::NotFound);
    }
    let entry = state.calls.of(&app).ok_or(AppError::NotFound)?;
    Ok(Owned {
        user: user.clone(),
        app,
        entry,
    })
}

/// The status as the applicant may see it: the owner's selection stays internal until the
/// results are published, then the application shows 入选 or 未入选.
async fn applicant_status(
    state: &ServerState,
    app: &ApplicationRow,
) -> Result<&'static str, AppError> {
    let at_owner = app.unit.as_deref() == Some(routing::OWNER);
    if !at_owner
        || !matches!(
            app.status,
            ApplicationStatus::Submitted | ApplicationStatus::Selected
        )
    {
        return Ok(app.status.label());
    }
    // A collection (摸底) decides nothing: what reached the owner is collected.
    if state
        .calls
        .of(app)
        .is_some_and(|e| !e.call.def().kind.is_contest())
    {
        return Ok(s::STATUS_COLLECTED);
    }
    Ok(match state.store.publication(&app.call_id).await? {
        Some(_) if app.status == ApplicationStatus::Selected => s::STATUS_OUTCOME_SELECTED,
        Some(_) => s::STATUS_OUTCOME_NOT_SELECTED,
        None => s::STATUS_IN_EXPERT_REVIEW,
    })
}

async fn profile_of(state: &ServerState, user: &UserRow) -> Result<Json, AppError> {
    let org = match user.organisation_id {
        Some(id) => state.store.organisation(id).await?,
        None => None,
    };
    Ok(org
        .as_ref()
        .map(shenbao_app::exports::profile_json)
        .unwrap_or_else(|| json!({})))
}
