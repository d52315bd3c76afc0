//! Summary tables written as DOCX and read back (the paragraphs of `word/document.xml`, in
//! order): title, header lines, column titles, group rows, every cell in ranking order and
//! the footer lines, for every seed call's tables; landscape A4 with 宋体 and 黑体 named; the
//! row of column titles, and no other, repeats on every page in Word.

mod common;

use std::io::{Cursor, Read};

use common::summary::{Fixture, fixture, input, quanzhou_county_table};
use common::{table_rows, unescape};
use serde_json::Value as Json;
use shenbao_core::call::{Call, builtin};
use shenbao_docs::{SummaryRow, summary_docx, summary_rows};

fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

/// The text of every paragraph, in document order.
fn paragraphs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for para in xml.split("</w:p>") {
        if !(para.contains("<w:p>") || para.contains("<w:p ")) {
            continue;
        }
        let mut text = String::new();
        let mut rest = para;
        while let Some(i) = rest.find("<w:t") {
            rest = &rest[i + 4..];
            if !(rest.starts_with('>') || rest.starts_with(' ')) {
                continue;
            }
            let (Some(open), Some(close)) = (rest.find('>'), rest.find("</w:t>")) else {
                break;
            };
            text.push_str(&unescape(&rest[open + 1..close]));
            rest = &rest[close..];
        }
        out.push(text);
    }
    out
}

/// The paragraphs a table cell of `text` holds: one per line, one empty when blank.
fn cell_paragraphs(text: &str) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// The paragraphs the document must hold, in order.
fn expected(call: &Call, table: usize, rows: &[SummaryRow]) -> Vec<String> {
    let def = &call.def().summaries[table];
    let mut out = vec![def.title.clone()];
    out.extend(def.header_lines.iter().cloned());
    for c in &def.columns {
        out.extend(cell_paragraphs(&c.title));
    }
    for row in rows {
        match row {
            SummaryRow::Group(name) => out.extend(cell_paragraphs(name)),
            SummaryRow::Cells(cells) => {
                for c in cells {
                    out.extend(cell_paragraphs(c));
                }
            }
        }
    }
    out.extend(def.footer_lines.iter().cloned());
    out
}

#[test]
fn quanzhou_groups_by_direction_in_ranking_order_on_landscape_a4() {
    let (call, table) = quanzhou_county_table();
    let compute = fixture(call, "compute_service.valid.json");
    let mut compute2 = fixture(call, "compute_service.purchase_at_floor.valid.json");
    // Another company, so the order is visible.
    compute2
        .answers
        .insert("company_name".into(), Json::from("泉州第二算力有限公司"));
    let lingyan = fixture(call, "lingyan_software.valid.json");
    let inputs = [input(&lingyan, 1), input(&compute2, 1), input(&compute, 2)];
    let rows = summary_rows(call, table, &inputs).expect("rows");
    let xml = document_xml(&summary_docx(call, table, &rows).expect("docx"));
    let text = paragraphs(&xml);
    assert_eq!(text, expected(call, table, &rows));
    assert_eq!(text[0], "项目推荐汇总表");
    assert_eq!(text[1], "推荐单位（盖章）：");
    let company = |f: &Fixture| {
        f.answers["company_name"]
            .as_str()
            .expect("name")
            .to_string()
    };
    // 算力服务补助 first (the call's order), its applications in ranking order, then 领雁.
    let at = |needle: &str| {
        text.iter()
            .position(|p| p == needle)
            .unwrap_or_else(|| panic!("{needle} in {text:?}"))
    };
    let group_compute = at("算力服务补助");
    let first = at(&company(&compute2));
    let second = at(&company(&compute));
    let group_lingyan = text
        .iter()
        .position(|p| p.contains("领雁"))
        .expect("领雁 group");
    let third = at(&company(&lingyan));
    assert!(group_compute < first && first < second && second < group_lingyan);
    assert!(group_lingyan < third);
    assert_eq!(text[first - 1], "1", "序号 of the first application");
    assert_eq!(text[third - 1], "1", "序号 restarts in the next group");
    // Landscape A4, fonts named, the group row merged over every column.
    assert!(xml.contains("w:orient=\"landscape\""), "landscape");
    assert!(xml.contains("w:w=\"16838\"") && xml.contains("w:h=\"11906\""));
    assert!(xml.contains("w:eastAsia=\"黑体\"") && xml.contains("w:eastAsia=\"宋体\""));
    let columns = call.def().summaries[table].columns.len();
    assert!(xml.contains(&format!("<w:gridSpan w:val=\"{columns}\"")));
    assert_repeats_only_the_column_titles(call, table, &xml, rows.len());
}

