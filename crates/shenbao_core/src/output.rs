//! Text of the printed parts of an application that come from expressions: cover-page lines
//! and summary-table cells. Documents (DOCX, PDF, XLSX) lay these out; this module only says
//! what each line or cell contains.

use std::sync::Arc;

use cel::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json, json};

use crate::call::Call;
use crate::expr::{EvalOutcome, Expr, Scope, to_cel};

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
