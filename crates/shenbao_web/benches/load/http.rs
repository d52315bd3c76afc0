//! HTTP helpers of the load generator: logging a client in, and fetching a page that must
//! answer 200. The CSRF token is read by the HTTP tests' `csrf_of`.

use anyhow::{Result, ensure};
use reqwest::StatusCode;

use crate::common::csrf_of;
use crate::server::Server;

/// Logs the client's cookie jar in through `/login`.
///
/// The HTTP tests' `App::login` does the same requests but is a method of their in-process
/// `App` (its own server, store and test clock), while this server is a child process known
/// by its address; and it hands back the response unchecked, where a benchmark that went on
/// without a session would measure login redirects. So this one stays, built on the tests'
/// [`csrf_of`].
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
            ("csrf", csrf_of(&html).as_str()),
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
