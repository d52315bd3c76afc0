//! The application form (申报书 / 申报表) as DOCX, filled in with an application's answers.
//!
//! Layout: an A4 page with GB/T 9704-like margins (37/35/28/26 mm); the form title centered in
//! 黑体; the cover lines (label：value suffix); then each section of the application's direction
//! with its title and a bordered table of label | value rows. Fields that share a `group` get a
//! merged group cell on the left; choices print every option as ☑ (chosen) or ☐, with the 其他
//! text after its option; narratives (textarea) are paragraphs in a full-width cell; year tables,
//! matrices and repeating rows are tables of their own with a header row. The commitment follows
//! on a new page with its signature lines, then the list of attached files when given.
//!
//! Answers are displayed exactly as the reviewers' change list shows them (`shenbao_core::diff`).
//! Fonts are named, never embedded: 宋体 for the body, 黑体 for titles; Word and WPS have them,
//! other programs substitute.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table,
    TableCell, TableLayoutType, TableRow, VMergeType, WidthType,
};
use serde_json::{Map, Value as Json};
use shenbao_core::call::Call;
use shenbao_core::call::definition::{FieldDef, FieldKind};
use shenbao_core::diff::{computed_text, display};
use shenbao_core::form::{Application, validate};
use shenbao_core::output::{cover_lines, text_of};

use crate::DocError;

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;
/// The text width between the margins.
const TEXT_WIDTH: usize = 8844;
/// Section table columns: group, label, value.
const GROUP_WIDTH: usize = 1300;
const LABEL_WIDTH: usize = 2500;
const VALUE_WIDTH: usize = TEXT_WIDTH - GROUP_WIDTH - LABEL_WIDTH;

const BODY_FONT: &str = "宋体";
const TITLE_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";
/// Sizes in half-points: 二号, 三号, 小四, 五号.
const SIZE_TITLE: usize = 44;
const SIZE_HEADING: usize = 32;
const SIZE_BODY: usize = 24;
const SIZE_TABLE: usize = 21;

const CHECKED: char = '☑';
const UNCHECKED: char = '☐';

/// The application form of `app` as a DOCX file: title, cover, the sections of its direction
/// with the answers (normalised by the form engine first), the commitment, and the attached
/// files when `app.files` is given.
pub fn application_docx(call: &Call, app: &Application<'_>) -> Result<Vec<u8>, DocError> {
    let report = validate(call, app.target, app.answers);
    let answers = &report.answers;
    let def = call.def();
    let title = call
        .direction(app.target.direction)
        .and_then(|d| d.form_title.clone())
        .unwrap_or_else(|| def.form_title.clone());

    let mut doc = Docx::new()
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

    doc = doc.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(title_run(&title, SIZE_TITLE)),
    );
    let cover = cover_lines(call, answers, app.profile);
    if !cover.is_empty() {
        doc = doc.add_paragraph(Paragraph::new());
        for line in &cover {
            let mut p = Paragraph::new()
                .indent(Some(1200), None, None, None)
                .add_run(body_run(&format!("{}：", line.label), SIZE_HEADING));
            p = p.add_run(body_run(&line.text, SIZE_HEADING).underline("single"));
            if let Some(suffix) = &line.suffix {
                p = p.add_run(body_run(suffix, SIZE_HEADING));
            }
            doc = doc.add_paragraph(p);
        }
        doc = doc.add_paragraph(page_break());
    }

    for section in call.sections_for(&app.target) {
        let shown: Vec<&FieldDef> = section
            .fields
            .iter()
            .filter(|f| !report.hidden.contains(&f.id))
            .collect();
        // A section hidden by a choice (联合体协议书 of a single applicant) is left out.
        if !section.fields.is_empty()
            && section.fields.iter().all(|f| report.hidden.contains(&f.id))
        {
            continue;
        }
        doc = doc.add_paragraph(
            Paragraph::new()
                .keep_next(true)
                .add_run(title_run(&section.title, SIZE_HEADING)),
        );
        if let Some(help) = &section.help {
            doc = doc.add_paragraph(Paragraph::new().add_run(body_run(help, SIZE_TABLE)));
        }
        let mut table = SectionTable::default();
        for (i, f) in shown.iter().enumerate() {
            doc = field(doc, &mut table, f, shown.get(i + 1).copied(), answers);
        }
        doc = table.flush(doc);
    }

    doc = commitment(doc, call, answers);
    if let Some(files) = app.files {
        doc = doc.add_paragraph(
            Paragraph::new()
                .keep_next(true)
                .add_run(title_run("附件材料清单", SIZE_HEADING)),
        );
        let widths = [800, 4000, TEXT_WIDTH - 4800];
        let mut rows = vec![header_row(&["序号", "材料", "文件名"], &widths)];
        for (i, file) in files.iter().enumerate() {
            let label = def
                .files
                .iter()
                .find(|s| s.id == file.slot)
                .map_or(file.slot.as_str(), |s| s.label.as_str());
            let texts = [(i + 1).to_string(), label.to_string(), file.name.clone()];
            rows.push(TableRow::new(
                texts
                    .iter()
                    .zip(widths)
                    .map(|(t, w)| text_cell(t, w))
                    .collect(),
            ));
        }
        doc = doc.add_table(table_of(rows, &widths));
    }

    let mut out = Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// One field into the current section table (or, for tables, a table of its own).
