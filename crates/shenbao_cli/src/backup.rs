//! `shenbao backup DIR` and `shenbao restore DIR`: a consistent copy of a running
//! installation, checked on the way out and on the way back.
//!
//! # Backup
//!
//! - **SQLite**: `VACUUM INTO DIR/shenbao.db` first (one read transaction: the copy holds
//!   exactly what was committed when it started, while the server goes on writing), then the
//!   files folder, file by file. Uploaded files are write-once (a new upload gets a new random
//!   key, and the file is on disk before its row is committed), so every file the copy's
//!   attachments name exists when the files are copied afterwards; each is checked against the
//!   size and SHA-256 its row records. A file deleted since (a draft's attachment removed
//!   after the copy was taken) is reported and not an error; a file still named by the live
//!   database but missing or different is an error.
//! - **PostgreSQL**: the database is backed up with `pg_dump` (run it first); this command
//!   copies and checks the files only, against the live database's attachments.
//! - `DIR/manifest.json`: format, time, database kind, and the size and SHA-256 of every file
//!   of the backup (paths relative to `DIR`, `/`-separated).
//! - `DIR` is made readable by its owner only (mode 700): it holds password hashes and every
//!   applicant's data.
//!
//! # Restore
//!
//! Verifies every file of the manifest first and refuses a damaged backup, naming the file;
//! refuses a data folder that holds any file unless `--force` (which replaces the database
//! and the files folder: stop the server first); then copies the database and the files back
//! (checking each sum again while copying), runs pending migrations and verifies the hash
//! chains of the restored database.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shenbao_app::accounts::system_now;
use shenbao_store::{Backend, Store, StoredFile};

use crate::serve::{DataArgs, open};

/// The manifest's file name inside a backup.
const MANIFEST: &str = "manifest.json";
/// The database copy's name inside a backup.
const DATABASE: &str = "shenbao.db";
/// The files folder, in a data folder and in a backup.
const FILES: &str = "files";
/// Uploads in progress inside the files folder: not part of a backup.
const FILES_TMP: &str = "tmp";
/// The manifest format this version writes and reads.
const FORMAT: u32 = 1;

/// `shenbao backup DIR`
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Folder to write the backup into; created, and must be empty when it exists.
    pub dir: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

/// `shenbao restore DIR`
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// Folder of a backup written by `shenbao backup`.
    pub dir: PathBuf,
    /// Replace the database and the files folder of a data folder that is not empty (stop
    /// the server first).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

/// `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// [`FORMAT`].
    format: u32,
    /// When the backup started, RFC 3339 in Beijing time.
    created_at: String,
    /// The same, Unix milliseconds.
    created_at_ms: i64,
    /// `sqlite` (the database is `shenbao.db` in the backup) or `postgres` (the database is
    /// backed up with pg_dump, apart).
    database: String,
    /// The shenbao version that wrote it.
    shenbao_version: String,
    /// Every file of the backup but the manifest.
    files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ManifestFile {
    /// Relative to the backup folder, `/`-separated.
    path: String,
    size: u64,
    sha256: String,
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads `from` once and returns its size and SHA-256, copying it to `to` (creating its
/// folder) on the way when given.
fn read_hashed(from: &Path, to: Option<&Path>) -> std::io::Result<(u64, String)> {
    let mut src = std::fs::File::open(from)?;
    let mut dst = match to {
        Some(to) => {
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir)?;
            }
            Some(std::fs::File::create(to)?)
        }
        None => None,
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let Some(dst) = &mut dst {
            dst.write_all(&buf[..n])?;
        }
        size += n as u64;
    }
    if let Some(dst) = dst {
        dst.sync_all()?;
    }
    Ok((size, hex(&hasher.finalize())))
}

fn copy_hashed(from: &Path, to: &Path) -> std::io::Result<(u64, String)> {
    read_hashed(from, Some(to))
}

fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    read_hashed(path, None)
}

