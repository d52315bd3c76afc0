//! Counting 字 the way Microsoft Word's 字数 does.
//!
//! Calls for applications limit free-text fields in 字 ("不超过 800 字"), and applicants
//! check their text with Word's 字数统计. Word's 字数 is
//! 中文字符和朝鲜语单词 + 非中文单词, which this module reproduces:
//!
//! * every **East Asian character** counts 1 (see [`is_east_asian`] for the exact set);
//! * every **maximal run** of characters that are neither whitespace nor East Asian counts 1.
//!   Such a run is a Latin word, a number such as `99.5%`, `GPT-4`, or a free-standing run
//!   of half-width symbols. A run ends at whitespace or at an East Asian character.
//!
//! "Whitespace" is Unicode `White_Space` (so U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK
//! SPACE are whitespace) plus the invisible U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER and
//! U+FEFF BYTE ORDER MARK, which text pasted from web pages often carries.
//!
//! The East Asian set is the CJK blocks (unified ideographs and all their extensions,
//! compatibility ideographs, radicals, strokes), CJK Symbols and Punctuation U+3001–U+303F,
//! kana, bopomofo, hangul, the Halfwidth and Fullwidth Forms U+FF01–U+FF9F and U+FFE0–U+FFE6,
//! the CJK compatibility and vertical forms, and the "ambiguous-width" symbols a Chinese IME
//! produces which Word counts as Chinese: the curly quotes `‘ ’ “ ”`, `…`, `—`, `·`, `※`, `℃`,
//! `№`, Roman numerals `Ⅰ Ⅱ`, enclosed alphanumerics `① ②`, geometric shapes `◇ □ ■ ○ ● △`
//! and the stars `★ ☆`.
//!
//! A second mode, 字符数(不计空格), simply counts the characters that are not whitespace.
//!
//! The module also holds what every free text goes through: [`clean`] (and [`clean_line`]) on
//! the way in, for whatever a user posts; [`xml_safe`] on the way out, in every document
//! writer, for text stored before cleaning existed; and [`file_name`], the name an uploaded
//! file is stored and offered under.
//!
//! | text                                            | [`word_zi`] | [`chars_no_spaces`] |
//! |-------------------------------------------------|------------:|--------------------:|
//! | `人工智能大模型`                                  |           7 |                   7 |
//! | `我们使用GPT-4模型。`                             |           8 |                  12 |
//! | `准确率达到99.5%，提升3倍`                        |          11 |                  15 |
//! | `基于 Transformer 架构`                           |           5 |                  15 |
//! | `2024年12月`                                      |           4 |                   8 |
//! | `Hello, world!`                                   |           2 |                  12 |
//! | `Rust是由 Mozilla 主導開發的通用、編譯型程式語言。` |          20 |                  29 |
//! | `一二三四五 six seven eight`                      |           8 |                  18 |
//! | empty or whitespace only                          |           0 |                   0 |
//!
//! This is hand-written on purpose: the rule is a product decision (which symbols count as
//! Chinese) and no crate gives control over that set. The crate `words-count` (0.1.7) exists
//! but uses a different CJK set (the `unicode-blocks` CJK blocks: no bopomofo, and `“”`, `…`,
//! `—`, `①`, `◇` are not East Asian) and also splits words at `--`, so its numbers would
//! disagree with what applicants see in Word. The browser front end must
//! implement the same rule; keep the two in step through the table above.

/// How a field's 字 limit is counted.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ZiCount {
    /// Microsoft Word's 字数: each East Asian character counts 1, each run of other
    /// non-whitespace characters (a word or number) counts 1. See [`word_zi`].
    #[default]
    Word,
    /// 字符数(不计空格): every character except whitespace counts 1. See [`chars_no_spaces`].
    CharsNoSpaces,
}

