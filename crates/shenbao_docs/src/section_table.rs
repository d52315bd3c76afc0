//! The table of a form section, built row by row: a group column, a label column and a value
//! region that holds one value or several label | value pairs side by side.
//!
//! Cells are placed by their extent across the text width, not by column: a row may hold one
//! value, two or three pairs (项目负责人 | ____ | 职务职称 | ____ | 联系电话 | ____), or a
//! group of its own beside its value (申报联系人 | ____ | 联系方式 | 电话 | ____ over 电子邮箱 |
//! ____). When the rows are done, the grid is every edge any cell has, and each cell spans the
//! grid columns between its edges, so that cells of different rows line up where their edges
//! do. Hand-written: the templates' table shapes are this crate's own model.

use crate::layout::{Cell, Document, Para, TEXT_WIDTH, Table};

/// Where the group column ends and the label column begins.
const GROUP_END: usize = 1300;
/// Where the label column ends and the value region begins.
const LABEL_END: usize = 3800;

/// A cell with its extent across the text width.
#[derive(Debug)]
struct Placed {
    cell: Cell,
    from: usize,
    to: usize,
    /// How much of the value region it takes when the region is shared out again: a value or
    /// a label 1, a label and value in one cell 2; 0 for the group and label cells, which
    /// keep their place.
    units: usize,
    /// A label shared into the region: as wide as its text when the row has room, so that
    /// 职务职称 does not break over two lines.
    label: bool,
}

impl Placed {
    fn fixed(cell: Cell, from: usize, to: usize) -> Self {
        Self {
            cell,
            from,
            to,
            units: 0,
            label: false,
        }
    }
}

/// A group printed beside a row's value (联系方式 | 电话 | ____ / 电子邮箱 | ____): its name,
/// the row it opens in, and the extents of its label and value cells.
#[derive(Debug)]
struct SideGroup {
    name: String,
    row: usize,
    label: (usize, usize),
    value: (usize, usize),
}

/// Builds a label | value table row by row: fields that share a group get one group cell
/// spanning their rows, ungrouped labels span the group column, and full-width rows span the
/// whole table.
#[derive(Debug, Default)]
pub(crate) struct SectionTable {
    rows: Vec<Vec<Placed>>,
    /// The open group: its name and the row of its cell.
    group: Option<(String, usize)>,
    /// The open group beside a row's value.
    side: Option<SideGroup>,
}

impl SectionTable {
    /// A label | value row, grouped under `group` when given.
    pub fn field(&mut self, group: Option<&str>, label: &str, value: Cell) {
        let label = Cell::plain(label);
        let mut row = match self.group_cell(group) {
            Some(Some(g)) => vec![
                Placed::fixed(g, 0, GROUP_END),
                Placed::fixed(label, GROUP_END, LABEL_END),
            ],
            Some(None) => vec![Placed::fixed(label, GROUP_END, LABEL_END)],
            None => vec![Placed::fixed(label, 0, LABEL_END)],
        };
        row.push(Placed {
            cell: value,
            from: LABEL_END,
            to: TEXT_WIDTH,
            units: 1,
            label: false,
        });
        self.rows.push(row);
    }

    /// A row whose label and value are one cell (技术水平 | 有效专利总数（____）), grouped under
    /// `group` when given.
    pub fn field_text(&mut self, group: Option<&str>, cell: Cell) {
        let (mut row, from) = match self.group_cell(group) {
            Some(Some(g)) => (vec![Placed::fixed(g, 0, GROUP_END)], GROUP_END),
            Some(None) => (Vec::new(), GROUP_END),
            None => (Vec::new(), 0),
        };
        row.push(Placed {
            cell,
            from,
            to: TEXT_WIDTH,
            units: 2,
            label: false,
        });
        self.rows.push(row);
    }

    /// The group cell a new row under `group` starts with: `Some(Some(cell))` when the group
    /// opens here, `Some(None)` when it continues (its cell spans one row more), `None` for a
    /// row without a group.
    fn group_cell(&mut self, group: Option<&str>) -> Option<Option<Cell>> {
        self.side = None;
        let Some(g) = group else {
            self.group = None;
            return None;
        };
        match &self.group {
            Some((open, at)) if open == g => {
                let at = *at;
                if let Some(p) = self.rows.get_mut(at).and_then(|r| r.first_mut()) {
                    p.cell.rowspan += 1;
                }
                Some(None)
            }
            _ => {
                self.group = Some((g.to_string(), self.rows.len()));
                Some(Some(Cell::plain(g)))
            }
        }
    }

    /// A second cell in the last row, for a field printed `beside` in its own words
    /// (奖励荣誉 | 获得国家（部）级奖励数（____） | 获得省级奖励数（____）).
    pub fn beside_text(&mut self, cell: Cell) {
        match self.room() {
            Some(start) => self.share(start, vec![(cell, 2)]),
            None => self.field_text(None, cell),
        }
    }

