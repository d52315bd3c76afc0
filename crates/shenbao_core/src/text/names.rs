//! The names uploaded files are stored and offered under: [`file_name`] and the characters
//! that stay in a name ([`visible_in_name`]).
//!
//! Must not: decide a file's type; the caller gives the type found from the content.

use super::cleaning::is_noncharacter;

/// Whether `c` stays in a file name (or a folder name of a package): no control, format
/// character (the bidirectional controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and
/// U+061C, zero-width characters, U+FEFF, the soft hyphen…), line or paragraph separator,
/// noncharacter, private-use or unassigned code point, nor one of the invisible fillers and
/// joiners that are letters or marks by category (Hangul fillers, the combining grapheme
/// joiner, variation selectors).
pub fn visible_in_name(c: char) -> bool {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    !matches!(
        c.general_category(),
        G::Control
            | G::Format
            | G::LineSeparator
            | G::ParagraphSeparator
            | G::PrivateUse
            | G::Surrogate
            | G::Unassigned
    ) && !is_noncharacter(c)
        && !matches!(
            c,
            '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// The file-name extensions of a type decided by content, the usual one first.
fn extensions_of(kind: &str) -> &[&str] {
    match kind {
        "jpg" => &["jpg", "jpeg"],
        "mp4" => &["mp4", "m4v"],
        "pdf" => &["pdf"],
        "png" => &["png"],
        "doc" => &["doc"],
        "docx" => &["docx"],
        "xls" => &["xls"],
        "xlsx" => &["xlsx"],
        "zip" => &["zip"],
        "ofd" => &["ofd"],
        _ => &[],
    }
}

/// Longest file name kept, in characters (file systems count bytes: 200 CJK characters are
/// 600 bytes in UTF-8, so the package shortens them again).
const MAX_FILE_NAME_CHARS: usize = 200;

/// The name an uploaded file of type `kind` (decided by its content: `pdf`, `jpg`, …) is stored
/// and offered under, from the name its sender gave: invisible characters removed (see
/// `visible_in_name`: controls, the bidirectional overrides that make `exe.pdf` read as
/// `fdp.exe`, zero-width characters, U+FEFF…), path separators and the characters Windows
/// refuses (`\ / : * ? " < > |`) replaced by `_`, NFC, no leading dots or spaces, at most
/// 200 characters; and it ends with the extension of its type: an extension of that type is
/// kept as written (`报告.PDF`, `照片.jpeg`), any other extension is replaced (`证明.html` →
/// `证明.pdf`), and a name without one gets it (`x` → `x.pdf`). A stem of digits after the last
/// dot (`2024.03.01`) is not taken for an extension. Another type (of letters and digits)
/// is its own extension; an empty one (a row that never had a type) keeps the name's own
/// extension. A name with nothing left is `附件`.
/// The web layer applies it at upload time and again to stored names it shows or sends, and
/// the package writer to the names it writes, so names stored before it existed are cleaned
/// too.
///
/// ```
/// use shenbao_core::text::file_name;
/// assert_eq!(file_name("证明.html", "pdf"), "证明.pdf");
/// assert_eq!(file_name("报告.PDF", "pdf"), "报告.PDF");
/// assert_eq!(file_name("x", "pdf"), "x.pdf");
/// assert_eq!(file_name("a\u{202E}fdp.exe", "pdf"), "afdp.pdf");
/// assert_eq!(file_name("照片.jpeg", "jpg"), "照片.jpeg");
/// assert_eq!(file_name("../../etc/passwd", "pdf"), "_.._etc_passwd.pdf");
/// ```
pub fn file_name(name: &str, kind: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let cleaned: String = name
        .chars()
        .filter(|c| visible_in_name(*c))
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .nfc()
        .collect();
    let cleaned = cleaned.trim();
    // The name's own extension: 1 to 8 ASCII letters and digits, at least one letter.
    let (stem, own) = match cleaned.rsplit_once('.') {
        Some((stem, ext))
            if (1..=8).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic()) =>
        {
            (stem, Some(ext))
        }
        _ => (cleaned, None),
    };
    let allowed = extensions_of(kind);
    let ext: Option<String> = match (allowed.first(), own) {
        (Some(_), Some(own)) if allowed.iter().any(|e| own.eq_ignore_ascii_case(e)) => {
            Some(own.to_string())
        }
        (Some(usual), _) => Some((*usual).to_string()),
        (None, _) if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric()) => {
            match own {
                Some(own) if own.eq_ignore_ascii_case(kind) => Some(own.to_string()),
                _ => Some(kind.to_ascii_lowercase()),
            }
        }
        (None, _) => own.map(str::to_string),
    };
    let stem = stem.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = if stem.is_empty() {
        crate::messages::file::UNNAMED
    } else {
        stem
    };
    let room = MAX_FILE_NAME_CHARS - ext.as_ref().map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn file_names_end_with_their_type(
            name in "\\PC{0,30}|[a./\\\\\\u{202e}\\u{200b}\\u{feff}\\u{0}-\\u{1f}报告]{0,30}",
            kind in prop::sample::select(vec!["pdf", "jpg", "png", "docx", "ofd"]),
        ) {
            let clean = file_name(&name, kind);
            let ext = clean.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            prop_assert!(ext.is_some_and(|e| extensions_of(kind).contains(&e.as_str())), "{clean}");
            prop_assert!(clean.chars().all(visible_in_name), "{clean:?}");
            prop_assert!(!clean.contains(['/', '\\']) && !clean.starts_with('.'), "{clean}");
            prop_assert_eq!(file_name(&clean, kind), clean.clone(), "idempotent");
        }
    }

    #[test]
    fn file_names_are_cleaned_and_typed() {
        for (name, kind, expected) in [
            ("证明.html", "pdf", "证明.pdf"),
            ("x.exe", "pdf", "x.pdf"),
            ("报告.bat", "pdf", "报告.pdf"),
            ("报告.PDF", "pdf", "报告.PDF"),
            ("x", "pdf", "x.pdf"),
            ("a\u{202E}fdp.exe", "pdf", "afdp.pdf"),
            (
                "\u{2067}合同\u{2069}\u{200e}\u{200f}\u{61c}.pdf",
                "pdf",
                "合同.pdf",
            ),
            ("照\u{200b}片\u{feff}.jpeg", "jpg", "照片.jpeg"),
            ("照片.JPG", "jpg", "照片.JPG"),
            ("照片.png", "jpg", "照片.jpg"),
            ("scan\u{0}\u{7}.pdf", "pdf", "scan.pdf"),
            ("dir/sub\\name.pdf", "pdf", "dir_sub_name.pdf"),
            ("2024.03.01", "pdf", "2024.03.01.pdf"),
            (".pdf", "pdf", "附件.pdf"),
            ("\u{202e}", "pdf", "附件.pdf"),
            ("  .hidden.docx ", "docx", "hidden.docx"),
            ("视频.mp4", "mp4", "视频.mp4"),
            // Types this function does not know keep or get their own name.
            ("old.bin", "", "old.bin"),
            ("old", "txt", "old.txt"),
        ] {
            assert_eq!(file_name(name, kind), expected, "{name:?} as {kind}");
        }
        let long = format!("{}.pdf", "长".repeat(300));
        let name = file_name(&long, "pdf");
        assert_eq!(name.chars().count(), 200);
        assert!(name.ends_with("长.pdf"));
    }
}
