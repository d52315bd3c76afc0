//! Near-duplicate texts (疑似重复申报): a MinHash fingerprint of a narrative section over
//! jieba-rs word bigrams, its locality-sensitive band keys, and the similarity of two
//! fingerprints.
//!
//! A text is cut into words by `jieba-rs` (punctuation and spaces dropped, letters lower-cased
//! after NFKC), and its *shingles* are the pairs of consecutive words. The fingerprint is the
//! MinHash signature of that set: [`HASHES`] minima, each under another mixing of the
//! shingles' hashes, so that the share of equal positions in two signatures estimates the
//! Jaccard similarity of the two sets. Cut into [`BANDS`] bands of [`ROWS`] values, two texts
//! share at least one band key with probability `1 − (1 − s^ROWS)^BANDS` for similarity `s`
//! (0.03 at 0.3, 0.31 at 0.5, 0.89 at 0.7, 0.99 at 0.8): the store looks candidates up by
//! band key, and [`similarity`] keeps those at or above [`THRESHOLD`]. Five values a band
//! rather than four keep chance collisions between unrelated texts rare: with 16 bands of 4 a
//! lookup among 20,000 generated applications took 44 ms at p95, with 12 of 5 15 ms, and
//! light edits were still found (499 of 500, `benches/duplicates.rs` in shenbao_app).
//!
//! Hand-written, about fifty lines: the MinHash crates on crates.io are a 0.0.1 partial port
//! ("use at your own risk") and an in-memory 0.1 index, neither with a signature whose values
//! are fixed across versions, which a stored fingerprint needs. The hashes here are SipHash-1-3
//! with fixed keys (`siphasher`) and a fixed mixing, so a fingerprint computed today matches
//! one computed by any later build.
//!
//! Must not: read the database or decide what a match means for a review.

use std::hash::Hasher;
use std::sync::OnceLock;

use siphasher::sip::SipHasher13;

/// Values in a signature.
pub const HASHES: usize = 64;
/// Bands of the signature used as lookup keys (the first `BANDS × ROWS` values).
pub const BANDS: usize = 12;
/// Values per band.
pub const ROWS: usize = 5;
/// Estimated Jaccard similarity from which two sections are flagged.
pub const THRESHOLD: f64 = 0.5;
/// Shortest text (in characters) that gets a fingerprint: shorter answers (a name, a line)
/// say too little to be compared.
pub const MIN_CHARS: usize = 80;

/// A section's MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(pub [u32; HASHES]);

fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

fn sip(parts: &[&[u8]]) -> u64 {
    let mut h = SipHasher13::new_with_keys(0x7368_656e_6261_6f31, 0x6e65_6172_2d64_7570);
    for p in parts {
        h.write(p);
        h.write_u8(0xff);
    }
    h.finish()
}

/// splitmix64: a fixed bijective mixing, one per signature position.
fn mix(x: u64, i: u64) -> u64 {
    let mut z = x ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The words of `text`, as the fingerprint sees them: jieba's cut of its NFKC form, lower-
/// cased, without punctuation, symbols or spaces.
pub fn words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = text.nfkc().flat_map(char::to_lowercase).collect();
    jieba()
        .cut(&text, false)
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric))
        .map(|t| t.word.to_string())
        .collect()
}

/// The fingerprint of `text`, or `None` when it is shorter than [`MIN_CHARS`] characters or
/// has fewer than two words.
pub fn fingerprint(text: &str) -> Option<Fingerprint> {
    if text.chars().filter(|c| !c.is_whitespace()).count() < MIN_CHARS {
        return None;
    }
    let words = words(text);
    if words.len() < 2 {
        return None;
    }
    let mut sig = [u32::MAX; HASHES];
    for pair in words.windows(2) {
        let x = sip(&[pair[0].as_bytes(), pair[1].as_bytes()]);
        for (i, slot) in sig.iter_mut().enumerate() {
            // The high half: the low bits of splitmix64 are as good, but this is the rule.
            let v = (mix(x, i as u64) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    }
    Some(Fingerprint(sig))
}

impl Fingerprint {
    /// The band keys: one per band, a hash of the band's number and values (as `i64`, the
    /// type both databases index).
    pub fn band_keys(&self) -> [i64; BANDS] {
        let mut keys = [0; BANDS];
        for (b, key) in keys.iter_mut().enumerate() {
            let mut bytes = Vec::with_capacity(4 * ROWS + 1);
            bytes.push(u8::try_from(b).unwrap_or(u8::MAX));
            for v in &self.0[b * ROWS..(b + 1) * ROWS] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            *key = i64::from_ne_bytes(sip(&[&bytes]).to_ne_bytes());
        }
        keys
    }

    /// The signature as stored: 8 hex digits per value.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|v| format!("{v:08x}")).collect()
    }

    /// A stored signature; `None` when it is not one.
    pub fn from_hex(text: &str) -> Option<Fingerprint> {
        if text.len() != 8 * HASHES || !text.is_ascii() {
            return None;
        }
        let mut sig = [0; HASHES];
        for (i, v) in sig.iter_mut().enumerate() {
            *v = u32::from_str_radix(&text[8 * i..8 * i + 8], 16).ok()?;
        }
        Some(Fingerprint(sig))
    }
}

/// The estimated Jaccard similarity of two fingerprints: the share of equal positions.
pub fn similarity(a: &Fingerprint, b: &Fingerprint) -> f64 {
    let same = a.0.iter().zip(&b.0).filter(|(x, y)| x == y).count();
    same as f64 / HASHES as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "本项目面向制造业企业的售后服务场景，基于行业大模型构建智能客服系统，\
        实现工单自动分派、故障知识检索和维修方案生成。系统上线一年来，累计服务客户三千余家，\
        平均响应时间由两小时缩短至十分钟，一次解决率提升百分之二十五，人工成本下降百分之三十。";

    #[test]
    fn a_copy_matches_a_light_edit_is_close_and_another_text_is_far() {
        let a = fingerprint(TEXT).expect("long enough");
        assert_eq!(similarity(&a, &fingerprint(TEXT).unwrap()), 1.0);
        let edited = TEXT
            .replace("三千余家", "三千五百余家")
            .replace("一年来", "十八个月来");
        let b = fingerprint(&edited).unwrap();
        assert!(similarity(&a, &b) >= THRESHOLD, "{}", similarity(&a, &b));
        let other = "我单位建设的城市交通信号优化平台接入路口一千二百个，利用视频识别和强化学习算法\
            实时调整配时方案，高峰时段主干道平均通行速度提高百分之十八，排队长度减少约三成，\
            并与公安交管部门的指挥系统实现数据互通。";
        let c = fingerprint(other).unwrap();
        assert!(similarity(&a, &c) < 0.2, "{}", similarity(&a, &c));
        assert!(
            a.band_keys()
                .iter()
                .zip(b.band_keys())
                .any(|(x, y)| *x == y)
        );
        assert_eq!(Fingerprint::from_hex(&a.to_hex()), Some(a));
        assert!(fingerprint("太短").is_none());
    }

    #[test]
    fn fingerprints_do_not_change_between_builds() {
        // A stored fingerprint must match one computed by a later build: this fails when the
        // hashing or jieba-rs's segmentation (its dictionary, on an upgrade) changes, and
        // then the stored fingerprints need recomputing.
        let a = fingerprint(TEXT).unwrap();
        assert_eq!(&a.to_hex()[..16], FIRST_VALUES, "the hashing changed");
    }

    const FIRST_VALUES: &str = "008eeb9d0415e0eb";
}
