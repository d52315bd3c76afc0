//! CEL (Common Expression Language, the `cel` crate) as shenbao uses it: eligibility rules,
//! computed fields and summary-table cells are CEL expressions written in call definitions.
//!
//! This module compiles expressions, checks which variables they may use, converts answers
//! (JSON) into CEL values and evaluates. It must not know about forms or calls.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use cel::objects::{Key, Map};
use cel::{Context, Env, Program, Value};
use serde_json::Value as Json;

/// CEL's standard environment (functions and macros), built once: building it for every
/// evaluation cost more than the evaluation itself.
static STDLIB: LazyLock<Arc<Env>> = LazyLock::new(|| Arc::new(Env::stdlib()));

/// A compiled CEL expression with its source text.
#[derive(Debug)]
pub struct Expr {
    source: String,
    program: Program,
    /// The answers this expression reads, when every use of `answers` is `answers.<id>`;
    /// `None` when it uses `answers` otherwise (indexing, passing it whole).
    answer_keys: Option<Vec<String>>,
}

/// Variables prepared once for evaluating several expressions.
pub struct Scope {
    ctx: Context<'static, 'static>,
}

impl Scope {
    /// A scope holding `vars` on top of CEL's standard environment.
    pub fn new(vars: &[(&str, &Value)]) -> Scope {
        let mut ctx = Context::with_env(Arc::clone(&STDLIB));
        for (name, value) in vars {
            ctx.add_variable_from_value(*name, (*value).clone());
        }
        Scope { ctx }
    }
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scope")
    }
}

/// Why an expression could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// Syntax error, with the parser's message.
    #[error("CEL syntax error: {0}")]
    Syntax(String),
    /// The expression uses a variable that is not available where it is evaluated.
    #[error("unknown variable `{name}` (available: {allowed})")]
    UnknownVariable {
        /// The variable used.
        name: String,
        /// The variables available, comma-separated.
        allowed: String,
    },
}

impl ExprError {
    /// Where the first syntax error is (1-based line and column in the expression) and the
    /// parser's picture of it (the expression line and a caret line), for a message in the
    /// user's language; `None` for other errors or a message of another shape.
    pub fn syntax_position(&self) -> Option<(usize, usize, String)> {
        let ExprError::Syntax(text) = self else {
            return None;
        };
        // cel-parser writes `ERROR: <input>:LINE:COLUMN: …` and then `| …` lines.
        let mut lines = text.lines();
        let first = lines.next()?;
        let at = first.split("<input>:").nth(1)?;
        let mut parts = at.splitn(3, ':');
        let line = parts.next()?.trim().parse().ok()?;
        let column = parts.next()?.trim().parse().ok()?;
        let picture: Vec<&str> = lines.take_while(|l| l.starts_with('|')).collect();
        Some((line, column, picture.join("\n")))
    }
}

/// Why an evaluation gave no usable result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalOutcome {
    /// The expression read an answer that is not there (yet): nothing to say.
    Missing,
    /// Any other failure (a type mismatch, division by zero…), with the engine's message.
    Failed(String),
}

impl Expr {
    /// Compiles `source`, allowing only the variables in `allowed`.
    pub fn compile(source: &str, allowed: &[&str]) -> Result<Expr, ExprError> {
        let program = Program::compile(source).map_err(|e| ExprError::Syntax(e.to_string()))?;
        let refs = program.references();
        let mut used = refs.variables();
        used.sort_unstable();
        let bound = comprehension_vars(source);
        for name in used {
            if !allowed.contains(&name) && !bound.iter().any(|b| b == name) {
                return Err(ExprError::UnknownVariable {
                    name: name.to_string(),
                    allowed: allowed.join(", "),
                });
            }
        }
        let plain = source
            .match_indices("answers")
            .filter(|(i, _)| {
                !source[..*i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            })
            .all(|(i, m)| source[i + m.len()..].starts_with('.'));
        Ok(Expr {
            source: source.to_string(),
            answer_keys: plain.then(|| answer_refs(source)),
            program,
        })
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates with the given variables. To evaluate several expressions over the same
    /// variables, build a [`Scope`] once and use [`Expr::eval_in`]: adding a variable converts
    /// it deeply, which costs more than most evaluations.
    pub fn eval(&self, vars: &[(&str, &Value)]) -> Result<Value, EvalOutcome> {
        self.eval_in(&Scope::new(vars))
    }

    /// Evaluates in a prepared scope.
    pub fn eval_in(&self, scope: &Scope) -> Result<Value, EvalOutcome> {
        self.program.execute(&scope.ctx).map_err(|e| {
            if matches!(e, cel::ExecutionError::NoSuchKey(_)) {
                EvalOutcome::Missing
            } else {
                EvalOutcome::Failed(e.to_string())
            }
        })
    }

    /// The answers this expression can read, if that is known exactly: evaluating it needs
    /// only these keys of `answers`, which saves converting the rest.
    pub fn answer_keys(&self) -> Option<&[String]> {
        self.answer_keys.as_deref()
    }

    /// Field ids this expression reads as `answers.<id>` (found textually; used to check
    /// that a definition refers to fields that exist).
    pub fn answer_refs(&self) -> Vec<String> {
        answer_refs(&self.source)
    }
}

/// Variables bound by comprehension macros (`list.exists(m, …)` binds `m`), which the
/// parser reports among the referenced variables.
fn comprehension_vars(source: &str) -> Vec<String> {
    const MACROS: &[&str] = &["all(", "exists(", "exists_one(", "map(", "filter("];
    let mut out = Vec::new();
    for m in MACROS {
        for (pos, _) in source.match_indices(m) {
            if !source[..pos].ends_with('.') {
                continue;
            }
            let args = &source[pos + m.len()..];
            let name: String = args
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty()
                && args.trim_start()[name.len()..]
                    .trim_start()
                    .starts_with(',')
            {
                out.push(name);
            }
        }
    }
    out
}

/// Field ids referenced as `answers.<id>` in `source`.
pub fn answer_refs(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(pos) = rest.find("answers.") {
        let before_ok = pos == 0
            || !rest[..pos]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let tail = &rest[pos + "answers.".len()..];
        let id: String = tail
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if before_ok && !id.is_empty() && !out.contains(&id) {
            out.push(id.clone());
        }
        rest = &tail[id.len()..];
    }
    out
}

/// The part of `answers` that `exprs` can read: only the keys they name when all of them
/// name their keys, else everything.
pub fn answers_for<'e>(
    answers: &serde_json::Map<String, Json>,
    exprs: impl IntoIterator<Item = &'e Expr>,
) -> Value {
    let mut keys: Vec<&str> = Vec::new();
    for e in exprs {
        match e.answer_keys() {
            Some(k) => keys.extend(k.iter().map(String::as_str)),
            None => return to_cel(&Json::Object(answers.clone())),
        }
    }
    let m: HashMap<Key, Value> = keys
        .into_iter()
        .filter_map(|k| {
            answers
                .get(k)
                .map(|v| (Key::String(Arc::new(k.to_string())), to_cel(v)))
        })
        .collect();
    Value::Map(Map { map: Arc::new(m) })
}

/// Converts JSON into a CEL value. Every number becomes a float, so arithmetic between
/// answers never falls into integer division.
pub fn to_cel(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(items) => Value::List(Arc::new(items.iter().map(to_cel).collect())),
        Json::Object(map) => {
            let m: HashMap<Key, Value> = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            Value::Map(Map { map: Arc::new(m) })
        }
    }
}

