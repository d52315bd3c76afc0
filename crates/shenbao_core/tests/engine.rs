//! The form engine, kind by kind, on a small definition that uses every field kind.

use serde_json::{Value as Json, json};
use shenbao_core::call::{Call, Target, load_str};
use shenbao_core::form::{self, Application, FileMeta, Severity};
use shenbao_core::limits::{OtherApplication, check_limits};

const DEF: &str = r#"
format = 1
id = "t-2025-kinds"
title = "测试通知"
issuer = "测试厅"
year = 2025
scope = "测试"
form_title = "测试申报表"

[[review_level]]
id = "city"
name = "市工信局"
scope = "city"
deadline = "2025-06-30"

[[direction]]
id = "a"
name = "方向甲"

[[direction]]
id = "b"
name = "方向乙"
[[direction.subdirection]]
id = "b1"
name = "子方向一"
[[direction.subdirection]]
id = "b2"
name = "子方向二"

[[direction]]
id = "c"
name = "方向丙"

[[section]]
id = "main"
title = "一、基本情况"

[[section.field]]
id = "name"
label = "单位名称"
kind = "text"
max_zi = 10

[[section.field]]
id = "intro"
label = "单位简介"
kind = "textarea"
min_zi = 5
max_zi = 12

[[section.field]]
id = "staff"
label = "员工总数"
kind = "integer"
unit = "人"
min = 0

[[section.field]]
id = "params"
label = "参数量"
kind = "decimal"
unit = "亿"
decimals = 2
min = 0
max = 100000

[[section.field]]
id = "founded"
label = "注册时间"
kind = "date"

[[section.field]]
id = "honor_month"
label = "获奖年月"
kind = "month"
required = false

[[section.field]]
id = "period"
label = "项目建设起止时间"
kind = "date_range"

[[section.field]]
id = "nature"
label = "单位性质"
kind = "single_choice"
options = ["国有企业", "民营企业", "其他"]
other = "其他"

[[section.field]]
id = "tech"
label = "主要人工智能技术方向"
kind = "multi_choice"
options = ["大模型技术", "AI芯片", "计算机视觉", "智能语音", "其他"]
max_select = 3
min_select = 1
other = "其他"

[[section.field]]
id = "source"
label = "基础大模型来源"
kind = "single_choice"
options = ["开源", "自研"]

[[section.field]]
id = "open_name"
label = "模型名称"
kind = "text"
show_if = { field = "source", any_of = ["开源"] }

[[section.field]]
id = "filed"
label = "是否通过备案"
kind = "single_choice"
options = ["是", "否"]
show_if = { field = "source", any_of = ["自研"] }

[[section.field]]
id = "filing_date"
label = "备案时间"
kind = "date"
show_if = { field = "filed", any_of = ["是"] }

[[section.field]]
id = "ops"
label = "经营状况"
kind = "year_table"
years = [2023, 2024]
row = [
  { id = "revenue", label = "营业收入", kind = "decimal", unit = "万元", min = 0 },
  { id = "people", label = "在职人员", kind = "integer", unit = "人" },
  { id = "note", label = "备注", kind = "text", required = false },
]

[[section.field]]
id = "compute"
label = "算力资源情况"
kind = "matrix"
column = [{ id = "train", label = "训练算力" }, { id = "infer", label = "推理算力" }]
row = [
  { id = "vendor", label = "第三方名称", kind = "text" },
  { id = "scale", label = "租用算力规模", kind = "decimal", unit = "TFlops" },
]

[[section.field]]
id = "members"
label = "联合体成员"
kind = "rows"
min_rows = 0
max_rows = 2
column = [
  { id = "name", label = "单位名称", kind = "text" },
  { id = "role", label = "角色", kind = "single_choice", options = ["应用方", "技术提供方"] },
  { id = "share", label = "出资比例", kind = "decimal", unit = "%", max = 100, required = false },
]

[[section.field]]
id = "total"
label = "技术团队总人数"
kind = "integer"

[[section.field]]
id = "digital"
label = "其中数字化人才"
kind = "integer"

[[section.field]]
id = "ratio"
label = "占比"
kind = "computed"
unit = "%"
expr = "answers.total > 0.0 ? answers.digital / answers.total * 100.0 : 0.0"

