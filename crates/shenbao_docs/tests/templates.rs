//! Every seed call's blank form, row for row, against its template: the rows of the notice's
//! form (申报表 / 申报书 / 调研表), kept in `tests/templates/<call>/<direction>.txt` as the
//! printed outline (`shenbao_docs::blank_outline`). The lists were taken from the seed texts,
//! not from what shenbao prints (their `//` lines cite the seed).
//!
//! Where shenbao does not print the template yet, the differences are listed beside it in
//! `<direction>.known.txt`: `- row` for a template row not printed so, `+ row` for a printed
//! row the template does not have, each with a `//` note on what the program lacks. The test
//! fails on any difference that is not listed (a regression, or a new form) and on a listed
//! one that no longer occurs (fixed: strike it from the list), so the list only shrinks.
//!
//! A direction whose sub-directions print different sections has one file per choice
//! (`<direction>.<choice>.txt`); a call whose directions all print the same form has one,
//! `form.txt`. `SHENBAO_BLESS=known` rewrites the `.known.txt` lists from the differences of
//! today (notes dropped), for a reviewer to check against the notice before committing; a
//! template that does not exist yet is written from what is printed.

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

/// The lines of a kept list, without notes and blank lines.
fn rows(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .collect()
}

/// The differences between a template and the printed rows: `- row` and `+ row`, in order.
fn differences(template: &[&str], printed: &[&str]) -> Vec<String> {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_slices(template, printed);
    diff.iter_all_changes()
        .filter_map(|c| match c.tag() {
            similar::ChangeTag::Delete => Some(format!("- {}", c.value())),
            similar::ChangeTag::Insert => Some(format!("+ {}", c.value())),
            similar::ChangeTag::Equal => None,
        })
        .collect()
}

#[test]
fn every_seed_form_prints_its_template_row_for_row() {
    let bless = std::env::var("SHENBAO_BLESS").ok();
    let mut failures = Vec::new();
    for (path, lines) in printed() {
        if !path.exists() {
            assert!(
                bless.is_some(),
                "{}: no template (SHENBAO_BLESS=known writes one from what is printed)",
                path.display()
            );
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            std::fs::write(&path, lines.join("\n") + "\n").expect("write the template");
        }
        let template =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let printed: Vec<&str> = lines.iter().map(String::as_str).collect();
        let got = differences(&rows(&template), &printed);
        let known_path = path.with_extension("known.txt");
        if bless.is_some() {
            if got.is_empty() {
                let _ = std::fs::remove_file(&known_path);
            } else {
                std::fs::write(&known_path, got.join("\n") + "\n").expect("write the list");
            }
            continue;
        }
        let known = std::fs::read_to_string(&known_path).unwrap_or_default();
        let mut known: Vec<&str> = rows(&known);
        let mut new = Vec::new();
        for d in &got {
            match known.iter().position(|k| k == d) {
                Some(i) => {
                    known.remove(i);
                }
                None => new.push(d.as_str()),
            }
        }
        if !new.is_empty() {
            failures.push(format!(
                "{}: differs from its template where no known difference says so:\n  {}",
                path.display(),
                new.join("\n  ")
            ));
        }
        if !known.is_empty() {
            failures.push(format!(
                "{}: fixed, strike from the known differences:\n  {}",
                known_path.display(),
                known.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every known difference is one row, of the template (`- `) or printed (`+ `): a list of
/// anything else would hide what it stands for.
#[test]
fn the_known_differences_stay_listed_row_by_row() {
    for (path, lines) in printed() {
        let known = std::fs::read_to_string(path.with_extension("known.txt")).unwrap_or_default();
        for row in rows(&known) {
            assert!(
                row.starts_with("- ") || row.starts_with("+ "),
                "{}: {row:?} is neither a template row (-) nor a printed one (+)",
                path.display()
            );
        }
        assert!(!lines.is_empty(), "{}: a form prints rows", path.display());
    }
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
