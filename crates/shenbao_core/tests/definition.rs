//! Loading call definitions: broken files are rejected with file, line, column and path;
//! the worked example of `docs/call-format.md` is valid as printed.

use shenbao_core::call::{self, load_str};

const GOOD: &str = r#"format = 1
id = "t-2025-x"
title = "通知"
issuer = "厅"
year = 2025
scope = "范围"
form_title = "申报表"

[[direction]]
id = "a"
name = "方向"

[[section]]
id = "s"
title = "一、情况"

[[section.field]]
id = "name"
label = "名称"
kind = "text"

[[section.field]]
id = "nature"
label = "性质"
kind = "single_choice"
options = ["甲", "乙"]

[commitment]
title = "承诺"
text = "真实。"
"#;

/// Loads `GOOD` with `from` replaced by `to` and returns the single problem's
/// (line, column, path) and message.
fn broken(from: &str, to: &str) -> Vec<(usize, usize, String, String)> {
    assert!(GOOD.contains(from), "test text contains {from}");
    let src = GOOD.replacen(from, to, 1);
    let err = load_str("x.toml", &src).expect_err("rejected");
    assert_eq!(err.file, "x.toml");
    err.problems
        .into_iter()
        .map(|p| (p.line, p.column, p.path, p.message))
        .collect()
}

/// Asserts that `src` is refused with exactly one problem, at `path`, whose message names
/// `word`.
fn refused_once(src: &str, path: &str, word: &str) {
    let err = load_str("x.toml", src).expect_err("rejected");
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(err.problems[0].path, path, "{err}");
    assert!(err.problems[0].message.contains(word), "{err}");
}

#[test]
fn the_good_definition_loads() {
    let c = load_str("x.toml", GOOD).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.id(), "t-2025-x");
}

#[test]
fn a_toml_syntax_error_names_line_and_column() {
    let p = broken("kind = \"text\"", "kind = \"text");
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].0, p[0].1), (20, 13), "{p:?}");
}

#[test]
fn an_unknown_kind_names_the_field_path() {
    let p = broken("kind = \"text\"", "kind = \"txt\"");
    assert_eq!(p[0].2, "section[0].field[0].kind");
    assert_eq!(p[0].0, 20);
    assert!(p[0].3.contains("取值无效"), "{}", p[0].3);
    assert!(
        p[0].3.contains("可选：`heading`、`text`") && !p[0].3.contains("expected"),
        "in Chinese, with the choices: {}",
        p[0].3
    );
}

#[test]
fn an_unknown_key_is_rejected_in_plain_words() {
    let p = broken("label = \"名称\"", "label = \"名称\"\nlabell = \"x\"");
    assert_eq!(p[0].2, "section[0].field[0].labell");
    assert_eq!(p[0].0, 20);
    assert!(p[0].3.contains("未知的键"), "{}", p[0].3);
    assert!(
        p[0].3.contains("可用的键：`id`、`label`") && !p[0].3.contains("expected"),
        "in Chinese, with the keys: {}",
        p[0].3
    );
    let p = broken("year = 2025", "year = \"2025\"");
    assert!(
        p[0].3.starts_with("类型不对：文字")
            && p[0].3.contains("，应为")
            && !p[0].3.contains("expected"),
        "{}",
        p[0].3
    );
}

#[test]
fn every_structural_problem_is_reported_in_one_run() {
    let src = GOOD
        .replacen("year = 2025", "year = \"2025\"", 1)
        .replacen("kind = \"text\"", "kind = \"txet\"", 1)
        .replacen(
            "options = [\"甲\", \"乙\"]",
            "options = [\"甲\", \"乙\"]\nlabell = \"x\"",
            1,
        )
        .replacen("title = \"承诺\"", "titel = \"承诺\"", 1);
    let err = load_str("x.toml", &src).expect_err("refused");
    let found: Vec<(usize, &str)> = err
        .problems
        .iter()
        .map(|p| (p.line, p.path.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (5, "year"),
            (20, "section[0].field[0].kind"),
            (27, "section[0].field[1].labell"),
            (29, "commitment"),
            (30, "commitment.titel"),
        ],
        "{err}"
    );
    assert!(err.problems[0].message.contains("类型不对"), "{err}");
    assert!(
        err.problems[3].message.contains("缺少必填的键 `title`"),
        "{err}"
    );
}

#[test]
fn a_missing_key_is_named() {
    let p = broken("title = \"一、情况\"\n", "");
    assert!(
        p[0].3.contains("缺少必填的键") && p[0].3.contains("title"),
        "{:?}",
        p[0]
    );
    assert!(p[0].2.starts_with("section[0]"), "{:?}", p[0]);
}

#[test]
fn a_dangling_show_if_is_found_with_its_line() {
    let p = broken(
        "kind = \"text\"",
        "kind = \"text\"\nshow_if = { field = \"nope\", any_of = [\"甲\"] }",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].2, "section[0].field[0].show_if.field");
    assert_eq!((p[0].0, p[0].1), (21, 13));
    assert!(p[0].3.contains("nope"));
}

