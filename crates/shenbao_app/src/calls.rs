//! The calls this installation runs: the built-in seed calls with their state from the
//! database (a demo deadline when started with `--demo`).

use chrono::NaiveDate;
use shenbao_core::call::definition::ReviewLevel;
use shenbao_core::call::{Call, builtin};
use shenbao_store::Store;

/// Days a demo deadline lies ahead of the server's start.
pub const DEMO_DAYS: i64 = 30;

/// A call and how it runs here.
#[derive(Debug)]
pub struct CallEntry {
    /// The compiled definition.
    pub call: &'static Call,
    /// The deadline used instead of the real one in demo mode.
    pub demo_deadline: Option<NaiveDate>,
}

impl CallEntry {
    /// The applicant deadline in force, if any.
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.demo_deadline
            .or_else(|| self.call.applicant_deadline())
    }

    /// The deadline of a review level in force, if it has one. In demo mode it keeps its
    /// distance from the applicant deadline: a level due five days after the applicants is due
    /// five days after the demo deadline.
    pub fn level_deadline(&self, level: &ReviewLevel) -> Option<NaiveDate> {
        let real = self.call.level_deadline(&level.id)?;
        let Some(demo) = self.demo_deadline else {
            return Some(real);
        };
        Some(match self.call.applicant_deadline() {
            Some(base) => demo + (real - base),
            None => demo,
        })
    }

    /// Whether `level` may still act (receive submissions, decide, forward) at `now_ms`: until
    /// the end of its deadline day, Beijing time; always when it has none.
    pub fn level_open(&self, level: &ReviewLevel, now_ms: i64) -> bool {
        open_at(self.level_deadline(level), now_ms)
    }

    /// Whether applicants may still submit at `now_ms`: until the end of the deadline day,
    /// Beijing time. A call without a deadline stays open.
    pub fn is_open(&self, now_ms: i64) -> bool {
        open_at(self.deadline(), now_ms)
    }
}

/// Before the end of `deadline`'s day in Beijing; always without one.
fn open_at(deadline: Option<NaiveDate>, now_ms: i64) -> bool {
    deadline.and_then(end_of_day).is_none_or(|end| now_ms < end)
}

use shenbao_core::time::{date_after, end_of_day};

/// Every call of the installation, in listing order.
#[derive(Debug, Default)]
pub struct CallRegistry {
    entries: Vec<CallEntry>,
}

impl CallRegistry {
    /// Loads the built-in calls into the store and returns them; with `demo`, every call's
    /// applicant deadline moves to [`DEMO_DAYS`] days after `now_ms`.
    pub async fn load(store: &Store, demo: bool, now_ms: i64) -> anyhow::Result<CallRegistry> {
        let mut entries = Vec::new();
        for (i, r) in builtin::all().enumerate() {
            let call = r.map_err(|e| anyhow::anyhow!("{e}"))?;
            let (_, _, source) = builtin::SOURCES[i];
            let demo_deadline = demo.then(|| date_after(now_ms, DEMO_DAYS));
            let demo_text = demo_deadline.map(|d| d.format("%Y-%m-%d").to_string());
            store
                .upsert_call(call.id(), source, demo_text.as_deref(), now_ms)
                .await?;
            entries.push(CallEntry {
                call,
                demo_deadline,
            });
        }
        Ok(CallRegistry { entries })
    }

    /// All calls.
    pub fn all(&self) -> &[CallEntry] {
        &self.entries
    }

    /// A call by id.
    pub fn get(&self, id: &str) -> Option<&CallEntry> {
        self.entries.iter().find(|e| e.call.id() == id)
    }
}
