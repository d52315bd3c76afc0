//! Shared checks for the seed-call tests: the label inventory and the answer fixtures.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value as Json;
use shenbao_core::call::{Call, Target, builtin};
use shenbao_core::form::{self, Application, FileMeta};
use unicode_normalization::UnicodeNormalization;

/// Removes all whitespace and applies NFKC, so full- and half-width forms and stray spaces
/// of the seed text do not matter.
fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn strings(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::String(s) => out.push(norm(s)),
        Json::Number(n) => out.push(n.to_string()),
        Json::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Json::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The built-in call `id`, compiled.
pub fn call(id: &str) -> &'static Call {
    builtin::get(id)
        .unwrap_or_else(|| panic!("no built-in call {id}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every inventory label must be found in some string of the definition.
pub fn assert_inventory(id: &str, inventory: &[&str]) {
    let def = serde_json::to_value(call(id).def()).expect("definition serialises");
    let mut all = Vec::new();
    strings(&def, &mut all);
    let missing: Vec<&str> = inventory
        .iter()
        .copied()
        .filter(|label| {
            let l = norm(label);
            !all.iter().any(|s| s.contains(&l))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{id}: seed labels missing from the definition: {missing:#?}"
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    description: String,
    direction: String,
    #[serde(default)]
    subdirection: Option<String>,
    #[serde(default)]
    profile: Option<Json>,
    answers: Json,
    #[serde(default)]
    files: Option<Vec<FileMeta>>,
    expect: Vec<Expected>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Expected {
    path: String,
    /// A code the engine knows: a fixture with a misspelt code does not load.
    code: shenbao_core::form::Code,
    #[serde(default)]
    rule: Option<String>,
}

/// Runs every fixture in `tests/fixtures/<id>/` and compares the problems found with the
/// expected ones exactly; also requires a clean fixture for every direction and
/// sub-direction.
pub fn check_fixtures(id: &str) {
    let call = call(id);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(id);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    let mut clean: BTreeSet<(String, Option<String>)> = BTreeSet::new();
    for path in &entries {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(path).expect("fixture readable");
        let fx: Fixture = match serde_json::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{name}: unreadable fixture: {e}"));
                continue;
            }
        };
        let report = form::check(
            call,
            &Application {
                target: Target {
                    direction: &fx.direction,
                    subdirection: fx.subdirection.as_deref(),
                },
                answers: &fx.answers,
                profile: fx.profile.as_ref(),
                files: fx.files.as_deref(),
            },
        );
        let got: BTreeSet<Expected> = report
            .problems
            .iter()
            .map(|p| Expected {
                path: p.path.clone(),
                code: p.code,
                rule: p.rule.clone(),
            })
            .collect();
        let want: BTreeSet<Expected> = fx.expect.into_iter().collect();
        if want.is_empty() && got.is_empty() {
            clean.insert((fx.direction.clone(), fx.subdirection.clone()));
        }
        if got != want {
            let extra: Vec<_> = report
                .problems
                .iter()
                .filter(|p| {
                    !want.contains(&Expected {
                        path: p.path.clone(),
                        code: p.code,
                        rule: p.rule.clone(),
                    })
                })
                .map(|p| format!("{} {} {:?} {}", p.path, p.code, p.rule, p.message))
                .collect();
            let missing: Vec<_> = want.difference(&got).collect();
            failures.push(format!(
                "{name} ({}):\n  unexpected: {extra:#?}\n  missing: {missing:?}",
                fx.description
            ));
        }
    }
    for d in &call.def().directions {
        let targets: Vec<Option<String>> = if d.subdirections.is_empty() {
            vec![None]
        } else {
            d.subdirections.iter().map(|s| Some(s.id.clone())).collect()
        };
        for sub in targets {
            if !clean.contains(&(d.id.clone(), sub.clone())) {
                failures.push(format!(
                    "no clean valid fixture for direction {} {:?}",
                    d.id, sub
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{id}:\n{}", failures.join("\n"));
}
