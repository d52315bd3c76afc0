//! The application form as DOCX for the valid fixture of every direction of every seed call,
//! unzipped and read back: every answer's text is in `word/document.xml`, chosen options are
//! ticked (☑) and the others not (☐), the form and commitment titles, the cover lines and the
//! attached files are there, fonts are named and not embedded.

mod common;

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use common::{expected, fixtures};
use shenbao_core::call::builtin;
use shenbao_core::form::validate;
use shenbao_core::output::cover_lines;
use shenbao_docs::application_docx;

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
            let app = fx.application(true);
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

            let report = validate(call, fx.target(), &fx.answers);
            for line in cover_lines(call, &report.answers, Some(&fx.profile)) {
                assert!(text.contains(&line.label), "{at}: cover {}", line.label);
                assert!(text.contains(&line.text), "{at}: cover {}", line.text);
            }
            let common::Expected { texts, unchosen } = expected(call, fx);
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
    let app = fx.application(false);
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
