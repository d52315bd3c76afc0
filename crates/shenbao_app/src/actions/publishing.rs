//! A call's life by its owner: upload (or paste) a call file as a new version, set its dates,
//! publish a version, move the call through its states (草稿 → 征集中 → 已截止 → 评审中; 已公示
//! comes with publishing the results, then 已归档). Every change is in the audit log, and the
//! registry is re-read after it so that this server serves the change at once (the others
//! within [`crate::calls::CallRegistry::refresh`]'s period).

use serde_json::json;
use shenbao_core::call::dates::{Dates, with_dates};
use shenbao_core::call::{CallState, DefinitionError, load_str};
use shenbao_store::{Role, Store, StoreError, UserRow};

use super::{ActionError, Actor, Refusal};
use crate::calls::{CallEntry, CallRegistry};

/// Why an uploaded call file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file does not compile: every problem, with its line and column.
    #[error("{0}")]
    Invalid(DefinitionError),
    /// The call's area is outside the uploader's region.
    #[error("not the uploader's area")]
    NotOwner,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored text could not be edited (not TOML any more: a broken database).
    #[error("{0}")]
    Unreadable(String),
    /// The registry could not be re-read.
    #[error(transparent)]
    Refresh(anyhow::Error),
}

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// The call's id.
    pub id: String,
    /// The version stored.
    pub version: i64,
    /// Whether it is the call's current version already (a new call, or one still a draft);
    /// otherwise it waits to be published.
    pub current: bool,
}

fn owner(user: &UserRow) -> Result<(), ActionError> {
    if matches!(user.role, Role::Owner | Role::Admin) {
        Ok(())
    } else {
        Err(ActionError::NotFound)
    }
}

/// The call `id`, drafts included, if the actor owns it.
pub fn owned<'c>(
    calls: &'c CallRegistry,
    user: &UserRow,
    id: &str,
) -> Result<&'c CallEntry, ActionError> {
    owner(user)?;
    calls
        .get_with_drafts(id)
        .filter(|e| {
            shenbao_core::routing::owns_call(user.role, user.scope_region.as_deref(), e.call)
        })
        .ok_or(ActionError::NotFound)
}

async fn reread(calls: &CallRegistry, store: &Store) {
    if let Err(error) = calls.refresh(store).await {
        tracing::warn!(%error, "the calls could not be re-read");
    }
}

/// Stores the call file `source` (uploaded or pasted; `name` names it in messages) as the next
/// version of its call, after compiling it: a new call is stored as a draft, a draft's new
/// version is current at once, a published call's waits for [`publish_version`].
pub async fn upload(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    name: &str,
    source: &str,
) -> Result<Uploaded, UploadError> {
    if !matches!(actor.user.role, Role::Owner | Role::Admin) {
        return Err(UploadError::NotOwner);
    }
    let call = load_str(name, source).map_err(UploadError::Invalid)?;
    if !shenbao_core::routing::owns_call(actor.user.role, actor.user.scope_region.as_deref(), &call)
    {
        return Err(UploadError::NotOwner);
    }
    // A call of the same id that belongs to another owner is not this owner's to change.
    if let Some(existing) = calls.get_with_drafts(call.id())
        && !shenbao_core::routing::owns_call(
            actor.user.role,
            actor.user.scope_region.as_deref(),
            existing.call,
        )
    {
        return Err(UploadError::NotOwner);
    }
    let mut tx = store.begin().await?;
    let (version, current) = tx
        .add_call_version(call.id(), source, "upload", Some(actor.user.id), actor.now)
        .await?;
    tx.audit(&actor.audit(
        "call_version_uploaded",
        Some(("call", call.id().to_string())),
        Some(json!({ "version": version, "current": current })),
    ))
    .await?;
    tx.commit().await?;
    calls.refresh(store).await.map_err(UploadError::Refresh)?;
    Ok(Uploaded {
        id: call.id().to_string(),
        version,
        current,
    })
}

/// Writes `dates` into the current text of call `id` and stores the result as a new version
/// (see [`upload`]); refused with the compiler's words when the dates are out of order.
pub async fn set_dates(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: &str,
    dates: &Dates,
) -> Result<Uploaded, UploadError> {
    let entry = owned(calls, actor.user, id).map_err(|_| UploadError::NotOwner)?;
    let row = store
        .call_version(id, entry.version)
        .await?
        .ok_or(UploadError::Store(StoreError::NotFound))?;
    // The stored text parsed when it was stored: only a broken database fails here.
    let source = with_dates(&row.source, dates).map_err(UploadError::Unreadable)?;
    upload(store, calls, actor, &format!("{id}.toml"), &source).await
}

/// Makes stored version `version` of call `id` the one new applications start under.
pub async fn publish_version(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: &str,
    version: i64,
) -> Result<(), ActionError> {
    let entry = owned(calls, actor.user, id)?;
    if calls.version(id, version).is_none() || version == entry.version {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    tx.publish_call_version(id, version, actor.now).await?;
    tx.audit(&actor.audit(
        "call_version_published",
        Some(("call", id.to_string())),
        Some(json!({ "version": version, "previous": entry.version })),
    ))
    .await?;
    tx.commit().await?;
    reread(calls, store).await;
    Ok(())
}

/// Moves call `id` to `to`, when its owner may (see [`CallState::next_by_owner`]); publishing
/// (草稿 → 征集中) needs an applicants' deadline that has not passed.
pub async fn move_state(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: &str,
    to: CallState,
) -> Result<(), ActionError> {
    let entry = owned(calls, actor.user, id)?;
    let from = calls.state(id);
    if !from.next_by_owner().contains(&to) {
        return Err(ActionError::Refused(Refusal::StateMove { from, to }));
    }
    if to == CallState::Collecting && !(entry.deadline().is_some() && entry.is_open(actor.now)) {
        return Err(ActionError::Refused(Refusal::DeadlineNeeded));
    }
    let mut tx = store.begin().await?;
    match tx.move_call(id, from, to).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            return Err(ActionError::Refused(Refusal::StateMove { from, to }));
        }
        Err(e) => return Err(e.into()),
    }
    tx.audit(&actor.audit(
        "call_state_changed",
        Some(("call", id.to_string())),
        Some(json!({ "from": from.as_str(), "to": to.as_str() })),
    ))
    .await?;
    tx.commit().await?;
    reread(calls, store).await;
    Ok(())
}