[[section.field]]
id = "uscc"
label = "统一社会信用代码"
kind = "uscc"

[[section.field]]
id = "mobile"
label = "手机"
kind = "mobile"

[[section.field]]
id = "tel"
label = "固定电话"
kind = "landline"

[[section.field]]
id = "phone"
label = "联系电话"
kind = "phone"

[[section.field]]
id = "email"
label = "电子邮箱"
kind = "email"

[[section.field]]
id = "site"
label = "网址"
kind = "url"
required = false

[[section.field]]
id = "account"
label = "账号"
kind = "bank_account"

[[section.field]]
id = "region"
label = "注册地"
kind = "region"
within = "370000"

[[section]]
id = "self_made"
title = "自研模型团队"
show_if = { field = "source", any_of = ["自研"] }

[[section.field]]
id = "self_team"
label = "自研团队情况"
kind = "textarea"

[[section]]
id = "only_b2"
title = "二、子方向二专属"
directions = ["b"]
subdirections = ["b2"]

[[section.field]]
id = "b2_extra"
label = "垂直领域说明"
kind = "textarea"

[[file]]
id = "license"
label = "营业执照"
types = ["pdf", "jpg", "png"]
max_count = 1
max_size = "10MB"

[[file]]
id = "images"
label = "展示图片"
required = false
types = ["jpg", "png"]
max_count = 3
min_size = "2MB"

[[file]]
id = "agreement"
label = "联合体协议"
types = ["pdf"]
show_if = { field = "source", any_of = ["开源"] }

[[rule]]
id = "params_floor"
expr = "answers.params >= 8"
message = "大模型参数规模应达到8亿以上"
field = "params"

[[rule]]
id = "ratio_floor"
expr = "answers.ratio >= 50"
message = "人才占比不低于50%"
field = "ratio"
severity = "warning"

[[rule]]
id = "shandong"
expr = "profile.region.startsWith('37')"
message = "申报主体应在山东省行政区域内注册"

[[rule]]
id = "tech_partner"
when = "has(answers.members)"
expr = "answers.members.all(m, m.role == '应用方')"
message = "成员须为应用方"
field = "members"

[limits]
per_direction = 1
exclusive = [["a", "c"]]

[commitment]
title = "承诺"
text = "本单位（{name}）承诺所填内容真实。"
"#;

fn call() -> Call {
    load_str("kinds.toml", DEF).unwrap_or_else(|e| panic!("{e}"))
}

fn valid() -> Json {
    json!({
        "name": "测试科技有限公司",
        "intro": "本单位专注人工智能研发。",
        "staff": 120,
        "params": "13.5",
        "founded": "2020-05-01",
        "period": { "start": "2024-01-01", "end": "2024-12-31" },
        "nature": "民营企业",
        "tech": ["大模型技术", "计算机视觉"],
        "source": "开源",
        "open_name": "Qwen",
        "ops": {
            "revenue": { "2023": 1200.5, "2024": "1,500" },
            "people": { "2023": 80, "2024": 95 }
        },
        "compute": {
            "vendor": { "train": "某云", "infer": "某云" },
            "scale": { "train": 100, "infer": 50.5 }
        },
        "members": [{ "name": "甲医院", "role": "应用方", "share": 30 }],
        "total": 40,
        "digital": 30,
        "uscc": "914403001922038216",
        "mobile": "138 0013 8000",
        "tel": "0531—51782640",
        "phone": "0731-88955549",
        "email": "cytjc@shandong.cn",
        "account": "6222 0000 1234 5678",
        "region": "370102"
    })
}

fn target(direction: &str) -> Target<'_> {
    Target {
        direction,
        subdirection: None,
    }
}

/// (path, code) of every problem, sorted.
fn problems(call: &Call, answers: &Json) -> Vec<(String, String)> {
    let mut v: Vec<_> = form::validate(call, target("a"), answers)
        .problems
        .into_iter()
        .map(|p| (p.path, p.code.to_string()))
        .collect();
    v.sort();
    v
}

fn with(changes: Json) -> Json {
    let mut a = valid();
    for (k, v) in changes.as_object().expect("object") {
        if v.is_null() {
            a.as_object_mut().expect("object").remove(k);
        } else {
            a[k] = v.clone();
        }
    }
    a
}

