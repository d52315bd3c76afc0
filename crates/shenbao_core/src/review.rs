//! Expert review (专家评审): checking score sheets and aggregating them into a ranking.
//!
//! Each expert fills in one [`Sheet`] per application: a score from 0 to the criterion's
//! `max_score` for every criterion of the application's direction. A sheet's weighted total
//! is Σ score / max_score × weight, on 0..100 because a direction's weights add up to 100.
//! [`rank`] aggregates the totals per application (mean or trimmed mean), optionally after
//! z-score normalisation per expert, and ranks the applications.
//!
//! The arithmetic (mean, population standard deviation, trimming) is hand-written: it is a
//! few lines, and a statistics crate would add a dependency for three functions.

use crate::form::Code;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::call::definition::Criterion;
use crate::call::{Call, applies};
use crate::form::{Problem, Severity};
use crate::messages::review as msg;

/// Scores closer than this to each other count as equal; see [`rank_key`].
const TIE_DECIMALS: i32 = 4;

/// A standard deviation at or below this counts as zero: equal totals can leave a few ulps of
/// rounding noise, and dividing by that noise would give meaningless z-scores.
const SD_EPSILON: f64 = 1e-9;

/// One expert's scores for one application, keyed by criterion id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// The application scored.
    pub application_id: i64,
    /// The expert who scored it.
    pub expert_id: i64,
    /// Score per criterion id, 0..=max_score.
    pub scores: BTreeMap<String, f64>,
}

/// How the experts' totals of one application are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The arithmetic mean of all experts.
    #[default]
    Mean,
    /// The mean after dropping one highest and one lowest total (去掉一个最高分和一个最低分),
    /// when there are at least three experts; otherwise the plain mean.
    TrimmedMean,
}

/// How [`rank`] aggregates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// Mean or trimmed mean.
    pub method: Method,
    /// Rank by per-expert z-scores instead of raw totals, so that a lenient and a harsh expert
    /// weigh the same.
    pub normalise: bool,
}

/// One application's aggregated result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// The application.
    pub application_id: i64,
    /// (expert id, weighted total on 0..100), sorted by expert id.
    pub expert_totals: Vec<(i64, f64)>,
    /// Mean of the weighted totals.
    pub mean: f64,
    /// Mean without one highest and one lowest total when there are at least 3 experts,
    /// else equal to `mean`.
    pub trimmed_mean: f64,
    /// With `normalise`: the mean (or trimmed mean, per method) of the experts' z-scores.
    pub normalised: Option<f64>,
    /// The figure ranked by: per method, z-based when normalising.
    pub score: f64,
    /// Competition ranking (1, 2, 2, 4) in descending score.
    pub rank: u32,
    /// True when another application shares this rank.
    pub tied: bool,
}

/// The criteria of `direction`, in definition order.
pub fn criteria_for<'c>(call: &'c Call, direction: &str) -> Vec<&'c Criterion> {
    call.def()
        .criteria
        .iter()
        .filter(|c| applies(&c.directions, direction))
        .collect()
}

/// Σ score / max_score × weight over `criteria`: the sheet's total on 0..100. A missing score
/// counts as 0 here; [`check_scores`] reports it.
pub fn weighted_total(criteria: &[&Criterion], scores: &BTreeMap<String, f64>) -> f64 {
    criteria
        .iter()
        .filter(|c| c.max_score > 0.0)
        .map(|c| scores.get(&c.id).copied().unwrap_or(0.0) / c.max_score * c.weight)
        .sum()
}

/// Every problem with a sheet's scores: a criterion without a score, a score that is not a
/// finite number or lies outside 0..=max_score, and a score for a criterion not in
/// `criteria`. Each problem's path is the criterion id.
pub fn check_scores(criteria: &[&Criterion], scores: &BTreeMap<String, f64>) -> Vec<Problem> {
    let mut out = Vec::new();
    for c in criteria {
        match scores.get(&c.id) {
            None => out.push(Problem::new(
                c.id.clone(),
                Code::ScoreMissing,
                Severity::Error,
                msg::score_missing(&c.name),
            )),
            Some(s) if !s.is_finite() => out.push(Problem::new(
                c.id.clone(),
                Code::ScoreNotANumber,
                Severity::Error,
                msg::score_not_a_number(&c.name),
            )),
            Some(s) if *s < 0.0 || *s > c.max_score => out.push(Problem::new(
                c.id.clone(),
                Code::ScoreOutOfRange,
                Severity::Error,
                msg::score_out_of_range(&c.name, c.max_score),
            )),
            Some(_) => {}
        }
    }
    for id in scores.keys() {
        if !criteria.iter().any(|c| &c.id == id) {
            out.push(Problem::new(
                id.clone(),
                Code::UnknownCriterion,
                Severity::Error,
                msg::unknown_criterion(id),
            ));
        }
    }
    out
}