fn field(
    mut doc: Docx,
    table: &mut SectionTable,
    f: &FieldDef,
    next: Option<&FieldDef>,
    answers: &Map<String, Json>,
) -> Docx {
    let Some(kind) = f.kind else { return doc };
    let value = answers.get(&f.id);
    match kind {
        FieldKind::Heading => {
            // A heading that only names the group of the fields after it is printed by their
            // merged group cell.
            if next.and_then(|n| n.group.as_deref()) != Some(f.label.as_str()) {
                table.full_width(TableCell::new().add_paragraph(
                    Paragraph::new().add_run(body_run(&f.label, SIZE_TABLE).bold()),
                ));
            }
        }
        FieldKind::Textarea => {
            table.full_width(TableCell::new().add_paragraph(
                Paragraph::new().add_run(body_run(&label_text(f), SIZE_TABLE).bold()),
            ));
            let text = shown(f, kind, value, answers);
            let mut cell = TableCell::new();
            let mut any = false;
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                any = true;
                cell = cell.add_paragraph(
                    Paragraph::new()
                        .indent(None, Some(SpecialIndentType::FirstLine(420)), None, None)
                        .add_run(body_run(line, SIZE_TABLE)),
                );
            }
            if !any {
                cell = cell.add_paragraph(Paragraph::new());
            }
            table.full_width(cell);
        }
        FieldKind::YearTable | FieldKind::Matrix => {
            doc = table.flush(doc);
            doc = doc.add_paragraph(caption(f));
            doc = doc.add_table(grid(f, kind, value));
        }
        FieldKind::Rows => {
            doc = table.flush(doc);
            doc = doc.add_paragraph(caption(f));
            doc = doc.add_table(rows_table(f, value));
        }
        FieldKind::SingleChoice | FieldKind::MultiChoice => {
            let chosen = selected(value);
            let mut p = Paragraph::new();
            for (i, option) in f.options.iter().enumerate() {
                let v = option.value();
                let on = chosen.iter().any(|c| c == v);
                let text = if on {
                    display(f, kind, Some(&Json::String(v.to_string())), answers)
                } else {
                    v.to_string()
                };
                let mark = if on { CHECKED } else { UNCHECKED };
                let sep = if i == 0 { "" } else { "  " };
                p = p.add_run(body_run(&format!("{sep}{mark}{text}"), SIZE_TABLE));
            }
            table.field(f, TableCell::new().add_paragraph(p));
        }
        FieldKind::Computed => {
            table.field(f, text_cell(&computed_text(f, value), VALUE_WIDTH));
        }
        _ => table.field(f, text_cell(&shown(f, kind, value, answers), VALUE_WIDTH)),
    }
    doc
}

/// The rows of a section's label | value table, with the group cell on the left.
#[derive(Default)]
struct SectionTable {
    rows: Vec<TableRow>,
    group: Option<String>,
}

impl SectionTable {
    /// A label | value row, the label merged into the group column unless grouped.
    fn field(&mut self, f: &FieldDef, value: TableCell) {
        let value = value.width(VALUE_WIDTH, WidthType::Dxa);
        let label = text_cell(&label_text(f), LABEL_WIDTH);
        let row = match &f.group {
            Some(g) => {
                let group = if self.group.as_deref() == Some(g.as_str()) {
                    TableCell::new()
                        .width(GROUP_WIDTH, WidthType::Dxa)
                        .vertical_merge(VMergeType::Continue)
                        .add_paragraph(Paragraph::new())
                } else {
                    text_cell(g, GROUP_WIDTH).vertical_merge(VMergeType::Restart)
                };
                vec![group, label, value]
            }
            None => vec![
                label
                    .width(GROUP_WIDTH + LABEL_WIDTH, WidthType::Dxa)
                    .grid_span(2),
                value,
            ],
        };
        self.group = f.group.clone();
        self.rows.push(TableRow::new(row));
    }

    /// A row with one cell over the whole width.
    fn full_width(&mut self, cell: TableCell) {
        self.group = None;
        self.rows.push(TableRow::new(vec![
            cell.width(TEXT_WIDTH, WidthType::Dxa).grid_span(3),
        ]));
    }

