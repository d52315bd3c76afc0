//! Tests of the form: calendar inputs, and that every value is cleaned on its way in.

mod calendar_tests {
    use crate::form::render::calendar_input;
    use shenbao_core::call::definition::FieldKind;

    #[test]
    fn dates_the_picker_cannot_show_are_converted_or_kept_as_text() {
        assert_eq!(
            calendar_input(FieldKind::Date, "2023年1月1日"),
            ("date", "2023-01-01".to_string())
        );
        assert_eq!(
            calendar_input(FieldKind::Date, "2024-03-05"),
            ("date", "2024-03-05".to_string())
        );
        assert_eq!(
            calendar_input(FieldKind::Month, "2024年3月"),
            ("month", "2024-03".to_string())
        );
        assert_eq!(
            calendar_input(FieldKind::Date, "去年春天"),
            ("text", "去年春天".to_string())
        );
        assert_eq!(calendar_input(FieldKind::Date, ""), ("date", String::new()));
    }
}

mod cleaning_tests {
    use proptest::prelude::*;
    use serde_json::Value as Json;
    use shenbao_core::call::{Target, builtin};
    use shenbao_core::text::{clean, xml_safe};

    use crate::form::{parse, posted_fields};

    /// Characters that have broken documents, or could.
    const NASTY: &[char] = &[
        '\u{0}',
        '\u{1}',
        '\u{b}',
        '\u{c}',
        '\r',
        '\n',
        '\t',
        '\u{7f}',
        '\u{85}',
        '\u{202e}',
        '\u{2066}',
        '\u{200b}',
        '\u{feff}',
        '\u{fffe}',
        '\u{ffff}',
        '\u{1fffe}',
        '\u{1f600}',
        '\u{20000}',
        'e',
        '\u{301}',
        '\u{f900}',
        '<',
        '&',
        '%',
        '+',
        '=',
        '报',
        ' ',
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![2 => any::<char>(), 3 => prop::sample::select(NASTY)],
            0..16,
        )
        .prop_map(String::from_iter)
    }

    /// Every field name the form of `target` posts (one row of repeating rows).
    fn names(call: &shenbao_core::call::Call, target: &Target<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for f in call.sections_for(target).flat_map(|s| s.fields.iter()) {
            let base = format!("f.{}", f.id);
            out.push(base.clone());
            out.push(format!("{base}_other"));
            out.push(format!("{base}.start"));
            out.push(format!("{base}.end"));
            let columns: Vec<String> = f
                .columns
                .iter()
                .map(|c| c.id.clone())
                .chain(f.years.iter().map(|y| y.to_string()))
                .collect();
            for r in &f.rows {
                for c in &columns {
                    out.push(format!("{base}.{}.{c}", r.id));
                }
            }
            for c in &columns {
                out.push(format!("{base}[0].{c}"));
                out.push(format!("{base}[0].{c}_other"));
            }
        }
        out
    }

    /// Whether every string in `v` is cleaned text.
    fn all_clean(v: &Json) -> bool {
        match v {
            Json::String(s) => clean(s) == *s && xml_safe(s) == s.as_str(),
            Json::Array(a) => a.iter().all(all_clean),
            Json::Object(o) => o.values().all(all_clean),
            _ => true,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Whatever is posted into whichever field, the answers hold cleaned text only.
        #[test]
        fn posted_answers_are_cleaned(
            values in prop::collection::vec(text(), 1..40),
            seed in any::<usize>(),
        ) {
            for call in builtin::all().flatten() {
                let d = &call.def().directions[seed % call.def().directions.len()];
                let target = Target {
                    direction: &d.id,
                    subdirection: d.subdirections.first().map(|s| s.id.as_str()),
                };
                let names = names(call, &target);
                let mut pairs: Vec<(String, String)> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), values[(i + seed) % values.len()].clone()))
                    .collect();
                pairs.extend(
                    call.sections_for(&target)
                        .flat_map(|s| s.fields.iter())
                        .map(|f| (format!("n.{}", f.id), "1".to_string())),
                );
                let answers = parse(call, &target, &pairs);
                prop_assert!(all_clean(&answers), "{}", answers);
            }
        }

        /// A raw urlencoded body of arbitrary fields comes out with every value cleaned.
        #[test]
        fn posted_fields_are_cleaned(fields in prop::collection::vec((text(), text()), 0..8)) {
            let raw = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&fields)
                .finish();
            let parsed = posted_fields(raw.as_bytes());
            prop_assert_eq!(parsed.len(), fields.len());
            for ((k, v), (k0, v0)) in parsed.iter().zip(&fields) {
                prop_assert_eq!(k, k0);
                prop_assert_eq!(v, &clean(v0));
            }
        }
    }
}
