//! What changed between two versions of an application's answers, for reviewers who see a
//! resubmitted application (退回修改后重新提交).
//!
//! Changes are listed in form order, one per field, table cell or row cell, each with a
//! Chinese label and both values as the applicant reads them: choices as their labels, the
//! 其他 text after its option, regions by name, numbers as typed with their unit, lists joined
//! with 、 and nothing as （空）. Values are compared as displayed, so `"12"` and `12`, or text
//! differing only in surrounding spaces, are no change.
//!
//! A field hidden by the choices of a version counts as empty in that version (its answer is
//! ignored there). Computed fields are derived by the form engine for each version and listed
//! only when their value changed. An answer whose shape does not fit its field is shown as
//! compact JSON. Repeating rows (blank rows skipped) are aligned by their displayed cells with
//! a sequence diff (the `similar` crate), so a row removed or inserted in the middle is listed
//! as removed (原第n行（已删除）) or added (第n行（新增）) and the rows after it, unchanged, are not
//! listed; rows changed in place are compared cell by cell.
//!
//! The comparison is hand-written rather than a generic JSON diff: a generic diff knows
//! neither the form order nor the labels, and would report `"12"` → `12` as a change.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::call::definition::{FieldDef, FieldKind};
use crate::call::{Call, Target};
use crate::form::fields::{is_blank, visible};
use crate::messages::answer::fmt_num;
use crate::messages::diff as msg;

/// One changed answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Where, in the validation problems' syntax: `field`, `table.row.column`,
    /// `rows[1].column` (rows numbered from 0).
    pub path: String,
    /// What, in Chinese: the field's label, and for tables the row and column, e.g.
    /// `主要经济指标 · 2023年 · 营业收入`.
    pub label: String,
    /// The earlier value as displayed, `（空）` when empty.
    pub before: String,
    /// The later value as displayed, `（空）` when empty.
    pub after: String,
}

/// The changes from `before` to `after` (answers as stored, keyed by field id) in the form of
/// `target`, in form order. Identical answers give no changes.
pub fn diff_answers(call: &Call, target: &Target<'_>, before: &Json, after: &Json) -> Vec<Change> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let form: Vec<&FieldDef> = call
        .sections_for(target)
        .flat_map(|s| s.fields.iter())
        .collect();
    let in_form: HashSet<&str> = form.iter().map(|f| f.id.as_str()).collect();
    let computed = form.iter().any(|f| f.kind == Some(FieldKind::Computed));
    // Computed values as the engine derives them, only when the form has any.
    let derived = |answers: &Map<String, Json>| {
        if computed {
            crate::form::validate(call, *target, &Json::Object(answers.clone())).answers
        } else {
            Map::new()
        }
    };
    let (derived_before, derived_after) = (derived(before), derived(after));

    let mut out = Vec::new();
    for f in form {
        let Some(kind) = f.kind else { continue };
        let side = |answers| shown_answer(call, &in_form, answers, f);
        let (b, a) = (side(before), side(after));
        let mut d = Differ {
            out: &mut out,
            path: f.id.clone(),
            label: f.label.clone(),
        };
        match kind {
            FieldKind::Heading => {}
            FieldKind::Computed => d.push(
                computed_text(f, derived_before.get(&f.id)),
                computed_text(f, derived_after.get(&f.id)),
            ),
            FieldKind::YearTable if grid_shaped(b) && grid_shaped(a) => {
                diff_year_table(&mut d, f, b, a)
            }
            FieldKind::Matrix if grid_shaped(b) && grid_shaped(a) => diff_matrix(&mut d, f, b, a),
            FieldKind::Rows if rows_shaped(b) && rows_shaped(a) => diff_rows(&mut d, f, b, a),
            FieldKind::YearTable | FieldKind::Matrix | FieldKind::Rows => {
                d.push(compact(b), compact(a));
            }
            _ => d.push(display(f, kind, b, before), display(f, kind, a, after)),
        }
    }
    out
}

