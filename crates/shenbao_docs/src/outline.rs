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
                // A first-column cell spanning rows (a group: 申报联系人 over 姓名, 职务, 手机)
                // is repeated at the head of each row it spans.
                let mut carry: Option<(String, usize)> = None;
                for row in &t.rows {
                    let mut cells: Vec<String> = Vec::new();
                    match carry.take() {
                        Some((text, left)) if left > 0 => {
                            cells.push(text.clone());
                            carry = Some((text, left - 1));
                        }
                        _ => {
                            if let Some(first) = row.first().filter(|c| c.rowspan > 1) {
                                carry = Some((cell_text(first), first.rowspan - 1));
                            }
                        }
                    }
                    let own: Vec<String> = row.iter().map(cell_text).collect();
                    // A row left for writing: its own cells empty, or only its number (a
                    // cell carried from a row above is not its text).
                    let written = own
                        .iter()
                        .enumerate()
                        .filter(|(i, c)| !(*i == 0 && c.chars().all(|ch| ch.is_ascii_digit())))
                        .any(|(_, c)| !c.is_empty());
                    cells.extend(own);
                    if !written {
                        continue;
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
