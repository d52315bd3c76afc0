//! Mainland phone numbers: mobile, landline (with area code and extension) and either, in the
//! forms the seeds and applicants actually write (`0531—51782640`, `（0531）51782640`).
//!
//! Hand-written on purpose: the `phonenumber` crate is heavy (it embeds the full libphonenumber
//! metadata) and rejects the forms the seeds and applicants use, such as an em dash between
//! area code and number (`0531—51782640`) or a bare local number (`83180738`).
//!
//! Must not: accept numbers outside the mainland plan, or word messages for users.

use std::sync::LazyLock;

use regex::Regex;

use super::{nfkc_trim, re};

/// NFKC, map every dash-like character to `-` and every whitespace to a plain space, trim.
pub(super) fn normalize_phone(s: &str) -> String {
    nfkc_trim(s)
        .chars()
        .map(|c| match c {
            // hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar,
            // minus sign (full-width and small hyphen-minus are already `-` after NFKC)
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

static MOBILE_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:\+86|0086|86)?(1[3-9][0-9]{9})$"));

/// Area code, separator, local number, optional extension.
static LANDLINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
        ^(?:
            \(\ *(?P<paren>0[1-9][0-9]{1,2})\ *\)[\ -]*   # (0531)51782640
          | (?P<sep>0[1-9][0-9]{1,2})(?:\ *-+\ *|\ +)     # 0531-51782640, 0531 51782640
          | (?P<joined>010|02[0-9]|0[3-9][0-9]{2})        # 053151782640
        )?
        (?P<num>[2-9][0-9]{6,7})
        (?:\ *(?:-+|转|轉|分机|(?i:ext\.?|x))\ *(?P<ext>[0-9]{1,6}))?$
    ")
});

/// A mainland mobile number: optional `+86` / `86` / `0086` prefix, then `1[3-9]` and nine
/// more digits; spaces and hyphens anywhere are ignored. Returns the 11 digits.
///
/// ```
/// use shenbao_core::ident::parse_mobile;
/// assert_eq!(parse_mobile("+86 138-1234-5678").as_deref(), Some("13812345678"));
/// assert_eq!(parse_mobile("12812345678"), None);
/// ```
pub fn parse_mobile(s: &str) -> Option<String> {
    let compact: String = normalize_phone(s)
        .chars()
        .filter(|&c| c != ' ' && c != '-')
        .collect();
    MOBILE_RE.captures(&compact).map(|caps| caps[1].to_owned())
}

/// A mainland landline number, normalised to `0531-51782640` (with `-123` appended for an
/// extension); a bare local number is returned as is (`83180738`).
///
/// Accepted: area code `0` + 2–3 digits, then a 7–8 digit local number not starting with 0
/// or 1, separated by `-`, `—`, `－`, spaces, nothing, or with the area code in half- or
/// full-width parentheses; an optional extension written `-123`, `转123` or `ext 123`.
///
/// ```
/// use shenbao_core::ident::parse_landline;
/// assert_eq!(parse_landline("0531—51782640").as_deref(), Some("0531-51782640"));
/// assert_eq!(parse_landline("（0531）51782640").as_deref(), Some("0531-51782640"));
/// assert_eq!(parse_landline("83180738").as_deref(), Some("83180738"));
/// ```
pub fn parse_landline(s: &str) -> Option<String> {
    let norm = normalize_phone(s);
    let caps = LANDLINE_RE.captures(&norm)?;
    let area = caps
        .name("paren")
        .or_else(|| caps.name("sep"))
        .or_else(|| caps.name("joined"))
        .map(|m| m.as_str());
    let mut out = String::new();
    if let Some(area) = area {
        out.push_str(area);
        out.push('-');
    }
    out.push_str(&caps["num"]);
    if let Some(ext) = caps.name("ext") {
        out.push('-');
        out.push_str(ext.as_str());
    }
    Some(out)
}

/// A mobile ([`parse_mobile`]) or, failing that, a landline ([`parse_landline`]) number, in
/// normalised form.
pub fn parse_phone(s: &str) -> Option<String> {
    parse_mobile(s).or_else(|| parse_landline(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile() {
        let cases: &[(&str, Option<&str>)] = &[
            ("13812345678", Some("13812345678")),
            ("  19912345678 ", Some("19912345678")),
            ("138 1234 5678", Some("13812345678")),
            ("138-1234-5678", Some("13812345678")),
            ("+8613812345678", Some("13812345678")),
            ("+86 138 1234 5678", Some("13812345678")),
            ("+86-138-1234-5678", Some("13812345678")),
            ("8613812345678", Some("13812345678")),
            ("008613812345678", Some("13812345678")),
            ("１３８１２３４５６７８", Some("13812345678")),
            ("138—1234—5678", Some("13812345678")),
            ("12812345678", None),
            ("1381234567", None),
            ("138123456789", None),
            ("+8713812345678", None),
            ("23812345678", None),
            ("1381234567a", None),
            ("", None),
            ("0531-51782640", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_mobile(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn landline() {
        let cases: &[(&str, Option<&str>)] = &[
            ("0531-51782640", Some("0531-51782640")),
            ("0531—51782640", Some("0531-51782640")),
            ("0531——51782640", Some("0531-51782640")),
            ("0531－51782640", Some("0531-51782640")),
            ("0531–51782640", Some("0531-51782640")),
            ("0531 51782640", Some("0531-51782640")),
            ("0531 - 51782640", Some("0531-51782640")),
            ("(0531)51782640", Some("0531-51782640")),
            ("（0531）51782640", Some("0531-51782640")),
            ("(0531) 51782640", Some("0531-51782640")),
            ("010-62345678", Some("010-62345678")),
            ("01062345678", Some("010-62345678")),
            ("02162345678", Some("021-62345678")),
            ("053151782640", Some("0531-51782640")),
            ("05315178264", Some("0531-5178264")),
            ("0531-5178264", Some("0531-5178264")),
            ("0531-51782640-123", Some("0531-51782640-123")),
            ("0531-51782640转123", Some("0531-51782640-123")),
            ("0531-51782640 转 8001", Some("0531-51782640-8001")),
            ("0531-51782640 ext. 12", Some("0531-51782640-12")),
            ("83180738", Some("83180738")),
            ("8318073", Some("8318073")),
            ("83180738转12", Some("83180738-12")),
            ("０５３１－５１７８２６４０", Some("0531-51782640")),
            // Rejected.
            ("", None),
            ("831807", None),
            ("831807381", None),
            ("03180738", None),
            ("13812345678", None),
            ("0531-01782640", None),
            ("0531-11782640", None),
            ("0031-51782640", None),
            ("05-51782640", None),
            ("05311-51782640", None),
            ("0531-51782640-", None),
            ("0531/51782640", None),
            ("(0531-51782640", None),
            ("tel: 0531-51782640", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_landline(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn phone() {
        let cases: &[(&str, Option<&str>)] = &[
            ("13812345678", Some("13812345678")),
            ("+86 138 1234 5678", Some("13812345678")),
            ("0531—51782640", Some("0531-51782640")),
            ("83180738", Some("83180738")),
            ("12345", None),
            ("abc", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_phone(input).as_deref(), expected, "{input:?}");
        }
    }
}
