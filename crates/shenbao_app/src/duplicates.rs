//! The duplicate check (疑似重复申报) before a bureau recommends: the other applications on
//! this server by the same organisation (USCC), with the same project name (normalised), or
//! with a narrative answer whose fingerprint is close (MinHash over jieba-rs word bigrams),
//! in any call, direction or year, each with its evidence: which application, which answer,
//! how similar.
//!
//! What is compared is written at each submission ([`prints`], stored by
//! `Tx::set_fingerprints`), so a lookup reads a bounded number of indexed rows whatever the
//! number of applications.
//!
//! Must not: word anything for users (the front ends do).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};
use shenbao_core::call::Target;
use shenbao_core::call::definition::FieldKind;
use shenbao_core::exclusion::normalise_project;
use shenbao_core::near_duplicate::{Fingerprint, THRESHOLD, fingerprint, similarity};
use shenbao_store::{ApplicationRow, OtherApplicationRow, Store, StoreError};

use crate::calls::{CallEntry, CallRegistry};

/// What the duplicate check keeps of a submission: the project name normalised, and the
/// fingerprint of each long narrative answer (top-level `textarea` fields) by field id.
pub fn prints(
    entry: &CallEntry,
    target: &Target<'_>,
    title: Option<&str>,
    answers: &Map<String, Json>,
) -> (Option<String>, Vec<(String, Fingerprint)>) {
    let title_key = title.map(normalise_project).filter(|k| !k.is_empty());
    let prints = entry
        .call
        .sections_for(target)
        .flat_map(|s| s.fields.iter())
        .filter(|f| f.kind == Some(FieldKind::Textarea))
        .filter_map(|f| {
            let text = answers.get(&f.id)?.as_str()?;
            Some((f.id.clone(), fingerprint(text)?))
        })
        .collect();
    (title_key, prints)
}

/// A close narrative answer of another application.
#[derive(Debug, Clone, PartialEq)]
pub struct CloseSection {
    /// The answer's label in the application checked.
    pub label: String,
    /// The close answer's label in the other application.
    pub other_label: String,
    /// The estimated similarity, 0 to 1.
    pub similarity: f64,
}

/// Another application that may duplicate the one checked, with the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The other application.
    pub other: OtherApplicationRow,
    /// Its call's title (its id when this server no longer has the call).
    pub call_title: String,
    /// Its call's year.
    pub year: Option<i32>,
    /// Its direction's name.
    pub direction: String,
    /// By an organisation with the same USCC.
    pub same_organisation: bool,
    /// With the same project name, once normalised.
    pub same_title: bool,
    /// Its narrative answers close to the checked one's, closest first.
    pub sections: Vec<CloseSection>,
}

impl Flag {
    /// Whether it is a suspected duplicate (the same project name or a close answer), not
    /// only another application of the same organisation.
    pub fn suspected(&self) -> bool {
        self.same_title || !self.sections.is_empty()
    }
}

fn label(calls: &CallRegistry, call_id: &str, field: &str) -> String {
    calls
        .get_with_drafts(call_id)
        .and_then(|e| e.call.field(field))
        .map_or_else(|| field.to_string(), |(_, f)| f.label.clone())
}

/// The duplicate check of `app`: suspected duplicates first (closest first), then the other
/// applications of the same organisation.
pub async fn check(
    store: &Store,
    calls: &CallRegistry,
    app: &ApplicationRow,
    uscc: &str,
) -> Result<Vec<Flag>, StoreError> {
    let own = store.fingerprints_of(app.id).await?;
    let mut close: BTreeMap<i64, Vec<CloseSection>> = BTreeMap::new();
    for c in store.fingerprint_candidates(app.id, &own).await? {
        for (field, print) in &own {
            let s = similarity(print, &c.fingerprint);
            if s >= THRESHOLD {
                // The other answer's field id for now; its label below, once its call is known.
                close
                    .entry(c.application_id)
                    .or_default()
                    .push(CloseSection {
                        label: label(calls, &app.call_id, field),
                        other_label: c.field.clone(),
                        similarity: s,
                    });
            }
        }
    }
    let mut others: BTreeMap<i64, OtherApplicationRow> = BTreeMap::new();
    let same_org = store.applications_with_uscc(app.id, uscc).await?;
    let title_key = app
        .title
        .as_deref()
        .map(normalise_project)
        .filter(|k| !k.is_empty());
    let same_title = match &title_key {
        Some(key) => store.applications_with_title(app.id, key).await?,
        None => Vec::new(),
    };
    let close_ids: Vec<i64> = close.keys().copied().collect();
    for row in store
        .other_applications(&close_ids)
        .await?
        .into_iter()
        .chain(same_org.iter().cloned())
        .chain(same_title.iter().cloned())
    {
        others.insert(row.id, row);
    }
    let mut flags: Vec<Flag> = others
        .into_values()
        .map(|other| {
            let entry = calls.get_with_drafts(&other.call_id);
            let mut sections = close.remove(&other.id).unwrap_or_default();
            for s in &mut sections {
                s.other_label = label(calls, &other.call_id, &s.other_label);
            }
            sections.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
            Flag {
                call_title: entry
                    .map_or_else(|| other.call_id.clone(), |e| e.call.def().title.clone()),
                year: entry.map(|e| e.call.def().year),
                direction: entry
                    .and_then(|e| e.call.direction(&other.direction))
                    .map_or_else(|| other.direction.clone(), |d| d.name.clone()),
                same_organisation: other.organisation_uscc == uscc,
                same_title: title_key.as_deref().is_some_and(|k| {
                    other.title.as_deref().map(normalise_project).as_deref() == Some(k)
                }),
                sections,
                other,
            }
        })
        .collect();
    let best = |f: &Flag| f.sections.first().map_or(0.0, |s| s.similarity);
    flags.sort_by(|a, b| {
        b.suspected()
            .cmp(&a.suspected())
            .then(b.same_title.cmp(&a.same_title))
            .then(best(b).total_cmp(&best(a)))
            .then(b.other.id.cmp(&a.other.id))
    });
    Ok(flags)
}
