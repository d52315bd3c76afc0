//! Phase 6, the bureau queue over HTTP: the whole queue walked by its `rel="next"` links and
//! checked against the seed, then the first page, the deep pages, the filtered query and the
//! ranking under load.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use crate::fixtures::PASSWORD;
use crate::hammer::{CONNECTIONS, Outcome, PHASE, Tally, WARM_UP, Worker, hammer, print_phase};
use crate::http::{fetch, log_in};
use crate::memory::Cpu;
use crate::queue_seed::{
    BUREAU, DEEP_FROM, KEYWORD, QUEUE_CALL, QUEUE_PAGE, QueueSeed, RANKED_DIRECTION,
};
use crate::server::Server;

/// `GET` of one page that must answer 200 and contain every one of `must` (so a broken page
/// cannot look fast).
struct CheckedPageWorker {
    client: reqwest::Client,
    url: String,
    must: Arc<Vec<String>>,
}

impl Worker for CheckedPageWorker {
    async fn request(&mut self) -> Outcome {
        match self.client.get(&self.url).send().await {
            Ok(r) if r.status() == StatusCode::OK => match r.text().await {
                Ok(body) if self.must.iter().all(|m| body.contains(m.as_str())) => Outcome::Ok,
                _ => Outcome::Failed,
            },
            _ => Outcome::Failed,
        }
    }
}

/// The link to an application's review page, as queue and ranking rows carry it.
fn row_link(id: i64) -> String {
    format!("/review/{QUEUE_CALL}/applications/{id}\"")
}

/// The application ids of a queue or ranking page's rows, in order.
fn row_ids(html: &str) -> Vec<i64> {
    let key = format!("/review/{QUEUE_CALL}/applications/");
    html.match_indices(&key)
        .filter_map(|(at, _)| {
            let rest = &html[at + key.len()..];
            let end = rest.find('"')?;
            rest[..end].parse().ok()
        })
        .collect()
}

/// The page's `rel="next"` link, unescaped.
fn next_link(html: &str) -> Option<String> {
    let key = "rel=\"next\" href=\"";
    let start = html.find(key)? + key.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].replace("&amp;", "&"))
}

/// What the queue section measured.
pub struct QueueFigures {
    pub first: Tally,
    pub deep: Tally,
    pub filtered: Tally,
    pub ranking: Tally,
    pub walk: Duration,
    pub walked_pages: usize,
}

/// One measured phase: [`CONNECTIONS`] workers over `targets` (URL and what its body must
/// contain), round-robin, warmed up, then [`PHASE`] long.
async fn queue_phase(
    name: &str,
    client: &reqwest::Client,
    pid: u32,
    targets: &[(String, Arc<Vec<String>>)],
) -> Tally {
    let workers: Vec<CheckedPageWorker> = (0..CONNECTIONS)
        .map(|w| {
            let (url, must) = &targets[w * targets.len() / CONNECTIONS];
            CheckedPageWorker {
                client: client.clone(),
                url: url.clone(),
                must: Arc::clone(must),
            }
        })
        .collect();
    let (_, workers) = hammer(workers, WARM_UP).await;
    let ((t, _), cpu) = Cpu::around(pid, hammer(workers, PHASE)).await;
    print_phase(name, &t, &cpu);
    t
}

