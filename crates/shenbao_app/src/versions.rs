//! What a new version of a call would do to the applications still being written: every
//! draft and every application returned for revision is checked with the version it was
//! started under and with the new one, and the problems only the new one finds are listed
//! (which application would now fail which rule), before the new version is published.
//!
//! Must not: write anything, or move an application to another version (an application keeps
//! the version it was started under for ever).

use std::collections::HashSet;

use serde_json::{Value as Json, json};
use shenbao_core::call::{Call, Target};
use shenbao_core::form::{self, Application, Problem};
use shenbao_store::{ApplicationRow, ApplicationStatus, Store, StoreError};

use crate::calls::CallRegistry;
use crate::exports::{attachment_metas, profile_json};

/// Applications read per query.
const PAGE: i64 = 500;

/// An application that the new version would find fault with.
#[derive(Debug, Clone)]
pub struct Affected {
    /// The application.
    pub application: ApplicationRow,
    /// Its organisation's name.
    pub organisation: String,
    /// The version it was started under.
    pub version: i64,
    /// What only the new version finds (errors and warnings), as the applicant would read it.
    pub problems: Vec<Problem>,
}

/// The effect of a new version on the applications still being written.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    /// How many drafts and returned applications were checked.
    pub checked: usize,
    /// Those the new version finds new problems with, by id.
    pub affected: Vec<Affected>,
}

/// Checks every draft and returned application of `new`'s call with its own version (from
/// `calls`) and with `new`; see the module documentation. Reads the applications a page at a
/// time.
pub async fn effect_of(
    store: &Store,
    calls: &CallRegistry,
    new: &Call,
) -> Result<Effect, StoreError> {
    let mut effect = Effect::default();
    for status in [ApplicationStatus::Draft, ApplicationStatus::Returned] {
        let mut after = 0;
        loop {
            let page = store
                .applications_of_call(new.id(), status, after, PAGE)
                .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id;
            for app in page {
                effect.checked += 1;
                if let Some(affected) = compare(store, calls, new, app).await? {
                    effect.affected.push(affected);
                }
            }
        }
    }
    effect.affected.sort_by_key(|a| a.application.id);
    Ok(effect)
}

async fn compare(
    store: &Store,
    calls: &CallRegistry,
    new: &Call,
    app: ApplicationRow,
) -> Result<Option<Affected>, StoreError> {
    let answers: Json = serde_json::from_str(&app.answers).unwrap_or_else(|_| json!({}));
    let metas = attachment_metas(&store.attachments(app.id).await?);
    let organisation = store.organisation(app.organisation_id).await?;
    let profile = organisation
        .as_ref()
        .map(profile_json)
        .unwrap_or_else(|| json!({}));
    let input = Application {
        target: Target {
            direction: &app.direction,
            subdirection: app.subdirection.as_deref(),
        },
        answers: &answers,
        profile: Some(&profile),
        files: Some(&metas),
    };
    let before: HashSet<(String, String)> = match calls.of(&app) {
        Some(old) => form::check(old.call, &input)
            .problems
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect(),
        None => HashSet::new(),
    };
    let problems: Vec<Problem> = form::check(new, &input)
        .problems
        .into_iter()
        .filter(|p| !before.contains(&(p.path.clone(), p.message.clone())))
        .collect();
    if problems.is_empty() {
        return Ok(None);
    }
    Ok(Some(Affected {
        version: app.call_version,
        organisation: organisation.map(|o| o.name).unwrap_or_default(),
        application: app,
        problems,
    }))
}