    /// One more label | value pair in the last row (a field printed `beside`): the row's
    /// value region is shared out evenly again (项目负责人 | ____ | 职务职称 | ____ | 联系电话 |
    /// ____). Without a row to share, a row of its own.
    pub fn beside(&mut self, label: &str, value: Cell) {
        match self.room() {
            Some(start) => self.share(start, vec![(Cell::plain(label), 0), (value, 1)]),
            None => self.field(None, label, value),
        }
    }

    /// A field of `group` printed beside the last row's value: the group's cell, the field's
    /// label and value (申报联系人 | ____ | 联系方式 | 电话 | ____). The next field of the same
    /// group gets a row of its own under them, and the cells to their left span it
    /// (… | 电子邮箱 | ____).
    pub fn beside_grouped(&mut self, group: &str, label: &str, value: Cell) {
        if let Some(side) = self.side.as_ref().filter(|s| s.name == group) {
            let (row, l, v) = (side.row, side.label, side.value);
            if let Some(opening) = self.rows.get_mut(row) {
                for p in opening.iter_mut().filter(|p| p.to <= l.0) {
                    p.cell.rowspan += 1;
                }
            }
            // The group column's cell (of a group the row itself is in) spans it too.
            if let Some((_, at)) = &self.group {
                let at = *at;
                if at != row
                    && let Some(p) = self.rows.get_mut(at).and_then(|r| r.first_mut())
                {
                    p.cell.rowspan += 1;
                }
            }
            self.rows.push(vec![
                Placed::fixed(Cell::plain(label), l.0, l.1),
                Placed::fixed(value, v.0, v.1),
            ]);
            return;
        }
        let Some(start) = self.room() else {
            self.field(Some(group), label, value);
            return;
        };
        let cells = vec![(Cell::plain(group), 0), (Cell::plain(label), 0), (value, 1)];
        self.share(start, cells);
        let row = self.rows.len() - 1;
        let last = &self.rows[row];
        let n = last.len();
        self.side = Some(SideGroup {
            name: group.to_string(),
            row,
            label: (last[n - 2].from, last[n - 2].to),
            value: (last[n - 1].from, last[n - 1].to),
        });
        // The side group's cells are not shared out again by a later `beside`.
        for p in self.rows[row].iter_mut() {
            p.units = 0;
        }
    }

    /// Where the value region of the last row begins, when it has one to share (not a
    /// full-width row, nor a row closed by a group beside it).
    fn room(&self) -> Option<usize> {
        let row = self.rows.last()?;
        let start = row.iter().position(|p| p.units > 0)?;
        row[start..]
            .iter()
            .all(|p| p.units > 0 && p.cell.rowspan == 1)
            .then_some(start)
    }

    /// Adds `cells` to the value region of the last row, which begins at its cell `start`
    /// ([`Self::room`]), and shares the region out again: a cell of 0 units is a label, as
    /// wide as its text; the others share the rest by their units. When the labels would take
    /// more than half the region, every cell gets an even share instead (labels count 1).
    fn share(&mut self, start: usize, cells: Vec<(Cell, usize)>) {
        let Some(row) = self.rows.last_mut() else {
            return;
        };
        let from = row[start].from;
        row.extend(cells.into_iter().map(|(cell, units)| Placed {
            cell: cell.colspan(1),
            from,
            to: from,
            units: units.max(1),
            label: units == 0,
        }));
        let region = &mut row[start..];
        let width = TEXT_WIDTH - from;
        let labels: usize = region
            .iter()
            .filter(|p| p.label)
            .map(|p| text_width(&p.cell))
            .sum();
        let fitted = labels * 2 <= width;
        let units: usize = region
            .iter()
            .filter(|p| !(fitted && p.label))
            .map(|p| p.units)
            .sum();
        let spread = if fitted { width - labels } else { width };
        let (mut at, mut used) = (from, 0);
        let last = region.len() - 1;
        for (i, p) in region.iter_mut().enumerate() {
            p.from = at;
            at = if i == last {
                TEXT_WIDTH
            } else if fitted && p.label {
                at + text_width(&p.cell)
            } else {
                used += p.units;
                at + spread * used / units - spread * (used - p.units) / units
            };
            p.to = at;
        }
    }

    /// Adds `text` after the value of the last row (a field printed `inline`), after a space.
    pub fn append(&mut self, text: &str) {
        self.append_after(" ", text);
    }

