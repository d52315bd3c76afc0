//! Summary tables written as XLSX and read back with calamine: title, header and footer lines,
//! the call's column titles, group rows, and every cell, for every seed call's tables.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::summary::{fixture, input, quanzhou_county_table};
use shenbao_core::call::builtin;
use shenbao_docs::{SummaryRow, SummaryRows, SummaryXlsx, summary_rows, summary_xlsx};

/// The sheet's cells as text, row by row.
fn read_back(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("an XLSX calamine reads");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("the sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn quanzhou_groups_by_direction_with_numbers_restarting() {
    let (call, table) = quanzhou_county_table();
    let compute = fixture(call, "compute_service.valid.json");
    let compute2 = fixture(call, "compute_service.purchase_at_floor.valid.json");
    let lingyan = fixture(call, "lingyan_software.valid.json");
    // Ranking order as the unit left it: the second compute application first.
    let inputs = [input(&lingyan, 1), input(&compute2, 1), input(&compute, 2)];
    let rows = summary_rows(call, table, &inputs).unwrap();
    // Directions in the call's order: 算力服务补助 before “领雁”软件企业.
    assert!(
        matches!(&rows[0], SummaryRow::Group(g) if g == "算力服务补助"),
        "{rows:?}"
    );
    assert!(
        matches!(&rows[3], SummaryRow::Group(g) if g.contains("领雁")),
        "{rows:?}"
    );
    let cells = read_back(summary_xlsx(call, table, &rows).unwrap());
    assert_eq!(cells[0][0], "项目推荐汇总表");
    assert_eq!(cells[1][0], "推荐单位（盖章）：");
    assert_eq!(
        cells[2],
        vec![
            "序号",
            "项目",
            "企业名称",
            "联系人",
            "联系方式（手机与邮箱）",
            "备注"
        ]
    );
    assert_eq!(cells[3][0], "算力服务补助");
    assert_eq!(cells[4][0], "1");
    assert_eq!(
        cells[4][2],
        compute2.answers["company_name"].as_str().unwrap()
    );
    assert_eq!(cells[5][0], "2");
    assert_eq!(
        cells[5][2],
        compute.answers["company_name"].as_str().unwrap()
    );
    assert_eq!(
        cells[5][4],
        format!(
            "{} {}",
            compute.answers["contact_mobile"].as_str().unwrap(),
            compute.answers["contact_email"].as_str().unwrap()
        )
    );
    assert_eq!(cells[7][0], "1", "numbering restarts in the next group");
    assert_eq!(
        cells[7][2],
        lingyan.answers["company_name"].as_str().unwrap()
    );
    assert_eq!(cells.len(), 8);
}

// The owner's table of a whole province is written a page of applications at a time: the
// rows and the workbook are the same as the table's written at once, group rows only where a
// direction begins and 序号 running on across pages.
#[test]
fn a_table_written_in_batches_is_the_table_written_at_once() {
    let (call, table) = quanzhou_county_table();
    let compute = fixture(call, "compute_service.valid.json");
    let lingyan = fixture(call, "lingyan_software.valid.json");
    let inputs: Vec<_> = (1..=9)
        .map(|r| input(&compute, r))
        .chain((1..=4).map(|r| input(&lingyan, r)))
        .collect();
    let whole = summary_rows(call, table, &inputs).unwrap();
    let mut stream = SummaryRows::new(call, table).unwrap();
    let mut xlsx = SummaryXlsx::new(call, table).unwrap();
    let mut batched = Vec::new();
    for batch in inputs.chunks(4) {
        let rows = stream.rows(batch).unwrap();
        xlsx.push(&rows).unwrap();
        batched.extend(rows);
    }
    assert_eq!(batched, whole);
    let groups = whole
        .iter()
        .filter(|r| matches!(r, SummaryRow::Group(_)))
        .count();
    assert_eq!(groups, 2, "one group row per direction: {whole:?}");
    let cells = read_back(xlsx.finish().unwrap());
    assert_eq!(cells, read_back(summary_xlsx(call, table, &whole).unwrap()));
    assert_eq!(cells[3 + 9][0], "9", "序号 runs on across batches");
}

#[test]
fn every_seed_table_is_written_with_its_title_columns_and_footer() {
    let cases = [
        ("sd-2024-llm-cases", "case.valid.json"),
        ("sd-2024-llm-survey", "enterprise.valid.json"),
        ("sd-2024-llm-survey", "product.valid.json"),
        ("hn-2025-ai", "llm-general.valid.json"),
        ("hn-2025-ai", "center.valid.json"),
        ("gd-2023-ai-scenarios", "manufacturing.valid.json"),
        ("qz-2024-ai-industry", "typical_scenario.valid.json"),
    ];
    let mut written = 0;
    for (call_id, name) in cases {
        let call = builtin::get(call_id).unwrap().unwrap();
        let f = fixture(call, name);
        for (table, def) in call.def().summaries.iter().enumerate() {
            if !shenbao_core::call::applies(&def.directions, &f.direction) {
                continue;
            }
            let rows = summary_rows(call, table, &[input(&f, 1)]).unwrap();
            let expected: Vec<String> = rows
                .iter()
                .filter_map(|r| match r {
                    SummaryRow::Cells(c) => Some(c.clone()),
                    SummaryRow::Group(_) => None,
                })
                .next()
                .expect("one application row");
            assert!(
                expected.iter().filter(|c| !c.is_empty()).count() >= 2,
                "{call_id} {}: cells filled: {expected:?}",
                def.id
            );
            let cells = read_back(summary_xlsx(call, table, &rows).unwrap());
            assert_eq!(cells[0][0], def.title, "{call_id} {}", def.id);
            let head = 1 + def.header_lines.len();
            for (i, line) in def.header_lines.iter().enumerate() {
                assert_eq!(&cells[1 + i][0], line);
            }
            let titles: Vec<&str> = def.columns.iter().map(|c| c.title.as_str()).collect();
            assert_eq!(cells[head], titles, "{call_id} {}", def.id);
            let app_row = head + 1 + usize::from(def.group_by.is_some());
            assert_eq!(cells[app_row], expected, "{call_id} {}", def.id);
            for (i, line) in def.footer_lines.iter().enumerate() {
                assert_eq!(&cells[app_row + 1 + i][0], line);
            }
            written += 1;
        }
    }
    assert!(written >= 7, "tables written: {written}");
}
