//! What every free text goes through: [`clean`] and [`clean_line`] on the way in, [`xml_safe`]
//! on the way out.
//!
//! Must not: remove bidirectional or other format characters from free text (names in
//! right-to-left scripts need them; file names lose them in `names`).

/// Whether `c` is a Unicode noncharacter (U+FDD0–U+FDEF and the last two code points of every
/// plane, U+FFFE and U+FFFF among them): never text, and U+FFFE/U+FFFF are not XML.
pub(super) fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// `text` with line ends as `\n` (CRLF and a lone CR both become LF), without control
/// characters other than tab and line feed (C0, DEL, C1) and without noncharacters. Every
/// character left is one XML 1.0 allows.
fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' => out.push(c),
            c if c.is_control() || is_noncharacter(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Text a user posted, as it is stored: line ends as `\n` (CRLF and a lone CR become LF),
/// control characters other than tab and line feed removed (C0 such as U+0001 or the
/// vertical tab U+000B, DEL, C1), noncharacters (U+FFFE, U+FFFF…) removed, and Unicode NFC,
/// so that the same words are stored as the same characters. Every free text a user posts
/// goes through it: registration fields, form answers, justifications, review comments and
/// opinions, scores' comments, the owner's entries. Bidirectional and other format
/// characters are left in free text (Uyghur or Arabic names need them); file names lose them
/// ([`file_name`](super::file_name)).
///
/// ```
/// use shenbao_core::text::clean;
/// assert_eq!(clean("甲\u{1}乙\u{b}丙\r\n丁\r戊\t己\u{7f}\u{ffff}"), "甲乙丙\n丁\n戊\t己");
/// assert_eq!(clean("e\u{301}"), "\u{e9}");
/// ```
pub fn clean(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let stripped = strip_controls(text);
    if unicode_normalization::is_nfc(&stripped) {
        stripped
    } else {
        stripped.nfc().collect()
    }
}

/// [`clean`] for a one-line field (a name, a code, a contact): tabs and line ends become
/// spaces, and the ends are trimmed.
///
/// ```
/// use shenbao_core::text::clean_line;
/// assert_eq!(clean_line(" 济南\r\n科技\t有限公司\u{0} "), "济南 科技 有限公司");
/// ```
pub fn clean_line(text: &str) -> String {
    clean(text)
        .chars()
        .map(|c| if matches!(c, '\t' | '\n') { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// `text` with every character that XML 1.0 forbids (or discourages) dropped: C0 controls
/// other than tab and line feed (a CR becomes a line feed, as an XML parser would read it),
/// DEL and C1, and noncharacters such as U+FFFE and U+FFFF. Document writers (DOCX, XLSX,
/// the PDF's input, names in a ZIP) put every text through it, so that data stored before
/// input was [`clean`]ed still makes valid documents. Borrowed when nothing changes.
///
/// ```
/// use shenbao_core::text::xml_safe;
/// assert_eq!(xml_safe("公司\u{1}名称\u{b}"), "公司名称");
/// assert!(matches!(xml_safe("公司名称"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text
        .chars()
        .all(|c| matches!(c, '\t' | '\n') || !(c.is_control() || is_noncharacter(c)))
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(strip_controls(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cleaned_text_is_xml_and_stable(
            text in "\\PC{0,40}|[\\u{0}-\\u{9f}\\u{fffe}\\u{ffff}\\u{202e}e\\u{301}]{0,40}",
        ) {
            let once = clean(&text);
            prop_assert_eq!(clean(&once), once.clone(), "idempotent");
            let safe = xml_safe(&once);
            prop_assert_eq!(safe.as_ref(), once.as_str(), "nothing left to drop");
            prop_assert!(once.chars().all(|c| c == '\t' || c == '\n' || !c.is_control()));
            prop_assert!(unicode_normalization::is_nfc(&once));
        }
    }

    #[test]
    fn what_users_type_is_cleaned() {
        assert_eq!(clean("a\u{0}b\u{1}c\u{b}d\u{c}e\u{1b}f"), "abcdef");
        assert_eq!(clean("一\r\n二\r三\n四\t五"), "一\n二\n三\n四\t五");
        assert_eq!(
            clean("\u{85}\u{9f}\u{7f}x\u{fffe}\u{ffff}\u{fdd0}\u{1fffe}"),
            "x"
        );
        // NFC: a decomposed é is composed; CJK text is unchanged.
        assert_eq!(clean("Cafe\u{301} 人工智能"), "Caf\u{e9} 人工智能");
        // Bidirectional controls stay in free text (and are valid XML).
        assert_eq!(clean("\u{202b}مرحبا\u{202c}"), "\u{202b}مرحبا\u{202c}");
        assert_eq!(clean_line("\t甲\n乙\r\n"), "甲 乙");
    }

    #[test]
    fn documents_drop_what_xml_forbids() {
        assert_eq!(xml_safe("名\u{1}称\u{b}\u{c}\u{0}"), "名称");
        assert_eq!(xml_safe("行\r\n行\r"), "行\n行\n");
        assert_eq!(xml_safe("\u{fffe}\u{ffff}ok\t"), "ok\t");
        assert!(matches!(
            xml_safe("正常\n文字\t"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
