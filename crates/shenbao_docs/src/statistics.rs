//! The statistics page's figures as an XLSX workbook (统计分析表): one sheet per breakdown
//! (地区, 申报方向, 状态, 提交日期), each with its count, its share of the total and a 合计
//! row, so that a clerk can paste them into a report.
//!
//! Takes the figures as the page shows them (names already resolved) and returns bytes; no
//! database, no clock.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use shenbao_core::text::xml_safe;

use crate::DocError;

/// One breakdown: a sheet of the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsSheet {
    /// The sheet's name, e.g. `按地区` (at most 31 characters are kept).
    pub name: String,
    /// The title of the label column, e.g. `地区`.
    pub label: String,
    /// The labels and their counts, in the page's order.
    pub rows: Vec<(String, i64)>,
}

/// The workbook: on each sheet the `title` (the call and the viewer's unit) and `note` (as of
/// when, which applications), the column titles, one row per label with its count and share,
/// and the total.
pub fn statistics_xlsx(
    title: &str,
    note: &str,
    sheets: &[StatisticsSheet],
) -> Result<Vec<u8>, DocError> {
    let base = Format::new().set_font_name("宋体").set_font_size(11);
    let heading = Format::new()
        .set_font_name("黑体")
        .set_font_size(14)
        .set_bold();
    let head = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = base.clone().set_border(FormatBorder::Thin);
    let share = cell.clone().set_num_format("0.0%");
    let total = cell.clone().set_bold();
    let total_share = share.clone().set_bold();

    let mut workbook = Workbook::new();
    for def in sheets {
        let sheet = workbook.add_worksheet();
        let name: String = def
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
            .take(31)
            .collect();
        sheet.set_name(&name)?;
        sheet.set_column_width(0, 36)?;
        sheet.set_column_width(1, 12)?;
        sheet.set_column_width(2, 12)?;
        sheet.write_string_with_format(0, 0, xml_safe(title).as_ref(), &heading)?;
        sheet.write_string_with_format(1, 0, xml_safe(note).as_ref(), &base)?;
        for (c, text) in [def.label.as_str(), "申报数（项）", "占比"]
            .into_iter()
            .enumerate()
        {
            sheet.write_string_with_format(3, u16::try_from(c).unwrap_or(0), text, &head)?;
        }
        let sum: i64 = def.rows.iter().map(|(_, n)| n).sum();
        let mut r: u32 = 4;
        for (label, n) in &def.rows {
            sheet.write_string_with_format(r, 0, xml_safe(label).as_ref(), &cell)?;
            write_count(sheet, r, *n, sum, &cell, &share)?;
            r += 1;
        }
        sheet.write_string_with_format(r, 0, "合计", &total)?;
        write_count(sheet, r, sum, sum, &total, &total_share)?;
        sheet.set_freeze_panes(4, 0)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A count and its share of `sum` (empty when nothing is counted).
fn write_count(
    sheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    n: i64,
    sum: i64,
    count: &Format,
    share: &Format,
) -> Result<(), DocError> {
    // Counts of applications are far below 2^53: exact as a spreadsheet number.
    #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
    let (n, sum) = (n as f64, sum as f64);
    sheet.write_number_with_format(r, 1, n, count)?;
    if sum > 0.0 {
        sheet.write_number_with_format(r, 2, n / sum, share)?;
    } else {
        sheet.write_string_with_format(r, 2, "", share)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn every_breakdown_is_a_sheet_with_its_total() {
        let bytes = statistics_xlsx(
            "测试通知 · 统计分析",
            "截至 2024-05-01",
            &[
                StatisticsSheet {
                    name: "按地区".into(),
                    label: "地区".into(),
                    rows: vec![("济南市".into(), 3), ("青岛市".into(), 1)],
                },
                StatisticsSheet {
                    name: "按状态".into(),
                    label: "状态".into(),
                    rows: vec![],
                },
            ],
        )
        .expect("xlsx");
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        assert_eq!(book.sheet_names(), ["按地区", "按状态"]);
        let region = book.worksheet_range("按地区").expect("sheet");
        assert_eq!(region.get_value((3, 0)), Some(&Data::String("地区".into())));
        assert_eq!(region.get_value((4, 1)), Some(&Data::Float(3.0)));
        assert_eq!(region.get_value((6, 0)), Some(&Data::String("合计".into())));
        assert_eq!(region.get_value((6, 1)), Some(&Data::Float(4.0)));
        assert_eq!(region.get_value((4, 2)), Some(&Data::Float(0.75)));
        let status = book.worksheet_range("按状态").expect("sheet");
        assert_eq!(status.get_value((4, 1)), Some(&Data::Float(0.0)));
    }
}
