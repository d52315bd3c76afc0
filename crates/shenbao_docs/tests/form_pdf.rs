//! The application form as PDF (typst) for the valid fixture of every direction of every seed
//! call, read back with poppler: every text the DOCX shows is in the PDF's text, and the PDF
//! embeds only subsets of its fonts. Blank forms of every direction in both formats, the
//! letters (commitment, consortium agreement) and 泉州's opinion box.

use std::collections::BTreeSet;

use serde_json::Value as Json;
use shenbao_core::call::{Call, builtin};
use shenbao_docs::{
    FilledOpinion, FontFiles, Fonts, FormExtras, Letter, application_docx, application_pdf,
    blank_application_docx, blank_application_pdf, letter_docx, letter_pdf,
};

mod common;
use common::{
    answer_texts, contents_numbers, expected_texts, fixture, fixtures, pages_beginning_with,
    pdf_fonts, pdf_lines, pdf_pages, pdf_text, squeeze, unzip,
};

fn call(id: &str) -> &'static Call {
    builtin::get(id).expect("seed call").expect("compiles")
}

fn fonts() -> Fonts {
    Fonts::load().expect("fonts-noto-cjk and fonts-dejavu-core are installed")
}

/// Only embedded subsets, the CJK families always, DejaVu Sans for ☐ and ☑ in forms.
fn assert_subset_fonts(pdf: &[u8], at: &str, checkboxes: bool) {
    let fonts = pdf_fonts(pdf);
    assert!(!fonts.is_empty(), "{at}: fonts listed");
    for (name, emb, sub) in &fonts {
        assert!(*emb && *sub, "{at}: {name} is not an embedded subset");
    }
    let families: &[&str] = if checkboxes {
        &["NotoSerifCJK", "NotoSansCJK", "DejaVuSans"]
    } else {
        &["NotoSerifCJK", "NotoSansCJK"]
    };
    for family in families {
        assert!(
            fonts.iter().any(|(n, _, _)| n.contains(family)),
            "{at}: {family} in {fonts:?}"
        );
    }
}

fn every_direction_prints_every_answer(id: &str) {
    let call = call(id);
    let fonts = fonts();
    for fx in &fixtures(call) {
        let at = format!("{id}/{}", fx.name);
        let pdf =
            application_pdf(call, &fx.app(true), &FormExtras::default(), &fonts).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF-"), "{at}");
        assert_subset_fonts(&pdf, &at, true);
        let text = pdf_text(&pdf);
        let (texts, unchosen) = expected_texts(call, fx);
        for t in texts.iter().chain(&unchosen) {
            assert!(text.contains(&squeeze(t)), "{at}: text {t:?} missing");
        }
    }
}

#[test]
fn pdf_of_every_gd_direction_prints_every_answer() {
    every_direction_prints_every_answer("gd-2023-ai-scenarios");
}

#[test]
fn pdf_of_every_hn_direction_prints_every_answer() {
    every_direction_prints_every_answer("hn-2025-ai");
}

#[test]
fn pdf_of_every_qz_direction_prints_every_answer() {
    every_direction_prints_every_answer("qz-2024-ai-industry");
}

#[test]
fn pdf_of_every_sd_cases_direction_prints_every_answer() {
    every_direction_prints_every_answer("sd-2024-llm-cases");
}

#[test]
fn pdf_of_every_sd_survey_direction_prints_every_answer() {
    every_direction_prints_every_answer("sd-2024-llm-survey");
}

#[test]
fn the_seed_calls_are_all_checked() {
    let ids: BTreeSet<&str> = builtin::all().map(|c| c.expect("compiles").id()).collect();
    let checked = BTreeSet::from([
        "gd-2023-ai-scenarios",
        "hn-2025-ai",
        "qz-2024-ai-industry",
        "sd-2024-llm-cases",
        "sd-2024-llm-survey",
    ]);
    assert_eq!(ids, checked, "a PDF test per seed call");
}

