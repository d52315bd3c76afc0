//! Eligibility rules (申报条件): the call's CEL expressions evaluated over the answers, the
//! applicant's profile and the call.

use crate::form::Code;
use std::sync::Arc;

use cel::Value;
use serde_json::{Map, Value as Json, json};

use super::{Problem, Severity};
use crate::call::definition::RuleSeverity;
use crate::call::{Call, Target};
use crate::expr::{Scope, answers_for, to_cel};

/// Evaluates the rules of `target`'s direction. `answers` are the engine's normalised answers
/// (see [`super::Report::answers`]). A rule whose inputs are missing is skipped: the missing
/// fields are reported by the field checks.
pub fn check_rules(
    call: &Call,
    target: Target<'_>,
    answers: &Map<String, Json>,
    profile: Option<&Json>,
) -> Vec<Problem> {
    let rules: Vec<_> = call.rules_for(target.direction).collect();
    let answers_v = answers_for(
        answers,
        rules
            .iter()
            .flat_map(|(_, c)| std::iter::once(&c.expr).chain(c.when.as_ref())),
    );
    let profile_v = to_cel(profile.unwrap_or(&json!({})));
    let call_v = to_cel(&json!({ "id": call.id(), "year": call.def().year }));
    let direction_v = Value::String(Arc::new(target.direction.to_string()));
    let sub_v = Value::String(Arc::new(target.subdirection.unwrap_or("").to_string()));
    let scope = Scope::new(&[
        ("answers", &answers_v),
        ("profile", &profile_v),
        ("call", &call_v),
        ("direction", &direction_v),
        ("subdirection", &sub_v),
    ]);
    let mut out = Vec::new();
    for (rule, compiled) in rules {
        if let Some(when) = &compiled.when
            && when.eval_in(&scope) != Ok(Value::Bool(true))
        {
            continue;
        }
        if compiled.expr.eval_in(&scope) == Ok(Value::Bool(false)) {
            let severity = match rule.severity {
                RuleSeverity::Error => Severity::Error,
                RuleSeverity::Warning => Severity::Warning,
            };
            let mut p = Problem::new(
                rule.field.clone().unwrap_or_default(),
                Code::RuleFailed,
                severity,
                if rule.owner_choice {
                    crate::messages::answer::owner_choice(&rule.message)
                } else {
                    rule.message.clone()
                },
            );
            p.rule = Some(rule.id.clone());
            out.push(p);
        }
    }
    out
}
