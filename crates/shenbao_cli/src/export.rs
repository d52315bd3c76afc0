//! `shenbao export`: the documents a bureau downloads, from the command line.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use shenbao_core::call::builtin;

use crate::serve::{DataArgs, open};

/// `shenbao export …`
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// A unit's summary table (汇总表) as XLSX: its recommended applications in ranking order.
    Summary {
        /// Built-in call id, e.g. qz-2024-ai-industry.
        #[arg(long)]
        call: String,
        /// Review level id, e.g. county or city.
        #[arg(long)]
        level: String,
        /// The reviewing unit: a division code (350503), or a sector department's name.
        #[arg(long)]
        unit: String,
        /// Summary table id, when the level fills in more than one.
        #[arg(long)]
        table: Option<String>,
        /// Where to write the XLSX file.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Runs an export command.
pub async fn run(cmd: ExportCommand) -> Result<()> {
    match cmd {
        ExportCommand::Summary {
            call,
            level,
            unit,
            table,
            out,
            data,
        } => {
            let call = builtin::get(&call)
                .with_context(|| format!("没有编号为 {call} 的征集通知"))?
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let level_def = call
                .def()
                .review_levels
                .iter()
                .find(|l| l.id == level)
                .with_context(|| format!("该征集通知没有审核层级 {level}"))?;
            let tables: Vec<(usize, &str)> = call
                .def()
                .summaries
                .iter()
                .enumerate()
                .filter(|(_, t)| t.level.as_deref() == Some(level.as_str()))
                .filter(|(_, t)| table.as_deref().is_none_or(|id| id == t.id))
                .map(|(i, t)| (i, t.id.as_str()))
                .collect();
            let index = match tables.as_slice() {
                [(i, _)] => *i,
                [] => bail!(
                    "该审核层级没有汇总表{}",
                    table.map(|t| format!(" {t}")).unwrap_or_default()
                ),
                many => bail!(
                    "该审核层级有多张汇总表，请用 --table 指定：{}",
                    many.iter()
                        .map(|(_, id)| *id)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            };
            let store = open(&data.settings(None, None)?).await?;
            let bytes =
                shenbao_web::exports::unit_summary_xlsx(&store, call, level_def, &unit, index)
                    .await?;
            std::fs::write(&out, &bytes).with_context(|| format!("写入 {}", out.display()))?;
            println!("已导出汇总表：{}（{} 字节）", out.display(), bytes.len());
            Ok(())
        }
    }
}