fn pc(path: &str, code: &str) -> (String, String) {
    (path.to_string(), code.to_string())
}

#[test]
fn a_complete_valid_form_has_no_problem_and_derives_the_computed_field() {
    let c = call();
    let r = form::validate(&c, target("a"), &valid());
    assert!(r.is_clean(), "{:#?}", r.problems);
    assert_eq!(r.answers["ratio"], json!(75.0));
    assert_eq!(
        r.answers["params"],
        json!(13.5),
        "numbers typed as text become numbers"
    );
    assert_eq!(r.answers["ops"]["revenue"]["2024"], json!(1500.0));
    assert_eq!(r.answers["mobile"], json!("13800138000"));
    assert_eq!(r.hidden, ["filed", "filing_date", "self_team"]);
}

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

#[test]
fn computed_fields_are_never_typed() {
    let c = call();
    let r = form::validate(&c, target("a"), &with(json!({"ratio": 99})));
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].code, "computed_ignored");
    assert_eq!(r.problems[0].severity, Severity::Info);
    assert_eq!(
        r.answers["ratio"],
        json!(75.0),
        "the typed value is replaced by the derived one"
    );
}

#[test]
fn rules_fail_with_their_severity_and_skip_when_inputs_are_missing() {
    let c = call();
    let r = form::validate(
        &c,
        target("a"),
        &with(json!({"params": 7.99, "digital": 10})),
    );
    let mut got: Vec<_> = r
        .problems
        .iter()
        .map(|p| {
            (
                p.rule.clone().unwrap_or_default(),
                p.severity,
                p.path.clone(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "params_floor".to_string(),
                Severity::Error,
                "params".to_string()
            ),
            (
                "ratio_floor".to_string(),
                Severity::Warning,
                "ratio".to_string()
            ),
        ]
    );
    // Without the number the rule says nothing; the field check does.
    assert_eq!(
        problems(&c, &with(json!({"params": null}))),
        vec![pc("params", "required")]
    );
    // A guard keeps a rule quiet; `all` over rows works.
    let p = problems(
        &c,
        &with(json!({"members": [{"name": "乙", "role": "技术提供方"}]})),
    );
    assert_eq!(p, vec![pc("members", "rule_failed")]);
    assert!(problems(&c, &with(json!({"members": null}))).is_empty());
}

#[test]
fn profile_rules_use_the_applicant_profile() {
    let c = call();
    let answers = valid();
    let check = |region: &str| {
        let profile = json!({"uscc": "914403001922038216", "name": "x", "region": region});
        form::check(
            &c,
            &Application {
                target: target("a"),
                answers: &answers,
                profile: Some(&profile),
                files: None,
            },
        )
        .problems
        .into_iter()
        .filter_map(|p| p.rule)
        .collect::<Vec<_>>()
    };
    assert!(check("370102").is_empty());
    assert_eq!(check("440106"), vec!["shandong".to_string()]);
}

fn file(slot: &str, name: &str, size: u64, kind: &str) -> FileMeta {
    FileMeta {
        slot: slot.into(),
        name: name.into(),
        size,
        kind: kind.into(),
    }
}

fn file_problems(answers: &Json, files: &[FileMeta]) -> Vec<(String, String)> {
    let c = call();
    let mut v: Vec<_> = form::check(
        &c,
        &Application {
            target: target("a"),
            answers,
            profile: None,
            files: Some(files),
        },
    )
    .problems
    .into_iter()
    .map(|p| (p.path, p.code.to_string()))
    .collect();
    v.sort();
    v
}

#[test]
fn file_slots_check_count_size_type_and_conditions() {
    const MB: u64 = 1024 * 1024;
    let ok = [
        file("license", "执照.pdf", MB, "pdf"),
        file("agreement", "协议.pdf", MB, "pdf"),
    ];
    assert!(file_problems(&valid(), &ok).is_empty());
    assert_eq!(
        file_problems(&valid(), &[]),
        vec![
            pc("files.agreement", "file_missing"),
            pc("files.license", "file_missing")
        ]
    );
    let bad = [
        file("license", "执照.exe", 11 * MB, "exe"),
        file("license", "执照2.pdf", MB, "pdf"),
        file("images", "图1.jpg", MB, "jpg"),
        file("nope", "x.pdf", 1, "pdf"),
        file("agreement", "协议.pdf", MB, "pdf"),
    ];
    assert_eq!(
        file_problems(&valid(), &bad),
        vec![
            pc("files.images[0]", "file_too_small"),
            pc("files.license", "file_too_many"),
            pc("files.license[0]", "file_too_large"),
            pc("files.license[0]", "file_type_not_allowed"),
            pc("files.nope", "file_unknown_slot"),
        ]
    );
    // 自研: the agreement slot is hidden, so it is not required, and a file there is ignored.
    let selfmade =
        with(json!({"source": "自研", "open_name": null, "filed": "否", "self_team": "十人"}));
    assert!(file_problems(&selfmade, &ok[..1]).is_empty());
    assert_eq!(
        file_problems(&selfmade, &ok),
        vec![pc("files.agreement", "hidden_ignored")]
    );
}

#[test]
fn directions_and_sub_directions_pick_the_sections() {
    let c = call();
    let r = form::validate(&c, target("zzz"), &valid());
    assert_eq!(r.problems[0].code, "unknown_direction");
    let r = form::validate(&c, target("b"), &valid());
    assert_eq!(
        r.problems
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        vec!["subdirection_required"]
    );
    let b1 = Target {
        direction: "b",
        subdirection: Some("b1"),
    };
    assert!(form::validate(&c, b1, &valid()).is_clean());
    let b2 = Target {
        direction: "b",
        subdirection: Some("b2"),
    };
    let r = form::validate(&c, b2, &valid());
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        (r.problems[0].path.as_str(), r.problems[0].code.as_str()),
        ("b2_extra", "required")
    );
    // An answer to another direction's field is reported as unknown, not checked.
    let mut a = valid();
    a["b2_extra"] = json!("x");
    let r = form::validate(&c, b1, &a);
    assert_eq!(r.problems[0].code, "unknown_field");
    assert_eq!(r.problems[0].severity, Severity::Info);
}