/// Blank forms of every direction (one target per fixture): every option ☐, none ☑, no
/// answer of the direction's fixture, empty numbered rows instead of （无）.
#[test]
fn blank_forms_of_every_direction_in_both_formats() {
    let fonts = fonts();
    for call in builtin::all() {
        let call = call.expect("compiles");
        let mut seen = BTreeSet::new();
        for fx in &fixtures(call) {
            if !seen.insert((fx.direction.clone(), fx.subdirection.clone())) {
                continue;
            }
            let at = format!("{}/{}", call.id(), fx.direction);
            let (answers, _) = answer_texts(call, fx);
            // Long answers only: short ones (是, 1) also occur in labels and options.
            let answers: Vec<String> = answers
                .into_iter()
                .filter(|a| !a.starts_with('☑') && a.chars().count() >= 8)
                .collect();
            assert!(!answers.is_empty(), "{at}: answers to look for");

            let (_, _, docx) = unzip(&blank_application_docx(call, fx.target()).expect("DOCX"));
            let pdf = blank_application_pdf(call, fx.target(), &fonts).expect("PDF");
            assert_subset_fonts(&pdf, &at, true);
            let pdf = pdf_text(&pdf);
            for (format, text) in [("DOCX", squeeze(&docx)), ("PDF", pdf)] {
                assert!(text.contains('☐'), "{at} {format}: unchosen options");
                assert!(!text.contains('☑'), "{at} {format}: nothing chosen");
                assert!(!text.contains("（无）"), "{at} {format}: rows to fill in");
                for a in &answers {
                    assert!(!text.contains(&squeeze(a)), "{at} {format}: answer {a:?}");
                }
            }
        }
    }
}

#[test]
fn gd_commitment_letter_holds_the_scene_name() {
    let call = call("gd-2023-ai-scenarios");
    let fx = fixture(call, "manufacturing.valid.json");
    let scene = fx.answers["scene_name"].as_str().expect("a scene name");
    let docx = letter_docx(call, &fx.app(false), Letter::Commitment)
        .expect("DOCX")
        .expect("every call has a commitment");
    let (_, _, text) = unzip(&docx);
    let pdf = letter_pdf(call, &fx.app(false), Letter::Commitment, &fonts())
        .expect("PDF")
        .expect("every call has a commitment");
    assert_subset_fonts(&pdf, "commitment", false);
    let again = letter_pdf(call, &fx.app(false), Letter::Commitment, &fonts())
        .expect("PDF")
        .expect("a commitment");
    assert!(
        pdf == again,
        "the same PDF every time: no clock, no random ids"
    );
    let pdf = pdf_text(&pdf);
    // The name ends with 应用场景, which the notice's sentence repeats after the quotes: it is
    // printed once (“…智能排产”应用场景参评, not “…智能排产应用场景”应用场景参评).
    let short = scene
        .strip_suffix("应用场景")
        .expect("the fixture's name ends so");
    for text in [squeeze(&text), pdf] {
        assert!(text.contains(&format!("“{short}”应用场景参评")), "{text}");
        assert!(!text.contains("应用场景”应用场景"), "{text}");
        assert!(text.contains("申报单位承诺书"));
        assert!(!text.contains("{scene_name}"));
    }
    assert!(
        letter_docx(call, &fx.app(false), Letter::Consortium)
            .expect("DOCX")
            .is_none(),
        "广东 has no consortium agreement"
    );
}

/// The notes under 湖南's 联合体协议书, worded as in the seed (the notice's 附件).
const CONSORTIUM_NOTES: [&str; 4] = [
    "注：",
    "1、本协议书由委托人签字的，应附法定代表人签字的授权委托书。",
    "2、本“联合体协议书”为非格式性文件，仅列出了协议的内容要点，供各申报单位参考。联合体申报单位可根据自身实际情况，在本“联合体协议书”中增加相关内容。",
    "说明：联合体牵头人与联合体各成员方共同签订，可由牵头人和各成员方分别两两盖章，并由双方法定代表人或其委托代理人签字或盖章，上传扫描件。",
];

