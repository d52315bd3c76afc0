//! Accounts' secrets and the clock, for every front end (the web's registration, login and
//! password change; `shenbao user`): Argon2id password hashes, random tokens, and the time of
//! the system.
//!
//! The password rule itself (length, strength, its Chinese reasons) is in the core:
//! [`shenbao_core::password`].
//!
//! Must not: hash on an async worker; a web handler runs these on the blocking pool.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashes a password with Argon2id (PHC string). Blocks for tens of milliseconds.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Whether `password` matches the stored PHC `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// 32 random bytes as hex: session ids, CSRF tokens, generated passwords.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // The OS random source failing is not something a caller can recover from.
    getrandom::fill(&mut b).expect("operating system random source");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Now, in milliseconds since the Unix epoch: the clock of a server or command (tests move
/// the web server's clock through its state instead).
pub fn system_now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("月光-Tiger-槐树").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("月光-Tiger-槐树", &hash));
        assert!(!verify_password("月光-Tiger-槐树!", &hash));
        assert!(!verify_password("月光-Tiger-槐树", "not a hash"));
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
