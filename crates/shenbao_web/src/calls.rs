//! The calls this installation runs: the built-in seed calls with their state from the
//! database (a demo deadline when started with `--demo`).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
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

/// Beijing time (UTC+8), in which every deadline of a call is meant.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The first millisecond after `date` (YYYY-MM-DD) ends in Beijing.
pub fn end_of_day_ms(date: &str) -> Option<i64> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let next = d.succ_opt()?.and_hms_opt(0, 0, 0)?;
    beijing()
        .from_local_datetime(&next)
        .single()
        .map(|t| t.timestamp_millis())
}

/// The date `days` after `now_ms`, Beijing time.
pub fn date_after(now_ms: i64, days: i64) -> String {
    let now: DateTime<Utc> = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    (now.with_timezone(&beijing()) + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_end_at_midnight_beijing() {
        // 2024-11-20 24:00 +08:00 = 2024-11-20T16:00:00Z.
        assert_eq!(end_of_day_ms("2024-11-20"), Some(1_732_118_400_000));
        assert_eq!(end_of_day_ms("2024-02-30"), None);
    }

    #[test]
    fn demo_dates_count_in_beijing() {
        // 2026-11-22T17:00:00Z is already 2026-11-23 in Beijing.
        assert_eq!(date_after(1_795_366_800_000, 1), "2026-11-24");
    }
}
