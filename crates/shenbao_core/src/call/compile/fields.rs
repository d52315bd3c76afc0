//! Checks of the form: section and field ids, every field's kind-specific attributes, the
//! `show_if` conditions, and the compiled expressions of computed fields. The fields that hold
//! other fields (a year table's rows, a matrix's rows and columns, the columns of repeating rows)
//! are checked here too: each cell definition is checked again with [`check_field`], so the two
//! recurse into each other.
//!
//! Must not: evaluate an expression or look at answers; this checks the definition only.

use std::collections::{HashMap, HashSet};

use super::checker::Checker;
use super::{COMPUTED_VARS, FieldIndex, applies};
use crate::call::definition::{CallDef, Condition, FieldDef, FieldKind, Print, Section};
use crate::expr::Expr;
use crate::messages::definition as msg;

fn is_choice(k: Option<FieldKind>) -> bool {
    matches!(k, Some(FieldKind::SingleChoice | FieldKind::MultiChoice))
}

fn kind_name(k: FieldKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Checks the sections' ids, directions and sub-directions and the top-level fields' ids.
/// Returns where each field is and every id an answer may have (fields and their `_other`).
pub(super) fn index_fields(
    c: &mut Checker<'_>,
    def: &CallDef,
    directions: &HashSet<&str>,
    all_subs: &HashSet<&str>,
) -> (FieldIndex, HashSet<String>) {
    let mut field_index = HashMap::new();
    let mut all_ids: HashSet<String> = HashSet::new();
    let mut section_ids = HashSet::new();
    for (si, s) in def.sections.iter().enumerate() {
        c.unique_id(
            &mut section_ids,
            &format!("section[{si}].id"),
            "章节",
            &s.id,
        );
        c.directions(
            &format!("section[{si}].directions"),
            &s.directions,
            directions,
        );
        for (k, sub) in s.subdirections.iter().enumerate() {
            if !all_subs.contains(sub.as_str()) {
                c.err(
                    format!("section[{si}].subdirections[{k}]"),
                    msg::unknown_ref("子方向", sub),
                );
            }
        }
        for (fi, f) in s.fields.iter().enumerate() {
            let path = format!("section[{si}].field[{fi}].id");
            c.id(&path, &f.id);
            if !all_ids.insert(f.id.clone()) {
                c.err(path.clone(), msg::duplicate("字段", &f.id));
            }
            if f.other.is_some() && !all_ids.insert(format!("{}_other", f.id)) {
                c.err(path, msg::duplicate("字段", &format!("{}_other", f.id)));
            }
            field_index.insert(f.id.clone(), (si, fi));
        }
    }
    (field_index, all_ids)
}

/// Checks that every direction has at least one section.
pub(super) fn check_directions_have_sections(c: &mut Checker<'_>, def: &CallDef) {
    for d in &def.directions {
        let has_section = def.sections.iter().any(|s| applies(&s.directions, &d.id));
        if !has_section {
            c.err(
                "direction",
                msg::other(&format!("方向 `{}` 没有任何章节", d.id)),
            );
        }
    }
}

/// Checks every top-level field and compiles the expressions of computed fields, by field id.
pub(super) fn check_fields(
    c: &mut Checker<'_>,
    def: &CallDef,
    field_index: &FieldIndex,
    answer_ids: &HashSet<String>,
) -> HashMap<String, Expr> {
    let mut computed = HashMap::new();
    for (si, s) in def.sections.iter().enumerate() {
        for (fi, f) in s.fields.iter().enumerate() {
            let path = format!("section[{si}].field[{fi}]");
            check_field(c, &path, f, true, def, field_index, None);
            check_print(c, &path, s, fi);
            if f.kind == Some(FieldKind::Computed)
                && let Some(src) = &f.expr
            {
                super::members::check_reads(c, &format!("{path}.expr"), src, def, field_index);
            }
            if f.kind == Some(FieldKind::Computed)
                && let Some(src) = &f.expr
                && let Some(e) = c.expr(&format!("{path}.expr"), src, COMPUTED_VARS, answer_ids)
            {
                computed.insert(f.id.clone(), e);
            }
        }
    }
    computed
}

/// Checks the sections' `show_if` conditions, once every field is known.
pub(super) fn check_section_conditions(
    c: &mut Checker<'_>,
    def: &CallDef,
    field_index: &FieldIndex,
) {
    for (si, s) in def.sections.iter().enumerate() {
        if let Some(cond) = &s.show_if {
            check_condition(
                c,
                &format!("section[{si}].show_if"),
                cond,
                def,
                field_index,
                None,
            );
            if s.fields.iter().any(|f| f.id == cond.field) {
                c.err(
                    format!("section[{si}].show_if.field"),
                    msg::other("章节不能由它自己的字段控制显示"),
                );
            }
        }
    }
}

/// Checks the sections printed as the template's prose (`text`): every `{field}` is a field
/// of the call, and each printed field of the section is placed once.
pub(super) fn check_section_texts(c: &mut Checker<'_>, def: &CallDef, field_index: &FieldIndex) {
    for (si, s) in def.sections.iter().enumerate() {
        let Some(text) = &s.text else { continue };
        let path = format!("section[{si}].text");
        let names = super::placeholders(text);
        for name in &names {
            if !field_index.contains_key(*name) {
                c.err(path.clone(), msg::unknown_ref("字段", name));
            }
        }
        for f in &s.fields {
            let printed = !matches!(f.print, Print::Appendix | Print::None | Print::InOption)
                && f.kind != Some(FieldKind::Heading);
            let times = names.iter().filter(|n| **n == f.id).count();
            if printed && times == 0 {
                c.err(path.clone(), msg::other(&msg::text_leaves_out(&f.id)));
            } else if times > 1 {
                c.err(path.clone(), msg::other(&msg::text_places_twice(&f.id)));
            }
        }
    }
}

/// Checks a `show_if` condition: it names a choice field (a top-level one, or a sibling
/// column when `siblings` is given) and options that field has.
pub(super) fn check_condition(
    c: &mut Checker<'_>,
    path: &str,
    cond: &Condition,
    def: &CallDef,
    index: &FieldIndex,
    siblings: Option<&[FieldDef]>,
) {
    let target = match siblings {
        Some(cols) => cols.iter().find(|f| f.id == cond.field),
        None => index
            .get(&cond.field)
            .map(|&(s, f)| &def.sections[s].fields[f]),
    };
    let Some(target) = target else {
        c.err(
            format!("{path}.field"),
            msg::unknown_ref("字段", &cond.field),
        );
        return;
    };
    if !is_choice(target.kind) {
        c.err(
            format!("{path}.field"),
            msg::other("show_if 只能引用单选或多选字段"),
        );
        return;
    }
    if cond.any_of.is_empty() {
        c.err(
            format!("{path}.any_of"),
            msg::other("any_of 至少列出一个选项"),
        );
    }
    for (i, v) in cond.any_of.iter().enumerate() {
        if !target.options.iter().any(|o| o.value() == v) {
            c.err(format!("{path}.any_of[{i}]"), msg::unknown_ref("选项", v));
        }
    }
}

/// Checks one field definition. `top` is false for table rows and row columns.
pub(super) fn check_field(
    c: &mut Checker<'_>,
    path: &str,
    f: &FieldDef,
    top: bool,
    def: &CallDef,
    index: &FieldIndex,
    siblings: Option<&[FieldDef]>,
) {
    if !top {
        c.id(&format!("{path}.id"), &f.id);
    }
    let Some(kind) = f.kind else {
        if top {
            c.err(format!("{path}.kind"), msg::other("缺少 kind"));
        }
        return;
    };
    let kname = kind_name(kind);
    use FieldKind as K;
    check_attributes(c, path, f, kind, &kname);
    check_min_max(c, path, f);
    check_options(c, path, f, kind, &kname);
    if !top
        && matches!(
            kind,
            K::Heading | K::YearTable | K::Matrix | K::Rows | K::Computed
        )
    {
        c.err(
            format!("{path}.kind"),
            msg::other(&format!("表格内的单元格不能是 {kname} 类型")),
        );
    }
    match kind {
        K::YearTable => check_year_table(c, path, f, &kname, def, index),
        K::Matrix => check_matrix(c, path, f, &kname, def, index),
        K::Rows => check_rows(c, path, f, &kname, def, index),
        K::Computed if f.expr.is_none() => {
            c.err(format!("{path}.expr"), msg::needs("expr", &kname));
        }
        K::Region => {
            if let Some(w) = &f.within
                && crate::region::lookup(w).is_none()
            {
                c.err(format!("{path}.within"), msg::unknown_ref("行政区划", w));
            }
        }
        _ => {}
    }
    if let Some(cond) = &f.show_if {
        if top {
            check_condition(c, &format!("{path}.show_if"), cond, def, index, None);
        } else if let Some(sib) = siblings {
            check_condition(c, &format!("{path}.show_if"), cond, def, index, Some(sib));
        } else {
            c.err(
                format!("{path}.show_if"),
                msg::not_applicable("show_if", &kname),
            );
        }
    }
}

/// Reports every attribute written on a field whose kind (`kname`) does not use it.
fn check_attributes(c: &mut Checker<'_>, path: &str, f: &FieldDef, kind: FieldKind, kname: &str) {
    use FieldKind as K;
    let texty = matches!(kind, K::Text | K::Textarea);
    let numeric = matches!(kind, K::Integer | K::Decimal);
    let choice = matches!(kind, K::SingleChoice | K::MultiChoice);
    // (attribute, written, applies to this kind)
    let attributes = [
        ("min_zi", f.min_zi.is_some(), texty),
        ("max_zi", f.max_zi.is_some(), texty),
        ("zi_count", f.zi_count.is_some(), texty),
        ("min", f.min.is_some(), numeric),
        ("max", f.max.is_some(), numeric),
        (
            "decimals",
            f.decimals.is_some(),
            matches!(kind, K::Decimal | K::Computed),
        ),
        (
            "unit",
            f.unit.is_some(),
            numeric || matches!(kind, K::Computed | K::Text),
        ),
        ("unit_printed", f.unit_printed.is_some(), f.unit.is_some()),
        ("options", !f.options.is_empty(), choice),
        ("other", f.other.is_some(), choice),
        (
            "other_label",
            f.other_label.is_some(),
            choice && f.other.is_some(),
        ),
        (
            "other_blank",
            f.other_blank.is_some(),
            choice && f.other.is_some(),
        ),
        ("options_below", f.options_below, choice),
        (
            "corner",
            f.corner.is_some(),
            matches!(kind, K::YearTable | K::Matrix),
        ),
        ("year_title", f.year_title.is_some(), kind == K::YearTable),
        ("as_fields", f.as_fields, kind == K::YearTable),
        ("unit_in_cells", f.unit_in_cells, kind == K::YearTable),
        ("labels_per_column", f.labels_per_column, kind == K::Matrix),
        ("column_titles", f.column_titles.is_some(), kind == K::Rows),
        ("numbered", f.numbered.is_some(), kind == K::Rows),
        ("blank_rows", !f.blank_rows.is_empty(), kind == K::Rows),
        (
            "in_cell",
            f.in_cell,
            kind == K::Rows && f.columns.len() == 1,
        ),
        (
            "print_as",
            f.print_as.is_some(),
            (plain_row(f) && !choice || f.in_cell)
                && !matches!(f.print, Print::Appendix | Print::None),
        ),
        ("min_select", f.min_select.is_some(), kind == K::MultiChoice),
        ("max_select", f.max_select.is_some(), kind == K::MultiChoice),
        ("years", !f.years.is_empty(), kind == K::YearTable),
        (
            "row",
            !f.rows.is_empty(),
            matches!(kind, K::YearTable | K::Matrix),
        ),
        (
            "column",
            !f.columns.is_empty(),
            matches!(kind, K::Matrix | K::Rows),
        ),
        ("min_rows", f.min_rows.is_some(), kind == K::Rows),
        (
            "label_cell",
            f.label_cell,
            matches!(kind, K::Rows | K::YearTable),
        ),
        ("max_rows", f.max_rows.is_some(), kind == K::Rows),
        ("expr", f.expr.is_some(), kind == K::Computed),
        ("region_level", f.region_level.is_some(), kind == K::Region),
        ("within", f.within.is_some(), kind == K::Region),
        ("tick_direction", f.tick_direction, kind == K::Heading),
        ("tick_subdirection", f.tick_subdirection, kind == K::Heading),
        ("heads_table", f.heads_table, kind == K::Heading),
    ];
    for (attr, written, applies) in attributes {
        if written && !applies {
            c.err(format!("{path}.{attr}"), msg::not_applicable(attr, kname));
        }
    }
    let blanks = [
        ("other_blank", f.other_blank.as_deref(), "____"),
        ("year_title", f.year_title.as_deref(), "{}"),
        ("print_as", f.print_as.as_deref(), "____"),
    ];
    for (attr, written, blank) in blanks {
        // An empty `other_blank` is the template's bare ☐其他.
        if written.is_some_and(|w| !w.is_empty() && !w.contains(blank)) {
            c.err(
                format!("{path}.{attr}"),
                msg::other(&msg::missing_blank(attr, blank)),
            );
        }
    }
}

/// Reports every pair of bounds whose minimum is above its maximum.
fn check_min_max(c: &mut Checker<'_>, path: &str, f: &FieldDef) {
    let ordered = [
        (
            "min_zi",
            "max_zi",
            f.min_zi.zip(f.max_zi).is_some_and(|(a, b)| a > b),
        ),
        ("min", "max", f.min.zip(f.max).is_some_and(|(a, b)| a > b)),
        (
            "min_select",
            "max_select",
            f.min_select.zip(f.max_select).is_some_and(|(a, b)| a > b),
        ),
        (
            "min_rows",
            "max_rows",
            f.min_rows.zip(f.max_rows).is_some_and(|(a, b)| a > b),
        ),
    ];
    for (min, max, wrong) in ordered {
        if wrong {
            c.err(format!("{path}.{min}"), msg::min_above_max(min, max));
        }
    }
}

/// Checks a choice field's options, its `other` option and its `max_select`.
fn check_options(c: &mut Checker<'_>, path: &str, f: &FieldDef, kind: FieldKind, kname: &str) {
    use FieldKind as K;
    let choice = matches!(kind, K::SingleChoice | K::MultiChoice);
    if choice {
        if f.options.is_empty() {
            c.err(format!("{path}.options"), msg::needs("options", kname));
        }
        let mut seen = HashSet::new();
        for (i, o) in f.options.iter().enumerate() {
            if o.value().trim().is_empty() || !seen.insert(o.value()) {
                c.err(
                    format!("{path}.options[{i}]"),
                    msg::duplicate("选项", o.value()),
                );
            }
        }
        if let Some(other) = &f.other
            && !f.options.iter().any(|o| o.value() == other)
        {
            c.err(format!("{path}.other"), msg::unknown_ref("选项", other));
        }
    }
    if kind == K::MultiChoice && f.max_select.is_some_and(|m| m as usize > f.options.len()) {
        c.err(
            format!("{path}.max_select"),
            msg::other("max_select 超过了选项个数"),
        );
    }
}

// ---- fields that hold other fields -----------------------------------------------------

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

/// Whether `f` prints as a plain label | value row that another field may share.
fn plain_row(f: &FieldDef) -> bool {
    !matches!(
        f.kind,
        None | Some(
            FieldKind::Heading
                | FieldKind::Textarea
                | FieldKind::Rows
                | FieldKind::Matrix
                | FieldKind::YearTable
        )
    )
}

/// Checks where field `fi` of section `s` prints, when it shares another field's row:
/// `inline` and `beside` need a plain row before them (a `beside` one the row's first pair),
/// `in_option` a `show_if` on an earlier choice of the same section.
fn check_print(c: &mut Checker<'_>, path: &str, s: &Section, fi: usize) {
    let f = &s.fields[fi];
    // The field whose row it shares: the last one before it printed as a row of the form
    // (fields in the appendix, never printed or inside an option are not in the table).
    // Several `inline` fields may follow one another in a row: they share the first's.
    let before = s.fields[..fi].iter().rev().find(|b| {
        let elsewhere = matches!(b.print, Print::Appendix | Print::None | Print::InOption);
        let in_cell = |p: Print| matches!(p, Print::Inline | Print::Below);
        let same_row = in_cell(f.print) && in_cell(b.print);
        !elsewhere && !same_row
    });
    let ok = match f.print {
        Print::Inline | Print::Below => {
            before.is_some_and(|b| b.print == Print::Form && plain_row(b))
        }
        // Several `beside` fields share the first's row (项目负责人 | 职务职称 | 联系电话).
        Print::Beside => {
            plain_row(f)
                && before
                    .is_some_and(|b| matches!(b.print, Print::Form | Print::Beside) && plain_row(b))
        }
        Print::InOption => {
            plain_row(f)
                && f.show_if.as_ref().is_some_and(|cond| {
                    s.fields[..fi].iter().any(|b| {
                        b.id == cond.field
                            && matches!(
                                b.kind,
                                Some(FieldKind::SingleChoice | FieldKind::MultiChoice)
                            )
                    })
                })
        }
        Print::Form | Print::Appendix | Print::None => true,
    };
    if !ok {
        let rule = match f.print {
            Print::InOption => msg::IN_OPTION_AFTER_CHOICE,
            Print::Beside => msg::BESIDE_AFTER_ROW,
            _ => msg::INLINE_AFTER_ROW,
        };
        c.err(format!("{path}.print"), msg::other(rule));
    }
}