/// Whether `c` counts as one East Asian character (one 字 on its own) in Word's 字数.
///
/// U+3000 IDEOGRAPHIC SPACE is whitespace, not East Asian. See the module documentation for
/// the set and why it contains some "ambiguous-width" symbols.
pub fn is_east_asian(c: char) -> bool {
    matches!(
        c,
        // Latin-1: MIDDLE DOT, the 间隔号 of a Chinese IME (`·`).
        '\u{00B7}'
        // General Punctuation: ‖ — ― ‘ ’ “ ” ‥ … ‰ ′ ″ ※
        | '\u{2014}'..='\u{2016}'
        | '\u{2018}'..='\u{2019}'
        | '\u{201C}'..='\u{201D}'
        | '\u{2025}'..='\u{2026}'
        | '\u{2030}'
        | '\u{2032}'..='\u{2033}'
        | '\u{203B}'
        // Letterlike symbols: ℃ ℉ № ℡
        | '\u{2103}'
        | '\u{2109}'
        | '\u{2116}'
        | '\u{2121}'
        // Number forms: Roman numerals Ⅰ..ⅿ
        | '\u{2160}'..='\u{217F}'
        // Enclosed alphanumerics: ① ⑴ ⒈ Ⓐ ...
        | '\u{2460}'..='\u{24FF}'
        // Geometric shapes: ■ □ ▲ △ ◆ ◇ ○ ● ...
        | '\u{25A0}'..='\u{25FF}'
        // Miscellaneous symbols: ★ ☆
        | '\u{2605}'..='\u{2606}'
        // Hangul Jamo
        | '\u{1100}'..='\u{11FF}'
        // CJK Radicals Supplement, Kangxi Radicals, Ideographic Description Characters
        | '\u{2E80}'..='\u{2FFF}'
        // CJK Symbols and Punctuation (U+3000 is whitespace), Hiragana, Katakana, Bopomofo,
        // Hangul Compatibility Jamo, Kanbun, Bopomofo Extended, CJK Strokes, Katakana
        // Phonetic Extensions, Enclosed CJK Letters and Months, CJK Compatibility,
        // CJK Unified Ideographs Extension A, Yijing Hexagram Symbols, CJK Unified Ideographs
        | '\u{3001}'..='\u{9FFF}'
        // Hangul Jamo Extended-A
        | '\u{A960}'..='\u{A97F}'
        // Hangul Syllables, Hangul Jamo Extended-B
        | '\u{AC00}'..='\u{D7FF}'
        // CJK Compatibility Ideographs
        | '\u{F900}'..='\u{FAFF}'
        // Vertical Forms
        | '\u{FE10}'..='\u{FE1F}'
        // CJK Compatibility Forms
        | '\u{FE30}'..='\u{FE4F}'
        // Halfwidth and Fullwidth Forms: full-width ASCII, half-width CJK punctuation and
        // katakana; full-width signs ￠ ￡ ￢ ￣ ￤ ￥ ￦
        | '\u{FF01}'..='\u{FF9F}'
        | '\u{FFE0}'..='\u{FFE6}'
        // Kana Extended/Supplement (hentaigana and small kana)
        | '\u{1AFF0}'..='\u{1B16F}'
        // Enclosed Ideographic Supplement
        | '\u{1F200}'..='\u{1F2FF}'
        // Planes 2 and 3: CJK Unified Ideographs Extensions B..I and the CJK Compatibility
        // Ideographs Supplement
        | '\u{20000}'..='\u{3FFFD}'
    )
}

/// Whether `c` separates runs and is not counted: Unicode whitespace plus the invisible
/// zero-width space, word joiner and byte order mark.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Microsoft Word's 字数 of `s`: each East Asian character counts 1, and each maximal run of
/// characters that are neither whitespace nor East Asian counts 1.
///
/// ```
/// use shenbao_core::text::word_zi;
/// assert_eq!(word_zi("我们使用GPT-4模型。"), 8);
/// assert_eq!(word_zi("基于 Transformer 架构"), 5);
/// ```
pub fn word_zi(s: &str) -> usize {
    let mut count = 0;
    let mut in_run = false;
    for c in s.chars() {
        if is_space(c) {
            in_run = false;
        } else if is_east_asian(c) {
            count += 1;
            in_run = false;
        } else if !in_run {
            count += 1;
            in_run = true;
        }
    }
    count
}

/// 字符数(不计空格): the number of characters of `s` that are not whitespace (whitespace as in
/// [`word_zi`], so U+3000 and zero-width spaces are not counted).
///
/// ```
/// use shenbao_core::text::chars_no_spaces;
/// assert_eq!(chars_no_spaces("基于 Transformer 架构"), 15);
/// ```
pub fn chars_no_spaces(s: &str) -> usize {
    s.chars().filter(|&c| !is_space(c)).count()
}

/// The 字 count of `s` in the given mode.
pub fn count_zi(s: &str, mode: ZiCount) -> usize {
    match mode {
        ZiCount::Word => word_zi(s),
        ZiCount::CharsNoSpaces => chars_no_spaces(s),
    }
}

// ---- text on the way in and out ----------------------------------------------------------

