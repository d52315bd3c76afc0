//! The neutral document model that every official document is built into once, and that the
//! DOCX (`render_docx`) and PDF (`render_pdf`) renderers turn into files.
//!
//! A document is a list of blocks: paragraphs (each with a [`Style`] that both renderers map
//! to the same look), bordered tables and page breaks. Tables have fixed relative column widths
//! (in twentieths of a point over the text width), header rows repeated across pages, and cells
//! that span columns (`colspan`) and rows (`rowspan`); a row lists only the cells that start in
//! it, as in typst, so a cell spanning down leaves the rows below without it.

use serde::Serialize;
use shenbao_core::text::xml_safe;

/// The text width between the A4 margins, in twentieths of a point.
pub(crate) const TEXT_WIDTH: usize = 8844;

/// The checkbox of a chosen option.
pub(crate) const CHECKED: char = '☑';
/// The checkbox of an option not chosen.
pub(crate) const UNCHECKED: char = '☐';

/// How a paragraph looks; each renderer maps a style to fonts, sizes, alignment and indents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Style {
    /// The form title: centered, 黑体 二号.
    Title,
    /// A section heading: 黑体 三号, kept with what follows.
    Heading,
    /// The title of a letter or of the commitment: centered 黑体 三号.
    LetterTitle,
    /// A cover line: 宋体 三号, indented from the left.
    Cover,
    /// A section's help text: 宋体 五号.
    Help,
    /// The bold caption over a table field: 小四, kept with the table.
    Caption,
    /// Letter text: 宋体 三号 with a first-line indent of two characters.
    Letter,
    /// A plain line of a letter: 宋体 三号, no indent.
    Line,
    /// A signature line under a letter: 宋体 三号, indented to the right half.
    Signature,
    /// Text in a table cell: 宋体 五号.
    Cell,
    /// Bold text in a table cell (a heading row, the title of an opinion box).
    CellBold,
    /// A narrative paragraph in a table cell, with a first-line indent.
    CellIndented,
    /// Right-aligned text in a table cell (stamp and date of an opinion box).
    CellRight,
    /// A header cell: bold and centered.
    Header,
}

/// A run of text in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Span {
    /// The text, never markup, without what XML 1.0 forbids ([`xml_safe`]: every constructor
    /// drops it, so that stored text with control characters still makes valid DOCX and PDF).
    pub text: String,
    /// Underlined (the values of cover lines).
    pub underline: bool,
    /// No line break between its first two characters (a checkbox and its option).
    pub keep: bool,
    /// No line break inside it at all (申报书 at the end of a title).
    pub whole: bool,
}

/// A paragraph: runs of text in one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Para {
    /// How it looks.
    pub style: Style,
    /// Its runs; none for an empty paragraph.
    pub spans: Vec<Span>,
    /// A name the 目录 refers to, to print the page the paragraph is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
}

impl Para {
    /// A paragraph of one plain run (none when `text` is empty).
    pub fn new(style: Style, text: &str) -> Self {
        let spans = if text.is_empty() {
            Vec::new()
        } else {
            vec![Span {
                text: xml_safe(text).into_owned(),
                underline: false,
                keep: false,
                whole: false,
            }]
        };
        Self {
            style,
            spans,
            anchor: None,
        }
    }

    /// The paragraph with `name`, for a 目录 line to print its page.
    pub fn anchored(mut self, name: &str) -> Self {
        self.anchor = Some(name.to_string());
        self
    }

    /// Adds a run.
    pub fn span(mut self, text: &str, underline: bool) -> Self {
        if !text.is_empty() {
            self.spans.push(Span {
                text: xml_safe(text).into_owned(),
                underline,
                keep: false,
                whole: false,
            });
        }
        self
    }

    /// Adds a run that breaks no line between its first two characters.
    pub fn kept(mut self, text: &str) -> Self {
        if !text.is_empty() {
            self.spans.push(Span {
                text: xml_safe(text).into_owned(),
                underline: false,
                keep: true,
                whole: false,
            });
        }
        self
    }

