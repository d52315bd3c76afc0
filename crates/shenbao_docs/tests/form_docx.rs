//! The application form as DOCX for the valid fixture of every direction of every seed call,
//! unzipped and read back: every answer's text is in `word/document.xml`, chosen options are
//! ticked (☑) and the others not (☐), the form and commitment titles, the cover lines and the
//! attached files are there, fonts are named and not embedded; the header row of every table
//! that has one repeats on every page in Word.

use std::collections::BTreeSet;

use shenbao_core::call::builtin;
use shenbao_docs::{FormExtras, application_docx};

mod common;
use common::{expected_texts, fixture, fixtures, table_rows, unzip};

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
            let bytes =
                application_docx(call, &fx.app(true), &FormExtras::default()).expect("a DOCX");
            let (parts, xml, text) = unzip(&bytes);
            let at = format!("{}/{}", call.id(), fx.name);

            assert!(parts.iter().any(|p| p == "[Content_Types].xml"), "{at}");
            assert!(
                !parts.iter().any(|p| p.starts_with("word/fonts/")),
                "{at}: fonts are named, never embedded"
            );
            assert!(xml.contains(r#"w:eastAsia="宋体""#), "{at}: body font");
            assert!(xml.contains(r#"w:eastAsia="黑体""#), "{at}: title font");

            let (texts, unchosen) = expected_texts(call, fx);
            for t in &texts {
                assert!(text.contains(t.as_str()), "{at}: text {t:?} missing");
            }
            for t in &unchosen {
                assert!(text.contains(t.as_str()), "{at}: unchosen option {t:?}");
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
    let fx = fixture(call, "manufacturing.valid.json");
    let (_, xml, text) =
        unzip(&application_docx(call, &fx.app(false), &FormExtras::default()).expect("a DOCX"));
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

/// 泉州's 申报方向（请√选一项） row is filled from the application's direction: every direction
/// of the call, the chosen one ticked; in a blank form none is.
#[test]
fn the_direction_row_ticks_the_application_s_direction() {
    let call = builtin::get("qz-2024-ai-industry")
        .expect("seed")
        .expect("compiles");
    let fx = fixture(call, "lingyan_software.valid.json");
    let (_, _, text) =
        unzip(&application_docx(call, &fx.app(false), &FormExtras::default()).expect("a DOCX"));
    let text = common::squeeze(&text);
    assert!(text.contains("申报方向（请√选一项）"), "the row's label");
    assert!(
        text.contains("☑“领雁”软件企业"),
        "the chosen direction ticked"
    );
    for other in [
        "算力服务补助",
        "软件优质产品",
        "硬件优质产品",
        "典型应用场景",
    ] {
        assert!(text.contains(&format!("☐{other}")), "{other} not ticked");
    }
    let target = fx.target();
    let (_, _, blank) =
        unzip(&shenbao_docs::blank_application_docx(call, target).expect("a blank DOCX"));
    assert!(common::squeeze(&blank).contains("☐“领雁”软件企业☐软件优质产品"));
}

/// Word repeats a table's header row on every page: the 序号 or 项目 row of the repeating
/// rows, year tables, matrices and the file list carries `w:tblHeader`; the label | value
/// tables, the opinion boxes and every body row do not.
#[test]
fn the_header_row_of_every_table_repeats_on_every_page() {
    let mut headers = 0;
    let mut body_rows = 0;
    for call in builtin::all() {
        let call = call.expect("seed calls compile");
        // The titles a table's first header cell may have: 序号, 项目, or a table's `corner`.
        let mut corners = vec!["序号".to_string(), "项目".to_string()];
        for section in &call.def().sections {
            corners.extend(section.fields.iter().filter_map(|f| f.corner.clone()));
        }
        for fx in fixtures(call) {
            let at = format!("{}/{}", call.id(), fx.name);
            let bytes =
                application_docx(call, &fx.app(true), &FormExtras::default()).expect("a DOCX");
            let (_, xml, _) = unzip(&bytes);
            assert!(
                !xml.contains("</w:tbl><w:tbl>"),
                "{at}: a paragraph between tables, or they are read as one"
            );
            let tables = table_rows(&xml);
            assert!(tables.len() >= 2, "{at}: tables read back");
            for (i, rows) in tables.iter().enumerate() {
                let first = rows.first().expect("a row");
                let head = first.cells.first().is_some_and(|c| corners.contains(c));
                assert_eq!(
                    first.header, head,
                    "{at}: table {i} starts {:?}",
                    first.cells
                );
                for (r, row) in rows.iter().enumerate().skip(1) {
                    assert!(!row.header, "{at}: table {i} row {r} {:?}", row.cells);
                }
                headers += usize::from(head);
                body_rows += rows.len() - 1;
            }
            // The file list: its header row, then one body row per file.
            let files = tables
                .iter()
                .find(|t| t[0].cells == ["序号", "材料", "文件名"])
                .unwrap_or_else(|| panic!("{at}: the file list"));
            assert!(files[0].header, "{at}: the file list's header row");
            assert_eq!(files.len(), fx.files.len() + 1, "{at}");
            assert!(files[1..].iter().all(|r| !r.header), "{at}");
        }
    }
    assert!(headers >= 10, "header rows checked: {headers}");
    assert!(body_rows > headers, "body rows checked: {body_rows}");
}
