//! What the duplicate check reads and writes: each submitted application's normalised project
//! name and the fingerprints of its narrative answers with their band keys, and the lookup of
//! the applications that may duplicate one: the same organisation code, the same project name,
//! a narrative answer sharing a band key. Every lookup goes through an index and is bounded,
//! so its cost does not grow with the number of applications.
//!
//! Must not: compute fingerprints or similarities (`shenbao_core::near_duplicate` does).

use shenbao_core::near_duplicate::Fingerprint;

use crate::sql::{Statement, Text};
use crate::{ApplicationStatus, Store, StoreError, Tx};

/// Most candidates of each kind one lookup reads.
pub const MAX_CANDIDATES: i64 = 50;

/// Another application, as the duplicate check shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OtherApplicationRow {
    /// Its id.
    pub id: i64,
    /// Its call.
    pub call_id: String,
    /// Its direction.
    pub direction: String,
    /// Its status.
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    pub status: ApplicationStatus,
    /// Its project name.
    pub title: Option<String>,
    /// When it was submitted (Unix ms).
    pub submitted_at: Option<i64>,
    /// Its organisation's name.
    pub organisation_name: String,
    /// Its organisation's USCC.
    pub organisation_uscc: String,
}

/// A stored fingerprint of another application's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFingerprint {
    /// The application.
    pub application_id: i64,
    /// The answer's field.
    pub field: String,
    /// The fingerprint.
    pub fingerprint: Fingerprint,
}

macro_rules! other_columns {
    () => {
        "a.id, a.call_id, a.direction, a.status, a.title, a.submitted_at, \
         o.name AS organisation_name, o.uscc AS organisation_uscc"
    };
}

impl Tx {
    /// Replaces what the duplicate check knows of application `id`: its normalised project
    /// name and its answers' fingerprints.
    pub async fn set_fingerprints(
        &mut self,
        id: i64,
        title_key: Option<&str>,
        prints: &[(String, Fingerprint)],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE applications SET title_key = $1 WHERE id = $2")
            .bind(title_key)
            .bind(id)
            .execute(&mut **self)
            .await?;
        for table in ["fingerprints", "fingerprint_bands"] {
            let sql = if table == "fingerprints" {
                "DELETE FROM fingerprints WHERE application_id = $1"
            } else {
                "DELETE FROM fingerprint_bands WHERE application_id = $1"
            };
            sqlx::query(sql).bind(id).execute(&mut **self).await?;
        }
        if prints.is_empty() {
            return Ok(());
        }
        let mut sql =
            Statement::new("INSERT INTO fingerprints (application_id, field, signature) VALUES ");
        for (i, (field, print)) in prints.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .push_bind(id)
                .push(", ")
                .push_bind(field.clone())
                .push(", ")
                .push_bind(print.to_hex())
                .push(")");
        }
        sql.query()?.execute(&mut **self).await?;
        let mut sql = Statement::new(
            "INSERT INTO fingerprint_bands (band_key, application_id, field) VALUES ",
        );
        let mut first = true;
        for (field, print) in prints {
            for key in print.band_keys() {
                sql.push(if first { "(" } else { ", (" })
                    .push_bind(key)
                    .push(", ")
                    .push_bind(id)
                    .push(", ")
                    .push_bind(field.clone())
                    .push(")");
                first = false;
            }
        }
        sql.query()?.execute(&mut **self).await?;
        Ok(())
    }
}

impl Store {
    /// The fingerprints of application `id`'s answers.
    pub async fn fingerprints_of(&self, id: i64) -> Result<Vec<(String, Fingerprint)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT field, signature FROM fingerprints WHERE application_id = $1 ORDER BY field",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(f, s)| Fingerprint::from_hex(&s).map(|p| (f, p)))
            .collect())
    }

    /// The fingerprints of other applications that share a band key with `prints`, except
    /// application `id`'s own: the candidates sharing the most keys first, at most
    /// [`MAX_CANDIDATES`] answers.
    pub async fn fingerprint_candidates(
        &self,
        id: i64,
        prints: &[(String, Fingerprint)],
    ) -> Result<Vec<StoredFingerprint>, StoreError> {
        if prints.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<i64> = prints.iter().flat_map(|(_, p)| p.band_keys()).collect();
        let mut sql = Statement::new(
            "SELECT f.application_id, f.field, f.signature FROM fingerprints f JOIN ( \
               SELECT application_id, field, COUNT(*) AS shared FROM fingerprint_bands \
               WHERE band_key IN (",
        );
        sql.push_bind_list(keys)
            .push(") AND application_id <> ")
            .push_bind(id)
            .push(" GROUP BY application_id, field ORDER BY shared DESC, application_id LIMIT ")
            .push_bind(MAX_CANDIDATES)
            .push(
                ") c ON c.application_id = f.application_id AND c.field = f.field \
                 ORDER BY c.shared DESC, f.application_id",
            );
        let rows: Vec<(i64, String, String)> = sql.query_as()?.fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(application_id, field, s)| {
                Fingerprint::from_hex(&s).map(|fingerprint| StoredFingerprint {
                    application_id,
                    field,
                    fingerprint,
                })
            })
            .collect())
    }

    /// Submitted applications (not drafts) among `ids`, with their organisations.
    pub async fn other_applications(
        &self,
        ids: &[i64],
    ) -> Result<Vec<OtherApplicationRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Statement::new(concat!(
            "SELECT ",
            other_columns!(),
            " FROM applications a JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.id IN ("
        ));
        sql.push_bind_list(ids.iter().copied())
            .push(") AND a.status <> ")
            .push_bind(ApplicationStatus::Draft.as_str())
            .push(" ORDER BY a.id");
        Ok(sql.query_as()?.fetch_all(&self.pool).await?)
    }

    /// Other submitted applications (not drafts, not `id`) of organisations with code `uscc`,
    /// newest first, at most [`MAX_CANDIDATES`].
    pub async fn applications_with_uscc(
        &self,
        id: i64,
        uscc: &str,
    ) -> Result<Vec<OtherApplicationRow>, StoreError> {
        self.others_where(
            concat!(
                "SELECT ",
                other_columns!(),
                " FROM applications a JOIN organisations o ON o.id = a.organisation_id \
                 WHERE o.uscc = $1 AND a.id <> $2 AND a.status <> $3 \
                 ORDER BY a.id DESC LIMIT $4"
            ),
            uscc,
            id,
        )
        .await
    }

    /// Other submitted applications (not drafts, not `id`) whose normalised project name is
    /// `title_key`, newest first, at most [`MAX_CANDIDATES`].
    pub async fn applications_with_title(
        &self,
        id: i64,
        title_key: &str,
    ) -> Result<Vec<OtherApplicationRow>, StoreError> {
        self.others_where(
            concat!(
                "SELECT ",
                other_columns!(),
                " FROM applications a JOIN organisations o ON o.id = a.organisation_id \
                 WHERE a.title_key = $1 AND a.id <> $2 AND a.status <> $3 \
                 ORDER BY a.id DESC LIMIT $4"
            ),
            title_key,
            id,
        )
        .await
    }

    /// Runs `sql`, whose parameters are the value matched, the application left out, the
    /// draft status and the limit.
    async fn others_where(
        &self,
        sql: &'static str,
        value: &str,
        id: i64,
    ) -> Result<Vec<OtherApplicationRow>, StoreError> {
        Ok(sqlx::query_as(sql)
            .bind(value)
            .bind(id)
            .bind(ApplicationStatus::Draft.as_str())
            .bind(MAX_CANDIDATES)
            .fetch_all(&self.pool)
            .await?)
    }
}
