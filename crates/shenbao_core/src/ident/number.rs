//! Numbers as typed in a form: full-width digits, thousands separators, a minus sign.
//!
//! Must not: accept exponents, `NaN`, infinities or units.

use std::sync::LazyLock;

use regex::Regex;

use super::{nfkc_trim, re};

static NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$"));

/// NFKC (full-width digits, `，`, `．`, `－`), the minus sign `−` as `-`, trimmed.
fn normalize_number(s: &str) -> String {
    nfkc_trim(s).replace('\u{2212}', "-")
}

/// A decimal number as typed in a form: half- or full-width digits, optional leading minus,
/// optional thousands separators `,` / `，` in groups of three (`1,234,567.5`), surrounding
/// spaces. Exponents, `NaN`, `inf`, a leading `+`, units and other junk are rejected, as are
/// values too large to be finite.
///
/// ```
/// use shenbao_core::ident::parse_number;
/// assert_eq!(parse_number("１，２３４．５"), Some(1234.5));
/// assert_eq!(parse_number("1,2345"), None);
/// ```
pub fn parse_number(s: &str) -> Option<f64> {
    let n = normalize_number(s);
    if !NUMBER_RE.is_match(&n) {
        return None;
    }
    let v: f64 = n.replace(',', "").parse().ok()?;
    v.is_finite().then_some(v)
}

/// The number of digits after the decimal point in the text of `s` (after the same
/// normalisation as [`parse_number`]); trailing zeros count (`"1.50"` → 2), no point → 0.
pub fn decimal_places(s: &str) -> usize {
    let n = normalize_number(s);
    n.split_once('.').map_or(0, |(_, frac)| {
        frac.chars().take_while(char::is_ascii_digit).count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0", Some(0.0)),
            ("42", Some(42.0)),
            ("-42", Some(-42.0)),
            ("2.5", Some(2.5)),
            ("  1,234,567.89  ", Some(1_234_567.89)),
            ("1，234", Some(1234.0)),
            ("１２３．５", Some(123.5)),
            ("－５", Some(-5.0)),
            ("\u{2212}5", Some(-5.0)),
            ("007", Some(7.0)),
            ("1234567", Some(1_234_567.0)),
            ("1,2345", None),
            ("12,34", None),
            (",123", None),
            ("1,", None),
            ("1.", None),
            (".5", None),
            ("+5", None),
            ("--5", None),
            ("1e5", None),
            ("NaN", None),
            ("inf", None),
            ("-inf", None),
            ("12元", None),
            ("1 000", None),
            ("1.2.3", None),
            ("", None),
            ("   ", None),
            ("٣", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_number(input), expected, "{input:?}");
        }
        assert_eq!(parse_number(&"9".repeat(400)), None);
    }

    #[test]
    fn decimals() {
        let cases: &[(&str, usize)] = &[
            ("1", 0),
            ("1.5", 1),
            ("1.50", 2),
            ("-0.125", 3),
            ("1,234.56", 2),
            ("１２．３４", 2),
            ("", 0),
            ("abc", 0),
        ];
        for &(input, expected) in cases {
            assert_eq!(decimal_places(input), expected, "{input:?}");
        }
    }
}
