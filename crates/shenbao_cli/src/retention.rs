//! Retention of the audit log, by hand (`shenbao audit prune`) and in the server. It follows
//! 《网络安全法》 §21 (network logs kept for at least six months): entries are never deleted
//! before [`MIN_RETENTION_DAYS`] days.

use std::time::Duration;

use anyhow::{Result, bail};
use shenbao_app::accounts::system_now;
use shenbao_store::{NewAuditEntry, Store};

/// The shortest retention allowed, in days (six months).
pub const MIN_RETENTION_DAYS: u32 = 180;

/// How often the server prunes.
const PRUNE_EVERY: Duration = Duration::from_secs(6 * 3600);

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Refuses a retention shorter than the law's six months.
pub fn check_retention(days: u32) -> Result<()> {
    if days < MIN_RETENTION_DAYS {
        bail!(
            "审计日志至少保留 {MIN_RETENTION_DAYS} 天（《网络安全法》第二十一条要求网络日志留存不少于六个月），不能设为 {days} 天"
        );
    }
    Ok(())
}

/// Deletes the audit entries older than `days` days and records that it did (when it deleted
/// any). `by` says who pruned: `cli` or `server`.
pub async fn prune(store: &Store, days: u32, now: i64, by: &str) -> Result<u64> {
    check_retention(days)?;
    let deleted = store
        .prune_audit_log(now - i64::from(days) * DAY_MS)
        .await?;
    if deleted > 0 {
        store
            .audit(&NewAuditEntry {
                at: now,
                actor_user_id: None,
                actor_ip: None,
                action: "audit_pruned".to_string(),
                target_kind: None,
                target_id: None,
                detail: Some(
                    serde_json::json!({"older_than_days": days, "deleted": deleted, "by": by})
                        .to_string(),
                ),
            })
            .await?;
    }
    Ok(deleted)
}

/// The server's retention: prunes once at start and then every 6 hours. `days == 0` keeps
/// everything (nothing is spawned).
pub fn spawn_retention(store: Store, days: u32) {
    if days == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_EVERY);
        loop {
            tick.tick().await;
            match prune(&store, days, system_now(), "server").await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, days, "old audit entries deleted"),
                Err(e) => tracing::warn!("audit retention failed: {e:#}"),
            }
        }
    });
}
