//! The 受理编号 of a submitted version and the key a printed page's QR code carries, so that a
//! clerk holding paper can confirm with a phone that it is the version in the system
//! (纸质版材料内容应与系统填报内容一致).
//!
//! The number is made of the call (its id, with the year), the applicant's division when it
//! submitted, and the submission's sequence among the versions submitted in that call from
//! that division (the store counts them): `QZ-2024-AI-INDUSTRY-350503-000017` is the 17th
//! from 丰泽区. Versions stored before the sequence was kept use the snapshot's id. The key is the snapshot id and the first 16 hex digits
//! of the version's SHA-256, `17-3f2a…`: it names one version, and cannot be guessed from the
//! number alone.
//!
//! Must not: read the database; the caller gives the snapshot.

/// Hex digits of the content hash in a verification key.
pub const DIGEST_CHARS: usize = 16;

/// The 受理编号 of snapshot `snapshot_id` of an application to call `call_id` (of `year`) by
/// an organisation of `region`.
pub fn number(call_id: &str, year: i32, region: &str, snapshot_id: i64) -> String {
    let call = call_id.to_ascii_uppercase();
    let year = year.to_string();
    let call = if call.contains(&year) {
        call
    } else {
        format!("{call}-{year}")
    };
    format!("{call}-{region}-{snapshot_id:06}")
}

/// The 受理编号 of a stored version: its own division and sequence when the store kept them
/// (`stored`), else the applicant's division now and the snapshot's id.
pub fn number_of(
    call_id: &str,
    year: i32,
    stored: Option<(&str, i64)>,
    region_now: &str,
    snapshot_id: i64,
) -> String {
    match stored {
        Some((region, seq)) => number(call_id, year, region, seq),
        None => number(call_id, year, region_now, snapshot_id),
    }
}

/// The verification key of a snapshot: its id and the start of its content hash.
pub fn key(snapshot_id: i64, content_hash: &str) -> String {
    let digest: String = content_hash.chars().take(DIGEST_CHARS).collect();
    format!("{snapshot_id}-{}", digest.to_ascii_lowercase())
}

/// The snapshot id and digest of a key, if it is one.
pub fn parse_key(key: &str) -> Option<(i64, &str)> {
    let (id, digest) = key.split_once('-')?;
    let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
    (digest.len() == DIGEST_CHARS && digest.chars().all(|c| c.is_ascii_hexdigit()))
        .then_some((id, digest))
}

/// Whether `digest` (from a key) is the start of `content_hash`.
pub fn matches(digest: &str, content_hash: &str) -> bool {
    content_hash.len() >= DIGEST_CHARS && content_hash[..DIGEST_CHARS].eq_ignore_ascii_case(digest)
}

/// The path of the public verification page of a key.
pub fn verify_path(key: &str) -> String {
    format!("/verify/{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_name_the_call_year_unit_and_sequence() {
        assert_eq!(
            number("qz-2024-ai-industry", 2024, "350503", 17),
            "QZ-2024-AI-INDUSTRY-350503-000017"
        );
        assert_eq!(
            number("xm-ai-pilot", 2026, "350203", 4),
            "XM-AI-PILOT-2026-350203-000004"
        );
    }

    #[test]
    fn keys_round_trip_and_check_the_hash() {
        let hash = "3F2A9C0D11E4B7A8".to_string() + &"0".repeat(48);
        let k = key(17, &hash);
        assert_eq!(k, "17-3f2a9c0d11e4b7a8");
        let (id, digest) = parse_key(&k).expect("a key");
        assert_eq!(id, 17);
        assert!(matches(digest, &hash));
        assert!(!matches("0000000000000000", &hash));
        for bad in [
            "17",
            "x-3f2a9c0d11e4b7a8",
            "17-3f2a",
            "0-3f2a9c0d11e4b7a8",
            "17-zz2a9c0d11e4b7a8",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
    }
}
