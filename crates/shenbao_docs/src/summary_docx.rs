//! A summary table (汇总表) as DOCX, with the same content as the XLSX (`summary_xlsx`): the
//! title (黑体), the header lines (推荐单位（盖章）：…), one bordered table with the call's column
//! titles, a merged group row per direction where the call groups by direction, one row per
//! application in ranking order, then the footer lines (填表人：, 联系电话：…).
//!
//! Layout: landscape A4 with 20 mm margins, column widths from the columns' `width` hints; the
//! row of column titles repeats on every page (`header_rows`, since docx-rs cannot).
//! Fonts are named, never embedded: 宋体 for the body, 黑体 for the title.

use docx_rs::{
    AlignmentType, Docx, PageMargin, PageOrientationType, Paragraph, Run, Table, TableCell,
    TableLayoutType, TableRow, VAlignType, WidthType,
};
use shenbao_core::call::Call;
use shenbao_core::text::xml_safe;

use crate::render_docx::{BODY_FONT, TITLE_FONT, fonts};
use crate::{DocError, SummaryRow};

/// Landscape A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 16838;
const PAGE_HEIGHT: u32 = 11906;
/// 20 mm on every side.
const MARGIN: i32 = 1134;
/// The text width between the margins.
const TEXT_WIDTH: usize = 16838 - 2 * 1134;

/// Sizes in half-points: 二号 for the title, 小四 for the lines, 五号 in the table.
const SIZE_TITLE: usize = 36;
const SIZE_LINE: usize = 24;
const SIZE_TABLE: usize = 21;

/// Summary table `table` of `call` with `rows` (from [`crate::summary_rows`]) as a DOCX file.
pub fn summary_docx(call: &Call, table: usize, rows: &[SummaryRow]) -> Result<Vec<u8>, DocError> {
    let def = call
        .def()
        .summaries
        .get(table)
        .ok_or(DocError::NoTable(table))?;
    let widths = column_widths(def.columns.iter().map(|c| c.width.unwrap_or(1.0)));
    let span = widths.len().max(1);

    let mut doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_LINE);
    doc = doc.add_paragraph(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .add_text(xml_safe(&def.title))
                .fonts(fonts(TITLE_FONT))
                .size(SIZE_TITLE),
        ),
    );
    for line in &def.header_lines {
        doc = doc.add_paragraph(Paragraph::new().add_run(run(line, SIZE_LINE)));
    }

    let mut table_rows = Vec::with_capacity(rows.len() + 1);
    table_rows.push(
        TableRow::new(
            def.columns
                .iter()
                .zip(&widths)
                .map(|(c, w)| cell(&c.title, *w, true, AlignmentType::Center))
                .collect(),
        )
        .cant_split(),
    );
    for row in rows {
        let r = match row {
            SummaryRow::Group(name) => TableRow::new(vec![
                cell(name, TEXT_WIDTH, true, AlignmentType::Left).grid_span(span),
            ]),
            SummaryRow::Cells(cells) => TableRow::new(
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(t, w)| cell(t, *w, false, AlignmentType::Left))
                    .collect(),
            ),
        };
        table_rows.push(r.cant_split());
    }
    doc = doc.add_table(
        Table::new(table_rows)
            .set_grid(widths)
            .width(TEXT_WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed),
    );
    for line in &def.footer_lines {
        doc = doc.add_paragraph(Paragraph::new().add_run(run(line, SIZE_LINE)));
    }

    // The one table's first row, the column titles, repeats on every page in Word.
    crate::header_rows::pack(doc, &[1])
}

/// The text width shared in proportion to the width hints (each at least a tenth of the
/// average, so a zero hint still leaves a visible column).
fn column_widths(hints: impl Iterator<Item = f64>) -> Vec<usize> {
    let hints: Vec<f64> = hints.map(|h| h.max(0.1)).collect();
    let total: f64 = hints.iter().sum();
    if hints.is_empty() || total <= 0.0 {
        return Vec::new();
    }
    // A positive share of the text width: the cast neither truncates nor wraps.
    hints
        .iter()
        .map(|h| ((h / total) * TEXT_WIDTH as f64).floor() as usize)
        .collect()
}

fn run(text: &str, size: usize) -> Run {
    Run::new()
        .add_text(xml_safe(text))
        .fonts(fonts(BODY_FONT))
        .size(size)
}

/// A bordered cell of text, one paragraph per line.
fn cell(text: &str, width: usize, bold: bool, align: AlignmentType) -> TableCell {
    let mut c = TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center);
    let mut any = false;
    for line in text.lines() {
        any = true;
        let mut r = run(line, SIZE_TABLE);
        if bold {
            r = r.bold();
        }
        c = c.add_paragraph(Paragraph::new().align(align).add_run(r));
    }
    if !any {
        c = c.add_paragraph(Paragraph::new());
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_hints_and_fill_the_text_width() {
        let w = column_widths([1.0, 2.0, 1.0].into_iter());
        assert_eq!(w.len(), 3);
        assert!(w[1].abs_diff(2 * w[0]) <= 1, "{w:?}");
        let sum: usize = w.iter().sum();
        assert!(sum <= TEXT_WIDTH && sum + 3 >= TEXT_WIDTH, "{sum}");
        assert!(column_widths(std::iter::empty()).is_empty());
    }
}
