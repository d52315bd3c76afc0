//! A lead names and removes the members of its joint application (联合申报) while it can edit
//! it. Each member is checked (its code, its region within the call's area, not the lead, not
//! twice, not one past the call's maximum) and, when the call says so, may not also apply
//! alone or in another consortium in the same direction: checked under the call's consortium
//! lock for the direction, so two leads naming the same member at once cannot both succeed.

use serde_json::json;
use shenbao_core::consortium::{Elsewhere, Member, refuse, rule};
use shenbao_core::messages::consortium as msg;
use shenbao_store::{ApplicationRow, ApplicationStatus, Store};

use super::{ActionError, Actor, Refusal};
use crate::calls::CallRegistry;

/// A member as typed on the edit page.
#[derive(Debug, Clone, Default)]
pub struct MemberInput {
    /// Its USCC.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// Its registered region, a county-level division code.
    pub region: String,
}

/// Application `id`, if it is the actor's and still editable.
async fn editable(
    store: &Store,
    actor: &Actor<'_>,
    id: i64,
) -> Result<ApplicationRow, ActionError> {
    let app = store.application(id).await?.ok_or(ActionError::NotFound)?;
    if actor.user.organisation_id != Some(app.organisation_id) {
        return Err(ActionError::NotFound);
    }
    if !matches!(
        app.status,
        ApplicationStatus::Draft | ApplicationStatus::Returned
    ) {
        return Err(ActionError::Refused(Refusal::NotEditable));
    }
    Ok(app)
}

fn refused(text: impl Into<String>) -> ActionError {
    ActionError::Refused(Refusal::Consortium(text.into()))
}

/// Names a member of the actor's application `id`; writes it and the audit entry together.
pub async fn add_member(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: i64,
    input: &MemberInput,
) -> Result<(), ActionError> {
    let app = editable(store, &actor, id).await?;
    let entry = calls.of(&app).ok_or(ActionError::NotFound)?;
    let Some(rule) = rule(entry.call, &app.direction) else {
        return Err(refused(msg::NOT_ALLOWED));
    };
    let typed = shenbao_core::text::clean_line(&input.uscc);
    let uscc = shenbao_core::ident::parse_uscc(&typed)
        .map_err(|_| refused(msg::bad_uscc(&typed)))?
        .code()
        .to_string();
    let name = shenbao_core::text::clean_line(&input.name);
    if name.is_empty() {
        return Err(refused(msg::NAME_NEEDED));
    }
    let region = shenbao_core::text::clean_line(&input.region);
    if shenbao_core::region::lookup(&region).is_none() || region.ends_with("00") {
        return Err(refused(msg::BAD_REGION));
    }
    let lead = store
        .organisation(app.organisation_id)
        .await?
        .ok_or(ActionError::NotFound)?;
    let candidate = Member { uscc, name, region };
    let mut tx = store.begin().await?;
    tx.lock_consortia(&app.call_id, &app.direction).await?;
    let members: Vec<Member> = tx
        .members_of(id)
        .await?
        .into_iter()
        .map(|m| Member {
            uscc: m.uscc,
            name: m.name,
            region: m.region,
        })
        .collect();
    let (alone, member) = tx
        .taking_part(&app.call_id, &app.direction, &candidate.uscc, id)
        .await?;
    if let Some(why) = refuse(
        entry.call,
        rule,
        &lead.uscc,
        &members,
        &candidate,
        Elsewhere { alone, member },
    ) {
        return Err(refused(why));
    }
    tx.add_member(
        id,
        &candidate.uscc,
        &candidate.name,
        &candidate.region,
        actor.now,
    )
    .await?;
    tx.audit(&actor.audit(
        "consortium_member_added",
        Some(("application", id.to_string())),
        Some(json!({ "uscc": candidate.uscc, "name": candidate.name })),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes member `position` of the actor's application `id`.
pub async fn remove_member(
    store: &Store,
    actor: Actor<'_>,
    id: i64,
    position: i64,
) -> Result<(), ActionError> {
    editable(store, &actor, id).await?;
    let mut tx = store.begin().await?;
    if !tx.remove_member(id, position).await? {
        return Err(ActionError::NotFound);
    }
    tx.audit(&actor.audit(
        "consortium_member_removed",
        Some(("application", id.to_string())),
        Some(json!({ "position": position })),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}
