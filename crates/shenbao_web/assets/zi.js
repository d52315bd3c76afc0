// Word's 字数 rule, the same as shenbao_core::text (crates/shenbao_core/src/text.rs):
// every East Asian character or full-width mark counts 1, every run of other non-space
// characters counts 1. Keep the ranges in step with `is_east_asian` there; the test suite
// runs the shared examples through both.
"use strict";
(function (root) {
  const RANGES = [
    [0x1100, 0x11ff], [0x2010, 0x2027], [0x2030, 0x205e], [0x2100, 0x214f], [0x2150, 0x218f],
    [0x2190, 0x21ff], [0x2460, 0x24ff], [0x2500, 0x257f], [0x25a0, 0x25ff], [0x2600, 0x26ff],
    [0x2e80, 0x2fdf], [0x2ff0, 0x2fff], [0x3001, 0x303f], [0x3040, 0x30ff], [0x3100, 0x312f],
    [0x3130, 0x318f], [0x3190, 0x31ff], [0x3200, 0x32ff], [0x3300, 0x33ff], [0x3400, 0x4dbf],
    [0x4e00, 0x9fff], [0xa960, 0xa97f], [0xac00, 0xd7ff], [0xf900, 0xfaff], [0xfe10, 0xfe1f],
    [0xfe30, 0xfe4f], [0xff01, 0xff9f], [0xffe0, 0xffe6], [0x1f200, 0x1f2ff], [0x20000, 0x3134f],
  ];
  function isEastAsian(cp) {
    for (const [a, b] of RANGES) if (cp >= a && cp <= b) return true;
    return false;
  }
  function isSpace(ch) {
    return /\s/u.test(ch) || ch === "\u200b" || ch === "\u2060" || ch === "\ufeff";
  }
  function wordZi(s) {
    let n = 0, inRun = false;
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (isSpace(ch) || cp === 0x3000) { inRun = false; continue; }
      if (isEastAsian(cp)) { n += 1; inRun = false; continue; }
      if (!inRun) { n += 1; inRun = true; }
    }
    return n;
  }
  function charsNoSpaces(s) {
    let n = 0;
    for (const ch of s) if (!(isSpace(ch) || ch === "\u3000")) n += 1;
    return n;
  }
  const api = { wordZi, charsNoSpaces, isEastAsian };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.ShenbaoZi = api;
})(typeof window !== "undefined" ? window : globalThis);
