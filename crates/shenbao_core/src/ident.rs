//! Identifiers and value formats that application forms ask for.
//!
//! * [`parse_uscc`]: 统一社会信用代码 (Unified Social Credit Code, GB 32100-2015), with its
//!   check character as a hard error and the embedded GB 11714 organisation code check as an
//!   advisory flag ([`Uscc::org_code_ok`]).
//! * [`parse_mobile`], [`parse_landline`], [`parse_phone`]: mainland phone numbers, in the
//!   forms the seeds and applicants actually write (`0531—51782640`, `（0531）51782640`).
//! * [`is_email`], [`is_web_url`]: e-mail addresses and web sites, on top of the
//!   `email_address` and `url` crates.
//! * [`parse_bank_account`], [`parse_date`], [`parse_month`], [`parse_number`],
//!   [`decimal_places`].
//!
//! Every function is pure and tolerant of what a Chinese IME produces: input is NFKC
//! normalised first, so full-width digits, letters and punctuation (`１２３`, `－`, `（`)
//! are read as their ASCII forms. Errors are returned as values; user-facing Chinese messages
//! are produced elsewhere from them.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Trim, NFKC-normalise (full-width forms become ASCII) and trim again.
fn nfkc_trim(input: &str) -> String {
    input.trim().nfkc().collect::<String>().trim().to_owned()
}

/// Compile a regex known to be valid at compile time.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("hard-coded regex is valid")
}

// ---------------------------------------------------------------------------------------------
// USCC
// ---------------------------------------------------------------------------------------------

