//! What several pages show the same way: times, statuses, history lines and unit names.

use shenbao_core::call::definition::{LevelScope, ReviewLevel};
use shenbao_store::ApplicationStatus;

use crate::strings as s;

/// The name of a status given as text (a review's decision, a filter): the one name each
/// status has ([`ApplicationStatus::label`]).
pub(crate) fn status_label(status: &str) -> &'static str {
    status
        .parse::<ApplicationStatus>()
        .map_or(s::STATUS_OTHER, ApplicationStatus::label)
}

pub(crate) fn fmt_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&shenbao_core::time::beijing())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// What a history line says, from its two statuses.
pub(crate) fn event_label(from: Option<ApplicationStatus>, to: ApplicationStatus) -> &'static str {
    use ApplicationStatus as S;
    match (from, to) {
        (None, _) => s::EVENT_CREATED,
        (Some(S::Returned), S::Submitted) => s::EVENT_RESUBMITTED,
        (Some(S::Draft), S::Submitted) => s::EVENT_SUBMITTED,
        (Some(S::Recommended), S::Submitted) => s::EVENT_FORWARDED,
        (_, S::Returned) => s::EVENT_RETURNED,
        (_, S::Recommended) => s::EVENT_RECOMMENDED,
        (_, S::NotRecommended) => s::EVENT_NOT_RECOMMENDED,
        (_, S::Selected) => s::EVENT_SELECTED,
        (Some(S::Selected), _) => s::EVENT_UNSELECTED,
        _ => s::EVENT_WITHDRAWN,
    }
}

/// How a unit is named on pages: a division's full name, or the sector department's name.
pub(crate) fn unit_label(level: &ReviewLevel, unit: &str) -> String {
    match level.scope {
        LevelScope::Sector => unit.to_string(),
        LevelScope::Province => level.name.clone(),
        _ => shenbao_core::region::full_name(unit).unwrap_or_else(|| unit.to_string()),
    }
}