#[test]
fn publication_expressions_are_checked_with_their_paths() {
    let p = broken(
        "[commitment]",
        "[publication]\ntitle = \"answers.nmae\"\nintroduction = \"answers.name +\"\n\n[commitment]",
    );
    let got: Vec<(usize, &str)> = p.iter().map(|x| (x.0, x.2.as_str())).collect();
    assert_eq!(
        got,
        vec![(29, "publication.title"), (30, "publication.introduction")],
        "{p:?}"
    );
    assert!(p[0].3.contains("nmae"), "{}", p[0].3);
    let p = broken(
        "[commitment]",
        "[publication]\ntitle = \"call.id\"\nintroduction = \"profile.name\"\n\n[commitment]",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].2, "publication.title");
    assert!(p[0].3.contains("call"), "{}", p[0].3);
}

#[test]
fn semantic_problems_are_all_reported_in_file_order() {
    let src = GOOD
        .replacen("id = \"nature\"", "id = \"name\"", 1)
        .replacen(
            "options = [\"甲\", \"乙\"]",
            "options = [\"甲\", \"乙\"]\nmax_zi = 3\nother = \"丙\"",
            1,
        )
        .replacen(
            "[commitment]",
            "[[rule]]\nid = \"r\"\nexpr = \"answers.nam >\"\nmessage = \"m\"\n\n[commitment]",
            1,
        );
    let err = load_str("x.toml", &src).expect_err("rejected");
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "section[0].field[1].id",
            "section[0].field[1].max_zi",
            "section[0].field[1].other",
            "rule[0].expr",
        ],
        "{err}"
    );
    let lines: Vec<usize> = err.problems.iter().map(|p| p.line).collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]) && lines[0] == 23,
        "{lines:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("x.toml:23:1: section[0].field[1].id: 字段 `name` 重复"),
        "{text}"
    );
}

#[test]
fn rules_may_only_name_fields_that_exist() {
    let p = broken(
        "[commitment]",
        "[[rule]]\nid = \"r\"\nexpr = \"answers.revenue >= 30\"\nmessage = \"m\"\n\n[commitment]",
    );
    assert_eq!(p[0].2, "rule[0].expr");
    assert!(p[0].3.contains("revenue"));
}

/// Fields whose answers have members: a date range, a year table, a matrix and rows.
const TABLES: &str = r#"[[section.field]]
id = "period"
label = "项目周期"
kind = "date_range"

[[section.field]]
id = "finance"
label = "经营情况"
kind = "year_table"
years = [2023, 2024]
row = [{ id = "revenue", label = "营业收入", kind = "decimal" }]

[[section.field]]
id = "contacts"
label = "联系人"
kind = "matrix"
row = [{ id = "lead", label = "负责人", kind = "text" }]
column = [{ id = "name", label = "姓名", kind = "text" }]

[[section.field]]
id = "members"
label = "成员"
kind = "rows"
column = [{ id = "role", label = "角色", kind = "text" }]

"#;

/// Loads `GOOD` with the fields of `TABLES` and one rule of expression `expr`.
fn with_rule(expr: &str) -> Result<(), Vec<(usize, String, String)>> {
    let src = GOOD.replacen(
        "[commitment]",
        &format!(
            "{TABLES}[[rule]]\nid = \"r\"\nexpr = \"{expr}\"\nmessage = \"m\"\n\n[commitment]"
        ),
        1,
    );
    load_str("x.toml", &src).map(|_| ()).map_err(|e| {
        e.problems
            .into_iter()
            .map(|p| (p.line, p.path, p.message))
            .collect()
    })
}

#[test]
fn rules_that_read_a_member_a_field_does_not_have_are_refused_at_their_line() {
    let good = "answers.period.end > answers.period.start && answers.finance.revenue['2024'] > 0.0 \
                && answers.contacts.lead.name != '' && answers.members.exists(m, m.role == '牵头') \
                && answers.members.size() > 0";
    assert_eq!(with_rule(good), Ok(()));
    // The rule's `expr` line in the file `with_rule` builds.
    let line = GOOD[..GOOD.find("[commitment]").expect("commitment")]
        .lines()
        .count()
        + TABLES.lines().count()
        + 3;
    for (expr, names) in [
        (
            "answers.period.finish > answers.period.start",
            ["period", "finish"],
        ),
        (
            "answers.finance.profit['2023'] > 0.0",
            ["finance", "profit"],
        ),
        (
            "answers.finance.revenue['2022'] > 0.0",
            ["finance", "revenue.2022"],
        ),
        (
            "answers.contacts.lead.phone != ''",
            ["contacts", "lead.phone"],
        ),
        ("answers.contacts.deputy.name != ''", ["contacts", "deputy"]),
        ("answers.members.exists(m, m.day > 0)", ["members", "day"]),
    ] {
        let problems = with_rule(expr).expect_err(expr);
        assert_eq!(problems.len(), 1, "{expr}: {problems:?}");
        let (at, path, message) = &problems[0];
        assert_eq!((*at, path.as_str()), (line, "rule[0].expr"), "{expr}");
        assert!(
            message.contains(names[0])
                && message.contains(names[1])
                && message.contains("永远读不到值"),
            "{expr}: {message}"
        );
    }
}

