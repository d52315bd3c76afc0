//! `shenbao serve --calls DIR`: the call files an operator wrote, read at start-up beside the
//! built-in seed calls.
//!
//! Every `*.toml` directly in the folder is one call, read in file-name order. A file that does
//! not compile, a file that cannot be read, or two calls with one id (among the files or with a
//! built-in call) stop the server with every problem listed at once, each at its
//! file:line:column, so that an operator fixes them all in one go.
//!
//! Must not: change a call's meaning: a file is compiled exactly as `shenbao call check`
//! compiles it, and its dates are published as written (`--demo` shifts them later, like the
//! seeds').

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use shenbao_core::call::{self, Call, builtin};

/// The calls of folder `dir`, compiled, each with its definition text.
pub fn read(dir: &Path) -> Result<Vec<(&'static Call, String)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取通知目录 {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut problems: Vec<String> = Vec::new();
    let mut calls = Vec::new();
    // Which file (or the built-in set) each id came from.
    let mut seen: BTreeMap<String, String> = builtin::SOURCES
        .iter()
        .map(|(id, _, _)| (id.to_string(), "内置通知".to_string()))
        .collect();
    for path in &files {
        let name = path.display().to_string();
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{name}: 无法读取：{e}"));
                continue;
            }
        };
        match call::load_str(&name, &source) {
            Ok(c) => {
                if let Some(first) = seen.get(c.id()) {
                    problems.push(format!(
                        "{name}: 通知编号“{}”已被 {first} 使用，每个通知的编号必须不同",
                        c.id()
                    ));
                    continue;
                }
                seen.insert(c.id().to_string(), name);
                // Read once at start-up and kept for the life of the process, like the
                // built-in calls, which every page borrows as `&'static Call`.
                calls.push((&*Box::leak(Box::new(c)), source));
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        bail!(
            "通知目录 {} 中有 {} 处问题，服务器未启动：\n{}",
            dir.display(),
            problems.len(),
            problems.join("\n")
        );
    }
    Ok(calls)
}
