//! Checks of single answers: required fields, 字 limits, numbers, dates, choices, tables, identifiers.

use super::*;

#[test]
fn every_missing_required_field_is_reported_at_once() {
    let c = call();
    let p = problems(&c, &json!({}));
    for id in [
        "name", "intro", "staff", "params", "founded", "period", "nature", "tech", "source", "ops",
        "compute", "total", "digital", "uscc", "mobile", "tel", "phone", "email", "account",
        "region",
    ] {
        assert!(p.contains(&pc(id, "required")), "{id} missing in {p:?}");
    }
    assert!(
        !p.iter()
            .any(|(path, _)| path == "honor_month" || path == "site" || path == "members")
    );
    assert!(
        !p.iter().any(|(path, _)| path == "ratio"),
        "computed fields are never required"
    );
}

#[test]
fn text_limits_count_zi_the_word_way() {
    let c = call();
    // 12 字 by Word's rule: "我们使用GPT-4模型。" is 8, plus 4 Chinese characters.
    assert!(problems(&c, &with(json!({"intro": "我们使用GPT-4模型。真实有效"}))).is_empty());
    assert_eq!(
        problems(&c, &with(json!({"intro": "我们使用GPT-4模型。真实有效吗"}))),
        vec![pc("intro", "too_long")]
    );
    assert_eq!(
        problems(&c, &with(json!({"intro": "简介"}))),
        vec![pc("intro", "too_short")]
    );
    assert_eq!(
        problems(&c, &with(json!({"intro": 5}))),
        vec![pc("intro", "wrong_type")]
    );
    assert_eq!(
        problems(&c, &with(json!({"intro": "   "}))),
        vec![pc("intro", "required")]
    );
}

#[test]
fn numbers_are_checked_for_type_range_and_decimals() {
    let c = call();
    assert_eq!(
        problems(&c, &with(json!({"staff": "很多"}))),
        vec![pc("staff", "not_a_number")]
    );
    assert_eq!(
        problems(&c, &with(json!({"staff": 1.5}))),
        vec![pc("staff", "not_an_integer")]
    );
    assert_eq!(
        problems(&c, &with(json!({"staff": -1}))),
        vec![pc("staff", "below_min")]
    );
    assert_eq!(
        problems(&c, &with(json!({"params": "12.345"}))),
        vec![pc("params", "too_many_decimals")]
    );
    assert_eq!(
        problems(&c, &with(json!({"params": 200000}))),
        vec![pc("params", "above_max")]
    );
    assert!(
        problems(&c, &with(json!({"staff": "１２０"}))).is_empty(),
        "full-width digits"
    );
}

#[test]
fn dates_months_and_ranges() {
    let c = call();
    assert_eq!(
        problems(&c, &with(json!({"founded": "2023-02-29"}))),
        vec![pc("founded", "invalid_date")]
    );
    assert!(problems(&c, &with(json!({"founded": "2020年5月1日"}))).is_empty());
    assert_eq!(
        problems(&c, &with(json!({"honor_month": "2024-13"}))),
        vec![pc("honor_month", "invalid_month")]
    );
    assert_eq!(
        problems(
            &c,
            &with(json!({"period": {"start": "2024-12-31", "end": "2024-01-01"}}))
        ),
        vec![pc("period", "date_range_order")]
    );
    assert_eq!(
        problems(&c, &with(json!({"period": {"start": "2024-01-01"}}))),
        vec![pc("period.end", "required")]
    );
}

#[test]
fn choices_options_counts_and_other_text() {
    let c = call();
    assert_eq!(
        problems(&c, &with(json!({"nature": "私营企业"}))),
        vec![pc("nature", "invalid_option")]
    );
    assert_eq!(
        problems(&c, &with(json!({"nature": "其他"}))),
        vec![pc("nature_other", "other_text_required")]
    );
    assert!(
        problems(
            &c,
            &with(json!({"nature": "其他", "nature_other": "集体企业"}))
        )
        .is_empty()
    );
    assert_eq!(
        problems(&c, &with(json!({"nature_other": "集体企业"}))),
        vec![pc("nature_other", "hidden_ignored")],
        "other text without the other option is ignored"
    );
    assert_eq!(
        problems(
            &c,
            &with(json!({"tech": ["大模型技术", "AI芯片", "计算机视觉", "智能语音"]}))
        ),
        vec![pc("tech", "too_many_selected")]
    );
    assert_eq!(
        problems(&c, &with(json!({"tech": "大模型技术"}))),
        vec![],
        "one value for a multi choice"
    );
    assert_eq!(
        problems(&c, &with(json!({"tech": []}))),
        vec![pc("tech", "required")]
    );
    assert_eq!(
        problems(&c, &with(json!({"tech": [1]}))),
        vec![pc("tech", "wrong_type")]
    );
    assert_eq!(
        problems(&c, &with(json!({"tech": ["其他"]}))),
        vec![pc("tech_other", "other_text_required")]
    );
}

