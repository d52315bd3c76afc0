//! Validation speed on the largest seed form: prints validations per second.
//!
//! Run with `cargo bench -p shenbao_core --bench validate`. The largest form is the
//! direction with the most answer cells; its valid fixture is the input.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value as Json;
use shenbao_core::call::definition::FieldKind;
use shenbao_core::call::{Call, Target, builtin};
use shenbao_core::form;

/// Number of answer cells a form has: scalars count 1, tables count their cells.
fn cells(call: &Call, target: &Target<'_>) -> usize {
    call.sections_for(target)
        .flat_map(|s| s.fields.iter())
        .map(|f| match f.kind {
            Some(FieldKind::YearTable) => f.rows.len() * f.years.len(),
            Some(FieldKind::Matrix) => f.rows.len() * f.columns.len(),
            Some(FieldKind::Rows) => f.columns.len() * f.max_rows.unwrap_or(3) as usize,
            _ => 1,
        })
        .sum()
}

/// The largest form among the seed directions that have a valid fixture.
fn largest() -> (&'static Call, String, Option<String>, Json, usize) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut best = None;
    for call in builtin::all().flatten() {
        for d in &call.def().directions {
            let subs: Vec<Option<String>> = if d.subdirections.is_empty() {
                vec![None]
            } else {
                d.subdirections.iter().map(|s| Some(s.id.clone())).collect()
            };
            for sub in subs {
                let name = match &sub {
                    Some(s) => format!("{}-{s}.valid.json", d.id),
                    None => format!("{}.valid.json", d.id),
                };
                let Ok(text) = std::fs::read_to_string(dir.join(call.id()).join(&name)) else {
                    continue;
                };
                let Ok(fixture) = serde_json::from_str::<Json>(&text) else {
                    continue;
                };
                let target = Target {
                    direction: &d.id,
                    subdirection: sub.as_deref(),
                };
                let n = cells(call, &target);
                if best.as_ref().is_none_or(|b: &(_, _, _, _, usize)| n > b.4) {
                    best = Some((
                        call,
                        d.id.clone(),
                        sub.clone(),
                        fixture["answers"].clone(),
                        n,
                    ));
                }
            }
        }
    }
    best.expect("a seed call with a valid fixture")
}

fn bench(c: &mut Criterion) {
    let (call, direction, sub, answers, n) = largest();
    let target = Target {
        direction: &direction,
        subdirection: sub.as_deref(),
    };
    let report = form::validate(call, target, &answers);
    assert!(!report.has_errors(), "the benchmark input validates clean");

    // A plain timed loop, so the figure is printed even under `cargo bench -- --quick`.
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        black_box(form::validate(call, target, black_box(&answers)));
        runs += 1;
    }
    let per_sec = runs as f64 / start.elapsed().as_secs_f64();
    println!(
        "largest seed form: {} / {direction}{} ({n} answer cells): {per_sec:.0} validations/s",
        call.id(),
        sub.as_deref().map(|s| format!("/{s}")).unwrap_or_default()
    );

    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("largest_seed_form", |b| {
        b.iter(|| form::validate(call, target, black_box(&answers)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
