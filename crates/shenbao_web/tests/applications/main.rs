//! Applicants over real HTTP, on SQLite and (in CI) PostgreSQL: register, fill in the
//! official form, upload evidence and submit, for one direction of every seed call; and the
//! refusals: wrong role, another organisation's ids, missing CSRF, after the deadline,
//! uploads over or under the limits or of the wrong content, a stale save.

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::Ordering;

use common::applicant::{Overlong, apply, content, fixture, with_uscc};
use common::{App, csrf_of, location};
use reqwest::StatusCode;
use serde_json::Value as Json;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewUser, Role};

/// Sends `request` on `stream` and reads one whole response (head and Content-Length body).
async fn exchange(
    stream: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    request: &[u8],
) -> std::io::Result<(String, Vec<u8>)> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    stream.get_mut().write_all(request).await?;
    let mut head = String::new();
    loop {
        let before = head.len();
        if stream.read_line(&mut head).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if head[before..].trim().is_empty() {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok((head, body))
}

mod filling;
mod refusals;
mod uploads;
