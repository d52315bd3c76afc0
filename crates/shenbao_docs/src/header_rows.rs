//! Table header rows that Word repeats at the top of every page a table runs onto.
//!
//! Hand-written because docx-rs 0.4.22 cannot mark a row as a header: it has no `w:tblHeader`.
//! The DOCX renderers build their document with docx-rs, take its rendered parts
//! (`Docx::build`), insert `<w:tblHeader />` into the row properties (`w:trPr`) of each table's
//! leading header rows in `word/document.xml` (read with quick-xml, which gives each tag's
//! byte range, so the rest of the part is copied byte for byte), and pack the parts
//! (`XMLDocx::pack`, the same archive `Docx::pack` writes); every other part is left exactly as
//! docx-rs wrote it, so the output stays deterministic.
//!
//! The rows are found by counting, against what the renderer knows: how many header rows each
//! of its tables has, in the order it added them. docx-rs writes the tables (`w:tbl`) in that
//! order and the rows (`w:tr`) of a table in order, so the first `n` rows of the `i`-th table
//! are the header rows. A document whose tables or rows do not match the counts is an error,
//! never a guess.

use std::io::Cursor;

use docx_rs::Docx;

use crate::DocError;

/// The element inserted into the properties of a header row.
const TBL_HEADER: &str = "<w:tblHeader />";
/// Row properties holding only the header mark, for a row written without properties.
const TR_PR_HEADER: &str = "<w:trPr><w:tblHeader /></w:trPr>";

/// `docx` as a DOCX file whose `i`-th table repeats its first `header_rows[i]` rows on every
/// page; `header_rows` has one entry per table of the document, in document order.
pub(crate) fn pack(docx: Docx, header_rows: &[usize]) -> Result<Vec<u8>, DocError> {
    let mut parts = docx.build();
    if header_rows.iter().any(|n| *n > 0) {
        let xml = std::str::from_utf8(&parts.document)
            .map_err(|e| DocError::Docx(format!("word/document.xml: {e}")))?;
        let marked = mark(xml, header_rows)
            .map_err(|e| DocError::Docx(format!("table header rows: {e}")))?;
        parts.document = marked.into_bytes();
    }
    let mut bytes = Cursor::new(Vec::new());
    parts
        .pack(&mut bytes)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}

/// How a tag closes what it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<name …>`
    Open,
    /// `</name>`
    Close,
    /// `<name … />`
    Empty,
}

/// A tag of the document: its byte range, element name and kind.
#[derive(Debug, Clone, Copy)]
struct Tag<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    kind: Kind,
}

/// The next element tag at or after byte `from`, skipping text, the XML declaration, comments
/// and processing instructions. quick-xml reads the markup (quotes, escapes); the scan starts
/// anywhere in the document, so end tags are not matched against start tags here (`mark`
/// keeps its own count of open tables).
fn next_tag(xml: &str, from: usize) -> Result<Option<Tag<'_>>, String> {
    use quick_xml::events::Event;
    // quick-xml drops a byte order mark at the start of what it reads, and its positions then
    // no longer count from `from`: text (a cell) that starts with U+FEFF is skipped here.
    let mut from = from;
    while xml.get(from..).is_some_and(|r| r.starts_with('\u{FEFF}')) {
        from += '\u{FEFF}'.len_utf8();
    }
    let rest = xml.get(from..).ok_or("a position outside the document")?;
    let mut reader = quick_xml::Reader::from_str(rest);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let at = |position: u64| from + usize::try_from(position).unwrap_or(usize::MAX);
    loop {
        let start = at(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", at(reader.error_position())))?;
        let kind = match event {
            Event::Start(_) => Kind::Open,
            Event::End(_) => Kind::Close,
            Event::Empty(_) => Kind::Empty,
            Event::Eof => return Ok(None),
            _ => continue,
        };
        let end = at(reader.buffer_position());
        let name = xml[start..end]
            .trim_start_matches(['<', '/'])
            .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .next()
            .unwrap_or_default();
        return Ok(Some(Tag {
            start,
            end,
            name,
            kind,
        }));
    }
}

/// An edit of the document: the bytes `from..to` replaced by `text`.
struct Edit {
    from: usize,
    to: usize,
    text: &'static str,
}