#[test]
fn answers_that_are_not_an_object_are_one_problem() {
    let c = call();
    for bad in [json!(null), json!([1, 2]), json!("x"), json!(3)] {
        let r = form::validate(&c, target("a"), &bad);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].code, "wrong_type");
    }
}

#[test]
fn limits_one_per_direction_and_exclusive_directions() {
    let c = call();
    let other = |d: &str| OtherApplication {
        direction: d.to_string(),
    };
    assert!(check_limits(&c, "a", &[]).is_empty());
    assert!(check_limits(&c, "a", &[other("b")]).is_empty());
    let codes = |v: Vec<form::Problem>| v.into_iter().map(|p| p.code).collect::<Vec<_>>();
    assert_eq!(
        codes(check_limits(&c, "a", &[other("a")])),
        vec!["limit_per_direction"]
    );
    assert_eq!(
        codes(check_limits(&c, "c", &[other("a")])),
        vec!["limit_exclusive"]
    );
    assert_eq!(
        codes(check_limits(&c, "a", &[other("c")])),
        vec!["limit_exclusive"]
    );
}

#[test]
fn every_message_is_chinese() {
    let c = call();
    let r = form::validate(
        &c,
        target("a"),
        &json!({"staff": "x", "nature": "其他", "tech": ["a"]}),
    );
    assert!(r.problems.len() > 10);
    for p in r.problems {
        assert!(
            p.message
                .chars()
                .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
            "{}: {}",
            p.code,
            p.message
        );
    }
}

/// The codes are a closed vocabulary: each is documented for the people who write calls and
/// read reports, and each is written in reports as its snake_case name.
#[test]
fn every_problem_code_is_documented_and_written_as_its_name() {
    use shenbao_core::form::Code;
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/call-format.md"
    ))
    .expect("docs/call-format.md");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !doc.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes not in docs/call-format.md: {missing:?}"
    );
    for code in Code::ALL {
        let written = serde_json::to_value(code).expect("serialise");
        assert_eq!(written, serde_json::json!(code.as_str()));
        let read: Code = serde_json::from_value(written).expect("deserialise");
        assert_eq!(read, *code);
    }
    assert!(serde_json::from_value::<Code>(serde_json::json!("requried")).is_err());
}
