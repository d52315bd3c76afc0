//! The stamped scans a reviewing unit uploads before forwarding its list (盖章推荐函, 加盖
//! 公章的汇总表): every upload is kept, the latest of each kind is the current one, and each
//! names the unit it is sent to so that the unit there (and the owner) can find it.
//!
//! Must not: decide which scans a level needs (the call does) or check a file's content (the
//! web layer does, before the row is written).

use crate::{Store, StoreError, Tx};

/// The columns of `unit_scans`, in [`UnitScanRow`]'s order.
macro_rules! scan_columns {
    () => {
        "id, call_id, level, unit, kind, to_level, to_unit, original_name, storage_key, size, \
         sha256, uploaded_by, uploaded_at"
    };
}

/// A stamped scan as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitScanRow {
    /// Its id.
    pub id: i64,
    /// The call.
    pub call_id: String,
    /// The level of the unit that uploaded it.
    pub level: String,
    /// That unit.
    pub unit: String,
    /// `letter` or `summary`.
    pub kind: String,
    /// The level the unit's list goes to.
    pub to_level: String,
    /// The unit there.
    pub to_unit: String,
    /// The file's name as uploaded.
    pub original_name: String,
    /// Where it lives in the files folder.
    pub storage_key: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: i64,
    /// When (Unix milliseconds).
    pub uploaded_at: i64,
}

/// A scan to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnitScan {
    /// The call.
    pub call_id: String,
    /// The uploading unit's level.
    pub level: String,
    /// The uploading unit.
    pub unit: String,
    /// `letter` or `summary`.
    pub kind: String,
    /// Where the unit's list goes: the level.
    pub to_level: String,
    /// And the unit there.
    pub to_unit: String,
    /// The name as uploaded.
    pub original_name: String,
    /// Where it was put.
    pub storage_key: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256.
    pub sha256: String,
    /// Who uploads it.
    pub uploaded_by: i64,
    /// When.
    pub uploaded_at: i64,
}

/// The latest scan of each kind among `rows` (ordered by id, newest last).
fn latest(rows: Vec<UnitScanRow>) -> Vec<UnitScanRow> {
    let mut out: Vec<UnitScanRow> = Vec::new();
    for row in rows {
        match out
            .iter_mut()
            .find(|r| r.unit == row.unit && r.level == row.level && r.kind == row.kind)
        {
            Some(slot) => *slot = row,
            None => out.push(row),
        }
    }
    out
}

impl Tx {
    /// Stores a scan; returns its id.
    pub async fn add_unit_scan(&mut self, s: &NewUnitScan) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO unit_scans (call_id, level, unit, kind, to_level, to_unit, \
                 original_name, storage_key, size, sha256, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&s.call_id)
        .bind(&s.level)
        .bind(&s.unit)
        .bind(&s.kind)
        .bind(&s.to_level)
        .bind(&s.to_unit)
        .bind(&s.original_name)
        .bind(&s.storage_key)
        .bind(s.size)
        .bind(&s.sha256)
        .bind(s.uploaded_by)
        .bind(s.uploaded_at)
        .fetch_one(&mut **self)
        .await?)
    }

    /// The current scans (the latest of each kind) of `unit` at `level` in call `call_id`.
    pub async fn unit_scans(
        &mut self,
        call_id: &str,
        level: &str,
        unit: &str,
    ) -> Result<Vec<UnitScanRow>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            scan_columns!(),
            " FROM unit_scans WHERE call_id = $1 AND level = $2 AND unit = $3 ORDER BY id"
        ))
        .bind(call_id)
        .bind(level)
        .bind(unit)
        .fetch_all(&mut **self)
        .await?;
        Ok(latest(rows))
    }
}

impl Store {
    /// Stores a scan; returns its id.
    pub async fn add_unit_scan(&self, s: &NewUnitScan) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.add_unit_scan(s).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The current scans (the latest of each kind) of `unit` at `level` in call `call_id`.
    pub async fn unit_scans(
        &self,
        call_id: &str,
        level: &str,
        unit: &str,
    ) -> Result<Vec<UnitScanRow>, StoreError> {
        let mut tx = self.begin().await?;
        let rows = tx.unit_scans(call_id, level, unit).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// The current scans sent to `to_unit` at `to_level` in call `call_id` (the latest of each
    /// kind of every sending unit), sending units in the order they first uploaded.
    pub async fn scans_sent_to(
        &self,
        call_id: &str,
        to_level: &str,
        to_unit: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<UnitScanRow>, StoreError> {
        // The current scan of each unit and kind (no later upload of the same sent to the
        // same place), a page at a time by id; `unit_scans_unit_idx` answers the NOT EXISTS.
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            scan_columns!(),
            " FROM unit_scans s WHERE call_id = $1 AND to_level = $2 AND to_unit = $3 AND id > $4 \
             AND NOT EXISTS (SELECT 1 FROM unit_scans n WHERE n.call_id = s.call_id \
               AND n.level = s.level AND n.unit = s.unit AND n.kind = s.kind \
               AND n.to_level = s.to_level AND n.to_unit = s.to_unit AND n.id > s.id) \
             ORDER BY id LIMIT $5"
        ))
        .bind(call_id)
        .bind(to_level)
        .bind(to_unit)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The scan with this id.
    pub async fn unit_scan(&self, id: i64) -> Result<Option<UnitScanRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            scan_columns!(),
            " FROM unit_scans WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }
}