#[test]
fn hn_consortium_agreement_holds_the_members() {
    let call = call("hn-2025-ai");
    let fx = fixture(call, "center.valid.json");
    let a = &fx.answers;
    let mut names: Vec<&str> = a["consortium_members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["name"].as_str().expect("a name"))
        .collect();
    assert!(!names.is_empty());
    names.push(a["lead_name"].as_str().expect("lead"));
    let docx = letter_docx(call, &fx.app(false), Letter::Consortium)
        .expect("DOCX")
        .expect("a consortium");
    let (_, _, docx) = unzip(&docx);
    let pdf = letter_pdf(call, &fx.app(false), Letter::Consortium, &fonts())
        .expect("PDF")
        .expect("a consortium");
    // Each note and signature line starts a line of its own in the PDF too.
    let lines = pdf_lines(&pdf);
    assert!(
        lines.iter().any(|l| l == "注："),
        "PDF: 注： alone: {lines:?}"
    );
    for start in [
        "1、本协议书",
        "2、本“联合体协议书”",
        "说明：",
        "成员一名称：",
        "法定代表人或其委托代理人：",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(start)),
            "PDF: a line starts with {start}: {lines:?}"
        );
    }
    let pdf = pdf_text(&pdf);
    // The notes under the agreement, one paragraph each, the last ones of the letter.
    let paragraphs: Vec<&str> = docx.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        paragraphs[paragraphs.len().saturating_sub(CONSORTIUM_NOTES.len())..],
        CONSORTIUM_NOTES,
        "DOCX: the notes close the agreement"
    );
    let consortium = a["consortium_name"].as_str().expect("consortium name");
    let project = a["project_name"].as_str().expect("project");
    for (format, text) in [("DOCX", squeeze(&docx)), ("PDF", pdf)] {
        assert!(text.contains("联合体协议书"), "{format}");
        for name in &names {
            assert!(
                text.contains(&format!("名称：{name}")),
                "{format}: signs {name}"
            );
        }
        assert!(
            text.contains(&format!("自愿组成：{consortium}联合体")),
            "{format}"
        );
        assert!(text.contains(&format!("共同参加{project}申报")), "{format}");
        assert!(
            text.contains("平台建设与运营"),
            "{format}: clause 3's table"
        );
        assert!(text.contains("6:3:1"), "{format}: clause 5's allocation");
        assert!(text.contains("本协议书一式4份"), "{format}: copies");
        assert!(
            !text.contains("（所有成员单位名单）"),
            "{format}: blanks filled"
        );
        let notes = squeeze(&CONSORTIUM_NOTES.concat());
        let at = text
            .find(&notes)
            .unwrap_or_else(|| panic!("{format}: the notes"));
        let signed = text.rfind("（签字/盖章）").expect("a signature line");
        assert!(signed < at, "{format}: the notes follow the signatures");
    }

    let mut single = fx.answers.clone();
    single["is_consortium"] = Json::String("否".to_string());
    let mut app = fx.app(false);
    app.answers = &single;
    assert!(
        letter_docx(call, &app, Letter::Consortium)
            .expect("DOCX")
            .is_none(),
        "no agreement for a single applicant"
    );
    let llm = fixture(call, "llm-general.valid.json");
    assert!(
        letter_docx(call, &llm.app(false), Letter::Consortium)
            .expect("DOCX")
            .is_none(),
        "no agreement in the 大模型 form"
    );
    let commitment = letter_docx(call, &llm.app(false), Letter::Commitment)
        .expect("DOCX")
        .expect("真实性承诺");
    assert!(unzip(&commitment).2.contains("真实性承诺"));
}

/// A section help of several lines (湖南's 联合体协议书 template in the center form) prints
/// each line as a paragraph of its own, not run together.
#[test]
fn a_help_text_of_several_lines_keeps_its_lines() {
    let call = call("hn-2025-ai");
    let fx = fixture(call, "center.valid.json");
    let pdf = application_pdf(call, &fx.app(false), &FormExtras::default(), &fonts()).expect("PDF");
    let lines = pdf_lines(&pdf);
    assert!(lines.iter().any(|l| l == "注："), "注： alone: {lines:?}");
    // pdftotext may cut "1．" from the text after it (full-width punctuation), so the clauses
    // are found by their numbers.
    for start in [
        "1．",
        "2．",
        "7．",
        "8．",
        "牵头人名称：",
        "1、本协议书由委托人签字的",
        "说明：",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(start)),
            "a line starts with {start}: {lines:?}"
        );
    }
}

#[test]
fn qz_opinion_box_holds_the_opinion_and_names() {
    let call = call("qz-2024-ai-industry");
    let fx = fixtures(call)
        .into_iter()
        .find(|f| f.direction != "typical_scenario")
        .expect("a county-level direction");
    let extras = FormExtras {
        members: Vec::new(),
        stamp: None,
        opinions: vec![FilledOpinion {
            level: "county".to_string(),
            unit: "福建省泉州市丰泽区".to_string(),
            text: "该项目技术先进，材料真实，同意推荐。".to_string(),
            signatures: vec![
                ("经办人（签字）：".to_string(), "王小明".to_string()),
                ("审批人（签字）：".to_string(), "李建华".to_string()),
            ],
            date: Some("2024年6月10日".to_string()),
        }],
    };
    let (_, _, docx) = unzip(&application_docx(call, &fx.app(false), &extras).expect("DOCX"));
    let pdf = pdf_text(&application_pdf(call, &fx.app(false), &extras, &fonts()).expect("PDF"));
    for (format, text) in [("DOCX", squeeze(&docx)), ("PDF", pdf)] {
        for t in [
            "设区市工信局、平潭综合实验区经发局推荐意见",
            // The county fills the box the template titles for the city: it says who did.
            "推荐单位：福建省泉州市丰泽区",
            "该项目技术先进，材料真实，同意推荐。",
            "经办人（签字）：王小明",
            "审批人（签字）：李建华",
            "（推荐单位公章）",
            "2024年6月10日",
        ] {
            assert!(text.contains(t), "{format}: {t}");
        }
    }

    let (_, _, blank) =
        unzip(&application_docx(call, &fx.app(false), &FormExtras::default()).expect("DOCX"));
    assert!(
        blank.contains("推荐意见"),
        "an empty box without an opinion"
    );
    assert!(blank.contains("年　　月　　日"), "date blanks");
    assert!(!blank.contains("王小明"));
}

