//! The HTTP server loop: accepting connections with caps, timeouts on every connection, and
//! back-off on accept errors.
//!
//! `axum::serve` sets no timer on hyper, so it has no header-read timeout, no idle timeout and
//! no cap on connections: about 20,000 half-open connections (a request line and one header,
//! never finished) exhausted the file descriptors and `GET /` timed out for everyone. axum
//! offers no way to configure this, so the loop is written here, on hyper's own HTTP/1
//! connection builder (as axum's `serve` is, without the missing settings):
//!
//! - **Header-read timeout** ([`ServeOptions::header_timeout`]): hyper's own, from the first
//!   byte of a request (or from the end of the previous response on a kept-alive connection)
//!   to the end of its headers. It also ends idle kept-alive connections.
//! - **Stall timeout** ([`ServeOptions::stall_timeout`]): a connection on which no byte moves
//!   either way for this long is dropped: a slow upload that stops sending, a client that
//!   stops reading a download.
//! - **Caps**: at most [`ServeOptions::max_connections`] open at once (the loop stops
//!   accepting until one closes, so the kernel's backlog queues the rest) and at most
//!   [`ServeOptions::max_connections_per_ip`] from one address (further ones are closed at
//!   once), except from trusted proxies, which carry many clients.
//! - **Accept errors** (out of file descriptors) back off from 10 ms doubling to 1 s; they
//!   never spin.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

use crate::proxy::TrustedProxies;

/// Limits of the server loop.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Longest wait for a request's headers (and for the next request on a kept-alive
    /// connection).
    pub header_timeout: Duration,
    /// Longest time with no byte read or written before a connection is dropped.
    pub stall_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most connections open at once from one client address (trusted proxies excepted).
    pub max_connections_per_ip: usize,
    /// Addresses whose connections carry many clients (reverse proxies).
    pub trusted_proxies: TrustedProxies,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            header_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(60),
            max_connections: 4096,
            max_connections_per_ip: 256,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

impl ServeOptions {
    /// Lowers `max_connections` to what the process's file-descriptor limit allows, keeping
    /// 256 descriptors for the database, uploads and the log.
    pub fn within_fd_limit(mut self, fd_limit: u64) -> ServeOptions {
        let room = usize::try_from(fd_limit.saturating_sub(256)).unwrap_or(usize::MAX);
        self.max_connections = self.max_connections.min(room.max(16));
        self
    }
}

/// How often refusals by the per-address cap are reported in the log at most.
const REFUSAL_REPORT_EVERY: Duration = Duration::from_secs(10);

/// Counts refusals by the per-address cap and says when to report them: one line at most every
/// [`REFUSAL_REPORT_EVERY`] with the count since the last one, instead of a line per refusal
/// (a client opening thousands of connections a second would otherwise flood the log).
/// (`tracing` has no rate limit of its own; this is the few lines it takes.)
#[derive(Default)]
struct RefusalReport {
    since_last: u64,
    last: Option<Instant>,
}

impl RefusalReport {
    /// Notes one refusal at `now`; returns the number to report when a line is due.
    fn note(&mut self, now: Instant) -> Option<u64> {
        self.since_last += 1;
        let due = self
            .last
            .is_none_or(|last| now.duration_since(last) >= REFUSAL_REPORT_EVERY);
        if !due {
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.since_last))
    }
}

/// Open connections per client address.
#[derive(Default)]
struct PerIp(Mutex<HashMap<IpAddr, usize>>);

/// One client's place in [`PerIp`], given back when the connection ends.
struct IpSlot {
    table: Arc<PerIp>,
    ip: IpAddr,
}

impl PerIp {
    fn take(table: &Arc<PerIp>, ip: IpAddr, max: usize) -> Option<IpSlot> {
        let mut map = table.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(IpSlot {
            table: Arc::clone(table),
            ip,
        })
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut map = self.table.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets open requests finish.
pub async fn run(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> io::Result<()> {
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let per_ip = Arc::new(PerIp::default());
    let options = Arc::new(options);
    let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Duration::from_millis(10);
    let mut refusals = RefusalReport::default();
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => { backoff = Duration::from_millis(10); c }
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::error!(error = %e, ?backoff, "accept failed; waiting before the next accept");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ip_slot = if options.trusted_proxies.contains(addr.ip()) {
            None
        } else {
            match PerIp::take(&per_ip, addr.ip(), options.max_connections_per_ip) {
                Some(s) => Some(s),
                None => {
                    if let Some(refused) = refusals.note(Instant::now()) {
                        tracing::warn!(
                            client = %addr.ip(),
                            refused,
                            "too many connections from one address; closed (refusals since the last such line, from any address)"
                        );
                    }
                    drop(stream);
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(service) = make.call(addr).await;
        let options = Arc::clone(&options);
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _ip_slot = ip_slot;
            let activity = Arc::new(Activity::new());
            let io = TokioIo::new(Watched {
                inner: stream,
                activity: Arc::clone(&activity),
            });
            let service = TowerToHyperService::new(service.map_request(
                |req: hyper::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
            ));
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(options.header_timeout);
            let conn = builder.serve_connection(io, service).with_upgrades();
            let mut conn = std::pin::pin!(conn);
            let stall = options.stall_timeout;
            let mut graceful = false;
            loop {
                tokio::select! {
                    r = conn.as_mut() => {
                        if let Err(e) = r {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    () = activity.stalled(stall) => {
                        tracing::debug!(client = %addr, "no byte moved for {stall:?}; connection dropped");
                        break;
                    }
                    r = closing.changed(), if !graceful => {
                        graceful = true;
                        if r.is_ok() {
                            conn.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    // Open requests finish; kept-alive connections close after their current response.
    let _ = tokio::time::timeout(
        Duration::from_secs(30),
        slots.acquire_many(u32::try_from(options.max_connections).unwrap_or(u32::MAX)),
    )
    .await;
    Ok(())
}

/// Errors of one incoming connection, not of the listener (as hyper and axum decide).
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// When a connection last moved a byte, as milliseconds since its start.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Resolves once no byte has moved for `limit`.
    async fn stalled(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = self.start + last + limit;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline.into()).await;
        }
    }
}

/// A TCP stream that notes every byte it moves in its [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_reported_once_per_period_with_their_count() {
        let mut report = RefusalReport::default();
        let start = Instant::now();
        assert_eq!(report.note(start), Some(1), "the first is reported at once");
        for n in 0..10_000u64 {
            let now = start + Duration::from_millis(n % 9_000);
            assert_eq!(report.note(now), None, "a flood within the period is quiet");
        }
        assert_eq!(
            report.note(start + REFUSAL_REPORT_EVERY),
            Some(10_001),
            "then one line counts them all"
        );
        assert_eq!(report.note(start + REFUSAL_REPORT_EVERY), None);
    }
}
