//! What an action announces: the typed payload of a notification outbox row.
//!
//! A use case writes its [`News`] in the same transaction as its change
//! ([`shenbao_store::Tx::announce`]); after the commit a front end's deliverer reads it back
//! ([`News::from_row`]), finds who must hear about it and in what words, and delivers it
//! ([`shenbao_store::Store::deliver_outbox`]). So a change that rolls back tells no one, and
//! a change that commits is told even when the process dies right after the commit (the
//! deliverer's sweep finds the row).
//!
//! Must not: name recipients or hold words shown to users (the deliverer does both, when it
//! delivers, from the state then).

use serde::{Deserialize, Serialize};
use shenbao_core::workflow::Action;
use shenbao_store::{NewOutbox, OutboxRow};

/// Something that happened that users must be told about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum News {
    /// A submission (or resubmission) reached the unit it is now at: tell its reviewers.
    Arrived {
        /// The application.
        application_id: i64,
    },
    /// A unit returned, recommended or did not recommend an application: tell the applicant.
    Decided {
        /// The application.
        application_id: i64,
        /// [`Action::Return`], [`Action::Recommend`] or [`Action::NotRecommend`].
        action: Action,
        /// The comment, opinion or reason.
        text: String,
    },
    /// A unit forwarded its list of a direction: tell each applicant that went up, and the
    /// reviewers of the units that received them.
    Forwarded {
        /// The call.
        call_id: String,
        /// The applications that went up.
        application_ids: Vec<i64>,
    },
    /// Experts were given applications to score: tell them.
    Assigned {
        /// The call.
        call_id: String,
        /// The experts given work.
        experts: Vec<i64>,
    },
    /// The owner published the call's results: tell every applicant that reached the owner
    /// whether it was selected.
    Published {
        /// The call.
        call_id: String,
    },
}

impl News {
    /// The outbox row's name for this kind of news.
    pub fn kind(&self) -> &'static str {
        match self {
            News::Arrived { .. } => "arrived",
            News::Decided { .. } => "decided",
            News::Forwarded { .. } => "forwarded",
            News::Assigned { .. } => "assigned",
            News::Published { .. } => "published",
        }
    }

    /// The outbox row that carries it, for a change made at `at`.
    pub fn to_outbox(&self, at: i64) -> NewOutbox {
        NewOutbox {
            at,
            kind: self.kind().to_string(),
            payload: serde_json::to_string(self).expect("news serialises"),
        }
    }

    /// The news an outbox row carries; `Err` for a row this version cannot read (written by a
    /// newer one), which the deliverer leaves undelivered.
    pub fn from_row(row: &OutboxRow) -> Result<News, serde_json::Error> {
        serde_json::from_str(&row.payload)
    }
}
