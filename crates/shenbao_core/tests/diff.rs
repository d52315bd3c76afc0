//! Differences between two submitted versions of an application, on the seed calls' valid
//! fixtures: labels name the field, table row and column; values read as the applicant typed
//! or chose them; identical answers give nothing.

use std::path::PathBuf;

use serde_json::{Value as Json, json};
use shenbao_core::call::{Call, Target, builtin};
use shenbao_core::diff::{Change, FieldText, diff_answers, field_texts};

fn call(id: &str) -> &'static Call {
    builtin::get(id)
        .expect("seed listed")
        .expect("seed compiles")
}

/// The answers of fixture `tests/fixtures/<call>/<name>.json`.
fn answers(call_id: &str, name: &str) -> Json {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(call_id)
        .join(format!("{name}.json"));
    let v: Json = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture"))
        .expect("fixture json");
    v["answers"].clone()
}

fn target(direction: &str) -> Target<'_> {
    Target {
        direction,
        subdirection: None,
    }
}

fn change(path: &str, label: &str, before: &str, after: &str) -> Change {
    Change {
        path: path.into(),
        label: label.into(),
        before: before.into(),
        after: after.into(),
    }
}

#[test]
fn identical_answers_give_no_changes() {
    for c in builtin::all().map(|r| r.expect("seed compiles")) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(c.id());
        for e in std::fs::read_dir(dir).expect("fixtures") {
            let p = e.expect("entry").path();
            let v: Json =
                serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
            let t = Target {
                direction: v["direction"].as_str().expect("direction"),
                subdirection: v["subdirection"].as_str(),
            };
            let d = diff_answers(c, &t, &v["answers"], &v["answers"]);
            assert!(d.is_empty(), "{}: {d:#?}", p.display());
        }
    }
}

#[test]
fn numbers_typed_as_text_or_with_spaces_are_no_change() {
    let c = call("sd-2024-llm-cases");
    let before = answers("sd-2024-llm-cases", "case.valid");
    let mut after = before.clone();
    after["employees"] = json!("320");
    after["product_name"] = json!(format!(
        "  {}  ",
        before["product_name"].as_str().expect("text")
    ));
    assert_eq!(diff_answers(c, &target("case"), &before, &after), vec![]);
}

#[test]
fn a_text_field_a_table_cell_and_a_choice_are_listed_in_form_order() {
    let c = call("sd-2024-llm-cases");
    let before = answers("sd-2024-llm-cases", "case.valid");
    let mut after = before.clone();
    after["product_name"] = json!("智语工业质检大模型解决方案（第二版）");
    after["operations"]["revenue"]["2023"] = json!(13000.75);
    after["unit_nature"] = json!("其他");
    after["unit_nature_other"] = json!("民办非企业单位");
    after["service_modes"] = json!(["API接口"]);
    let d = diff_answers(c, &target("case"), &before, &after);
    assert_eq!(
        d,
        vec![
            change(
                "unit_nature",
                "单位性质",
                "私营企业",
                "其他（民办非企业单位）"
            ),
            change(
                "operations.revenue.2023",
                "企业经营状况 · 2023年 · 营业收入",
                "12500.5万元",
                "13000.75万元"
            ),
            change(
                "product_name",
                "产品（方案）名称",
                "智语工业质检大模型解决方案",
                "智语工业质检大模型解决方案（第二版）"
            ),
            change("service_modes", "模型服务方式", "API接口、网页", "API接口"),
        ]
    );
}

#[test]
fn a_field_hidden_by_a_changed_choice_shows_as_emptied() {
    let c = call("sd-2024-llm-cases");
    let before = answers("sd-2024-llm-cases", "case.valid");
    let mut after = before.clone();
    after["srdi"] = json!("否");
    // The stale answer is still stored, but the form ignores it.
    let d = diff_answers(c, &target("case"), &before, &after);
    assert_eq!(
        d,
        vec![
            change("srdi", "是否为“专精特新”企业", "是", "否"),
            change("srdi_level", "“专精特新”级别", "省级", "（空）"),
        ]
    );
}

