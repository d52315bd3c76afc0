//! Bank account numbers.
//!
//! Must not: apply a Luhn or bank-specific check (see [`parse_bank_account`]).

use super::phone::normalize_phone;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
