//! Attachments: the rows describing uploaded files. The files themselves live in the files
//! folder, written and deleted by the web layer.
//!
//! Attachments change only while their application is a draft (or returned for revision):
//! adding or deleting one of a submitted application is refused like a stale save (`applications.version`), so the files a
//! reviewer sees stay the ones that were submitted. The check is part of the statement that
//! writes. Attachment changes do not move the application's version, though: an upload that
//! commits between the caller listing the attachments for a snapshot and the submission itself
//! stays attached without being in the snapshot.
//!
//! Must not: touch the file system, or check file types and sizes (the web layer does).

use crate::application::{VERSION_CONFLICT, refusal_on};
use crate::{ApplicationStatus, AttachmentRow, NewAttachment, Store, StoreError, Tx};

macro_rules! attachment_columns {
    () => {
        "id, application_id, slot, original_name, storage_key, size, sha256, file_type, \
         created_at, uploaded_by"
    };
}

impl Store {
    /// As [`Tx::add_attachment`], in a transaction of its own.
    pub async fn add_attachment(&self, a: &NewAttachment) -> Result<AttachmentRow, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.add_attachment(a).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The attachment with this id, if any.
    pub async fn attachment(&self, id: i64) -> Result<Option<AttachmentRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            attachment_columns!(),
            " FROM attachments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// An application's attachments, ordered by slot, then id (upload order within a slot).
    pub async fn attachments(&self, application_id: i64) -> Result<Vec<AttachmentRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            attachment_columns!(),
            " FROM attachments WHERE application_id = $1 ORDER BY slot, id"
        ))
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// As [`Tx::delete_attachment`], in a transaction of its own.
    pub async fn delete_attachment(&self, id: i64) -> Result<Option<AttachmentRow>, StoreError> {
        let mut tx = self.begin().await?;
        let done = tx.delete_attachment(id).await?;
        tx.commit().await?;
        Ok(done)
    }
}

impl Tx {
    /// Records an uploaded file of a draft (or returned) application and returns the stored row.
    ///
    /// Errors: `Conflict { constraint: "attachments.storage_key" }` when the key is taken;
    /// `Conflict { constraint: "applications.version" }` when the application is neither a draft nor
    /// returned; `NotFound` when there is no such application; an unknown `uploaded_by` is `Other` (a
    /// foreign-key violation).
    pub async fn add_attachment(&mut self, a: &NewAttachment) -> Result<AttachmentRow, StoreError> {
        let row = sqlx::query_as::<_, AttachmentRow>(concat!(
            "INSERT INTO attachments (application_id, slot, original_name, storage_key, size, \
                 sha256, file_type, created_at, uploaded_by) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 \
             WHERE EXISTS (SELECT 1 FROM applications WHERE id = $1 AND status IN ($10, $11)) \
             RETURNING ",
            attachment_columns!()
        ))
        .bind(a.application_id)
        .bind(&a.slot)
        .bind(&a.original_name)
        .bind(&a.storage_key)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(&a.file_type)
        .bind(a.created_at)
        .bind(a.uploaded_by)
        .bind(ApplicationStatus::EDITABLE[0].as_str())
        .bind(ApplicationStatus::EDITABLE[1].as_str())
        .fetch_optional(&mut **self)
        .await?;
        match row {
            Some(row) => Ok(row),
            None => Err(refusal_on(self, a.application_id).await),
        }
    }

    /// Deletes an attachment of a draft (or returned) application and returns its row, so the caller can
    /// delete the file; `None` when there is no such attachment.
    ///
    /// Errors: `Conflict { constraint: "applications.version" }` when the application is not a
    /// draft (the row is kept).
    pub async fn delete_attachment(
        &mut self,
        id: i64,
    ) -> Result<Option<AttachmentRow>, StoreError> {
        let row = sqlx::query_as::<_, AttachmentRow>(concat!(
            "DELETE FROM attachments \
             WHERE id = $1 AND EXISTS (SELECT 1 FROM applications \
                 WHERE applications.id = attachments.application_id \
                     AND applications.status IN ($2, $3)) \
             RETURNING ",
            attachment_columns!()
        ))
        .bind(id)
        .bind(ApplicationStatus::EDITABLE[0].as_str())
        .bind(ApplicationStatus::EDITABLE[1].as_str())
        .fetch_optional(&mut **self)
        .await?;
        let exists = sqlx::query("SELECT 1 FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **self)
            .await?
            .is_some();
        match row {
            Some(row) => Ok(Some(row)),
            None if exists => Err(StoreError::Conflict {
                constraint: VERSION_CONFLICT.to_owned(),
            }),
            None => Ok(None),
        }
    }
}
