//! Checks and compiles the eligibility rules, and checks the per-applicant limits.
//!
//! Must not: evaluate a rule; the form engine does, with the answers.

use std::collections::HashSet;

use super::FieldIndex;
use super::checker::Checker;
use super::members::check_reads;
use super::{CompiledRule, RULE_VARS};
use crate::call::definition::CallDef;
use crate::messages::definition as msg;

/// Checks every rule and compiles its guard and condition. A rule whose condition does not
/// compile is left out (the problem is reported).
pub(super) fn compile_rules(
    c: &mut Checker<'_>,
    def: &CallDef,
    directions: &HashSet<&str>,
    answer_ids: &HashSet<String>,
    index: &FieldIndex,
) -> Vec<CompiledRule> {
    let mut rule_ids = HashSet::new();
    let mut rules = Vec::new();
    for (i, r) in def.rules.iter().enumerate() {
        let path = format!("rule[{i}]");
        c.unique_id(&mut rule_ids, &format!("{path}.id"), "规则", &r.id);
        if let Some(f) = &r.field
            && !answer_ids.contains(f)
        {
            c.err(format!("{path}.field"), msg::unknown_ref("字段", f));
        }
        c.directions(&format!("{path}.directions"), &r.directions, directions);
        if let Some(w) = &r.when {
            check_reads(c, &format!("{path}.when"), w, def, index);
        }
        check_reads(c, &format!("{path}.expr"), &r.expr, def, index);
        let when = r
            .when
            .as_ref()
            .and_then(|w| c.expr(&format!("{path}.when"), w, RULE_VARS, answer_ids));
        if let Some(expr) = c.expr(&format!("{path}.expr"), &r.expr, RULE_VARS, answer_ids) {
            rules.push(CompiledRule {
                index: i,
                when,
                expr,
            });
        }
    }
    rules
}

/// Checks the groups of mutually exclusive directions.
/// Checks the earlier calls of the exclusions: ids of the shape of a call's id, not this call,
/// each once. Whether they exist is known only on a server (a call may be loaded later).
pub(super) fn check_exclusions(c: &mut Checker<'_>, def: &CallDef) {
    let mut seen = HashSet::new();
    for (i, id) in def.exclusions.calls.iter().enumerate() {
        let path = format!("exclusions.calls[{i}]");
        let shaped = !id.is_empty()
            && id.split('-').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            });
        if !shaped {
            c.err(path, msg::bad_id(id, "通知的 id，如 zj-2025-ai-jbgs"));
        } else if *id == def.id {
            c.err(path, msg::other("排除的往期通知不能是本通知自己"));
        } else if !seen.insert(id.as_str()) {
            c.err(path, msg::duplicate("通知", id));
        }
    }
}

/// Checks the consortium rule: at least one member, known directions.
pub(super) fn check_consortium(c: &mut Checker<'_>, def: &CallDef, directions: &HashSet<&str>) {
    if let Some(k) = &def.consortium {
        if k.max_members == 0 {
            c.err("consortium.max_members", msg::other("联合体成员至少1家"));
        }
        c.directions("consortium.directions", &k.directions, directions);
    }
}

pub(super) fn check_limits(c: &mut Checker<'_>, def: &CallDef, directions: &HashSet<&str>) {
    for (i, group) in def.limits.exclusive.iter().enumerate() {
        c.directions(&format!("limits.exclusive[{i}]"), group, directions);
        if group.len() < 2 {
            c.err(
                format!("limits.exclusive[{i}]"),
                msg::other("互斥的方向至少要有两个"),
            );
        }
    }
}