    /// Adds the rows so far to the document as one table.
    fn flush(&mut self, doc: Docx) -> Docx {
        self.group = None;
        if self.rows.is_empty() {
            return doc;
        }
        let rows = std::mem::take(&mut self.rows);
        doc.add_table(table_of(rows, &[GROUP_WIDTH, LABEL_WIDTH, VALUE_WIDTH]))
    }
}

/// A year table or matrix: a header row of years or column labels, a row per definition row,
/// with a merged group column when rows are grouped.
fn grid(f: &FieldDef, kind: FieldKind, value: Option<&Json>) -> Table {
    let empty = Map::new();
    let grouped = f.rows.iter().any(|r| r.group.is_some());
    let cols: Vec<(String, String, Option<&FieldDef>)> = if kind == FieldKind::YearTable {
        f.years
            .iter()
            .map(|y| (y.to_string(), format!("{y}年"), None))
            .collect()
    } else {
        f.columns
            .iter()
            .map(|c| (c.id.clone(), label_text(c), Some(c)))
            .collect()
    };
    let head_width = if grouped { 1200 + 2400 } else { 3000 };
    let col_width = (TEXT_WIDTH - head_width) / cols.len().max(1);
    let mut widths = if grouped {
        vec![1200, 2400]
    } else {
        vec![3000]
    };
    widths.extend(std::iter::repeat_n(col_width, cols.len()));

    let mut header = vec![header_cell("项目", head_width).grid_span(if grouped { 2 } else { 1 })];
    header.extend(cols.iter().map(|(_, l, _)| header_cell(l, col_width)));
    let mut rows = vec![TableRow::new(header)];
    let mut group: Option<&str> = None;
    for r in &f.rows {
        let mut cells = Vec::new();
        if grouped {
            let g = r.group.as_deref();
            cells.push(if g.is_some() && g == group {
                TableCell::new()
                    .width(1200, WidthType::Dxa)
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(Paragraph::new())
            } else {
                text_cell(g.unwrap_or(""), 1200).vertical_merge(VMergeType::Restart)
            });
            group = g;
        }
        cells.push(text_cell(&label_text(r), widths[cells.len()]));
        for (cid, _, cdef) in &cols {
            let cell = value
                .and_then(|v| v.get(&r.id))
                .and_then(|row| row.get(cid));
            let text = match cdef {
                None => shown(r, r.kind.unwrap_or(FieldKind::Text), cell, &empty),
                Some(c) => {
                    let Some(k) = c.kind.or(r.kind) else {
                        cells.push(text_cell("", col_width));
                        continue;
                    };
                    let mut def = if c.kind.is_some() {
                        (*c).clone()
                    } else {
                        r.clone()
                    };
                    def.unit = c.unit.clone().or_else(|| r.unit.clone());
                    shown(&def, k, cell, &empty)
                }
            };
            cells.push(text_cell(&text, col_width));
        }
        rows.push(TableRow::new(cells));
    }
    table_of(rows, &widths)
}

/// Repeating rows: 序号 and the columns' labels, then one row per non-blank entry.
fn rows_table(f: &FieldDef, value: Option<&Json>) -> Table {
    let entries: Vec<&Map<String, Json>> = value
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default();
    let col_width = (TEXT_WIDTH - 700) / f.columns.len().max(1);
    let mut widths = vec![700];
    widths.extend(std::iter::repeat_n(col_width, f.columns.len()));
    let mut header = vec![header_cell("序号", 700)];
    header.extend(
        f.columns
            .iter()
            .map(|c| header_cell(&label_text(c), col_width)),
    );
    let mut rows = vec![TableRow::new(header)];
    let mut n = 0;
    for entry in entries {
        let texts: Vec<String> = f
            .columns
            .iter()
            .map(|c| match c.kind {
                Some(k) if column_shown(c, entry) => shown(c, k, entry.get(&c.id), entry),
                _ => String::new(),
            })
            .collect();
        if texts.iter().all(String::is_empty) {
            continue;
        }
        n += 1;
        let mut cells = vec![text_cell(&n.to_string(), 700)];
        cells.extend(texts.iter().map(|t| text_cell(t, col_width)));
        rows.push(TableRow::new(cells));
    }
    if n == 0 {
        rows.push(TableRow::new(vec![
            text_cell("（无）", TEXT_WIDTH).grid_span(widths.len()),
        ]));
    }
    table_of(rows, &widths)
}

/// The commitment on a new page: its title, its text with `{field}` answers filled in, and the
/// signature lines.
fn commitment(mut doc: Docx, call: &Call, answers: &Map<String, Json>) -> Docx {
    let c = &call.def().commitment;
    doc = doc.add_paragraph(page_break());
    doc = doc.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(title_run(&c.title, SIZE_HEADING)),
    );
    let mut text = c.text.clone();
    for (id, v) in answers {
        let key = format!("{{{id}}}");
        if text.contains(&key) {
            text = text.replace(&key, &text_of(v));
        }
    }
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        doc = doc.add_paragraph(
            Paragraph::new()
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                .add_run(body_run(line, SIZE_HEADING)),
        );
    }
    doc = doc.add_paragraph(Paragraph::new());
    for line in &c.signatures {
        doc = doc.add_paragraph(
            Paragraph::new()
                .indent(Some(4200), None, None, None)
                .add_run(body_run(line, SIZE_HEADING)),
        );
    }
    doc
}

