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
//! The statistics page's figures go out as XLSX too (`statistics_xlsx`).
//!
//! Must not: read the database or the clock. The caller gives the applications in ranking
//! order with their answers.

use serde_json::{Map, Value as Json};

mod fonts;
mod form;
mod header_rows;
mod layout;
mod letters;
mod outline;
mod package;
mod recommendation;
mod render_docx;
mod render_html;
mod render_pdf;
mod section_table;
mod sheet;
mod statistics;
mod summary;
mod summary_docx;

pub use fonts::{FONT_DIR_ENV, FontFiles, Fonts};
pub use form::{
    ConsortiumMember, FilledOpinion, FormExtras, PageStamp, application_docx, application_html,
    application_pdf, blank_application_docx, blank_application_pdf, blank_outline,
};
pub use letters::{Letter, letter_docx, letter_pdf};
pub use package::{
    FormFormat, FormRenderer, PackageApplication, PackageAttachment, PackageWriter, RenderedForm,
    attachment_names, safe_name,
};
pub use recommendation::{
    LetterInput, LetterLine, letter_text, recommendation_docx, recommendation_pdf,
};
pub use sheet::SheetXlsx;
pub use statistics::{StatisticsSheet, statistics_xlsx};
pub use summary::{SummaryRows, SummaryXlsx, summary_rows, summary_xlsx};
pub use summary_docx::summary_docx;

use rust_xlsxwriter::XlsxError;

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
