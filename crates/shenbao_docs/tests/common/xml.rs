//! Checks that a document's XML parts are XML: well-formed (quick-xml) and without any
//! character XML 1.0 forbids, written or as a character reference.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

/// Whether `c` may appear in an XML 1.0 document (the `Char` production).
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Why `xml` is not well-formed XML 1.0 with only characters XML allows, if it is not.
pub fn xml_problem(xml: &str) -> Option<String> {
    if let Some(c) = xml.chars().find(|c| !xml_char(*c)) {
        return Some(format!("U+{:04X} is not an XML character", u32::from(c)));
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return None,
            Ok(Event::GeneralRef(r)) => match r.resolve_char_ref() {
                Ok(Some(c)) if !xml_char(c) => {
                    return Some(format!("U+{:04X} written as a reference", u32::from(c)));
                }
                Ok(_) => {}
                Err(e) => return Some(e.to_string()),
            },
            Ok(_) => {}
            Err(e) => {
                return Some(format!(
                    "not well-formed at byte {}: {e}",
                    reader.error_position()
                ));
            }
        }
    }
}

/// Why the Office file (DOCX, XLSX) `bytes` has an XML part that is not XML, if it has one.
pub fn office_problem(bytes: &[u8]) -> Option<String> {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => return Some(format!("not a ZIP: {e}")),
    };
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(p) => p,
            Err(e) => return Some(e.to_string()),
        };
        let name = part.name().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut xml = String::new();
            if let Err(e) = part.read_to_string(&mut xml) {
                return Some(format!("{name}: {e}"));
            }
            if let Some(problem) = xml_problem(&xml) {
                return Some(format!("{name}: {problem}"));
            }
        }
    }
    None
}