/// The 31 characters of the USCC alphabet, in value order (0..=30). No I, O, Z, S, V.
const USCC_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1..=17: `3^(i-1) mod 31`.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the 8 body characters of a GB 11714 organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The value (0..=30) of a USCC character, or `None` if it is not in the alphabet.
fn uscc_value(c: char) -> Option<u32> {
    USCC_CHARSET
        .iter()
        .position(|&b| char::from(b) == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The check character (position 18) for the first 17 characters of a USCC.
///
/// Characters outside the alphabet count as 0; callers validate the charset first.
fn uscc_check_char(first17: &[char]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(&c, w)| uscc_value(c).unwrap_or(0) * w)
        .sum();
    let value = (31 - sum % 31) % 31;
    char::from(USCC_CHARSET[value as usize])
}

/// The GB 11714 check character for an 8-character organisation code body, or `None` if the
/// body holds a character that is neither a digit nor an ASCII capital letter.
fn org_code_check_char(body: &[char]) -> Option<char> {
    let mut sum = 0;
    for (&c, w) in body.iter().zip(ORG_WEIGHTS) {
        let v = match c {
            '0'..='9' | 'A'..='Z' => c.to_digit(36)?,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

/// A valid 统一社会信用代码 (GB 32100-2015): 18 characters whose check character matches.
///
/// Positions 9–17 embed the old GB 11714 organisation code, whose own check digit (position
/// 17) is only advisory: some codes in the wild fail it, so [`Uscc::org_code_ok`] reports it
/// instead of rejecting the code. Positions 3–8 (the administrative division) are not checked
/// against the list of divisions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc {
    code: String,
    org_code_ok: bool,
}

impl Uscc {
    /// The normalised 18-character code (ASCII, upper case).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whether positions 9–17 pass the GB 11714 organisation code check. `false` is a warning
    /// to show the applicant, not an error.
    pub fn org_code_ok(&self) -> bool {
        self.org_code_ok
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_uscc(s)
    }
}

/// Why a string is not a valid 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// The normalised code does not have 18 characters.
    #[error("a unified social credit code has 18 characters, found {len}")]
    Length {
        /// Number of characters found, after normalisation.
        len: usize,
    },
    /// A character is not allowed at its position (1-based).
    #[error("character {found:?} is not allowed at position {position}")]
    Charset {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character, after normalisation.
        found: char,
    },
    /// The check character (position 18) does not match the other 17.
    #[error("check character is {found:?} but should be {expected:?}")]
    CheckChar {
        /// The check character computed from positions 1–17.
        expected: char,
        /// The character at position 18.
        found: char,
    },
}

/// Normalise a typed code: trim, NFKC (full-width `９１` becomes `91`), upper case.
///
/// Spaces inside the code are kept, so that they are reported rather than silently dropped.
pub fn normalize_code(input: &str) -> String {
    nfkc_trim(input).to_uppercase()
}

/// Parse and check a 统一社会信用代码.
///
/// After [`normalize_code`], the code must be 18 characters of the shape
/// `^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$` and its 18th character must be
/// the GB 32100 check character: `C18 = 31 − (Σ Cᵢ·Wᵢ mod 31)` with `Wᵢ = 3^(i−1) mod 31`
/// (31 is written as 0). The GB 11714 check on positions 9–17 is reported by
/// [`Uscc::org_code_ok`].
///
/// ```
/// use shenbao_core::ident::{parse_uscc, UsccError};
/// let ok = parse_uscc(" 91350100M000100Y43 ").expect("valid");
/// assert_eq!(ok.code(), "91350100M000100Y43");
/// assert!(ok.org_code_ok());
/// assert_eq!(
///     parse_uscc("914403001922038217"),
///     Err(UsccError::CheckChar { expected: '6', found: '7' })
/// );
/// ```
pub fn parse_uscc(input: &str) -> Result<Uscc, UsccError> {
    let code = normalize_code(input);
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(UsccError::Length { len: chars.len() });
    }
    for (i, &c) in chars.iter().enumerate() {
        let allowed = if (2..8).contains(&i) {
            c.is_ascii_digit()
        } else {
            uscc_value(c).is_some()
        };
        if !allowed {
            return Err(UsccError::Charset {
                position: i + 1,
                found: c,
            });
        }
    }
    let expected = uscc_check_char(&chars[..17]);
    if chars[17] != expected {
        return Err(UsccError::CheckChar {
            expected,
            found: chars[17],
        });
    }
    let org_code_ok = org_code_check_char(&chars[8..16]) == Some(chars[16]);
    Ok(Uscc { code, org_code_ok })
}

// ---------------------------------------------------------------------------------------------
// Phones
// ---------------------------------------------------------------------------------------------
//
// Hand-written on purpose: the `phonenumber` crate is heavy (it embeds the full libphonenumber
// metadata) and rejects the forms the seeds and applicants use, such as an em dash between
// area code and number (`0531—51782640`) or a bare local number (`83180738`).

/// NFKC, map every dash-like character to `-` and every whitespace to a plain space, trim.
fn normalize_phone(s: &str) -> String {
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

// ---------------------------------------------------------------------------------------------
// E-mail and URL
// ---------------------------------------------------------------------------------------------

/// Whether `c` is East Asian punctuation or a symbol (not a letter): `。`, `，`, `“`, ...
/// Such a character at the end of an address is almost always prose punctuation that was
/// copied along with it.
fn is_cjk_punctuation(c: char) -> bool {
    crate::text::is_east_asian(c) && !c.is_alphanumeric()
}

/// Whether `s` is a plain e-mail address (`name@example.cn`).
///
/// Checked with the `email_address` crate (RFC 5321/5322/6531) without display names
/// (`Name <a@b.cn>`) or domain literals (`a@[1.2.3.4]`), and additionally: the domain needs
/// at least two labels with a top-level label of 2+ characters that is not all digits, and no
/// whitespace or East Asian punctuation may appear anywhere. The latter rejects
/// `cytjc@shandong.cn。`, an address copied from prose with its full stop. Surrounding
/// whitespace is ignored (the form trims it anyway).
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    if s.chars()
        .any(|c| c.is_whitespace() || is_cjk_punctuation(c))
    {
        return false;
    }
    let options = email_address::Options::default()
        .with_minimum_sub_domains(2)
        .without_display_text()
        .without_domain_literal();
    let Ok(addr) = email_address::EmailAddress::parse_with_options(s, options) else {
        return false;
    };
    let Some(tld) = addr.domain().rsplit('.').next() else {
        return false;
    };
    tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
}

/// Whether `s` is a web site address: `http` or `https` with a host that is an IP address or a
/// domain name containing a dot (`localhost` is rejected).
///
/// An input without `://` is tried as `https://` + input, so a bare `www.example.com` or
/// `example.gov.cn/path` is accepted. User info (`user:pass@`, which also catches
/// `mailto:a@example.com` read as `https://mailto:a@example.com`), whitespace and East Asian punctuation anywhere (an
/// address copied from prose with its `。`), empty domain labels and a trailing dot in the
/// host are rejected. Surrounding whitespace is ignored.
pub fn is_web_url(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || is_cjk_punctuation(c))
    {
        return false;
    }
    let parsed = if s.contains("://") {
        url::Url::parse(s)
    } else {
        url::Url::parse(&format!("https://{s}"))
    };
    let Ok(url) = parsed else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
        return false;
    }
    if url.password().is_some() {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        Some(url::Host::Domain(domain)) => {
            domain.contains('.') && domain.split('.').all(|label| !label.is_empty())
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Bank account
// ---------------------------------------------------------------------------------------------

/// A bank account number: spaces and hyphens are removed, then 8–32 digits remain. Returns the
/// digits.
///
/// There is deliberately no Luhn check: Chinese corporate (对公) account numbers vary in
/// length by bank and do not carry a Luhn check digit, unlike most personal card numbers.
pub fn parse_bank_account(s: &str) -> Option<String> {
    let digits: String = normalize_phone(s)
        .chars()
        .filter(|&c| c != ' ' && c != '-')
        .collect();
    let ok = (8..=32).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

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
    use proptest::prelude::*;

    const VALID_USCC: &[&str] = &[
        "914403001922038216",
        "91440300708461136T",
        "9144030071526726XG",
        "91110000710926094P",
        "91310000631696382C",
        "91440300192317458F",
        "91100000100003962T",
        "91520000214434146R",
        "91110108551385082Q",
        "91350100M000100Y43",
    ];

    #[test]
    fn uscc_weights_are_powers_of_three() {
        let mut w = 1;
        for &expected in &USCC_WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn uscc_valid() {
        for code in VALID_USCC {
            let u = parse_uscc(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(u.code(), *code);
            assert!(u.org_code_ok(), "{code}: GB 11714 check should pass");
            assert_eq!(u.to_string(), *code);
            assert_eq!(code.parse::<Uscc>().as_ref(), Ok(&u));
        }
    }

    #[test]
    fn uscc_normalisation() {
        let cases = [
            ("９１４４０３００１９２２０３８２１６", "914403001922038216"),
            ("  91350100m000100y43\n", "91350100M000100Y43"),
            ("\u{3000}91440300708461136t\u{3000}", "91440300708461136T"),
        ];
        for (input, code) in cases {
            assert_eq!(normalize_code(input), code);
            let u = parse_uscc(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(u.code(), code);
        }
    }

    #[test]
    fn uscc_org_code_warning() {
        let u = parse_uscc("91310000631295002H").expect("18th check passes");
        assert!(!u.org_code_ok());
    }

    #[test]
    fn uscc_invalid() {
        let cases: &[(&str, UsccError)] = &[
            (
                "914403001922038217",
                UsccError::CheckChar {
                    expected: '6',
                    found: '7',
                },
            ),
            (
                "914403009122038216",
                UsccError::CheckChar {
                    expected: 'G',
                    found: '6',
                },
            ),
            (
                "914413001922038216",
                UsccError::CheckChar {
                    expected: 'J',
                    found: '6',
                },
            ),
            (
                "91440300192203821O",
                UsccError::Charset {
                    position: 18,
                    found: 'O',
                },
            ),
            ("91440300192203821", UsccError::Length { len: 17 }),
            ("9144030019220382160", UsccError::Length { len: 19 }),
            ("", UsccError::Length { len: 0 }),
            (
                "9144A3001922038216",
                UsccError::Charset {
                    position: 5,
                    found: 'A',
                },
            ),
            (
                "I14403001922038216",
                UsccError::Charset {
                    position: 1,
                    found: 'I',
                },
            ),
            (
                "9144 3001922038216",
                UsccError::Charset {
                    position: 5,
                    found: ' ',
                },
            ),
            (
                "91440300192203821Z",
                UsccError::Charset {
                    position: 18,
                    found: 'Z',
                },
            ),
        ];
        for (input, err) in cases {
            assert_eq!(parse_uscc(input).as_ref(), Err(err), "{input}");
        }
    }

    #[test]
    fn uscc_error_display() {
        let e = UsccError::CheckChar {
            expected: '6',
            found: '7',
        };
        assert_eq!(e.to_string(), "check character is '7' but should be '6'");
        assert!(
            UsccError::Length { len: 17 }
                .to_string()
                .contains("found 17")
        );
    }

    #[test]
    fn org_code_check() {
        let body: Vec<char> = "M000100Y".chars().collect();
        assert_eq!(org_code_check_char(&body), Some('4'));
        let body: Vec<char> = "19220382".chars().collect();
        assert_eq!(org_code_check_char(&body), Some('1'));
        let body: Vec<char> = "1922038*".chars().collect();
        assert_eq!(org_code_check_char(&body), None);
    }

    /// A strategy for valid USCCs: random body in the right alphabet + computed check char.
    fn valid_uscc() -> impl Strategy<Value = String> {
        let charset = prop::sample::select(
            USCC_CHARSET
                .iter()
                .map(|&b| char::from(b))
                .collect::<Vec<_>>(),
        );
        let digit = prop::sample::select(('0'..='9').collect::<Vec<_>>());
        (
            prop::collection::vec(charset.clone(), 2),
            prop::collection::vec(digit, 6),
            prop::collection::vec(charset, 9),
        )
            .prop_map(|(a, b, c)| {
                let mut chars: Vec<char> = a.into_iter().chain(b).chain(c).collect();
                chars.push(uscc_check_char(&chars));
                chars.into_iter().collect()
            })
    }

    proptest! {
        #[test]
        fn uscc_generated_codes_are_valid(code in valid_uscc()) {
            prop_assert!(parse_uscc(&code).is_ok());
        }

        #[test]
        fn uscc_single_substitution_detected(
            code in prop_oneof![
                prop::sample::select(VALID_USCC.to_vec()).prop_map(str::to_owned),
                valid_uscc(),
            ],
            position in 0usize..18,
            replacement in prop::sample::select(USCC_CHARSET.to_vec()),
        ) {
            let mut chars: Vec<char> = code.chars().collect();
            let replacement = char::from(replacement);
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let mutated: String = chars.into_iter().collect();
            prop_assert!(parse_uscc(&mutated).is_err(), "{} -> {} accepted", code, mutated);
        }

        #[test]
        fn uscc_adjacent_transposition_detected(code in valid_uscc(), position in 0usize..17) {
            let mut chars: Vec<char> = code.chars().collect();
            prop_assume!(chars[position] != chars[position + 1]);
            chars.swap(position, position + 1);
            let mutated: String = chars.into_iter().collect();
            prop_assert!(parse_uscc(&mutated).is_err(), "{} -> {} accepted", code, mutated);
        }
    }

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

    #[test]
    fn email() {
        let cases: &[(&str, bool)] = &[
            ("cytjc@shandong.cn", true),
            ("  cytjc@shandong.cn  ", true),
            ("first.last+tag@mail.example.com.cn", true),
            ("user_name-1@sub-domain.example.org", true),
            ("用户@例子.中国", true),
            ("cytjc@shandong.cn。", false),
            ("cytjc@shandong。cn", false),
            ("cytjc@shandong.cn，", false),
            ("“cytjc@shandong.cn”", false),
            ("cytjc@shandong", false),
            ("cytjc@shandong.c", false),
            ("cytjc@1.2.3.4", false),
            ("cytjc@[1.2.3.4]", false),
            ("Name <cytjc@shandong.cn>", false),
            ("cytjc shandong.cn", false),
            ("cytjc@@shandong.cn", false),
            ("cytjc@shandong..cn", false),
            ("cytjc@.shandong.cn", false),
            ("@shandong.cn", false),
            ("cytjc@", false),
            ("cy tjc@shandong.cn", false),
            ("", false),
        ];
        for &(input, expected) in cases {
            assert_eq!(is_email(input), expected, "{input:?}");
        }
    }

    #[test]
    fn web_url() {
        let cases: &[(&str, bool)] = &[
            ("https://www.gov.cn", true),
            ("http://kjt.shandong.gov.cn/art/2024/1/1/art_1.html", true),
            ("https://example.com:8443/a?b=c#d", true),
            ("www.example.com", true),
            ("example.gov.cn/path", true),
            ("www.example.com:8080", true),
            ("http://192.168.1.10/app", true),
            ("http://[::1]:8080/", true),
            ("https://中国政府网.政务", true),
            ("HTTPS://WWW.GOV.CN", true),
            ("ftp://example.com", false),
            ("mailto:a@example.com", false),
            ("https://localhost", false),
            ("localhost:8080", false),
            ("https://", false),
            ("www.example.com。", false),
            ("https://www.example.com，", false),
            ("www.example.com.", false),
            ("https://www..example.com", false),
            ("https://www.exa mple.com", false),
            ("见 www.example.com", false),
            ("javascript:alert(1)", false),
            ("https://user:pw@www.example.com", false),
            ("a@example.com", false),
            ("", false),
            ("   ", false),
        ];
        for &(input, expected) in cases {
            assert_eq!(is_web_url(input), expected, "{input:?}");
        }
    }

    #[test]
    fn bank_account() {
        let cases: &[(&str, Option<&str>)] = &[
            ("6222 0202 0001 2345 678", Some("6222020200012345678")),
            ("37001616-0100-5025-1234", Some("37001616010050251234")),
            ("12345678", Some("12345678")),
            ("１２３４５６７８９０", Some("1234567890")),
            ("1234567", None),
            ("6222-0202-000A", None),
            ("6222.0202.0001", None),
            ("", None),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse_bank_account(input).as_deref(), expected, "{input:?}");
        }
        let max = "1".repeat(32);
        assert_eq!(parse_bank_account(&max).as_deref(), Some(max.as_str()));
        assert_eq!(parse_bank_account(&"1".repeat(33)), None);
    }

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