/// An answer as the reviewers' change list displays it, except that decimal numbers the engine
/// normalised (`3000.0`) print as people write them (`3000`).
fn shown(f: &FieldDef, kind: FieldKind, v: Option<&Json>, scope: &Map<String, Json>) -> String {
    match v {
        Some(n @ Json::Number(x)) if x.is_f64() => {
            display(f, kind, Some(&Json::String(text_of(n))), scope)
        }
        _ => display(f, kind, v, scope),
    }
}

/// The option values chosen in a choice answer.
fn selected(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.trim().to_string()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.trim().to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a rows column is shown in an entry, by its `show_if` on a sibling column.
fn column_shown(col: &FieldDef, entry: &Map<String, Json>) -> bool {
    col.show_if.as_ref().is_none_or(|c| {
        let chosen = selected(entry.get(&c.field));
        c.any_of.iter().any(|v| chosen.contains(v))
    })
}

/// A label with its unit in parentheses when it has one.
fn label_text(f: &FieldDef) -> String {
    match &f.unit {
        Some(u) if !f.label.contains(u.as_str()) => format!("{}（{u}）", f.label),
        _ => f.label.clone(),
    }
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

fn body_run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(BODY_FONT)).size(size)
}

fn title_run(text: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(TITLE_FONT))
        .size(size)
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

/// The bold label over a table field.
fn caption(f: &FieldDef) -> Paragraph {
    Paragraph::new()
        .keep_next(true)
        .add_run(body_run(&f.label, SIZE_BODY).bold())
}

/// A cell of text, one paragraph per line.
fn text_cell(text: &str, width: usize) -> TableCell {
    let mut cell = TableCell::new().width(width, WidthType::Dxa);
    let mut lines = text.lines().peekable();
    if lines.peek().is_none() {
        return cell.add_paragraph(Paragraph::new());
    }
    for line in lines {
        cell = cell.add_paragraph(Paragraph::new().add_run(body_run(line, SIZE_TABLE)));
    }
    cell
}

fn header_cell(text: &str, width: usize) -> TableCell {
    TableCell::new().width(width, WidthType::Dxa).add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(body_run(text, SIZE_TABLE).bold()),
    )
}

fn header_row(texts: &[&str], widths: &[usize]) -> TableRow {
    TableRow::new(
        texts
            .iter()
            .zip(widths)
            .map(|(t, w)| header_cell(t, *w))
            .collect(),
    )
}

/// A bordered table over the text width with fixed columns.
fn table_of(rows: Vec<TableRow>, widths: &[usize]) -> Table {
    Table::new(rows)
        .set_grid(widths.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

#[cfg(test)]
mod tests {
    use docx_rs::BuildXML;
    use serde_json::json;

    use super::*;

    fn row(id: &str, label: &str, group: Option<&str>) -> FieldDef {
        FieldDef {
            id: id.to_string(),
            label: label.to_string(),
            kind: Some(FieldKind::Integer),
            unit: Some("人".to_string()),
            group: group.map(str::to_string),
            ..FieldDef::default()
        }
    }

    // No seed call groups the rows of a table, so the merged group column is checked here.
    #[test]
    fn grouped_table_rows_get_a_merged_group_column() {
        let f = FieldDef {
            id: "staff".to_string(),
            label: "人员".to_string(),
            kind: Some(FieldKind::YearTable),
            years: vec![2023, 2024],
            rows: vec![
                row("total", "总数", Some("人才团队")),
                row("rd", "研发", Some("人才团队")),
                row("other", "其他", None),
            ],
            ..FieldDef::default()
        };
        let value = json!({ "total": { "2023": 10, "2024": 12.0 }, "rd": { "2024": 5 } });
        let xml =
            String::from_utf8(grid(&f, FieldKind::YearTable, Some(&value)).build()).expect("utf-8");
        assert_eq!(xml.matches(r#"<w:vMerge w:val="restart""#).count(), 2);
        assert_eq!(xml.matches(r#"<w:vMerge w:val="continue""#).count(), 1);
        assert_eq!(xml.matches("人才团队").count(), 1);
        assert!(
            xml.contains(r#"<w:gridSpan w:val="2""#),
            "项目 over group and label"
        );
        for text in ["2023年", "2024年", "总数（人）", "10人", "12人", "5人"] {
            assert!(xml.contains(text), "{text}");
        }
    }
}
