//! A call's exclusion list (不得重复申报): the owner replaces it with an upload, and an
//! applicant on it (by USCC, or selected in one of the earlier calls the call file names) is
//! refused at the start; a project on it (by normalised name) is refused at submission.
//!
//! Must not: word anything (the front ends do, from the core's messages).

use serde_json::json;
use shenbao_core::exclusion::{ListProblem, normalise_project, parse_list};
use shenbao_store::{ExclusionHit, ExclusionRow, NewExclusion, Store, StoreError};

use super::publishing::owned;
use super::{ActionError, Actor};
use crate::calls::{CallEntry, CallRegistry};
use crate::exclusions::{ReadError, read_rows};

/// Why an uploaded list was not stored (the list in place stays as it was).
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// Not the actor's call.
    #[error("not found")]
    NotFound,
    /// The file could not be read as a spreadsheet or CSV.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Rows that are wrong, each with its row number.
    #[error("{} problems", .0.len())]
    Rows(Vec<ListProblem>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Replaces the exclusion list of call `call_id` with the file `list_name` (`bytes`), when
/// every row is valid; writes the rows and the audit entry together. Returns how many entries
/// the list holds.
pub async fn upload_list(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    list_name: &str,
    bytes: &[u8],
) -> Result<usize, ListError> {
    owned(calls, actor.user, call_id).map_err(|_| ListError::NotFound)?;
    let rows = read_rows(bytes)?;
    let entries = parse_list(&rows).map_err(ListError::Rows)?;
    let new: Vec<NewExclusion> = entries
        .into_iter()
        .map(|e| NewExclusion {
            row_number: i64::try_from(e.row).unwrap_or(i64::MAX),
            uscc: e.uscc,
            name: e.name,
            project: e.project,
            project_key: e.project_key,
        })
        .collect();
    let list_name = shenbao_core::text::clean_line(list_name);
    let mut tx = store.begin().await?;
    tx.replace_exclusions(call_id, &list_name, &new, actor.user.id, actor.now)
        .await?;
    tx.audit(&actor.audit(
        "exclusion_list_uploaded",
        Some(("call", call_id.to_string())),
        Some(json!({ "list": list_name, "entries": new.len() })),
    ))
    .await?;
    tx.commit().await?;
    Ok(new.len())
}

/// Where the organisation with `uscc` is excluded from the call of `entry`, if it is: its
/// list, or a selected application in one of the earlier calls the call file names.
pub async fn organisation_excluded(
    store: &Store,
    entry: &CallEntry,
    uscc: &str,
) -> Result<Option<ExclusionHit>, StoreError> {
    let earlier = &entry.call.def().exclusions.calls;
    store
        .excluded_organisation(entry.call.id(), uscc, earlier)
        .await
}

/// The row of the call's list naming the project `title`, if any.
pub async fn project_excluded(
    store: &Store,
    entry: &CallEntry,
    title: &str,
) -> Result<Option<ExclusionRow>, StoreError> {
    let key = normalise_project(title);
    if key.is_empty() {
        return Ok(None);
    }
    store.excluded_project(entry.call.id(), &key).await
}

/// The refusal of an organisation excluded by `hit` from the call of `entry`: the call's
/// reason and where the entry is.
pub(super) fn refused(calls: &CallRegistry, entry: &CallEntry, hit: &ExclusionHit) -> ActionError {
    use shenbao_core::messages::exclusion as msg;
    let reason = entry.call.def().exclusions.reason.as_deref();
    ActionError::Refused(super::Refusal::Excluded(msg::refused(
        reason.unwrap_or(msg::DEFAULT_REASON),
        &evidence(calls, hit),
    )))
}

/// Where an exclusion was found, in words: the list's row, or the earlier call by its title.
pub fn evidence(calls: &CallRegistry, hit: &ExclusionHit) -> String {
    use shenbao_core::messages::exclusion as msg;
    match hit {
        ExclusionHit::Listed(row) => msg::in_list(&row.list_name, row.row_number),
        ExclusionHit::Selected { call_id, .. } => msg::in_call(
            &calls
                .get_with_drafts(call_id)
                .map_or_else(|| call_id.clone(), |e| e.call.def().title.clone()),
        ),
    }
}