/// The cells of a year table, row by row, year by year.
fn diff_year_table(d: &mut Differ<'_>, f: &FieldDef, b: Option<&Json>, a: Option<&Json>) {
    let empty = Map::new();
    for row in &f.rows {
        for year in &f.years {
            let year = year.to_string();
            let kind = row.kind.unwrap_or(FieldKind::Text);
            d.at(
                &format!(".{}.{year}", row.id),
                &[&msg::year(&year), &row.label],
            )
            .push(
                display(row, kind, cell(b, &row.id, &year), &empty),
                display(row, kind, cell(a, &row.id, &year), &empty),
            );
        }
    }
}

/// The cells of a matrix, row by row; a cell takes its column's kind, else its row's.
fn diff_matrix(d: &mut Differ<'_>, f: &FieldDef, b: Option<&Json>, a: Option<&Json>) {
    let empty = Map::new();
    for row in &f.rows {
        for col in &f.columns {
            let Some(kind) = col.kind.or(row.kind) else {
                continue;
            };
            let mut def = if col.kind.is_some() {
                col.clone()
            } else {
                row.clone()
            };
            def.unit = col.unit.clone().or_else(|| row.unit.clone());
            d.at(
                &format!(".{}.{}", row.id, col.id),
                &[&row.label, &col.label],
            )
            .push(
                display(&def, kind, cell(b, &row.id, &col.id), &empty),
                display(&def, kind, cell(a, &row.id, &col.id), &empty),
            );
        }
    }
}

/// Repeating rows, aligned by their displayed cells: rows changed in place cell by cell, rows
/// removed or added in full.
fn diff_rows(d: &mut Differ<'_>, f: &FieldDef, b: Option<&Json>, a: Option<&Json>) {
    let cells = |rows: Vec<&Map<String, Json>>| -> Vec<Vec<String>> {
        rows.into_iter().map(|row| row_cells(f, row)).collect()
    };
    let (rb, ra) = (cells(rows_of(b)), cells(rows_of(a)));
    let none = vec![String::new(); f.columns.len()];
    let mut row = |path_index: usize, label: String, x: &[String], y: &[String]| {
        for (k, col) in f.columns.iter().enumerate() {
            d.at(&format!("[{path_index}].{}", col.id), &[&label, &col.label])
                .push(x[k].clone(), y[k].clone());
        }
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &rb, &ra) {
        let (_, old, new) = op.as_tag_tuple();
        // Within a replaced block rows are changed in place, pairwise; what is
        // left over on either side was removed or added.
        let paired = old.len().min(new.len());
        if !matches!(op, similar::DiffOp::Equal { .. }) {
            for k in 0..paired {
                let (i, j) = (old.start + k, new.start + k);
                row(j, msg::row(j + 1), &rb[i], &ra[j]);
            }
            let removed = old.start + paired..old.end;
            for (i, cells) in removed.clone().zip(&rb[removed]) {
                row(i, msg::row_removed(i + 1), cells, &none);
            }
            let added = new.start + paired..new.end;
            for (j, cells) in added.clone().zip(&ra[added]) {
                row(j, msg::row_added(j + 1), &none, cells);
            }
        }
    }
}

/// Collects changes under one field's path and label.
struct Differ<'o> {
    out: &'o mut Vec<Change>,
    path: String,
    label: String,
}

impl Differ<'_> {
    /// A differ for a part of this field: `suffix` appended to the path, `parts` to the label.
    fn at(&mut self, suffix: &str, parts: &[&str]) -> Differ<'_> {
        let mut label = self.label.clone();
        for p in parts {
            label.push_str(msg::LABEL_SEPARATOR);
            label.push_str(p);
        }
        Differ {
            out: self.out,
            path: format!("{}{suffix}", self.path),
            label,
        }
    }

    /// Records a change when the displayed values differ.
    fn push(&mut self, before: String, after: String) {
        if before != after {
            let shown = |s: String| {
                if s.is_empty() {
                    msg::EMPTY.to_string()
                } else {
                    s
                }
            };
            self.out.push(Change {
                path: self.path.clone(),
                label: self.label.clone(),
                before: shown(before),
                after: shown(after),
            });
        }
    }
}

