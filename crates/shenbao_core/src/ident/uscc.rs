//! 统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): the check character as a hard
//! error, and the embedded GB 11714 organisation code check as an advisory flag.
//!
//! Must not: check positions 3–8 against the list of divisions, or word messages for users.

use std::fmt;
use std::str::FromStr;

use super::nfkc_trim;

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
}

/// A valid code of an enterprise (91) registered in `region` (6 digits), with an organisation
/// code built from `serial` (`MA` and six digits, with its GB 11714 check digit) and the
/// GB 32100 check character: demo data and tests that need many distinct valid codes.
pub fn enterprise_code(region: &str, serial: u32) -> String {
    let body: Vec<char> = format!("MA{:06}", serial % 1_000_000).chars().collect();
    let org_check = org_code_check_char(&body).unwrap_or('0');
    let mut first17: Vec<char> = format!("91{region}").chars().collect();
    first17.extend(&body);
    first17.push(org_check);
    let check = uscc_check_char(&first17);
    first17.push(check);
    first17.into_iter().collect()
}

#[cfg(test)]
mod enterprise_code_tests {
    use super::*;

    #[test]
    fn made_codes_parse_with_their_organisation_code() {
        for serial in [0, 1, 17, 999_999] {
            let code = enterprise_code("350503", serial);
            let parsed = parse_uscc(&code).expect("valid");
            assert!(parsed.org_code_ok(), "{code}");
            assert_eq!(&code[2..8], "350503");
        }
    }
}