#[test]
fn a_comparison_of_a_number_with_text_is_refused_as_never_firing() {
    // What compares like with like passes: numbers with numbers (ints and floats alike), text
    // with text, dates as text.
    let good = "answers.finance.revenue['2024'] >= 100 && answers.name != '' \
                && answers.period.end <= '2026-12-31' && size(answers.name) > 2 \
                && call.year == 2025 && profile.region.startsWith('37')";
    assert_eq!(with_rule(good), Ok(()));
    for (expr, number, text) in [
        (
            "answers.finance.revenue['2024'] > '100'",
            "`answers.finance.revenue.2024` 是数字",
            "`\"100\"` 是文字",
        ),
        ("answers.name == 5", "`5` 是数字", "`answers.name` 是文字"),
        (
            "answers.period.start < 20240101",
            "`20240101` 是数字",
            "`answers.period.start` 是文字",
        ),
        (
            "answers.members.exists(m, call.year == '2025')",
            "`call.year` 是数字",
            "`\"2025\"` 是文字",
        ),
    ] {
        let problems = with_rule(expr).expect_err(expr);
        assert_eq!(problems.len(), 1, "{expr}: {problems:?}");
        let (_, path, message) = &problems[0];
        assert_eq!(path, "rule[0].expr");
        assert!(
            message.contains(number) && message.contains(text) && message.contains("永远不成立"),
            "{expr}: {message}"
        );
    }
}

#[test]
fn summary_columns_and_the_publication_may_not_read_missing_members() {
    let src = GOOD.replacen(
        "[commitment]",
        &format!(
            "{TABLES}[publication]\ntitle = \"answers.name\"\nintroduction = \"answers.period.finish\"\n\n\
             [[summary]]\nid = \"s\"\ntitle = \"汇总表\"\n\
             column = [{{ title = \"周期\", value = \"answers.contacts.lead.phone\" }}]\n\n[commitment]"
        ),
        1,
    );
    let err = load_str("x.toml", &src).expect_err("refused");
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["publication.introduction", "summary[0].column[0].value"],
        "{err}"
    );
    assert!(
        err.problems
            .iter()
            .all(|p| p.message.contains("永远读不到值")),
        "{err}"
    );
}

#[test]
fn a_computed_field_that_reads_a_missing_member_is_refused_too() {
    let src = GOOD.replacen(
        "[commitment]",
        &format!(
            "{TABLES}[[section.field]]\nid = \"days\"\nlabel = \"天数\"\nkind = \"computed\"\n\
             expr = \"answers.period.finish\"\n\n[commitment]"
        ),
        1,
    );
    let err = load_str("x.toml", &src).expect_err("refused");
    assert_eq!(err.problems.len(), 1, "{err}");
    assert!(err.problems[0].path.ends_with(".expr"), "{err}");
    assert!(err.problems[0].message.contains("`finish`"), "{err}");
}

#[test]
fn expression_errors_are_worded_in_chinese_with_their_place() {
    let rule = |expr: &str| {
        broken(
            "[commitment]",
            &format!("[[rule]]\nid = \"r\"\nexpr = \"{expr}\"\nmessage = \"m\"\n\n[commitment]"),
        )
    };
    let p = rule("answers.name ===");
    assert!(
        p[0].3.contains("语法错误：第 16 个字符附近无法识别")
            && p[0].3.contains("| answers.name ==="),
        "{}",
        p[0].3
    );
    let p = rule("answerz.name == 'x'");
    assert!(
        p[0].3
            .contains("不能使用变量 `answerz`（可用：answers、profile"),
        "{}",
        p[0].3
    );
    for problem in p.iter().chain(rule("answers.name ===").iter()) {
        assert!(
            !problem.3.contains("error") && !problem.3.contains("unknown"),
            "{}",
            problem.3
        );
    }
}

#[test]
fn a_timeline_out_of_the_notice_order_is_refused_at_the_late_date() {
    let levels = "[deadlines]\napplicant = \"2025-06-20\"\n\n\
        [[review_level]]\nid = \"city\"\nname = \"市工信局\"\nscope = \"city\"\ndeadline = \"2025-06-10\"\n\n\
        [[review_level]]\nid = \"province\"\nname = \"省工信厅\"\nscope = \"province\"\ndeadline = \"2025-06-05\"\n\n\
        [[direction]]";
    let p = broken("[[direction]]", levels);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].2, "review_level[0].deadline");
    assert!(
        p[0].3
            .contains("市工信局的报送截止日期 2025-06-10 早于申报单位截止日期 2025-06-20"),
        "{}",
        p[0].3
    );
    assert_eq!(p[1].2, "review_level[1].deadline");
    assert!(p[1].3.contains("早于上一评审层级"), "{}", p[1].3);
    // Both on their own lines.
    assert!(p[0].0 < p[1].0 && p[0].0 > 1);
    // In order, the same dates load.
    let ordered = levels
        .replace("2025-06-20", "2025-06-01")
        .replace("2025-06-05", "2025-06-30");
    let src = GOOD.replacen("[[direction]]", &ordered, 1);
    let c = load_str("x.toml", &src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.applicant_deadline_for("a")
            .map(|d| d.to_string())
            .as_deref(),
        Some("2025-06-01")
    );
}

