//! Every seed call's blank form, row for row, against its template: the rows of the notice's
//! form (申报表 / 申报书 / 调研表), kept in `tests/templates/<call>/<direction>.txt` as the
//! printed outline (`shenbao_docs::blank_outline`). The lists were taken from the seed texts;
//! a row that the form prints and the template does not have (or the other way round) fails
//! here, naming the call and direction.
//!
//! A direction whose sub-directions print different sections has one file per choice
//! (`<direction>.<choice>.txt`); a call whose directions all print the same form has one,
//! `form.txt`. `SHENBAO_BLESS=1` rewrites the files from what is printed,
//! for a reviewer to hold against the seed before committing.

use std::path::PathBuf;

use shenbao_core::call::{Target, builtin};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/templates")
}

/// Every file the seed calls' forms should match, with the outline printed for it.
fn printed() -> Vec<(PathBuf, Vec<String>)> {
    let mut out = Vec::new();
    for call in builtin::all() {
        let call = call.expect("a seed call compiles");
        let mut files = Vec::new();
        for d in &call.def().directions {
            let choices = call.choices(&d.id);
            let ids: Vec<Option<&str>> = if choices.is_empty() {
                vec![None]
            } else {
                choices.iter().map(|c| Some(c.id())).collect()
            };
            let outlines: Vec<Vec<String>> = ids
                .iter()
                .map(|sub| {
                    shenbao_docs::blank_outline(
                        call,
                        Target {
                            direction: &d.id,
                            subdirection: *sub,
                        },
                    )
                })
                .collect();
            let folder = dir().join(call.id());
            if outlines.iter().all(|o| *o == outlines[0]) {
                files.push((folder.join(format!("{}.txt", d.id)), outlines[0].clone()));
            } else {
                for (id, o) in ids.iter().zip(outlines) {
                    let id = id.expect("outlines differ only between choices");
                    files.push((folder.join(format!("{}.{id}.txt", d.id)), o));
                }
            }
        }
        // One form for every direction (广东's 12): one file.
        if files.len() > 1 && files.iter().all(|(_, o)| *o == files[0].1) {
            let form = files[0].1.clone();
            files = vec![(dir().join(call.id()).join("form.txt"), form)];
        }
        out.extend(files);
    }
    out
}

#[test]
fn every_seed_form_prints_its_template_row_for_row() {
    let bless = std::env::var_os("SHENBAO_BLESS").is_some();
    let mut failures = Vec::new();
    for (path, lines) in printed() {
        let text = lines.join("\n") + "\n";
        if bless {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            std::fs::write(&path, &text).expect("write the template");
            continue;
        }
        let expected =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected: Vec<&str> = expected
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
            .collect();
        let got: Vec<&str> = lines.iter().map(String::as_str).collect();
        if expected != got {
            let first = expected
                .iter()
                .zip(&got)
                .position(|(e, g)| e != g)
                .unwrap_or(expected.len().min(got.len()));
            failures.push(format!(
                "{}: row {} differs\n  template: {:?}\n  printed:  {:?}",
                path.display(),
                first + 1,
                expected.get(first),
                got.get(first)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A call whose form has one row of the template, one field the system uses for a rule
/// (`print = "appendix"`) and one it keeps to itself (`print = "none"`).
const MARKED: &str = r#"format = 1
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
label = "单位名称"
kind = "text"

[[section.field]]
id = "category"
label = "企业类别"
kind = "single_choice"
options = ["大型", "中小型"]
print = "appendix"

[[section.field]]
id = "internal"
label = "内部备注"
kind = "text"
print = "none"

[[section.field]]
id = "revenue"
label = "营业收入"
kind = "decimal"
unit = "万元"

[commitment]
title = "承诺"
text = "真实。"
"#;

#[test]
fn system_fields_print_only_in_the_marked_appendix() {
    let call = shenbao_core::call::load_str("x.toml", MARKED).unwrap_or_else(|e| panic!("{e}"));
    let outline = shenbao_docs::blank_outline(
        &call,
        Target {
            direction: "a",
            subdirection: None,
        },
    );
    let appendix = shenbao_core::messages::document::SYSTEM_APPENDIX;
    assert_eq!(
        outline,
        vec![
            "# 申报表".to_string(),
            "## 一、情况".to_string(),
            "单位名称".to_string(),
            "营业收入（万元）".to_string(),
            "## 承诺".to_string(),
            format!("## {appendix}"),
            "企业类别 | ☐大型  ☐中小型".to_string(),
        ]
    );
    assert!(!outline.iter().any(|l| l.contains("内部备注")));
}
