//! The printed rows of a blank form as lines of text, to hold the form against its template
//! row for row: `# ` the title, `## ` a heading (a section, the commitment, an appendix), a
//! cover line's label, and one line per table row with its cells' text joined by ` | ` (a
//! choice's options as printed, ☐ each). Help paragraphs, letter text and the empty rows left
//! for writing are not rows and are left out.
//!
//! Read off the laid-out document, not the call definition, so that it shows what the PDF and
//! the DOCX print.

use crate::layout::{Block, Cell, Document, Para, Style};

/// The outline of `doc`.
pub(crate) fn outline(doc: &Document) -> Vec<String> {
    let mut lines = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Para(p) => {
                let text = para_text(p);
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                match p.style {
                    Style::Title => lines.push(format!("# {text}")),
                    Style::Heading | Style::LetterTitle => lines.push(format!("## {text}")),
                    Style::Caption | Style::Signature => lines.push(text.to_string()),
                    // A cover line: its label, without the value or the blank to write on.
                    Style::Cover => {
                        let label = p.spans.first().map_or("", |s| s.text.as_str());
                        lines.push(label.trim().to_string());
                    }
                    _ => {}
                }
            }
            Block::Table(t) => {
                // A cell spanning rows (a group: 申报联系人 over 姓名, 职务, 手机; 联系方式 over
                // 电话 and 电子邮箱) is repeated in each row it spans, at its column.
                let mut carried: Vec<Option<(String, usize, usize)>> = vec![None; t.widths.len()];
                for row in &t.rows {
                    let mut cells: Vec<String> = Vec::new();
                    let mut own_cells = row.iter();
                    // Whether a cell of the row's own, not a number, has text; and whether the
                    // row has text only in cells that span rows.
                    let (mut written, mut spanning) = (false, false);
                    // Which of `cells` are the row's own cells that span no rows.
                    let mut plain: Vec<bool> = Vec::new();
                    let mut col = 0;
                    while col < t.widths.len() {
                        if let Some((text, left, span)) = carried[col].as_mut() {
                            cells.push(text.clone());
                            plain.push(false);
                            let span = *span;
                            *left -= 1;
                            if *left == 0 {
                                carried[col] = None;
                            }
                            col += span;
                            continue;
                        }
                        let Some(c) = own_cells.next() else { break };
                        let text = cell_text(c);
                        // The row's number: its first own cell that spans no rows, digits only.
                        let number =
                            !plain.contains(&true) && text.chars().all(|ch| ch.is_ascii_digit());
                        if c.rowspan > 1 {
                            carried[col] = Some((text.clone(), c.rowspan - 1, c.colspan));
                            spanning |= !text.is_empty();
                        } else if !number && !text.is_empty() {
                            written = true;
                        }
                        plain.push(c.rowspan == 1);
                        cells.push(text);
                        col += c.colspan;
                    }
                    // A row left for writing: nothing of its own but its number. Its label
                    // spanning the rows to write in (联合体其他成员单位名称与类型 over 1–6) is a
                    // line of its own.
                    if !written {
                        if !spanning {
                            continue;
                        }
                        for (cell, plain) in cells.iter_mut().zip(&plain) {
                            if *plain {
                                cell.clear();
                            }
                        }
                    }
                    while cells.last().is_some_and(String::is_empty) {
                        cells.pop();
                    }
                    lines.push(cells.join(" | "));
                }
            }
            // A 目录 line: its text, without the page number (which the renderer fills in).
            Block::Contents(c) => lines.extend(c.lines.iter().map(|l| l.text.clone())),
            Block::PageBreak => {}
        }
    }
    lines
}

fn para_text(p: &Para) -> String {
    p.spans.iter().map(|s| s.text.as_str()).collect()
}

/// A cell's paragraphs, joined by ` / `.
fn cell_text(c: &Cell) -> String {
    c.paras
        .iter()
        .map(|p| para_text(p).trim().to_string())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}
