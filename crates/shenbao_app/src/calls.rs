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
    /// The deadline used instead of the real one in demo mode, `YYYY-MM-DD`.
    pub demo_deadline: Option<String>,
}

impl CallEntry {
    /// The applicant deadline in force (`YYYY-MM-DD`), if any.
    pub fn deadline(&self) -> Option<&str> {
        self.demo_deadline
            .as_deref()
            .or_else(|| self.call.applicant_deadline())
    }

    /// The deadline of a review level in force (`YYYY-MM-DD`), if it has one. In demo mode it
    /// keeps its distance from the applicant deadline: a level due five days after the
    /// applicants is due five days after the demo deadline.
    pub fn level_deadline(&self, level: &ReviewLevel) -> Option<String> {
        let real = level.deadline.as_deref()?;
        let Some(demo) = &self.demo_deadline else {
            return Some(real.to_string());
        };
        let parse = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let shifted = match (
            parse(demo),
            parse(real),
            self.call.applicant_deadline().and_then(parse),
        ) {
            (Some(demo), Some(real), Some(base)) => demo + (real - base),
            (Some(demo), _, _) => demo,
            _ => return Some(real.to_string()),
        };
        Some(shifted.format("%Y-%m-%d").to_string())
    }

    /// Whether `level` may still act (receive submissions, decide, forward) at `now_ms`: until
    /// the end of its deadline day, Beijing time; always when it has none.
    pub fn level_open(&self, level: &ReviewLevel, now_ms: i64) -> bool {
        match self
            .level_deadline(level)
            .as_deref()
            .and_then(end_of_day_ms)
        {
            Some(end) => now_ms < end,
            None => true,
        }
    }

    /// Whether applicants may still submit at `now_ms`: until the end of the deadline day,
    /// Beijing time. A call without a deadline stays open.
    pub fn is_open(&self, now_ms: i64) -> bool {
        match self.deadline().and_then(end_of_day_ms) {
            Some(end) => now_ms < end,
            None => true,
        }
    }
}

use shenbao_core::time::{date_after, end_of_day_ms};

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
            store
                .upsert_call(call.id(), source, demo_deadline.as_deref(), now_ms)
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