/// Every regular file under `root`, as `/`-separated paths relative to it, sorted; `skip` is a
/// top-level folder left out. A missing root has none.
fn list_files(root: &Path, skip: Option<&str>) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !(prefix.is_empty() && skip == Some(name.as_str())) {
                    stack.push((entry.path(), rel));
                }
            } else if kind.is_file() {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A manifest path as a path under the backup folder, refusing anything that could leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let normal = !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    let known = path == DATABASE || path.starts_with("files/");
    (normal && known).then(|| p.to_path_buf())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// Runs `shenbao backup`.
pub async fn backup(args: BackupArgs) -> Result<()> {
    let settings = args.data.settings(None, None)?;
    let dir = args.dir;
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        bail!(
            "备份目录 {} 不为空；请指定一个新的或空的目录",
            dir.display()
        );
    }
    if let (Ok(b), Ok(d)) = (
        std::path::absolute(&dir),
        std::path::absolute(&settings.data_dir),
    ) && b.starts_with(&d)
    {
        bail!(
            "备份目录不能位于数据目录 {} 之内",
            settings.data_dir.display()
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("创建备份目录 {}", dir.display()))?;
    // The copy holds password hashes and every applicant's data: for the owner only.
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .with_context(|| format!("设置备份目录 {} 的权限", dir.display()))?;
    let files_root = settings.data_dir.join(FILES);
    let store = open(&settings).await?;
    let started = system_now();
    let mut manifest = Manifest {
        format: FORMAT,
        created_at: chrono::DateTime::from_timestamp_millis(started)
            .unwrap_or_default()
            .with_timezone(&shenbao_core::time::beijing())
            .to_rfc3339(),
        created_at_ms: started,
        database: String::new(),
        shenbao_version: env!("CARGO_PKG_VERSION").to_string(),
        files: Vec::new(),
    };

    // The database first: the files it names are on disk before its rows were committed.
    let named: Vec<StoredFile> = match store.backend() {
        Backend::Sqlite => {
            manifest.database = "sqlite".to_string();
            let copy = dir.join(DATABASE);
            let copy = std::path::absolute(&copy).unwrap_or(copy);
            store
                .vacuum_into(&copy)
                .await
                .context("复制 SQLite 数据库（VACUUM INTO）")?;
            let named = shenbao_store::sqlite_copy_files(&copy)
                .await
                .context("检查数据库副本")?;
            let (size, sha256) = hash_file(&copy)?;
            manifest.files.push(ManifestFile {
                path: DATABASE.to_string(),
                size,
                sha256,
            });
            named
        }
        Backend::Postgres => {
            manifest.database = "postgres".to_string();
            store.stored_files().await?
        }
    };

    // Then the files, one by one.
    let copy_dir = dir.clone();
    let copied = tokio::task::spawn_blocking(move || -> Result<Vec<ManifestFile>> {
        let mut copied = Vec::new();
        for rel in list_files(&files_root, Some(FILES_TMP))? {
            let to = copy_dir.join(FILES).join(&rel);
            match copy_hashed(&files_root.join(&rel), &to) {
                Ok((size, sha256)) => copied.push(ManifestFile {
                    path: format!("{FILES}/{rel}"),
                    size,
                    sha256,
                }),
                // Deleted since it was listed.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let _ = std::fs::remove_file(&to);
                }
                Err(e) => return Err(e).with_context(|| format!("复制文件 {rel}")),
            }
        }
        Ok(copied)
    })
    .await??;

    // Every attachment the database (copy) names must be in the backup, as recorded.
    let by_path: HashMap<&str, &ManifestFile> =
        copied.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut missing = Vec::new();
    let mut different = Vec::new();
    for f in &named {
        match by_path.get(format!("{FILES}/{}", f.storage_key).as_str()) {
            None => missing.push(f),
            Some(m) if m.sha256 != f.sha256 || i64::try_from(m.size).ok() != Some(f.size) => {
                different.push(f);
            }
            Some(_) => {}
        }
    }
    // A missing file whose attachment was deleted after the copy was taken is no loss.
    let live: Vec<(bool, i64)> = if missing.is_empty() {
        Vec::new()
    } else {
        store
            .stored_files()
            .await?
            .iter()
            .map(|f| (f.scan, f.id))
            .collect()
    };
    let (lost, deleted): (Vec<&StoredFile>, Vec<&StoredFile>) = missing
        .into_iter()
        .partition(|f| live.contains(&(f.scan, f.id)));
    let total: u64 = copied.iter().map(|f| f.size).sum();
    let file_count = copied.len();
    manifest.files.extend(copied);
    let text = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(dir.join(MANIFEST), &text)?;
    store.close().await;

    println!("备份已写入 {}", dir.display());
    match store.backend() {
        Backend::Sqlite => {
            let db = &manifest.files[0];
            println!(
                "  数据库：SQLite，{DATABASE}（{}），为备份开始时已提交的全部数据",
                megabytes(db.size)
            );
        }
        Backend::Postgres => {
            println!(
                "  数据库：PostgreSQL，不在此备份中。请用 pg_dump 备份数据库（先于本命令运行），例如：\n    pg_dump --format=custom --file=shenbao.dump \"$SHENBAO_DATABASE_URL\"\n  恢复时用 pg_restore，例如：\n    pg_restore --clean --if-exists --dbname=\"$SHENBAO_DATABASE_URL\" shenbao.dump"
            );
        }
    }
    println!(
        "  附件文件：{file_count} 个（{}）；数据库记载的 {} 个附件已逐一核对大小和 SHA-256",
        megabytes(total),
        named.len()
    );
    if !deleted.is_empty() {
        println!(
            "  另有 {} 个附件在备份过程中被删除（草稿中移除的附件），未包含在备份中",
            deleted.len()
        );
    }
    println!(
        "  清单：{MANIFEST}，SHA-256 {}（可另行记录，用于日后确认备份未被改动）",
        hex(&Sha256::digest(text.as_bytes()))
    );
    if !lost.is_empty() || !different.is_empty() {
        let names: Vec<String> = lost
            .iter()
            .chain(&different)
            .map(|f| {
                let what = if f.scan { "报送扫描件" } else { "附件" };
                format!("{}（{what} #{}）", f.storage_key, f.id)
            })
            .collect();
        bail!(
            "数据目录中有 {} 个附件文件缺失或与数据库记载的 SHA-256 不符，备份不完整：{}",
            names.len(),
            names.join("、")
        );
    }
    Ok(())
}