/// Converts a CEL result back to JSON (for computed fields and table cells).
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(
            m.map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Key::String(s) => s.to_string(),
                        Key::Int(i) => i.to_string(),
                        Key::Uint(u) => u.to_string(),
                        Key::Bool(b) => b.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        other => Json::String(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_floats_so_division_is_exact() {
        let e = Expr::compile("answers.a / answers.b * 100.0", &["answers"]).unwrap();
        let v = to_cel(&json!({"a": 3, "b": 4}));
        assert_eq!(e.eval(&[("answers", &v)]), Ok(Value::Float(75.0)));
    }

    #[test]
    fn int_literals_compare_with_float_answers() {
        let e = Expr::compile("answers.p >= 8", &["answers"]).unwrap();
        let v = to_cel(&json!({"p": 8}));
        assert_eq!(e.eval(&[("answers", &v)]), Ok(Value::Bool(true)));
    }

    #[test]
    fn a_missing_answer_is_reported_as_missing() {
        let e = Expr::compile("answers.p >= 8", &["answers"]).unwrap();
        let v = to_cel(&json!({}));
        assert_eq!(e.eval(&[("answers", &v)]), Err(EvalOutcome::Missing));
    }

    #[test]
    fn unknown_variables_and_bad_syntax_are_rejected() {
        assert!(matches!(
            Expr::compile("answer.p > 1", &["answers"]),
            Err(ExprError::UnknownVariable { .. })
        ));
        assert!(matches!(
            Expr::compile("answers.p >", &["answers"]),
            Err(ExprError::Syntax(_))
        ));
    }

    #[test]
    fn only_the_answers_an_expression_names_are_converted() {
        let e = Expr::compile("answers.a > 1 && has(answers.b)", &["answers"]).unwrap();
        assert_eq!(
            e.answer_keys(),
            Some(&["a".to_string(), "b".to_string()][..])
        );
        let whole = Expr::compile("answers['a'] > 1", &["answers"]).unwrap();
        assert_eq!(whole.answer_keys(), None);
        let m = json!({"a": 2, "b": 1, "c": 3});
        let m = m.as_object().unwrap();
        let Value::Map(part) = answers_for(m, [&e]) else {
            panic!("map")
        };
        assert_eq!(part.map.len(), 2);
        let Value::Map(all) = answers_for(m, [&e, &whole]) else {
            panic!("map")
        };
        assert_eq!(all.map.len(), 3);
        assert_eq!(
            whole.eval(&[("answers", &Value::Map(all))]),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn answer_refs_are_found() {
        assert_eq!(
            answer_refs("answers.a > 1 && has(answers.b_c) && xanswers.z == 1 && answers.a < 3"),
            vec!["a".to_string(), "b_c".to_string()]
        );
    }

    #[test]
    fn exists_macro_works_on_rows() {
        let e = Expr::compile("answers.m.exists(x, x.role == '应用方')", &["answers"]).unwrap();
        let v = to_cel(&json!({"m": [{"role": "技术提供方"}, {"role": "应用方"}]}));
        assert_eq!(e.eval(&[("answers", &v)]), Ok(Value::Bool(true)));
    }
}
