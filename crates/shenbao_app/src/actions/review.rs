//! The reviewing units' actions: decide on an application (return, recommend, not
//! recommend), move it in the unit's ranking, forward the unit's list to the next level.
//!
//! A bureau account acts for one unit at one level of a call ([`Desk`], found from its region
//! or sector by [`routing::bureau_levels`]). Every action re-checks that the level's deadline
//! has not passed; the store's guards check that the application is at that unit now and
//! that the unit has not forwarded the direction.

use std::collections::BTreeMap;

use serde_json::json;
use shenbao_core::call::definition::{LevelScope, ReviewLevel};
use shenbao_core::quota::{Breach, UnitQuota, Used};
use shenbao_core::routing;
use shenbao_core::workflow::Action;
use shenbao_store::{
    ApplicationRow, Decision, FORWARDED, NextUnit, PENDING, Role, Store, StoreError, Tx, UnitRef,
    UserRow,
};

use super::{ActionError, Actor, Done, Problem, Refusal};
use crate::calls::{CallEntry, CallRegistry};
use crate::news::News;

/// A bureau account at its unit of one call.
#[derive(Debug, Clone)]
pub struct Desk<'a> {
    /// The call.
    pub entry: &'a CallEntry,
    /// The level the account reviews at.
    pub level: &'a ReviewLevel,
    /// The unit it reviews for: a division code, or a sector department.
    pub unit: String,
}

impl<'a> Desk<'a> {
    /// The desk of `user` at call `call_id`; `None` when it reviews nothing there (not a
    /// bureau account, or outside the call's levels and area).
    pub fn of(calls: &'a CallRegistry, user: &UserRow, call_id: &str) -> Option<Desk<'a>> {
        if user.role != Role::Bureau {
            return None;
        }
        let entry = calls.get(call_id)?;
        let (level, unit) = routing::bureau_levels(
            entry.call,
            user.scope_region.as_deref(),
            user.scope_sector.as_deref(),
        )
        .into_iter()
        .next()?;
        Some(Desk { entry, level, unit })
    }

    /// The unit's quota at its level (推荐名额), if the level has one.
    pub fn quota(&self) -> Option<UnitQuota<'a>> {
        shenbao_core::quota::of(self.level, &self.unit)
    }

    /// For each direction the unit reviews: its quota, what it has recommended and what is
    /// left, `(direction id, name, quota used)`. Empty when the level has no quota.
    pub async fn quota_use(&self, store: &Store) -> Result<Vec<QuotaLine>, StoreError> {
        let Some(quota) = self.quota() else {
            return Ok(Vec::new());
        };
        let apart = shenbao_core::quota::apart(self.entry.call);
        let counts = store
            .recommended_counts(self.entry.call.id(), Some(&self.at()), &apart)
            .await?;
        let all: i64 = counts.iter().map(|c| c.count).sum();
        Ok(self
            .directions()
            .into_iter()
            .map(|(id, name)| {
                let used = Used {
                    direction: counts
                        .iter()
                        .filter(|c| c.direction == id)
                        .map(|c| c.count)
                        .sum(),
                    all,
                };
                QuotaLine {
                    left: quota.left(used),
                    per_direction: quota.per_direction,
                    per_unit: quota.per_unit,
                    direction: id,
                    name,
                    used,
                }
            })
            .collect())
    }

    /// The unit and level, as the store's guards take them.
    pub fn at(&self) -> UnitRef {
        UnitRef {
            call_id: self.entry.call.id().to_string(),
            level: self.level.id.clone(),
            unit: self.unit.clone(),
        }
    }

    /// The level's deadline in force, if it has one.
    pub fn deadline(&self) -> Option<chrono::NaiveDate> {
        self.entry.level_deadline(self.level)
    }

    /// Whether the level may still act at `now`.
    pub fn open(&self, now: i64) -> bool {
        self.entry.level_open(self.level, now)
    }

