//! What may happen next to an application, and who may act: the statuses, the actions that
//! move an application between them, and the roles of the accounts. One table
//! ([`ApplicationStatus::after`]) says which action is allowed from which status; the store's
//! guarded writes and the pages ask it instead of spelling statuses out.
//!
//! Freezes are not statuses: once a unit has forwarded a direction its decisions stand, and
//! once the owner has published nothing is selected or unselected any more. The store checks
//! those (they belong to a unit or a call, not to one application).
//!
//! Must not: hold Chinese words other than each status's and role's one name ([`label`]s are
//! what every page shows, so that the same status never has two names).
//!
//! [`label`]: ApplicationStatus::label

use std::fmt;
use std::str::FromStr;

/// Where an application stands. Stored as its [`ApplicationStatus::as_str`] text (the
/// `application_statuses` lookup table holds the same names).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Being filled in by the applicant.
    Draft,
    /// With a reviewing unit (the level and unit are on the application).
    Submitted,
    /// Sent back to the applicant for changes; editable again.
    Returned,
    /// Its unit decided not to recommend it.
    NotRecommended,
    /// Its unit recommends it; forwarding takes it to the next level.
    Recommended,
    /// The owner selected it (入选), final once the results are published.
    Selected,
}

/// What someone does to an application. Serialised in `snake_case` (`not_recommend`) where it
/// is stored, in a notification outbox row.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The applicant saves its answers or files.
    Save,
    /// The applicant submits.
    Submit,
    /// The applicant takes a submission back before anyone decided on it.
    Withdraw,
    /// A reviewing unit recommends it (or changes its decision to that before forwarding).
    Recommend,
    /// A reviewing unit does not recommend it.
    NotRecommend,
    /// A reviewing unit returns it to the applicant for changes.
    Return,
    /// The unit forwards its list: a recommended application goes to the next level.
    Forward,
    /// The owner selects it.
    Select,
    /// The owner takes a selection back before publishing.
    Unselect,
}

/// An action that the table does not allow from a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed on an application that is {from}")]
pub struct NotAllowed {
    /// The status the application was in.
    pub from: ApplicationStatus,
    /// What was tried.
    pub action: Action,
}

impl ApplicationStatus {
    /// Every status, in the order above.
    pub const ALL: [ApplicationStatus; 6] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::Returned,
        ApplicationStatus::NotRecommended,
        ApplicationStatus::Recommended,
        ApplicationStatus::Selected,
    ];

    /// The statuses in which the applicant may change its answers and files.
    pub const EDITABLE: [ApplicationStatus; 2] =
        [ApplicationStatus::Draft, ApplicationStatus::Returned];

    /// The statuses of an application that a reviewing unit has on its desk and may decide on
    /// (again, until the unit forwards).
    pub const DECIDABLE: [ApplicationStatus; 3] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::NotRecommended,
        ApplicationStatus::Recommended,
    ];

    /// The stored name: `draft`, `submitted`, `returned`, `not_recommended`, `recommended`,
    /// `selected`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Returned => "returned",
            ApplicationStatus::NotRecommended => "not_recommended",
            ApplicationStatus::Recommended => "recommended",
            ApplicationStatus::Selected => "selected",
        }
    }

    /// The one Chinese name of the status, on every page.
    pub const fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "草稿",
            ApplicationStatus::Submitted => "已提交",
            ApplicationStatus::Returned => "退回修改",
            ApplicationStatus::NotRecommended => "不予推荐",
            ApplicationStatus::Recommended => "已推荐",
            ApplicationStatus::Selected => "入选",
        }
    }

    /// Whether the applicant may change answers and files.
    pub fn is_editable(self) -> bool {
        Self::EDITABLE.contains(&self)
    }

    /// The status after `action`, or why it is not allowed. This is the whole workflow:
    ///
    /// | from | action | to |
    /// |---|---|---|
    /// | draft, returned | save | the same |
    /// | draft, returned | submit | submitted |
    /// | submitted | withdraw | draft |
    /// | submitted, recommended, not recommended | recommend | recommended |
    /// | submitted, recommended, not recommended | not recommend | not recommended |
    /// | submitted, recommended, not recommended | return | returned |
    /// | recommended | forward | submitted (at the next level) |
    /// | submitted | select | selected |
    /// | selected | unselect | submitted |
    pub fn after(self, action: Action) -> Result<ApplicationStatus, NotAllowed> {
        use Action as A;
        use ApplicationStatus as S;
        let to = match (self, action) {
            (S::Draft | S::Returned, A::Save) => Some(self),
            (S::Draft | S::Returned, A::Submit) => Some(S::Submitted),
            (S::Submitted, A::Withdraw) => Some(S::Draft),
            (S::Submitted | S::Recommended | S::NotRecommended, A::Recommend) => {
                Some(S::Recommended)
            }
            (S::Submitted | S::Recommended | S::NotRecommended, A::NotRecommend) => {
                Some(S::NotRecommended)
            }
            (S::Submitted | S::Recommended | S::NotRecommended, A::Return) => Some(S::Returned),
            (S::Recommended, A::Forward) => Some(S::Submitted),
            (S::Submitted, A::Select) => Some(S::Selected),
            (S::Selected, A::Unselect) => Some(S::Submitted),
            _ => None,
        };
        to.ok_or(NotAllowed { from: self, action })
    }

    /// The statuses from which `action` is allowed.
    pub fn allowing(action: Action) -> impl Iterator<Item = ApplicationStatus> {
        Self::ALL
            .into_iter()
            .filter(move |s| s.after(action).is_ok())
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the [`ApplicationStatus::as_str`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown application status {0:?}")]
pub struct ParseStatusError(pub String);

impl FromStr for ApplicationStatus {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| ParseStatusError(s.to_owned()))
    }
}

