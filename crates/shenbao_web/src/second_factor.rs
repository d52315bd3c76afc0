//! The second factor of staff accounts: TOTP (RFC 6238: six digits, 30-second steps, one
//! step of clock drift either way, SHA-1 as every authenticator app reads it) through the
//! `totp-rs` crate, with ten one-time recovery codes, and which roles must have one.
//!
//! A code is accepted only for a time step later than the last one accepted, so a code seen
//! over someone's shoulder cannot be used again. Recovery codes are random (50 bits each), so
//! they are stored as SHA-256 hashes.

/// Where a user sets up the second factor.
pub const SECOND_FACTOR_SETUP: &str = "/account/second-factor";

use sha2::{Digest, Sha256};
use shenbao_store::Role;
use totp_rs::{Builder, Secret, Totp};

/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;
/// How long a login may wait for its second factor, in milliseconds.
pub const PENDING_MS: i64 = 5 * 60 * 1000;
/// The issuer shown in authenticator apps.
const ISSUER: &str = "shenbao";

/// The roles `--require-second-factor` may name.
pub fn parse_roles(list: &str) -> Result<Vec<Role>, String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<Role>() {
            Ok(Role::Applicant) | Err(_) => Err(format!(
                "需要第二重验证的角色应为 bureau、owner、expert 或 admin：{s}"
            )),
            Ok(r) => Ok(r),
        })
        .collect()
}

/// A new random secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    // The OS random source failing is not something a request can recover from.
    getrandom::fill(&mut bytes).expect("operating system random source");
    Secret::from(bytes).to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).ok()?)
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The QR code of `text` as an SVG image in a `data:` address (the CSP allows `data:` images).
pub fn qr_data_url(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Some(format!(
        "data:image/svg+xml;utf8,{}",
        percent_encoding::utf8_percent_encode(&svg, percent_encoding::NON_ALPHANUMERIC)
    ))
}

/// The time step whose code `code` is at `now_ms` (±1 step), if any.
pub fn matching_step(secret: &str, code: &str, now_ms: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "-")?;
    let time = u64::try_from(now_ms / 1000).ok()?;
    let counter = totp.check(&code, time)?;
    i64::try_from(counter).ok()
}

/// The code of `secret` at `now_ms` (for tests and the CLI).
pub fn code_at(secret: &str, now_ms: i64) -> Option<String> {
    let time = u64::try_from(now_ms / 1000).ok()?;
    Some(totp(secret, "-")?.generate(time).to_string())
}

/// New recovery codes: what the user is shown once, and what is stored.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut shown = Vec::new();
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).expect("operating system random source");
        let code: String = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        shown.push(format!("{}-{}", &code[..5], &code[5..]));
    }
    let hashes = shown.iter().map(|c| recovery_hash(c)).collect();
    (shown, hashes)
}

/// The stored form of a recovery code as typed (case, spaces and dashes do not matter).
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(normal.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_with_one_step_of_drift() {
        let secret = new_secret();
        let now = 1_795_320_000_000;
        let code = code_at(&secret, now).expect("code");
        let step = matching_step(&secret, &code, now).expect("matches now");
        assert_eq!(step, now / 1000 / 30);
        assert_eq!(matching_step(&secret, &code, now + 30_000), Some(step));
        assert_eq!(matching_step(&secret, &code, now + 120_000), None);
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        // RFC 6238 appendix B: SHA-1, the ASCII secret "12345678901234567890", T = 59 s.
        let rfc = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&rfc, 59_000).as_deref(), Some("287082"));
    }

    #[test]
    fn recovery_codes_are_random_and_typed_loosely() {
        let (shown, hashes) = new_recovery_codes();
        assert_eq!(shown.len(), RECOVERY_CODES);
        assert_eq!(
            recovery_hash(&shown[0].to_uppercase().replace('-', " ")),
            hashes[0]
        );
        assert_ne!(shown[0], shown[1]);
        assert!(parse_roles("bureau, owner,admin").is_ok());
        assert!(parse_roles("applicant").is_err());
    }
}
