//! Cover lines and summary-table cells of the seed calls, computed from their valid fixtures:
//! every expression evaluates, 序号 prints as 1, and the name columns are filled.

use std::path::PathBuf;

use serde_json::Value as Json;
use shenbao_core::call::{Target, applies, builtin};
use shenbao_core::form;
use shenbao_core::output::{RowContext, cover_lines, summary_cells};
use shenbao_core::region;

struct Valid {
    direction: String,
    subdirection: Option<String>,
    answers: Json,
    profile: Option<Json>,
}

fn valid_fixtures(call_id: &str) -> Vec<Valid> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(call_id);
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("fixtures") {
        let p = e.expect("entry").path();
        if !p.to_string_lossy().ends_with(".valid.json") {
            continue;
        }
        let v: Json =
            serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
        out.push(Valid {
            direction: v["direction"].as_str().expect("direction").to_string(),
            subdirection: v["subdirection"].as_str().map(str::to_string),
            answers: v["answers"].clone(),
            profile: v.get("profile").cloned(),
        });
    }
    out
}

#[test]
fn every_summary_cell_of_every_seed_evaluates_from_a_valid_application() {
    let mut tables_checked = 0;
    for call in builtin::all().map(|r| r.expect("seed compiles")) {
        let fixtures = valid_fixtures(call.id());
        for (ti, table) in call.def().summaries.iter().enumerate() {
            let mut rows = 0;
            for fx in fixtures
                .iter()
                .filter(|f| applies(&table.directions, &f.direction))
            {
                let target = Target {
                    direction: &fx.direction,
                    subdirection: fx.subdirection.as_deref(),
                };
                let report = form::validate(call, target, &fx.answers);
                let region_code = fx
                    .profile
                    .as_ref()
                    .and_then(|p| p["region"].as_str())
                    .unwrap_or("");
                let d = call.direction(&fx.direction).expect("direction");
                let row = RowContext {
                    seq: 1,
                    rank: 1,
                    direction: d.name.clone(),
                    subdirection: fx
                        .subdirection
                        .as_ref()
                        .and_then(|s| d.subdirections.iter().find(|x| &x.id == s))
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    city: region::city_of(region_code)
                        .map(|c| c.name.to_string())
                        .unwrap_or_default(),
                    county: region::lookup(region_code)
                        .filter(|r| r.level == region::Level::County)
                        .map(|r| r.name.to_string())
                        .unwrap_or_default(),
                    region: region_code.to_string(),
                    opinion: "同意推荐".into(),
                };
                let cells = summary_cells(call, ti, &row, &report.answers, fx.profile.as_ref());
                assert_eq!(
                    cells.len(),
                    table.columns.len(),
                    "{} {}",
                    call.id(),
                    table.id
                );
                for (col, cell) in table.columns.iter().zip(&cells) {
                    let text = cell.as_ref().unwrap_or_else(|e| {
                        panic!("{} {} {}: {e}", call.id(), table.id, col.title)
                    });
                    if col.title == "序号" {
                        assert_eq!(text, "1", "{} {}", call.id(), table.id);
                    }
                    if col.title.contains("名称") || col.title.contains("大模型企业") {
                        assert!(
                            !text.is_empty(),
                            "{} {} {} is empty for {}",
                            call.id(),
                            table.id,
                            col.title,
                            fx.direction
                        );
                    }
                }
                rows += 1;
            }
            assert!(
                rows > 0,
                "{} {}: no valid fixture to fill it",
                call.id(),
                table.id
            );
            tables_checked += 1;
        }
    }
    assert!(
        tables_checked >= 7,
        "every seed summary table is checked ({tables_checked})"
    );
}

#[test]
fn cover_lines_show_their_answers() {
    for call in builtin::all().map(|r| r.expect("seed compiles")) {
        for fx in valid_fixtures(call.id()) {
            let target = Target {
                direction: &fx.direction,
                subdirection: fx.subdirection.as_deref(),
            };
            let report = form::validate(call, target, &fx.answers);
            let lines = cover_lines(call, &report.answers, fx.profile.as_ref());
            assert_eq!(lines.len(), call.def().cover.len());
            for (line, def) in lines.iter().zip(&call.def().cover) {
                if def.field.is_some() || def.value.is_some() {
                    assert!(
                        !line.text.is_empty(),
                        "{} {}: cover line {} is empty",
                        call.id(),
                        fx.direction,
                        def.label
                    );
                }
            }
        }
    }
}
