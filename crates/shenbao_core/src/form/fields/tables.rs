//! Checks of the answers that hold other answers: year tables and matrices (a grid of cells,
//! each checked as its row's or column's kind) and repeating rows.
//!
//! Must not: decide whether the table itself is shown (the caller has) or keep cells of rows
//! and columns the definition does not have.

use serde_json::{Map, Value as Json};

use super::{check_value, is_blank, push, selected};
use crate::call::definition::FieldDef;
use crate::form::{Code, Problem, Severity};
use crate::messages::answer as msg;

/// Checks a grid answer (an object of rows, each an object of cells) against `rows` and
/// `cols`; a column without a definition (a year) takes its row's kind.
pub(super) fn check_grid(
    f: &FieldDef,
    rows: &[FieldDef],
    cols: &[(&str, Option<&FieldDef>)],
    v: &Json,
    required: bool,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    let Some(obj) = v.as_object() else {
        push(
            out,
            path,
            Code::WrongType,
            msg::wrong_type(&f.label, "表格"),
        );
        return None;
    };
    let mut result = Map::new();
    for row in rows {
        let row_obj = obj.get(&row.id);
        let mut row_out = Map::new();
        for (col_id, col_def) in cols {
            let cell_path = format!("{path}.{}.{col_id}", row.id);
            let cell = row_obj.and_then(|r| r.get(*col_id));
            let Some(kind) = col_def.and_then(|c| c.kind).or(row.kind) else {
                continue;
            };
            let cell_required = required
                && row.required.unwrap_or(true)
                && col_def.is_none_or(|c| c.required.unwrap_or(true));
            // Messages name the cell by row, column and table.
            let mut label_def = col_def
                .map(|c| merge_cell(row, c))
                .unwrap_or_else(|| row.clone());
            label_def.label = match col_def {
                Some(c) => format!("{}—{}—{}", f.label, row.label, c.label),
                None => format!("{}—{}年{}", f.label, col_id, row.label),
            };
            let empty = Map::new();
            if let Some(n) = check_value(
                &label_def,
                kind,
                cell,
                cell_required,
                &empty,
                &cell_path,
                out,
            ) {
                row_out.insert((*col_id).to_string(), n);
            }
        }
        if let Some(r) = row_obj.and_then(Json::as_object) {
            for key in r.keys() {
                if !cols.iter().any(|(c, _)| c == key) && r.get(key).is_some_and(|x| !is_blank(x)) {
                    out.push(Problem::new(
                        format!("{path}.{}.{key}", row.id),
                        Code::UnknownField,
                        Severity::Info,
                        msg::unknown_field(key),
                    ));
                }
            }
        }
        if !row_out.is_empty() {
            result.insert(row.id.clone(), Json::Object(row_out));
        }
    }
    for key in obj.keys() {
        if !rows.iter().any(|r| &r.id == key) && obj.get(key).is_some_and(|x| !is_blank(x)) {
            out.push(Problem::new(
                format!("{path}.{key}"),
                Code::UnknownField,
                Severity::Info,
                msg::unknown_field(key),
            ));
        }
    }
    Some(Json::Object(result))
}

/// A matrix cell's effective definition: the column's attributes over the row's.
fn merge_cell(row: &FieldDef, col: &FieldDef) -> FieldDef {
    let mut d = if col.kind.is_some() {
        col.clone()
    } else {
        row.clone()
    };
    d.unit = col.unit.clone().or_else(|| row.unit.clone());
    d.min = col.min.or(row.min);
    d.max = col.max.or(row.max);
    d.decimals = col.decimals.or(row.decimals);
    d.max_zi = col.max_zi.or(row.max_zi);
    d.min_zi = col.min_zi.or(row.min_zi);
    d
}

/// Checks a repeating-rows answer: the number of non-blank rows, then each row.
pub(super) fn check_rows(
    f: &FieldDef,
    value: Option<&Json>,
    required: bool,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    let items: &[Json] = match value {
        None | Some(Json::Null) => &[],
        Some(Json::Array(a)) => a,
        Some(_) => {
            push(
                out,
                path,
                Code::WrongType,
                msg::wrong_type(&f.label, "多行列表"),
            );
            return None;
        }
    };
    // Entirely blank rows (an empty line left in the form) do not count.
    let rows: Vec<(usize, &Json)> = items
        .iter()
        .enumerate()
        .filter(|(_, r)| !is_blank(r))
        .collect();
    let min = f.min_rows.unwrap_or(u32::from(required));
    if (rows.len() as u64) < u64::from(min) {
        if rows.is_empty() && min == 1 {
            push(out, path, Code::Required, msg::required(&f.label));
        } else {
            push(
                out,
                path,
                Code::TooFewRows,
                msg::too_few_rows(&f.label, min),
            );
        }
    }
    if let Some(max) = f.max_rows
        && rows.len() as u64 > u64::from(max)
    {
        push(
            out,
            path,
            Code::TooManyRows,
            msg::too_many_rows(&f.label, max),
        );
    }
    let mut result = Vec::new();
    for (i, row) in rows {
        if let Some(checked) = check_row(f, i, row, path, out) {
            result.push(checked);
        }
    }
    Some(Json::Array(result))
}

/// Checks row `i` of a repeating-rows answer: each shown column, the `_other` texts of its
/// choices, and keys that are no column. `None` when the row is not an object.
fn check_row(
    f: &FieldDef,
    i: usize,
    row: &Json,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    let row_path = format!("{path}[{i}]");
    let Some(obj) = row.as_object() else {
        push(
            out,
            &row_path,
            Code::WrongType,
            msg::wrong_type(&f.label, "一行的各列"),
        );
        return None;
    };
    let mut row_out = Map::new();
    for col in &f.columns {
        let Some(kind) = col.kind else { continue };
        let col_path = format!("{row_path}.{}", col.id);
        let shown = col.show_if.as_ref().is_none_or(|c| {
            let chosen = selected(obj.get(&c.field));
            c.any_of.iter().any(|v| chosen.contains(v))
        });
        let cell = obj.get(&col.id);
        if !shown {
            if cell.is_some_and(|c| !is_blank(c)) {
                out.push(Problem::new(
                    col_path,
                    Code::HiddenIgnored,
                    Severity::Info,
                    msg::hidden_ignored(&col.label),
                ));
            }
            continue;
        }
        let mut d = col.clone();
        d.label = format!("{}第{}行“{}”", f.label, i + 1, col.label);
        let col_required = col.required.unwrap_or(true);
        if let Some(n) = check_value(&d, kind, cell, col_required, obj, &col_path, out) {
            row_out.insert(col.id.clone(), n);
        }
        if let Some(other) = &col.other {
            let key = format!("{}_other", col.id);
            if selected(cell).iter().any(|s| s == other)
                && let Some(t) = obj.get(&key).and_then(Json::as_str)
            {
                row_out.insert(key, Json::String(t.trim().to_string()));
            }
        }
    }
    for key in obj.keys() {
        let is_other = key
            .strip_suffix("_other")
            .is_some_and(|base| f.columns.iter().any(|c| c.id == base && c.other.is_some()));
        if !is_other
            && !f.columns.iter().any(|c| &c.id == key)
            && obj.get(key).is_some_and(|x| !is_blank(x))
        {
            out.push(Problem::new(
                format!("{row_path}.{key}"),
                Code::UnknownField,
                Severity::Info,
                msg::unknown_field(key),
            ));
        }
    }
    Some(Json::Object(row_out))
}
