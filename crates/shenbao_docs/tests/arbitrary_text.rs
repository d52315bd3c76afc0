//! Property test: whatever text the data holds (controls such as U+0000, U+0001 and the
//! vertical tab, CR, bidirectional overrides, zero-width characters, U+FFFE and U+FFFF,
//! astral characters, XML's own `<&>`, rust_xlsxwriter's `_x0001_` escapes), every writer makes
//! valid files: the form DOCX, the summary tables as DOCX and XLSX, and the bureau package.
//! Text stored before input was cleaned may hold any of it. Every XML part must be
//! well-formed (quick-xml) with no character XML 1.0 forbids, the XLSX must read back with
//! calamine, the package must open as a ZIP whose names hold no invisible character. A few
//! dozen cases over every seed call, so it runs in seconds in a debug build.

mod common;

use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx};
use common::xml::office_problem;
use proptest::prelude::*;
use serde_json::Value as Json;
use shenbao_core::call::builtin;
use shenbao_core::form::FileMeta;
use shenbao_docs::{
    FilledOpinion, FormExtras, FormFormat, PackageApplication, PackageAttachment, PackageWriter,
    SummaryInput, SummaryRow, application_docx, summary_docx, summary_rows, summary_xlsx,
};

/// Characters that have broken documents or names, or could.
const NASTY: &[char] = &[
    '\u{0}',
    '\u{1}',
    '\u{8}',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{1f}',
    '\r',
    '\n',
    '\t',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    '\u{ad}',
    '\u{61c}',
    '\u{200b}',
    '\u{200e}',
    '\u{200f}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{2028}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{fdd0}',
    '\u{1fffe}',
    '\u{10ffff}',
    '\u{e000}',
    '\u{1f600}',
    '\u{20000}',
    'e',
    '\u{301}',
    '<',
    '>',
    '&',
    '"',
    '\'',
    ']',
    '/',
    '\\',
    '.',
    '_',
    'x',
    '0',
    '报',
    ' ',
];

/// Arbitrary Unicode, biased towards [`NASTY`].
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![2 => any::<char>(), 3 => prop::sample::select(NASTY)],
        0..12,
    )
    .prop_map(String::from_iter)
}

/// Replaces every string of `v` by the next of `texts` (cycling).
fn scramble(v: &mut Json, texts: &[String], next: &mut usize) {
    match v {
        Json::String(s) => {
            *s = texts[*next % texts.len()].clone();
            *next += 1;
        }
        Json::Array(a) => a.iter_mut().for_each(|x| scramble(x, texts, next)),
        Json::Object(o) => o.values_mut().for_each(|x| scramble(x, texts, next)),
        _ => {}
    }
}

/// The package's form formats: the real Word form (the PDF needs fonts this test does not).
const DOCX_ONLY: &[FormFormat] = &[FormFormat::DOCX];

