//! The `shenbao` binary as a child process: started on a data folder, killed with `kill -9`,
//! its output drained, and a browser for it.

use super::*;

// ---- the server process ----------------------------------------------------------------------

/// The `shenbao serve` child process and what it printed. Dropping it kills the process, so a
/// failing test leaves nothing running.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
    pub(crate) stdout: Arc<Mutex<Vec<String>>>,
    pub(crate) stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads a pipe of the child line by line into `lines` (the last 500), until it closes. The
/// pipes must be drained: a child blocked on a full pipe would stall the surge.
pub(crate) fn drain_lines(pipe: impl Read + Send + 'static, lines: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut l = lines.lock().expect("lines");
            l.push(line);
            if l.len() > 500 {
                l.remove(0);
            }
        }
    });
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("local address")
        .port()
}

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

impl Server {
    /// Starts `shenbao serve` on `data` and a free loopback port, and waits until `GET /`
    /// answers. Retries on another port when the process exits early (a port taken between
    /// probing and binding).
    pub(crate) async fn start(data: &Path, demo: bool) -> Server {
        let mut last_error = String::new();
        for _ in 0..5 {
            match Server::try_start(data, demo).await {
                Ok(s) => return s,
                Err(e) => last_error = e,
            }
        }
        panic!("the server did not start: {last_error}");
    }

    pub(crate) async fn try_start(data: &Path, demo: bool) -> Result<Server, String> {
        let cwd = data.parent().expect("data folder has a parent");
        // An empty config file, so neither a `shenbao.toml` nearby nor the environment of the
        // machine running the tests changes the setup.
        let config = cwd.join("empty.toml");
        std::fs::write(&config, "").expect("config file");
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shenbao"));
        cmd.current_dir(cwd)
            .arg("serve")
            .arg("--data-dir")
            .arg(data)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if demo {
            cmd.arg("--demo");
        }
        for var in [
            "SHENBAO_DATA_DIR",
            "SHENBAO_DATABASE_URL",
            "SHENBAO_CONFIG",
            "SHENBAO_LISTEN",
            "SHENBAO_MAX_UPLOAD_MB",
            "SHENBAO_SMTP_URL",
            "SHENBAO_MAIL_FROM",
            "SHENBAO_PUBLIC_URL",
        ] {
            cmd.env_remove(var);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        drain_lines(child.stdout.take().expect("stdout"), Arc::clone(&stdout));
        drain_lines(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stdout,
            stderr,
        };
        let probe = browser();
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "exited with {status}: {}",
                    server.stderr.lock().expect("stderr").join("\n")
                ));
            }
            if let Ok(r) = probe.get(server.url("/")).send().await
                && r.status() == StatusCode::OK
            {
                break;
            }
            if started.elapsed() > START_WAIT {
                panic!(
                    "no answer on {} after {START_WAIT:?}; stderr:\n{}",
                    server.base,
                    server.stderr.lock().expect("stderr").join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The address line is printed right before serving; wait for the reader to see it, so
        // every earlier line (the demo passwords) is there too.
        while !server.printed("请用浏览器打开") {
            assert!(
                started.elapsed() < START_WAIT,
                "the address line never came"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(server)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn printed(&self, text: &str) -> bool {
        self.stdout
            .lock()
            .expect("stdout")
            .iter()
            .any(|l| l.contains(text))
    }

    /// The demo passwords printed once at the first start:
    /// `  username  role  password  display name`.
    pub(crate) fn demo_passwords(&self) -> BTreeMap<String, String> {
        let lines = self.stdout.lock().expect("stdout");
        let start = lines
            .iter()
            .position(|l| l.starts_with("演示账号（密码只显示这一次）"))
            .expect("the demo passwords are printed");
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| {
                let parts: Vec<&str> = l.split_whitespace().collect();
                (parts.len() >= 3).then(|| (parts[0].to_string(), parts[2].to_string()))
            })
            .collect()
    }

    /// `kill -9`: SIGKILL, then reap the process.
    pub(crate) fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Ctrl-C (SIGINT) and a bounded wait for the graceful exit; SIGKILL if it does not come.
    /// Returns how the process ended.
    pub(crate) async fn stop(&mut self) -> String {
        let sent = Command::new("kill")
            .arg("-INT")
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        if sent {
            let until = Instant::now() + Duration::from_secs(30);
            while Instant::now() < until {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return format!("stopped by SIGINT: {status}");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        self.kill_9();
        "killed (no graceful exit)".to_string()
    }
}
