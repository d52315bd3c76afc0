//! What a reviewing unit sends upward with its list, where the call asks for it
//! (`[review_level.sending]`): the recommendation letter (推荐函) written from the unit's
//! ranking, and the stamped scans (盖章推荐函, 加盖公章的汇总表) uploaded before forwarding.
//! [`super::review::forward`] refuses a list whose required scans are missing
//! (`shenbao_core::sending`); the unit the
//! list goes to and the call's owner read the scans.
//!
//! Must not: read files or check their content (the web layer streams, sniffs and stores
//! them; this module records what was accepted).

use serde_json::json;
use shenbao_core::call::definition::{LetterDef, ReviewLevel, ScanKind, Sending};
use shenbao_core::routing;
use shenbao_docs::LetterLine;
use shenbao_store::{NewUnitScan, NextUnit, Store, StoreError, UnitScanRow, UserRow};

use super::review::Desk;
use super::{ActionError, Actor, Refusal};
use crate::calls::CallRegistry;

/// Where a unit's list goes: the next level and the unit there, for the desk's first
/// direction (every direction of a level goes to the same next unit in the seed calls).
pub fn destination<'a>(desk: &Desk<'a>, user: &UserRow) -> Option<(&'a ReviewLevel, String)> {
    let (first, _) = desk.directions().into_iter().next()?;
    let (next, unit) = desk.next(&first)?;
    let region = user.scope_region.as_deref().unwrap_or(desk.unit.as_str());
    let unit = match unit {
        NextUnit::Fixed(u) => u,
        NextUnit::ApplicantCity => routing::city_of(region),
        NextUnit::ApplicantProvince => routing::province_of(region),
    };
    Some((next, unit))
}

/// What the desk's level sends, if the call says.
pub fn sending<'a>(desk: &Desk<'a>) -> Option<&'a Sending> {
    desk.level.sending.as_ref()
}

/// The scans the level requires that `current` (the unit's current scans) lacks.
pub fn missing(desk: &Desk<'_>, current: &[UnitScanRow]) -> Vec<ScanKind> {
    let uploaded: Vec<&str> = current.iter().map(|r| r.kind.as_str()).collect();
    sending(desk)
        .map(|s| shenbao_core::sending::missing(s, &uploaded))
        .unwrap_or_default()
}

/// The unit's letter: the call's words for the level, and its recommended applications in
/// ranking order (directions in the call's order). `None` when the level has no letter.
pub async fn letter<'a>(
    store: &Store,
    desk: &Desk<'a>,
) -> Result<Option<(&'a LetterDef, Vec<LetterLine>)>, StoreError> {
    let Some(letter) = sending(desk).and_then(|s| s.letter.as_ref()) else {
        return Ok(None);
    };
    let mut lines = Vec::new();
    for (id, name) in desk.directions() {
        for row in store.ranking(&desk.at(), &id).await? {
            let title = row
                .application
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| row.organisation_name.clone());
            lines.push(LetterLine {
                direction: name.clone(),
                title,
                organisation: row.organisation_name,
            });
        }
    }
    Ok(Some((letter, lines)))
}

/// A scan the web layer received and stored, to record.
#[derive(Debug, Clone)]
pub struct ScanFile {
    /// The name as uploaded.
    pub original_name: String,
    /// Where it was stored.
    pub storage_key: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256.
    pub sha256: String,
}

/// Records scan `kind` of the actor's unit at call `call_id`, with its audit entry; refused
/// when the level asks for no such scan. A later upload of the same kind replaces it as the
/// current one (both are kept).
pub async fn upload_scan(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    kind: ScanKind,
    file: &ScanFile,
) -> Result<i64, ActionError> {
    let desk = Desk::of(calls, actor.user, call_id).ok_or(ActionError::NotFound)?;
    if !sending(&desk).is_some_and(|s| s.scans.contains(&kind)) {
        return Err(ActionError::NotFound);
    }
    let (to_level, to_unit) =
        destination(&desk, actor.user).ok_or(ActionError::Refused(Refusal::NoNextLevel))?;
    let mut tx = store.begin().await?;
    let id = tx
        .add_unit_scan(&NewUnitScan {
            call_id: call_id.to_string(),
            level: desk.level.id.clone(),
            unit: desk.unit.clone(),
            kind: kind.as_str().to_string(),
            to_level: to_level.id.clone(),
            to_unit,
            original_name: file.original_name.clone(),
            storage_key: file.storage_key.clone(),
            size: file.size,
            sha256: file.sha256.clone(),
            uploaded_by: actor.user.id,
            uploaded_at: actor.now,
        })
        .await?;
    tx.audit(&actor.audit(
        "unit_scan_uploaded",
        Some(("call", call_id.to_string())),
        Some(json!({
            "level": desk.level.id,
            "unit": desk.unit,
            "kind": kind.as_str(),
            "scan": id,
            "sha256": file.sha256,
        })),
    ))
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Scan `id` of call `call_id` if `user` may read it: the unit that uploaded it, the unit it
/// was sent to, or an owner of the call.
pub async fn readable_scan(
    store: &Store,
    calls: &CallRegistry,
    user: &UserRow,
    call_id: &str,
    id: i64,
) -> Result<UnitScanRow, ActionError> {
    let entry = calls.get(call_id).ok_or(ActionError::NotFound)?;
    let scan = store
        .unit_scan(id)
        .await?
        .filter(|s| s.call_id == call_id)
        .ok_or(ActionError::NotFound)?;
    if routing::owns_call(user.role, user.scope_region.as_deref(), entry.call)
        && matches!(
            user.role,
            shenbao_store::Role::Owner | shenbao_store::Role::Admin
        )
    {
        return Ok(scan);
    }
    let desk = Desk::of(calls, user, call_id).ok_or(ActionError::NotFound)?;
    let mine = desk.level.id == scan.level && desk.unit == scan.unit;
    let sent_to_me = desk.level.id == scan.to_level && desk.unit == scan.to_unit;
    if mine || sent_to_me {
        Ok(scan)
    } else {
        Err(ActionError::NotFound)
    }
}
