//! Joint applications (联合申报): who may be named as a member of a lead's consortium. A pure
//! check over the members already named and where the candidate applies elsewhere in the call;
//! the store serialises and counts, the use case refuses.
//!
//! Must not: read the database.

use crate::call::Call;
use crate::call::definition::Consortium;
use crate::messages::consortium as msg;

/// A member as named by the lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its USCC (checked).
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// Its registered region (a division code).
    pub region: String,
}

/// The call's consortium rule where it applies to `direction`.
pub fn rule<'c>(call: &'c Call, direction: &str) -> Option<&'c Consortium> {
    call.def()
        .consortium
        .as_ref()
        .filter(|k| crate::call::applies(&k.directions, direction))
}

/// Where the candidate already applies in the same direction of the call: on its own (as a
/// lead) or as another consortium's member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Elsewhere {
    /// It leads an application of the direction.
    pub alone: bool,
    /// It is a member of another application's consortium in the direction.
    pub member: bool,
}

/// Why `candidate` may not join the consortium of a lead with code `lead_uscc` that has named
/// `members`, if it may not: the lead itself, already named, one past the maximum, outside the
/// call's area, or (when the call says so) applying alone or in another consortium there.
pub fn refuse(
    call: &Call,
    rule: &Consortium,
    lead_uscc: &str,
    members: &[Member],
    candidate: &Member,
    elsewhere: Elsewhere,
) -> Option<String> {
    if candidate.uscc == lead_uscc {
        return Some(msg::IS_LEAD.to_string());
    }
    if members.iter().any(|m| m.uscc == candidate.uscc) {
        return Some(msg::already(&candidate.name));
    }
    if members.len() as u64 >= u64::from(rule.max_members) {
        return Some(msg::too_many(rule.max_members, rule.source.as_deref()));
    }
    if !call.covers(&candidate.region) {
        return Some(msg::outside(&candidate.name));
    }
    if rule.exclusive && elsewhere.alone {
        return Some(msg::applies_alone(&candidate.name));
    }
    if rule.exclusive && elsewhere.member {
        return Some(msg::in_another(&candidate.name));
    }
    None
}
