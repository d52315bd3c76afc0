//! Rules, files, directions, limits, and the words of every problem.

use super::*;

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

// A direction whose name holds quotes of its own is not quoted again (““领雁”软件企业”).
#[test]
fn limit_messages_quote_a_direction_once() {
    let qz = shenbao_core::call::builtin::get("qz-2024-ai-industry")
        .expect("seed")
        .expect("compiles");
    let other = OtherApplication {
        direction: "lingyan_software".to_string(),
    };
    let problems = check_limits(qz, "lingyan_software", &[other]);
    let message = &problems.first().expect("one per direction").message;
    assert!(message.starts_with("“领雁”软件企业方向"), "{message}");
    assert!(
        !message.contains("““") && !message.contains("””"),
        "{message}"
    );
    let gd = shenbao_core::call::builtin::get("gd-2023-ai-scenarios")
        .expect("seed")
        .expect("compiles");
    let d = gd.def().directions[0].clone();
    let plain = shenbao_core::messages::limit::per_direction(&d.name, 1);
    assert!(plain.starts_with(&format!("“{}”方向", d.name)), "{plain}");
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
