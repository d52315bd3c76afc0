//! The calls this installation runs: the built-in seed calls and the calls an operator gave
//! the server (`shenbao serve --calls DIR`), each stored with its definition text, with a demo
//! deadline when started with `--demo`.

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
