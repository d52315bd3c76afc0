//! `shenbao call preview FILE`: what a new version of a call would do to the applications still
//! being written on this installation, before the file is given to the server.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use shenbao_app::calls::CallRegistry;
use shenbao_app::versions::effect_of;

use crate::serve::{DataArgs, open};

/// Prints, for the call file at `path`, every draft and returned application of its call that
/// the file would find new problems with; exit 0 when it is valid (whatever it finds), 1 when
/// it does not compile.
pub async fn preview(path: &Path, data: &DataArgs) -> Result<ExitCode> {
    let name = path.display().to_string();
    let source = std::fs::read_to_string(path).with_context(|| format!("无法读取 {name}"))?;
    let new = match shenbao_core::call::load_str(&name, &source) {
        Ok(call) => call,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = open(&data.settings(None, None)?).await?;
    let calls = CallRegistry::stored(&store).await?;
    let Some(current) = calls.get(new.id()) else {
        println!(
            "{}：本系统还没有这个征集通知，没有已填写的申报受影响。",
            new.id()
        );
        store.close().await;
        return Ok(ExitCode::SUCCESS);
    };
    let effect = effect_of(&store, &calls, &new).await?;
    println!(
        "{}（现行第 {} 版）：检查了 {} 份草稿和退回修改的申报，{} 份在新版本下会出现新的问题。",
        new.id(),
        current.version,
        effect.checked,
        effect.affected.len()
    );
    for a in &effect.affected {
        let direction = new
            .direction(&a.application.direction)
            .map_or(a.application.direction.as_str(), |d| d.name.as_str());
        println!(
            "申报 {}（{}，{}，按第 {} 版填写）：",
            a.application.id, a.organisation, direction, a.version
        );
        for p in &a.problems {
            println!("  - {}", p.message);
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
