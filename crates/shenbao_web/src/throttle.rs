//! Growing delays instead of lockouts: password guessing, registrations and password changes
//! are slowed down per key, never locked.
//!
//! A lock that strangers can trigger is a weapon: five wrong passwords used to lock any account
//! for 15 minutes, and 30 failures from one address locked every account from it (behind a
//! reverse proxy: the whole site). Here each key (an account from one client, a client, an
//! account from anywhere) has a number of free failures in [`WINDOW_MS`]; past them the next
//! attempt must wait a delay that doubles with every further failure, up to the key's cap. An
//! attempt made too early is answered with the wait and is not counted, so waiting is all it
//! takes. A stranger who guesses an account's password from elsewhere slows its owner down by
//! at most [`ACCOUNT_ANYWHERE`]'s cap (30 s), not 15 minutes.
//!
//! The failures live in the store's `login_failures` table (key, time), so several servers
//! sharing a database share the counts.

use crate::ServerState;
use crate::error::AppError;

/// Failures are counted over this window.
pub const WINDOW_MS: i64 = 60 * 60 * 1000;

/// How one kind of key is slowed down.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Prefix of the key in the store.
    pub prefix: &'static str,
    /// Failures in the window before any delay.
    pub free: i64,
    /// The first delay, in milliseconds; each further failure doubles it.
    pub base_ms: i64,
    /// The longest delay, in milliseconds.
    pub cap_ms: i64,
}

/// Wrong passwords for one account from one client.
pub const ACCOUNT_FROM_CLIENT: Rule = Rule {
    prefix: "login:",
    free: 3,
    base_ms: 1_000,
    cap_ms: 15 * 60 * 1000,
};
/// Wrong passwords from one client, whatever the account.
pub const CLIENT: Rule = Rule {
    prefix: "login-ip:",
    free: 20,
    base_ms: 1_000,
    cap_ms: 15 * 60 * 1000,
};
/// Wrong passwords for one account from anywhere: a low cap, so that strangers elsewhere
/// cannot keep its owner out.
pub const ACCOUNT_ANYWHERE: Rule = Rule {
    prefix: "login-user:",
    free: 10,
    base_ms: 1_000,
    cap_ms: 30_000,
};
/// Registration attempts from one client (each costs a password hash).
pub const REGISTRATION: Rule = Rule {
    prefix: "register:",
    free: 10,
    base_ms: 2_000,
    cap_ms: 10 * 60 * 1000,
};
/// Wrong old passwords when changing the password, per account.
pub const PASSWORD_CHANGE: Rule = Rule {
    prefix: "password:",
    free: 3,
    base_ms: 2_000,
    cap_ms: 15 * 60 * 1000,
};

/// Wrong second-factor codes, per account (six digits: a million codes, so few tries).
pub const SECOND_FACTOR: Rule = Rule {
    prefix: "second-factor:",
    free: 3,
    base_ms: 2_000,
    cap_ms: 15 * 60 * 1000,
};

impl Rule {
    /// The store key of `subject` under this rule.
    pub fn key(&self, subject: &str) -> String {
        format!("{}{}", self.prefix, subject.to_lowercase())
    }

    /// The delay after `failures` failures in the window.
    pub fn delay_ms(&self, failures: i64) -> i64 {
        if failures <= self.free {
            return 0;
        }
        let doublings = u32::try_from(failures - self.free - 1)
            .unwrap_or(u32::MAX)
            .min(40);
        self.base_ms
            .saturating_mul(1_i64 << doublings)
            .min(self.cap_ms)
    }
}

/// How long, in whole seconds, the caller must still wait before an attempt on `keys` (each a
/// rule and its subject); 0 when it may go ahead.
pub async fn wait_secs(state: &ServerState, keys: &[(Rule, &str)]) -> Result<u64, AppError> {
    let now = state.now();
    let mut wait_ms = 0;
    for (rule, subject) in keys {
        let (failures, latest) = state
            .store
            .login_failure_stats(&rule.key(subject), now - WINDOW_MS)
            .await?;
        if let Some(latest) = latest {
            wait_ms = wait_ms.max(latest + rule.delay_ms(failures) - now);
        }
    }
    Ok(u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000))
}

/// Refuses with 429 and the wait when any of `keys` must still wait.
pub async fn check(state: &ServerState, keys: &[(Rule, &str)]) -> Result<(), AppError> {
    match wait_secs(state, keys).await? {
        0 => Ok(()),
        secs => Err(AppError::TooMany(secs)),
    }
}

/// Counts one failure (or, for registrations, one attempt) against each of `keys`.
pub async fn record(state: &ServerState, keys: &[(Rule, &str)]) -> Result<(), AppError> {
    let now = state.now();
    for (rule, subject) in keys {
        state
            .store
            .record_login_failure(&rule.key(subject), now)
            .await?;
    }
    Ok(())
}

/// Forgets the failures of `keys` (after a success).
pub async fn clear(state: &ServerState, keys: &[(Rule, &str)]) -> Result<(), AppError> {
    for (rule, subject) in keys {
        state.store.clear_login_failures(&rule.key(subject)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        let r = ACCOUNT_FROM_CLIENT;
        assert_eq!(r.delay_ms(0), 0);
        assert_eq!(r.delay_ms(3), 0);
        assert_eq!(r.delay_ms(4), 1_000);
        assert_eq!(r.delay_ms(5), 2_000);
        assert_eq!(r.delay_ms(8), 16_000);
        assert_eq!(r.delay_ms(1_000), 15 * 60 * 1000);
        assert_eq!(ACCOUNT_ANYWHERE.delay_ms(i64::MAX), 30_000);
        assert_eq!(r.key("LiSi|1.2.3.4"), "login:lisi|1.2.3.4");
    }
}
