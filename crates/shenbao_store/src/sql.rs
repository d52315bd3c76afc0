//! Small pieces of SQL text and keys that several modules build the same way, and the reading
//! of text columns as domain types.

use std::str::FromStr;

use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};

use crate::{ApplicationStatus, Role};

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

/// A text column read through `FromStr`: a role or an application status in a row struct, as
/// `#[sqlx(try_from = "Text<Role>")] role: Role`. The Any driver decodes only plain types, and
/// those types are `shenbao_core`'s, so neither `Decode` nor `TryFrom<String>` can be
/// implemented for them here; this wrapper carries the one parsing rule instead. A value that
/// does not parse is a `ColumnDecode` error naming the column, as any other undecodable value.
#[derive(Debug)]
pub struct Text<T>(pub T);

impl<T> Type<Any> for Text<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r, T> Decode<'r, Any> for Text<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        Ok(Text(text.parse()?))
    }
}

impl From<Text<Role>> for Role {
    fn from(text: Text<Role>) -> Self {
        text.0
    }
}

impl From<Text<ApplicationStatus>> for ApplicationStatus {
    fn from(text: Text<ApplicationStatus>) -> Self {
        text.0
    }
}