    /// Adds `text` after the value of the last row, after `sep` unless the value is empty.
    pub fn append_after(&mut self, sep: &str, text: &str) {
        let value = self
            .rows
            .last_mut()
            .and_then(|r| r.last_mut())
            .and_then(|p| p.cell.paras.last_mut());
        if let (Some(p), false) = (value, text.is_empty()) {
            let sep = if p.spans.is_empty() { "" } else { sep };
            *p = std::mem::replace(p, Para::new(p.style, "")).span(&format!("{sep}{text}"), false);
        }
    }

    /// Adds `para` as a line of its own in the value of the last row (a choice printed
    /// `inline`: 是否通过大模型备案：☐是  ☐否 under 基础大模型来源's options; a field printed
    /// `below`: 实际已完成投入：____（万元） under 计划投入：____（万元）).
    pub fn append_line(&mut self, para: Para) {
        if let Some(p) = self.rows.last_mut().and_then(|r| r.last_mut()) {
            p.cell.paras.push(para);
        }
    }

    /// A row with one cell over the whole width.
    pub fn full_width(&mut self, cell: Cell) {
        self.group = None;
        self.side = None;
        self.rows.push(vec![Placed::fixed(cell, 0, TEXT_WIDTH)]);
    }

    /// Adds the rows so far to `doc` as one table: its grid is every edge of every cell.
    pub fn flush(&mut self, doc: &mut Document) {
        self.group = None;
        self.side = None;
        if self.rows.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.rows);
        let mut edges: Vec<usize> = rows.iter().flatten().flat_map(|p| [p.from, p.to]).collect();
        edges.sort_unstable();
        edges.dedup();
        let column = |x: usize| edges.partition_point(|e| *e < x);
        let widths = edges.windows(2).map(|w| w[1] - w[0]).collect();
        let rows = rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|p| {
                        let span = column(p.to) - column(p.from);
                        p.cell.colspan(span)
                    })
                    .collect()
            })
            .collect();
        doc.table(Table {
            widths,
            header_rows: 0,
            rows,
        });
    }
}

/// The width a one-line label needs: 五号 characters (10.5 pt, 210 twips each; Latin ones
/// half) and the cell's inset on both sides.
fn text_width(cell: &Cell) -> usize {
    const CJK: usize = 210;
    const INSET: usize = 260;
    let text: String = cell
        .paras
        .iter()
        .flat_map(|p| &p.spans)
        .map(|s| s.text.as_str())
        .collect();
    let half: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    half * CJK / 2 + INSET
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Block;

    fn width(p: &Placed) -> usize {
        p.to - p.from
    }

    #[test]
    fn labels_shared_into_a_row_take_their_text_and_values_the_rest() {
        let mut t = SectionTable::default();
        t.field(None, "项目负责人", Cell::plain(""));
        t.beside("职务职称", Cell::plain(""));
        t.beside("联系电话", Cell::plain(""));
        let row = &t.rows[0];
        assert_eq!(row.len(), 6, "label and value three times");
        for label in [&row[2], &row[4]] {
            assert_eq!(width(label), text_width(&label.cell), "a label on one line");
        }
        let (a, b, c) = (width(&row[1]), width(&row[3]), width(&row[5]));
        assert!(a.abs_diff(b) <= 1 && b.abs_diff(c) <= 1, "{a} {b} {c}");
        assert_eq!(row[5].to, TEXT_WIDTH);
        assert!(
            row.windows(2).all(|w| w[0].to == w[1].from),
            "cells follow one another"
        );
    }

    #[test]
    fn a_group_beside_a_value_spans_its_rows_and_lines_up() {
        let mut t = SectionTable::default();
        t.field(None, "申报联系人", Cell::plain("王芳"));
        t.beside_grouped("联系方式", "电话", Cell::plain("0595-22881234"));
        t.beside_grouped("联系方式", "电子邮箱", Cell::plain("w@example.com"));
        let mut doc = Document {
            title: String::new(),
            blocks: Vec::new(),
            stamp: None,
        };
        t.flush(&mut doc);
        let Some(Block::Table(table)) = doc.blocks.first() else {
            panic!("a table");
        };
        let spans: Vec<usize> = table.rows[0].iter().map(|c| c.rowspan).collect();
        assert_eq!(
            spans,
            [2, 2, 2, 1, 1],
            "name, its value and the group span both rows"
        );
        assert_eq!(table.rows[1].len(), 2, "电子邮箱 and its value only");
        let cols = |row: &[Cell]| row.iter().map(|c| c.colspan).sum::<usize>();
        assert_eq!(cols(&table.rows[0]), table.widths.len());
        assert_eq!(
            table.rows[1].iter().map(|c| c.colspan).collect::<Vec<_>>(),
            table.rows[0][3..]
                .iter()
                .map(|c| c.colspan)
                .collect::<Vec<_>>(),
            "the second row's cells line up under 电话 and its value"
        );
    }
}
