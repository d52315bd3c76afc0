//! The server's peak memory while an upload streams 64 MB where a token belongs (the value of
//! a small part, a header line that never ends, a preamble before the first boundary). The
//! server runs in this process, so its peak RSS is this process's (`VmHWM` in
//! `/proc/self/status`, reset through `/proc/self/clear_refs` first); this file holds a single
//! test so that no other test's memory counts. Linux only; elsewhere it checks nothing.

mod common;

use common::App;
use common::applicant::{Overlong, fixture};

/// `VmHWM` or `VmRSS` of this process in KiB, if the system tells.
fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn memory_stays_flat_while_a_huge_part_is_refused(db: shenbao_store::testing::TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let (b, jar) = app.browser_with_jar();
    app.register_org(&b, &fx.profile, "memory").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let cookie = app.session_cookie(&jar);
    const PART: u64 = 64 * 1024 * 1024;
    for at in [Overlong::Value, Overlong::Header, Overlong::Preamble] {
        // Writing 5 resets the peak to the current RSS; without it the peak so far is the base.
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let (Some(rss), Some(hwm)) = (status_kib("VmRSS:"), status_kib("VmHWM:")) else {
            return;
        };
        let base = if reset { rss } else { hwm };
        let answer = app.upload_with_overlong(&cookie, id, PART, at).await;
        let peak = status_kib("VmHWM:").expect("VmHWM");
        let grown_mib = peak.saturating_sub(base) / 1024;
        eprintln!(
            "{at:?}: answered after {} bytes of the part; peak RSS {grown_mib} MiB over the base",
            answer.sent_when_answered
        );
        assert!(
            grown_mib < 24,
            "{at:?}: the peak RSS grew by {grown_mib} MiB while a {} MiB part was refused",
            PART / 1024 / 1024
        );
        assert!(
            answer.head.starts_with("HTTP/1.1 413"),
            "{at:?}: {} {}",
            answer.head,
            answer.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat_while_a_huge_part_is_refused_sqlite() {
    shenbao_store::testing::run_sqlite(memory_stays_flat_while_a_huge_part_is_refused).await;
}
