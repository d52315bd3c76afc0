//! The calls this installation runs: the built-in seed calls and the calls an operator gave
//! the server (`shenbao serve --calls DIR`), each stored with its definition text, with a demo
//! deadline when started with `--demo`.

use chrono::NaiveDate;
use shenbao_core::call::definition::ReviewLevel;
use shenbao_core::call::{Call, builtin};
use shenbao_store::Store;

/// Days the earliest date of a call lies ahead of the server's start in demo mode.
pub const DEMO_DAYS: i64 = 30;

/// A call and how it runs here.
#[derive(Debug)]
pub struct CallEntry {
    /// The compiled definition.
    pub call: &'static Call,
    /// Days every date of the call is moved by (demo mode; 0 otherwise), so that the dates
    /// keep the order and the distances the notice gives them.
    pub shift_days: i64,
    /// In demo mode, the applicants' deadline of a call that states no date at all.
    pub demo_deadline: Option<NaiveDate>,
}

impl CallEntry {
    /// A call run on its own dates.
    pub fn new(call: &'static Call) -> CallEntry {
        CallEntry {
            call,
            shift_days: 0,
            demo_deadline: None,
        }
    }

    /// A call run in demo mode at `now_ms`: its earliest date moves to [`DEMO_DAYS`] days
    /// after `now_ms` and every other date by as many days; a call without dates gets an
    /// applicants' deadline that far ahead.
    pub fn demo(call: &'static Call, now_ms: i64) -> CallEntry {
        let target = date_after(now_ms, DEMO_DAYS);
        match call.dates().min() {
            Some(earliest) => CallEntry {
                call,
                shift_days: (target - earliest).num_days(),
                demo_deadline: None,
            },
            None => CallEntry {
                call,
                shift_days: 0,
                demo_deadline: Some(target),
            },
        }
    }

    /// `day` of the call's definition as it runs here.
    fn shifted(&self, day: NaiveDate) -> NaiveDate {
        day + chrono::Duration::days(self.shift_days)
    }

