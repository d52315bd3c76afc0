//! Checks of one field's answer by kind, including tables and repeating rows.
//! Each check returns the answer as the engine understood it (numbers as numbers, codes
//! normalised) or `None` when it is missing or invalid.

use crate::form::Code;
use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use super::{Problem, Severity};
use crate::call::Call;
use crate::call::definition::{Condition, FieldDef, FieldKind, RegionLevel};
use crate::ident;
use crate::messages::answer as msg;
use crate::region;
use crate::text::count_zi;

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

fn check_grid(
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

fn check_rows(
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
        let row_path = format!("{path}[{i}]");
        let Some(obj) = row.as_object() else {
            push(
                out,
                &row_path,
                Code::WrongType,
                msg::wrong_type(&f.label, "一行的各列"),
            );
            continue;
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
        result.push(Json::Object(row_out));
    }
    Some(Json::Array(result))
}

/// A format check: the parser (normalising on success), the problem code and its message.
type FormatCheck = (fn(&str) -> Option<String>, Code, fn(&str) -> String);

/// Text of a scalar answer: strings as they are, numbers as written.
fn as_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_string()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn check_scalar(
    f: &FieldDef,
    kind: FieldKind,
    v: &Json,
    answers: &Map<String, Json>,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    use FieldKind as K;
    let label = f.label.as_str();
    match kind {
        K::Text | K::Textarea => {
            let Some(s) = v.as_str() else {
                push(out, path, Code::WrongType, msg::wrong_type(label, "文字"));
                return None;
            };
            let n = count_zi(s, f.zi_count.unwrap_or_default());
            if let Some(min) = f.min_zi
                && n < min as usize
            {
                push(out, path, Code::TooShort, msg::too_short(label, min, n));
            }
            if let Some(max) = f.max_zi
                && n > max as usize
            {
                push(out, path, Code::TooLong, msg::too_long(label, max, n));
            }
            Some(Json::String(s.trim().to_string()))
        }
        K::Integer | K::Decimal => check_number(f, kind, v, path, out),
        K::Date => {
            let s = as_text(v).unwrap_or_default();
            match ident::parse_date(&s) {
                Some(d) => Some(Json::String(d.format("%Y-%m-%d").to_string())),
                None => {
                    push(out, path, Code::InvalidDate, msg::invalid_date(label));
                    None
                }
            }
        }
        K::Month => {
            let s = as_text(v).unwrap_or_default();
            match ident::parse_month(&s) {
                Some((y, m)) => Some(Json::String(format!("{y:04}-{m:02}"))),
                None => {
                    push(out, path, Code::InvalidMonth, msg::invalid_month(label));
                    None
                }
            }
        }
        K::DateRange => {
            let Some(obj) = v.as_object() else {
                push(
                    out,
                    path,
                    Code::WrongType,
                    msg::wrong_type(label, "起止日期"),
                );
                return None;
            };
            let mut parts = Vec::new();
            for key in ["start", "end"] {
                let p = format!("{path}.{key}");
                match obj.get(key).filter(|x| !is_blank(x)) {
                    None => push(out, &p, Code::Required, msg::required(label)),
                    Some(x) => match as_text(x).and_then(|s| ident::parse_date(&s)) {
                        Some(d) => parts.push(d),
                        None => push(out, &p, Code::InvalidDate, msg::invalid_date(label)),
                    },
                }
            }
            if let [start, end] = parts[..] {
                if end < start {
                    push(
                        out,
                        path,
                        Code::DateRangeOrder,
                        msg::date_range_order(label),
                    );
                    return None;
                }
                let mut m = Map::new();
                m.insert(
                    "start".into(),
                    Json::String(start.format("%Y-%m-%d").to_string()),
                );
                m.insert(
                    "end".into(),
                    Json::String(end.format("%Y-%m-%d").to_string()),
                );
                return Some(Json::Object(m));
            }
            None
        }
        K::SingleChoice | K::MultiChoice => check_choice(f, kind, v, answers, path, out),
        K::Uscc => {
            let s = as_text(v).unwrap_or_default();
            match ident::parse_uscc(&s) {
                Ok(code) => {
                    if !code.org_code_ok() {
                        out.push(Problem::new(
                            path,
                            Code::UsccOrgCode,
                            Severity::Warning,
                            msg::uscc_org_code(label),
                        ));
                    }
                    Some(Json::String(code.code().to_string()))
                }
                Err(e) => {
                    push(
                        out,
                        path,
                        Code::InvalidUscc,
                        msg::invalid_uscc(label, &uscc_detail(&e)),
                    );
                    None
                }
            }
        }
        K::Mobile | K::Landline | K::Phone | K::BankAccount | K::Email | K::Url => {
            let (parse, code, message): FormatCheck = match kind {
                K::Mobile => (
                    ident::parse_mobile,
                    Code::InvalidMobile,
                    msg::invalid_mobile,
                ),
                K::Landline => (
                    ident::parse_landline,
                    Code::InvalidLandline,
                    msg::invalid_landline,
                ),
                K::Phone => (ident::parse_phone, Code::InvalidPhone, msg::invalid_phone),
                K::BankAccount => (
                    ident::parse_bank_account,
                    Code::InvalidBankAccount,
                    msg::invalid_bank_account,
                ),
                K::Email => (
                    |s| ident::is_email(s).then(|| s.to_string()),
                    Code::InvalidEmail,
                    msg::invalid_email,
                ),
                _ => (
                    |s| ident::is_web_url(s).then(|| s.to_string()),
                    Code::InvalidUrl,
                    msg::invalid_url,
                ),
            };
            match as_text(v).as_deref().and_then(parse) {
                Some(s) => Some(Json::String(s)),
                None => {
                    push(out, path, code, message(label));
                    None
                }
            }
        }
        K::Region => check_region(f, v, path, out),
        K::Heading | K::Computed | K::YearTable | K::Matrix | K::Rows => None,
    }
}

fn uscc_detail(e: &ident::UsccError) -> String {
    match e {
        ident::UsccError::Length { len } => format!("应为18位，实际{len}位"),
        ident::UsccError::Charset { position, found } => {
            format!("第{position}位“{found}”不是允许的字符")
        }
        ident::UsccError::CheckChar { .. } => "校验位不正确，请核对是否有输错的字符".to_string(),
    }
}

fn check_number(
    f: &FieldDef,
    kind: FieldKind,
    v: &Json,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    let label = f.label.as_str();
    let text = match v {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_string(),
        _ => {
            push(out, path, Code::NotANumber, msg::not_a_number(label));
            return None;
        }
    };
    let Some(n) = ident::parse_number(&text) else {
        push(out, path, Code::NotANumber, msg::not_a_number(label));
        return None;
    };
    let places = ident::decimal_places(&text);
    let mut ok = true;
    if kind == FieldKind::Integer && n.fract() != 0.0 {
        push(out, path, Code::NotAnInteger, msg::not_an_integer(label));
        ok = false;
    }
    if kind == FieldKind::Decimal
        && let Some(d) = f.decimals
        && places > d as usize
    {
        push(
            out,
            path,
            Code::TooManyDecimals,
            msg::too_many_decimals(label, d),
        );
        ok = false;
    }
    let unit = f.unit.as_deref().unwrap_or("");
    if let Some(min) = f.min
        && n < min
    {
        push(out, path, Code::BelowMin, msg::below_min(label, min, unit));
        ok = false;
    }
    if let Some(max) = f.max
        && n > max
    {
        push(out, path, Code::AboveMax, msg::above_max(label, max, unit));
        ok = false;
    }
    if !ok {
        return None;
    }
    serde_json::Number::from_f64(n).map(Json::Number)
}

fn check_choice(
    f: &FieldDef,
    kind: FieldKind,
    v: &Json,
    answers: &Map<String, Json>,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    let label = f.label.as_str();
    let values: Vec<String> = match (kind, v) {
        (FieldKind::SingleChoice, Json::String(s)) => vec![s.trim().to_string()],
        (FieldKind::MultiChoice, Json::Array(a)) if a.iter().all(Json::is_string) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.trim().to_string()))
            .collect(),
        (FieldKind::MultiChoice, Json::String(s)) => vec![s.trim().to_string()],
        _ => {
            let expected = if kind == FieldKind::SingleChoice {
                "一个选项"
            } else {
                "选项列表"
            };
            push(out, path, Code::WrongType, msg::wrong_type(label, expected));
            return None;
        }
    };
    let mut ok = true;
    let mut seen = HashSet::new();
    let mut unique = Vec::new();
    for val in values {
        if !f.options.iter().any(|o| o.value() == val) {
            push(
                out,
                path,
                Code::InvalidOption,
                msg::invalid_option(label, &val),
            );
            ok = false;
        } else if seen.insert(val.clone()) {
            unique.push(val);
        }
    }
    if kind == FieldKind::MultiChoice {
        if let Some(min) = f.min_select
            && (unique.len() as u64) < u64::from(min)
        {
            push(
                out,
                path,
                Code::TooFewSelected,
                msg::too_few_selected(label, min),
            );
            ok = false;
        }
        if let Some(max) = f.max_select
            && unique.len() as u64 > u64::from(max)
        {
            push(
                out,
                path,
                Code::TooManySelected,
                msg::too_many_selected(label, max),
            );
            ok = false;
        }
    }
    if let Some(other) = &f.other
        && unique.iter().any(|s| s == other)
    {
        let key = format!("{}_other", f.id);
        let text_ok = answers
            .get(&key)
            .and_then(Json::as_str)
            .is_some_and(|t| !t.trim().is_empty());
        if !text_ok {
            let p = match path.rsplit_once('.') {
                Some((prefix, _)) if path.contains('[') => format!("{prefix}.{key}"),
                _ => key.clone(),
            };
            push(
                out,
                &p,
                Code::OtherTextRequired,
                msg::other_text_required(label, other),
            );
        }
    }
    if !ok {
        return None;
    }
    Some(match kind {
        FieldKind::SingleChoice => Json::String(unique.into_iter().next().unwrap_or_default()),
        _ => Json::Array(unique.into_iter().map(Json::String).collect()),
    })
}