#[test]
fn bad_sizes_types_dates_and_ids_are_rejected() {
    let p = broken(
        "[commitment]",
        "[[file]]\nid = \"License\"\nlabel = \"执照\"\ntypes = [\"exe\"]\nmax_size = \"lots\"\n\n[commitment]",
    );
    let paths: Vec<&str> = p.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(
        paths,
        vec!["file[0].id", "file[0].types[0]", "file[0].max_size"]
    );
    let p = broken("year = 2025", "year = 2025\npublished = \"2025-02-30\"");
    assert_eq!(p[0].2, "published");
    let p = broken("year = 2025", "year = 2025\narea = \"379999\"");
    assert_eq!(p[0].2, "area");
    assert!(p[0].3.contains("379999"), "{}", p[0].3);
}

#[test]
fn the_worked_example_in_the_format_doc_is_valid() {
    let doc = include_str!("../../../docs/call-format.md");
    let start = doc.find("## A worked example").expect("section");
    let rest = &doc[start..];
    let toml_start = rest.find("```toml\n").expect("toml block") + "```toml\n".len();
    let toml_end = toml_start + rest[toml_start..].find("```").expect("end");
    let src = &rest[toml_start..toml_end];
    let c = load_str("worked-example.toml", src).unwrap_or_else(|e| panic!("{e}"));
    let json_start = rest.find("```json\n").expect("json block") + "```json\n".len();
    let json_end = json_start + rest[json_start..].find("```").expect("end");
    let mut answers: serde_json::Value =
        serde_json::from_str(&rest[json_start..json_end]).expect("answers json");
    // The printed answers elide the long text; fill it to its minimum.
    answers["intro"] = serde_json::json!("智".repeat(120));
    let r = shenbao_core::form::validate(
        &c,
        call::Target {
            direction: "app",
            subdirection: None,
        },
        &answers,
    );
    assert!(r.is_clean(), "{:#?}", r.problems);
    let p = shenbao_core::output::publication(
        &c,
        &shenbao_core::form::Application {
            target: call::Target {
                direction: "app",
                subdirection: None,
            },
            answers: &answers,
            profile: None,
            files: None,
        },
    );
    assert_eq!(p.title, "智能客服");
    // Exactly at the limit: not cut.
    assert_eq!(p.introduction, "智".repeat(120));
}

#[test]
fn the_schema_describes_the_format() {
    let s = call::json_schema();
    let text = s.to_string();
    for key in [
        "review_level",
        "section",
        "show_if",
        "max_zi",
        "summary",
        "criterion",
        "publication",
        "introduction",
    ] {
        assert!(text.contains(key), "schema mentions {key}");
    }
}

#[test]
fn quotas_are_checked_and_the_documented_one_loads() {
    // The quota of the format document's review-level section, on two levels.
    let doc = include_str!("../../../docs/call-format.md");
    let start = doc.find("#### Quotas").expect("section");
    let rest = &doc[start..];
    let toml_start = rest.find("```toml\n").expect("toml block") + "```toml\n".len();
    let toml_end = toml_start + rest[toml_start..].find("```").expect("end");
    let levels = format!(
        "{}\n[[review_level]]\nid = \"province\"\nname = \"厅\"\nscope = \"province\"\n",
        &rest[toml_start..toml_end]
    );
    let src = GOOD.replacen("[[direction]]", &format!("{levels}\n[[direction]]"), 1);
    let c = load_str("x.toml", &src).unwrap_or_else(|e| panic!("{e}"));
    let level = &c.def().review_levels[0];
    let q = shenbao_core::quota::of(level, "370100").expect("quota");
    assert_eq!((q.per_direction, q.per_unit), (Some(3), Some(30)));
    assert_eq!(
        shenbao_core::quota::apart(&c),
        [("city".to_string(), "370100".to_string())]
    );

    // A zero, a unit twice, and a unit apart on the last level: each reported at its path.
    let bad = src
        .replacen("per_unit = 30 ", "per_unit = 0 ", 1)
        .replacen(
            "counted_above = false ",
            "counted_above = true\n[[review_level.quota.unit]]\nunit = \"370100\"\n",
            1,
        )
        .replacen(
            "scope = \"province\"\n",
            "scope = \"province\"\nquota = { unit = [{ unit = \"370200\", counted_above = false }] }\n",
            1,
        );
    let err = load_str("x.toml", &bad).expect_err("rejected");
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "review_level[0].quota.per_unit",
            "review_level[0].quota.unit[1].unit",
            "review_level[1].quota.unit[0].counted_above",
        ],
        "{err}"
    );
}

