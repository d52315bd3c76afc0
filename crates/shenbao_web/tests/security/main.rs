//! Hostile clients and bad input (issue 11's findings 2, 3, 6, 7 and 10), over real HTTP on
//! loopback addresses only: half-open and stalled connections, a crowd of registrations,
//! open redirects after login, lockouts that strangers could trigger, trusted proxies,
//! password strength, registration that tells strangers nothing, cookies and security
//! headers. Each test failed on the code before the fix.
//!
//! Several clients are told apart by their source address: Linux routes the whole 127/8
//! block to the loopback interface, so a client can connect from 127.0.0.2.

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{App, csrf_of, location};
use reqwest::StatusCode;
use shenbao_store::testing::TestDb;
use shenbao_web::{ServeOptions, TrustedProxies, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const USCC: &str = "91370102MA3DEM0015";
const PASSWORD: &str = "secret-123";

/// A TCP connection to `app` from the loopback address `from`.
async fn connect_from(app: &App, from: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(format!("{from}:0").parse().expect("addr"))
        .expect("bind");
    let addr = app
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("addr");
    socket.connect(addr).await.expect("connect")
}

/// Whether the server closes `stream` (EOF or reset) within `bound`; the bound only ends a
/// test that would otherwise hang, it is not a measurement.
async fn closed_within(stream: &mut TcpStream, bound: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(bound, read).await.unwrap_or(false)
}

/// Options small enough for a test: a short header and stall timeout, small caps.
fn tight() -> ServeOptions {
    ServeOptions {
        header_timeout: Duration::from_secs(1),
        stall_timeout: Duration::from_secs(2),
        max_connections: 64,
        max_connections_per_ip: 20,
        ..ServeOptions::default()
    }
}

/// Registers an organisation with [`USCC`] and the password [`PASSWORD`] from browser `b` at
/// `base` (its own registration form first, for the CSRF token); `confirm` is what the
/// confirmation field says. Returns the status.
async fn post_registration(
    b: &reqwest::Client,
    base: &str,
    username: &str,
    confirm: &str,
) -> StatusCode {
    let html = b
        .get(format!("{base}/register"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    b.post(format!("{base}/register"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("uscc", USCC),
            ("org_name", "冒名单位"),
            ("region", "370102"),
            ("contact", "某人"),
            ("username", username),
            ("password", PASSWORD),
            ("confirm", confirm),
        ])
        .send()
        .await
        .expect("post")
        .status()
}

/// Posts a login from `b` and returns the status and the Retry-After header.
async fn try_login(app: &App, b: &reqwest::Client, user: &str, pw: &str) -> (StatusCode, String) {
    let r = app
        .submit(
            b,
            "/login",
            "/login",
            &[("username", user), ("password", pw)],
        )
        .await;
    let retry = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (r.status(), retry)
}

/// The text between `start` and the next `<` in `html`.
fn between<'h>(html: &'h str, start: &str) -> &'h str {
    let i = html
        .find(start)
        .map(|i| i + start.len())
        .unwrap_or(html.len());
    html[i..].split('<').next().unwrap_or_default()
}

mod connections;
mod logins;
mod pages;
