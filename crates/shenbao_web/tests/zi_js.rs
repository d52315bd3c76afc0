//! The browser's 字数 counter (assets/zi.js, run by Node) and the server's
//! (`shenbao_core::text`) agree: on the worked examples and on many mixed strings.

use std::process::Command;

use shenbao_core::text::{chars_no_spaces, word_zi};

/// Worked examples of Word's rule (DOMAIN.md), plus symbols a Chinese IME produces.
const EXAMPLES: &[&str] = &[
    "人工智能大模型",
    "我们使用GPT-4模型。",
    "准确率达到99.5%，提升3倍",
    "基于 Transformer 架构",
    "2024年12月",
    "Hello, world!",
    "Rust是由 Mozilla 主導開發的通用、編譯型程式語言。",
    "一二三四五 six seven eight",
    "“引号”…——·◇□①℃※",
    "全角　空格ＡＢＣ１２３",
    "",
    "   ",
    "𠀀𠀁 CJK Extension B",
];

/// Deterministic mixed strings: CJK, Latin, digits, punctuation of both widths, spaces.
fn mixed(n: usize) -> Vec<String> {
    let alphabet: Vec<char> =
        "智能模型申报，。、：；！？（）《》“”abcXYZ019-_.,!? \t\n　ＡＢ１①◇…—‖★Ⅰ℉‰ㄅア가😀·•°±×÷→■▲○●§©®™€£¥½²³"
            .chars()
            .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            (0..len)
                .map(|i| {
                    let x = state.rotate_left(i as u32 * 7) as usize;
                    alphabet[x % alphabet.len()]
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_browser_counts_zi_exactly_like_the_server() {
    let mut inputs: Vec<String> = EXAMPLES.iter().map(|s| s.to_string()).collect();
    inputs.extend(mixed(300));
    let script = format!(
        "const z = require({:?}); const xs = JSON.parse(process.argv[1]); \
         console.log(JSON.stringify(xs.map(s => [z.wordZi(s), z.charsNoSpaces(s)])));",
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/zi.js")
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(serde_json::to_string(&inputs).expect("json"))
        .output()
        .expect("node runs (Node.js is part of the test machine)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: Vec<(usize, usize)> = serde_json::from_slice(&out.stdout).expect("counts");
    for (s, (js_word, js_chars)) in inputs.iter().zip(counts) {
        assert_eq!(js_word, word_zi(s), "字数 of {s:?}");
        assert_eq!(js_chars, chars_no_spaces(s), "字符数 of {s:?}");
    }
}
