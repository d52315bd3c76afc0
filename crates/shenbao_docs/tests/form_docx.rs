//! The application form as DOCX for the valid fixture of every direction of every seed call,
//! unzipped and read back: every answer's text is in `word/document.xml`, chosen options are
//! ticked (☑) and the others not (☐), the form and commitment titles, the cover lines and the
//! attached files are there, fonts are named and not embedded.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::PathBuf;

use serde_json::{Map, Value as Json};
use shenbao_core::call::definition::{FieldDef, FieldKind};
use shenbao_core::call::{Call, Target, builtin};
use shenbao_core::form::{Application, FileMeta, validate};
use shenbao_core::output::{cover_lines, text_of};
use shenbao_core::region;
use shenbao_docs::application_docx;

struct Fixture {
    name: String,
    direction: String,
    subdirection: Option<String>,
    profile: Json,
    answers: Json,
    files: Vec<FileMeta>,
}

/// The valid fixtures of a call.
fn fixtures(call: &Call) -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures")
        .join(call.id());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".valid.json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).expect("fixture");
            let v: Json = serde_json::from_str(&text).expect("json");
            Fixture {
                direction: v["direction"].as_str().expect("direction").to_string(),
                subdirection: v["subdirection"].as_str().map(str::to_string),
                profile: v["profile"].clone(),
                answers: v["answers"].clone(),
                files: serde_json::from_value(v["files"].clone()).unwrap_or_default(),
                name,
            }
        })
        .collect()
}

/// The document's parts and the text of `word/document.xml`, one line per paragraph.
fn unzip(bytes: &[u8]) -> (Vec<String>, String, String) {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut text = String::new();
    for para in xml.split("</w:p>") {
        let mut rest = para;
        while let Some(i) = rest.find("<w:t") {
            rest = &rest[i + 4..];
            if !(rest.starts_with('>') || rest.starts_with(' ')) {
                continue;
            }
            let Some(open) = rest.find('>') else { break };
            let Some(close) = rest.find("</w:t>") else {
                break;
            };
            text.push_str(&unescape(&rest[open + 1..close]));
            rest = &rest[close..];
        }
        text.push('\n');
    }
    (names, xml, text)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A table or row cell's texts: strings trimmed, numbers as people write them (no `.0`), lists
/// item by item.
fn leaf_texts(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::String(s) => out.push(s.trim().to_string()),
        Json::Number(_) => out.push(text_of(v)),
        Json::Array(a) => a.iter().for_each(|x| leaf_texts(x, out)),
        Json::Object(o) => o.values().for_each(|x| leaf_texts(x, out)),
        _ => {}
    }
}

/// What the document must contain for one top-level field, and the options it must show
/// unchosen.
fn expected(
    f: &FieldDef,
    answers: &Map<String, Json>,
    texts: &mut Vec<String>,
    unchosen: &mut Vec<String>,
) {
    let Some(v) = answers.get(&f.id) else { return };
    match f.kind.expect("kind") {
        FieldKind::Heading => {}
        FieldKind::Textarea => texts.extend(
            v.as_str()
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .map(str::to_string),
        ),
        FieldKind::SingleChoice | FieldKind::MultiChoice => {
            let mut chosen = Vec::new();
            leaf_texts(v, &mut chosen);
            for o in &f.options {
                if chosen.iter().any(|c| c == o.value()) {
                    texts.push(format!("☑{}", o.value()));
                } else {
                    unchosen.push(format!("☐{}", o.value()));
                }
            }
            if let Some(other) = answers.get(&format!("{}_other", f.id)) {
                leaf_texts(other, texts);
            }
        }
        FieldKind::Region => {
            texts.push(region::full_name(v.as_str().expect("code")).expect("a known division"))
        }
        FieldKind::Computed => texts.push(match (f.decimals, v.as_f64()) {
            (Some(d), Some(x)) => format!("{x:.*}", d as usize),
            _ => text_of(v),
        }),
        FieldKind::Rows => {
            for entry in v.as_array().into_iter().flatten() {
                for c in &f.columns {
                    match (c.kind, entry.get(&c.id)) {
                        (Some(FieldKind::Region), Some(Json::String(code))) => {
                            texts.push(region::full_name(code).expect("a known division"))
                        }
                        (_, Some(cell)) => leaf_texts(cell, texts),
                        _ => {}
                    }
                }
            }
        }
        _ => leaf_texts(v, texts),
    }
}