#[test]
fn an_added_row_lists_its_cells() {
    let c = call("hn-2025-ai");
    let t = Target {
        direction: "llm",
        subdirection: Some("general"),
    };
    let before = answers("hn-2025-ai", "llm-general.valid");
    let mut after = before.clone();
    after["llm_honors"]
        .as_array_mut()
        .expect("rows")
        .push(json!({ "name": "湖南省制造业单项冠军", "date": "2024-12-01" }));
    // A blank row left in the form is no change.
    after["llm_honors"]
        .as_array_mut()
        .expect("rows")
        .push(json!({ "name": "", "date": null }));
    let d = diff_answers(c, &t, &before, &after);
    assert_eq!(
        d,
        vec![
            change(
                "llm_honors[2].name",
                "单位所获荣誉（省级及以上） · 第3行（新增） · 荣誉名称",
                "（空）",
                "湖南省制造业单项冠军"
            ),
            change(
                "llm_honors[2].date",
                "单位所获荣誉（省级及以上） · 第3行（新增） · 获得时间",
                "（空）",
                "2024-12-01"
            ),
        ]
    );
}

#[test]
fn rows_removed_inserted_or_changed_in_the_middle_are_listed_as_such() {
    let c = call("hn-2025-ai");
    let t = Target {
        direction: "llm",
        subdirection: Some("general"),
    };
    let mut before = answers("hn-2025-ai", "llm-general.valid");
    before["llm_honors"]
        .as_array_mut()
        .expect("rows")
        .push(json!({ "name": "湖南省制造业单项冠军", "date": "2024-12-01" }));
    // The first of three rows removed: the two after it moved up, unchanged.
    let mut after = before.clone();
    after["llm_honors"].as_array_mut().expect("rows").remove(0);
    assert_eq!(
        diff_answers(c, &t, &before, &after),
        vec![
            change(
                "llm_honors[0].name",
                "单位所获荣誉（省级及以上） · 原第1行（已删除） · 荣誉名称",
                "湖南省专精特新中小企业",
                "（空）"
            ),
            change(
                "llm_honors[0].date",
                "单位所获荣誉（省级及以上） · 原第1行（已删除） · 获得时间",
                "2022-08-10",
                "（空）"
            ),
        ]
    );
    // A row inserted second, and the last one's date corrected.
    let mut after = before.clone();
    let rows = after["llm_honors"].as_array_mut().expect("rows");
    rows.insert(
        1,
        json!({ "name": "国家级专精特新“小巨人”企业", "date": "2023-07-01" }),
    );
    rows[3]["date"] = json!("2024-12-02");
    assert_eq!(
        diff_answers(c, &t, &before, &after),
        vec![
            change(
                "llm_honors[1].name",
                "单位所获荣誉（省级及以上） · 第2行（新增） · 荣誉名称",
                "（空）",
                "国家级专精特新“小巨人”企业"
            ),
            change(
                "llm_honors[1].date",
                "单位所获荣誉（省级及以上） · 第2行（新增） · 获得时间",
                "（空）",
                "2023-07-01"
            ),
            change(
                "llm_honors[3].date",
                "单位所获荣誉（省级及以上） · 第4行 · 获得时间",
                "2024-12-01",
                "2024-12-02"
            ),
        ]
    );
}

#[test]
fn a_computed_field_is_listed_when_its_value_changes() {
    let c = call("hn-2025-ai");
    let before = answers("hn-2025-ai", "center.valid");
    let mut after = before.clone();
    after["team_talent"] = json!(36);
    let d = diff_answers(c, &target("center"), &before, &after);
    assert_eq!(
        d,
        vec![
            change(
                "team_talent",
                "其中行业技术人才与数字化专业人才",
                "30人",
                "36人"
            ),
            change("talent_ratio", "占", "62.5%", "75.0%"),
        ]
    );
    // A change that leaves the computed value alone does not list it.
    let mut other = before.clone();
    other["investment_planned"] = json!(6500);
    let d = diff_answers(c, &target("center"), &before, &other);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].label, "计划投入");
}

