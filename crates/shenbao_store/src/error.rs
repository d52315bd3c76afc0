//! The store's error type and the one place where sqlx errors are classified.
//!
//! Must not: leak SQL text or connection URLs into messages shown to users (the web layer
//! shows `Other` as a generic error and logs it).

use sqlx::error::ErrorKind;

/// What can go wrong in the store.
///
/// `From<sqlx::Error>` is written by hand (not derived) because it is where unique violations
/// become [`StoreError::Conflict`]: SQLite reports `UNIQUE constraint failed: users.username`
/// with no constraint name, Postgres reports the constraint name `users_username_key`, and
/// both must come out as `users.username`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row the operation needs does not exist (for example `set_password` on an unknown
    /// user). Lookups return `Ok(None)` instead.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write, or an application was not at the version or in
    /// the status the write expected. `constraint` is stable across backends:
    /// `organisations.uscc`, `users.username`, `sessions.id`, `attachments.storage_key`, and
    /// `applications.version` for the optimistic-concurrency check; for the review side
    /// `assignments.application_expert_key`, `assignments.conflict`, `assignments.submitted`
    /// and `publications.call_id` (see `expert/` and `selection.rs`).
    #[error("conflict on {constraint}")]
    Conflict {
        /// `table.column` of the violated unique constraint, or `applications.version`.
        constraint: String,
    },
    /// Anything else from the database or the driver (connection, migration, decoding, …).
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error
            && db.kind() == ErrorKind::UniqueViolation
        {
            let constraint = match db.constraint() {
                Some(name) => postgres_constraint(name).to_owned(),
                None => sqlite_constraint(db.message()),
            };
            return StoreError::Conflict { constraint };
        }
        StoreError::Other(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Other(error.into())
    }
}

/// Postgres names the violated constraint; the migrations name every unique constraint, and
/// this table gives each its stable `table.column` name. Unknown names pass through as-is.
fn postgres_constraint(name: &str) -> &str {
    match name {
        "organisations_uscc_key" => "organisations.uscc",
        "users_username_key" => "users.username",
        "sessions_pkey" => "sessions.id",
        "calls_pkey" => "calls.id",
        "attachments_storage_key_key" => "attachments.storage_key",
        "forwards_pkey" => "forwards.pkey",
        "assignments_application_expert_key" => "assignments.application_expert_key",
        "publications_pkey" => "publications.call_id",
        other => other,
    }
}

/// SQLite gives no constraint name, only `UNIQUE constraint failed: users.username` (columns
/// joined by ", " for a composite key), which is already the stable form.
fn sqlite_constraint(message: &str) -> String {
    let columns = message
        .strip_prefix("UNIQUE constraint failed: ")
        .unwrap_or(message);
    // Composite keys get the name Postgres reports, mapped as above.
    match columns {
        "forwards.call_id, forwards.level, forwards.unit, forwards.direction" => {
            "forwards.pkey".to_owned()
        }
        "assignments.application_id, assignments.expert_id" => {
            "assignments.application_expert_key".to_owned()
        }
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_constraint_names_map_to_table_dot_column() {
        assert_eq!(
            postgres_constraint("organisations_uscc_key"),
            "organisations.uscc"
        );
        assert_eq!(postgres_constraint("users_username_key"), "users.username");
        assert_eq!(
            postgres_constraint("attachments_storage_key_key"),
            "attachments.storage_key"
        );
        assert_eq!(postgres_constraint("something_else"), "something_else");
    }

    #[test]
    fn sqlite_messages_map_to_table_dot_column() {
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: users.username"),
            "users.username"
        );
        assert_eq!(sqlite_constraint("odd message"), "odd message");
        assert_eq!(
            sqlite_constraint(
                "UNIQUE constraint failed: forwards.call_id, forwards.level, forwards.unit, \
                 forwards.direction"
            ),
            "forwards.pkey"
        );
    }
}