#[test]
fn every_direction_of_every_seed_call_prints_every_answer() {
    let mut checked = 0;
    for call in builtin::all() {
        let call = call.expect("seed calls compile");
        let fixtures = fixtures(call);
        let covered: BTreeSet<&str> = fixtures.iter().map(|f| f.direction.as_str()).collect();
        for d in &call.def().directions {
            assert!(
                covered.contains(d.id.as_str()),
                "{}: no valid fixture for direction {}",
                call.id(),
                d.id
            );
        }
        for fx in &fixtures {
            let target = Target {
                direction: &fx.direction,
                subdirection: fx.subdirection.as_deref(),
            };
            let app = Application {
                target,
                answers: &fx.answers,
                profile: Some(&fx.profile),
                files: Some(&fx.files),
            };
            let bytes = application_docx(call, &app).expect("a DOCX");
            let (parts, xml, text) = unzip(&bytes);
            let at = format!("{}/{}", call.id(), fx.name);

            assert!(parts.iter().any(|p| p == "[Content_Types].xml"), "{at}");
            assert!(
                !parts.iter().any(|p| p.starts_with("word/fonts/")),
                "{at}: fonts are named, never embedded"
            );
            assert!(xml.contains(r#"w:eastAsia="宋体""#), "{at}: body font");
            assert!(xml.contains(r#"w:eastAsia="黑体""#), "{at}: title font");

            let title = call
                .direction(&fx.direction)
                .and_then(|d| d.form_title.clone())
                .unwrap_or_else(|| call.def().form_title.clone());
            assert!(text.contains(&title), "{at}: form title {title}");
            let commitment = &call.def().commitment;
            assert!(text.contains(&commitment.title), "{at}: commitment title");
            for line in &commitment.signatures {
                assert!(text.contains(line.trim()), "{at}: signature line {line}");
            }

            let report = validate(call, target, &fx.answers);
            assert!(!report.has_errors(), "{at}: the fixture is valid");
            for line in cover_lines(call, &report.answers, Some(&fx.profile)) {
                assert!(text.contains(&line.label), "{at}: cover {}", line.label);
                assert!(text.contains(&line.text), "{at}: cover {}", line.text);
            }
            let mut texts = Vec::new();
            let mut unchosen = Vec::new();
            for section in call.sections_for(&target) {
                for f in &section.fields {
                    if !report.hidden.contains(&f.id) {
                        expected(f, &report.answers, &mut texts, &mut unchosen);
                    }
                }
            }
            texts.retain(|t| !t.is_empty());
            assert!(!texts.is_empty(), "{at}: answers to look for");
            for t in &texts {
                assert!(text.contains(t.as_str()), "{at}: answer text {t:?} missing");
            }
            assert!(text.contains('☑'), "{at}: a chosen option");
            for t in &unchosen {
                assert!(text.contains(t.as_str()), "{at}: unchosen option {t:?}");
            }
            for file in &fx.files {
                assert!(text.contains(&file.name), "{at}: file {}", file.name);
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "fixtures of every seed call");
}

#[test]
fn grouped_fields_share_a_merged_group_cell() {
    let call = builtin::get("gd-2023-ai-scenarios")
        .expect("seed call")
        .expect("compiles");
    let fx = fixtures(call)
        .into_iter()
        .find(|f| f.name == "manufacturing.valid.json")
        .expect("fixture");
    let app = Application {
        target: Target {
            direction: &fx.direction,
            subdirection: fx.subdirection.as_deref(),
        },
        answers: &fx.answers,
        profile: Some(&fx.profile),
        files: None,
    };
    let (_, xml, text) = unzip(&application_docx(call, &app).expect("a DOCX"));
    assert!(
        xml.contains(r#"<w:vMerge w:val="restart""#),
        "a merged cell starts"
    );
    assert!(
        xml.contains(r#"<w:vMerge w:val="continue""#),
        "and continues"
    );
    assert!(
        xml.contains("<w:gridSpan"),
        "ungrouped labels span the group column"
    );
    assert_eq!(
        text.matches("人才团队").count(),
        1,
        "the group label is printed once"
    );
    assert!(xml.contains(r#"w:w="11906""#), "A4 width");
    assert!(!text.contains("附件材料清单"), "no file list without files");
}
