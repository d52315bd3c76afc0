//! The `shenbao` command: thin argument parsing over the library crates.
//!
//! Subcommands: `serve`, `user add|password`, `call list|check|schema`, `answers check`,
//! `export summary|package|form`, `audit verify|prune`, `backup`, `restore`.

mod audit;
mod backup;
mod call_folder;
mod demo;
mod export;
mod preview;
mod retention;
mod serve;
mod settings;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::Value as Json;
use shenbao_core::call::{self, Call, Target, builtin};
use shenbao_core::form::{self, Application, FileMeta, Severity};

/// shenbao runs government calls for applications (申报) end to end.
#[derive(Debug, Parser)]
#[command(name = "shenbao", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web platform (SQLite in ./data by default).
    Serve(serve::ServeArgs),
    /// Accounts created by the operator: bureaus, call owners, experts, admins.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Call definitions: list the built-in ones, check files, print the format's schema.
    #[command(subcommand)]
    Call(CallCommand),
    /// Application answers.
    #[command(subcommand)]
    Answers(AnswersCommand),
    /// Documents from the data: summary tables, bureau packages, application forms.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// The audit log: verify its hash chain (and the application events'), prune old entries.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Copy the database (SQLite) and the uploaded files into a folder, with a manifest of
    /// their SHA-256 sums, while the server runs.
    Backup(backup::BackupArgs),
    /// Put a backup back into an empty data folder (or, with --force, over one), after
    /// checking every file against the manifest.
    Restore(backup::RestoreArgs),
}