    /// The directions whose applicants this unit receives (it is their first level).
    pub fn receiving_directions(&self) -> Vec<&'a str> {
        let call = self.entry.call;
        call.def()
            .directions
            .iter()
            .filter(|d| call.levels_for(&d.id).next().map(|l| &l.id) == Some(&self.level.id))
            .map(|d| d.id.as_str())
            .collect()
    }

    /// The latest applicants' deadline this unit may set: the earliest of the call's
    /// applicants' deadlines of the directions it receives (never after the level's own);
    /// `None` when the call sets none.
    pub fn latest_applicant_deadline(&self) -> Option<chrono::NaiveDate> {
        self.receiving_directions()
            .into_iter()
            .filter_map(|d| self.entry.applicant_deadline(d, None))
            .chain(self.deadline())
            .min()
    }

    /// The summary tables (汇总表) this level fills in: (id, title).
    pub fn summaries(&self) -> Vec<(String, String)> {
        self.entry
            .call
            .def()
            .summaries
            .iter()
            .filter(|t| t.level.as_deref() == Some(self.level.id.as_str()))
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect()
    }

    /// The directions that pass through this level: (id, name).
    pub fn directions(&self) -> Vec<(String, String)> {
        self.entry
            .call
            .def()
            .directions
            .iter()
            .filter(|d| shenbao_core::call::applies(&self.level.directions, &d.id))
            .map(|d| (d.id.clone(), d.name.clone()))
            .collect()
    }

    /// Where a forwarded list of `direction` goes: the next level, and the unit there (the
    /// call owner, or each applicant's city).
    pub fn next(&self, direction: &str) -> Option<(&'a ReviewLevel, NextUnit)> {
        let next = routing::next_level(self.entry.call, direction, &self.level.id)?;
        let unit = match next.scope {
            LevelScope::Province => NextUnit::Fixed(routing::OWNER.to_string()),
            LevelScope::Provincial => NextUnit::ApplicantProvince,
            _ => NextUnit::ApplicantCity,
        };
        Some((next, unit))
    }
}

/// The desk of the actor at `call_id`, or [`ActionError::NotFound`].
fn desk<'c>(
    calls: &'c CallRegistry,
    actor: &Actor<'_>,
    call_id: &str,
) -> Result<Desk<'c>, ActionError> {
    Desk::of(calls, actor.user, call_id).ok_or(ActionError::NotFound)
}

/// The store's refusals of a review write.
fn refused(error: StoreError) -> ActionError {
    match error {
        StoreError::Conflict { constraint } if constraint == FORWARDED => {
            ActionError::Refused(Refusal::ListForwarded)
        }
        StoreError::Conflict { constraint } if constraint == PENDING => {
            ActionError::Refused(Refusal::DecisionsPending)
        }
        StoreError::Conflict { .. } => ActionError::Refused(Refusal::MovedOn),
        StoreError::NotFound => ActionError::NotFound,
        other => other.into(),
    }
}

/// A unit's decision as typed on the review page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Back to the applicant for changes, with a comment.
    Return {
        /// Required.
        comment: String,
    },
    /// Not recommended (不予推荐), with a reason.
    NotRecommend {
        /// Required.
        reason: String,
    },
    /// Recommended (推荐), with the opinion and the opinion block's signature lines in the
    /// call's order.
    Recommend {
        /// Required.
        opinion: String,
        /// One per signature line of the level's opinion block; none may be empty.
        signatures: Vec<String>,
    },
}

impl Verdict {
    /// The workflow action it is.
    pub fn action(&self) -> Action {
        match self {
            Verdict::Return { .. } => Action::Return,
            Verdict::NotRecommend { .. } => Action::NotRecommend,
            Verdict::Recommend { .. } => Action::Recommend,
        }
    }

    /// The comment, reason or opinion.
    pub fn text(&self) -> &str {
        match self {
            Verdict::Return { comment } => comment,
            Verdict::NotRecommend { reason } => reason,
            Verdict::Recommend { opinion, .. } => opinion,
        }
    }

