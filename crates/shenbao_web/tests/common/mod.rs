//! The running server for HTTP tests: a real listener on a random loopback port, a clock
//! the test can move, browsers with their own cookie jars.

#![allow(dead_code, reason = "each test binary uses part of the harness")]

pub mod applicant;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use shenbao_store::Store;
use shenbao_web::{CallRegistry, FileStore, ServeOptions, ServerState, WebConfig};

/// 2026-11-22 12:00 Beijing: every seed call's real deadline is past.
pub const NOW: i64 = 1_795_320_000_000;

/// A running server and what a test needs to drive it.
pub struct App {
    pub base: String,
    pub store: Store,
    pub clock: Arc<AtomicI64>,
    /// The server's calls, to refresh after storing a version.
    pub calls: Arc<CallRegistry>,
    /// Uploaded files live here until the test ends.
    pub files: tempfile::TempDir,
}

impl App {
    pub async fn start(store: Store, demo: bool) -> App {
        App::start_with(store, demo, WebConfig::default(), ServeOptions::default()).await
    }

    /// A server with the operator's `config` and the server loop's `options`.
    pub async fn start_with(
        store: Store,
        demo: bool,
        config: WebConfig,
        options: ServeOptions,
    ) -> App {
        App::start_full(store, demo, config, options, &[]).await
    }

    /// A server that runs the call files `sources` beside the seeds, as `serve --calls`
    /// loads a folder.
    pub async fn start_with_calls(store: Store, demo: bool, sources: &[&str]) -> App {
        App::start_full(
            store,
            demo,
            WebConfig::default(),
            ServeOptions::default(),
            sources,
        )
        .await
    }

    async fn start_full(
        store: Store,
        demo: bool,
        config: WebConfig,
        options: ServeOptions,
        sources: &[&str],
    ) -> App {
        let clock = Arc::new(AtomicI64::new(NOW));
        let extra: Vec<(&'static shenbao_core::call::Call, String)> = sources
            .iter()
            .map(|source| {
                let call = shenbao_core::call::load_str("test.toml", source).expect("compiles");
                (&*Box::leak(Box::new(call)), (*source).to_string())
            })
            .collect();
        let calls = CallRegistry::load_with(&store, &extra, demo, NOW)
            .await
            .expect("calls load");
        let c = Arc::clone(&clock);
        let files_dir = tempfile::tempdir().expect("files dir");
        let files = FileStore::new(files_dir.path(), 120 * 1024 * 1024);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        // The printed forms' QR codes point at this server.
        let config = WebConfig {
            public_url: config.public_url.or(Some(format!("http://{addr}"))),
            ..config
        };
        let state = ServerState::with_clock(
            store.clone(),
            calls,
            files,
            Arc::new(move || c.load(Ordering::SeqCst)),
        )
        .with_config(config);
        let calls = Arc::clone(&state.calls);
        tokio::spawn(shenbao_web::serve_with(state, listener, options));
        App {
            base: format!("http://{addr}"),
            store,
            clock,
            calls,
            files: files_dir,
        }
    }

    /// A new operator account (password `secret-123`), logged in in a browser of its own.
    pub async fn account(
        &self,
        name: &str,
        role: shenbao_store::Role,
        region: Option<&str>,
    ) -> reqwest::Client {
        self.store
            .create_user(&shenbao_store::NewUser {
                password_hash: shenbao_web::auth::hash_password("secret-123").expect("hash"),
                ..shenbao_store::testing::new_user(name, role, region, NOW)
            })
            .await
            .expect("account");
        let b = self.browser();
        let r = self.login(&b, name, "secret-123").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name} logged in");
        b
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser: its own cookie jar, no automatic redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    /// A browser that connects from `ip` (any 127.x.y.z address: Linux routes the whole
    /// loopback block), so that tests can be several clients.
    pub fn browser_from(&self, ip: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .local_address(ip.parse::<std::net::IpAddr>().expect("ip"))
            .build()
            .expect("client")
    }

    /// A browser whose cookies the test can read, to speak raw HTTP in its name.
    pub fn browser_with_jar(&self) -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let b = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(Policy::none())
            .build()
            .expect("client");
        (b, jar)
    }

    pub async fn get(&self, b: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let r = b.get(self.url(path)).send().await.expect("get");
        (r.status(), r.text().await.expect("body"))
    }

    /// Loads `form_page` and posts `fields` to `action` with the page's CSRF token.
    pub async fn submit(
        &self,
        b: &reqwest::Client,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.get(b, form_page).await;
        let csrf = csrf_of(&html);
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        b.post(self.url(action))
            .form(&all)
            .send()
            .await
            .expect("post")
    }

    pub async fn register(
        &self,
        b: &reqwest::Client,
        uscc: &str,
        username: &str,
    ) -> reqwest::Response {
        self.submit(
            b,
            "/register",
            "/register",
            &[
                ("uscc", uscc),
                ("org_name", "济南测试科技有限公司"),
                ("region", "370102"),
                ("contact", "张三"),
                ("username", username),
                ("password", "secret-123"),
                ("confirm", "secret-123"),
            ],
        )
        .await
    }

    /// The login name of the account logged in with `b`, as its account page shows it
    /// (registration adds random digits to the name chosen).
    pub async fn login_name(&self, b: &reqwest::Client) -> String {
        let (status, html) = self.get(b, "/account").await;
        assert_eq!(status, StatusCode::OK, "logged in");
        let start = html
            .find("class=\"login-name\">")
            .expect("login name shown")
            + 19;
        let end = start + html[start..].find('<').expect("end of login name");
        html[start..end].to_string()
    }

    pub async fn login(
        &self,
        b: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        self.submit(
            b,
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .store
            .audit_page(None, 100)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        v.reverse();
        v
    }
}

/// The CSRF token in a page's first form.
pub fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let start = html
        .find(key)
        .map(|i| i + key.len())
        .expect("page has a csrf field");
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Whether `c` may appear in an XML 1.0 document (the `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Panics unless `xml` is well-formed XML 1.0 (quick-xml) with only characters XML allows,
/// written or as character references.
pub fn assert_xml(what: &str, xml: &str) {
    use quick_xml::events::Event;
    if let Some(c) = xml.chars().find(|c| !xml_char(*c)) {
        panic!("{what}: U+{:04X} is not an XML character", u32::from(c));
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Text(t)) => {
                let text = t.xml10_content();
                if let Some(c) = text.chars().find(|c| !xml_char(*c)) {
                    panic!("{what}: U+{:04X} written as a reference", u32::from(c));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(c) = r
                    .resolve_char_ref()
                    .unwrap_or_else(|e| panic!("{what}: {e}"))
                    .filter(|c| !xml_char(*c))
                {
                    panic!("{what}: U+{:04X} written as a reference", u32::from(c));
                }
            }
            Ok(_) => {}
            Err(e) => panic!(
                "{what}: not well-formed at {}: {e}",
                reader.error_position()
            ),
        }
    }
}

/// Panics unless every XML part of the Office file (DOCX, XLSX) `bytes` is well-formed.
pub fn assert_office_xml(what: &str, bytes: &[u8]) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .unwrap_or_else(|e| panic!("{what}: not a ZIP: {e}"));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        let name = part.name().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut xml = String::new();
            part.read_to_string(&mut xml)
                .unwrap_or_else(|e| panic!("{what}/{name}: {e}"));
            assert_xml(&format!("{what}/{name}"), &xml);
        }
    }
}
