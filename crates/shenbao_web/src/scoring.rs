//! Expert scores: the criteria of a direction, an expert's weighted total, the check of a
//! score sheet, and the ranking of a direction's applications from the submitted sheets.
//!
//! Replaced by shenbao_core::review on merge: the names and shapes here are those of the
//! core module being built alongside, so the web code does not change when it arrives.

use std::collections::BTreeMap;

use shenbao_core::call::Call;
use shenbao_core::call::compile::applies;
use shenbao_core::call::definition::Criterion;

use crate::strings as s;

/// One expert's submitted scores for one application: criterion id → score.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The application scored.
    pub application_id: i64,
    /// The expert's user id.
    pub expert_id: i64,
    /// Criterion id → score (0..=max_score).
    pub scores: BTreeMap<String, f64>,
}

/// How an application's score is made from its experts' totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// The mean of the totals.
    #[default]
    Mean,
    /// The mean without the highest and the lowest total, when there are at least three.
    TrimmedMean,
}

/// Ranking options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Mean or trimmed mean.
    pub method: Method,
    /// Rank by the mean of per-expert z-scores instead (corrects strict and lenient experts).
    pub normalise: bool,
}

/// One ranked application.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The application.
    pub application_id: i64,
    /// Each expert's weighted total, by expert id.
    pub expert_totals: Vec<(i64, f64)>,
    /// Mean of the totals.
    pub mean: f64,
    /// Trimmed mean of the totals (the mean when fewer than three).
    pub trimmed_mean: f64,
    /// Mean of the experts' z-scores, when normalising.
    pub normalised: Option<f64>,
    /// What the rank is by.
    pub score: f64,
    /// 1-based competition rank (1, 2, 2, 4).
    pub rank: u32,
    /// Whether another application has the same rank.
    pub tied: bool,
}

/// A problem with a score sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreProblem {
    /// The criterion concerned.
    pub criterion: String,
    /// The Chinese message.
    pub message: String,
}

/// The criteria that apply to `direction`, in the call's order.
pub fn criteria_for<'c>(call: &'c Call, direction: &str) -> Vec<&'c Criterion> {
    call.def()
        .criteria
        .iter()
        .filter(|c| applies(&c.directions, direction))
        .collect()
}

/// The weighted total out of 100: each score as a share of its maximum, times its weight.
/// Missing scores count 0.
pub fn weighted_total(criteria: &[&Criterion], scores: &BTreeMap<String, f64>) -> f64 {
    criteria
        .iter()
        .map(|c| {
            let v = scores.get(&c.id).copied().unwrap_or(0.0);
            if c.max_score > 0.0 {
                v / c.max_score * c.weight
            } else {
                0.0
            }
        })
        .sum()
}

