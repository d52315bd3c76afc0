//! Reading an owner's exclusion list into rows of text cells: a spreadsheet (XLSX, XLS or ODS,
//! the first sheet, by `calamine`) or a CSV file (by `csv`) in UTF-8, with or without a byte
//! order mark, or in GB18030 (GBK), as Excel saves CSV on Chinese Windows (by `encoding_rs`).
//!
//! Must not: interpret the cells (`shenbao_core::exclusion::parse_list` does).

use std::io::Cursor;

use calamine::{Data, Reader};

/// Most bytes an uploaded list may have.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Why a file could not be read as a list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not a spreadsheet or CSV that could be read.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// Larger than [`MAX_BYTES`].
    #[error("too large")]
    TooLarge,
    /// Empty.
    #[error("empty")]
    Empty,
}

/// The cells of the list in `bytes`, row by row; the kind is found from the content (a ZIP or
/// OLE container is a spreadsheet, anything else is read as CSV).
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(ReadError::TooLarge);
    }
    let spreadsheet =
        bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if spreadsheet {
        sheet_rows(bytes)
    } else {
        csv_rows(bytes)
    }
}

fn sheet_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let unreadable = |e: &dyn std::fmt::Display| ReadError::Unreadable(e.to_string());
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(ReadError::Empty)?
        .map_err(|e| unreadable(&e))?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

/// A cell as text. A USCC typed as a number loses nothing: codes are 18 characters and most
/// hold letters, so a numeric cell is printed without a fraction when it is whole.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(ReadError::Unreadable(
                    "neither UTF-8 nor GB18030".to_string(),
                ));
            }
            text
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|record| record.iter().map(str::to_string).collect())
                .map_err(|e| ReadError::Unreadable(e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_a_bom_and_in_gbk() {
        let text = "统一社会信用代码,单位名称\n91350100M000100Y43,\"甲,公司\"\n";
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let rows = read_rows(&with_bom).expect("utf-8");
        assert_eq!(rows[1], ["91350100M000100Y43", "甲,公司"]);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(read_rows(&gbk).expect("gbk"), rows);
        assert_eq!(read_rows(b""), Err(ReadError::Empty));
    }
}
