//! Official documents from the data: the application form, filled in or blank, as DOCX
//! and as PDF (`application_docx`, `application_pdf`, `blank_application_*`; module `form`),
//! the letters that go with it (`letter_docx`, `letter_pdf`: the commitment, the consortium
//! agreement), the bureau package streamed as a ZIP (`PackageWriter`, module `package`), and
//! the summary tables (汇总表) of a call's review levels as XLSX and DOCX (`summary_docx`, same
//! rows), in the notice's layout: the title over the whole width, the header lines
//! (推荐单位（盖章）：…), the columns exactly as titled in the call, a group row per direction
//! where the call groups by direction (泉州), one row per recommended application in the
//! unit's ranking order, and the footer lines (联系人：, 联系电话：…).
//!
//! Must not: read the database or the clock. The caller gives the applications in ranking
//! order with their answers.

use serde_json::{Map, Value as Json};
use shenbao_core::call::Call;
use shenbao_core::call::definition::GroupBy;
use shenbao_core::output::{RowContext, summary_cells};
use shenbao_core::region;
use shenbao_core::text::xml_safe;

mod fonts;
mod form;
mod header_rows;
mod layout;
mod letters;
mod outline;
mod package;
mod recommendation;
mod render_docx;
mod render_pdf;
mod section_table;
mod summary_docx;

pub use fonts::{FONT_DIR_ENV, FontFiles, Fonts};
pub use form::{
    ConsortiumMember, FilledOpinion, FormExtras, PageStamp, application_docx, application_pdf,
    blank_application_docx, blank_application_pdf, blank_outline,
};
pub use letters::{Letter, letter_docx, letter_pdf};
pub use package::{
    FormFormat, FormRenderer, PackageApplication, PackageAttachment, PackageWriter, RenderedForm,
    attachment_names, safe_name,
};
pub use recommendation::{
    LetterInput, LetterLine, letter_text, recommendation_docx, recommendation_pdf,
};
pub use summary_docx::summary_docx;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// What can go wrong while writing a document.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// The call has no summary table with that index.
    #[error("no summary table {0}")]
    NoTable(usize),
    /// A cell's expression failed: a bug in the call definition, not the applicant's.
    #[error("summary column {column}: {message}")]
    Cell {
        /// Column title.
        column: String,
        /// The engine's message.
        message: String,
    },
    /// The XLSX writer failed.
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
    /// The DOCX writer failed.
    #[error("DOCX: {0}")]
    Docx(String),
    /// The ZIP writer failed (writing a package).
    #[error("ZIP: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A file could not be read (an attachment of a package).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A font file for PDF documents is missing or unreadable.
    #[error(
        "font file {path}: {message} (install the Debian package {package}, or set SHENBAO_FONT_DIR)"
    )]
    Font {
        /// The file.
        path: std::path::PathBuf,
        /// The Debian package that installs it.
        package: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The process's shared PDF fonts could not be loaded (see `Fonts::shared`); the message
    /// names the file and the Debian package.
    #[error("PDF fonts unavailable: {0}")]
    FontsMissing(String),
    /// Typst failed to lay out or write a PDF.
    #[error("PDF: {0}")]
    Pdf(String),
}

/// One recommended application, as a summary table needs it, in the unit's ranking order.
#[derive(Debug, Clone)]
pub struct SummaryInput<'a> {
    /// Direction id.
    pub direction: &'a str,
    /// Sub-direction id.
    pub subdirection: Option<&'a str>,
    /// The unit's rank (0 when unranked).
    pub rank: u32,
    /// The applicant's division code.
    pub region: &'a str,
    /// The unit's 推荐意见.
    pub opinion: &'a str,
    /// The submitted answers (normalised, computed fields included).
    pub answers: &'a Map<String, Json>,
    /// The applicant's profile (`uscc`, `name`, `region`).
    pub profile: &'a Json,
}

/// A row of a summary table: a group heading or an application's cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryRow {
    /// The name of a direction, before its applications (tables grouped by direction).
    Group(String),
    /// One application's cells, in column order.
    Cells(Vec<String>),
}

