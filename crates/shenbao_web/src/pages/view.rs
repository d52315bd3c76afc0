//! What several pages show the same way: times, statuses, history lines and unit names.

use shenbao_app::actions::{ActionError, Problem, Refusal};
use shenbao_core::call::definition::ReviewLevel;
use shenbao_core::region;
use shenbao_store::ApplicationStatus;

use crate::calls::CallEntry;
use crate::error::AppError;
use crate::strings as s;

/// The name of a status given as text (a review's decision, a filter): the one name each
/// status has ([`ApplicationStatus::label`]).
pub(crate) fn status_label(status: &str) -> &'static str {
    status
        .parse::<ApplicationStatus>()
        .map_or(s::STATUS_OTHER, ApplicationStatus::label)
}

pub(crate) fn fmt_time(ms: i64) -> String {
    shenbao_core::time::minutes(ms)
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
    shenbao_core::routing::unit_name(level, unit)
}

/// A refused action in the user's words. `entry` is the call it happened in, for naming a
/// unit.
pub(crate) fn refusal_text(entry: Option<&CallEntry>, refusal: &Refusal) -> String {
    match refusal {
        Refusal::NotEditable => s::FORM_READONLY.to_string(),
        Refusal::Limits(broken) => format!("{}{}", s::SUBMIT_LIMIT, broken.join("；")),
        Refusal::CallClosed { deadline, set_by } => {
            let unit = set_by.as_ref().map(|(level, unit)| {
                entry
                    .and_then(|e| e.call.def().review_levels.iter().find(|l| &l.id == level))
                    .map(|l| unit_label(l, unit))
                    .unwrap_or_else(|| unit.clone())
            });
            match (deadline, unit) {
                (Some(day), Some(unit)) => s::submit_closed_by_unit(&unit, &day.to_string()),
                (Some(day), None) => s::submit_closed_on(&day.to_string()),
                (None, _) => s::SUBMIT_CLOSED.to_string(),
            }
        }
        Refusal::NotCollecting(state) => s::call_not_collecting(state.label()),
        Refusal::OutOfArea { area, region } => {
            let name = |code: &str| region::full_name(code).unwrap_or_else(|| code.to_string());
            s::apply_out_of_area(&name(area), &name(region))
        }
        Refusal::AreaExcluded { excluded, region } => {
            let name = |code: &str| region::full_name(code).unwrap_or_else(|| code.to_string());
            s::apply_area_excluded(&name(excluded), &name(region))
        }
        Refusal::UnitForwarded {
            level,
            unit,
            resubmission,
        } => {
            let unit = entry
                .and_then(|e| e.call.def().review_levels.iter().find(|l| &l.id == level))
                .map(|l| unit_label(l, unit))
                .unwrap_or_else(|| unit.clone());
            if *resubmission {
                s::resubmit_unit_forwarded(&unit)
            } else {
                s::submit_unit_forwarded(&unit)
            }
        }
        Refusal::StatusChanged => s::SUBMIT_STATUS_CHANGED.to_string(),
        Refusal::VersionMoved => s::SUBMIT_CONFLICT.to_string(),
        Refusal::TooLateToWithdraw => s::WITHDRAW_TOO_LATE.to_string(),
        Refusal::LevelClosed => s::REVIEW_CLOSED.to_string(),
        Refusal::ListForwarded => s::REVIEW_FORWARDED.to_string(),
        Refusal::DecisionsPending => s::REVIEW_PENDING.to_string(),
        Refusal::MovedOn => s::REVIEW_MOVED_ON.to_string(),
        Refusal::ConfirmationNeeded => s::REVIEW_CONFIRM_NEEDED.to_string(),
        Refusal::NoNextLevel => s::REVIEW_NO_NEXT.to_string(),
        Refusal::Published => s::OWNER_PUBLISHED_LOCKED.to_string(),
        Refusal::Collection => s::OWNER_COLLECTION.to_string(),
        Refusal::SelectionStale => s::OWNER_SELECT_STALE.to_string(),
        Refusal::ScoresSubmitted => s::EXPERT_READONLY.to_string(),
        Refusal::StateMove { from, to } => s::call_state_move(from.label(), to.label()),
        Refusal::DeadlineNeeded => s::CALL_DEADLINE_NEEDED.to_string(),
        Refusal::Excluded(text) | Refusal::Consortium(text) | Refusal::ScansMissing(text) => {
            text.clone()
        }
        Refusal::QuotaFull {
            breach,
            level,
            unit,
            direction,
        } => {
            let level =
                entry.and_then(|e| e.call.def().review_levels.iter().find(|l| &l.id == level));
            let unit = level.map_or_else(|| unit.clone(), |l| unit_label(l, unit));
            let direction = entry
                .and_then(|e| e.call.direction(direction))
                .map_or_else(|| direction.clone(), |d| d.name.clone());
            let source = level
                .and_then(|l| l.quota.as_ref())
                .and_then(|q| q.source.as_deref());
            shenbao_core::quota::message(*breach, &unit, &direction, source)
        }
    }
}

