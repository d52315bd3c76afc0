//! Expert-score aggregation on the 山东 典型应用案例 call, whose criteria weigh 25/15/20/20/20:
//! weighted totals, mean and trimmed mean, z-score normalisation, ties and refused sheets.

use std::collections::BTreeMap;

use shenbao_core::call::{Call, builtin};
use shenbao_core::review::{
    Method, Options, Ranked, Sheet, check_scores, criteria_for, rank, weighted_total,
};

const DIRECTION: &str = "case";

fn call() -> &'static Call {
    builtin::get("sd-2024-llm-cases")
        .expect("seed listed")
        .expect("seed compiles")
}

/// A sheet giving every criterion the same score, so its weighted total is that score.
fn flat(application_id: i64, expert_id: i64, score: f64) -> Sheet {
    let scores = criteria_for(call(), DIRECTION)
        .iter()
        .map(|c| (c.id.clone(), score))
        .collect();
    Sheet {
        application_id,
        expert_id,
        scores,
    }
}

fn scores(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn find(ranked: &[Ranked], app: i64) -> &Ranked {
    ranked
        .iter()
        .find(|r| r.application_id == app)
        .unwrap_or_else(|| panic!("application {app} ranked"))
}

fn order(ranked: &[Ranked]) -> Vec<i64> {
    ranked.iter().map(|r| r.application_id).collect()
}

#[test]
fn the_weighted_total_applies_the_criteria_weights() {
    let criteria = criteria_for(call(), DIRECTION);
    let weights: Vec<f64> = criteria.iter().map(|c| c.weight).collect();
    assert_eq!(weights, vec![25.0, 15.0, 20.0, 20.0, 20.0]);
    let s = scores(&[
        ("tech_level", 80.0),
        ("representativeness", 60.0),
        ("demonstration", 70.0),
        ("innovation", 90.0),
        ("promotion_value", 50.0),
    ]);
    // 0.25×80 + 0.15×60 + 0.2×70 + 0.2×90 + 0.2×50 = 20 + 9 + 14 + 18 + 10
    assert!(close(weighted_total(&criteria, &s), 71.0));
    let full = scores(&[
        ("tech_level", 100.0),
        ("representativeness", 100.0),
        ("demonstration", 100.0),
        ("innovation", 100.0),
        ("promotion_value", 100.0),
    ]);
    assert!(close(weighted_total(&criteria, &full), 100.0));
}

#[test]
fn trimmed_mean_drops_one_highest_and_one_lowest_with_three_experts() {
    let sheets = [flat(1, 11, 60.0), flat(1, 12, 90.0), flat(1, 13, 80.0)];
    let r = rank(call(), DIRECTION, &sheets, Options::default());
    let a = find(&r, 1);
    assert_eq!(
        a.expert_totals.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![11, 12, 13]
    );
    assert!(close(a.mean, 230.0 / 3.0));
    assert!(close(a.trimmed_mean, 80.0));
    assert!(close(a.score, a.mean), "Mean is the default method");
    let t = rank(
        call(),
        DIRECTION,
        &sheets,
        Options {
            method: Method::TrimmedMean,
            normalise: false,
        },
    );
    assert!(close(t[0].score, 80.0));
    assert_eq!(t[0].normalised, None);
}

#[test]
fn trimmed_mean_with_five_experts_and_fallback_with_two() {
    let five: Vec<Sheet> = [40.0, 70.0, 75.0, 80.0, 100.0]
        .iter()
        .zip(1..)
        .map(|(&s, e)| flat(1, e, s))
        .collect();
    let r = rank(call(), DIRECTION, &five, Options::default());
    assert!(close(r[0].mean, 73.0));
    assert!(close(r[0].trimmed_mean, 75.0));

    let two = [flat(2, 1, 60.0), flat(2, 2, 90.0)];
    let r = rank(
        call(),
        DIRECTION,
        &two,
        Options {
            method: Method::TrimmedMean,
            normalise: false,
        },
    );
    assert!(close(r[0].mean, 75.0));
    assert!(close(r[0].trimmed_mean, 75.0), "two experts: plain mean");
    assert!(close(r[0].score, 75.0));
}

#[test]
fn trimming_can_change_the_order() {
    // Application 1 has one outlying high total; application 2 is consistently good.
    let sheets = [
        flat(1, 1, 100.0),
        flat(1, 2, 70.0),
        flat(1, 3, 70.0),
        flat(2, 1, 80.0),
        flat(2, 2, 78.0),
        flat(2, 3, 76.0),
    ];
    let mean = rank(call(), DIRECTION, &sheets, Options::default());
    assert_eq!(order(&mean), vec![1, 2]);
    let trimmed = rank(
        call(),
        DIRECTION,
        &sheets,
        Options {
            method: Method::TrimmedMean,
            normalise: false,
        },
    );
    assert_eq!(order(&trimmed), vec![2, 1]);
    assert!(close(find(&trimmed, 1).score, 70.0));
    assert!(close(find(&trimmed, 2).score, 78.0));
}

#[test]
fn normalising_evens_out_a_lenient_and_a_harsh_expert() {
    // Expert 1 is lenient and scored applications 1 and 2; expert 2 is harsh and scored 3
    // and 4; expert 3 scored all four.
    let sheets = [
        flat(1, 1, 85.0),
        flat(2, 1, 95.0),
        flat(3, 2, 60.0),
        flat(4, 2, 70.0),
        flat(1, 3, 70.0),
        flat(2, 3, 72.0),
        flat(3, 3, 74.0),
        flat(4, 3, 76.0),
    ];
    let raw = rank(call(), DIRECTION, &sheets, Options::default());
    // Means: 1 → 77.5, 2 → 83.5, 3 → 67, 4 → 73.
    assert_eq!(order(&raw), vec![2, 1, 4, 3]);
    assert!(close(find(&raw, 1).mean, 77.5));

    let z = rank(
        call(),
        DIRECTION,
        &sheets,
        Options {
            method: Method::Mean,
            normalise: true,
        },
    );
    // Experts 1 and 2: mean ±5 apart, sd 5, so z = ∓1. Expert 3: mean 73, sd √5.
    let s5 = 5f64.sqrt();
    let expected = [
        (1, (-1.0 + (70.0 - 73.0) / s5) / 2.0),
        (2, (1.0 + (72.0 - 73.0) / s5) / 2.0),
        (3, (-1.0 + (74.0 - 73.0) / s5) / 2.0),
        (4, (1.0 + (76.0 - 73.0) / s5) / 2.0),
    ];
    for (app, value) in expected {
        let r = find(&z, app);
        assert!(
            r.normalised.is_some_and(|n| close(n, value)),
            "application {app}: {:?} vs {value}",
            r.normalised
        );
        assert!(close(r.score, value));
        assert!(close(r.mean, find(&raw, app).mean), "raw mean still given");
    }
    assert_eq!(order(&z), vec![4, 2, 3, 1]);
    assert_eq!(
        z.iter().map(|r| r.rank).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
}

#[test]
fn an_expert_with_one_sheet_or_equal_totals_contributes_zero() {
    let sheets = [
        // Expert 1 scored only application 1.
        flat(1, 1, 99.0),
        // Expert 2 gave everyone the same total.
        flat(1, 2, 80.0),
        flat(2, 2, 80.0),
        // Expert 3 discriminates.
        flat(1, 3, 60.0),
        flat(2, 3, 80.0),
    ];
    let z = rank(
        call(),
        DIRECTION,
        &sheets,
        Options {
            method: Method::Mean,
            normalise: true,
        },
    );
    // Application 1: (0 + 0 − 1) / 3; application 2: (0 + 1) / 2.
    assert!(close(find(&z, 1).score, -1.0 / 3.0));
    assert!(close(find(&z, 2).score, 0.5));
    assert_eq!(order(&z), vec![2, 1]);
}

#[test]
fn equal_scores_share_a_competition_rank() {
    let sheets = [
        flat(10, 1, 70.0),
        flat(20, 1, 80.0),
        flat(30, 1, 90.0),
        flat(40, 1, 80.0),
    ];
    let r = rank(call(), DIRECTION, &sheets, Options::default());
    assert_eq!(order(&r), vec![30, 20, 40, 10]);
    assert_eq!(
        r.iter().map(|x| x.rank).collect::<Vec<_>>(),
        vec![1, 2, 2, 4]
    );
    assert_eq!(
        r.iter().map(|x| x.tied).collect::<Vec<_>>(),
        vec![false, true, true, false]
    );
}

#[test]
fn ties_are_judged_at_four_decimals() {
    let sheets = [
        flat(1, 1, 80.00001),
        flat(2, 1, 80.00004),
        flat(3, 1, 80.0001),
        flat(4, 1, 80.0002),
    ];
    let r = rank(call(), DIRECTION, &sheets, Options::default());
    assert_eq!(order(&r), vec![4, 3, 1, 2]);
    assert_eq!(
        r.iter().map(|x| x.rank).collect::<Vec<_>>(),
        vec![1, 2, 3, 3]
    );
    assert!(!r[0].tied && !r[1].tied && r[2].tied && r[3].tied);
}

#[test]
fn invalid_scores_are_refused() {
    let criteria = criteria_for(call(), DIRECTION);
    let good = flat(1, 1, 80.0).scores;
    assert!(check_scores(&criteria, &good).is_empty());

    let mut bad = good.clone();
    bad.remove("innovation");
    bad.insert("tech_level".into(), -1.0);
    bad.insert("representativeness".into(), 100.5);
    bad.insert("demonstration".into(), f64::NAN);
    bad.insert("beauty".into(), 50.0);
    let problems = check_scores(&criteria, &bad);
    let got: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.path.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("tech_level", "score_out_of_range"),
            ("representativeness", "score_out_of_range"),
            ("demonstration", "score_not_a_number"),
            ("innovation", "score_missing"),
            ("beauty", "unknown_criterion"),
        ]
    );
    assert_eq!(problems[0].message, "“技术水平”的得分应在0至100分之间");
    assert_eq!(problems[3].message, "请为“创新性”打分");
    assert!(problems.iter().all(|p| !p.message.is_empty()));
    let mut infinite = good.clone();
    infinite.insert("innovation".into(), f64::INFINITY);
    assert_eq!(
        check_scores(&criteria, &infinite)[0].code,
        "score_not_a_number"
    );

    // A refused sheet does not count; an application with only refused sheets is left out.
    let sheets = [
        flat(1, 1, 80.0),
        Sheet {
            application_id: 1,
            expert_id: 2,
            scores: bad.clone(),
        },
        Sheet {
            application_id: 2,
            expert_id: 1,
            scores: bad,
        },
    ];
    let r = rank(call(), DIRECTION, &sheets, Options::default());
    assert_eq!(order(&r), vec![1]);
    assert_eq!(r[0].expert_totals.len(), 1);
}

#[test]
fn no_sheets_no_ranking_and_a_later_sheet_replaces_an_earlier_one() {
    assert!(rank(call(), DIRECTION, &[], Options::default()).is_empty());
    let r = rank(
        call(),
        DIRECTION,
        &[flat(1, 1, 50.0), flat(1, 1, 90.0)],
        Options::default(),
    );
    assert_eq!(r[0].expert_totals.len(), 1);
    assert!(close(r[0].score, 90.0));
}