/// How to mark the row whose `<w:tr>` tag ends at byte `after`: inside its `w:trPr`, after the
/// properties docx-rs wrote (`w:cantSplit`, `w:trHeight`) and before any revision marks
/// (`w:ins`, `w:del`, `w:trPrChange`, which the schema puts last); or a `w:trPr` of its own
/// when the row has none. `None` when the row is marked already.
fn header_edit(xml: &str, after: usize) -> Result<Option<Edit>, String> {
    let first = next_tag(xml, after)?.ok_or("a row without content")?;
    match (first.name, first.kind) {
        ("w:trPr", Kind::Empty) => Ok(Some(Edit {
            from: first.start,
            to: first.end,
            text: TR_PR_HEADER,
        })),
        ("w:trPr", Kind::Open) => {
            let mut depth = 0usize;
            let mut at = first.end;
            loop {
                let tag = next_tag(xml, at)?.ok_or("unclosed w:trPr")?;
                at = tag.end;
                if depth == 0 {
                    let insert_here = match (tag.name, tag.kind) {
                        ("w:trPr", Kind::Close) => true,
                        ("w:ins" | "w:del" | "w:trPrChange", Kind::Open | Kind::Empty) => true,
                        ("w:tblHeader", _) => return Ok(None),
                        _ => false,
                    };
                    if insert_here {
                        return Ok(Some(Edit {
                            from: tag.start,
                            to: tag.start,
                            text: TBL_HEADER,
                        }));
                    }
                }
                match tag.kind {
                    Kind::Open => depth += 1,
                    Kind::Close => depth = depth.checked_sub(1).ok_or("unbalanced w:trPr")?,
                    Kind::Empty => {}
                }
            }
        }
        ("w:tc", Kind::Open | Kind::Empty) => Ok(Some(Edit {
            from: after,
            to: after,
            text: TR_PR_HEADER,
        })),
        (name, _) => Err(format!("unexpected <{name}> at the start of a row")),
    }
}

