//! Counting 字: Word's 字数 ([`word_zi`]) and 字符数(不计空格) ([`chars_no_spaces`]), and the
//! set of East Asian characters. The rule, its reasons and its table of examples are in the
//! [`text`](super) module's documentation.
//!
//! Must not: change a count without the browser's `zi.js` and the table changing with it.

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
/// U+3000 IDEOGRAPHIC SPACE is whitespace, not East Asian. See the [`text`](super) module's
/// documentation for the set and why it contains some "ambiguous-width" symbols.
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
    }
}