fn check_region(f: &FieldDef, v: &Json, path: &str, out: &mut Vec<Problem>) -> Option<Json> {
    let label = f.label.as_str();
    let code = as_text(v).unwrap_or_default();
    let Some(div) = region::lookup(&code) else {
        push(out, path, Code::InvalidRegion, msg::invalid_region(label));
        return None;
    };
    let need = f.region_level.unwrap_or(RegionLevel::County);
    let level = match div.level {
        region::Level::Province => RegionLevel::Province,
        region::Level::City => RegionLevel::City,
        region::Level::County => RegionLevel::County,
    };
    // A division with nothing below it (东莞, 中山, 儋州, 嘉峪关) is as deep as it goes.
    let is_leaf = region::children(&code).is_empty();
    if level < need && !is_leaf {
        let name = match need {
            RegionLevel::Province => "省级",
            RegionLevel::City => "地市级",
            RegionLevel::County => "区县级",
        };
        push(
            out,
            path,
            Code::RegionTooShallow,
            msg::region_too_shallow(label, name),
        );
        return None;
    }
    if let Some(within) = &f.within
        && !region::is_within(&code, within)
    {
        let area = region::full_name(within).unwrap_or_else(|| within.clone());
        push(
            out,
            path,
            Code::RegionOutside,
            msg::region_outside(label, &area),
        );
        return None;
    }
    Some(Json::String(code))
}
