//! `shenbao serve`: the data folder, the database, the seed calls, `--demo` accounts, and
//! the server until Ctrl-C. Its settings are in `settings.rs`, the demo accounts in
//! `demo.rs`.
//!
//! Must not: hold the use cases of the server (`shenbao_app`, `shenbao_web` do).

use anyhow::{Context, Result};
use shenbao_app::accounts::system_now;
use shenbao_store::Store;
use shenbao_web::notify::spawn_mail_worker;
use shenbao_web::{CallRegistry, FileStore, Notifier, ServerState};

use crate::demo::create_demo_accounts;
use crate::settings::redact;
pub use crate::settings::{DataArgs, ServeArgs, Settings};

/// Creates the data folder and opens the database.
pub async fn open(settings: &Settings) -> Result<Store> {
    std::fs::create_dir_all(settings.data_dir.join("files"))
        .with_context(|| format!("创建数据目录 {}", settings.data_dir.display()))?;
    Store::connect(&settings.database_url)
        .await
        .with_context(|| format!("连接数据库 {}", redact(&settings.database_url)))
}

/// Runs the server until Ctrl-C.
pub async fn serve(args: ServeArgs) -> Result<()> {
    let settings = args.settings()?;
    let smtp = settings.smtp()?;
    let web = settings.web()?;
    // Connections, files and the database share the open-files limit: raise the soft limit
    // to the hard one, and cap connections below it.
    let fd_limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let options = settings.serve_options(fd_limit);
    // The operator's call files are checked before anything is opened or written.
    let folder = match &settings.calls_dir {
        Some(dir) => crate::call_folder::read(dir)?,
        None => Vec::new(),
    };
    let store = open(&settings).await?;
    let now = system_now();
    let calls = CallRegistry::load_with(&store, &folder, args.demo, now).await?;
    // The word segmenter's dictionary loads in about 0.3 s: once here, in the background,
    // rather than in the first submission (which fingerprints its answers).
    tokio::task::spawn_blocking(|| shenbao_core::near_duplicate::words("预热"));
    println!("shenbao 数据目录：{}", settings.data_dir.display());
    println!("数据库：{}", redact(&settings.database_url));
    if let Some(dir) = &settings.calls_dir {
        println!("通知目录 {}：{} 个征集通知", dir.display(), folder.len());
    }
    let drafts = calls.all_with_drafts().len() - calls.all().len();
    println!(
        "已加载 {} 个征集通知（其中 {drafts} 个为草稿：没有申报截止日期，须由征集单位设定日期后发布）；上传文件大小上限 {}MB",
        calls.all_with_drafts().len(),
        settings.max_upload_mb
    );
    if args.demo {
        println!(
            "演示模式：各通知的全部截止时间已整体顺延（先后顺序不变），最早一项顺延至 {}",
            shenbao_core::time::date_after(now, shenbao_web::calls::DEMO_DAYS)
        );
        create_demo_accounts(&store, now).await?;
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("监听 {}", settings.listen))?;
    println!("请用浏览器打开 http://{}/", listener.local_addr()?);
    let files = FileStore::new(
        settings.data_dir.join("files"),
        settings.max_upload_mb * 1024 * 1024,
    );
    println!(
        "连接上限 {}（每个地址 {}）；可信代理：{}；Cookie {}",
        options.max_connections,
        options.max_connections_per_ip,
        settings.trusted_proxy.as_deref().unwrap_or("无"),
        if web.secure_cookies {
            "仅经 HTTPS 发送（Secure）"
        } else {
            "未标记 Secure"
        }
    );
    let mut state = ServerState::new(store.clone(), calls, files).with_config(web);
    match &smtp {
        Some(smtp) => {
            spawn_mail_worker(store, smtp, state.clock())?;
            state = state.with_notifier(Notifier::with_mail(settings.public_url.as_deref()));
            println!(
                "邮件通知：经 {} 发送，发件人 {}",
                redact(&smtp.url),
                smtp.from
            );
        }
        None => println!("邮件通知：未配置 SMTP，通知只在站内消息中显示"),
    }
    match settings.audit_retention_days {
        0 => println!("审计日志：永久保留"),
        days => println!("审计日志：保留 {days} 天，更早的记录由服务器定期删除"),
    }
    crate::retention::spawn_retention(state.store.clone(), settings.audit_retention_days);
    // Notices whose action committed but whose delivery did not happen (a crash in between).
    shenbao_web::notices::spawn_outbox_sweeper(state.clone());
    let db = state.store.clone();
    let served = shenbao_web::serve_with(state, listener, options).await;
    // SQLite checkpoints its WAL when the last connection closes.
    db.close().await;
    served
}
