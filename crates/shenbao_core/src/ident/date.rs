//! Dates and months as applicants write them (`2024-03-05`, `2024年3月5日`, `2024年3月`).
//!
//! Must not: read the clock or accept impossible dates.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::{nfkc_trim, re};

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})|([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})|([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})|([0-9]{4}) *年 *([0-9]{1,2}) *月 *([0-9]{1,2}) *[日号])$",
    )
});

static MONTH_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:([0-9]{4})-([0-9]{1,2})|([0-9]{4})/([0-9]{1,2})|([0-9]{4})\.([0-9]{1,2})|([0-9]{4}) *年 *([0-9]{1,2}) *月)$",
    )
});

/// The numeric capture groups of the alternative that matched, in order.
fn matched_numbers(re: &Regex, s: &str) -> Option<Vec<u32>> {
    let caps = re.captures(s)?;
    caps.iter()
        .skip(1)
        .flatten()
        .map(|m| m.as_str().parse().ok())
        .collect()
}

/// A calendar date written `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` or `YYYY年M月D日`
/// (also `号` for `日`), month and day with 1 or 2 digits, full-width digits allowed.
/// Impossible dates such as `2023-02-29` are rejected.
///
/// ```
/// use shenbao_core::ident::parse_date;
/// assert_eq!(parse_date("2024年3月5日"), chrono::NaiveDate::from_ymd_opt(2024, 3, 5));
/// assert_eq!(parse_date("2023-02-29"), None);
/// ```
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let n = matched_numbers(&DATE_RE, &nfkc_trim(s))?;
    let [y, m, d] = n.as_slice() else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(*y).ok()?, *m, *d)
}

/// A month written `YYYY-MM` or `YYYY年M月` (also `YYYY/MM`, `YYYY.MM`), month with 1 or 2
/// digits in 1..=12. Returns `(year, month)`.
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let n = matched_numbers(&MONTH_RE, &nfkc_trim(s))?;
    let [y, m] = n.as_slice() else {
        return None;
    };
    (1..=12)
        .contains(m)
        .then_some((i32::try_from(*y).ok()?, *m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let cases: &[(&str, Option<NaiveDate>)] = &[
            ("2024-03-05", d(2024, 3, 5)),
            ("2024-3-5", d(2024, 3, 5)),
            ("2024/03/05", d(2024, 3, 5)),
            ("2024.3.05", d(2024, 3, 5)),
            ("2024年3月5日", d(2024, 3, 5)),
            ("2024年03月05日", d(2024, 3, 5)),
            ("2024 年 3 月 5 日", d(2024, 3, 5)),
            ("2024年3月5号", d(2024, 3, 5)),
            (" ２０２４－０３－０５ ", d(2024, 3, 5)),
            ("2024-02-29", d(2024, 2, 29)),
            ("2000-02-29", d(2000, 2, 29)),
            ("2023-02-29", None),
            ("1900-02-29", None),
            ("2024-04-31", None),
            ("2024-13-01", None),
            ("2024-00-10", None),
            ("2024-01-00", None),
            ("2024-1-005", None),
            ("24-03-05", None),
            ("2024-03/05", None),
            ("2024年3月", None),
            ("2024年3月5", None),
            ("2024-03-05T00:00", None),
            ("", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_date(input), expected, "{input:?}");
        }
    }

    #[test]
    fn month() {
        let cases: &[(&str, Option<(i32, u32)>)] = &[
            ("2024-03", Some((2024, 3))),
            ("2024-3", Some((2024, 3))),
            ("2024年3月", Some((2024, 3))),
            ("2024年12月", Some((2024, 12))),
            ("2024/12", Some((2024, 12))),
            ("2024.1", Some((2024, 1))),
            ("２０２４年３月", Some((2024, 3))),
            ("2024-13", None),
            ("2024-0", None),
            ("2024-03-05", None),
            ("2024年3月5日", None),
            ("202403", None),
            ("", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_month(input), expected, "{input:?}");
        }
    }
}
