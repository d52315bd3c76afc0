//! Property test: whatever JSON arrives as answers (and whatever file metadata), the engine
//! returns a report and never panics, on every direction of every seed call.

use proptest::prelude::*;
use serde_json::{Map, Value as Json};
use shenbao_core::call::{Target, builtin};
use shenbao_core::form::{self, Application, FileMeta};

/// Every id a seed form uses (fields, table rows and columns, years, slots), so random
/// answers hit real fields and not just unknown keys.
fn id_pool() -> Vec<String> {
    let mut ids = vec!["start".to_string(), "end".to_string(), "x".to_string()];
    for call in builtin::all().flatten() {
        for s in &call.def().sections {
            for f in &s.fields {
                ids.push(f.id.clone());
                ids.push(format!("{}_other", f.id));
                ids.extend(f.rows.iter().map(|r| r.id.clone()));
                ids.extend(f.columns.iter().map(|c| c.id.clone()));
                ids.extend(f.years.iter().map(|y| y.to_string()));
            }
        }
        ids.extend(call.def().files.iter().map(|f| f.id.clone()));
    }
    ids.sort();
    ids.dedup();
    ids
}

fn leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Json::Number)
            .unwrap_or(Json::Null)),
        ".{0,12}".prop_map(Json::String),
        "[0-9一-龥，。,.\\- ]{0,30}".prop_map(Json::String),
        prop::sample::select(vec![
            "是",
            "否",
            "其他",
            "开源",
            "2024-02-30",
            "370102",
            "914403001922038216",
            "-1",
            "1e400",
            "１２"
        ])
        .prop_map(|s| Json::String(s.to_string())),
    ]
}

fn json(keys: Vec<String>) -> impl Strategy<Value = Json> {
    leaf().prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::vec((prop::sample::select(keys.clone()), inner), 0..8)
                .prop_map(|kv| Json::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn files(keys: Vec<String>) -> impl Strategy<Value = Vec<FileMeta>> {
    prop::collection::vec(
        (
            prop::sample::select(keys),
            ".{0,8}",
            any::<u64>(),
            prop::sample::select(vec!["pdf", "jpg", "exe", ""]),
        ),
        0..6,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(slot, name, size, kind)| FileMeta {
                slot,
                name,
                size,
                kind: kind.to_string(),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_answers_never_panic(
        answers in json(id_pool()),
        files in files(id_pool()),
        profile in json(vec!["uscc".into(), "name".into(), "region".into()]),
        pick in any::<prop::sample::Index>(),
    ) {
        let calls: Vec<_> = builtin::all().flatten().collect();
        prop_assume!(!calls.is_empty());
        let call = calls[pick.index(calls.len())];
        for d in &call.def().directions {
            let mut subs: Vec<Option<&str>> = d.subdirections.iter().map(|s| Some(s.id.as_str())).collect();
            subs.push(None);
            for sub in subs {
                let target = Target { direction: &d.id, subdirection: sub };
                let report = form::check(call, &Application {
                    target,
                    answers: &answers,
                    profile: Some(&profile),
                    files: Some(&files),
                });
                // Non-object answers are one problem; objects may be anything.
                if !answers.is_object() {
                    prop_assert_eq!(report.problems.len(), if sub.is_none() && !d.subdirections.is_empty() { 2 } else { 1 });
                }
                for p in &report.problems {
                    prop_assert!(!p.message.is_empty());
                }
            }
        }
    }
}
