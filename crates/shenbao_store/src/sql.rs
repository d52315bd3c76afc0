//! Small pieces of SQL text and keys that several modules build the same way, the reading of
//! text columns as domain types, and statements assembled at run time.

use std::str::FromStr;

use sqlx::any::{AnyArguments, AnyRow, AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Arguments, Decode, Encode, FromRow, Type};

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
pub(crate) struct Text<T>(pub T);

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

impl From<Text<shenbao_core::call::CallState>> for shenbao_core::call::CallState {
    fn from(text: Text<shenbao_core::call::CallState>) -> Self {
        text.0
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

/// A statement assembled from fixed SQL fragments with every value bound, for queries whose
/// filters are optional or whose `IN (…)` lists vary in length. Placeholders are numbered
/// `$1`, `$2`, … in binding order, the one style both backends read. (sqlx's `QueryBuilder`
/// would do the bookkeeping, but over the Any driver its `push_bind` writes `?`, which
/// PostgreSQL does not accept.)
pub(crate) struct Statement {
    sql: String,
    /// The values bound so far, or the first value that could not be encoded (reported when
    /// the statement runs, as `Query::bind` does).
    arguments: Result<AnyArguments, BoxDynError>,
}

impl Statement {
    /// A statement starting with `sql` (which must not use placeholders).
    pub(crate) fn new(sql: &str) -> Self {
        Statement {
            sql: sql.to_owned(),
            arguments: Ok(AnyArguments::default()),
        }
    }

    /// Appends a fixed fragment.
    pub(crate) fn push(&mut self, fragment: &str) -> &mut Self {
        self.sql.push_str(fragment);
        self
    }

    /// Binds `value` and returns its placeholder, for a fragment that uses it (once or more).
    pub(crate) fn bind<'t, T>(&mut self, value: T) -> String
    where
        T: Encode<'t, Any> + Type<Any>,
    {
        if let Ok(arguments) = &mut self.arguments
            && let Err(error) = arguments.add(value)
        {
            self.arguments = Err(error);
        }
        let n = self.arguments.as_ref().map_or(0, Arguments::len);
        format!("${n}")
    }

    /// Binds `value` and appends its placeholder.
    pub(crate) fn push_bind<'t, T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'t, Any> + Type<Any>,
    {
        let placeholder = self.bind(value);
        self.push(&placeholder)
    }

    /// Binds every value of `values` and appends their placeholders separated by commas, for
    /// an `IN (…)` list (which must not be empty).
    pub(crate) fn push_bind_list<'t, T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: Encode<'t, Any> + Type<Any>,
    {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// The SQL text and the bound values; `Encode` when a value could not be bound.
    fn finish(self) -> Result<(sqlx::AssertSqlSafe<String>, AnyArguments), sqlx::Error> {
        let arguments = self.arguments.map_err(sqlx::Error::Encode)?;
        // Assembled from fixed fragments only; every value is bound.
        Ok((sqlx::AssertSqlSafe(self.sql), arguments))
    }

    /// The statement as a query whose rows are not read.
    pub(crate) fn query(self) -> Result<Query<'static, Any, AnyArguments>, sqlx::Error> {
        let (sql, arguments) = self.finish()?;
        Ok(sqlx::query_with(sql, arguments))
    }

    /// The statement as a query whose rows are read as `O`.
    pub(crate) fn query_as<O>(self) -> Result<QueryAs<'static, Any, O, AnyArguments>, sqlx::Error>
    where
        O: for<'r> FromRow<'r, AnyRow>,
    {
        let (sql, arguments) = self.finish()?;
        Ok(sqlx::query_as_with(sql, arguments))
    }

    /// The statement as a query whose rows are one value each, read as `O`.
    pub(crate) fn query_scalar<O>(
        self,
    ) -> Result<QueryScalar<'static, Any, O, AnyArguments>, sqlx::Error>
    where
        (O,): for<'r> FromRow<'r, AnyRow>,
    {
        let (sql, arguments) = self.finish()?;
        Ok(sqlx::query_scalar_with(sql, arguments))
    }
}
