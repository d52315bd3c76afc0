//! The letters that go with an application form, each a document of its own to sign and stamp:
//! the call's commitment (广东 申报单位承诺书 with the scene's name, 湖南 真实性承诺, …) and
//! 湖南's consortium agreement (联合体协议书).
//!
//! The agreement's wording is the call's own: the help text of the section that holds the
//! agreement's fields (`consortium_name`), with its blanks filled from the answers — the
//! members' list (`lead_name` and the `consortium_members` rows), the consortium's name and
//! lead, the project (`project_name`), clause 3's division of work and clause 5's funds as
//! tables, the number of copies — and a signature block for the lead and every member, then
//! the notes the help text holds under the agreement (注：1、… 2、… and 说明：…), as worded.

use serde_json::{Map, Value as Json};
use shenbao_core::call::Call;
use shenbao_core::call::definition::Section;
use shenbao_core::form::{Application, validate};
use shenbao_core::output::text_of;

use crate::DocError;
use crate::fonts::Fonts;
use crate::form::{commitment, rows_table};
use crate::layout::{Document, Para, Style};

/// A letter that goes with the application form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    /// The call's `[commitment]` as a one-page letter, its `{field}` blanks filled in.
    Commitment,
    /// The consortium agreement (联合体协议书), for an application declared as a consortium
    /// in a call whose form has one.
    Consortium,
}

/// `letter` for `app` as DOCX; `None` when the letter does not apply to this call or
/// application.
pub fn letter_docx(
    call: &Call,
    app: &Application<'_>,
    letter: Letter,
) -> Result<Option<Vec<u8>>, DocError> {
    letter_layout(call, app, letter)
        .map(|doc| crate::render_docx::docx(&doc))
        .transpose()
}

/// `letter` for `app` as PDF; `None` when the letter does not apply.
pub fn letter_pdf(
    call: &Call,
    app: &Application<'_>,
    letter: Letter,
    fonts: &Fonts,
) -> Result<Option<Vec<u8>>, DocError> {
    letter_layout(call, app, letter)
        .map(|doc| crate::render_pdf::pdf(fonts, &doc))
        .transpose()
}

fn letter_layout(call: &Call, app: &Application<'_>, letter: Letter) -> Option<Document> {
    let report = validate(call, app.target, app.answers);
    match letter {
        Letter::Commitment => {
            let c = &call.def().commitment;
            if !c.printed || c.text.trim().is_empty() {
                return None;
            }
            let mut doc = Document {
                title: c.title.clone(),
                blocks: Vec::new(),
                stamp: None,
            };
            commitment(&mut doc, c, &report.answers, None, true);
            Some(doc)
        }
        Letter::Consortium => {
            let section = call
                .sections_for(&app.target)
                .into_iter()
                .find(|s| s.fields.iter().any(|f| f.id == CONSORTIUM_NAME))?;
            // Hidden unless the applicant declared a consortium.
            if report.hidden.iter().any(|h| h == CONSORTIUM_NAME) {
                return None;
            }
            Some(consortium(section, &report.answers))
        }
    }
}

/// The ids of the answers the agreement is filled from.
const CONSORTIUM_NAME: &str = "consortium_name";
const CONSORTIUM_LEAD: &str = "consortium_lead";
const LEAD_NAME: &str = "lead_name";
const PROJECT_NAME: &str = "project_name";
const MEMBERS: &str = "consortium_members";
const MEMBER_NAME: &str = "name";
const DIVISION: &str = "consortium_division";
const FUND_ALLOCATION: &str = "fund_allocation";
const FUND_SHARES: &str = "fund_shares";
const COPIES: &str = "agreement_copies";

/// The members' numbers in the signature block (成员一名称).
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn consortium(section: &Section, answers: &Map<String, Json>) -> Document {
    let text = |id: &str| answers.get(id).map(text_of).unwrap_or_default();
    let field = |id: &str| section.fields.iter().find(|f| f.id == id);
    let lead = text(LEAD_NAME);
    let members: Vec<String> = answers
        .get(MEMBERS)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get(MEMBER_NAME).map(text_of))
        .filter(|n| !n.trim().is_empty())
        .collect();
    let mut all = vec![lead.clone()];
    all.extend(members.iter().cloned());
    let all = all.join("、");
    let blanks = [
        ("（所有成员单位名单）", all.clone()),
        ("（联合体名称）", text(CONSORTIUM_NAME)),
        ("（申报项目名称）", text(PROJECT_NAME)),
        ("（联合体成员）", all),
        ("（联合体牵头人）", text(CONSORTIUM_LEAD)),
        ("____", text(COPIES)),
    ];

    let mut doc = Document {
        title: section.title.clone(),
        blocks: Vec::new(),
        stamp: None,
    };
    doc.para(Para::new(Style::LetterTitle, &section.title));
    let help = section.help.as_deref().unwrap_or_default();
    let all: Vec<&str> = help
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    // The agreement, then its notes from 注： on.
    let (lines, notes) = all.split_at(
        all.iter()
            .position(|l| l.starts_with("注："))
            .unwrap_or(all.len()),
    );
    let signatures_at = lines
        .iter()
        .position(|l| l.starts_with("牵头人名称"))
        .unwrap_or(lines.len());
    for line in &lines[..signatures_at] {
        let mut filled = line.to_string();
        for (blank, value) in &blanks {
            if filled.contains(blank) && !value.is_empty() {
                filled = filled.replace(blank, value).replace(' ', "");
            }
        }
        if filled.starts_with("5.") || filled.starts_with("5．") {
            let allocation = text(FUND_ALLOCATION);
            if !allocation.trim().is_empty() {
                filled = format!("5．资金下拨形式及比例：{}", allocation.trim());
            }
        }
        doc.para(Para::new(Style::Letter, &filled));
        let table = match filled.chars().next() {
            Some('3') => field(DIVISION),
            Some('5') => field(FUND_SHARES),
            _ => None,
        };
        if let Some(f) = table {
            doc.table(rows_table(f, answers.get(&f.id), false));
        }
    }

    doc.para(Para::new(Style::Letter, ""));
    let block = &lines[signatures_at..];
    let representative = block
        .iter()
        .find(|l| l.starts_with("法定代表人"))
        .map_or("", |l| l.trim());
    let date = block
        .iter()
        .rev()
        .find(|l| l.contains('年'))
        .map(|l| l.trim());
    let stamp = "（盖单位公章）";
    doc.para(Para::new(
        Style::Line,
        &format!("牵头人名称：{lead}　　{stamp}"),
    ));
    doc.para(Para::new(Style::Line, representative));
    for (i, name) in members.iter().enumerate() {
        let n = NUMERALS
            .get(i)
            .map_or_else(|| (i + 1).to_string(), |n| n.to_string());
        doc.para(Para::new(
            Style::Line,
            &format!("成员{n}名称：{name}　　{stamp}"),
        ));
        doc.para(Para::new(Style::Line, representative));
    }
    if let Some(date) = date {
        doc.para(Para::new(Style::Signature, date));
    }
    if !notes.is_empty() {
        doc.para(Para::new(Style::Line, ""));
        for note in notes {
            doc.para(Para::new(Style::Line, note.trim()));
        }
    }
    doc
}