    /// Adds a run that no line break splits.
    pub fn whole(mut self, text: &str) -> Self {
        if !text.is_empty() {
            self.spans.push(Span {
                text: xml_safe(text).into_owned(),
                underline: false,
                keep: false,
                whole: true,
            });
        }
        self
    }

    /// The paragraph's text.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Cell {
    /// Its paragraphs (at least one, maybe empty).
    pub paras: Vec<Para>,
    /// Columns it spans (at least 1).
    pub colspan: usize,
    /// Rows it spans (at least 1).
    pub rowspan: usize,
}

impl Cell {
    /// A cell of paragraphs.
    pub fn of(paras: Vec<Para>) -> Self {
        let paras = if paras.is_empty() {
            vec![Para::new(Style::Cell, "")]
        } else {
            paras
        };
        Self {
            paras,
            colspan: 1,
            rowspan: 1,
        }
    }

    /// A cell of text in `style`, one paragraph per line.
    pub fn text(style: Style, text: &str) -> Self {
        Self::of(text.lines().map(|l| Para::new(style, l)).collect())
    }

    /// A plain cell of text.
    pub fn plain(text: &str) -> Self {
        Self::text(Style::Cell, text)
    }

    /// A header cell.
    pub fn header(text: &str) -> Self {
        Self::text(Style::Header, text)
    }

    /// The same cell over `n` columns.
    pub fn colspan(mut self, n: usize) -> Self {
        self.colspan = n.max(1);
        self
    }
}

/// A bordered table over the text width.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Table {
    /// Column widths in twentieths of a point; they add up to about [`TEXT_WIDTH`].
    pub widths: Vec<usize>,
    /// How many of the first rows are header rows, repeated on every page.
    pub header_rows: usize,
    /// The rows, each with the cells that start in it.
    pub rows: Vec<Vec<Cell>>,
}

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Block {
    /// A paragraph.
    Para(Para),
    /// A table.
    Table(Table),
    /// A page break.
    PageBreak,
    /// A 目录: a line per entry with the page its anchored paragraph is on.
    Contents(Contents),
}

/// The lines of a 目录.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Contents {
    /// Each line's text and the anchor of the paragraph whose page it prints.
    pub lines: Vec<ContentsLine>,
}

/// A line of a 目录.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ContentsLine {
    /// What the line says (一、真实性承诺（…）).
    pub text: String,
    /// The [`Para::anchor`] it points to.
    pub anchor: String,
}

/// A whole document: its title (PDF metadata) and blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Document {
    /// The document's title.
    pub title: String,
    /// Its blocks, in order.
    pub blocks: Vec<Block>,
    /// What every page's foot carries besides its number: a submitted version's 受理编号 and
    /// the QR code of its verification page.
    pub stamp: Option<Stamp>,
}

/// The 受理编号 and verification QR code at the foot of every page of a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Stamp {
    /// The 受理编号.
    pub number: String,
    /// The QR code of the verification URL, as SVG (the PDF's).
    pub qr_svg: String,
    /// The same code as a PNG (the Word file's), empty when the URL is too long for one.
    #[serde(skip)]
    pub qr_png: Vec<u8>,
}

impl Document {
    /// Adds a paragraph.
    pub fn para(&mut self, p: Para) {
        self.blocks.push(Block::Para(p));
    }

    /// Adds a table.
    pub fn table(&mut self, t: Table) {
        self.blocks.push(Block::Table(t));
    }

    /// Adds a page break; never two in a row (a page left empty).
    pub fn page_break(&mut self) {
        if !matches!(self.blocks.last(), Some(Block::PageBreak)) {
            self.blocks.push(Block::PageBreak);
        }
    }

    /// Adds a 目录.
    pub fn contents(&mut self, c: Contents) {
        self.blocks.push(Block::Contents(c));
    }
}
