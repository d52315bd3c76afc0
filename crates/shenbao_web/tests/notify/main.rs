//! Notifications end to end, on both databases: the inbox pages and header badge over HTTP,
//! the notification e-mail address on the account page, and e-mail through a real SMTP server
//! (`mailin-embedded`, on a random loopback port) with failures, retries and back-off.

#[path = "../common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{App, NOW, location};
use mailin_embedded::{Handler, Response, Server, response};
use reqwest::StatusCode;
use shenbao_store::Store;
use shenbao_store::testing::TestDb;
use shenbao_web::Notifier;
use shenbao_web::notify::{Mailer, Notice, SmtpSettings, deliver_due, spawn_mail_worker};

const USCC_A: &str = "91370102MA3DEM0015";
const USCC_B: &str = "91350502MA3DEM003P";

// ---------------------------------------------------------------------------------------------
// Helpers

fn notice(title: &str, link: Option<&str>) -> Notice {
    Notice {
        title: title.to_string(),
        body: format!("{title}：请登录查看。"),
        link: link.map(str::to_string),
    }
}

/// Registers applicant qiye_a in browser `b` with the address zhang@example.cn; its user id.
async fn applicant_with_mail(app: &App, b: &reqwest::Client) -> i64 {
    app.register(b, USCC_A, "qiye_a").await;
    let id = user_id(app, b).await;
    app.store
        .set_user_email(id, Some("zhang@example.cn"))
        .await
        .expect("email");
    id
}

/// The user id of the account logged in with `b`.
async fn user_id(app: &App, b: &reqwest::Client) -> i64 {
    app.store
        .user_by_username(&app.login_name(b).await)
        .await
        .expect("lookup")
        .expect("user exists")
        .id
}

/// The unread badge in the header of `html`, if shown.
fn badge(html: &str) -> Option<String> {
    let key = "class=\"count\"";
    let start = html.find(key)?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest.find('<')?;
    Some(rest[open..close].to_string())
}

/// One message the SMTP server accepted.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

/// Collects what the SMTP server receives (one clone per connection, one shared list).
#[derive(Clone, Default)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let received = Received {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        };
        self.inbox.lock().expect("lock").push(received);
        response::OK
    }
}

/// A real SMTP server on `port` (0 for any free one), serving on a thread of its own for
/// the rest of the test process (mailin-embedded has no shutdown). Returns its port and
/// what it receives.
fn start_smtp(port: u16) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP port");
    let port = listener.local_addr().expect("addr").port();
    let collector = Collector::default();
    let inbox = Arc::clone(&collector.inbox);
    let mut server = Server::new(collector);
    server.with_name("smtp.test").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, inbox)
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn mailer(port: u16) -> Mailer {
    Mailer::new(&SmtpSettings {
        url: format!("smtp://127.0.0.1:{port}"),
        from: "申报通 <noreply@example.cn>".to_string(),
    })
    .expect("valid SMTP settings")
}

/// The subject of a raw message, with RFC 2047 `=?utf-8?b?…?=` words decoded.
fn subject_of(data: &str) -> String {
    let mut lines = data.split("\r\n");
    let mut raw = String::new();
    while let Some(line) = lines.next() {
        if let Some(first) = line.strip_prefix("Subject:") {
            raw.push_str(first.trim());
            for more in lines.by_ref() {
                if !more.starts_with([' ', '\t']) {
                    break;
                }
                raw.push_str(more.trim());
            }
            break;
        }
    }
    let mut bytes = Vec::new();
    for word in raw.replace("?==?", "?= =?").split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && lower.ends_with("?=") {
            bytes.extend(base64(&word[10..word.len() - 2]));
        } else {
            bytes.extend_from_slice(word.as_bytes());
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Standard base64 (padding ignored); enough for encoded words.
fn base64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Waits until `inbox` holds `n` messages (at most 10 s).
async fn wait_for(inbox: &Arc<Mutex<Vec<Received>>>, n: usize) -> Vec<Received> {
    for _ in 0..200 {
        let got = inbox.lock().expect("lock").clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the SMTP server did not receive {n} message(s)");
}

mod inbox;
mod mail;
