//! A call's life, as its owner runs it: 草稿 (being prepared, seen only by its owners) →
//! 征集中 (published, taking applications until the applicants' deadline) → 已截止 (closed
//! early by the owner) → 评审中 (the owner's review) → 已公示 (results published) → 已归档.
//! Each move is the owner's action (已公示: publishing the results), in the audit log.
//!
//! Must not: read the clock: a call 征集中 whose deadline has passed is shown as closed by the
//! pages, without a move.

use std::fmt;
use std::str::FromStr;

/// Where a call is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallState {
    /// 草稿: being prepared; only its owners see it.
    Draft,
    /// 征集中: published; applicants apply until the deadline.
    Collecting,
    /// 已截止: closed by the owner before or at the deadline.
    Closed,
    /// 评审中: the owner's review (experts, selection).
    Reviewing,
    /// 已公示: the results are published.
    Published,
    /// 已归档: finished; read only.
    Archived,
}

impl CallState {
    /// Every state, in the order of a call's life.
    pub const ALL: [CallState; 6] = [
        CallState::Draft,
        CallState::Collecting,
        CallState::Closed,
        CallState::Reviewing,
        CallState::Published,
        CallState::Archived,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Draft => "draft",
            CallState::Collecting => "collecting",
            CallState::Closed => "closed",
            CallState::Reviewing => "reviewing",
            CallState::Published => "published",
            CallState::Archived => "archived",
        }
    }

    /// The name users read.
    pub fn label(self) -> &'static str {
        match self {
            CallState::Draft => "草稿",
            CallState::Collecting => "征集中",
            CallState::Closed => "已截止",
            CallState::Reviewing => "评审中",
            CallState::Published => "已公示",
            CallState::Archived => "已归档",
        }
    }

    /// The states an owner may move a call to from this one by hand (已公示 comes with
    /// publishing the results, never by hand).
    pub fn next_by_owner(self) -> &'static [CallState] {
        match self {
            CallState::Draft => &[CallState::Collecting],
            CallState::Collecting => &[CallState::Closed, CallState::Reviewing],
            CallState::Closed => &[CallState::Reviewing],
            CallState::Reviewing => &[],
            CallState::Published => &[CallState::Archived],
            CallState::Archived => &[],
        }
    }

    /// Whether anyone but the call's owners sees the call.
    pub fn is_public(self) -> bool {
        self != CallState::Draft
    }

    /// Whether applicants may start and submit applications (before the deadline).
    pub fn takes_applications(self) -> bool {
        self == CallState::Collecting
    }
}

impl fmt::Display for CallState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored name that is no state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown call state `{0}`")]
pub struct UnknownCallState(pub String);

impl FromStr for CallState {
    type Err = UnknownCallState;
    fn from_str(s: &str) -> Result<CallState, UnknownCallState> {
        CallState::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| UnknownCallState(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_and_only_move_forward() {
        for s in CallState::ALL {
            assert_eq!(s.as_str().parse::<CallState>(), Ok(s));
            assert!(s.next_by_owner().iter().all(|n| *n > s), "{s}");
        }
        assert!("open".parse::<CallState>().is_err());
        assert!(!CallState::Draft.is_public() && CallState::Archived.is_public());
        assert!(
            !CallState::Published
                .next_by_owner()
                .contains(&CallState::Reviewing)
        );
    }
}