/// Every criterion scored, each finite and within 0..=max.
pub fn check_scores(criteria: &[&Criterion], scores: &BTreeMap<String, f64>) -> Vec<ScoreProblem> {
    criteria
        .iter()
        .filter_map(|c| {
            let message = match scores.get(&c.id) {
                None => format!("{}：{}", c.name, s::EXPERT_SCORE_MISSING),
                Some(v) if !v.is_finite() || *v < 0.0 || *v > c.max_score => format!(
                    "{}：{}{}",
                    c.name,
                    s::EXPERT_SCORE_RANGE,
                    trim_number(c.max_score)
                ),
                Some(_) => return None,
            };
            Some(ScoreProblem {
                criterion: c.id.clone(),
                message,
            })
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

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn trimmed_mean(values: &[f64]) -> f64 {
    if values.len() < 3 {
        return mean(values);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    mean(&sorted[1..sorted.len() - 1])
}

/// Ranks the applications of `direction` that have at least one sheet, best first; ties
/// (equal scores at four decimals) share a rank and are ordered by application id.
pub fn rank(call: &Call, direction: &str, sheets: &[Sheet], options: Options) -> Vec<Ranked> {
    let criteria = criteria_for(call, direction);
    let mut totals: BTreeMap<i64, Vec<(i64, f64)>> = BTreeMap::new();
    let mut by_expert: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for sheet in sheets {
        let total = weighted_total(&criteria, &sheet.scores);
        totals
            .entry(sheet.application_id)
            .or_default()
            .push((sheet.expert_id, total));
        by_expert.entry(sheet.expert_id).or_default().push(total);
    }
    // Each expert's mean and standard deviation over the applications they scored.
    let stats: BTreeMap<i64, (f64, f64)> = by_expert
        .iter()
        .map(|(e, v)| {
            let m = mean(v);
            let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64;
            (*e, (m, var.sqrt()))
        })
        .collect();
    let mut ranked: Vec<Ranked> = totals
        .into_iter()
        .map(|(application_id, mut expert_totals)| {
            expert_totals.sort_by_key(|(e, _)| *e);
            let values: Vec<f64> = expert_totals.iter().map(|(_, t)| *t).collect();
            let m = mean(&values);
            let t = trimmed_mean(&values);
            let normalised = options.normalise.then(|| {
                let z: Vec<f64> = expert_totals
                    .iter()
                    .map(|(e, total)| match stats.get(e) {
                        Some((m, sd)) if *sd > 0.0 => (total - m) / sd,
                        _ => 0.0,
                    })
                    .collect();
                mean(&z)
            });
            let score = match (normalised, options.method) {
                (Some(z), _) => z,
                (None, Method::Mean) => m,
                (None, Method::TrimmedMean) => t,
            };
            Ranked {
                application_id,
                expert_totals,
                mean: m,
                trimmed_mean: t,
                normalised,
                score,
                rank: 0,
                tied: false,
            }
        })
        .collect();
    let key = |r: &Ranked| (r.score * 10_000.0).round() as i64;
    ranked.sort_by(|a, b| {
        key(b)
            .cmp(&key(a))
            .then(a.application_id.cmp(&b.application_id))
    });
    let keys: Vec<i64> = ranked.iter().map(key).collect();
    let mut rank = 0u32;
    for i in 0..ranked.len() {
        if i == 0 || keys[i] != keys[i - 1] {
            rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        ranked[i].rank = rank;
        ranked[i].tied =
            (i > 0 && keys[i] == keys[i - 1]) || (i + 1 < keys.len() && keys[i] == keys[i + 1]);
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(app: i64, expert: i64, score: f64) -> Sheet {
        Sheet {
            application_id: app,
            expert_id: expert,
            scores: [
                ("innovation", score),
                ("application_value", score),
                ("demonstration", score),
                ("market_prospect", score),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        }
    }

    fn gd() -> &'static Call {
        shenbao_core::call::builtin::all()
            .find_map(|c| c.ok().filter(|c| c.id() == "gd-2023-ai-scenarios"))
            .expect("gd call")
    }

    #[test]
    fn means_trimmed_means_and_ties() {
        let sheets = vec![
            sheet(1, 10, 90.0),
            sheet(1, 11, 80.0),
            sheet(1, 12, 40.0),
            sheet(2, 10, 70.0),
            sheet(2, 11, 70.0),
            sheet(3, 10, 70.0),
            sheet(3, 11, 70.0),
        ];
        let r = rank(gd(), "manufacturing", &sheets, Options::default());
        assert_eq!(r[0].application_id, 1);
        assert!((r[0].mean - 70.0).abs() < 1e-9);
        assert!((r[0].trimmed_mean - 80.0).abs() < 1e-9);
        // Mean: all three at 70, tied at rank 1.
        assert!(r.iter().all(|x| x.rank == 1 && x.tied));
        let t = rank(
            gd(),
            "manufacturing",
            &sheets,
            Options {
                method: Method::TrimmedMean,
                normalise: false,
            },
        );
        assert_eq!(
            t.iter()
                .map(|x| (x.application_id, x.rank, x.tied))
                .collect::<Vec<_>>(),
            vec![(1, 1, false), (2, 2, true), (3, 2, true)]
        );
    }

    #[test]
    fn scores_are_checked_against_the_criteria() {
        let criteria = criteria_for(gd(), "manufacturing");
        let mut scores = sheet(1, 1, 50.0).scores;
        assert!(check_scores(&criteria, &scores).is_empty());
        scores.insert("innovation".into(), 101.0);
        scores.insert("demonstration".into(), f64::NAN);
        scores.remove("market_prospect");
        let problems = check_scores(&criteria, &scores);
        assert_eq!(problems.len(), 3);
        assert!(problems[0].message.contains("100"));
    }
}
