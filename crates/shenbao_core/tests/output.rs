//! Cover lines and summary-table cells of the seed calls, computed from their valid fixtures:
//! every expression evaluates, 序号 prints as 1, and the name columns are filled.

use std::path::PathBuf;

use serde_json::Value as Json;
use shenbao_core::call::{Target, applies, builtin};
use shenbao_core::form::{self, Application};
use shenbao_core::output::{
    INTRODUCTION_CHARS, RowContext, cover_lines, publication, summary_cells,
};
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

#[test]
fn every_contest_seed_has_a_publication_block_and_the_survey_none() {
    for call in builtin::all().map(|r| r.expect("seed compiles")) {
        let contest = call.def().kind.is_contest();
        assert_eq!(
            call.def().publication.is_some() && call.publication().is_some(),
            contest,
            "{}: a contest has a [publication], a collection none",
            call.id()
        );
        assert_eq!(
            !call.def().criteria.is_empty(),
            contest,
            "{}: a contest has criteria, a collection none",
            call.id()
        );
    }
    let survey = builtin::get("sd-2024-llm-survey")
        .expect("the survey")
        .expect("compiles");
    assert!(!survey.def().kind.is_contest(), "the 摸底 is a collection");
}

#[test]
fn every_valid_fixture_has_a_publication_title_and_introduction() {
    let mut checked = 0;
    for call in builtin::all().map(|r| r.expect("seed compiles")) {
        if !call.def().kind.is_contest() {
            continue;
        }
        for fx in valid_fixtures(call.id()) {
            let app = Application {
                target: Target {
                    direction: &fx.direction,
                    subdirection: fx.subdirection.as_deref(),
                },
                answers: &fx.answers,
                profile: fx.profile.as_ref(),
                files: None,
            };
            let p = publication(call, &app);
            let what = format!("{} {}", call.id(), fx.direction);
            assert!(!p.title.is_empty(), "{what}: empty title");
            assert!(!p.introduction.is_empty(), "{what}: empty introduction");
            assert!(
                p.introduction.chars().count() <= INTRODUCTION_CHARS + 2,
                "{what}: introduction not cut: {}",
                p.introduction
            );
            // The title is an answer of this application, not the profile fallback.
            let answered = fx
                .answers
                .as_object()
                .expect("answers")
                .values()
                .any(|v| v.as_str().is_some_and(|s| s.trim() == p.title));
            assert!(answered, "{what}: title {} is not an answer", p.title);
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} fixtures checked");
}

#[test]
fn a_collection_lists_each_application_under_its_own_name() {
    let survey = builtin::get("sd-2024-llm-survey")
        .expect("the survey")
        .expect("compiles");
    for (direction, field) in [("enterprise", "ent_name"), ("product", "prod_name")] {
        let fx = fixture("sd-2024-llm-survey", direction);
        let p = publication(survey, &fx.app(direction));
        // A product by its name and version, not by the unit that sends it.
        assert_eq!(
            p.title,
            fx.answers[field].as_str().expect("name"),
            "{direction}"
        );
        assert!(p.introduction.is_empty(), "a collection publishes nothing");
    }
}

fn fixture(call_id: &str, direction: &str) -> Valid {
    valid_fixtures(call_id)
        .into_iter()
        .find(|f| f.direction == direction)
        .expect("fixture")
}

/// The fixture as the engine reads an application of `direction`, without files.
trait AsApplication {
    fn app<'a>(&'a self, direction: &'a str) -> Application<'a>;
}

impl AsApplication for Valid {
    fn app<'a>(&'a self, direction: &'a str) -> Application<'a> {
        Application {
            target: Target {
                direction,
                subdirection: None,
            },
            answers: &self.answers,
            profile: self.profile.as_ref(),
            files: None,
        }
    }
}

#[test]
fn the_publication_picks_the_fields_of_the_direction() {
    let call = builtin::get("qz-2024-ai-industry")
        .expect("seed")
        .expect("compiles");
    for (direction, title_field, intro_field) in [
        ("software_product", "sw_product_name", "sw_product_intro"),
        ("hardware_product", "hw_product_name", "hw_product_intro"),
        ("typical_scenario", "scene_name", "scene_intro"),
        ("compute_service", "company_name", "company_intro"),
        ("lingyan_software", "company_name", "company_intro"),
    ] {
        let fx = fixture("qz-2024-ai-industry", direction);
        let p = publication(call, &fx.app(direction));
        assert_eq!(p.title, fx.answers[title_field].as_str().expect("title"));
        let intro: String = fx.answers[intro_field]
            .as_str()
            .expect("intro")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let head: String = intro.chars().take(INTRODUCTION_CHARS).collect();
        assert!(
            p.introduction.starts_with(head.trim_end()),
            "{direction}: {}",
            p.introduction
        );
    }
}

#[test]
fn a_long_introduction_is_cut_and_a_missing_title_falls_back_to_the_unit() {
    let call = builtin::get("gd-2023-ai-scenarios")
        .expect("seed")
        .expect("compiles");
    let mut fx = fixture("gd-2023-ai-scenarios", "manufacturing");
    let intro = fx.answers["scene_intro"]
        .as_str()
        .expect("intro")
        .to_string();
    assert!(intro.chars().count() > INTRODUCTION_CHARS);
    fx.answers
        .as_object_mut()
        .expect("answers")
        .remove("scene_name");
    let profile = serde_json::json!({ "name": "广州智造视觉科技有限公司" });
    let app = Application {
        target: Target {
            direction: "manufacturing",
            subdirection: None,
        },
        answers: &fx.answers,
        profile: Some(&profile),
        files: None,
    };
    let p = publication(call, &app);
    assert_eq!(p.title, "广州智造视觉科技有限公司");
    let head: String = intro.chars().take(INTRODUCTION_CHARS).collect();
    assert_eq!(p.introduction, format!("{head}……"));
}
