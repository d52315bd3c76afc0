//! `shenbao export`: the documents a bureau downloads, from the command line.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use shenbao_app::calls::{StoredCall, stored_call};
use shenbao_core::call::Call;
use shenbao_core::call::definition::{LevelScope, ReviewLevel};
use shenbao_core::{region, routing};
use shenbao_store::Store;

use crate::serve::{DataArgs, open};

/// A summary table's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Excel workbook.
    Xlsx,
    /// Word document.
    Docx,
}

/// `shenbao export …`
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// A unit's summary table (汇总表) as XLSX or DOCX: its recommended applications in ranking
    /// order.
    Summary {
        #[command(flatten)]
        at: UnitArgs,
        /// Summary table id, when the level fills in more than one.
        #[arg(long)]
        table: Option<String>,
        /// File format [default: from the extension of --out, else xlsx].
        #[arg(long, value_enum)]
        format: Option<SummaryFormat>,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// A unit's package (ZIP): its summary tables, and per recommended application in ranking
    /// order its forms and its attachments renamed by the call's naming rules.
    Package {
        #[command(flatten)]
        at: UnitArgs,
        /// Where to write the ZIP file.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// An application's form, from its latest submission (its draft when never submitted), in
    /// the format of the extension of --out (.docx).
    Form {
        /// The application's number.
        #[arg(long)]
        application: i64,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Runs an export command.
/// The reviewing unit whose documents are exported.
#[derive(Debug, clap::Args)]
pub struct UnitArgs {
    /// Call id, e.g. qz-2024-ai-industry (built in, or loaded by a server with `--calls`).
    #[arg(long)]
    call: String,
    /// Review level id, e.g. county or city.
    #[arg(long)]
    level: String,
    /// The reviewing unit: a division code (350503), or a sector department's name.
    #[arg(long)]
    unit: String,
}

impl UnitArgs {
    /// The call (built in, or as a server stored it), checked to have the level and unit.
    async fn call(&self, store: &Store) -> Result<StoredCall> {
        let call = stored_call(store, &self.call, None)
            .await?
            .with_context(|| format!("没有编号为 {} 的征集通知", self.call))?;
        find_level(&call, &self.level, &self.unit)?;
        Ok(call)
    }
}

pub async fn run(cmd: ExportCommand) -> Result<()> {
    match cmd {
        ExportCommand::Summary {
            at,
            table,
            format,
            out,
            data,
        } => {
            let store = open(&data.settings(None, None)?).await?;
            let call = at.call(&store).await?;
            let level_def = find_level(&call, &at.level, &at.unit)?;
            let (level, unit) = (&at.level, &at.unit);
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
            let format = format.unwrap_or(if extension(&out) == "docx" {
                SummaryFormat::Docx
            } else {
                SummaryFormat::Xlsx
            });
            let bytes = match format {
                SummaryFormat::Xlsx => {
                    shenbao_app::exports::unit_summary_xlsx(&store, &call, level_def, unit, index)
                        .await?
                }
                SummaryFormat::Docx => {
                    shenbao_app::exports::unit_summary_docx(&store, &call, level_def, unit, index)
                        .await?
                }
            };
            std::fs::write(&out, &bytes).with_context(|| format!("写入 {}", out.display()))?;
            println!("已导出汇总表：{}（{} 字节）", out.display(), bytes.len());
            Ok(())
        }
        ExportCommand::Package { at, out, data } => {
            let settings = data.settings(None, None)?;
            let store = open(&settings).await?;
            let call = at.call(&store).await?;
            let level_def = find_level(&call, &at.level, &at.unit)?;
            let unit = &at.unit;
            let file = File::create(&out).with_context(|| format!("写入 {}", out.display()))?;
            let mut writer = BufWriter::new(file);
            let files = settings.data_dir.join("files");
            // The unit's stamped scans go in; the letter is the web page's (it names the
            // units as the pages do), and forms are stamped only where the site's URL is known.
            let extras = shenbao_app::exports::PackageExtras {
                files: shenbao_app::exports::package_scans(
                    &store,
                    &files,
                    call.id(),
                    &level_def.id,
                    unit,
                )
                .await?,
                ..Default::default()
            };
            let count = shenbao_app::exports::write_unit_package(
                &store,
                &files,
                shenbao_app::exports::UnitPackage {
                    call: &call,
                    level: level_def,
                    unit,
                },
                &mut writer,
                shenbao_app::exports::FORM_FORMATS,
                &extras,
            )
            .await?;
            writer
                .flush()
                .with_context(|| format!("写入 {}", out.display()))?;
            println!("已导出材料包：{}（{count} 份申报）", out.display());
            Ok(())
        }
        ExportCommand::Form {
            application,
            out,
            data,
        } => {
            let store = open(&data.settings(None, None)?).await?;
            let bytes =
                shenbao_app::exports::application_form(&store, application, &extension(&out))
                    .await?
                    .with_context(|| format!("没有编号为 {application} 的申报"))?;
            std::fs::write(&out, &bytes).with_context(|| format!("写入 {}", out.display()))?;
            println!("已导出申报书：{}（{} 字节）", out.display(), bytes.len());
            Ok(())
        }
    }
}

/// A review level of `call` by id, where `unit` can be a unit.
fn find_level<'c>(call: &'c Call, level: &str, unit: &str) -> Result<&'c ReviewLevel> {
    let found = call
        .def()
        .review_levels
        .iter()
        .find(|l| l.id == level)
        .with_context(|| format!("该征集通知没有审核层级 {level}"))?;
    check_unit(call, found, unit)?;
    Ok(found)
}

/// Refuses a unit that cannot exist at `level`: a county or city level's unit is a division
/// code (a city's ends in 00, or is a county-level city directly under its province) or one of
/// the call's zones at that level, a provincial level's a province's code, the owner's level's
/// is `*`; sector departments are names.
fn check_unit(call: &Call, level: &ReviewLevel, unit: &str) -> Result<()> {
    let zone = call
        .def()
        .units
        .iter()
        .any(|u| u.name == unit && u.level == level.id);
    let known = match level.scope {
        LevelScope::County => region::lookup(unit).is_some() || zone,
        LevelScope::City => {
            (region::lookup(unit).is_some()
                && (unit.ends_with("00") || routing::directly_under_province(unit)))
                || zone
        }
        LevelScope::Provincial => region::lookup(unit).is_some() && unit.ends_with("0000"),
        LevelScope::Sector => !unit.trim().is_empty(),
        LevelScope::Province => unit == routing::OWNER,
    };
    if !known {
        bail!("审核层级 {} 没有单位 {unit}", level.id);
    }
    Ok(())
}

/// The lowercase extension of a path, or "".
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}