    /// The applicants' deadline of the call as a whole, for listings: the last day any
    /// applicant may submit when no unit sets an earlier one ([`Call::applicant_deadline`]).
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.call
            .applicant_deadline()
            .map(|d| self.shifted(d))
            .or(self.demo_deadline)
    }

    /// The applicants' deadline of `direction` for an applicant whose receiving unit set
    /// `unit_deadline` (its own earlier cut-off), else the call's for the direction.
    pub fn applicant_deadline(
        &self,
        direction: &str,
        unit_deadline: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        unit_deadline.or_else(|| {
            self.call
                .applicant_deadline_for(direction)
                .map(|d| self.shifted(d))
                .or(self.demo_deadline)
        })
    }

    /// Whether an applicant of `direction` whose unit set `unit_deadline` may still submit at
    /// `now_ms`: until the end of the deadline day, Beijing time; always without one.
    pub fn applicant_open(
        &self,
        direction: &str,
        unit_deadline: Option<NaiveDate>,
        now_ms: i64,
    ) -> bool {
        open_at(self.applicant_deadline(direction, unit_deadline), now_ms)
    }

    /// The deadline of a review level in force, if it has one.
    pub fn level_deadline(&self, level: &ReviewLevel) -> Option<NaiveDate> {
        self.call.level_deadline(&level.id).map(|d| self.shifted(d))
    }

    /// Whether `level` may still act (receive submissions, decide, forward) at `now_ms`: until
    /// the end of its deadline day, Beijing time; always when it has none.
    pub fn level_open(&self, level: &ReviewLevel, now_ms: i64) -> bool {
        open_at(self.level_deadline(level), now_ms)
    }

    /// Whether the call as a whole still takes submissions at `now_ms` ([`CallEntry::deadline`]).
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
    /// dates move together so that its earliest lies [`DEMO_DAYS`] days after `now_ms`
    /// ([`CallEntry::demo`]).
    pub async fn load(store: &Store, demo: bool, now_ms: i64) -> anyhow::Result<CallRegistry> {
        CallRegistry::load_with(store, &[], demo, now_ms).await
    }

    /// Loads the built-in calls and then `extra` (compiled calls with their definition text,
    /// e.g. read from a folder of call files) into the store and returns them all; `demo` as
    /// in [`CallRegistry::load`], for every call alike. Two calls with one id are refused (the
    /// front end that read the files names them first).
    pub async fn load_with(
        store: &Store,
        extra: &[(&'static Call, String)],
        demo: bool,
        now_ms: i64,
    ) -> anyhow::Result<CallRegistry> {
        let mut calls: Vec<(&'static Call, &str)> = Vec::new();
        for (i, r) in builtin::all().enumerate() {
            let call = r.map_err(|e| anyhow::anyhow!("{e}"))?;
            calls.push((call, builtin::SOURCES[i].2));
        }
        calls.extend(extra.iter().map(|(call, source)| (*call, source.as_str())));
        let mut entries: Vec<CallEntry> = Vec::with_capacity(calls.len());
        for (call, source) in calls {
            anyhow::ensure!(
                entries.iter().all(|e| e.call.id() != call.id()),
                "two calls have the id {}",
                call.id()
            );
            let entry = if demo {
                CallEntry::demo(call, now_ms)
            } else {
                CallEntry::new(call)
            };
            // The stored demo deadline tells another process (the CLI) what the server runs.
            let demo_text = demo
                .then(|| entry.deadline())
                .flatten()
                .map(|d| d.format("%Y-%m-%d").to_string());
            store
                .upsert_call(call.id(), source, demo_text.as_deref(), now_ms)
                .await?;
            entries.push(entry);
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

/// A call as a command beside a server finds it: built in, or compiled from the definition
/// text the server stored when it loaded the call (`--calls`).
#[derive(Debug)]
pub enum StoredCall {
    /// A built-in seed call.
    BuiltIn(&'static Call),
    /// A call compiled from its stored text.
    Loaded(Box<Call>),
}

impl std::ops::Deref for StoredCall {
    type Target = Call;
    fn deref(&self) -> &Call {
        match self {
            StoredCall::BuiltIn(call) => call,
            StoredCall::Loaded(call) => call,
        }
    }
}

/// The call `id`: a built-in one, or the one a server stored; `None` when neither exists.
pub async fn stored_call(store: &Store, id: &str) -> anyhow::Result<Option<StoredCall>> {
    if let Some(built_in) = builtin::get(id) {
        let call = built_in.map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(Some(StoredCall::BuiltIn(call)));
    }
    // A server stores a few dozen calls at most: reading them all is one small query.
    let Some(row) = store.calls().await?.into_iter().find(|c| c.id == id) else {
        return Ok(None);
    };
    let call = shenbao_core::call::load_str(id, &row.source).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(StoredCall::Loaded(Box::new(call))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str) -> &'static Call {
        builtin::get(id).expect("seed").expect("compiles")
    }

    fn level<'c>(c: &'c Call, id: &str) -> &'c ReviewLevel {
        c.def()
            .review_levels
            .iter()
            .find(|l| l.id == id)
            .expect("level")
    }

    /// 2026-12-07 12:00 Beijing.
    const NOW: i64 = 1_796_616_000_000;

    #[test]
    fn demo_mode_moves_every_date_of_a_call_by_the_same_days() {
        // A call whose applicants are due before its city level: move the seed's dates apart.
        let source = builtin::SOURCES
            .iter()
            .find(|s| s.0 == "sd-2024-llm-cases")
            .expect("seed")
            .2
            .replace("[deadlines]\n", "[deadlines]\napplicant = \"2024-11-10\"\n");
        let c: &'static Call = Box::leak(Box::new(
            shenbao_core::call::load_str("x", &source).expect("compiles"),
        ));
        let e = CallEntry::demo(c, NOW);
        let applicants = e.deadline().expect("applicants");
        let city = e.level_deadline(level(c, "city")).expect("city");
        assert_eq!(applicants, date_after(NOW, DEMO_DAYS));
        assert_eq!((city - applicants).num_days(), 10, "the ten days stay");
        assert_eq!(e.applicant_deadline("case", None), Some(applicants));
        assert!(e.is_open(NOW) && e.level_open(level(c, "city"), NOW));
    }

    #[test]
    fn without_a_stated_date_applicants_work_to_their_first_level() {
        let c = call("qz-2024-ai-industry");
        let e = CallEntry::new(c);
        let june_16 = NaiveDate::from_ymd_opt(2024, 6, 16);
        assert_eq!(e.applicant_deadline("compute_service", None), june_16);
        assert_eq!(e.applicant_deadline("typical_scenario", None), june_16);
        // A unit's own earlier date wins.
        let june_1 = NaiveDate::from_ymd_opt(2024, 6, 1);
        assert_eq!(e.applicant_deadline("compute_service", june_1), june_1);
        // The city level of 泉州 has no date of its own in the notice.
        assert_eq!(e.level_deadline(level(c, "city")), None);
    }

    #[test]
    fn a_call_without_any_date_gets_a_demo_deadline_and_stays_open_otherwise() {
        let c = call("hn-2025-ai");
        assert_eq!(CallEntry::new(c).deadline(), None);
        assert!(CallEntry::new(c).is_open(i64::MAX / 2));
        let e = CallEntry::demo(c, NOW);
        assert_eq!(e.deadline(), Some(date_after(NOW, DEMO_DAYS)));
        assert_eq!(e.shift_days, 0);
    }
}
