//! What a reviewing unit must send upward with its list (`[review_level.sending]`): which of
//! the stamped scans it has not uploaded yet, and the refusal that names them.
//!
//! Must not: read the database; the caller gives what was uploaded.

use crate::call::definition::{ScanKind, Sending};

/// The scans `sending` asks for that are not among `uploaded` (the stored kind names), in
/// the call's order.
pub fn missing(sending: &Sending, uploaded: &[&str]) -> Vec<ScanKind> {
    sending
        .scans
        .iter()
        .copied()
        .filter(|k| !uploaded.contains(&k.as_str()))
        .collect()
}

/// The refusal of a forward while `lacking` is not uploaded, with the notice's clause.
pub fn refusal(sending: &Sending, lacking: &[ScanKind]) -> String {
    let labels: Vec<&str> = lacking.iter().map(|k| k.label()).collect();
    crate::messages::sending::missing(&labels, sending.source.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_missing_is_named_in_the_calls_order() {
        let s = Sending {
            letter: None,
            scans: vec![ScanKind::Letter, ScanKind::Summary],
            source: Some("三、有关要求（3）".into()),
            ..Sending::default()
        };
        assert_eq!(missing(&s, &[]), vec![ScanKind::Letter, ScanKind::Summary]);
        assert_eq!(missing(&s, &["letter"]), vec![ScanKind::Summary]);
        assert!(missing(&s, &["summary", "letter"]).is_empty());
        let text = refusal(&s, &missing(&s, &[]));
        assert!(
            text.contains("盖章推荐函扫描件和加盖公章的汇总表扫描件"),
            "{text}"
        );
        assert!(text.contains("（三、有关要求（3））"), "{text}");
    }
}
