//! The recommendation letter (推荐函) as Word and PDF: the call's title and words with the
//! blanks filled, the addressee, the ranked list in order, and the seal area.

mod common;

use shenbao_core::call::definition::LetterDef;
use shenbao_docs::{LetterInput, LetterLine, recommendation_docx, recommendation_pdf};

fn input_lines() -> Vec<LetterLine> {
    vec![
        LetterLine {
            direction: "算力服务".into(),
            title: "智算中心扩容项目".into(),
            organisation: "泉州算力科技有限公司".into(),
        },
        LetterLine {
            direction: "典型应用场景".into(),
            title: "港口智能调度".into(),
            organisation: "泉州港务集团有限公司".into(),
        },
    ]
}

#[test]
fn the_letter_prints_the_words_the_list_in_order_and_the_seal() {
    let call = shenbao_core::call::builtin::get("qz-2024-ai-industry")
        .expect("seed")
        .expect("compiles");
    let letter = LetterDef {
        title: "关于推荐2024年省级人工智能产业发展项目的函".into(),
        text: "根据《{call}》要求，经审核，{unit}现推荐{count}个项目，随函报送{to}。".into(),
    };
    let lines = input_lines();
    let input = LetterInput {
        unit: "福建省泉州市丰泽区",
        to: "泉州市工业和信息化局",
        lines: &lines,
    };
    let docx = recommendation_docx(call, &letter, &input).expect("docx");
    let (_, _, xml) = common::unzip(&docx);
    let fonts =
        shenbao_docs::Fonts::load().expect("fonts-noto-cjk and fonts-dejavu-core are installed");
    let pdf = recommendation_pdf(call, &letter, &input, &fonts).expect("pdf");
    let text = common::squeeze(&common::pdf_text(&pdf));
    for (what, got) in [("docx", common::squeeze(&xml)), ("pdf", text)] {
        for want in [
            "关于推荐2024年省级人工智能产业发展项目的函",
            "泉州市工业和信息化局：",
            "经审核，福建省泉州市丰泽区现推荐2个项目，随函报送泉州市工业和信息化局。",
            "推荐名单（按推荐顺序）",
            "福建省泉州市丰泽区（盖章）",
            "年月日",
        ] {
            assert!(
                got.contains(&common::squeeze(want)),
                "{what}: {want} in {got}"
            );
        }
        let first = got.find("智算中心扩容项目").expect("first row");
        let second = got.find("港口智能调度").expect("second row");
        assert!(first < second, "{what}: the list in ranking order");
    }
}
