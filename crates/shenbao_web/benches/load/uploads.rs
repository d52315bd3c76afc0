//! Phase 5: simultaneous uploads of just under 100 MiB, streamed chunk by chunk from static
//! slices while the server's memory is sampled, and the check of every stored attachment.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use shenbao_store::Store;
use tokio::task::JoinSet;

use crate::memory::{MIB, RssSampler, proc_status, reset_peak};
use crate::server::Server;

/// Simultaneous uploads.
pub const UPLOADS: usize = 20;

/// Size of each upload: just under the `video` slot's 100MB (100 MiB) limit.
pub const UPLOAD_BYTES: u64 = 100 * MIB - 4096;

/// Size of the chunks an upload body is streamed in.
const CHUNK: usize = 256 * 1024;
/// The content of every chunk after the first: static, so no chunk is ever allocated.
static ZEROS: [u8; CHUNK] = [0; CHUNK];
/// A complete 24-byte `ftyp` box: what makes the server (the `infer` crate) see an MP4.
const MP4_HEAD: &[u8] = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2";

/// The chunks of one upload body: an MP4 header, then zeros, [`UPLOAD_BYTES`] in all. All
/// slices are static, so streaming allocates nothing per chunk.
pub fn mp4_chunks() -> impl Iterator<Item = &'static [u8]> + Send {
    let rest = UPLOAD_BYTES as usize - MP4_HEAD.len();
    std::iter::once(MP4_HEAD)
        .chain(std::iter::repeat_n(&ZEROS[..], rest / CHUNK))
        .chain(std::iter::once(&ZEROS[..rest % CHUNK]))
        .filter(|c| !c.is_empty())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Streams one upload into application `id`; returns the time it took.
async fn upload(client: reqwest::Client, url: String, csrf: String, id: i64) -> Result<Duration> {
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(
        mp4_chunks().map(Ok::<_, std::io::Error>),
    ));
    let file = Part::stream_with_length(body, UPLOAD_BYTES)
        .file_name(format!("演示视频{id}.mp4"))
        .mime_str("video/mp4")?;
    let form = Form::new()
        .text("csrf", csrf)
        .text("slot", "video")
        .part("file", file);
    let start = Instant::now();
    let r = client.post(url).multipart(form).send().await?;
    let took = start.elapsed();
    let to = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    ensure!(
        r.status() == StatusCode::SEE_OTHER && to.contains("msg=uploaded"),
        "upload into {id}: {} {to}",
        r.status()
    );
    Ok(took)
}

/// What the upload phase measured.
pub struct Uploads {
    pub took: Duration,
    pub slowest: Duration,
    pub bytes: u64,
    /// Largest `VmRSS` sampled during the phase.
    pub sampled_peak: u64,
    /// `VmHWM` at the end; since the phase began when `peak_reset`, else since start.
    pub hwm: u64,
    pub peak_reset: bool,
    pub rss_before: u64,
}

/// Checks that each application got exactly its one file, whole.
pub async fn verify_uploads(store: &Store, files: &Path, ids: &[i64], sha: &str) -> Result<()> {
    for &id in ids {
        let rows = store.attachments(id).await?;
        let [a] = rows.as_slice() else {
            bail!("application {id}: {} attachments, expected 1", rows.len());
        };
        ensure!(
            a.slot == "video" && a.file_type == "mp4",
            "application {id}: {}/{}",
            a.slot,
            a.file_type
        );
        ensure!(
            a.size as u64 == UPLOAD_BYTES,
            "application {id}: size {}",
            a.size
        );
        ensure!(a.sha256 == sha, "application {id}: SHA-256 differs");
        let on_disk = std::fs::metadata(files.join(&a.storage_key))?.len();
        ensure!(
            on_disk == UPLOAD_BYTES,
            "application {id}: {on_disk} bytes on disk"
        );
    }
    Ok(())
}

/// Streams [`UPLOADS`] uploads at once, one per application, sampling the server's memory.
pub async fn upload_phase(
    client: &reqwest::Client,
    server: &Server,
    csrf: &str,
    ids: &[i64],
) -> Result<Uploads> {
    let pid = server.pid();
    let rss_before = proc_status(pid, "VmRSS:").unwrap_or(0);
    let peak_reset = reset_peak(pid);
    let sampler = RssSampler::start(pid);
    let start = Instant::now();
    let mut set = JoinSet::new();
    for &id in ids {
        set.spawn(upload(
            client.clone(),
            server.url(&format!("/applications/{id}/files")),
            csrf.to_string(),
            id,
        ));
    }
    let mut slowest = Duration::ZERO;
    while let Some(done) = set.join_next().await {
        slowest = slowest.max(done??);
    }
    let took = start.elapsed();
    let sampled_peak = sampler.finish();
    Ok(Uploads {
        took,
        slowest,
        bytes: UPLOAD_BYTES * ids.len() as u64,
        sampled_peak,
        hwm: proc_status(pid, "VmHWM:").unwrap_or(0),
        peak_reset,
        rss_before,
    })
}
