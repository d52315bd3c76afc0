//! What the server process costs: its resident memory (`/proc/<pid>/status`, sampled while
//! uploads run) and the CPU time it and the load generator use.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub const MIB: u64 = 1024 * 1024;

/// A `kB` line of `/proc/<pid>/status` (`VmRSS:`, `VmHWM:`), in bytes.
pub fn proc_status(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines().find_map(|l| {
        let kb: u64 = l
            .strip_prefix(key)?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()?;
        Some(kb * 1024)
    })
}

/// Resets the process's peak resident size (`VmHWM`) to its current one; false when the
/// kernel refuses.
pub fn reset_peak(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// Samples `VmRSS` of `pid` every 10 ms until stopped; the thread returns the largest seen.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(proc_status(pid, "VmRSS:").unwrap_or(0));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        });
        RssSampler { stop, thread }
    }

    pub fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// CPU time (user + system, every thread) a process has used so far: `pid` or `"self"`.
/// `/proc/<pid>/stat` counts it in USER_HZ ticks, which Linux fixes at 100 per second.
pub fn cpu_time(pid: &str) -> Duration {
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|text| {
            // Fields after the command name, which may itself hold spaces: state is the
            // first of them, utime the 12th and stime the 13th.
            let rest = text.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// CPU time used by the server and by this process (the load generator) over a span.
#[derive(Clone, Copy, Default)]
pub struct Cpu {
    pub server: Duration,
    client: Duration,
}

impl Cpu {
    /// Runs `work` and adds the CPU both processes used meanwhile.
    pub async fn around<T>(server_pid: u32, work: impl Future<Output = T>) -> (T, Cpu) {
        let pid = server_pid.to_string();
        let (s0, c0) = (cpu_time(&pid), cpu_time("self"));
        let out = work.await;
        let cpu = Cpu {
            server: cpu_time(&pid).saturating_sub(s0),
            client: cpu_time("self").saturating_sub(c0),
        };
        (out, cpu)
    }

    /// "server 1.23 s (45% of 2 cores), client …" over `wall`.
    pub fn describe(&self, wall: Duration) -> String {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let share = |d: Duration| 100.0 * d.as_secs_f64() / (wall.as_secs_f64() * cores);
        format!(
            "CPU server {:.1}s ({:.0}% of the machine), client {:.1}s ({:.0}%)",
            self.server.as_secs_f64(),
            share(self.server),
            self.client.as_secs_f64(),
            share(self.client)
        )
    }
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB as f64
}