/// Whether `c` is a Unicode noncharacter (U+FDD0–U+FDEF and the last two code points of every
/// plane, U+FFFE and U+FFFF among them): never text, and U+FFFE/U+FFFF are not XML.
fn is_noncharacter(c: char) -> bool {
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
/// ([`file_name`]).
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

    /// (text, Word's 字数, characters without spaces)
    const CASES: &[(&str, usize, usize)] = &[
        ("人工智能大模型", 7, 7),
        ("我们使用GPT-4模型。", 8, 12),
        ("准确率达到99.5%，提升3倍", 11, 15),
        ("基于 Transformer 架构", 5, 15),
        ("2024年12月", 4, 8),
        ("Hello, world!", 2, 12),
        ("Rust是由 Mozilla 主導開發的通用、編譯型程式語言。", 20, 29),
        ("一二三四五 six seven eight", 8, 18),
        ("", 0, 0),
        ("   ", 0, 0),
        ("\t\n\r\u{3000}\u{00A0}\u{200B}\u{FEFF}", 0, 0),
        // U+3000 separates runs like an ASCII space.
        ("abc\u{3000}def", 2, 6),
        // Free-standing half-width symbols form one run.
        ("--- !!", 2, 5),
        ("(1)", 1, 3),
        // Curly quotes, ellipsis, em dash and middle dot count as Chinese.
        ("“AI”", 3, 4),
        ("他说…", 3, 3),
        ("——", 2, 2),
        ("马克·吐温", 5, 5),
        // Straight quotes do not.
        ("\"AI\"", 1, 4),
        // Enclosed numbers, shapes, stars, ℃, №, ※.
        ("①②③", 3, 3),
        ("◇□■○●△☆★", 8, 8),
        ("25℃", 2, 3),
        ("№1", 2, 2),
        ("※注", 2, 2),
        // Full-width ASCII counts per character.
        ("ＡＢＣ１２３", 6, 6),
        // Half-width katakana and full-width yen.
        ("ｱｲｳ￥", 4, 4),
        // Kana and hangul syllables.
        ("ひらがなカタカナ", 8, 8),
        ("한국어 문장", 5, 5),
        // Bopomofo.
        ("ㄅㄆㄇ", 3, 3),
        // CJK Extension A and B, compatibility ideographs.
        ("㐀𠀀𪚥豈", 4, 4),
        // CJK compatibility forms (vertical brackets).
        ("︵︶", 2, 2),
        // Emoji and accented Latin are ordinary run characters.
        ("café 😀", 2, 5),
        ("e\u{0301}t\u{00E9}", 1, 4),
        // Numbers with separators are one run; URLs and e-mails are one run.
        ("1,234.56 元", 2, 9),
        ("https://example.com/a?b=c", 1, 25),
        ("联系 a.b@example.cn。", 4, 17),
        // Mixed run ending at a Chinese character and resuming after it.
        ("A股B股", 4, 4),
        ("第1、2项", 5, 5),
    ];

    #[test]
    fn table() {
        for &(text, word, chars) in CASES {
            assert_eq!(word_zi(text), word, "word_zi({text:?})");
            assert_eq!(chars_no_spaces(text), chars, "chars_no_spaces({text:?})");
            assert_eq!(
                count_zi(text, ZiCount::Word),
                word,
                "count_zi Word {text:?}"
            );
            assert_eq!(
                count_zi(text, ZiCount::CharsNoSpaces),
                chars,
                "count_zi CharsNoSpaces {text:?}"
            );
        }
    }

    #[test]
    fn east_asian_set() {
        let yes = [
            '中',
            '。',
            '，',
            '、',
            '《',
            '》',
            '【',
            '】',
            '〇',
            '\u{3001}',
            '\u{303F}',
            'あ',
            'ア',
            'ㄅ',
            '한',
            '\u{FF01}',
            '\u{FF9F}',
            '\u{FFE0}',
            '\u{FFE6}',
            '\u{FE30}',
            '\u{FE4F}',
            '“',
            '”',
            '‘',
            '’',
            '…',
            '—',
            '·',
            '◇',
            '□',
            '■',
            '○',
            '●',
            '△',
            '☆',
            '①',
            '⒇',
            '℃',
            '※',
            '№',
            '\u{3400}',
            '\u{4DBF}',
            '\u{9FFF}',
            '\u{20000}',
            '\u{2A6DF}',
            '\u{2B740}',
            '\u{30000}',
            '\u{323AF}',
            '\u{F900}',
            '\u{2F800}',
        ];
        for c in yes {
            assert!(
                is_east_asian(c),
                "{c:?} (U+{:04X}) should be East Asian",
                c as u32
            );
        }
        let no = [
            '\u{3000}', 'a', 'Z', '0', '9', '.', ',', '-', '%', '"', '\'', ' ', 'é', 'α', 'Я',
            '😀', '–', '\u{FFA0}', '\u{FFEF}', '\u{FE50}', '°', '×',
        ];
        for c in no {
            assert!(
                !is_east_asian(c),
                "{c:?} (U+{:04X}) should not be East Asian",
                c as u32
            );
        }
    }

    #[test]
    fn zi_count_serde() {
        assert_eq!(ZiCount::default(), ZiCount::Word);
        let json = serde_json::to_string(&ZiCount::CharsNoSpaces).expect("serialize");
        assert_eq!(json, "\"chars_no_spaces\"");
        let back: ZiCount = serde_json::from_str("\"word\"").expect("deserialize");
        assert_eq!(back, ZiCount::Word);
    }

    proptest! {
        #[test]
        fn word_zi_at_most_chars(s in any::<String>()) {
            prop_assert!(word_zi(&s) <= chars_no_spaces(&s));
        }

        #[test]
        fn word_zi_additive_over_space(a in any::<String>(), b in any::<String>()) {
            let joined = format!("{a} {b}");
            prop_assert_eq!(word_zi(&joined), word_zi(&a) + word_zi(&b));
        }

        #[test]
        fn word_zi_additive_mixed(
            a in "[a-zA-Z0-9,.!%\\- 中文字数统计，。“”…]{0,40}",
            b in "[a-zA-Z0-9,.!%\\- 中文字数统计，。“”…]{0,40}",
        ) {
            let joined = format!("{a} {b}");
            prop_assert_eq!(word_zi(&joined), word_zi(&a) + word_zi(&b));
            prop_assert!(word_zi(&a) <= chars_no_spaces(&a));
        }

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