#[test]
fn excluded_calls_are_checked() {
    let src = GOOD.replacen(
        "[commitment]",
        "[exclusions]\ncalls = [\"zj-2025-ai\", \"t-2025-x\", \"Bad_Id\", \"zj-2025-ai\"]\n\n[commitment]",
        1,
    );
    let err = load_str("x.toml", &src).expect_err("rejected");
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "exclusions.calls[1]",
            "exclusions.calls[2]",
            "exclusions.calls[3]"
        ],
        "{err}"
    );
    let ok = GOOD.replacen(
        "[commitment]",
        "[exclusions]\ncalls = [\"zj-2025-ai\"]\nreason = \"不得重复申报\"\n\n[commitment]",
        1,
    );
    let c = load_str("x.toml", &ok).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.def().exclusions.calls, ["zj-2025-ai"]);
}

#[test]
fn units_and_excluded_areas_are_checked() {
    let levels = "area = \"350500\"\narea_excludes = [\"350000\", \"350503\"]\n\n\
        [[review_level]]\nid = \"county\"\nname = \"县\"\nscope = \"county\"\n\n\
        [[review_level]]\nid = \"province\"\nname = \"厅\"\nscope = \"province\"\n\n\
        [[unit]]\nname = \"开发区\"\nlevel = \"county\"\nregions = [\"350504\", \"370102\"]\n\n\
        [[unit]]\nname = \"开发区\"\nlevel = \"province\"\n\n\
        [[unit]]\nname = \"港区\"\nlevel = \"nowhere\"\n\n[[direction]]";
    let src = GOOD.replacen("[[direction]]", levels, 1);
    let err = load_str("x.toml", &src).expect_err("rejected");
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "area_excludes[0]",
            "unit[0].regions[1]",
            "unit[1].name",
            "unit[1].level",
            "unit[2].level",
        ],
        "{err}"
    );
}

#[test]
fn a_three_level_catalogue_offers_its_scenarios() {
    let catalogue = "[[direction]]\nid = \"a\"\nname = \"方向\"\n\n\
        [[direction.subdirection]]\nid = \"general\"\nname = \"基础通用\"\n\n\
        [[direction.subdirection]]\nid = \"vertical\"\nname = \"垂直领域\"\n\n\
        [[direction.subdirection.scenario]]\nid = \"medical\"\nname = \"医疗\"\n\n\
        [[direction.subdirection.scenario]]\nid = \"finance\"\nname = \"金融\"\n";
    let src = GOOD.replacen("[[direction]]\nid = \"a\"\nname = \"方向\"\n", catalogue, 1);
    let c = load_str("x.toml", &src).unwrap_or_else(|e| panic!("{e}"));
    let choices: Vec<(String, String)> = c
        .choices("a")
        .iter()
        .map(|x| (x.id().to_string(), x.name()))
        .collect();
    assert_eq!(
        choices,
        [
            ("general".to_string(), "基础通用".to_string()),
            ("medical".to_string(), "垂直领域 · 医疗".to_string()),
            ("finance".to_string(), "垂直领域 · 金融".to_string()),
        ]
    );
    // A scenario is an application's choice; its sub-direction is not (it has scenarios).
    let answers = serde_json::json!({"name": "甲", "nature": "甲"});
    let target = |sub| call::Target {
        direction: "a",
        subdirection: Some(sub),
    };
    assert!(
        shenbao_core::form::validate(&c, target("medical"), &answers)
            .problems
            .iter()
            .all(|p| p.code != shenbao_core::form::Code::UnknownSubdirection)
    );
    assert!(
        shenbao_core::form::validate(&c, target("vertical"), &answers)
            .problems
            .iter()
            .any(|p| p.code == shenbao_core::form::Code::UnknownSubdirection)
    );
    // A scenario id must be unique within its direction.
    let twice = src.replacen("id = \"finance\"", "id = \"general\"", 1);
    let err = load_str("x.toml", &twice).expect_err("rejected");
    assert_eq!(
        err.problems[0].path, "direction[0].subdirection[1].scenario[1].id",
        "{err}"
    );
}