/// `xml` (a `word/document.xml`) with the first `header_rows[i]` rows of its `i`-th table
/// marked as header rows.
fn mark(xml: &str, header_rows: &[usize]) -> Result<String, String> {
    let mut out = String::with_capacity(xml.len() + TR_PR_HEADER.len() * header_rows.len() * 2);
    let mut copied = 0;
    let mut tables = header_rows.iter().copied();
    let mut table_count = 0;
    // The open tables (a table in a cell would nest): header rows and rows seen so far.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(tag) = next_tag(xml, at)? {
        at = tag.end;
        match (tag.name, tag.kind) {
            ("w:tbl", Kind::Open) => {
                let n = tables.next().ok_or_else(|| {
                    format!(
                        "the document has more than the {} tables laid out",
                        header_rows.len()
                    )
                })?;
                table_count += 1;
                open.push((n, 0));
            }
            ("w:tbl", Kind::Close) => {
                let (n, seen) = open.pop().ok_or("a table closed twice")?;
                if seen < n {
                    return Err(format!(
                        "table {table_count} has {seen} rows, fewer than its {n} header rows"
                    ));
                }
            }
            ("w:tr", Kind::Open) => {
                let (n, seen) = open.last_mut().ok_or("a row outside any table")?;
                *seen += 1;
                if *seen <= *n
                    && let Some(edit) = header_edit(xml, tag.end)?
                {
                    out.push_str(&xml[copied..edit.from]);
                    out.push_str(edit.text);
                    copied = edit.to;
                }
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err("a table is not closed".to_string());
    }
    if table_count != header_rows.len() {
        return Err(format!(
            "the document has {table_count} tables, the layout {}",
            header_rows.len()
        ));
    }
    out.push_str(&xml[copied..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use docx_rs::{Paragraph, Run, Table, TableCell, TableRow};

    use super::*;

    /// A document with a table of a header row and two body rows.
    fn docx() -> Docx {
        let row = |text: &str| {
            TableRow::new(vec![
                TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text))),
            ])
        };
        Docx::new()
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text("汇总表")))
            .add_table(Table::new(vec![
                row("序号").cant_split(),
                row("1"),
                row("2").cant_split(),
            ]))
    }

    /// The archive's parts: name and content, in order.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).expect("an entry");
                let mut data = Vec::new();
                f.read_to_end(&mut data).expect("read");
                (f.name().to_string(), data)
            })
            .collect()
    }

    #[test]
    fn only_word_document_xml_changes_in_the_archive() {
        let mut plain = Cursor::new(Vec::new());
        docx().pack(&mut plain).expect("docx-rs packs");
        let plain = plain.into_inner();
        assert!(
            pack(docx(), &[0]).expect("packed") == plain,
            "no header rows: exactly the archive docx-rs writes"
        );
        let marked = pack(docx(), &[1]).expect("packed");
        assert!(
            marked == pack(docx(), &[1]).expect("again"),
            "deterministic"
        );
        let (before, after) = (parts(&plain), parts(&marked));
        assert_eq!(before.len(), after.len());
        for ((name, a), (name_after, b)) in before.iter().zip(&after) {
            assert_eq!(name, name_after, "same parts in the same order");
            if name != "word/document.xml" {
                assert!(a == b, "{name} unchanged");
            }
        }
        let xml = after
            .iter()
            .find(|(n, _)| n == "word/document.xml")
            .map(|(_, x)| String::from_utf8(x.clone()).expect("utf-8"))
            .expect("word/document.xml");
        assert_eq!(xml.matches(TBL_HEADER).count(), 1, "{xml}");
        let header = xml.find("序号").expect("the header row");
        let mark = xml.find(TBL_HEADER).expect("the mark");
        assert!(mark < header, "the mark is in the first row");
        assert!(
            xml.contains("<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>"),
            "one w:trPr, after cantSplit: {xml}"
        );
    }

    fn row(props: &str, text: &str) -> String {
        format!(
            r#"<w:tr>{props}<w:tc><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc></w:tr>"#
        )
    }

    fn table(rows: &[String]) -> String {
        format!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="8844" w:type="dxa" /></w:tblPr>{}</w:tbl>"#,
            rows.concat()
        )
    }

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="x"><w:body>{body}</w:body></w:document>"#
        )
    }

    #[test]
    fn header_rows_are_marked_in_every_form_of_row_properties() {
        let xml = document(&table(&[
            row("<w:trPr />", "a"),
            row("<w:trPr><w:cantSplit /></w:trPr>", "b"),
            row("", "c"),
            row(r#"<w:trPr><w:cantSplit /><w:ins w:id="1" /></w:trPr>"#, "d"),
            row("<w:trPr><w:cantSplit /></w:trPr>", "body"),
            row("<w:trPr />", "body"),
        ]));
        let marked = mark(&xml, &[4]).expect("marked");
        let want = document(&table(&[
            row("<w:trPr><w:tblHeader /></w:trPr>", "a"),
            row("<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>", "b"),
            row("<w:trPr><w:tblHeader /></w:trPr>", "c"),
            row(
                r#"<w:trPr><w:cantSplit /><w:tblHeader /><w:ins w:id="1" /></w:trPr>"#,
                "d",
            ),
            row("<w:trPr><w:cantSplit /></w:trPr>", "body"),
            row("<w:trPr />", "body"),
        ]));
        assert_eq!(marked, want);
        assert_eq!(
            mark(&marked, &[4]).expect("again"),
            want,
            "marked once only"
        );
    }

    #[test]
    fn only_the_counted_rows_of_each_table_are_marked() {
        let rows = |n: usize| -> Vec<String> {
            (0..n)
                .map(|i| row("<w:trPr />", &format!("r{i}")))
                .collect()
        };
        // A paragraph between the tables with a `>` in an attribute and escaped markup in text.
        let between = r#"<w:p><w:pPr><w:pStyle w:val="a>b" /></w:pPr><w:r><w:t>&lt;w:tr&gt;</w:t></w:r></w:p>"#;
        let xml = document(&format!(
            "{}{between}{}{}",
            table(&rows(3)),
            table(&rows(2)),
            table(&rows(3))
        ));
        let marked = mark(&xml, &[1, 0, 2]).expect("marked");
        let tables: Vec<&str> = marked.split("</w:tbl>").collect();
        assert_eq!(tables.len(), 4);
        let counts: Vec<usize> = tables
            .iter()
            .map(|t| t.matches(TBL_HEADER).count())
            .collect();
        assert_eq!(counts, [1, 0, 2, 0]);
        assert!(tables[0].contains(
            "<w:tr><w:trPr><w:tblHeader /></w:trPr><w:tc><w:p><w:r><w:t xml:space=\"preserve\">r0<"
        ));
        assert!(tables[2].contains(
            "<w:tr><w:trPr><w:tblHeader /></w:trPr><w:tc><w:p><w:r><w:t xml:space=\"preserve\">r1<"
        ));
        assert!(
            tables[2].contains("<w:tr><w:trPr /><w:tc><w:p><w:r><w:t xml:space=\"preserve\">r2<")
        );
        assert!(marked.contains(between), "the paragraph is untouched");
        assert_eq!(mark(&xml, &[0, 0, 0]).expect("none"), xml);
    }

    #[test]
    fn text_starting_with_a_byte_order_mark_is_read_as_text() {
        let xml = document(&table(&[
            row("<w:trPr />", "\u{FEFF}a"),
            row("<w:trPr />", "\u{FEFF}\u{FEFF}b"),
        ]))
        .replace("<w:tr>", "<w:tr>\u{FEFF}");
        let marked = mark(&xml, &[1]).expect("marked");
        assert_eq!(marked.matches(TBL_HEADER).count(), 1, "{marked}");
        assert!(marked.contains("\u{FEFF}\u{FEFF}b"), "text kept");
    }

    #[test]
    fn tables_or_rows_that_do_not_match_the_counts_are_errors() {
        let xml = document(&table(&[row("<w:trPr />", "a"), row("<w:trPr />", "b")]));
        let err = mark(&xml, &[]).expect_err("an unexpected table");
        assert!(err.contains("more than the 0 tables"), "{err}");
        let err = mark(&xml, &[1, 1]).expect_err("a missing table");
        assert!(err.contains("1 tables, the layout 2"), "{err}");
        let err = mark(&xml, &[3]).expect_err("too few rows");
        assert!(err.contains("fewer than its 3 header rows"), "{err}");
        let odd = document(&table(&[row("<w:tblPrEx />", "a")]));
        let err = mark(&odd, &[1]).expect_err("unknown row start");
        assert!(err.contains("<w:tblPrEx>"), "{err}");
        assert!(mark("<w:tbl", &[1]).is_err(), "an unterminated tag");
    }
}
