//! The actions on an application, one function each: who may take it, what must hold, and
//! everything it writes, in one transaction.
//!
//! Each action takes the store, the acting user ([`Actor`]) and its input. It checks the
//! actor's right to act (an application of another organisation or unit is
//! [`ActionError::NotFound`], so ids cannot be probed), the rules (deadlines, the form's checks,
//! the workflow's guards), and then commits, in one [`shenbao_store::Tx`]: the state change
//! with its application events, the notification outbox row ([`crate::news::News`]) and the
//! audit entry. A refused or failing action leaves no trace. The outbox rows are returned so
//! that the caller can deliver them right after the commit; a background sweep delivers any
//! that a crash left behind.
//!
//! | action | module | writes |
//! |---|---|---|
//! | start a draft | [`applicant::start`] | draft, event, audit |
//! | save a draft | [`applicant::save_draft`] | answers, version |
//! | attach, remove a file | [`applicant::attach`], [`applicant::detach`] | attachment, audit |
//! | submit | [`applicant::submit`] | status, snapshot, event, outbox `arrived`, audit |
//! | withdraw | [`applicant::withdraw`] | status, event, audit |
//! | return, recommend, not recommend | [`review::decide`] | status, decision, event, outbox `decided`, audit |
//! | move in the ranking | [`review::move_in_ranking`] | ranks |
//! | forward a list | [`review::forward`] | statuses, freeze, events, outbox `forwarded`, audit |
//! | set the unit's applicants' deadline and contact | [`review::set_timeline`] | unit timeline, audit |
//! | give an application to an expert | [`owner::assign`] | assignment, outbox `assigned`, audit |
//! | take an assignment back | [`owner::unassign`] | assignment, audit |
//! | assign automatically | [`owner::auto_assign`] | assignments, outbox `assigned`, audit |
//! | select, unselect | [`owner::select`], [`owner::unselect`] | statuses, events, audit |
//! | publish the results | [`owner::publish`] | publication, call state, outbox `published`, audit |
//! | upload a call file, set its dates | [`publishing::upload`], [`publishing::set_dates`] | call version, audit |
//! | publish a version | [`publishing::publish_version`] | current version, audit |
//! | move a call (publish, close, review, archive) | [`publishing::move_state`] | call state, audit |
//! | save or submit scores | [`expert::save_scores`] | sheet (audit on submission) |
//! | withdraw for a conflict | [`expert::recuse`] | conflict, assignment, audit |
//!
//! Must not: know HTTP or pages, or hold words shown to users: refusals are typed
//! ([`Refusal`], [`Problem`]) and the front end words them.

pub mod applicant;
pub mod consortium;
pub mod exclusion;
pub mod expert;
pub mod owner;
pub mod publishing;
pub mod review;
pub mod sending;

use shenbao_store::{ApplicationEvent, NewAuditEntry, StoreError, UserRow};

/// Who acts, from where, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The signed-in user.
    pub user: &'a UserRow,
    /// The client's address, as the front end determined it.
    pub ip: Option<&'a str>,
    /// Unix milliseconds: the time of every row the action writes.
    pub now: i64,
}

impl Actor<'_> {
    /// The event of a status change made by this actor, with `note`.
    pub fn event(&self, note: Option<String>) -> ApplicationEvent {
        ApplicationEvent {
            at: self.now,
            actor_user_id: Some(self.user.id),
            actor_ip: self.ip.map(str::to_string),
            note,
        }
    }

    /// The audit entry of `action` by this actor on `target` (kind, id), if it has one.
    pub fn audit(
        &self,
        action: &str,
        target: Option<(&str, String)>,
        detail: Option<serde_json::Value>,
    ) -> NewAuditEntry {
        let (kind, id) = target.unzip();
        NewAuditEntry {
            at: self.now,
            actor_user_id: Some(self.user.id),
            actor_ip: self.ip.map(str::to_string),
            action: action.to_string(),
            target_kind: kind.map(str::to_string),
            target_id: id,
            detail: detail.map(|d| d.to_string()),
        }
    }
}

