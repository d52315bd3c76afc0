//! The calls this installation runs: the built-in seed calls and the calls an operator gave
//! the server (`shenbao serve --calls DIR`), each stored with its definition text at every
//! version, so that every server sharing the database runs the same calls and an application
//! is always read with the version it was started under; with every date moved when started
//! with `--demo`.

use chrono::NaiveDate;
use shenbao_core::call::definition::ReviewLevel;
use shenbao_core::call::{Call, CallState, builtin};
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use shenbao_store::{ApplicationRow, Store};

/// Days the earliest date of a call lies ahead of the server's start in demo mode.
pub const DEMO_DAYS: i64 = 30;

/// A call at one version and how it runs here.
#[derive(Debug)]
pub struct CallEntry {
    /// The compiled definition.
    pub call: &'static Call,
    /// Its version (1, 2, …, see `call_versions`).
    pub version: i64,
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
            version: 1,
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
                version: 1,
                shift_days: (target - earliest).num_days(),
                demo_deadline: None,
            },
            None => CallEntry {
                call,
                version: 1,
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

/// Every call of the installation, each at every stored version.
///
/// A compiled version lives as long as the process (it is leaked, so pages and actions hold
/// plain references): a province publishes a few dozen calls a year, each a few hundred
/// kilobytes compiled, and a version is never removed.
#[derive(Debug, Default)]
pub struct CallRegistry {
    demo: bool,
    started_ms: i64,
    loaded: RwLock<Loaded>,
}

#[derive(Debug, Default)]
struct Loaded {
    /// The version new applications start under, per call, in listing order: the built-in
    /// calls first, then the others by id.
    current: Vec<&'static CallEntry>,
    /// Every compiled version by (call, version).
    versions: HashMap<(String, i64), &'static CallEntry>,
    /// Where each call is in its life.
    states: HashMap<String, CallState>,
    /// Stored versions that do not compile here, tried once (not again at every refresh).
    broken: HashSet<(String, i64)>,
}

impl Loaded {
    fn state(&self, id: &str) -> CallState {
        self.states.get(id).copied().unwrap_or(CallState::Draft)
    }
}

impl CallRegistry {
    /// Loads the built-in calls into the store and returns every stored call; with `demo`,
    /// every call's dates move together so that its earliest lies [`DEMO_DAYS`] days after
    /// `now_ms` ([`CallEntry::demo`]).
    pub async fn load(store: &Store, demo: bool, now_ms: i64) -> anyhow::Result<CallRegistry> {
        CallRegistry::load_with(store, &[], demo, now_ms).await
    }

    /// Stores the built-in calls and then `extra` (compiled calls with their definition text,
    /// e.g. read from a folder of call files), each as a new version when its text changed,
    /// and returns every stored call at every version; `demo` as in [`CallRegistry::load`],
    /// for every call alike. Two calls with one id are refused (the front end that read the
    /// files names them first).
    pub async fn load_with(
        store: &Store,
        extra: &[(&'static Call, String)],
        demo: bool,
        now_ms: i64,
    ) -> anyhow::Result<CallRegistry> {
        let mut calls: Vec<(&'static Call, &str, &str)> = Vec::new();
        for (i, r) in builtin::all().enumerate() {
            let call = r.map_err(|e| anyhow::anyhow!("{e}"))?;
            calls.push((call, builtin::SOURCES[i].2, "builtin"));
        }
        calls.extend(
            extra
                .iter()
                .map(|(call, source)| (*call, source.as_str(), "folder")),
        );
        let registry = CallRegistry {
            demo,
            started_ms: now_ms,
            loaded: RwLock::default(),
        };
        let mut seen: Vec<&str> = Vec::new();
        for (call, source, origin) in calls {
            anyhow::ensure!(
                !seen.contains(&call.id()),
                "two calls have the id {}",
                call.id()
            );
            seen.push(call.id());
            let entry = registry.entry(call);
            // The stored demo deadline tells another process (the CLI) what the server runs.
            let demo_text = demo
                .then(|| entry.deadline())
                .flatten()
                .map(|d| d.format("%Y-%m-%d").to_string());
            // A call first stored without an applicants' deadline waits as a draft for its
            // owner to set one (湖南's attachments carry no dates); with one, it runs.
            let state = if entry.deadline().is_some() {
                CallState::Collecting
            } else {
                CallState::Draft
            };
            let version = store
                .store_call(
                    call.id(),
                    source,
                    origin,
                    None,
                    demo_text.as_deref(),
                    state,
                    now_ms,
                )
                .await?;
            registry.insert(CallEntry { version, ..entry });
        }
        registry.refresh(store).await?;
        Ok(registry)
    }

    /// Every call a server stored, at every version, without storing anything (for a command
    /// beside a server).
    pub async fn stored(store: &Store) -> anyhow::Result<CallRegistry> {
        let registry = CallRegistry::default();
        registry.refresh(store).await?;
        Ok(registry)
    }

    /// `call` as it runs here (demo shift or not), at version 1 until stored.
    fn entry(&self, call: &'static Call) -> CallEntry {
        if self.demo {
            CallEntry::demo(call, self.started_ms)
        } else {
            CallEntry::new(call)
        }
    }

    fn insert(&self, entry: CallEntry) {
        let key = (entry.call.id().to_string(), entry.version);
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        loaded
            .versions
            .entry(key)
            .or_insert_with(|| Box::leak(Box::new(entry)));
    }

    /// Reads what another server (or an owner's page) stored since: versions not compiled
    /// here yet, and which version of each call is current. A stored version that no longer
    /// compiles (a format change since it was stored) is logged and skipped: its applications
    /// are then shown with the call's current version.
    pub async fn refresh(&self, store: &Store) -> anyhow::Result<()> {
        for (id, version) in store.call_version_keys().await? {
            let key = (id.clone(), version);
            let known = {
                let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
                loaded.versions.contains_key(&key) || loaded.broken.contains(&key)
            };
            if known {
                continue;
            }
            let Some(row) = store.call_version(&id, version).await? else {
                continue;
            };
            match shenbao_core::call::load_str(&format!("{id} v{version}"), &row.source) {
                Ok(call) => {
                    let call: &'static Call = Box::leak(Box::new(call));
                    self.insert(CallEntry {
                        version,
                        ..self.entry(call)
                    });
                }
                Err(e) => {
                    tracing::warn!(call = %id, version, "a stored call version does not compile: {e}");
                    self.loaded
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .broken
                        .insert(key);
                }
            }
        }
        let rows = store.current_call_versions().await?;
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        loaded.states = rows
            .iter()
            .map(|(id, _, state)| (id.clone(), *state))
            .collect();
        let mut current: Vec<&'static CallEntry> = rows
            .into_iter()
            .filter_map(|(id, version, _)| loaded.versions.get(&(id, version)).copied())
            .collect();
        let rank = |id: &str| {
            builtin::SOURCES
                .iter()
                .position(|s| s.0 == id)
                .unwrap_or(builtin::SOURCES.len())
        };
        current.sort_by(|a, b| {
            (rank(a.call.id()), a.call.id()).cmp(&(rank(b.call.id()), b.call.id()))
        });
        loaded.current = current;
        Ok(())
    }

    /// Every published call (not a draft) at the version new applications start under, in
    /// listing order.
    pub fn all(&self) -> Vec<&'static CallEntry> {
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        loaded
            .current
            .iter()
            .filter(|e| loaded.state(e.call.id()).is_public())
            .copied()
            .collect()
    }

    /// Every call, drafts included (for their owners), in listing order.
    pub fn all_with_drafts(&self) -> Vec<&'static CallEntry> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .current
            .clone()
    }

    /// A published call (not a draft) by id, at the version new applications start under.
    pub fn get(&self, id: &str) -> Option<&'static CallEntry> {
        self.get_with_drafts(id)
            .filter(|_| self.state(id).is_public())
    }

    /// A call by id, drafts included (for its owners).
    pub fn get_with_drafts(&self, id: &str) -> Option<&'static CallEntry> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .current
            .iter()
            .find(|e| e.call.id() == id)
            .copied()
    }

    /// Where call `id` is in its life (as last read from the database).
    pub fn state(&self, id: &str) -> CallState {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .state(id)
    }

    /// Version `version` of call `id`, if stored and compiled.
    pub fn version(&self, id: &str, version: i64) -> Option<&'static CallEntry> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .versions
            .get(&(id.to_string(), version))
            .copied()
    }

    /// The call of application `app` at the version it was started under (the current one
    /// when that version cannot be compiled any more, see [`CallRegistry::refresh`]).
    pub fn of(&self, app: &ApplicationRow) -> Option<&'static CallEntry> {
        self.version(&app.call_id, app.call_version)
            .or_else(|| self.get(&app.call_id))
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

/// Call `id` at `version` (its current version when `None`), as a server stored it; the
/// built-in call when no server stored it yet; `None` when neither exists.
pub async fn stored_call(
    store: &Store,
    id: &str,
    version: Option<i64>,
) -> anyhow::Result<Option<StoredCall>> {
    let source = match version {
        Some(v) => store.call_version(id, v).await?.map(|row| row.source),
        // A server stores a few dozen calls at most: reading them all is one small query.
        None => store
            .calls()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .map(|row| row.source),
    };
    if let Some(source) = source {
        let call = shenbao_core::call::load_str(id, &source).map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(Some(StoredCall::Loaded(Box::new(call))));
    }
    match builtin::get(id) {
        Some(built_in) => {
            let call = built_in.map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(Some(StoredCall::BuiltIn(call)))
        }
        None => Ok(None),
    }
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