#[test]
fn follow_up_fields_open_with_their_choice_and_hidden_answers_are_ignored() {
    let c = call();
    // 自研 hides 模型名称 and opens 是否通过备案 (which opens 备案时间) and the 自研 section.
    let p = problems(&c, &with(json!({"source": "自研"})));
    assert_eq!(
        p,
        vec![
            pc("filed", "required"),
            pc("open_name", "hidden_ignored"),
            pc("self_team", "required")
        ],
        "a section shown by a choice requires its fields"
    );
    let selfmade = json!({"source": "自研", "open_name": null, "self_team": "十人"});
    let mut a = with(selfmade.clone());
    a["filed"] = json!("是");
    assert_eq!(problems(&c, &a), vec![pc("filing_date", "required")]);
    a["filed"] = json!("否");
    a["filing_date"] = json!("2024-01-01");
    assert_eq!(problems(&c, &a), vec![pc("filing_date", "hidden_ignored")]);
    // A hidden section's answers are ignored like a hidden field's.
    let p = problems(&c, &with(json!({"self_team": "十人"})));
    assert_eq!(p, vec![pc("self_team", "hidden_ignored")]);
    // With 开源 the whole 自研 chain is hidden, even if 是 is still answered.
    let p = problems(
        &c,
        &with(json!({"filed": "是", "filing_date": "2024-01-01"})),
    );
    assert_eq!(
        p,
        vec![
            pc("filed", "hidden_ignored"),
            pc("filing_date", "hidden_ignored")
        ]
    );
}

#[test]
fn year_and_matrix_tables_must_be_complete() {
    let c = call();
    let p = problems(
        &c,
        &with(json!({"ops": {"revenue": {"2023": 1}, "people": {"2023": 1, "2024": "x"}}})),
    );
    assert_eq!(
        p,
        vec![
            pc("ops.people.2024", "not_a_number"),
            pc("ops.revenue.2024", "required")
        ]
    );
    let p = problems(
        &c,
        &with(
            json!({"compute": {"vendor": {"train": "某云"}, "scale": {"train": 1, "infer": -0.5, "extra": 3}}}),
        ),
    );
    assert_eq!(
        p,
        vec![
            pc("compute.scale.extra", "unknown_field"),
            pc("compute.vendor.infer", "required")
        ]
    );
    assert_eq!(
        problems(&c, &with(json!({"ops": [1, 2]}))),
        vec![pc("ops", "wrong_type")]
    );
}

#[test]
fn repeating_rows_are_counted_and_each_cell_checked() {
    let c = call();
    let three = json!([
        {"name": "甲", "role": "应用方"}, {"name": "乙", "role": "应用方"}, {"name": "丙", "role": "应用方"}
    ]);
    assert_eq!(
        problems(&c, &with(json!({"members": three}))),
        vec![pc("members", "too_many_rows")]
    );
    let p = problems(
        &c,
        &with(json!({"members": [{"name": "", "role": "医院", "share": 120}, {}]})),
    );
    assert_eq!(
        p,
        vec![
            pc("members[0].name", "required"),
            pc("members[0].role", "invalid_option"),
            pc("members[0].share", "above_max"),
        ],
        "a blank row is not counted"
    );
}

#[test]
fn identifiers_and_formats() {
    let c = call();
    assert_eq!(
        problems(&c, &with(json!({"uscc": "914403001922038217"}))),
        vec![pc("uscc", "invalid_uscc")]
    );
    assert_eq!(
        problems(&c, &with(json!({"uscc": "91310000631295002H"}))),
        vec![pc("uscc", "uscc_org_code")]
    );
    assert_eq!(
        problems(&c, &with(json!({"mobile": "12800138000"}))),
        vec![pc("mobile", "invalid_mobile")]
    );
    assert_eq!(
        problems(&c, &with(json!({"tel": "13800138000"}))),
        vec![pc("tel", "invalid_landline")]
    );
    assert_eq!(
        problems(&c, &with(json!({"phone": "12345"}))),
        vec![pc("phone", "invalid_phone")]
    );
    assert_eq!(
        problems(&c, &with(json!({"email": "cytjc@shandong.cn。"}))),
        vec![pc("email", "invalid_email")]
    );
    assert_eq!(
        problems(&c, &with(json!({"site": "not a url"}))),
        vec![pc("site", "invalid_url")]
    );
    assert_eq!(
        problems(&c, &with(json!({"account": "12ab"}))),
        vec![pc("account", "invalid_bank_account")]
    );
}

#[test]
fn regions_are_checked_against_the_division_data() {
    let c = call();
    assert_eq!(
        problems(&c, &with(json!({"region": "379999"}))),
        vec![pc("region", "invalid_region")]
    );
    assert_eq!(
        problems(&c, &with(json!({"region": "370100"}))),
        vec![pc("region", "region_too_shallow")]
    );
    assert_eq!(
        problems(&c, &with(json!({"region": "440106"}))),
        vec![pc("region", "region_outside")]
    );
}