#[test]
fn a_collection_has_no_criteria_and_no_publication() {
    let collection = GOOD.replacen("year = 2025", "year = 2025\nkind = \"collection\"", 1);
    let c = load_str("x.toml", &collection).unwrap_or_else(|e| panic!("{e}"));
    assert!(!c.def().kind.is_contest());
    let extra = "[publication]\ntitle = \"answers.name\"\nintroduction = \"answers.name\"\n\n\
                 [[criterion]]\nid = \"c\"\nname = \"创新\"\nweight = 100\nmax_score = 100\n\n\
                 [commitment]";
    let src = collection.replacen("[commitment]", extra, 1);
    let err = load_str("x.toml", &src).expect_err("rejected");
    let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, vec!["publication", "criterion"], "{err}");
    assert!(
        err.problems[0].message.contains("collection"),
        "{}",
        err.problems[0].message
    );
    // The same parts are fine in a contest.
    let contest = GOOD.replacen("[commitment]", extra, 1);
    load_str("x.toml", &contest).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_field_is_printed_on_the_form_unless_marked() {
    let c = load_str("x.toml", GOOD).unwrap_or_else(|e| panic!("{e}"));
    let print = |c: &call::Call| c.def().sections[0].fields[1].print;
    assert_eq!(print(&c), call::definition::Print::Form);
    for (word, want) in [
        ("appendix", call::definition::Print::Appendix),
        ("none", call::definition::Print::None),
    ] {
        let src = GOOD.replacen(
            "kind = \"single_choice\"",
            &format!("kind = \"single_choice\"\nprint = \"{word}\""),
            1,
        );
        let c = load_str("x.toml", &src).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(print(&c), want);
    }
    let p = broken(
        "kind = \"single_choice\"",
        "kind = \"single_choice\"\nprint = \"somewhere\"",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].2.contains("print"), "{p:?}");
}

#[test]
fn fields_that_share_a_printed_row_are_checked() {
    // 性质 beside 名称, and a follow-up of 乙 printed inside the option, worded as a template.
    let shared = GOOD.replacen(
        "options = [\"甲\", \"乙\"]",
        "options = [\"甲\", \"乙\", \"其他\"]\nprint = \"beside\"\nother = \"其他\"\n\
         other_blank = \"（____）\"\n\n\
         [[section.field]]\nid = \"code\"\nlabel = \"代码\"\nkind = \"text\"\n\
         print = \"in_option\"\nprint_as = \"，代码：____\"\n\
         show_if = { field = \"nature\", any_of = [\"乙\"] }",
        1,
    );
    let c = load_str("x.toml", &shared).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.def().sections[0].fields[1].print,
        call::definition::Print::Beside
    );
    for (from, to, path, word) in [
        // `beside` on the section's first field: no row to share.
        (
            "kind = \"text\"",
            "kind = \"text\"\nprint = \"beside\"",
            "section[0].field[0].print",
            "beside",
        ),
        // `below` on the section's first field: no cell to go into.
        (
            "kind = \"text\"",
            "kind = \"text\"\nprint = \"below\"",
            "section[0].field[0].print",
            "below",
        ),
        // `in_option` without a show_if: no option to go into.
        (
            "kind = \"text\"",
            "kind = \"text\"\nprint = \"in_option\"",
            "section[0].field[0].print",
            "in_option",
        ),
        // A blank format without its blank.
        (
            "options = [\"甲\", \"乙\"]",
            "options = [\"甲\", \"乙\"]\nother = \"乙\"\nother_blank = \"（请注明）\"",
            "section[0].field[1].other_blank",
            "____",
        ),
        // `print_as` words a value, not a choice's options.
        (
            "kind = \"single_choice\"",
            "kind = \"single_choice\"\nprint_as = \"性质（____）\"",
            "section[0].field[1].print_as",
            "print_as",
        ),
    ] {
        let p = broken(from, to);
        assert_eq!(p.len(), 1, "{to}: {p:?}");
        assert_eq!(p[0].2, path, "{p:?}");
        assert!(p[0].3.contains(word), "{p:?}");
    }
    // `beside` after a field printed in the appendix shares the row of the field before that.
    let after_appendix = GOOD.replacen(
        "kind = \"single_choice\"",
        "kind = \"single_choice\"\nprint = \"beside\"",
        1,
    );
    let after_appendix = after_appendix.replacen(
        "kind = \"text\"\n",
        "kind = \"text\"\n\n[[section.field]]\nid = \"sys\"\nlabel = \"系统\"\n\
         kind = \"text\"\nprint = \"appendix\"\n",
        1,
    );
    load_str("x.toml", &after_appendix).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_ranking_source_needs_a_level_that_ranks() {
    let level = |keys: &str| {
        GOOD.replacen(
            "[[direction]]",
            &format!(
                "[[review_level]]\nid = \"city\"\nname = \"市\"\nscope = \"city\"\n{keys}\n\n\
                 [[direction]]"
            ),
            1,
        )
    };
    let c = load_str(
        "x.toml",
        &level("ranks = true\nranks_source = \"三（3）：择优排序\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.def().review_levels[0].ranks_source.as_deref(),
        Some("三（3）：择优排序")
    );
    refused_once(
        &level("ranks_source = \"三（3）\""),
        "review_level[0].ranks_source",
        "ranks = true",
    );
}

#[test]
fn printed_parts_are_checked() {
    let parts = |extra: &str| GOOD.replacen("[commitment]", &format!("{extra}\n\n[commitment]"), 1);
    let good = parts(
        "[printed]\ncontents = true\n\
         [[printed.part]]\ntitle = \"一、真实性承诺\"\nholds = \"commitment\"\n\
         [[printed.part]]\ntitle = \"二、申报信息表\"\nholds = \"sections\"",
    );
    let c = load_str("x.toml", &good).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.def().printed.parts.len(), 2);
    for (extra, path, word) in [
        // A 目录 with nothing to list.
        ("[printed]\ncontents = true", "printed.contents", "part"),
        // The sections held nowhere.
        (
            "[[printed.part]]\ntitle = \"一\"\nholds = \"files\"",
            "printed.part",
            "sections",
        ),
        // Two parts holding the sections.
        (
            "[[printed.part]]\ntitle = \"一\"\nholds = \"sections\"\n\
             [[printed.part]]\ntitle = \"二\"\nholds = \"sections\"",
            "printed.part[1].holds",
            "sections",
        ),
        // The 目录's instruction without a 目录.
        (
            "[printed]\ncontents_help = \"（请列明具体目录及页码）\"\n\
             [[printed.part]]\ntitle = \"一\"\nholds = \"sections\"",
            "printed.contents_help",
            "contents = true",
        ),
        // A part printing a section the call does not have.
        (
            "[[printed.part]]\ntitle = \"一\"\nholds = \"sections\"\n\
             [[printed.part]]\ntitle = \"二\"\nholds = \"files\"\nsections = [\"agreement\"]",
            "printed.part[1].sections[0]",
            "agreement",
        ),
        // Two parts printing one section.
        (
            "[[printed.part]]\ntitle = \"一\"\nholds = \"sections\"\nsections = [\"s\"]\n\
             [[printed.part]]\ntitle = \"二\"\nholds = \"files\"\nsections = [\"s\"]",
            "printed.part[1].sections[0]",
            "一个部分",
        ),
    ] {
        refused_once(&parts(extra), path, word);
    }
}