/// Checks every file of the manifest in `dir`; the first damaged one is an error naming it.
fn verify_backup(dir: &Path, manifest: &Manifest) -> Result<()> {
    for f in &manifest.files {
        let rel = safe_relative(&f.path)
            .with_context(|| format!("备份清单中的路径不安全或无法识别：{}", f.path))?;
        let (size, sha256) = match hash_file(&dir.join(rel)) {
            Ok(v) => v,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("备份已损坏：缺少文件 {}，未做任何恢复", f.path)
            }
            Err(e) => return Err(e).with_context(|| format!("读取备份文件 {}", f.path)),
        };
        if size != f.size || sha256 != f.sha256 {
            bail!(
                "备份已损坏：文件 {} 的大小或 SHA-256 与清单不符（被修改或损坏），未做任何恢复",
                f.path
            );
        }
    }
    Ok(())
}

/// Whether `dir` holds any file (empty folders do not count).
fn holds_files(dir: &Path) -> std::io::Result<bool> {
    Ok(!list_files(dir, None)?.is_empty())
}

/// Runs `shenbao restore`.
pub async fn restore(args: RestoreArgs) -> Result<()> {
    let dir = args.dir;
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .with_context(|| format!("{} 不是 shenbao 备份：无法读取 {MANIFEST}", dir.display()))?;
    let manifest: Manifest =
        serde_json::from_str(&text).with_context(|| format!("备份清单 {MANIFEST} 格式有误"))?;
    if manifest.format != FORMAT {
        bail!(
            "不支持的备份格式 {}（本版本读取格式 {FORMAT}）",
            manifest.format
        );
    }
    let with_database = match manifest.database.as_str() {
        "sqlite" => true,
        "postgres" => false,
        other => bail!("备份清单中的数据库类型无法识别：{other}"),
    };
    if with_database && !manifest.files.iter().any(|f| f.path == DATABASE) {
        bail!("备份已损坏：清单中没有数据库文件 {DATABASE}");
    }
    let checked_dir = dir.clone();
    let checked = tokio::task::spawn_blocking(move || {
        verify_backup(&checked_dir, &manifest).map(|()| manifest)
    });
    let manifest = checked.await??;

    let settings = args.data.settings(None, None)?;
    let target_db =
        if with_database {
            Some(shenbao_store::sqlite_path(&settings.database_url).context(
                "此备份的数据库为 SQLite，而目标数据库不是 SQLite 文件（--database-url）",
            )?)
        } else {
            None
        };
    let files_root = settings.data_dir.join(FILES);
    let occupied =
        holds_files(&settings.data_dir)? || target_db.as_deref().is_some_and(Path::exists);
    if occupied && !args.force {
        bail!(
            "数据目录 {} 不为空；如确需用备份覆盖现有数据，请先停止服务器，再加 --force 重新运行",
            settings.data_dir.display()
        );
    }

    let restore_dir = dir.clone();
    let db_target = target_db.clone();
    let files = manifest.files.clone();
    let count = tokio::task::spawn_blocking(move || -> Result<usize> {
        if let Some(db) = &db_target {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = db.clone().into_os_string();
                p.push(suffix);
                match std::fs::remove_file(PathBuf::from(p)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        match std::fs::remove_dir_all(&files_root) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        std::fs::create_dir_all(&files_root)?;
        let mut count = 0;
        for f in &files {
            let rel = safe_relative(&f.path).context("备份清单中的路径不安全")?;
            let to = if f.path == DATABASE {
                match &db_target {
                    Some(db) => db.clone(),
                    None => continue,
                }
            } else {
                count += 1;
                data_file_path(&files_root, &f.path)
            };
            let (size, sha256) = copy_hashed(&restore_dir.join(rel), &to)
                .with_context(|| format!("恢复文件 {}", f.path))?;
            if size != f.size || sha256 != f.sha256 {
                bail!("恢复中止：文件 {} 在核对后被改动", f.path);
            }
        }
        Ok(count)
    })
    .await??;

    println!(
        "已从 {} 恢复（备份时间 {}）",
        dir.display(),
        manifest.created_at
    );
    println!("  附件文件：{count} 个，已逐一核对 SHA-256");
    match target_db {
        Some(db) => {
            println!("  数据库：{}", db.display());
            let store = Store::connect(&settings.database_url)
                .await
                .context("打开恢复后的数据库")?;
            let intact = crate::audit::verify(&store).await?;
            store.close().await;
            if !intact {
                bail!("恢复后的数据库中哈希链校验未通过（见上）");
            }
        }
        None => println!(
            "  数据库：此备份来自 PostgreSQL，数据库不在其中。请用 pg_restore 恢复 pg_dump 的备份，例如：\n    pg_restore --clean --if-exists --dbname=\"$SHENBAO_DATABASE_URL\" shenbao.dump\n  恢复后可运行 shenbao audit verify 校验审计日志"
        ),
    }
    Ok(())
}

/// Where a manifest path `files/…` goes in the data folder's files folder.
fn data_file_path(files_root: &Path, manifest_path: &str) -> PathBuf {
    files_root.join(
        manifest_path
            .strip_prefix("files/")
            .unwrap_or(manifest_path),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_stay_inside_the_backup() {
        assert!(safe_relative("shenbao.db").is_some());
        assert!(safe_relative("files/hn-2025-ai/3/abc").is_some());
        for bad in [
            "",
            "/etc/passwd",
            "files/../../etc/passwd",
            "../shenbao.db",
            "other.txt",
            "files\\..\\x",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad} refused");
        }
    }
}