#[derive(Debug, Subcommand)]
enum CallCommand {
    /// List the calls built into this binary.
    List,
    /// Check call-definition files; exit 0 when all are valid, 1 otherwise.
    Check {
        /// TOML files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the call-definition format (for editor completion).
    Schema,
    /// Show what a new version of a call (a file) would do to the applications still being
    /// written here: which drafts and returned applications would fail which rule.
    Preview {
        /// The call file (the new version; its `id` names the call).
        file: PathBuf,
        #[command(flatten)]
        data: serve::DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AnswersCommand {
    /// Validate an answers file; exit 0 when there is no error, 1 when there are errors,
    /// 2 when the input cannot be used.
    Check {
        /// A built-in call id, or the path of a call-definition file.
        #[arg(long)]
        call: String,
        /// Direction id.
        #[arg(long)]
        direction: String,
        /// Sub-direction id, for directions that have them.
        #[arg(long)]
        subdirection: Option<String>,
        /// JSON file with the applicant profile (`uscc`, `name`, `region`).
        #[arg(long)]
        profile: Option<PathBuf>,
        /// JSON file with the uploaded files' metadata: `[{slot, name, size, type}]`.
        #[arg(long)]
        files: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The answers JSON file.
        file: PathBuf,
    },
}

/// Server logs (warnings from the mail worker, failed notices, internal errors) on stderr.
/// `RUST_LOG` chooses what is shown, e.g. `RUST_LOG=debug`; the default is warnings and
/// shenbao's own information.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,shenbao_web=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => {
            init_logging();
            runtime().and_then(|rt| rt.block_on(serve::serve(args)).map(|()| ExitCode::SUCCESS))
        }
        Command::User(cmd) => {
            runtime().and_then(|rt| rt.block_on(user::run(cmd)).map(|()| ExitCode::SUCCESS))
        }
        Command::Export(cmd) => {
            runtime().and_then(|rt| rt.block_on(export::run(cmd)).map(|()| ExitCode::SUCCESS))
        }
        Command::Audit(cmd) => runtime().and_then(|rt| rt.block_on(audit::run(cmd))),
        Command::Backup(args) => runtime().and_then(|rt| {
            rt.block_on(backup::backup(args))
                .map(|()| ExitCode::SUCCESS)
        }),
        Command::Restore(args) => runtime().and_then(|rt| {
            rt.block_on(backup::restore(args))
                .map(|()| ExitCode::SUCCESS)
        }),
        Command::Call(CallCommand::List) => list_calls(),
        Command::Call(CallCommand::Check { files }) => check_calls(&files),
        Command::Call(CallCommand::Schema) => print_schema(),
        Command::Call(CallCommand::Preview { file, data }) => {
            runtime().and_then(|rt| rt.block_on(preview::preview(&file, &data)))
        }
        Command::Answers(AnswersCommand::Check {
            call,
            direction,
            subdirection,
            profile,
            files,
            json,
            file,
        }) => check_answers(
            &call,
            &direction,
            subdirection.as_deref(),
            profile,
            files,
            json,
            &file,
        ),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn list_calls() -> Result<ExitCode> {
    let mut failed = false;
    for (i, r) in builtin::all().enumerate() {
        match r {
            Ok(c) => {
                let d = c.def();
                let dirs: Vec<&str> = d.directions.iter().map(|x| x.name.as_str()).collect();
                println!(
                    "{}\t{}\t{}\t截止 {}\t方向：{}",
                    c.id(),
                    d.issuer,
                    d.title,
                    c.applicant_deadline().map_or_else(
                        || "未定（草稿：须由征集单位设定日期后发布）".to_string(),
                        |d| d.to_string()
                    ),
                    dirs.join("、")
                );
            }
            Err(e) => {
                failed = true;
                eprintln!("{} 无法加载：\n{e}", builtin::SOURCES[i].0);
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check_calls(files: &[PathBuf]) -> Result<ExitCode> {
    let mut ok = true;
    for path in files {
        let name = path.display().to_string();
        let src = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{name}: 无法读取：{e}");
                ok = false;
                continue;
            }
        };
        match call::load_str(&name, &src) {
            Ok(c) => println!(
                "{name}: 有效（{}，{} 个方向）",
                c.id(),
                c.def().directions.len()
            ),
            Err(e) => {
                ok = false;
                println!("{e}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_schema() -> Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&call::json_schema())?);
    Ok(ExitCode::SUCCESS)
}

/// A built-in call by id, or a definition file by path.
fn find_call(spec: &str) -> Result<&'static Call> {
    if let Some(r) = builtin::get(spec) {
        return r.map_err(|e| anyhow::anyhow!("{e}"));
    }
    let src = std::fs::read_to_string(spec)
        .with_context(|| format!("没有编号为“{spec}”的内置通知，也无法作为文件读取"))?;
    let call = call::load_str(spec, &src).map_err(|e| anyhow::anyhow!("{e}"))?;
    // The process checks one file and exits: leaking the call keeps both cases `'static`.
    Ok(Box::leak(Box::new(call)))
}

fn read_json(path: &PathBuf) -> Result<Json> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} 不是有效的 JSON", path.display()))
}

fn check_answers(
    call_spec: &str,
    direction: &str,
    subdirection: Option<&str>,
    profile: Option<PathBuf>,
    files: Option<PathBuf>,
    json: bool,
    file: &PathBuf,
) -> Result<ExitCode> {
    let call = find_call(call_spec)?;
    if call.direction(direction).is_none() {
        let known: Vec<String> = call
            .def()
            .directions
            .iter()
            .map(|d| format!("{}（{}）", d.id, d.name))
            .collect();
        anyhow::bail!(
            "通知 {} 没有方向“{direction}”；可用：{}",
            call.id(),
            known.join("、")
        );
    }
    let answers = read_json(file)?;
    let profile = profile.as_ref().map(read_json).transpose()?;
    let files: Option<Vec<FileMeta>> = match files {
        Some(p) => Some(serde_json::from_value(read_json(&p)?).context("附件清单格式不对")?),
        None => None,
    };
    let report = form::check(
        call,
        &Application {
            target: Target {
                direction,
                subdirection,
            },
            answers: &answers,
            profile: profile.as_ref(),
            files: files.as_deref(),
        },
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&report.problems)?);
    } else if report.problems.is_empty() {
        println!("没有发现问题。");
    } else {
        for p in &report.problems {
            let sev = match p.severity {
                Severity::Error => "错误",
                Severity::Warning => "警告",
                Severity::Info => "提示",
            };
            let path = if p.path.is_empty() { "-" } else { &p.path };
            println!("{sev}\t{path}\t{}\t[{}]", p.message, p.code);
        }
        let errors = report.of(Severity::Error).count();
        let warnings = report.of(Severity::Warning).count();
        println!("共 {errors} 个错误，{warnings} 个警告。");
    }
    Ok(if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