/// Why an action was refused, for the front end to word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The application can no longer be changed by the applicant (not a draft, not returned).
    NotEditable,
    /// The call's limits on applications per organisation (the core's words for each).
    Limits(Vec<String>),
    /// The applicant's deadline has passed.
    CallClosed {
        /// That deadline.
        deadline: Option<chrono::NaiveDate>,
        /// The receiving unit that set it, `(level id, unit)`, when it is the unit's own.
        set_by: Option<(String, String)>,
    },
    /// The call takes no applications in the state it is in (closed early, in review,
    /// published, archived).
    NotCollecting(shenbao_core::call::CallState),
    /// The applicant's registered region is outside the call's area (both division codes).
    OutOfArea {
        /// The call's area.
        area: String,
        /// The applicant's region.
        region: String,
    },
    /// The applicant's registered region is in a division the call leaves out (a sub-area
    /// handled separately, such as 深圳 in a 广东 call).
    AreaExcluded {
        /// The division left out.
        excluded: String,
        /// The applicant's region.
        region: String,
    },
    /// The unit a submission would go to has forwarded the direction's list already.
    UnitForwarded {
        /// The level of that unit.
        level: String,
        /// The unit.
        unit: String,
        /// Whether it was a resubmission after a return.
        resubmission: bool,
    },
    /// The application's status changed since the page was loaded (another tab).
    StatusChanged,
    /// The application was saved since the page was loaded (another tab).
    VersionMoved,
    /// A withdrawal after the first level decided or forwarded.
    TooLateToWithdraw,
    /// The reviewing level's deadline has passed.
    LevelClosed,
    /// The unit has forwarded the direction's list: it is frozen.
    ListForwarded,
    /// Forwarding while applications of the direction still wait for a decision.
    DecisionsPending,
    /// The application is no longer where the reviewer acts (moved on, or decided elsewhere).
    MovedOn,
    /// Forwarding without ticking the confirmation.
    ConfirmationNeeded,
    /// Forwarding from the last level.
    NoNextLevel,
    /// The call's results are published: selection, scores and assignments are frozen.
    Published,
    /// Experts, selection or publication asked of a collection call (摸底), which has none.
    Collection,
    /// A forward before the stamped scans the level requires are uploaded: the core's words.
    ScansMissing(String),
    /// A selection changed meanwhile (another owner's tab): nothing was selected.
    SelectionStale,
    /// The expert's scores are submitted: the sheet is frozen.
    ScoresSubmitted,
    /// A call cannot move from `from` to `to` (not the owner's move, or moved meanwhile).
    StateMove {
        /// Where the call is.
        from: shenbao_core::call::CallState,
        /// Where it was to go.
        to: shenbao_core::call::CallState,
    },
    /// Publishing a call without an applicants' deadline still ahead.
    DeadlineNeeded,
    /// The applicant is on the call's exclusion list, or was selected in an earlier call the
    /// call excludes (不得重复申报): the core's words, with the call's reason and the evidence.
    Excluded(String),
    /// A consortium member refused, or a start by a member of a consortium in the direction:
    /// the core's words.
    Consortium(String),
    /// A recommendation or a forward beyond the unit's quota (推荐名额).
    QuotaFull {
        /// The quota broken, with what is recommended.
        breach: shenbao_core::quota::Breach,
        /// The level (id) of the unit.
        level: String,
        /// The unit.
        unit: String,
        /// The direction (id).
        direction: String,
    },
}

/// What is missing from an action's input: the form is shown again with these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The form has errors (shown by the page's own check).
    FormHasErrors,
    /// Warnings need a written justification.
    JustificationNeeded,
    /// The commitment letter was not accepted.
    AcceptanceNeeded,
    /// The page was loaded at another version.
    VersionMoved,
    /// No review level takes the application's direction.
    NoLevel,
    /// The receiving level's deadline has passed.
    LevelClosed,
    /// The direction is routed by sector and the applicant's city has no sector department.
    NoSector,
    /// The direction is routed by sector and none was chosen.
    SectorNeeded,
    /// A return without a comment.
    CommentNeeded,
    /// A "not recommended" without a reason.
    ReasonNeeded,
    /// A recommendation without an opinion.
    OpinionNeeded,
    /// A recommendation with an empty signature line.
    SignatureNeeded,
    /// An assignment to an application that is not waiting at the owner level of the call.
    ApplicationUnknown,
    /// An assignment without the expert's login name.
    UsernameNeeded,
    /// An assignment to a login name nobody has.
    UserUnknown,
    /// A conflict declared without the organisation's USCC.
    UsccNeeded,
    /// A conflict declared with an organisation nobody registered.
    OrganisationUnknown,
    /// An assignment to an account that is not an expert.
    NotAnExpert,
    /// An assignment to an expert outside the call's pool.
    NotInPool,
    /// The expert declared a conflict with the applicant, or works there.
    ExpertConflicted,
    /// The expert already has the application.
    ExpertAlreadyAssigned,
    /// The assignment was refused for another reason.
    AssignmentRefused,
    /// Taking back an assignment whose scores are submitted.
    AssignmentSubmitted,
    /// Automatic assignment asked for fewer than one or too many experts per application.
    PerApplicationOutOfRange,
    /// A selection of nothing (an owner's selection, a bureau's batch decision).
    NothingSelected,
    /// A batch decision over more applications than [`review::BATCH_MAX`].
    BatchTooLarge,
    /// Publishing without ticking the confirmation.
    ConfirmationNeeded,
    /// A unit's applicants' deadline that is not a date.
    DeadlineInvalid,
    /// A unit's applicants' deadline after the latest it may set.
    DeadlineTooLate,
    /// A unit's applicants' deadline before today.
    DeadlinePassed,
    /// A unit's contact name or phone longer than allowed.
    ContactTooLong,
    /// A score sheet with a score that is not a number in range, or (submitted) incomplete.
    ScoresInvalid,
}

/// How an action ends when it does not succeed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// Nothing the actor may act on (no such application, or not theirs).
    #[error("not found")]
    NotFound,
    /// Refused, with a reason the actor can read.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The input is incomplete: show the form again with these problems.
    #[error("incomplete: {0:?}")]
    Incomplete(Vec<Problem>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The outcome of an action that wrote: the value and the outbox rows to deliver.
#[derive(Debug)]
pub struct Done<T> {
    /// What the action returns.
    pub value: T,
    /// The outbox rows the action wrote, for the caller to deliver after the commit.
    pub outbox: Vec<i64>,
}