/// A top-level field's answer, or `None` when the field is hidden by these answers' choices.
fn shown_answer<'a>(
    call: &Call,
    in_form: &HashSet<&str>,
    answers: &'a Map<String, Json>,
    f: &FieldDef,
) -> Option<&'a Json> {
    if visible(call, in_form, answers, f, 0) {
        answers.get(&f.id)
    } else {
        None
    }
}

/// True when a table answer is absent or an object, so it can be compared cell by cell.
fn grid_shaped(v: Option<&Json>) -> bool {
    v.is_none_or(|v| v.is_object() || is_blank(v))
}

/// True when a rows answer is absent or a list of objects.
fn rows_shaped(v: Option<&Json>) -> bool {
    v.is_none_or(|v| match v {
        Json::Array(items) => items.iter().all(|r| r.is_object() || is_blank(r)),
        other => is_blank(other),
    })
}

/// The non-blank rows of a rows answer.
fn rows_of(v: Option<&Json>) -> Vec<&Map<String, Json>> {
    v.and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|r| !is_blank(r))
                .filter_map(Json::as_object)
                .collect()
        })
        .unwrap_or_default()
}

fn cell<'v>(table: Option<&'v Json>, row: &str, col: &str) -> Option<&'v Json> {
    table.and_then(|t| t.get(row)).and_then(|r| r.get(col))
}

/// The displayed cells of one repeating row, a string per column of `f` (empty where the
/// column has no kind or is hidden by the row's choices).
fn row_cells(f: &FieldDef, row: &Map<String, Json>) -> Vec<String> {
    f.columns
        .iter()
        .map(|col| match col.kind {
            Some(kind) if column_shown(col, row) => display(col, kind, row.get(&col.id), row),
            _ => String::new(),
        })
        .collect()
}

/// Whether a rows column is shown in a row, by its `show_if` on a sibling column.
fn column_shown(col: &FieldDef, row: &Map<String, Json>) -> bool {
    col.show_if.as_ref().is_none_or(|c| {
        let chosen = crate::form::fields::selected(row.get(&c.field));
        c.any_of.iter().any(|v| chosen.contains(v))
    })
}