/// Aggregates the sheets of `direction`'s applications and ranks them, best first; equal
/// ranks are ordered by application id.
///
/// - A sheet that fails [`check_scores`] is left out: check sheets when they are entered.
///   When an expert has several sheets for one application, the last one counts.
/// - Applications without a (valid) sheet are not in the output.
/// - Normalisation: for each expert, the mean and population standard deviation of that
///   expert's weighted totals over all sheets passed in; each sheet's z = (total − mean) / sd.
///   An expert with a single sheet, or whose totals are all equal (sd = 0), says nothing about
///   their leniency, so all their sheets get z = 0.
/// - Ties: scores are compared after rounding to 4 decimal places, the precision results are
///   shown with. Two applications that look equal to the people reading the list share a
///   rank, rather than being separated by floating-point noise they cannot see.
pub fn rank(call: &Call, direction: &str, sheets: &[Sheet], options: Options) -> Vec<Ranked> {
    let criteria = criteria_for(call, direction);
    // (application, expert) → weighted total; a later sheet replaces an earlier one.
    let mut totals: BTreeMap<(i64, i64), f64> = BTreeMap::new();
    for s in sheets {
        if check_scores(&criteria, &s.scores).is_empty() {
            totals.insert(
                (s.application_id, s.expert_id),
                weighted_total(&criteria, &s.scores),
            );
        }
    }
    let z = if options.normalise {
        z_scores(&totals)
    } else {
        BTreeMap::new()
    };

    // BTreeMap order: by application, then by expert.
    let mut by_app: BTreeMap<i64, Vec<(i64, f64)>> = BTreeMap::new();
    for (&(app, expert), &t) in &totals {
        by_app.entry(app).or_default().push((expert, t));
    }
    let combine = |xs: &[f64]| match options.method {
        Method::Mean => mean(xs),
        Method::TrimmedMean => trimmed_mean(xs),
    };
    let mut out: Vec<Ranked> = by_app
        .into_iter()
        .map(|(application_id, expert_totals)| {
            let xs: Vec<f64> = expert_totals.iter().map(|&(_, t)| t).collect();
            let normalised = options.normalise.then(|| {
                let zs: Vec<f64> = expert_totals
                    .iter()
                    .map(|&(e, _)| z.get(&(application_id, e)).copied().unwrap_or(0.0))
                    .collect();
                combine(&zs)
            });
            let score = normalised.unwrap_or_else(|| combine(&xs));
            Ranked {
                application_id,
                mean: mean(&xs),
                trimmed_mean: trimmed_mean(&xs),
                expert_totals,
                normalised,
                score,
                rank: 0,
                tied: false,
            }
        })
        .collect();

    out.sort_by(|a, b| {
        rank_key(b.score)
            .cmp(&rank_key(a.score))
            .then(a.application_id.cmp(&b.application_id))
    });
    let keys: Vec<i64> = out.iter().map(|r| rank_key(r.score)).collect();
    let mut current = 0;
    for (i, r) in out.iter_mut().enumerate() {
        if i == 0 || keys[i] != keys[i - 1] {
            current = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        r.rank = current;
        r.tied = (i > 0 && keys[i - 1] == keys[i]) || keys.get(i + 1) == Some(&keys[i]);
    }
    out
}

/// A score rounded to [`TIE_DECIMALS`] places, as an integer to compare exactly.
fn rank_key(score: f64) -> i64 {
    // Float-to-int `as` saturates (and maps NaN to 0), which is all a key needs.
    (score * 10f64.powi(TIE_DECIMALS)).round() as i64
}

/// Per-sheet z-scores, each expert normalised over all of their sheets.
fn z_scores(totals: &BTreeMap<(i64, i64), f64>) -> BTreeMap<(i64, i64), f64> {
    let mut by_expert: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for (&(_, expert), &t) in totals {
        by_expert.entry(expert).or_default().push(t);
    }
    let stats: BTreeMap<i64, Option<(f64, f64)>> = by_expert
        .into_iter()
        .map(|(e, xs)| {
            let m = mean(&xs);
            let sd = population_sd(&xs, m);
            (e, (xs.len() > 1 && sd > SD_EPSILON).then_some((m, sd)))
        })
        .collect();
    totals
        .iter()
        .map(|(&key, &t)| {
            let z = match stats.get(&key.1).copied().flatten() {
                Some((m, sd)) => (t - m) / sd,
                None => 0.0,
            };
            (key, z)
        })
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

fn population_sd(xs: &[f64], mean: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt()
}

fn trimmed_mean(xs: &[f64]) -> f64 {
    if xs.len() < 3 {
        return mean(xs);
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    mean(&sorted[1..sorted.len() - 1])
}
