//! Checks of one field's answer by kind, including tables and repeating rows.
//! Each check returns the answer as the engine understood it (numbers as numbers, codes
//! normalised) or `None` when it is missing or invalid.
//!
//! Tables and repeating rows are checked in `tables`, single answers in `scalars`.
//!
//! Must not: check files or eligibility rules (`super::files`, `super::rules`), or keep an
//! answer the definition has no place for.

mod scalars;
mod tables;

use crate::form::Code;
use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use super::{Problem, Severity};
use crate::call::Call;
use crate::call::definition::{Condition, FieldDef, FieldKind};
use crate::messages::answer as msg;
use scalars::check_scalar;
use tables::{check_grid, check_rows};

/// Deepest `show_if` chain followed; deeper chains count as hidden (and the definition
/// compiler keeps real ones short).
const MAX_CONDITION_DEPTH: usize = 16;

/// True for null, blank text, and empty lists or objects.
pub fn is_blank(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::String(s) => s.trim().is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.values().all(is_blank),
        _ => false,
    }
}

/// The option values selected in a choice answer.
pub fn selected(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.trim().to_string()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.trim().to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a top-level field is shown, following chains of `show_if`.
pub fn visible(
    call: &Call,
    in_form: &HashSet<&str>,
    answers: &Map<String, Json>,
    f: &FieldDef,
    depth: usize,
) -> bool {
    let section_cond = call.field(&f.id).and_then(|(s, _)| s.show_if.as_ref());
    [section_cond, f.show_if.as_ref()]
        .into_iter()
        .flatten()
        .all(|cond| holds(call, in_form, answers, cond, depth))
}

/// Whether a condition holds: its controlling field is visible and has a matching answer.
fn holds(
    call: &Call,
    in_form: &HashSet<&str>,
    answers: &Map<String, Json>,
    cond: &Condition,
    depth: usize,
) -> bool {
    if depth >= MAX_CONDITION_DEPTH || !in_form.contains(cond.field.as_str()) {
        return false;
    }
    let Some((_, ctrl)) = call.field(&cond.field) else {
        return false;
    };
    if !visible(call, in_form, answers, ctrl, depth + 1) {
        return false;
    }
    let chosen = selected(answers.get(&cond.field));
    cond.any_of.iter().any(|v| chosen.contains(v))
}

fn required_msg(f: &FieldDef, kind: FieldKind) -> String {
    match kind {
        FieldKind::SingleChoice | FieldKind::MultiChoice | FieldKind::Region => {
            msg::required_choice(&f.label)
        }
        _ => msg::required(&f.label),
    }
}

fn push(out: &mut Vec<Problem>, path: &str, code: Code, message: String) {
    out.push(Problem::new(path, code, Severity::Error, message));
}

/// Checks a top-level field's answer (which may be a table).
pub fn check_field(
    f: &FieldDef,
    value: Option<&Json>,
    answers: &Map<String, Json>,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    let kind = f.kind?;
    let required = f.required.unwrap_or(true);
    check_value(f, kind, value, required, answers, path, out)
}

fn check_value(
    f: &FieldDef,
    kind: FieldKind,
    value: Option<&Json>,
    required: bool,
    answers: &Map<String, Json>,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    if kind == FieldKind::Rows {
        // Rows count their own minimum, so an absent list is checked like an empty one.
        return check_rows(f, value, required, path, out);
    }
    let Some(v) = value.filter(|v| !is_blank(v)) else {
        if required {
            push(out, path, Code::Required, required_msg(f, kind));
        }
        return None;
    };
    match kind {
        FieldKind::YearTable => {
            let cols: Vec<String> = f.years.iter().map(|y| y.to_string()).collect();
            let cols: Vec<(&str, Option<&FieldDef>)> =
                cols.iter().map(|c| (c.as_str(), None)).collect();
            check_grid(f, &f.rows, &cols, v, required, path, out)
        }
        FieldKind::Matrix => {
            let cols: Vec<(&str, Option<&FieldDef>)> =
                f.columns.iter().map(|c| (c.id.as_str(), Some(c))).collect();
            check_grid(f, &f.rows, &cols, v, required, path, out)
        }
        _ => check_scalar(f, kind, v, answers, path, out),
    }
}
