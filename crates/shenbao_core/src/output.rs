//! Text of the printed parts of an application that come from expressions: cover-page lines,
//! summary-table cells and the entry on the public results page. Documents (DOCX, PDF, XLSX) lay these out; this module only says
//! what each line or cell contains.

use std::sync::Arc;

use cel::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json, json};

use crate::call::Call;
use crate::expr::{EvalOutcome, Expr, Scope, to_cel};
use crate::form::Application;

/// Longest introduction on the public results page, in characters, before it is cut.
pub const INTRODUCTION_CHARS: usize = 120;

/// One cover-page line as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverLineText {
    /// The label, e.g. 申报单位.
    pub label: String,
    /// The value, empty when there is none.
    pub text: String,
    /// Printed after the value, e.g. （盖章）.
    pub suffix: Option<String>,
}

/// What a summary-table row knows besides the answers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowContext {
    /// 序号 within the table or group, from 1.
    pub seq: u32,
    /// The reviewing level's rank, 0 when unranked.
    pub rank: u32,
    /// Direction name.
    pub direction: String,
    /// Sub-direction name, empty when none.
    pub subdirection: String,
    /// City name, empty when none.
    pub city: String,
    /// County name, empty when none.
    pub county: String,
    /// Division code of the applicant.
    pub region: String,
    /// The level's 推荐意见.
    pub opinion: String,
}

/// A value as cell text: strings as they are, whole numbers without ".0".
pub fn text_of(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Number(n) => match n.as_f64() {
            Some(f) => crate::messages::answer::fmt_num(f),
            None => n.to_string(),
        },
        Json::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Json::Array(a) => a.iter().map(text_of).collect::<Vec<_>>().join("、"),
        Json::Object(_) => String::new(),
    }
}

fn eval_text(expr: &Expr, scope: &Scope) -> Result<String, String> {
    match expr.eval_in(scope) {
        Ok(v) => Ok(text_of(&crate::expr::to_json(&v))),
        Err(EvalOutcome::Missing) => Ok(String::new()),
        Err(EvalOutcome::Failed(e)) => Err(e),
    }
}

/// The cover-page lines for `answers` (the engine's normalised answers).
pub fn cover_lines(
    call: &Call,
    answers: &Map<String, Json>,
    profile: Option<&Json>,
) -> Vec<CoverLineText> {
    let answers_v = to_cel(&Json::Object(answers.clone()));
    let profile_v = to_cel(profile.unwrap_or(&json!({})));
    let scope = Scope::new(&[("answers", &answers_v), ("profile", &profile_v)]);
    call.def()
        .cover
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let text = match (&line.field, call.cover_expr(i)) {
                (Some(f), _) => answers.get(f).map(text_of).unwrap_or_default(),
                (None, Some(e)) => eval_text(e, &scope).unwrap_or_default(),
                (None, None) => String::new(),
            };
            CoverLineText {
                label: line.label.clone(),
                text,
                suffix: line.suffix.clone(),
            }
        })
        .collect()
}

/// The cells of one row of summary table `table` (index into the call's summaries). A cell
/// whose answer is missing is empty; a cell whose expression fails is an `Err` with the
/// engine's message (a definition bug, not an applicant's).
pub fn summary_cells(
    call: &Call,
    table: usize,
    row: &RowContext,
    answers: &Map<String, Json>,
    profile: Option<&Json>,
) -> Vec<Result<String, String>> {
    let answers_v = to_cel(&Json::Object(answers.clone()));
    let profile_v = to_cel(profile.unwrap_or(&json!({})));
    let call_v = to_cel(&json!({ "id": call.id(), "year": call.def().year }));
    let mut row_json = serde_json::to_value(row).unwrap_or_default();
    // seq and rank are whole numbers in CEL too, so `row.seq` prints as 1, not 1.0.
    if let Some(o) = row_json.as_object_mut() {
        o.remove("seq");
        o.remove("rank");
    }
    let Value::Map(mut m) = to_cel(&row_json) else {
        return Vec::new();
    };
    let mut map = (*m.map).clone();
    map.insert(
        cel::objects::Key::String(Arc::new("seq".into())),
        Value::Int(i64::from(row.seq)),
    );
    map.insert(
        cel::objects::Key::String(Arc::new("rank".into())),
        Value::Int(i64::from(row.rank)),
    );
    m.map = Arc::new(map);
    let row_v = Value::Map(m);
    let scope = Scope::new(&[
        ("answers", &answers_v),
        ("profile", &profile_v),
        ("call", &call_v),
        ("row", &row_v),
    ]);
    call.summary_columns(table)
        .iter()
        .map(|e| eval_text(e, &scope))
        .collect()
}

/// A selected application's name and introduction on the public results page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    /// The case, product or project name.
    pub title: String,
    /// A short introduction, at most [`INTRODUCTION_CHARS`] characters plus "……".
    pub introduction: String,
}

/// The results-page entry of `app`, from the call's `[publication]` block evaluated over the
/// engine's normalised answers (hidden fields removed, computed ones filled in) and the
/// profile. A title that is missing or blank falls back to the profile's `name`; the
/// introduction has its whitespace runs collapsed to one space and is cut to
/// [`INTRODUCTION_CHARS`] characters followed by "……" when longer. Without a `[publication]`
/// block the title is the profile's name and the introduction is empty.
pub fn publication(call: &Call, app: &Application<'_>) -> Publication {
    let profile = app.profile.cloned().unwrap_or_else(|| json!({}));
    let (title, introduction) = match (call.listed_as(), call.publication()) {
        (None, None) => (String::new(), String::new()),
        (title, publication) => {
            let introduction = publication.map(|p| &p.introduction);
            let answers = crate::form::validate(call, app.target, app.answers).answers;
            let answers_v =
                crate::expr::answers_for(&answers, title.into_iter().chain(introduction));
            let profile_v = to_cel(&profile);
            let scope = Scope::new(&[("answers", &answers_v), ("profile", &profile_v)]);
            let text = |e: Option<&Expr>| {
                e.and_then(|e| eval_text(e, &scope).ok())
                    .unwrap_or_default()
            };
            (text(title), text(introduction))
        }
    };
    let title = match title.trim() {
        "" => profile
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .trim()
            .to_string(),
        t => t.to_string(),
    };
    Publication {
        title,
        introduction: shorten(&introduction, INTRODUCTION_CHARS),
    }
}

/// `text` on one line, cut to `max` characters plus "……" when longer. Characters are Unicode
/// scalar values: a Chinese character counts 1, as does each Latin letter.
fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max).collect();
    format!(
        "{}{}",
        cut.trim_end(),
        crate::messages::publication::ELLIPSIS
    )
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_introductions_are_cut_with_an_ellipsis() {
        assert_eq!(shorten("  短\n介绍  ", 120), "短 介绍");
        let long = "字".repeat(121);
        let cut = shorten(&long, 120);
        assert_eq!(cut, format!("{}……", "字".repeat(120)));
        assert_eq!(shorten(&"字".repeat(120), 120), "字".repeat(120));
    }
}
