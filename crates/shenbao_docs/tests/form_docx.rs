//! The application form as DOCX for the valid fixture of every direction of every seed call,
//! unzipped and read back: every answer's text is in `word/document.xml`, chosen options are
//! ticked (☑) and the others not (☐), the form and commitment titles, the cover lines and the
//! attached files are there, fonts are named and not embedded.

use std::collections::BTreeSet;

use shenbao_core::call::builtin;
use shenbao_docs::{FormExtras, application_docx};

mod common;
use common::{expected_texts, fixture, fixtures, unzip};

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
