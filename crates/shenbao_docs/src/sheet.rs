//! A plain data workbook written a batch of rows at a time: a title line, a header row frozen
//! at the top with an autofilter, then the rows. What a clerk filters and sorts in Excel (the
//! queue's 导出当前筛选结果), unlike a summary table, which has the notice's layout.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use shenbao_core::text::xml_safe;

use crate::DocError;

/// A one-sheet workbook in constant-memory mode: rows go to a temporary file as they are
/// written, so a table of a province costs the memory of one batch.
pub struct SheetXlsx {
    workbook: Workbook,
    /// The next row to write.
    r: u32,
    columns: u16,
    cell: Format,
}

/// The widest a column is set, in characters.
const MAX_WIDTH: f64 = 60.0;

impl SheetXlsx {
    /// A workbook whose sheet `name` has `title` on its first line and `headers` as its column
    /// titles (each column as wide as its title, at least 10 and at most 60 characters).
    pub fn new(name: &str, title: &str, headers: &[String]) -> Result<Self, DocError> {
        let base = Format::new().set_font_name("宋体").set_font_size(11);
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
            .set_align(FormatAlign::Top);
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        // Sheet names are at most 31 characters and may not hold []:*?/\.
        let name: String = name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
            .take(31)
            .collect();
        sheet.set_name(if name.is_empty() { "Sheet1" } else { &name })?;
        let columns = u16::try_from(headers.len()).unwrap_or(u16::MAX);
        for (i, h) in headers.iter().enumerate() {
            // A CJK character is about two widths of a Latin one.
            let width = (h.chars().count() as f64 * 2.2).clamp(10.0, MAX_WIDTH);
            sheet.set_column_width(u16::try_from(i).unwrap_or(u16::MAX), width)?;
        }
        sheet.write_string_with_format(0, 0, xml_safe(title), &base.clone().set_bold())?;
        for (i, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(
                1,
                u16::try_from(i).unwrap_or(u16::MAX),
                xml_safe(h),
                &head,
            )?;
        }
        sheet.set_freeze_panes(2, 0)?;
        Ok(Self {
            workbook,
            r: 2,
            columns,
            cell,
        })
    }

    /// Writes `rows` after the rows so far; a row's cells beyond the headers are dropped.
    pub fn push(&mut self, rows: &[Vec<String>]) -> Result<(), DocError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for row in rows {
            for (i, text) in row.iter().enumerate().take(usize::from(self.columns)) {
                if !text.is_empty() {
                    let c = u16::try_from(i).unwrap_or(u16::MAX);
                    sheet.write_string_with_format(self.r, c, xml_safe(text), &self.cell)?;
                }
            }
            self.r += 1;
        }
        Ok(())
    }

    /// How many rows were written.
    pub fn rows(&self) -> u32 {
        self.r - 2
    }

    /// The autofilter over what was written, and the workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, DocError> {
        let (last_row, last_col) = (
            self.r.saturating_sub(1).max(1),
            self.columns.saturating_sub(1),
        );
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.autofilter(1, 0, last_row, last_col)?;
        Ok(self.workbook.save_to_buffer()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_written_in_batches_read_back_in_order() {
        let headers = vec!["序号".to_string(), "申报单位".to_string()];
        let mut x = SheetXlsx::new("申报列表", "某某局 申报列表", &headers).unwrap();
        x.push(&[vec!["1".into(), "甲公司".into()]]).unwrap();
        x.push(&[vec!["2".into(), "乙公司\u{1}".into(), "多余".into()]])
            .unwrap();
        assert_eq!(x.rows(), 2);
        let bytes = x.finish().unwrap();
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("申报列表").unwrap();
        let cells: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(cells[1], vec!["序号", "申报单位"]);
        assert_eq!(cells[2], vec!["1", "甲公司"]);
        assert_eq!(cells[3], vec!["2", "乙公司"]);
        assert_eq!(cells.len(), 4);
    }
}
