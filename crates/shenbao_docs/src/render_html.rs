//! The document model as an HTML fragment: the filled form as reviewers read it on screen,
//! row for row the paper form (answers as text, tables as tables, ☑ and ☐ for choices), with
//! no input to mistake for something editable.
//!
//! Paragraph styles become classes (`d-heading`, `d-cell`…) that the site's stylesheet maps
//! to a screen look; column widths are left to the browser (the site's Content-Security-Policy
//! allows no inline styles, and a screen is not A4). A page break is a thin rule; a 目录 is a
//! list of links to its sections.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use crate::layout::{Block, Cell, Document, Para, Style};

/// The blocks of `doc` as HTML, to put inside a container of the page.
pub(crate) fn html(doc: &Document) -> String {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Para(p) => para(&mut out, p, "p"),
            Block::Table(t) => {
                out.push_str("<div class=\"d-table\"><table>");
                for (r, row) in t.rows.iter().enumerate() {
                    out.push_str("<tr>");
                    for c in row {
                        cell(&mut out, c, r < t.header_rows);
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</table></div>");
            }
            Block::PageBreak => out.push_str("<hr class=\"d-page\">"),
            Block::Contents(c) => {
                out.push_str("<ol class=\"d-contents\">");
                for line in &c.lines {
                    let _ = write!(
                        out,
                        "<li><a href=\"#d-{}\">{}</a></li>",
                        attr(&line.anchor),
                        text(&line.text)
                    );
                }
                out.push_str("</ol>");
            }
        }
    }
    out
}

fn class(style: Style) -> &'static str {
    match style {
        Style::Title => "d-title",
        Style::Heading => "d-heading",
        Style::LetterTitle => "d-letter-title",
        Style::Cover => "d-cover",
        Style::Help => "d-help",
        Style::Caption => "d-caption",
        Style::Letter => "d-letter",
        Style::Line => "d-line",
        Style::Signature => "d-signature",
        Style::Cell => "d-cell",
        Style::CellBold => "d-cell-bold",
        Style::CellIndented => "d-cell-indented",
        Style::CellRight => "d-cell-right",
        Style::Header => "d-header",
    }
}

fn para(out: &mut String, p: &Para, tag: &str) {
    let _ = write!(out, "<{tag} class=\"{}\"", class(p.style));
    if let Some(a) = &p.anchor {
        let _ = write!(out, " id=\"d-{}\"", attr(a));
    }
    out.push('>');
    for s in &p.spans {
        if s.underline {
            let _ = write!(out, "<u>{}</u>", text(&s.text));
        } else {
            out.push_str(&text(&s.text));
        }
    }
    let _ = write!(out, "</{tag}>");
}

fn cell(out: &mut String, c: &Cell, header: bool) {
    let tag = if header { "th" } else { "td" };
    out.push('<');
    out.push_str(tag);
    if c.colspan > 1 {
        let _ = write!(out, " colspan=\"{}\"", c.colspan);
    }
    if c.rowspan > 1 {
        let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
    }
    out.push('>');
    for p in &c.paras {
        para(out, p, "div");
    }
    let _ = write!(out, "</{tag}>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Table;

    #[test]
    fn text_is_escaped_and_spans_kept() {
        let mut doc = Document::default();
        doc.para(Para::new(Style::Heading, "一、<基本>情况").anchored("s1"));
        doc.table(Table {
            widths: vec![1000, 2000],
            header_rows: 1,
            rows: vec![
                vec![Cell::header("项目").colspan(2)],
                vec![Cell::plain("名称"), Cell::plain("A&B \"公司\"")],
            ],
        });
        let h = html(&doc);
        assert!(
            h.contains("<p class=\"d-heading\" id=\"d-s1\">一、&lt;基本&gt;情况</p>"),
            "{h}"
        );
        assert!(
            h.contains("<th colspan=\"2\"><div class=\"d-header\">项目</div></th>"),
            "{h}"
        );
        assert!(h.contains("A&amp;B \"公司\""), "{h}");
    }
}
