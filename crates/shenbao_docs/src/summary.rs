//! Summary tables (汇总表): their rows from the applications, and the XLSX workbook, both a
//! batch at a time so that a province's table (every application of a collection) is written
//! in constant memory: the rows of one batch of applications, then the next.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use shenbao_core::call::Call;
use shenbao_core::call::definition::{GroupBy, SummaryTable};
use shenbao_core::output::{RowContext, summary_cells};
use shenbao_core::region;
use shenbao_core::text::xml_safe;

use crate::{DocError, SummaryInput, SummaryRow};

/// Summary table `table` of `call`.
fn table_def(call: &Call, table: usize) -> Result<&SummaryTable, DocError> {
    call.def()
        .summaries
        .get(table)
        .ok_or(DocError::NoTable(table))
}

/// The rows of summary table `table` for `inputs` (in ranking order): grouped by direction in
/// the call's order of directions when the table says so, with 序号 restarting in each group;
/// numbered straight through otherwise.
pub fn summary_rows(
    call: &Call,
    table: usize,
    inputs: &[SummaryInput<'_>],
) -> Result<Vec<SummaryRow>, DocError> {
    let mut rows = SummaryRows::new(call, table)?;
    if !rows.grouped {
        return rows.rows(inputs);
    }
    // In the call's order of directions, each direction's in ranking order.
    let mut sorted: Vec<SummaryInput<'_>> = Vec::with_capacity(inputs.len());
    for d in &call.def().directions {
        sorted.extend(inputs.iter().filter(|i| i.direction == d.id).cloned());
    }
    rows.rows(&sorted)
}

/// The rows of a summary table, a batch of applications at a time: a group row where a new
/// direction begins (tables grouped by direction), 序号 running on across batches.
pub struct SummaryRows<'c> {
    call: &'c Call,
    table: usize,
    grouped: bool,
    /// The direction of the last row, and the 序号 it had.
    last: Option<(String, u32)>,
}

impl<'c> SummaryRows<'c> {
    /// The rows of summary table `table` of `call`, none yet.
    pub fn new(call: &'c Call, table: usize) -> Result<Self, DocError> {
        let def = table_def(call, table)?;
        Ok(Self {
            call,
            table,
            grouped: def.group_by == Some(GroupBy::Direction),
            last: None,
        })
    }

    /// The rows of `inputs`, which follow the earlier batches' (a grouped table's in the call's
    /// order of directions, each direction's applications together).
    pub fn rows(&mut self, inputs: &[SummaryInput<'_>]) -> Result<Vec<SummaryRow>, DocError> {
        let call = self.call;
        let def = table_def(call, self.table)?;
        let mut rows = Vec::with_capacity(inputs.len() + 1);
        for input in inputs {
            let seq = match &self.last {
                Some((direction, seq)) if !self.grouped || direction == input.direction => seq + 1,
                _ => {
                    if self.grouped {
                        let name = call
                            .direction(input.direction)
                            .map(|d| d.name.clone())
                            .unwrap_or_default();
                        rows.push(SummaryRow::Group(name));
                    }
                    1
                }
            };
            self.last = Some((input.direction.to_string(), seq));
            let direction = call.direction(input.direction);
            let subdirection = input
                .subdirection
                .and_then(|id| call.choice(input.direction, id))
                .map(|c| c.name())
                .unwrap_or_default();
            let context = RowContext {
                seq,
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
            let cells = summary_cells(
                call,
                self.table,
                &context,
                input.answers,
                Some(input.profile),
            )
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
        Ok(rows)
    }
}

/// Summary table `table` of `call` with `rows`, as an XLSX workbook of one sheet.
///
/// Layout: the title merged over every column (黑体, 16 pt); each header line on its own merged
/// row; the column titles bold with borders; group rows merged and bold; cells bordered and
/// wrapped; the footer lines below. Chinese text is set in 宋体 (Word and WPS use it; other
/// programs substitute). Column widths follow the columns' `width` hints.
pub fn summary_xlsx(call: &Call, table: usize, rows: &[SummaryRow]) -> Result<Vec<u8>, DocError> {
    let mut xlsx = SummaryXlsx::new(call, table)?;
    xlsx.push(rows)?;
    xlsx.finish()
}

/// A summary table's workbook written a batch of rows at a time ([`summary_xlsx`]'s layout):
/// the sheet keeps no row in memory once written (rust_xlsxwriter's constant-memory mode,
/// which spills to a temporary file), so a table of every application of a province costs the
/// memory of one batch.
pub struct SummaryXlsx {
    workbook: Workbook,
    /// The next row to write.
    r: u32,
    last_col: u16,
    footer_lines: Vec<String>,
    line: Format,
    cell: Format,
    group: Format,
}

impl SummaryXlsx {
    /// The workbook of summary table `table` of `call`: its title, header lines and column
    /// titles written, no rows yet.
    pub fn new(call: &Call, table: usize) -> Result<Self, DocError> {
        let def = table_def(call, table)?;
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
        let sheet = workbook.add_worksheet_with_constant_memory()?;
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
        Ok(Self {
            workbook,
            r,
            last_col,
            footer_lines: def.footer_lines.clone(),
            line,
            cell,
            group,
        })
    }

    /// Writes `rows` after the rows so far.
    pub fn push(&mut self, rows: &[SummaryRow]) -> Result<(), DocError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for row in rows {
            match row {
                SummaryRow::Group(name) => merged(sheet, self.r, self.last_col, name, &self.group)?,
                SummaryRow::Cells(cells) => {
                    for (i, text) in cells.iter().enumerate() {
                        let c = u16::try_from(i).unwrap_or(u16::MAX);
                        sheet.write_string_with_format(self.r, c, xml_safe(text), &self.cell)?;
                    }
                }
            }
            self.r += 1;
        }
        Ok(())
    }

    /// The footer lines, and the workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, DocError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for text in &self.footer_lines {
            merged(sheet, self.r, self.last_col, text, &self.line)?;
            self.r += 1;
        }
        Ok(self.workbook.save_to_buffer()?)
    }
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
