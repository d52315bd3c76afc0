//! `shenbao audit`: verifying the hash chains of the audit log and the application events,
//! and pruning old audit entries by hand (the rules are in [`crate::retention`]).

use std::process::ExitCode;

use anyhow::Result;
use shenbao_app::accounts::system_now;
use shenbao_store::{Chain, ChainProblem, ChainReport, Store};

use crate::retention::{check_retention, prune};
use crate::serve::{DataArgs, open};

/// `shenbao audit …`
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chains of the audit log and the application events; exit 1 when a row
    /// was changed, inserted or deleted (the first such row is named).
    Verify {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Delete audit entries older than N days (N ≥ 180); the rest stays verifiable.
    Prune {
        /// Age in days of the entries to delete; at least 180.
        #[arg(long)]
        older_than_days: u32,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Runs an `audit` subcommand.
pub async fn run(cmd: AuditCommand) -> Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { data } => {
            let store = open(&data.settings(None, None)?).await?;
            let intact = verify(&store).await?;
            store.close().await;
            Ok(if intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        AuditCommand::Prune {
            older_than_days,
            data,
        } => {
            check_retention(older_than_days)?;
            let store = open(&data.settings(None, None)?).await?;
            let now = system_now();
            let deleted = prune(&store, older_than_days, now, "cli").await?;
            println!(
                "已删除 {deleted} 条早于 {} 的审计记录（保留 {older_than_days} 天）；其余记录的哈希链仍可校验。",
                shenbao_core::time::date_after(now, -i64::from(older_than_days))
            );
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn chain_label(chain: Chain) -> &'static str {
    match chain {
        Chain::AuditLog => "审计日志（audit_log）",
        Chain::ApplicationEvents => "申报状态记录（application_events）",
    }
}

/// What is wrong at the break, in Chinese.
fn problem_text(id: i64, problem: &ChainProblem) -> String {
    match problem {
        ChainProblem::HashMismatch => {
            format!("记录 #{id} 的内容与其哈希不符：该记录被修改过")
        }
        ChainProblem::PrevHashMismatch {
            previous_id: Some(p),
        } => format!(
            "记录 #{id} 没有接续前一条记录 #{p}：两者之间的记录被删除或插入，或该记录被修改过"
        ),
        ChainProblem::PrevHashMismatch { previous_id: None } => format!(
            "记录 #{id} 没有接续链的起点：更早的记录被删除（不是按保留期限删除的），或该记录被修改过"
        ),
        ChainProblem::MissingHash => {
            format!("记录 #{id} 没有哈希：该记录不是由本系统写入的")
        }
        ChainProblem::HeadMismatch { last_id: Some(l) } => format!(
            "链尾应为记录 #{id}，实际最后一条为 #{l}：最新的记录被删除，或有记录绕过本系统写入"
        ),
        ChainProblem::HeadMismatch { last_id: None } => {
            format!("链尾应为记录 #{id}，但没有任何带哈希的记录：记录被删除")
        }
    }
}

fn print_report(r: &ChainReport) {
    let label = chain_label(r.chain);
    match &r.broken {
        None => {
            println!("{label}：完整，已校验 {} 条记录。", r.verified);
            if let Some(head) = r.head_id {
                println!(
                    "  链尾记录 #{head}，哈希 {}（可另行保存，日后比对以确认此前的记录未被整体改写）",
                    r.head_hash
                );
            }
        }
        Some(b) => {
            println!(
                "{label}：校验未通过（此前 {} 条记录完好）。{}。",
                r.verified,
                problem_text(b.id, &b.problem)
            );
        }
    }
    if let Some(anchor) = r.anchor_id {
        println!("  #{anchor} 及更早的记录已按保留期限删除，校验从其后的第一条记录开始。");
    }
    if r.unhashed > 0 {
        println!(
            "  另有 {} 条记录早于哈希链（升级前写入），不在校验范围内。",
            r.unhashed
        );
    }
}

/// Verifies both chains and prints the outcome; whether both are intact.
pub async fn verify(store: &Store) -> Result<bool> {
    let mut intact = true;
    for chain in Chain::ALL {
        let report = store.verify_chain(chain).await?;
        print_report(&report);
        intact &= report.broken.is_none();
    }
    Ok(intact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_below_six_months_is_refused() {
        assert!(check_retention(179).is_err());
        assert!(
            check_retention(0).is_err(),
            "0 means keep all only in serve"
        );
        assert!(check_retention(180).is_ok());
        let e = check_retention(30).expect_err("refused");
        assert!(format!("{e}").contains("180"), "{e}");
    }
}
