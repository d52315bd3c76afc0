//! HTTP helpers of the load generator: the CSRF token of a page, logging a client in, and
//! fetching a page that must answer 200.

use anyhow::{Context, Result, ensure};
use reqwest::StatusCode;

use crate::server::Server;

/// The CSRF token of a page's first form.
pub fn csrf_of(html: &str) -> Result<String> {
    let key = "name=\"csrf\" value=\"";
    let start = html.find(key).context("page has no csrf field")? + key.len();
    Ok(html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Logs the client's cookie jar in through `/login`.
pub async fn log_in(
    client: &reqwest::Client,
    server: &Server,
    username: &str,
    password: &str,
) -> Result<()> {
    let html = client
        .get(server.url("/login"))
        .send()
        .await?
        .text()
        .await?;
    let r = client
        .post(server.url("/login"))
        .form(&[
            ("csrf", csrf_of(&html)?.as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await?;
    ensure!(
        r.status() == StatusCode::SEE_OTHER,
        "login as {username}: {}",
        r.status()
    );
    Ok(())
}

/// A page that answered 200, with its body.
pub async fn fetch(client: &reqwest::Client, url: &str) -> Result<String> {
    let r = client.get(url).send().await?;
    ensure!(r.status() == StatusCode::OK, "{url}: {}", r.status());
    Ok(r.text().await?)
}
