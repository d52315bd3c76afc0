//! The recommendation letter (推荐函) a unit sends upward with its list (正式行文推荐…随函
//! 报送): the call's title and text for the level (`[review_level.sending.letter]`), its
//! blanks filled from the data — the unit, the unit it goes to, how many it recommends, the
//! notice — then the ranked list as a table, and the seal area (unit（盖章）, the date, the
//! contact line) for the unit to sign, seal, scan and upload.

use shenbao_core::call::Call;
use shenbao_core::call::definition::LetterDef;
use shenbao_core::messages::sending as words;

use crate::DocError;
use crate::fonts::Fonts;
use crate::layout::{Cell, Document, Para, Style, TEXT_WIDTH, Table};

/// One recommended application in the letter's list, in ranking order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterLine {
    /// The direction's name.
    pub direction: String,
    /// The case, project or product name (the applicant's name when there is none).
    pub title: String,
    /// The applicant.
    pub organisation: String,
}

/// What a unit's letter says besides the call's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterInput<'a> {
    /// The recommending unit, as it signs (泉州市丰泽区工业和信息化局).
    pub unit: &'a str,
    /// The unit it goes to (泉州市工业和信息化局).
    pub to: &'a str,
    /// The recommended applications in ranking order, directions in the call's order.
    pub lines: &'a [LetterLine],
}

/// The letter as DOCX.
pub fn recommendation_docx(
    call: &Call,
    letter: &LetterDef,
    input: &LetterInput<'_>,
) -> Result<Vec<u8>, DocError> {
    crate::render_docx::docx(&layout(call, letter, input))
}

/// The letter as PDF.
pub fn recommendation_pdf(
    call: &Call,
    letter: &LetterDef,
    input: &LetterInput<'_>,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocError> {
    crate::render_pdf::pdf(fonts, &layout(call, letter, input))
}

/// The letter's text with its blanks filled.
pub fn letter_text(call: &Call, letter: &LetterDef, input: &LetterInput<'_>) -> String {
    letter
        .text
        .replace("{unit}", input.unit)
        .replace("{to}", input.to)
        .replace("{count}", &input.lines.len().to_string())
        .replace("{call}", &call.def().title)
}

fn layout(call: &Call, letter: &LetterDef, input: &LetterInput<'_>) -> Document {
    let mut doc = Document {
        title: letter.title.clone(),
        blocks: Vec::new(),
        stamp: None,
    };
    doc.para(Para::new(Style::LetterTitle, &letter.title));
    doc.para(Para::new(Style::Line, &words::addressee(input.to)));
    for line in letter_text(call, letter, input)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        doc.para(Para::new(Style::Letter, line));
    }
    doc.para(Para::new(Style::Caption, words::LIST));
    let mut rows = vec![words::COLUMNS.iter().map(|c| Cell::header(c)).collect()];
    for (i, l) in input.lines.iter().enumerate() {
        rows.push(vec![
            Cell::plain(&(i + 1).to_string()),
            Cell::plain(&l.direction),
            Cell::plain(&l.title),
            Cell::plain(&l.organisation),
        ]);
    }
    doc.table(Table {
        widths: vec![800, 2400, 3000, TEXT_WIDTH - 6200],
        header_rows: 1,
        rows,
    });
    doc.para(Para::new(Style::Letter, ""));
    doc.para(Para::new(Style::Signature, &words::seal(input.unit)));
    doc.para(Para::new(Style::Signature, words::DATE));
    doc.para(Para::new(Style::Letter, ""));
    doc.para(Para::new(Style::Line, words::CONTACT));
    doc
}