/// The rows of summary table `table` for `inputs` (in ranking order): grouped by direction in
/// the call's order of directions when the table says so, with 序号 restarting in each group;
/// numbered straight through otherwise.
pub fn summary_rows(
    call: &Call,
    table: usize,
    inputs: &[SummaryInput<'_>],
) -> Result<Vec<SummaryRow>, DocError> {
    let def = call
        .def()
        .summaries
        .get(table)
        .ok_or(DocError::NoTable(table))?;
    let grouped = def.group_by == Some(GroupBy::Direction);
    let mut groups: Vec<(String, Vec<&SummaryInput<'_>>)> = Vec::new();
    if grouped {
        for d in &call.def().directions {
            let members: Vec<_> = inputs.iter().filter(|i| i.direction == d.id).collect();
            if !members.is_empty() {
                groups.push((d.name.clone(), members));
            }
        }
    } else {
        groups.push((String::new(), inputs.iter().collect()));
    }
    let mut rows = Vec::new();
    for (name, members) in groups {
        if grouped {
            rows.push(SummaryRow::Group(name));
        }
        for (i, input) in members.into_iter().enumerate() {
            let direction = call.direction(input.direction);
            let subdirection = input
                .subdirection
                .and_then(|id| call.choice(input.direction, id))
                .map(|c| c.name())
                .unwrap_or_default();
            let context = RowContext {
                seq: u32::try_from(i + 1).unwrap_or(u32::MAX),
                rank: input.rank,
                direction: direction.map(|d| d.name.clone()).unwrap_or_default(),
                subdirection,
                city: region::city_of(input.region)
                    .map(|d| d.name.to_string())
                    .unwrap_or_default(),
                county: region::lookup(input.region)
                    .filter(|d| !d.code.ends_with("00"))
                    .map(|d| d.name.to_string())
                    .unwrap_or_default(),
                region: input.region.to_string(),
                opinion: input.opinion.to_string(),
            };
            let cells = summary_cells(call, table, &context, input.answers, Some(input.profile))
                .into_iter()
                .zip(&def.columns)
                .map(|(cell, column)| {
                    cell.map_err(|message| DocError::Cell {
                        column: column.title.clone(),
                        message,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(SummaryRow::Cells(cells));
        }
    }
    Ok(rows)
}

/// Summary table `table` of `call` with `rows`, as an XLSX workbook of one sheet.
///
/// Layout: the title merged over every column (黑体, 16 pt); each header line on its own merged
/// row; the column titles bold with borders; group rows merged and bold; cells bordered and
/// wrapped; the footer lines below. Chinese text is set in 宋体 (Word and WPS use it; other
/// programs substitute). Column widths follow the columns' `width` hints.
pub fn summary_xlsx(call: &Call, table: usize, rows: &[SummaryRow]) -> Result<Vec<u8>, DocError> {
    let def = call
        .def()
        .summaries
        .get(table)
        .ok_or(DocError::NoTable(table))?;
    let last_col = u16::try_from(def.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let base = Format::new().set_font_name("宋体").set_font_size(11);
    let title = Format::new()
        .set_font_name("黑体")
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let line = base.clone().set_align(FormatAlign::Left);
    let head = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let group = cell.clone().set_bold();

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names are at most 31 characters and may not hold []:*?/\.
    let name: String = def
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
        .take(31)
        .collect();
    sheet.set_name(&name)?;
    for (i, column) in def.columns.iter().enumerate() {
        let width = column.width.unwrap_or(1.0) * 14.0;
        sheet.set_column_width(u16::try_from(i).unwrap_or(u16::MAX), width)?;
    }
    let mut r: u32 = 0;
    merged(sheet, r, last_col, &def.title, &title)?;
    sheet.set_row_height(r, 30)?;
    r += 1;
    for text in &def.header_lines {
        merged(sheet, r, last_col, text, &line)?;
        r += 1;
    }
    for (i, column) in def.columns.iter().enumerate() {
        sheet.write_string_with_format(
            r,
            u16::try_from(i).unwrap_or(u16::MAX),
            &column.title,
            &head,
        )?;
    }
    sheet.set_freeze_panes(r + 1, 0)?;
    r += 1;
    for row in rows {
        match row {
            SummaryRow::Group(name) => merged(sheet, r, last_col, name, &group)?,
            SummaryRow::Cells(cells) => {
                for (i, text) in cells.iter().enumerate() {
                    let c = u16::try_from(i).unwrap_or(u16::MAX);
                    sheet.write_string_with_format(r, c, xml_safe(text), &cell)?;
                }
            }
        }
        r += 1;
    }
    for text in &def.footer_lines {
        merged(sheet, r, last_col, text, &line)?;
        r += 1;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Writes `text` over columns 0..=last of row `r` (a plain cell when there is one column).
fn merged(
    sheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    last: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    // rust_xlsxwriter writes control characters as `_x0001_`; they are dropped instead, as in
    // the DOCX, so both files show the same text.
    let text = xml_safe(text);
    if last == 0 {
        sheet.write_string_with_format(r, 0, text, format)?;
    } else {
        sheet.merge_range(r, 0, r, last, &text, format)?;
    }
    Ok(())
}
