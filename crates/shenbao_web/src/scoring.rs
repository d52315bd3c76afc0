//! Expert scores on the pages: the weighting, validation and ranking are
//! `shenbao_core::review`'s; this module adapts its problems to the pages and formats numbers.

use std::collections::BTreeMap;

use shenbao_core::call::definition::Criterion;
pub use shenbao_core::review::{
    Method, Options, Ranked, Sheet, criteria_for, rank, weighted_total,
};

/// A problem with a score sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreProblem {
    /// The criterion concerned.
    pub criterion: String,
    /// The Chinese message.
    pub message: String,
}

/// Every criterion scored, each a finite number from 0 to its maximum.
pub fn check_scores(criteria: &[&Criterion], scores: &BTreeMap<String, f64>) -> Vec<ScoreProblem> {
    shenbao_core::review::check_scores(criteria, scores)
        .into_iter()
        .map(|p| ScoreProblem {
            criterion: p.path,
            message: p.message,
        })
        .collect()
}

/// `80` rather than `80.0`, `7.5` as is.
pub fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