/// What a page says about a problem with its input; `None` for problems the page shows
/// itself (the form's own errors).
pub(crate) fn problem_text(problem: Problem) -> Option<&'static str> {
    Some(match problem {
        Problem::FormHasErrors => return None,
        Problem::JustificationNeeded => s::SUBMIT_JUSTIFICATION_NEEDED,
        Problem::AcceptanceNeeded => s::SUBMIT_ACCEPT_NEEDED,
        Problem::VersionMoved => s::SUBMIT_CONFLICT,
        Problem::NoLevel => s::SUBMIT_NO_LEVEL,
        Problem::LevelClosed => s::SUBMIT_LEVEL_CLOSED,
        Problem::NoSector => s::SUBMIT_NO_SECTOR,
        Problem::SectorNeeded => s::SUBMIT_SECTOR_NEEDED,
        Problem::CommentNeeded => s::REVIEW_COMMENT_NEEDED,
        Problem::ReasonNeeded => s::REVIEW_REASON_NEEDED,
        Problem::OpinionNeeded => s::REVIEW_OPINION_NEEDED,
        Problem::SignatureNeeded => s::REVIEW_SIGNATURE_NEEDED,
        Problem::ApplicationUnknown => s::OWNER_APPLICATION_UNKNOWN,
        Problem::UsernameNeeded => s::OWNER_USERNAME_NEEDED,
        Problem::UserUnknown => s::OWNER_USER_UNKNOWN,
        Problem::UsccNeeded => s::OWNER_USCC_NEEDED,
        Problem::OrganisationUnknown => s::OWNER_ORGANISATION_UNKNOWN,
        Problem::NotAnExpert => s::OWNER_USER_NOT_EXPERT,
        Problem::NotInPool => s::OWNER_NOT_IN_POOL,
        Problem::ExpertConflicted => s::OWNER_ASSIGN_CONFLICT,
        Problem::ExpertAlreadyAssigned => s::OWNER_ASSIGN_TAKEN,
        Problem::AssignmentRefused => s::OWNER_ASSIGN_REFUSED,
        Problem::AssignmentSubmitted => s::OWNER_UNASSIGN_SUBMITTED,
        Problem::PerApplicationOutOfRange => s::OWNER_AUTO_BAD_N,
        Problem::NothingSelected => s::OWNER_SELECT_NONE,
        Problem::BatchTooLarge => s::BATCH_TOO_LARGE,
        Problem::ConfirmationNeeded => s::OWNER_PUBLISH_CONFIRM_NEEDED,
        Problem::ScoresInvalid => s::EXPERT_SHEET_REFUSED,
        Problem::DeadlineInvalid => s::TIMELINE_DEADLINE_INVALID,
        Problem::DeadlinePassed => s::TIMELINE_DEADLINE_PASSED,
        // The page words it with the latest date itself.
        Problem::DeadlineTooLate => return None,
        Problem::ContactTooLong => s::TIMELINE_CONTACT_TOO_LONG,
    })
}

/// An action that did not succeed, as the error page shows it (a page that shows the form
/// again handles [`ActionError::Incomplete`] itself; here it becomes its first problem).
pub(crate) fn action_error(entry: Option<&CallEntry>, error: ActionError) -> AppError {
    match error {
        ActionError::NotFound => AppError::NotFound,
        ActionError::Refused(refusal) => AppError::Refused(refusal_text(entry, &refusal)),
        ActionError::Incomplete(problems) => AppError::Refused(
            problems
                .into_iter()
                .find_map(problem_text)
                .unwrap_or(s::FORM_HAS_ERRORS)
                .to_string(),
        ),
        ActionError::Store(error) => error.into(),
    }
}

/// A direction's quota (推荐名额) in words, and whether nothing is left.
pub(crate) fn quota_text(q: &shenbao_app::actions::review::QuotaLine) -> (String, bool) {
    let left = q.left.unwrap_or_default();
    (
        s::quota_line(
            q.per_direction,
            q.per_unit,
            q.used.direction,
            q.used.all,
            left,
        ),
        left == 0,
    )
}