    /// What is missing, if anything.
    fn problem(&self) -> Option<Problem> {
        match self {
            Verdict::Return { comment } if comment.trim().is_empty() => {
                Some(Problem::CommentNeeded)
            }
            Verdict::NotRecommend { reason } if reason.trim().is_empty() => {
                Some(Problem::ReasonNeeded)
            }
            Verdict::Recommend { opinion, .. } if opinion.trim().is_empty() => {
                Some(Problem::OpinionNeeded)
            }
            Verdict::Recommend { signatures, .. }
                if signatures.iter().any(|s| s.trim().is_empty()) =>
            {
                Some(Problem::SignatureNeeded)
            }
            _ => None,
        }
    }
}

/// One direction's quota at a unit: the numbers, what is recommended and what is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaLine {
    /// The direction's id.
    pub direction: String,
    /// Its name.
    pub name: String,
    /// Most recommendations in the direction, if limited.
    pub per_direction: Option<u32>,
    /// Most recommendations over all directions, if limited.
    pub per_unit: Option<u32>,
    /// Recommended in the direction and over all.
    pub used: Used,
    /// How many more may be recommended in the direction.
    pub left: Option<i64>,
}

/// What every unit has recommended against its quota, at each level of the call that has
/// one, for the owner: `(level, unit, line)` per unit and direction that recommended anything.
pub async fn quota_overview<'c>(
    store: &Store,
    entry: &'c CallEntry,
) -> Result<Vec<(&'c ReviewLevel, String, QuotaLine)>, StoreError> {
    let call = entry.call;
    if !call.def().review_levels.iter().any(|l| l.quota.is_some()) {
        return Ok(Vec::new());
    }
    let apart = shenbao_core::quota::apart(call);
    let counts = store.recommended_counts(call.id(), None, &apart).await?;
    let mut out = Vec::new();
    for c in &counts {
        let Some(level) = call.def().review_levels.iter().find(|l| l.id == c.level) else {
            continue;
        };
        let Some(quota) = shenbao_core::quota::of(level, &c.unit) else {
            continue;
        };
        let used = Used {
            direction: c.count,
            all: counts
                .iter()
                .filter(|x| x.level == c.level && x.unit == c.unit)
                .map(|x| x.count)
                .sum(),
        };
        let name = call
            .direction(&c.direction)
            .map_or_else(|| c.direction.clone(), |d| d.name.clone());
        out.push((
            level,
            c.unit.clone(),
            QuotaLine {
                direction: c.direction.clone(),
                name,
                per_direction: quota.per_direction,
                per_unit: quota.per_unit,
                used,
                left: quota.left(used),
            },
        ));
    }
    Ok(out)
}