fn check_summary(
    call_id: &str,
    table: usize,
    what: &str,
    rows: &[SummaryRow],
) -> Result<(), TestCaseError> {
    let call = builtin::get(call_id).expect("seed").expect("compiles");
    let xlsx = summary_xlsx(call, table, rows)
        .map_err(|e| TestCaseError::fail(format!("{what} xlsx: {e}")))?;
    prop_assert_eq!(office_problem(&xlsx), None, "{} xlsx", what);
    let mut book = Xlsx::new(Cursor::new(xlsx))
        .map_err(|e| TestCaseError::fail(format!("{what}: calamine: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| TestCaseError::fail("no sheet"))?
        .map_err(|e| TestCaseError::fail(format!("{what}: calamine: {e}")))?;
    for (_, _, cell) in range.cells() {
        let s = cell.to_string();
        prop_assert!(
            s.chars().all(|c| c == '\t' || c == '\n' || !c.is_control()),
            "{} cell {:?}",
            what,
            s
        );
    }
    let docx = summary_docx(call, table, rows)
        .map_err(|e| TestCaseError::fail(format!("{what} docx: {e}")))?;
    prop_assert_eq!(office_problem(&docx), None, "{} docx", what);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_writer_makes_valid_files(
        texts in prop::collection::vec(text(), 6..10),
        names in prop::collection::vec(
            (text(), prop::sample::select(vec!["pdf", "jpg", "png", "docx", "xlsx", "", "exe"])),
            1..4,
        ),
    ) {
        let dir = tempfile::tempdir().expect("dir");
        for call in builtin::all().flatten() {
            let fx = common::fixtures(call).into_iter().next().expect("a fixture");
            let mut answers = fx.answers.clone();
            scramble(&mut answers, &texts, &mut 0);
            let mut profile = fx.profile.clone();
            profile["name"] = Json::from(texts[0].clone());
            let slot = call
                .files_for(&fx.direction)
                .next()
                .map(|(s, _)| s.id.clone())
                .unwrap_or_default();
            let attachments: Vec<PackageAttachment> = names
                .iter()
                .enumerate()
                .map(|(i, (name, kind))| {
                    let path = dir.path().join(format!("{}-{i}", call.id()));
                    std::fs::write(&path, b"%PDF-1.7 x").expect("write");
                    PackageAttachment {
                        meta: FileMeta {
                            slot: slot.clone(),
                            name: name.clone(),
                            size: 10,
                            kind: kind.to_string(),
                        },
                        path,
                    }
                })
                .collect();
            let files: Vec<FileMeta> = attachments.iter().map(|a| a.meta.clone()).collect();
            let extras = FormExtras {
        members: Vec::new(),
        stamp: None,
                opinions: call
                    .def()
                    .review_levels
                    .iter()
                    .map(|l| FilledOpinion {
                        level: l.id.clone(),
                        unit: texts[0].clone(),
                        text: texts[1].clone(),
                        signatures: l
                            .opinion
                            .iter()
                            .flat_map(|o| o.signatures.iter())
                            .map(|s| (s.clone(), texts[2].clone()))
                            .collect(),
                        date: Some(texts[3].clone()),
                    })
                    .collect(),
            };
            let app = shenbao_core::form::Application {
                target: fx.target(),
                answers: &answers,
                profile: Some(&profile),
                files: Some(&files),
            };
            let what = call.id();

            // The form.
            let form = application_docx(call, &app, &extras)
                .map_err(|e| TestCaseError::fail(format!("{what} form: {e}")))?;
            prop_assert_eq!(office_problem(&form), None, "{} form", what);

            // The summary tables: rows computed from the answers where the call's expressions
            // take them, and rows of arbitrary cells.
            for (t, def) in call.def().summaries.iter().enumerate() {
                let empty = serde_json::Map::new();
                let input = SummaryInput {
                    direction: &fx.direction,
                    subdirection: fx.subdirection.as_deref(),
                    rank: 1,
                    region: fx.profile["region"].as_str().unwrap_or_default(),
                    opinion: &texts[1],
                    answers: answers.as_object().unwrap_or(&empty),
                    profile: &profile,
                };
                if let Ok(rows) = summary_rows(call, t, &[input]) {
                    check_summary(what, t, &format!("{what} {}", def.id), &rows)?;
                }
                let rows = vec![
                    SummaryRow::Group(texts[3].clone()),
                    SummaryRow::Cells(
                        (0..def.columns.len()).map(|i| texts[i % texts.len()].clone()).collect(),
                    ),
                ];
                check_summary(what, t, &format!("{what} {} cells", def.id), &rows)?;
            }

            // The package.
            let mut package = PackageWriter::new(call, DOCX_ONLY, Vec::new());
            package
                .add_document(
                    &format!("{}.xlsx", texts[4]),
                    &summary_xlsx(call, 0, &[]).unwrap_or_default(),
                )
                .map_err(|e| TestCaseError::fail(format!("{what} package: {e}")))?;
            package
                .add_application(&PackageApplication {
                    call: None,
                    target: fx.target(),
                    company: &texts[0],
                    title: &texts[5],
                    answers: &answers,
                    profile: Some(&profile),
                    attachments: &attachments,
                    extras: &extras,
                })
                .map_err(|e| TestCaseError::fail(format!("{what} package: {e}")))?;
            let bytes = package
                .finish()
                .map_err(|e| TestCaseError::fail(format!("{what} package: {e}")))?;
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
                .map_err(|e| TestCaseError::fail(format!("{what} package: {e}")))?;
            prop_assert_eq!(zip.len(), 2 + attachments.len(), "{} entries", what);
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let name = entry.name().to_string();
                prop_assert!(
                    name.split('/').all(|part| !part.is_empty() && !part.starts_with('.')),
                    "{} entry {:?}",
                    what,
                    name
                );
                prop_assert!(name.split('/').count() <= 2, "{} entry {:?}", what, name);
                prop_assert!(
                    name.chars().all(shenbao_core::text::visible_in_name),
                    "{} entry {:?}",
                    what,
                    name
                );
                let mut content = Vec::new();
                entry.read_to_end(&mut content).map_err(|e| TestCaseError::fail(e.to_string()))?;
                // The summary table at the root, then the application's form; the attachments
                // after them are whatever was uploaded.
                if i < 2 {
                    prop_assert_eq!(office_problem(&content), None, "{} {}", what, name);
                }
            }
            // Attachments end with their type's extension where the type is known.
            for (name, kind) in &names {
                let cleaned = shenbao_core::text::file_name(name, kind);
                if matches!(*kind, "pdf" | "jpg" | "png" | "docx" | "xlsx") {
                    let ext = cleaned.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
                    prop_assert!(
                        ext.as_deref() == Some(*kind)
                            || (*kind == "jpg" && ext.as_deref() == Some("jpeg")),
                        "{:?} as {} → {:?}",
                        name,
                        kind,
                        cleaned
                    );
                }
            }
        }
    }
}
