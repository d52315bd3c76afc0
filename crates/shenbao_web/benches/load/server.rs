//! The server under load, in a child process: this same executable started again with
//! `SHENBAO_BENCH_SERVE=<data folder>`, so its memory and CPU figures are its own.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, anyhow};
use shenbao_store::Store;
use shenbao_web::{CallRegistry, FileStore, ServerState, system_now};

use crate::memory::MIB;

/// Set (to the data folder) in the child process that runs the server.
pub const SERVE_ENV: &str = "SHENBAO_BENCH_SERVE";

/// The child's first line of output, followed by its address.
const LISTENING: &str = "listening on ";

/// The server's upload limit, as `shenbao serve` sets it by default.
const MAX_UPLOAD: u64 = 200 * MIB;

/// The child process: serves the data folder `dir` until its standard input closes.
pub fn serve_child(dir: PathBuf) -> Result<()> {
    // The parent holds our stdin; when it ends (or dies), so do we.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let store = Store::open_sqlite(&dir.join("shenbao.db")).await?;
            let calls = CallRegistry::load(&store, true, system_now()).await?;
            let files = FileStore::new(dir.join("files"), MAX_UPLOAD);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            println!("{LISTENING}{}", listener.local_addr()?);
            shenbao_web::serve(ServerState::new(store, calls, files), listener).await
        })
}

/// The server child process, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts the server on the data folder `dir` and waits until it listens.
    pub fn start(dir: &Path) -> Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .env(SERVE_ENV, dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the server process")?;
        let mut out = BufReader::new(child.stdout.take().context("server stdout")?);
        let mut line = String::new();
        out.read_line(&mut line)?;
        // Keep reading whatever else it prints, so it can never block on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let addr = line
            .trim()
            .strip_prefix(LISTENING)
            .ok_or_else(|| anyhow!("server did not start: {line:?}"))?;
        Ok(Server {
            base: format!("http://{addr}"),
            child,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
