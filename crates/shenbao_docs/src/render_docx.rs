//! The document model as DOCX (docx-rs): A4, GB/T 9704 margins, 宋体 body and 黑体 titles.
//! Fonts are named, never embedded: Word and WPS have them, other programs substitute.
//! Tables repeat their header rows on every page (`header_rows`, since docx-rs cannot).

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, InstrNUMPAGES, InstrPAGE, InstrPAGEREF,
    InstrText, PageMargin, Paragraph, Pic, Run, RunFonts, SpecialIndentType, Tab, TabLeaderType,
    TabValueType, TableCell, TableLayoutType, TableRow, VMergeType, WidthType,
};

use crate::DocError;
use crate::layout::{Block, Cell, ContentsLine, Document, Para, Style, TEXT_WIDTH, Table};

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;

pub(crate) const BODY_FONT: &str = "宋体";
pub(crate) const TITLE_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";
/// Sizes in half-points: 二号, 三号, 小四, 五号.
const SIZE_TITLE: usize = 44;
const SIZE_HEADING: usize = 32;
const SIZE_BODY: usize = 24;
const SIZE_TABLE: usize = 21;

/// `doc` as a DOCX file.
pub(crate) fn docx(doc: &Document) -> Result<Vec<u8>, DocError> {
    let mut out = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_BODY);
    if let Some(stamp) = &doc.stamp {
        out = out.footer(stamp_footer(stamp));
    }
    let mut after_table = false;
    for block in &doc.blocks {
        // Two tables with nothing between them are read as one by Word and LibreOffice, and
        // the first one's header rows would repeat over the second: an empty 五号 line keeps
        // them apart.
        if after_table && matches!(block, Block::Table(_)) {
            out = out.add_paragraph(Paragraph::new().size(SIZE_TABLE));
        }
        after_table = matches!(block, Block::Table(_));
        out = match block {
            Block::Para(p) => out.add_paragraph(anchored_paragraph(doc, p)),
            Block::Table(t) => out.add_table(table(t)),
            Block::PageBreak => {
                out.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
            Block::Contents(c) => c
                .lines
                .iter()
                .fold(out, |out, l| out.add_paragraph(contents_line(doc, l))),
        };
    }
    // Word repeats the header rows of every table on each page it runs onto.
    let header_rows: Vec<usize> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.header_rows.min(t.rows.len())),
            _ => None,
        })
        .collect();
    crate::header_rows::pack(out, &header_rows)
}

/// The printed size of the footer's QR code: 20 mm in EMU, as in the PDF.
const QR_EMU: u32 = 20 * 36_000;

/// The foot of every page of a submitted form, as in the PDF: 受理编号, 第 N 页 共 M 页 (PAGE and
/// NUMPAGES fields, which Word and LibreOffice fill in) and, at the right margin, the QR code
/// of the verification page.
fn stamp_footer(stamp: &crate::layout::Stamp) -> Footer {
    let run = || Run::new().fonts(fonts(BODY_FONT)).size(SIZE_TABLE);
    let field = |p: Paragraph, instr: InstrText| {
        p.add_run(run().add_field_char(FieldCharType::Begin, true))
            .add_run(run().add_instr_text(instr))
            .add_run(run().add_field_char(FieldCharType::Separate, false))
            .add_run(run().add_text("1"))
            .add_run(run().add_field_char(FieldCharType::End, false))
    };
    use shenbao_core::messages::document::{ACCEPTANCE_NUMBER, PAGE_OF};
    let number =
        Paragraph::new().add_run(run().add_text(format!("{ACCEPTANCE_NUMBER}{}", stamp.number)));
    let mut pages = Paragraph::new()
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH))
        .add_run(run().add_text(PAGE_OF[0]));
    pages = field(pages, InstrText::PAGE(InstrPAGE::new()));
    pages = pages.add_run(run().add_text(PAGE_OF[1]));
    pages = field(pages, InstrText::NUMPAGES(InstrNUMPAGES::new()));
    pages = pages.add_run(run().add_text(PAGE_OF[2]));
    if !stamp.qr_png.is_empty() {
        let side = png_side(&stamp.qr_png);
        let pic = Pic::new_with_dimensions(stamp.qr_png.clone(), side, side).size(QR_EMU, QR_EMU);
        pages = pages.add_run(run().add_tab().add_image(pic));
    }
    Footer::new().add_paragraph(number).add_paragraph(pages)
}

/// The width of a PNG, from its header (the code is square).
fn png_side(png: &[u8]) -> u32 {
    png.get(16..20)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes)
}

/// A 目录 line: its text, dot leaders to the right margin, and a PAGEREF field to its
/// anchor's bookmark, which Word and LibreOffice fill with the page when they lay the document
/// out (the field is marked dirty; `?` shows until then).
fn contents_line(doc: &Document, l: &ContentsLine) -> Paragraph {
    let id = bookmark_id(doc, &l.anchor);
    let run = || Run::new().fonts(fonts(BODY_FONT)).size(SIZE_HEADING);
    Paragraph::new()
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Dot)
                .pos(TEXT_WIDTH),
        )
        .add_run(run().add_text(&l.text).add_tab())
        .add_run(run().add_field_char(FieldCharType::Begin, true))
        .add_run(run().add_instr_text(InstrText::PAGEREF(
            InstrPAGEREF::new(bookmark_name(id)).hyperlink(),
        )))
        .add_run(run().add_field_char(FieldCharType::Separate, false))
        .add_run(run().add_text("?"))
        .add_run(run().add_field_char(FieldCharType::End, false))
}

