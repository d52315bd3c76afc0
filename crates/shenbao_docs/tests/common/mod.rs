//! What the form tests share: the seed calls' valid fixtures, the texts a filled form must
//! show for them, and the poppler tools that read PDFs back.
#![allow(dead_code, reason = "each test binary uses part of the helpers")]

pub mod summary;
pub mod xml;

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Map, Value as Json};
use shenbao_core::call::definition::{FieldDef, FieldKind, Print};
use shenbao_core::call::{Call, Target};
use shenbao_core::form::{Application, FileMeta, validate};
use shenbao_core::output::{cover_lines, text_of};
use shenbao_core::region;

/// A valid fixture of a seed call.
pub struct Fixture {
    pub name: String,
    pub direction: String,
    pub subdirection: Option<String>,
    pub profile: Json,
    pub answers: Json,
    pub files: Vec<FileMeta>,
}

impl Fixture {
    pub fn target(&self) -> Target<'_> {
        Target {
            direction: &self.direction,
            subdirection: self.subdirection.as_deref(),
        }
    }

    /// The application, with its files when `files`.
    pub fn app(&self, files: bool) -> Application<'_> {
        Application {
            target: self.target(),
            answers: &self.answers,
            profile: Some(&self.profile),
            files: files.then_some(self.files.as_slice()),
        }
    }
}

