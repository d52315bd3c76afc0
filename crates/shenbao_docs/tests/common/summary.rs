//! The summary-table tests' fixtures: answers normalised as a submission stores them.

use std::path::PathBuf;

use serde_json::Value as Json;
use shenbao_core::call::{Call, Target};
use shenbao_core::form::validate;
use shenbao_docs::SummaryInput;

/// A valid fixture as a summary table reads it: the normalised answers.
pub struct Fixture {
    pub direction: String,
    pub subdirection: Option<String>,
    pub profile: Json,
    pub answers: serde_json::Map<String, Json>,
}

/// 泉州's call and the index of its county summary table (推荐汇总表, grouped by direction).
pub fn quanzhou_county_table() -> (&'static Call, usize) {
    let call = shenbao_core::call::builtin::get("qz-2024-ai-industry")
        .expect("seed")
        .expect("compiles");
    let table = call
        .def()
        .summaries
        .iter()
        .position(|t| t.id == "recommendation_county")
        .expect("the county table");
    (call, table)
}

/// The valid fixture `name` of `call`, normalised by the form engine.
pub fn fixture(call: &Call, name: &str) -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures")
        .join(call.id())
        .join(name);
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
    let direction = v["direction"].as_str().expect("direction").to_string();
    let subdirection = v["subdirection"].as_str().map(str::to_string);
    let report = validate(
        call,
        Target {
            direction: &direction,
            subdirection: subdirection.as_deref(),
        },
        &v["answers"],
    );
    Fixture {
        direction,
        subdirection,
        profile: v["profile"].clone(),
        answers: report.answers,
    }
}

/// The summary-table input of `f` at `rank`.
pub fn input(f: &Fixture, rank: u32) -> SummaryInput<'_> {
    SummaryInput {
        direction: &f.direction,
        subdirection: f.subdirection.as_deref(),
        rank,
        region: f.profile["region"].as_str().unwrap_or_default(),
        opinion: "同意推荐",
        answers: &f.answers,
        profile: &f.profile,
    }
}
