//! Small pieces of SQL text and keys that several modules build the same way.

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The key of a unit's list of one direction for [`Store::lock_key`].
pub(crate) fn unit_list_key(call_id: &str, level: &str, unit: &str, direction: &str) -> String {
    // The unit separator cannot occur in ids, division codes or sector names.
    [call_id, level, unit, direction].join("\u{1f}")
}