#[test]
fn matrix_cells_regions_date_ranges_and_odd_shapes() {
    let c = call("gd-2023-ai-scenarios");
    let t = target("manufacturing");
    let before = answers("gd-2023-ai-scenarios", "manufacturing.valid");
    let mut after = before.clone();
    after["contacts"]["unit_head"]["mobile"] = json!("13802259999");
    after["region"] = json!("440104");
    after["construction_period"]["end"] = json!("2023-09-30");
    after["ai_rd_staff"] = json!(true);
    let d = diff_answers(c, &t, &before, &after);
    assert_eq!(
        d,
        vec![
            change(
                "region",
                "所在地市",
                "广东省广州市天河区",
                "广东省广州市越秀区"
            ),
            change(
                "contacts.unit_head.mobile",
                "联系方式 · 单位负责人 · 手机",
                "13802251234",
                "13802259999"
            ),
            change("ai_rd_staff", "其中：AI研发人员数", "112人", "true"),
            change(
                "construction_period",
                "项目建设起止时间",
                "2022-03-01 至 2023-06-30",
                "2022-03-01 至 2023-09-30"
            ),
        ]
    );
}

#[test]
fn a_table_of_the_wrong_shape_is_shown_as_json() {
    let c = call("sd-2024-llm-cases");
    let before = answers("sd-2024-llm-cases", "case.valid");
    let mut after = before.clone();
    after["operations"] = json!("见附件");
    let d = diff_answers(c, &target("case"), &before, &after);
    assert_eq!(
        d,
        vec![change(
            "operations",
            "企业经营状况",
            r#"{"profit":{"2023":1830.25},"revenue":{"2023":12500.5}}"#,
            r#""见附件""#
        )]
    );
}

#[test]
fn every_answered_field_reads_as_one_text() {
    let c = call("sd-2024-llm-cases");
    let mut a = answers("sd-2024-llm-cases", "case.valid");
    a["srdi"] = json!("否");
    let texts = field_texts(c, &target("case"), &a);
    let of = |id: &str| {
        texts
            .iter()
            .find(|t| t.field == id)
            .map(|t| t.text.as_str())
    };
    assert_eq!(of("unit_nature"), Some("私营企业"));
    assert_eq!(of("service_modes"), Some("API接口、网页"));
    // A table: one line per filled cell, labelled by row and column.
    let ops = of("operations").expect("table");
    assert!(
        ops.lines().any(|l| l == "2023年 · 营业收入：12500.5万元"),
        "{ops}"
    );
    // Hidden by a choice: not listed, though still stored.
    assert_eq!(of("srdi_level"), None);
    // In form order, one per field.
    let ids: Vec<&str> = texts.iter().map(|t| t.field.as_str()).collect();
    let mut dedup = ids.clone();
    dedup.dedup();
    assert_eq!(ids, dedup);
    assert!(
        ids.iter().position(|x| *x == "unit_nature")
            < ids.iter().position(|x| *x == "product_name")
    );
    assert!(!texts.contains(&FieldText {
        field: "srdi_level".into(),
        text: String::new()
    }));
}

#[test]
fn repeating_rows_read_as_numbered_lines() {
    let c = call("hn-2025-ai");
    let t = Target {
        direction: "llm",
        subdirection: Some("general"),
    };
    let mut a = answers("hn-2025-ai", "llm-general.valid");
    a["llm_honors"] = json!([
        { "name": "湖南省制造业单项冠军", "date": "2024-12-01" },
        { "name": "", "date": null },
        { "name": "省级专精特新", "date": "" },
    ]);
    let texts = field_texts(c, &t, &a);
    let honors = texts
        .iter()
        .find(|x| x.field == "llm_honors")
        .expect("rows listed");
    assert_eq!(
        honors.text,
        "1. 荣誉名称：湖南省制造业单项冠军；获得时间：2024-12-01\n2. 荣誉名称：省级专精特新"
    );
}