/// The bureau's queue and ranking (phase 6): every page checked once against the seeded
/// rows, then each shape under load.
pub async fn queue_section(server: &Server, seeded: &QueueSeed) -> Result<QueueFigures> {
    let pid = server.pid();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()?;
    log_in(&client, server, BUREAU, PASSWORD).await?;
    let must = |ids: &[i64]| -> Arc<Vec<String>> {
        Arc::new(
            [ids.first(), ids.last()]
                .into_iter()
                .flatten()
                .map(|&id| row_link(id))
                .collect(),
        )
    };

    // Walk the whole queue by its next links, checking every page against the seed.
    let expected: Vec<i64> = seeded.newest().iter().map(|a| a.id).collect();
    let first_url = server.url(&format!("/review/{QUEUE_CALL}"));
    let mut pages: Vec<(String, Vec<i64>)> = Vec::new();
    let mut url = first_url.clone();
    let start = Instant::now();
    loop {
        let html = fetch(&client, &url).await?;
        let ids = row_ids(&html);
        let from = pages.len() * QUEUE_PAGE;
        let want = &expected[from.min(expected.len())..(from + QUEUE_PAGE).min(expected.len())];
        ensure!(
            ids == want,
            "queue page {}: rows {ids:?}, expected {want:?}",
            pages.len()
        );
        let next = next_link(&html);
        pages.push((url, ids));
        match next {
            Some(n) => url = server.url(&n),
            None => break,
        }
    }
    let walk = start.elapsed();
    let walked: usize = pages.iter().map(|(_, ids)| ids.len()).sum();
    ensure!(
        walked == expected.len(),
        "the walk saw {walked} rows of {}",
        expected.len()
    );
    ensure!(
        pages.len() > DEEP_FROM,
        "only {} queue pages, fewer than {DEEP_FROM}",
        pages.len()
    );
    println!(
        "queue: {} rows at unit {} in {} pages, walked by rel=next in {:.2}s, every page's \
         rows as seeded",
        walked,
        seeded.bureau_unit,
        pages.len(),
        walk.as_secs_f64()
    );

    // The filtered query.
    let filtered_url = server.url(&format!(
        "/review/{QUEUE_CALL}?status=recommended&q={}&sort=oldest",
        form_urlencoded::byte_serialize(KEYWORD.as_bytes()).collect::<String>()
    ));
    let all_filtered = seeded.filtered();
    let want: Vec<i64> = all_filtered.iter().take(QUEUE_PAGE).map(|a| a.id).collect();
    let got = row_ids(&fetch(&client, &filtered_url).await?);
    ensure!(
        got == want,
        "filtered page: rows {got:?}, expected {want:?}"
    );
    println!(
        "filtered: status=recommended&q={KEYWORD}&sort=oldest matches {} rows; first page's \
         {} rows as seeded",
        all_filtered.len(),
        got.len()
    );

    // The ranking.
    let ranking_url = server.url(&format!(
        "/review/{QUEUE_CALL}/ranking?direction={RANKED_DIRECTION}"
    ));
    let ranking_ids = row_ids(&fetch(&client, &ranking_url).await?);
    let mut sorted = ranking_ids.clone();
    sorted.sort_unstable();
    ensure!(
        sorted == seeded.ranked(),
        "ranking: {} rows, expected the {} recommended",
        ranking_ids.len(),
        seeded.ranked().len()
    );
    println!(
        "ranking: {RANKED_DIRECTION} lists all {} recommended applications",
        ranking_ids.len()
    );

    let first = queue_phase(
        "queue page",
        &client,
        pid,
        &[(first_url, must(&pages[0].1))],
    )
    .await;
    let deep_targets: Vec<(String, Arc<Vec<String>>)> = pages[DEEP_FROM..]
        .iter()
        .map(|(url, ids)| (url.clone(), must(ids)))
        .collect();
    let deep = queue_phase("deep pages", &client, pid, &deep_targets).await;
    println!(
        "{:10}  {} deep pages ({}–{} of {}) spread over the connections",
        "",
        deep_targets.len().min(CONNECTIONS),
        DEEP_FROM + 1,
        pages.len(),
        pages.len()
    );
    let filtered = queue_phase("filtered  ", &client, pid, &[(filtered_url, must(&want))]).await;
    let ranking = queue_phase(
        "ranking   ",
        &client,
        pid,
        &[(ranking_url, must(&ranking_ids))],
    )
    .await;
    Ok(QueueFigures {
        first,
        deep,
        filtered,
        ranking,
        walk,
        walked_pages: pages.len(),
    })
}