#[test]
fn a_section_printed_as_text_places_each_field_once() {
    let text = |t: &str| {
        GOOD.replacen(
            "title = \"一、情况\"",
            &format!("title = \"一、情况\"\ntext = \"\"\"{t}\"\"\"\nsignatures = [\"甲方：____\"]"),
            1,
        )
    };
    let c = load_str("x.toml", &text("本单位{name}，性质为{nature}。"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.def().sections[0].signatures, ["甲方：____"]);
    refused_once(&text("本单位{name}。"), "section[0].text", "nature");
    refused_once(
        &text("本单位{name}，{name}，{nature}。"),
        "section[0].text",
        "不止一次",
    );
    refused_once(
        &text("本单位{name}，{nature}，{nobody}。"),
        "section[0].text",
        "nobody",
    );
}

#[test]
fn figures_illustrate_a_narrative_and_are_images() {
    let with = |slot: &str| {
        GOOD.replacen(
            "[commitment]",
            &format!(
                "[[section.field]]\nid = \"intro\"\nlabel = \"简介\"\nkind = \"textarea\"\n\n\
                 [[file]]\nid = \"figs\"\nlabel = \"简介附图\"\nrequired = false\n{slot}\n\n\
                 [commitment]"
            ),
            1,
        )
    };
    let c = load_str(
        "x.toml",
        &with("types = [\"jpg\", \"png\"]\nfigures_of = \"intro\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.def().files[0].figures_of.as_deref(), Some("intro"));
    refused_once(
        &with("types = [\"jpg\"]\nfigures_of = \"name\""),
        "file[0].figures_of",
        "textarea",
    );
    refused_once(
        &with("types = [\"pdf\"]\nfigures_of = \"intro\""),
        "file[0].types",
        "jpg",
    );
}

#[test]
fn table_print_attributes_apply_to_their_kinds() {
    let with =
        |attrs: &str| GOOD.replacen("kind = \"text\"", &format!("kind = \"text\"\n{attrs}"), 1);
    for attr in [
        "unit_in_cells = true",
        "labels_per_column = true",
        "column_titles = false",
        "numbered = false",
        "blank_rows = [\"牵头单位\"]",
        "in_cell = true",
        "label_cell = true",
    ] {
        let name = attr.split(' ').next().unwrap_or_default();
        refused_once(&with(attr), &format!("section[0].field[0].{name}"), name);
    }
    // A list in one cell has one column.
    let rows = |columns: &str| {
        GOOD.replacen(
            "kind = \"text\"",
            &format!("kind = \"rows\"\nin_cell = true\ncolumn = [{columns}]"),
            1,
        )
    };
    load_str(
        "x.toml",
        &rows("{ id = \"a\", label = \"场景\", kind = \"text\" }"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    refused_once(
        &rows(
            "{ id = \"a\", label = \"场景\", kind = \"text\" }, \
             { id = \"b\", label = \"说明\", kind = \"text\" }",
        ),
        "section[0].field[0].in_cell",
        "in_cell",
    );
}

#[test]
fn what_a_level_sends_upward_is_checked() {
    let levels = |sending: &str| {
        GOOD.replacen(
            "[[direction]]",
            &format!(
                "[[review_level]]\nid = \"city\"\nname = \"市\"\nscope = \"city\"\n{sending}\n\n\
                 [[review_level]]\nid = \"province\"\nname = \"厅\"\nscope = \"province\"\n\n\
                 [[direction]]"
            ),
            1,
        )
    };
    let good = levels(
        "[review_level.sending]\nscans = [\"letter\", \"summary\"]\nsource = \"三\"\n\
         [review_level.sending.letter]\ntitle = \"关于推荐的函\"\n\
         text = \"{unit}推荐{count}个，报送{to}（{call}）。\"",
    );
    let c = load_str("x.toml", &good).unwrap_or_else(|e| panic!("{e}"));
    let sending = c.def().review_levels[0].sending.as_ref().expect("sending");
    assert_eq!(sending.scans.len(), 2);
    // A letter's scan without a letter, and a blank shenbao does not fill.
    for (sending, path, word) in [
        (
            "[review_level.sending]\nscans = [\"letter\"]",
            "review_level[0].sending.scans",
            "letter",
        ),
        (
            "[review_level.sending.letter]\ntitle = \"函\"\ntext = \"{units}推荐\"",
            "review_level[0].sending.letter.text",
            "units",
        ),
        // Paper: at least one copy; somewhere to send it only with something to send.
        (
            "[review_level.sending]\n[[review_level.sending.paper]]\ndocument = \"申报书\"\ncopies = 0",
            "review_level[0].sending.paper[0].copies",
            "一式三份",
        ),
        (
            "[review_level.sending]\npaper_to = \"省厅\"",
            "review_level[0].sending.paper_to",
            "paper",
        ),
    ] {
        refused_once(&levels(sending), path, word);
    }
    let paper = levels(
        "[review_level.sending]\npaper_to = \"省厅（数字产业处）\"\n\
         [[review_level.sending.paper]]\ndocument = \"申报书\"\ncopies = 3\nstamp = \"申报单位盖章\"\n\
         [[review_level.sending.paper]]\ndocument = \"汇总表\"\ncopies = 1\nper = \"list\"",
    );
    let c = load_str("x.toml", &paper).unwrap_or_else(|e| panic!("{e}"));
    let sending = c.def().review_levels[0].sending.as_ref().expect("sending");
    assert_eq!(sending.paper.len(), 2);
    assert_eq!(sending.paper[1].per, call::definition::PaperPer::List);
    // The last level sends nothing.
    let last = levels("").replacen(
        "scope = \"province\"\n",
        "scope = \"province\"\n[review_level.sending]\nscans = [\"summary\"]\n",
        1,
    );
    let err = load_str("x.toml", &last).expect_err("rejected");
    assert_eq!(err.problems[0].path, "review_level[1].sending", "{err}");
}

#[test]
fn an_owners_threshold_says_so_in_its_message() {
    use shenbao_core::call::Target;
    let with_rule = |owner: bool| {
        GOOD.replacen(
            "[commitment]",
            &format!(
                "[[rule]]\nid = \"r\"\nexpr = \"answers.name == '甲'\"\nseverity = \"warning\"\n\
                 message = \"名称一般应为甲\"\nowner_choice = {owner}\n\n[commitment]"
            ),
            1,
        )
    };
    let answers = serde_json::json!({ "name": "乙", "nature": "甲" });
    for (owner, marked) in [(true, true), (false, false)] {
        let c = load_str("x.toml", &with_rule(owner)).unwrap_or_else(|e| panic!("{e}"));
        let target = Target {
            direction: "a",
            subdirection: None,
        };
        let report = shenbao_core::form::validate(&c, target, &answers);
        let p = report
            .problems
            .iter()
            .find(|p| p.rule.as_deref() == Some("r"))
            .expect("the rule failed");
        assert!(p.message.starts_with("名称一般应为甲"), "{}", p.message);
        assert_eq!(p.message.contains("征集单位设定"), marked, "{}", p.message);
    }
}

#[test]
fn a_level_names_its_units_by_its_office_pattern() {
    let src = include_str!("../calls/qz-2024-ai-industry.toml");
    let c = load_str("qz.toml", src).unwrap_or_else(|e| panic!("{e}"));
    let level = |id: &str| {
        c.def()
            .review_levels
            .iter()
            .find(|l| l.id == id)
            .expect("level")
    };
    use shenbao_core::routing::unit_name;
    assert_eq!(unit_name(level("county"), "350502"), "鲤城区工信局");
    assert_eq!(unit_name(level("city"), "350500"), "泉州市工业和信息化局");
    // A zone's bureau and a sector department keep their own names.
    assert_eq!(
        unit_name(level("county"), "泉州开发区科经局"),
        "泉州开发区科经局"
    );
    assert_eq!(
        unit_name(level("sector"), "泉州市交通运输局"),
        "泉州市交通运输局"
    );
    // Without the blank, or on a level that is not of divisions: refused.
    refused_once(
        &src.replacen("office = \"{name}工信局\"", "office = \"工信局\"", 1),
        "review_level[0].office",
        "{name}",
    );
    refused_once(
        &src.replacen(
            "scope = \"sector\"",
            "scope = \"sector\"\noffice = \"{name}局\"",
            1,
        ),
        "review_level[1].office",
        "county",
    );
}
