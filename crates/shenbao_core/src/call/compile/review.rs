//! Checks of what the reviewers work with: the expert criteria and their weights, and the
//! summary tables a review level fills in, whose column expressions are compiled here.
//!
//! Must not: compute scores or fill tables (`crate::review` and `crate::output` do).

use std::collections::HashSet;

use super::checker::Checker;
use super::{SUMMARY_VARS, applies};
use crate::call::definition::{CallDef, CallKind};
use crate::expr::Expr;
use crate::messages::definition as msg;

/// Checks the criteria's ids, directions, weights and scales, and that each direction's
/// weights add up to 100 when the call has criteria.
pub(super) fn check_criteria(c: &mut Checker<'_>, def: &CallDef, directions: &HashSet<&str>) {
    let mut crit_ids = HashSet::new();
    for (i, cr) in def.criteria.iter().enumerate() {
        c.unique_id(
            &mut crit_ids,
            &format!("criterion[{i}].id"),
            "评审指标",
            &cr.id,
        );
        c.directions(
            &format!("criterion[{i}].directions"),
            &cr.directions,
            directions,
        );
        if cr.weight <= 0.0 || cr.max_score <= 0.0 {
            c.err(
                format!("criterion[{i}].weight"),
                msg::other("权重和满分须大于 0"),
            );
        }
    }
    if def.kind == CallKind::Collection {
        if !def.criteria.is_empty() {
            c.err("criterion", msg::collection("criterion"));
        }
        if def.publication.is_some() {
            c.err("publication", msg::collection("publication"));
        }
    }
    if !def.criteria.is_empty() {
        for d in &def.directions {
            let sum: f64 = def
                .criteria
                .iter()
                .filter(|cr| applies(&cr.directions, &d.id))
                .map(|cr| cr.weight)
                .sum();
            if (sum - 100.0).abs() > 1e-6 {
                c.err("criterion", msg::weights(&d.id, sum));
            }
        }
    }
}

/// Checks the summary tables and compiles their columns, one list per table.
pub(super) fn compile_summaries(
    c: &mut Checker<'_>,
    def: &CallDef,
    directions: &HashSet<&str>,
    levels: &HashSet<&str>,
    field_index: &super::FieldIndex,
    answer_ids: &HashSet<String>,
) -> Vec<Vec<Expr>> {
    let mut summary_ids = HashSet::new();
    let mut summary_columns = Vec::new();
    for (i, t) in def.summaries.iter().enumerate() {
        let path = format!("summary[{i}]");
        c.unique_id(&mut summary_ids, &format!("{path}.id"), "汇总表", &t.id);
        if let Some(l) = &t.level
            && !levels.contains(l.as_str())
        {
            c.err(format!("{path}.level"), msg::unknown_ref("评审层级", l));
        }
        c.directions(&format!("{path}.directions"), &t.directions, directions);
        if t.columns.is_empty() {
            c.err(format!("{path}.column"), msg::other("汇总表至少需要一列"));
        }
        let mut exprs = Vec::new();
        for (k, col) in t.columns.iter().enumerate() {
            let at = format!("{path}.column[{k}].value");
            super::members::check_reads(c, &at, &col.value, def, field_index);
            if let Some(e) = c.expr(&at, &col.value, SUMMARY_VARS, answer_ids) {
                exprs.push(e);
            }
        }
        summary_columns.push(exprs);
    }
    summary_columns
}