/// What an account may do. Stored as its [`Role::as_str`] text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 申报单位: an enterprise account that fills in and submits applications.
    Applicant,
    /// 审核单位: a bureau reviewer, limited to its `scope_region` (and `scope_sector`).
    Bureau,
    /// 征集单位: the department that publishes a call and decides on it.
    Owner,
    /// 评审专家: an expert who scores applications assigned to them.
    Expert,
    /// 管理员: manages accounts and calls.
    Admin,
}

impl Role {
    /// Every role, in the order above.
    pub const ALL: [Role; 5] = [
        Role::Applicant,
        Role::Bureau,
        Role::Owner,
        Role::Expert,
        Role::Admin,
    ];

    /// The stored and serialised name: `applicant`, `bureau`, `owner`, `expert`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Bureau => "bureau",
            Role::Owner => "owner",
            Role::Expert => "expert",
            Role::Admin => "admin",
        }
    }

    /// The Chinese name shown in pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Applicant => "申报单位",
            Role::Bureau => "审核单位",
            Role::Owner => "征集单位",
            Role::Expert => "评审专家",
            Role::Admin => "管理员",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the [`Role::as_str`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct ParseRoleError(pub String);

impl FromStr for Role {
    type Err = ParseRoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| ParseRoleError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    const ACTIONS: [Action; 9] = [
        Action::Save,
        Action::Submit,
        Action::Withdraw,
        Action::Recommend,
        Action::NotRecommend,
        Action::Return,
        Action::Forward,
        Action::Select,
        Action::Unselect,
    ];

    /// Walks the table from a new draft: every status is reachable, every status has a way on
    /// (the ends of the workflow are freezes, not statuses), and each status allows exactly
    /// the actions written here, so a change to the table has to change this list too.
    #[test]
    fn every_status_is_reachable_and_allows_what_is_intended() {
        let mut seen = BTreeSet::from([ApplicationStatus::Draft]);
        let mut todo = vec![ApplicationStatus::Draft];
        while let Some(from) = todo.pop() {
            for action in ACTIONS {
                if let Ok(to) = from.after(action)
                    && seen.insert(to)
                {
                    todo.push(to);
                }
            }
        }
        assert_eq!(seen, ApplicationStatus::ALL.into_iter().collect());

        use Action as A;
        use ApplicationStatus as S;
        let intended: BTreeMap<S, Vec<A>> = BTreeMap::from([
            (S::Draft, vec![A::Save, A::Submit]),
            (S::Returned, vec![A::Save, A::Submit]),
            (
                S::Submitted,
                vec![
                    A::Withdraw,
                    A::Recommend,
                    A::NotRecommend,
                    A::Return,
                    A::Select,
                ],
            ),
            (
                S::Recommended,
                vec![A::Recommend, A::NotRecommend, A::Return, A::Forward],
            ),
            (
                S::NotRecommended,
                vec![A::Recommend, A::NotRecommend, A::Return],
            ),
            (S::Selected, vec![A::Unselect]),
        ]);
        for status in ApplicationStatus::ALL {
            let allowed: Vec<A> = ACTIONS
                .into_iter()
                .filter(|a| status.after(*a).is_ok())
                .collect();
            assert_eq!(allowed, intended[&status], "{status}");
            assert!(!allowed.is_empty(), "{status} is no dead end");
        }
    }

    #[test]
    fn a_refused_action_names_the_status_and_the_action() {
        let refused = ApplicationStatus::Selected
            .after(Action::Submit)
            .expect_err("a selected application is not submitted again");
        assert_eq!(
            refused,
            NotAllowed {
                from: ApplicationStatus::Selected,
                action: Action::Submit
            }
        );
        assert_eq!(
            ApplicationStatus::allowing(Action::Submit).collect::<Vec<_>>(),
            ApplicationStatus::EDITABLE
        );
        assert_eq!(
            ApplicationStatus::allowing(Action::Recommend).collect::<Vec<_>>(),
            ApplicationStatus::DECIDABLE
        );
    }

    #[test]
    fn names_read_back_and_each_status_has_one_label() {
        let mut labels = BTreeSet::new();
        for status in ApplicationStatus::ALL {
            assert_eq!(status.as_str().parse::<ApplicationStatus>(), Ok(status));
            assert!(
                labels.insert(status.label()),
                "{status}: two statuses, one name"
            );
        }
        assert!("withdrawn".parse::<ApplicationStatus>().is_err());
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }
}
