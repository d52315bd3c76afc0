//! Checks of single answers by kind: text, numbers, dates, choices, codes, phone numbers,
//! addresses and regions. Each returns the answer as the engine understood it, or `None`.
//!
//! Must not: look at other fields' answers, except a choice's own `_other` text.

use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use super::{is_blank, push};
use crate::call::definition::{FieldDef, FieldKind, RegionLevel};
use crate::form::{Code, Problem, Severity};
use crate::ident;
use crate::messages::answer as msg;
use crate::region;
use crate::text::count_zi;

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

/// Checks a non-blank answer of a field that holds one value.
pub(super) fn check_scalar(
    f: &FieldDef,
    kind: FieldKind,
    v: &Json,
    answers: &Map<String, Json>,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    use FieldKind as K;
    match kind {
        K::Text | K::Textarea => check_text(f, v, path, out),
        K::Integer | K::Decimal => check_number(f, kind, v, path, out),
        K::Date => check_date(f, v, path, out),
        K::Month => check_month(f, v, path, out),
        K::DateRange => check_date_range(f, v, path, out),
        K::SingleChoice | K::MultiChoice => check_choice(f, kind, v, answers, path, out),
        K::Uscc => check_uscc(f, v, path, out),
        K::Mobile | K::Landline | K::Phone | K::BankAccount | K::Email | K::Url => {
            check_format(f, kind, v, path, out)
        }
        K::Region => check_region(f, v, path, out),
        K::Heading | K::Computed | K::YearTable | K::Matrix | K::Rows => None,
    }
}

/// Text or long text: its 字 count within the field's limits.
fn check_text(f: &FieldDef, v: &Json, path: &str, out: &mut Vec<Problem>) -> Option<Json> {
    let label = f.label.as_str();
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

/// A date, normalised to `YYYY-MM-DD`.
fn check_date(f: &FieldDef, v: &Json, path: &str, out: &mut Vec<Problem>) -> Option<Json> {
    let label = f.label.as_str();
    let s = as_text(v).unwrap_or_default();
    match ident::parse_date(&s) {
        Some(d) => Some(Json::String(d.format("%Y-%m-%d").to_string())),
        None => {
            push(out, path, Code::InvalidDate, msg::invalid_date(label));
            None
        }
    }
}

/// A month, normalised to `YYYY-MM`.
fn check_month(f: &FieldDef, v: &Json, path: &str, out: &mut Vec<Problem>) -> Option<Json> {
    let label = f.label.as_str();
    let s = as_text(v).unwrap_or_default();
    match ident::parse_month(&s) {
        Some((y, m)) => Some(Json::String(format!("{y:04}-{m:02}"))),
        None => {
            push(out, path, Code::InvalidMonth, msg::invalid_month(label));
            None
        }
    }
}

/// A date range `{ start, end }`: both dates, the end not before the start.
fn check_date_range(f: &FieldDef, v: &Json, path: &str, out: &mut Vec<Problem>) -> Option<Json> {
    let label = f.label.as_str();
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

/// A 统一社会信用代码, normalised; a failed organisation-code check is a warning.
fn check_uscc(f: &FieldDef, v: &Json, path: &str, out: &mut Vec<Problem>) -> Option<Json> {
    let label = f.label.as_str();
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

/// A phone number, bank account, e-mail or web address: its parser decides and normalises.
fn check_format(
    f: &FieldDef,
    kind: FieldKind,
    v: &Json,
    path: &str,
    out: &mut Vec<Problem>,
) -> Option<Json> {
    use FieldKind as K;
    let label = f.label.as_str();
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