#[test]
fn every_seed_table_is_written_with_its_title_columns_cells_and_footer() {
    let cases = [
        ("sd-2024-llm-cases", "case.valid.json"),
        ("sd-2024-llm-survey", "enterprise.valid.json"),
        ("sd-2024-llm-survey", "product.valid.json"),
        ("hn-2025-ai", "llm-general.valid.json"),
        ("hn-2025-ai", "center.valid.json"),
        ("gd-2023-ai-scenarios", "manufacturing.valid.json"),
        ("gd-2023-ai-scenarios", "large_model.valid.json"),
        ("qz-2024-ai-industry", "typical_scenario.valid.json"),
    ];
    let mut written = 0;
    for (call_id, name) in cases {
        let call = builtin::get(call_id).expect("seed").expect("compiles");
        let f = fixture(call, name);
        for (table, def) in call.def().summaries.iter().enumerate() {
            if !shenbao_core::call::applies(&def.directions, &f.direction) {
                continue;
            }
            let rows = summary_rows(call, table, &[input(&f, 1), input(&f, 2)]).expect("rows");
            let xml = document_xml(&summary_docx(call, table, &rows).expect("docx"));
            let text = paragraphs(&xml);
            assert_eq!(text, expected(call, table, &rows), "{call_id} {}", def.id);
            assert_eq!(text[0], def.title);
            assert_repeats_only_the_column_titles(call, table, &xml, rows.len());
            written += 1;
        }
    }
    assert!(written >= 8, "tables written: {written}");
}

/// The document's one table: its first row is the column titles and carries `w:tblHeader`,
/// and none of its `body` rows (groups and applications) does.
fn assert_repeats_only_the_column_titles(call: &Call, table: usize, xml: &str, body: usize) {
    let def = &call.def().summaries[table];
    let tables = table_rows(xml);
    assert_eq!(tables.len(), 1, "{}: one table", def.id);
    let rows = &tables[0];
    assert_eq!(rows.len(), body + 1, "{}: titles and body rows", def.id);
    let titles: Vec<String> = def
        .columns
        .iter()
        .map(|c| c.title.lines().collect())
        .collect();
    assert_eq!(rows[0].cells, titles, "{}: the first row", def.id);
    assert!(rows[0].header, "{}: the column titles repeat", def.id);
    for (i, row) in rows.iter().enumerate().skip(1) {
        assert!(!row.header, "{}: body row {i} {:?}", def.id, row.cells);
    }
}

/// A county's table of 60 applications runs over several pages: Word repeats its column
/// titles on each, and only them.
#[test]
fn a_long_table_repeats_its_column_titles_on_every_page() {
    let (call, table) = quanzhou_county_table();
    let f = fixture(call, "compute_service.valid.json");
    let inputs: Vec<_> = (1..=60).map(|rank| input(&f, rank)).collect();
    let rows = summary_rows(call, table, &inputs).expect("rows");
    assert!(rows.len() > 60, "60 applications and their group row");
    let xml = document_xml(&summary_docx(call, table, &rows).expect("docx"));
    assert_repeats_only_the_column_titles(call, table, &xml, rows.len());
    assert_eq!(xml.matches("<w:tblHeader />").count(), 1, "one header row");
}