/// Refuses what breaks the desk's quota, by `test` ([`UnitQuota::room`] for one more
/// recommendation of application `except`, [`UnitQuota::within`] for forwarding) on what the
/// unit recommends in `direction` and over all. Counts under the unit's quota lock, in the
/// deciding transaction, so of two reviewers taking the last place at once exactly one wins.
async fn check_quota(
    tx: &mut Tx,
    desk: &Desk<'_>,
    except: i64,
    direction: &str,
    test: fn(&UnitQuota<'_>, Used) -> Result<(), Breach>,
) -> Result<(), ActionError> {
    let Some(quota) = desk.quota() else {
        return Ok(());
    };
    let apart = shenbao_core::quota::apart(desk.entry.call);
    let counts = tx.recommended_at(&desk.at(), except, &apart).await?;
    let used = Used {
        direction: counts
            .iter()
            .filter(|c| c.direction == direction)
            .map(|c| c.count)
            .sum(),
        all: counts.iter().map(|c| c.count).sum(),
    };
    test(&quota, used).map_err(|breach| {
        ActionError::Refused(Refusal::QuotaFull {
            breach,
            level: desk.level.id.clone(),
            unit: desk.unit.clone(),
            direction: direction.to_string(),
        })
    })
}

/// Decides on application `id` for the actor's unit at call `call_id`: before the level's
/// deadline, while the application is at that unit and its list is not forwarded. Writes the
/// status, the decision (and the ranking), the event, the outbox row ([`News::Decided`]) and
/// the audit entry in one transaction.
pub async fn decide(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    id: i64,
    verdict: &Verdict,
) -> Result<Done<ApplicationRow>, ActionError> {
    let desk = desk(calls, &actor, call_id)?;
    if !desk.open(actor.now) {
        return Err(ActionError::Refused(Refusal::LevelClosed));
    }
    if let Some(problem) = verdict.problem() {
        return Err(ActionError::Incomplete(vec![problem]));
    }
    let at = desk.at();
    let event = actor.event(Some(verdict.text().to_string()));
    let mut tx = store.begin().await?;
    let written = match verdict {
        Verdict::Return { .. } => tx.return_application(id, &at, &event).await,
        Verdict::NotRecommend { reason } => {
            let decision = Decision {
                recommended: false,
                opinion: reason.clone(),
                signatures: None,
            };
            tx.decide(id, &at, &decision, &event).await
        }
        Verdict::Recommend {
            opinion,
            signatures,
        } => {
            if desk.quota().is_some() {
                let direction = store
                    .application(id)
                    .await?
                    .map(|a| a.direction)
                    .unwrap_or_default();
                check_quota(&mut tx, &desk, id, &direction, |q, u| q.room(u)).await?;
            }
            let block = desk.level.opinion.as_ref();
            let signatures = (!signatures.is_empty()).then(|| {
                let map: BTreeMap<&str, &str> = block
                    .map(|o| {
                        o.signatures
                            .iter()
                            .map(String::as_str)
                            .zip(signatures.iter().map(String::as_str))
                            .collect()
                    })
                    .unwrap_or_default();
                serde_json::to_string(&map).unwrap_or_default()
            });
            let decision = Decision {
                recommended: true,
                opinion: opinion.clone(),
                signatures,
            };
            tx.decide(id, &at, &decision, &event).await
        }
    };
    let row = written.map_err(refused)?;
    let news = News::Decided {
        application_id: id,
        action: verdict.action(),
        text: verdict.text().to_string(),
    };
    let outbox = tx.announce(&news.to_outbox(actor.now)).await?;
    let audit_action = match verdict {
        Verdict::Return { .. } => "application_returned",
        Verdict::NotRecommend { .. } => "application_not_recommended",
        Verdict::Recommend { .. } => "application_recommended",
    };
    tx.audit(&actor.audit(
        audit_action,
        Some(("application", id.to_string())),
        Some(json!({ "level": desk.level.id, "unit": desk.unit })),
    ))
    .await?;
    tx.commit().await?;
    Ok(Done {
        value: row,
        outbox: vec![outbox],
    })
}

/// The most applications one batch decision takes (a queue page at its largest).
pub const BATCH_MAX: usize = 100;

/// What a batch decision did: the applications decided, in the order given, and those left
/// with why (no longer at the unit, its list forwarded, the quota full…).
#[derive(Debug, Default)]
pub struct Batch {
    /// Decided.
    pub done: Vec<ApplicationRow>,
    /// Not decided: the id and the reason.
    pub left: Vec<(i64, ActionError)>,
    /// The outbox rows written, for the caller to deliver.
    pub outbox: Vec<i64>,
}

/// Decides on each of `ids` with the same `verdict` (one shared opinion), in the order given,
/// each in a transaction of its own as [`decide`] does: one that is refused (moved on, quota
/// full) leaves the others decided. Recommended ones enter the ranking in that order. The
/// verdict is checked once, before anything is written; an empty or oversized batch, or a
/// closed level, refuses the whole batch.
pub async fn decide_many(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    ids: &[i64],
    verdict: &Verdict,
) -> Result<Batch, ActionError> {
    let desk = desk(calls, &actor, call_id)?;
    if !desk.open(actor.now) {
        return Err(ActionError::Refused(Refusal::LevelClosed));
    }
    if let Some(problem) = verdict.problem() {
        return Err(ActionError::Incomplete(vec![problem]));
    }
    if ids.is_empty() {
        return Err(ActionError::Incomplete(vec![Problem::NothingSelected]));
    }
    if ids.len() > BATCH_MAX {
        return Err(ActionError::Incomplete(vec![Problem::BatchTooLarge]));
    }
    let mut batch = Batch::default();
    let mut seen = std::collections::HashSet::new();
    for &id in ids.iter().filter(|id| seen.insert(**id)) {
        match decide(store, calls, actor, call_id, id, verdict).await {
            Ok(done) => {
                batch.done.push(done.value);
                batch.outbox.extend(done.outbox);
            }
            Err(ActionError::Store(e)) if !matches!(e, StoreError::Conflict { .. }) => {
                return Err(ActionError::Store(e));
            }
            Err(other) => batch.left.push((id, other)),
        }
    }
    Ok(batch)
}

/// Moves application `id` one place up (`up`) or down in the actor's unit's ranking, before
/// the level's deadline. [`ActionError::NotFound`] at a level that does not rank.
pub async fn move_in_ranking(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    id: i64,
    up: bool,
) -> Result<(), ActionError> {
    let desk = desk(calls, &actor, call_id)?;
    if !desk.level.ranks {
        return Err(ActionError::NotFound);
    }
    if !desk.open(actor.now) {
        return Err(ActionError::Refused(Refusal::LevelClosed));
    }
    let mut tx = store.begin().await?;
    tx.move_in_ranking(id, &desk.at(), up)
        .await
        .map_err(refused)?;
    tx.commit().await?;
    Ok(())
}

/// What a receiving unit sets for its applicants, as typed on its page.
#[derive(Debug, Clone, Default)]
pub struct TimelineInput {
    /// The applicants' deadline, a date (`2024-06-01`, `2024年6月1日`…); empty: the call's.
    pub deadline: String,
    /// The contact person; empty: none.
    pub contact_name: String,
    /// The contact's phone; empty: none.
    pub contact_phone: String,
}

/// Longest contact name and phone a unit may set, in characters.
pub const CONTACT_MAX_CHARS: usize = 40;

/// Sets, for the actor's unit at call `call_id`, the applicants' deadline (not after
/// [`Desk::latest_applicant_deadline`], not before today) and the contact its applicants see.
/// Only a unit that receives applicants (a first level) sets them. Writes the settings and the
/// audit entry in one transaction.
pub async fn set_timeline(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    input: &TimelineInput,
) -> Result<(), ActionError> {
    let desk = desk(calls, &actor, call_id)?;
    if desk.receiving_directions().is_empty() {
        return Err(ActionError::NotFound);
    }
    let clean =
        |s: &str| Some(shenbao_core::text::clean(s).trim().to_string()).filter(|s| !s.is_empty());
    let (name, phone) = (clean(&input.contact_name), clean(&input.contact_phone));
    let mut problems = Vec::new();
    let deadline = match clean(&input.deadline) {
        None => None,
        Some(text) => match shenbao_core::ident::parse_date(&text) {
            None => {
                problems.push(Problem::DeadlineInvalid);
                None
            }
            Some(day) => {
                if desk
                    .latest_applicant_deadline()
                    .is_some_and(|latest| day > latest)
                {
                    problems.push(Problem::DeadlineTooLate);
                }
                if day < shenbao_core::time::date_after(actor.now, 0) {
                    problems.push(Problem::DeadlinePassed);
                }
                Some(day)
            }
        },
    };
    let too_long = |s: &Option<String>| {
        s.as_ref()
            .is_some_and(|s| s.chars().count() > CONTACT_MAX_CHARS)
    };
    if too_long(&name) || too_long(&phone) {
        problems.push(Problem::ContactTooLong);
    }
    if !problems.is_empty() {
        return Err(ActionError::Incomplete(problems));
    }
    let row = shenbao_store::UnitTimelineRow {
        call_id: call_id.to_string(),
        level: desk.level.id.clone(),
        unit: desk.unit.clone(),
        applicant_deadline: deadline.map(|d| d.format("%Y-%m-%d").to_string()),
        contact_name: name,
        contact_phone: phone,
        updated_by: actor.user.id,
        updated_at: actor.now,
    };
    let mut tx = store.begin().await?;
    tx.set_unit_timeline(&row).await?;
    tx.audit(&actor.audit(
        "unit_timeline_set",
        Some(("call", call_id.to_string())),
        Some(json!({
            "level": row.level,
            "unit": row.unit,
            "applicant_deadline": row.applicant_deadline,
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone,
        })),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forwards the actor's unit's list of `direction` to the next level, confirmed, before the
/// level's deadline, when nothing of the direction waits for a decision. Writes the moves,
/// the freeze, an event per application, the outbox row ([`News::Forwarded`]) and the audit
/// entry in one transaction. Returns the ids that went up.
pub async fn forward(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    direction: &str,
    confirmed: bool,
    note: impl FnOnce(&Desk<'_>, &ReviewLevel) -> String,
) -> Result<Done<Vec<i64>>, ActionError> {
    let desk = desk(calls, &actor, call_id)?;
    if !confirmed {
        return Err(ActionError::Refused(Refusal::ConfirmationNeeded));
    }
    if !desk.directions().iter().any(|(id, _)| id == direction) {
        return Err(ActionError::NotFound);
    }
    if !desk.open(actor.now) {
        return Err(ActionError::Refused(Refusal::LevelClosed));
    }
    let (next, unit) = desk
        .next(direction)
        .ok_or(ActionError::Refused(Refusal::NoNextLevel))?;
    let event = actor.event(Some(note(&desk, next)));
    let mut tx = store.begin().await?;
    // The stamped scans the call asks for go with the list (正式行文…随函报送).
    check_scans(&mut tx, &desk).await?;
    // A quota lowered after the recommendations (a new call version) stops the list.
    check_quota(&mut tx, &desk, 0, direction, |q, u| q.within(u)).await?;
    let moved = tx
        .forward(&desk.at(), direction, &next.id, &unit, &event)
        .await
        .map_err(refused)?;
    let news = News::Forwarded {
        call_id: call_id.to_string(),
        application_ids: moved.clone(),
    };
    let outbox = tx.announce(&news.to_outbox(actor.now)).await?;
    tx.audit(&actor.audit(
        "ranking_forwarded",
        Some(("call", call_id.to_string())),
        Some(json!({
            "level": desk.level.id,
            "unit": desk.unit,
            "direction": direction,
            "count": moved.len(),
        })),
    ))
    .await?;
    tx.commit().await?;
    Ok(Done {
        value: moved,
        outbox: vec![outbox],
    })
}

/// Refuses a forward while stamped scans the level requires are missing (read inside the
/// forwarding transaction).
async fn check_scans(tx: &mut Tx, desk: &Desk<'_>) -> Result<(), ActionError> {
    let Some(sending) = desk.level.sending.as_ref().filter(|s| !s.scans.is_empty()) else {
        return Ok(());
    };
    let current = tx
        .unit_scans(desk.entry.call.id(), &desk.level.id, &desk.unit)
        .await?;
    let uploaded: Vec<&str> = current.iter().map(|r| r.kind.as_str()).collect();
    let lacking = shenbao_core::sending::missing(sending, &uploaded);
    if lacking.is_empty() {
        return Ok(());
    }
    Err(ActionError::Refused(Refusal::ScansMissing(
        shenbao_core::sending::refusal(sending, &lacking),
    )))
}
