// Word's 字数 rule, the same as shenbao_core::text (crates/shenbao_core/src/text/zi.rs):
// every East Asian character or full-width mark counts 1, every run of other non-space
// characters counts 1. Keep the ranges in step with `is_east_asian` there; the test suite
// runs the shared examples through both.
"use strict";
(function (root) {
  // [first, last] code points, exactly as `is_east_asian` in text/zi.rs.
  const RANGES = [
    [0x00b7, 0x00b7], [0x2014, 0x2016], [0x2018, 0x2019], [0x201c, 0x201d], [0x2025, 0x2026],
    [0x2030, 0x2030], [0x2032, 0x2033], [0x203b, 0x203b], [0x2103, 0x2103], [0x2109, 0x2109],
    [0x2116, 0x2116], [0x2121, 0x2121], [0x2160, 0x217f], [0x2460, 0x24ff], [0x25a0, 0x25ff],
    [0x2605, 0x2606], [0x1100, 0x11ff], [0x2e80, 0x2fff], [0x3001, 0x9fff], [0xa960, 0xa97f],
    [0xac00, 0xd7ff], [0xf900, 0xfaff], [0xfe10, 0xfe1f], [0xfe30, 0xfe4f], [0xff01, 0xff9f],
    [0xffe0, 0xffe6], [0x1aff0, 0x1b16f], [0x1f200, 0x1f2ff], [0x20000, 0x3fffd],
  ];
  function isEastAsian(cp) {
    for (const [a, b] of RANGES) if (cp >= a && cp <= b) return true;
    return false;
  }
  // Rust's char::is_whitespace (Unicode White_Space) plus zero-width space, word joiner, BOM.
  const SPACES = new Set([
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f,
    0x3000, 0x200b, 0x2060, 0xfeff,
  ]);
  function isSpace(ch) {
    return SPACES.has(ch.codePointAt(0));
  }
  function wordZi(s) {
    let n = 0, inRun = false;
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (isSpace(ch)) { inRun = false; continue; }
      if (isEastAsian(cp)) { n += 1; inRun = false; continue; }
      if (!inRun) { n += 1; inRun = true; }
    }
    return n;
  }
  function charsNoSpaces(s) {
    let n = 0;
    for (const ch of s) if (!isSpace(ch)) n += 1;
    return n;
  }
  const api = { wordZi, charsNoSpaces, isEastAsian };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.ShenbaoZi = api;
})(typeof window !== "undefined" ? window : globalThis);