/// The bookmark number of `anchor`: the place of its paragraph among the document's
/// anchored paragraphs.
fn bookmark_id(doc: &Document, anchor: &str) -> usize {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => p.anchor.as_deref(),
            _ => None,
        })
        .position(|a| a == anchor)
        .unwrap_or(usize::MAX)
}

/// A bookmark's name (Word's hidden `_Toc` names are left to Word).
fn bookmark_name(id: usize) -> String {
    format!("shenbao_part_{id}")
}

/// A paragraph in its style, with a bookmark around it when a 目录 line points to it.
fn anchored_paragraph(doc: &Document, p: &Para) -> Paragraph {
    match &p.anchor {
        Some(anchor) => {
            let id = bookmark_id(doc, anchor);
            paragraph(p)
                .add_bookmark_start(id, bookmark_name(id))
                .add_bookmark_end(id)
        }
        None => paragraph(p),
    }
}

/// A paragraph in its style.
fn paragraph(p: &Para) -> Paragraph {
    let (font, size, bold) = match p.style {
        Style::Title => (TITLE_FONT, SIZE_TITLE, false),
        Style::Heading | Style::LetterTitle => (TITLE_FONT, SIZE_HEADING, false),
        Style::Cover | Style::Letter | Style::Line | Style::Signature => {
            (BODY_FONT, SIZE_HEADING, false)
        }
        Style::Caption => (BODY_FONT, SIZE_BODY, true),
        Style::Help | Style::Cell | Style::CellIndented | Style::CellRight => {
            (BODY_FONT, SIZE_TABLE, false)
        }
        Style::CellBold | Style::Header => (BODY_FONT, SIZE_TABLE, true),
    };
    let mut out = Paragraph::new();
    out = match p.style {
        Style::Title | Style::LetterTitle | Style::Header => out.align(AlignmentType::Center),
        Style::CellRight => out.align(AlignmentType::Right),
        Style::Heading | Style::Caption => out.keep_next(true),
        Style::Cover => out.indent(Some(1200), None, None, None),
        Style::Signature => out.indent(Some(4200), None, None, None),
        Style::Letter => out.indent(None, Some(SpecialIndentType::FirstLine(640)), None, None),
        Style::CellIndented => {
            out.indent(None, Some(SpecialIndentType::FirstLine(420)), None, None)
        }
        Style::Help | Style::Line | Style::Cell | Style::CellBold => out,
    };
    for span in &p.spans {
        let mut run = Run::new()
            .add_text(&span.text)
            .fonts(fonts(font))
            .size(size);
        if bold {
            run = run.bold();
        }
        if span.underline {
            run = run.underline("single");
        }
        out = out.add_run(run);
    }
    out
}

/// A bordered table over the text width with fixed columns; cells spanning rows become a
/// vertical merge (restart, then continue in the rows below).
pub(crate) fn table(t: &Table) -> docx_rs::Table {
    // Per grid column: the rows still covered by a cell above, and that cell's column span.
    let mut covered: Vec<(usize, usize)> = vec![(0, 1); t.widths.len()];
    let span_width = |at: usize, n: usize| -> usize { t.widths.iter().skip(at).take(n).sum() };
    let mut rows = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        let mut cells = Vec::new();
        let mut col = 0;
        let mut next = row.iter();
        while col < t.widths.len() {
            if let Some((left, n)) = covered.get_mut(col).filter(|(left, _)| *left > 0) {
                *left -= 1;
                let n = *n;
                let mut cell = TableCell::new()
                    .width(span_width(col, n), WidthType::Dxa)
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(Paragraph::new());
                if n > 1 {
                    cell = cell.grid_span(n);
                }
                cells.push(cell);
                col += n;
                continue;
            }
            let Some(c) = next.next() else { break };
            let mut cell = cell(c).width(span_width(col, c.colspan), WidthType::Dxa);
            if c.colspan > 1 {
                cell = cell.grid_span(c.colspan);
            }
            if c.rowspan > 1 {
                cell = cell.vertical_merge(VMergeType::Restart);
                if let Some(slot) = covered.get_mut(col) {
                    *slot = (c.rowspan - 1, c.colspan);
                }
            }
            cells.push(cell);
            col += c.colspan;
        }
        let mut r = TableRow::new(cells);
        // A row stays on one page (a file name is not cut by a page break and the repeated
        // header); only a long narrative may run on to the next page.
        let chars: usize = row
            .iter()
            .flat_map(|c| &c.paras)
            .flat_map(|p| &p.spans)
            .map(|s| s.text.chars().count())
            .sum();
        if i < t.header_rows || chars <= UNSPLIT_ROW_CHARS {
            r = r.cant_split();
        }
        rows.push(r);
    }
    docx_rs::Table::new(rows)
        .set_grid(t.widths.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// The most text a table row may hold and still be kept whole on one page: about a third of
/// a page of 五号 text in the value column.
const UNSPLIT_ROW_CHARS: usize = 400;

/// A cell's paragraphs.
fn cell(c: &Cell) -> TableCell {
    c.paras
        .iter()
        .fold(TableCell::new(), |cell, p| cell.add_paragraph(paragraph(p)))
}

/// The official `east_asia` font (宋体, 黑体) with Times New Roman for Latin text; the summary
/// tables use it too.
pub(crate) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}