/// The valid fixtures of a call.
pub fn fixtures(call: &Call) -> Vec<Fixture> {
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

/// The fixture `name` of the seed call `id`.
pub fn fixture(call: &Call, name: &str) -> Fixture {
    fixtures(call)
        .into_iter()
        .find(|f| f.name == name)
        .expect("fixture")
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

/// What a filled form of `fx` must show: the form title, the commitment's title and signature
/// lines, the cover lines, every answer's text, ☑ before chosen options, and the files'
/// names; then the options it must show as ☐.
pub fn expected_texts(call: &Call, fx: &Fixture) -> (Vec<String>, Vec<String>) {
    let target = fx.target();
    let at = format!("{}/{}", call.id(), fx.name);
    let report = validate(call, target, &fx.answers);
    assert!(!report.has_errors(), "{at}: the fixture is valid");
    let mut texts = vec![
        call.direction(&fx.direction)
            .and_then(|d| d.form_title.clone())
            .unwrap_or_else(|| call.def().form_title.clone()),
    ];
    // A commitment the form does not print (山东 摸底) is accepted online only.
    if call.def().commitment.printed {
        texts.push(call.def().commitment.title.clone());
        texts.extend(
            call.def()
                .commitment
                .signatures
                .iter()
                .map(|s| s.trim().to_string()),
        );
    }
    for line in cover_lines(call, &report.answers, Some(&fx.profile)) {
        texts.push(line.label);
        texts.push(line.text);
    }
    let (answers, unchosen) = answer_texts(call, fx);
    assert!(!answers.is_empty(), "{at}: answers to look for");
    assert!(
        answers.iter().any(|t| t.starts_with('☑')),
        "{at}: a chosen option"
    );
    texts.extend(answers);
    texts.extend(fx.files.iter().map(|f| f.name.clone()));
    texts.retain(|t| !t.is_empty());
    (texts, unchosen)
}

/// The texts of `fx`'s answers as a filled form shows them (☑ before chosen options), and the
/// options it must show as ☐.
pub fn answer_texts(call: &Call, fx: &Fixture) -> (Vec<String>, Vec<String>) {
    let target = fx.target();
    let report = validate(call, target, &fx.answers);
    let mut answers = Vec::new();
    let mut unchosen = Vec::new();
    for section in call.sections_for(&target) {
        for f in &section.fields {
            if !report.hidden.contains(&f.id) && f.print != Print::None {
                expected(f, &report.answers, &mut answers, &mut unchosen);
            }
        }
    }
    answers.retain(|t| !t.is_empty());
    (answers, unchosen)
}

/// Runs a poppler tool on a PDF and returns its output; fails when poppler-utils is missing.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(pdf).expect("write the PDF");
    let out = Command::new(tool)
        .args(args)
        .arg(file.path())
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} is not available ({e}): bash scripts/test installs poppler-utils")
        });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The text of a PDF (pdftotext, in content order: the text of a table cell or of a line with
/// a wide gap stays together), with all white space removed: lines wrap anywhere.
pub fn pdf_text(pdf: &[u8]) -> String {
    squeeze(&poppler("pdftotext", &["-raw", "-enc", "UTF-8"], pdf))
}

/// The lines of a PDF as they are printed (pdftotext in reading order), white space removed.
pub fn pdf_lines(pdf: &[u8]) -> Vec<String> {
    poppler("pdftotext", &["-enc", "UTF-8"], pdf)
        .lines()
        .map(squeeze)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The text of each page of a PDF (pdftotext, pages split at its form feeds), white space
/// removed.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let text = poppler("pdftotext", &["-enc", "UTF-8"], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(squeeze).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

/// The page numbers a 目录 page prints after each of `lines` (dot leaders between), in order;
/// `None` for a line not found or without a number.
pub fn contents_numbers(contents_page: &str, lines: &[&str]) -> Vec<Option<usize>> {
    lines
        .iter()
        .map(|line| {
            let line = squeeze(line);
            let at = contents_page.find(&line)? + line.len();
            let digits: String = contents_page[at..]
                .chars()
                .skip_while(|c| matches!(c, '·' | '.' | '…'))
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// The 1-based page each of `titles` begins a page with, after page `from` (0-based).
pub fn pages_beginning_with(pages: &[String], from: usize, titles: &[&str]) -> Vec<Option<usize>> {
    titles
        .iter()
        .map(|t| {
            let t = squeeze(t);
            pages
                .iter()
                .enumerate()
                .skip(from + 1)
                .find(|(_, p)| p.starts_with(&t))
                .map(|(i, _)| i + 1)
        })
        .collect()
}

/// `text` without white space, to compare with [`pdf_text`].
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The fonts of a PDF (pdffonts): (name, embedded, subset) for each.
pub fn pdf_fonts(pdf: &[u8]) -> Vec<(String, bool, bool)> {
    let out = poppler("pdffonts", &[], pdf);
    out.lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            // name type [encoding words…] emb sub uni object ID: the flags count from the end.
            let flag = |from_end: usize| cols.get(cols.len() - from_end) == Some(&"yes");
            (cols[0].to_string(), flag(5), flag(4))
        })
        .collect()
}

/// The document's parts and the text of `word/document.xml`, one line per paragraph.
pub fn unzip(bytes: &[u8]) -> (Vec<String>, String, String) {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut text = String::new();
    for para in xml.split("</w:p>") {
        text.push_str(&xml_text(para));
        text.push('\n');
    }
    (names, xml, text)
}

/// The text of the runs (`w:t`) in a piece of WordprocessingML, decoded.
pub fn xml_text(xml: &str) -> String {
    let mut text = String::new();
    let mut rest = xml;
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
    text
}

/// A table row of a `word/document.xml`: whether Word repeats it on every page (`w:tblHeader`
/// in its properties) and the text of each of its cells.
#[derive(Debug)]
pub struct TableRow {
    pub header: bool,
    pub cells: Vec<String>,
}

/// The rows of every table of a `word/document.xml` (whose tables do not nest), table by table.
pub fn table_rows(xml: &str) -> Vec<Vec<TableRow>> {
    xml.split("<w:tbl>")
        .skip(1)
        .map(|table| {
            let table = table.split("</w:tbl>").next().unwrap_or_default();
            table
                .split("<w:tr>")
                .skip(1)
                .map(|row| {
                    let mut parts = row.split("<w:tc>");
                    let properties = parts.next().unwrap_or_default();
                    TableRow {
                        header: properties.contains("<w:tblHeader"),
                        cells: parts.map(xml_text).collect(),
                    }
                })
                .collect()
        })
        .collect()
}

/// XML text with its five entities decoded.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