#[test]
fn missing_fonts_name_the_file_and_the_package() {
    let dir = tempfile::tempdir().expect("a directory");
    let err = Fonts::from_files(&FontFiles::in_dir(dir.path())).expect_err("no fonts there");
    let message = err.to_string();
    assert!(message.contains("NotoSerifCJK-Regular.ttc"), "{message}");
    assert!(message.contains("fonts-noto-cjk"), "{message}");

    let not_a_font = dir.path().join("NotoSerifCJK-Regular.ttc");
    std::fs::write(&not_a_font, b"not a font").expect("write");
    let message = Fonts::from_files(&FontFiles::in_dir(dir.path()))
        .expect_err("not a font")
        .to_string();
    assert!(message.contains("not a font file"), "{message}");

    let mut files = FontFiles::debian();
    files.files.retain(|(p, _)| !p.ends_with("DejaVuSans.ttf"));
    files
        .files
        .push((dir.path().join("DejaVuSans.ttf"), "fonts-dejavu-core"));
    let message = Fonts::from_files(&files)
        .expect_err("no DejaVu")
        .to_string();
    assert!(message.contains("DejaVuSans.ttf"), "{message}");
    assert!(message.contains("fonts-dejavu-core"), "{message}");
}

/// The cover as an official form has it: the title's 申报书 on one line, the date line as the
/// notice prints it (申报日期：_____年____月____日 on one line, no second blank before it), and
/// in the tables numbers without the unit their heading already gives.
#[test]
fn the_cover_keeps_its_words_and_lines_together() {
    let call = call("gd-2023-ai-scenarios");
    let fonts = fonts();
    let target = shenbao_core::call::Target {
        direction: "manufacturing",
        subdirection: None,
    };
    let pdf = shenbao_docs::blank_application_pdf(call, target, &fonts).expect("a PDF");
    let lines = common::pdf_lines(&pdf);
    assert!(
        lines.iter().any(|l| l.ends_with("申报书")),
        "申报书 unbroken: {lines:?}"
    );
    assert!(!lines.iter().any(|l| l == "报书"), "{lines:?}");
    assert!(
        lines.iter().any(|l| l == "申报日期：_____年____月____日"),
        "the date line whole: {lines:?}"
    );
    // A filled form: 总营收（万元） holds the number alone.
    let fx = fixture(call, "manufacturing.valid.json");
    let pdf = application_pdf(call, &fx.app(false), &FormExtras::default(), &fonts).expect("a PDF");
    let text = pdf_text(&pdf);
    assert!(!text.contains("万元万元"), "{text}");
    let revenue = fx.answers["operations"]["total_revenue"]["2020"].to_string();
    assert!(text.contains(&revenue), "{revenue} in {text}");
    assert!(
        !text.contains(&format!("{revenue}万元")),
        "{revenue} printed with its unit again: {text}"
    );
}

/// 湖南's 申报书 opens with a 目录 of its three parts (请列明具体目录及页码): each line prints the
/// page its part begins on, in the filled and the blank form of both directions.
#[test]
fn hn_contents_print_the_page_each_part_begins_on() {
    let call = call("hn-2025-ai");
    let lines = [
        "一、真实性承诺（联合申报的，所有申报单位均需提供真实性承诺书）",
        "二、申报信息表",
        "三、相关附件",
    ];
    let titles = ["一、真实性承诺", "二、申报信息表", "三、相关附件"];
    let mut checked = 0;
    for fx in fixtures(call) {
        let pdf =
            application_pdf(call, &fx.app(true), &FormExtras::default(), &fonts()).expect("PDF");
        let pages = pdf_pages(&pdf);
        let at = pages
            .iter()
            .position(|p| p.starts_with("目录"))
            .unwrap_or_else(|| panic!("{}: a 目录 page", fx.name));
        let printed = contents_numbers(&pages[at], &lines);
        let begins = pages_beginning_with(&pages, at, &titles);
        assert!(
            begins.iter().all(Option::is_some),
            "{}: {begins:?}",
            fx.name
        );
        assert_eq!(printed, begins, "{}: {}", fx.name, pages[at]);
        // The parts follow the 目录 in their order, the commitment first.
        assert!(begins.windows(2).all(|w| w[0] < w[1]), "{begins:?}");
        checked += 1;
    }
    assert!(checked >= 2, "both directions");
}
