//! A call's exclusion list (不得重复申报): replacing it with an upload, reading it a page at a
//! time, and finding an organisation or a project on it, or among the selected applicants of
//! earlier calls.
//!
//! Must not: parse uploads or normalise names (`shenbao_core::exclusion` does), or decide what
//! a match means.

use crate::sql::Statement;
use crate::{ApplicationStatus, Store, StoreError, Tx};

/// An entry to store, as parsed from the owner's upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExclusion {
    /// The row of the uploaded file.
    pub row_number: i64,
    /// The USCC, checked.
    pub uscc: Option<String>,
    /// The organisation's name as written.
    pub name: Option<String>,
    /// The project's name as written.
    pub project: Option<String>,
    /// Its normalised form.
    pub project_key: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExclusionRow {
    /// The row of the uploaded file.
    pub row_number: i64,
    /// The USCC.
    pub uscc: Option<String>,
    /// The organisation's name.
    pub name: Option<String>,
    /// The project's name.
    pub project: Option<String>,
    /// The uploaded file's name.
    pub list_name: String,
    /// When it was uploaded (Unix ms).
    pub added_at: i64,
}

/// Where an organisation was found: a row of the call's list, or a selected application of an
/// earlier call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExclusionHit {
    /// A row of the uploaded list.
    Listed(ExclusionRow),
    /// Selected (入选) in this earlier call.
    Selected {
        /// The earlier call.
        call_id: String,
        /// The selected application.
        application_id: i64,
    },
}

macro_rules! exclusion_columns {
    () => {
        "row_number, uscc, name, project, list_name, added_at"
    };
}

impl Tx {
    /// Replaces call `call_id`'s list with `entries` of the file `list_name`.
    pub async fn replace_exclusions(
        &mut self,
        call_id: &str,
        list_name: &str,
        entries: &[NewExclusion],
        by: i64,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM exclusions WHERE call_id = $1")
            .bind(call_id)
            .execute(&mut **self)
            .await?;
        // Many rows per statement: one round trip per 500 rows rather than per row.
        for chunk in entries.chunks(500) {
            let mut sql = Statement::new(
                "INSERT INTO exclusions (call_id, row_number, uscc, name, project, project_key, \
                 list_name, added_by, added_at) VALUES ",
            );
            for (i, e) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" })
                    .push_bind(call_id.to_string())
                    .push(", ")
                    .push_bind(e.row_number)
                    .push(", ")
                    .push_bind(e.uscc.clone())
                    .push(", ")
                    .push_bind(e.name.clone())
                    .push(", ")
                    .push_bind(e.project.clone())
                    .push(", ")
                    .push_bind(e.project_key.clone())
                    .push(", ")
                    .push_bind(list_name.to_string())
                    .push(", ")
                    .push_bind(by)
                    .push(", ")
                    .push_bind(at)
                    .push(")");
            }
            sql.query()?.execute(&mut **self).await?;
        }
        Ok(())
    }
}

impl Store {
    /// A page of call `call_id`'s list in file order, after row `after`.
    pub async fn exclusions(
        &self,
        call_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ExclusionRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            exclusion_columns!(),
            " FROM exclusions WHERE call_id = $1 AND row_number > $2 \
             ORDER BY row_number LIMIT $3"
        ))
        .bind(call_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many entries call `call_id`'s list holds.
    pub async fn exclusion_count(&self, call_id: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM exclusions WHERE call_id = $1")
                .bind(call_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Where the organisation with `uscc` is excluded from call `call_id`: its list, else a
    /// selected application of one of `earlier` calls by an organisation with that USCC.
    pub async fn excluded_organisation(
        &self,
        call_id: &str,
        uscc: &str,
        earlier: &[String],
    ) -> Result<Option<ExclusionHit>, StoreError> {
        let listed: Option<ExclusionRow> = sqlx::query_as(concat!(
            "SELECT ",
            exclusion_columns!(),
            " FROM exclusions WHERE call_id = $1 AND uscc = $2 ORDER BY row_number LIMIT 1"
        ))
        .bind(call_id)
        .bind(uscc)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = listed {
            return Ok(Some(ExclusionHit::Listed(row)));
        }
        if earlier.is_empty() {
            return Ok(None);
        }
        let mut sql = Statement::new(
            "SELECT a.call_id, a.id FROM applications a \
             JOIN organisations o ON o.id = a.organisation_id WHERE o.uscc = ",
        );
        sql.push_bind(uscc.to_string())
            .push(" AND a.status = ")
            .push_bind(ApplicationStatus::Selected.as_str())
            .push(" AND a.call_id IN (")
            .push_bind_list(earlier.iter().cloned())
            .push(") ORDER BY a.id LIMIT 1");
        let hit: Option<(String, i64)> = sql.query_as()?.fetch_optional(&self.pool).await?;
        Ok(hit.map(|(call_id, application_id)| ExclusionHit::Selected {
            call_id,
            application_id,
        }))
    }

    /// The row of call `call_id`'s list naming the project whose normalised name is
    /// `project_key`, if any.
    pub async fn excluded_project(
        &self,
        call_id: &str,
        project_key: &str,
    ) -> Result<Option<ExclusionRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            exclusion_columns!(),
            " FROM exclusions WHERE call_id = $1 AND project_key = $2 \
             ORDER BY row_number LIMIT 1"
        ))
        .bind(call_id)
        .bind(project_key)
        .fetch_optional(&self.pool)
        .await?)
    }
}
