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

fn file(slot: &str, name: &str, size: u64, kind: &str) -> FileMeta {
    FileMeta {
        slot: slot.into(),
        name: name.into(),
        size,
        kind: kind.into(),
    }
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

mod answers;
mod rules;
