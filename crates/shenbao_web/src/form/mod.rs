//! The official form in HTML, built from the call definition, and the way back from posted
//! form fields to answers JSON.
//!
//! Field names encode answer paths: `f.<id>` (repeated for multiple choice),
//! `f.<id>.start`/`.end` for date ranges, `f.<id>.<row>.<column>` for table cells,
//! `f.<id>[<i>].<column>` for repeating rows (with `n.<id>` holding the row count). The form
//! is built in Rust rather than in template macros because field kinds nest (rows of
//! choices, tables of numbers) and each needs its own names and problems.
//!
//! Here: the posted fields and their way back to answers; [`render`] builds the HTML
//! (`render.rs`).
//!
//! Must not: decide what is valid (the core's form engine does) or write to the store.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};
use shenbao_core::call::definition::FieldKind;
use shenbao_core::call::{Call, Target};
use shenbao_core::form::Problem;
use shenbao_core::text::clean;

/// Rows shown for an empty repeating-rows field.
const DEFAULT_ROWS: usize = 1;

/// The fields of a posted `application/x-www-form-urlencoded` body, repeated names kept, every
/// value [`clean`]ed (control characters dropped, CRLF as LF, NFC): what every handler that
/// reads free text from a raw form starts from.
pub fn posted_fields(raw: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), clean(&v)))
        .collect()
}

/// Posted form fields → answers JSON (only the fields of `target`'s form). Every value is
/// [`clean`]ed here too, whoever parsed the fields.
pub fn parse(call: &Call, target: &Target<'_>, pairs: &[(String, String)]) -> Json {
    let cleaned: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), clean(v))).collect();
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in &cleaned {
        by_name.entry(k).or_default().push(v.as_str());
    }
    let one = |name: &str| -> Option<String> {
        by_name
            .get(name)
            .and_then(|v| v.last())
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
    };
    let mut answers = Map::new();
    for f in call.sections_for(target).flat_map(|s| s.fields.iter()) {
        let base = format!("f.{}", f.id);
        let value = match f.kind {
            None | Some(FieldKind::Heading | FieldKind::Computed) => None,
            Some(FieldKind::MultiChoice) => {
                let v: Vec<Json> = by_name
                    .get(base.as_str())
                    .map(|v| {
                        v.iter()
                            .filter(|x| !x.is_empty())
                            .map(|x| Json::String(x.to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                (!v.is_empty()).then_some(Json::Array(v))
            }
            Some(FieldKind::DateRange) => {
                let mut m = Map::new();
                for part in ["start", "end"] {
                    if let Some(v) = one(&format!("{base}.{part}")) {
                        m.insert(part.into(), Json::String(v));
                    }
                }
                (!m.is_empty()).then_some(Json::Object(m))
            }
            Some(FieldKind::YearTable | FieldKind::Matrix) => {
                let cols: Vec<String> = match f.kind {
                    Some(FieldKind::YearTable) => f.years.iter().map(|y| y.to_string()).collect(),
                    _ => f.columns.iter().map(|c| c.id.clone()).collect(),
                };
                let mut m = Map::new();
                for r in &f.rows {
                    let mut row = Map::new();
                    for c in &cols {
                        if let Some(v) = one(&format!("{base}.{}.{c}", r.id)) {
                            row.insert(c.clone(), Json::String(v));
                        }
                    }
                    if !row.is_empty() {
                        m.insert(r.id.clone(), Json::Object(row));
                    }
                }
                (!m.is_empty()).then_some(Json::Object(m))
            }
            Some(FieldKind::Rows) => {
                let count = one(&format!("n.{}", f.id))
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0)
                    .min(f.max_rows.unwrap_or(200) as usize + 1);
                let mut rows = Vec::new();
                for i in 0..count {
                    let mut row = Map::new();
                    for c in &f.columns {
                        let name = format!("{base}[{i}].{}", c.id);
                        if c.kind == Some(FieldKind::MultiChoice) {
                            let v: Vec<Json> = by_name
                                .get(name.as_str())
                                .map(|v| v.iter().map(|x| Json::String(x.to_string())).collect())
                                .unwrap_or_default();
                            if !v.is_empty() {
                                row.insert(c.id.clone(), Json::Array(v));
                            }
                        } else if let Some(v) = one(&name) {
                            row.insert(c.id.clone(), Json::String(v));
                        }
                        if c.other.is_some()
                            && let Some(v) = one(&format!("{name}_other"))
                        {
                            row.insert(format!("{}_other", c.id), Json::String(v));
                        }
                    }
                    rows.push(Json::Object(row));
                }
                (!rows.is_empty()).then_some(Json::Array(rows))
            }
            Some(_) => one(&base).map(Json::String),
        };
        if let Some(v) = value {
            answers.insert(f.id.clone(), v);
        }
        if f.other.is_some()
            && let Some(v) = one(&format!("{base}_other"))
        {
            answers.insert(format!("{}_other", f.id), Json::String(v));
        }
    }
    Json::Object(answers)
}

/// What the form shows besides the answers.
pub struct FormView<'a> {
    /// Problems from the engine.
    pub problems: &'a [Problem],
    /// Fields hidden by current choices.
    pub hidden: &'a [String],
    /// Computed values, by field id.
    pub computed: &'a Map<String, Json>,
    /// Whether inputs may be changed.
    pub editable: bool,
    /// Extra rows requested (add row without JavaScript): field id → rows to show.
    pub rows_wanted: &'a BTreeMap<String, usize>,
}

/// Answers JSON → the fields a browser posts for them: the inverse of [`parse`], in the same
/// naming scheme (see the module documentation). Tests, the load benchmark and the crash test
/// fill forms with it.
pub fn fields_of(answers: &Json) -> Vec<(String, String)> {
    fn scalar(v: &Json) -> String {
        match v {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Bool(b) => b.to_string(),
            _ => String::new(),
        }
    }
    let mut out = Vec::new();
    let Some(answers) = answers.as_object() else {
        return out;
    };
    for (key, v) in answers {
        let base = format!("f.{key}");
        match v {
            Json::Array(items) if items.iter().all(Json::is_object) => {
                out.push((format!("n.{key}"), items.len().to_string()));
                for (i, row) in items.iter().filter_map(Json::as_object).enumerate() {
                    for (col, cell) in row {
                        match cell {
                            Json::Array(a) => {
                                for x in a {
                                    out.push((format!("{base}[{i}].{col}"), scalar(x)));
                                }
                            }
                            _ => out.push((format!("{base}[{i}].{col}"), scalar(cell))),
                        }
                    }
                }
            }
            Json::Array(items) => {
                for x in items {
                    out.push((base.clone(), scalar(x)));
                }
            }
            Json::Object(m) => {
                for (k, inner) in m {
                    match inner {
                        Json::Object(cells) => {
                            for (c, cell) in cells {
                                out.push((format!("{base}.{k}.{c}"), scalar(cell)));
                            }
                        }
                        _ => out.push((format!("{base}.{k}"), scalar(inner))),
                    }
                }
            }
            _ => out.push((base, scalar(v))),
        }
    }
    out
}

/// Removes row `index` of rows field `id` from posted answers.
pub fn remove_row(answers: &mut Json, id: &str, index: usize) {
    if let Some(rows) = answers.get_mut(id).and_then(Json::as_array_mut)
        && index < rows.len()
    {
        rows.remove(index);
    }
}

mod render;
#[cfg(test)]
mod tests;

pub use render::{render, render_plain};
