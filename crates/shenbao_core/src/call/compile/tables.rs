//! Checks of the fields that hold other fields: a year table's rows, a matrix's rows and
//! columns, and the columns of repeating rows. Each cell definition is checked again with
//! [`super::fields::check_field`].
//!
//! Must not: check top-level attributes (the caller has) or look at answers.

use std::collections::HashSet;

use super::checker::Checker;
use super::fields::{FieldIndex, check_field};
use crate::call::definition::{CallDef, FieldDef};
use crate::messages::definition as msg;

/// Checks a year table: its years, its rows (unique ids, each with a kind) and their cells.
pub(super) fn check_year_table(
    c: &mut Checker<'_>,
    path: &str,
    f: &FieldDef,
    kname: &str,
    def: &CallDef,
    index: &FieldIndex,
) {
    if f.years.is_empty() {
        c.err(format!("{path}.years"), msg::needs("years", kname));
    }
    if f.rows.is_empty() {
        c.err(format!("{path}.row"), msg::needs("row", kname));
    }
    let mut ids = HashSet::new();
    for (i, r) in f.rows.iter().enumerate() {
        let rp = format!("{path}.row[{i}]");
        if !ids.insert(r.id.as_str()) {
            c.err(format!("{rp}.id"), msg::duplicate("行", &r.id));
        }
        if r.kind.is_none() {
            c.err(format!("{rp}.kind"), msg::needs("kind", "year_table 的行"));
        }
        check_field(c, &rp, r, false, def, index, None);
    }
}

/// Checks a matrix: its rows and columns (unique ids) and that every cell has a kind, from
/// its row or its column.
pub(super) fn check_matrix(
    c: &mut Checker<'_>,
    path: &str,
    f: &FieldDef,
    kname: &str,
    def: &CallDef,
    index: &FieldIndex,
) {
    if f.rows.is_empty() {
        c.err(format!("{path}.row"), msg::needs("row", kname));
    }
    if f.columns.is_empty() {
        c.err(format!("{path}.column"), msg::needs("column", kname));
    }
    let mut ids = HashSet::new();
    for (i, r) in f.rows.iter().enumerate() {
        if !ids.insert(r.id.as_str()) {
            c.err(format!("{path}.row[{i}].id"), msg::duplicate("行", &r.id));
        }
        check_field(c, &format!("{path}.row[{i}]"), r, false, def, index, None);
    }
    let mut ids = HashSet::new();
    for (i, col) in f.columns.iter().enumerate() {
        if !ids.insert(col.id.as_str()) {
            c.err(
                format!("{path}.column[{i}].id"),
                msg::duplicate("列", &col.id),
            );
        }
        check_field(
            c,
            &format!("{path}.column[{i}]"),
            col,
            false,
            def,
            index,
            None,
        );
        for (j, r) in f.rows.iter().enumerate() {
            if col.kind.or(r.kind).is_none() {
                c.err(
                    format!("{path}.row[{j}].kind"),
                    msg::other(&format!(
                        "单元格 {}×{} 没有类型：请给行或列写 kind",
                        r.id, col.id
                    )),
                );
            }
        }
    }
}

/// Checks repeating rows: their columns (unique ids, each with a kind), whose `show_if` may
/// name a sibling column.
pub(super) fn check_rows(
    c: &mut Checker<'_>,
    path: &str,
    f: &FieldDef,
    kname: &str,
    def: &CallDef,
    index: &FieldIndex,
) {
    if f.columns.is_empty() {
        c.err(format!("{path}.column"), msg::needs("column", kname));
    }
    let mut ids = HashSet::new();
    for (i, col) in f.columns.iter().enumerate() {
        if !ids.insert(col.id.as_str()) {
            c.err(
                format!("{path}.column[{i}].id"),
                msg::duplicate("列", &col.id),
            );
        }
        if col.kind.is_none() {
            c.err(
                format!("{path}.column[{i}].kind"),
                msg::needs("kind", "rows 的列"),
            );
        }
        check_field(
            c,
            &format!("{path}.column[{i}]"),
            col,
            false,
            def,
            index,
            Some(&f.columns),
        );
    }
}
