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
//!
//! Must not: hold user-facing messages or read anything but its input.

mod bank;
mod date;
mod number;
mod phone;
mod uscc;
mod web;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

pub use bank::parse_bank_account;
pub use date::{parse_date, parse_month};
pub use number::{decimal_places, parse_number};
pub use phone::{parse_landline, parse_mobile, parse_phone};
pub use uscc::{Uscc, UsccError, enterprise_code, normalize_code, parse_uscc};
pub use web::{is_email, is_web_url};

/// Trim, NFKC-normalise (full-width forms become ASCII) and trim again.
fn nfkc_trim(input: &str) -> String {
    input.trim().nfkc().collect::<String>().trim().to_owned()
}

/// Compile a regex known to be valid at compile time.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("hard-coded regex is valid")
}
