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
//!
//! Must not: know about forms or documents; these are rules about text alone.

mod cleaning;
mod names;
mod zi;

pub use cleaning::{clean, clean_line, xml_safe};
pub use names::{file_name, visible_in_name};
pub use zi::{ZiCount, chars_no_spaces, count_zi, is_east_asian, word_zi};
