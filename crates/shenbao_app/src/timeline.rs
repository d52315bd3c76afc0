//! Whose dates an applicant works to: the unit that receives its application (its county or
//! city bureau, or the sector department it chose) may set an applicants' deadline earlier
//! than its own forwarding deadline, and a contact person; without one, the call's dates apply
//! ([`CallEntry::applicant_deadline`]).
//!
//! Must not: write (the bureau's action is [`crate::actions::review::set_timeline`]).

use chrono::NaiveDate;
use shenbao_core::call::definition::ReviewLevel;
use shenbao_core::routing;
use shenbao_store::{ApplicationRow, ApplicationStatus, Store, StoreError, UnitRef};

use crate::calls::CallEntry;

/// What a receiving unit set for its applicants in one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitSettings {
    /// Its applicants' deadline, earlier than its level's own.
    pub deadline: Option<NaiveDate>,
    /// The person its applicants call.
    pub contact_name: Option<String>,
    /// That person's phone.
    pub contact_phone: Option<String>,
}

/// What unit `unit` at level `level` of `entry` set for its applicants (nothing when it set
/// nothing).
pub async fn unit_settings(
    store: &Store,
    entry: &CallEntry,
    level: &str,
    unit: &str,
) -> Result<UnitSettings, StoreError> {
    let at = UnitRef {
        call_id: entry.call.id().to_string(),
        level: level.to_string(),
        unit: unit.to_string(),
    };
    Ok(store
        .unit_timeline(&at)
        .await?
        .map(|row| UnitSettings {
            deadline: row
                .applicant_deadline
                .as_deref()
                .and_then(shenbao_core::ident::parse_date),
            contact_name: row.contact_name,
            contact_phone: row.contact_phone,
        })
        .unwrap_or_default())
}

/// The unit that receives an applicant's application and what it set.
#[derive(Debug, Clone)]
pub struct Receiving<'c> {
    /// The first review level of the application's direction.
    pub level: &'c ReviewLevel,
    /// The unit at that level responsible for the applicant.
    pub unit: String,
    /// What the unit set.
    pub settings: UnitSettings,
}

/// An applicant's deadline, and the unit that set it when a unit did.
#[derive(Debug, Clone)]
pub struct ApplicantDeadline<'c> {
    /// The last day (Beijing time) to submit; `None`: no deadline.
    pub date: Option<NaiveDate>,
    /// The receiving unit, when it is known (a direction routed by sector has none until the
    /// applicant chooses the department).
    pub receiving: Option<Receiving<'c>>,
}

impl ApplicantDeadline<'_> {
    /// Whether the applicant may still submit at `now_ms`.
    pub fn open(&self, now_ms: i64) -> bool {
        self.date
            .and_then(shenbao_core::time::end_of_day)
            .is_none_or(|end| now_ms < end)
    }

    /// The unit that set the date, `(level id, unit)`, when it is the unit's own.
    pub fn set_by(&self) -> Option<(String, String)> {
        self.receiving
            .as_ref()
            .filter(|r| r.settings.deadline.is_some())
            .map(|r| (r.level.id.clone(), r.unit.clone()))
    }
}

/// The deadline of an applicant registered in `region` applying in `direction` (to the sector
/// department `sector`, for directions routed by sector).
pub async fn applicant_deadline<'c>(
    store: &Store,
    entry: &'c CallEntry,
    direction: &str,
    region: &str,
    sector: Option<&str>,
) -> Result<ApplicantDeadline<'c>, StoreError> {
    let receiving = match routing::first_stop(entry.call, direction, region, sector) {
        Ok((level, unit)) => {
            let settings = unit_settings(store, entry, &level.id, &unit).await?;
            Some(Receiving {
                level,
                unit,
                settings,
            })
        }
        Err(_) => None,
    };
    let own = receiving.as_ref().and_then(|r| r.settings.deadline);
    Ok(ApplicantDeadline {
        date: entry.applicant_deadline(direction, own),
        receiving,
    })
}

/// The deadline of application `app`'s applicant: at the unit it went to once submitted, else
/// at the unit its organisation's region (and the sector it chose) leads to.
pub async fn deadline_of<'c>(
    store: &Store,
    entry: &'c CallEntry,
    app: &ApplicationRow,
) -> Result<ApplicantDeadline<'c>, StoreError> {
    let first = entry.call.levels_for(&app.direction).next();
    if let (Some(level), Some(unit)) = (first, app.unit.as_deref())
        && app.level.as_deref() == Some(level.id.as_str())
        && app.status != ApplicationStatus::Draft
    {
        let settings = unit_settings(store, entry, &level.id, unit).await?;
        return Ok(ApplicantDeadline {
            date: entry.applicant_deadline(&app.direction, settings.deadline),
            receiving: Some(Receiving {
                level,
                unit: unit.to_string(),
                settings,
            }),
        });
    }
    let region = store
        .organisation(app.organisation_id)
        .await?
        .map(|o| o.region)
        .unwrap_or_default();
    applicant_deadline(store, entry, &app.direction, &region, app.sector.as_deref()).await
}