/// Compact JSON, or "" for nothing.
fn compact(v: Option<&Json>) -> String {
    match v {
        Some(v) if !is_blank(v) => serde_json::to_string(v).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A number as typed, with the field's unit.
fn number(f: &FieldDef, v: &Json) -> Option<String> {
    let text = match v {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_string(),
        _ => return None,
    };
    Some(format!("{text}{}", f.unit.as_deref().unwrap_or("")))
}

/// A computed value with its display decimals and unit. Public for documents that print
/// answers the way this module shows them.
pub fn computed_text(f: &FieldDef, v: Option<&Json>) -> String {
    match v {
        Some(Json::Number(n)) => {
            let x = n.as_f64().unwrap_or_default();
            let text = match f.decimals {
                Some(d) => format!("{x:.*}", d as usize),
                None => fmt_num(x),
            };
            format!("{text}{}", f.unit.as_deref().unwrap_or(""))
        }
        Some(Json::String(s)) => s.clone(),
        other => compact(other),
    }
}

/// A selected option, with its 其他 text from `scope` (`<id>_other`) when it is the 其他 option.
fn option_text(f: &FieldDef, value: &str, scope: &Map<String, Json>) -> String {
    let value = value.trim();
    let other_text = scope
        .get(&format!("{}_other", f.id))
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match (&f.other, other_text) {
        (Some(o), Some(t)) if o == value => msg::other(value, t),
        _ => value.to_string(),
    }
}

/// A scalar answer as the applicant reads it; "" for nothing. `scope` holds the `_other`
/// texts of choices (the answers, or the row for a rows column). Public for documents that
/// print answers the way this module shows them.
pub fn display(
    f: &FieldDef,
    kind: FieldKind,
    v: Option<&Json>,
    scope: &Map<String, Json>,
) -> String {
    use FieldKind as K;
    let Some(v) = v.filter(|v| !is_blank(v)) else {
        return String::new();
    };
    let shown = match (kind, v) {
        (
            K::Text
            | K::Textarea
            | K::Date
            | K::Month
            | K::Uscc
            | K::Mobile
            | K::Landline
            | K::Phone
            | K::Email
            | K::Url
            | K::BankAccount,
            Json::String(s),
        ) => Some(s.trim().to_string()),
        (
            K::Text
            | K::Textarea
            | K::Mobile
            | K::Landline
            | K::Phone
            | K::BankAccount
            | K::Integer
            | K::Decimal,
            Json::Number(_),
        )
        | (K::Integer | K::Decimal, Json::String(_)) => number(f, v),
        (K::DateRange, Json::Object(o)) => {
            let part = |k: &str| {
                o.get(k)
                    .and_then(Json::as_str)
                    .map(str::trim)
                    .unwrap_or(msg::EMPTY)
                    .to_string()
            };
            Some(msg::date_range(&part("start"), &part("end")))
        }
        (K::SingleChoice | K::MultiChoice, Json::String(s)) => Some(option_text(f, s, scope)),
        (K::MultiChoice, Json::Array(items)) if items.iter().all(Json::is_string) => Some(
            items
                .iter()
                .filter_map(Json::as_str)
                .map(|s| option_text(f, s, scope))
                .collect::<Vec<_>>()
                .join(msg::LIST_SEPARATOR),
        ),
        (K::Region, Json::String(code)) => {
            Some(crate::region::full_name(code.trim()).unwrap_or_else(|| code.trim().to_string()))
        }
        _ => None,
    };
    shown.unwrap_or_else(|| compact(Some(v)))
}

/// One answered field as text, for a table with a column per field (the queue's export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldText {
    /// The top-level field's id.
    pub field: String,
    /// The answer as the applicant reads it: a value alone; for a table one line per filled
    /// cell (`2023年 · 营业收入：1200万元`); for repeating rows one line per row
    /// (`1. 名称：甲；职务：乙`).
    pub text: String,
}

/// Every answered top-level field of `target`'s form, in form order, displayed as
/// [`diff_answers`] displays values (choices by label, units, hidden fields left out, computed
/// fields derived). Fields without an answer are not listed.
pub fn field_texts(call: &Call, target: &Target<'_>, answers: &Json) -> Vec<FieldText> {
    let empty = Map::new();
    let object = answers.as_object().unwrap_or(&empty);
    // Every cell that differs from an empty form is every cell that is answered.
    let cells = diff_answers(call, target, &Json::Object(Map::new()), answers);
    let form: Vec<&FieldDef> = call
        .sections_for(target)
        .flat_map(|s| s.fields.iter())
        .collect();
    let in_form: HashSet<&str> = form.iter().map(|f| f.id.as_str()).collect();
    let mut out = Vec::new();
    for f in form {
        let text = if f.kind == Some(FieldKind::Rows)
            && rows_shaped(shown_answer(call, &in_form, object, f))
        {
            // Rows are numbered as they stand, not as additions to an empty form.
            rows_of(shown_answer(call, &in_form, object, f))
                .into_iter()
                .map(|row| row_cells(f, row))
                .filter(|cells| cells.iter().any(|c| !c.is_empty()))
                .enumerate()
                .map(|(i, cells)| {
                    let parts: Vec<String> = f
                        .columns
                        .iter()
                        .zip(cells)
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(col, v)| format!("{}：{v}", col.label))
                        .collect();
                    format!("{}. {}", i + 1, parts.join("；"))
                })
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            let prefix = format!("{}{}", f.label, msg::LABEL_SEPARATOR);
            cells
                .iter()
                .filter(|c| {
                    c.path == f.id
                        || c.path
                            .strip_prefix(f.id.as_str())
                            .is_some_and(|rest| rest.starts_with(['.', '[']))
                })
                .map(|c| match c.label.strip_prefix(&prefix) {
                    Some(part) if c.path != f.id => format!("{part}：{}", c.after),
                    _ => c.after.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        if !text.is_empty() {
            out.push(FieldText {
                field: f.id.clone(),
                text,
            });
        }
    }
    out
}
