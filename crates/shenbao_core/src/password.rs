//! The password rule of every account, however it is created (self-registration, a password
//! change, `shenbao user`): at least [`MIN_LEN`] characters, and hard enough to guess.
//!
//! Must not: hash, store or compare passwords (the use-case layer does, `shenbao_app::accounts`).

use crate::messages::password as m;

/// Shortest password accepted.
pub const MIN_LEN: usize = 8;

/// Why `password` may not be used, in Chinese, or `None` when it is good enough: at least
/// [`MIN_LEN`] characters, and a strength estimate (zxcvbn) of at least 2 of 4, that is, more
/// than a million guesses, which login throttling puts out of reach. `personal` are words of
/// the user (user name, organisation, USCC) that must not make up the password.
pub fn problem(password: &str, personal: &[&str]) -> Option<String> {
    if password.chars().count() < MIN_LEN {
        return Some(m::SHORT.to_string());
    }
    // zxcvbn's cost grows with the length; a passphrase of 64 characters is plenty to rate.
    let rated: String = password.chars().take(64).collect();
    let personal: Vec<&str> = personal
        .iter()
        .map(|w| w.trim())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let entropy = zxcvbn::zxcvbn(&rated, &personal);
    if entropy.score() >= zxcvbn::Score::Two {
        return None;
    }
    use zxcvbn::feedback::Warning as W;
    let lower = password.to_lowercase();
    let reason = if personal.iter().any(|w| lower.contains(&w.to_lowercase())) {
        m::PERSONAL
    } else {
        match entropy.feedback().and_then(|f| f.warning()) {
            Some(
                W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            ) => m::REPEAT,
            Some(W::SequencesLikeAbcAreEasyToGuess) => m::SEQUENCE,
            Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => {
                m::KEYBOARD
            }
            Some(
                W::ThisIsATop10Password
                | W::ThisIsATop100Password
                | W::ThisIsACommonPassword
                | W::ThisIsSimilarToACommonlyUsedPassword
                | W::AWordByItselfIsEasyToGuess
                | W::NamesAndSurnamesByThemselvesAreEasyToGuess
                | W::CommonNamesAndSurnamesAreEasyToGuess,
            ) => m::COMMON,
            Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => m::DATE,
            None => m::GENERAL,
        }
    };
    Some(format!("{}：{reason}", m::WEAK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_weak_personal_and_good_passwords() {
        assert_eq!(problem("abc123", &[]).as_deref(), Some(m::SHORT));
        let weak = problem("12345678", &[]).expect("a sequence is weak");
        assert!(weak.starts_with(m::WEAK), "{weak}");
        let personal = problem("zhangsan2024", &["zhangsan"]).expect("the user name is weak");
        assert!(personal.ends_with(m::PERSONAL), "{personal}");
        assert_eq!(problem("月光-Tiger-槐树-1987x", &[]), None);
    }
}
