//! Streams a bureau package with 2 GB of attachments (20 files of 100 MB: 18 stored types,
//! 2 deflated) into a writer that counts and discards, and prints the elapsed time, the
//! throughput and the process's peak RSS (VmHWM) before and after: the peak must not grow
//! with the attachments. The files are created once, sparse, under the temporary folder.
//! Run with `cargo bench -p shenbao_docs --bench package`.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value as Json;
use shenbao_core::call::{Target, builtin};
use shenbao_core::form::FileMeta;
use shenbao_docs::{FormExtras, FormFormat, PackageApplication, PackageAttachment, PackageWriter};

const FILES: usize = 20;
const FILE_SIZE: u64 = 100 * 1024 * 1024;
const APPLICATIONS: usize = 4;

/// Counts what is written and drops it.
struct Discard(u64);

impl Write for Discard {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process's peak resident set size in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let call = builtin::get("gd-2023-ai-scenarios")
        .expect("seed")
        .expect("compiles");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures/gd-2023-ai-scenarios/manufacturing.valid.json");
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let dir = std::env::temp_dir().join("shenbao-bench-package");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let files: Vec<PackageAttachment> = (0..FILES)
        .map(|i| {
            let (slot, ext) = if i < 2 {
                ("customer_list", "txt")
            } else if i % 2 == 0 {
                ("images", "jpg")
            } else {
                ("video", "mp4")
            };
            let path = dir.join(format!("{i}.{ext}"));
            let ok = std::fs::metadata(&path).is_ok_and(|m| m.len() == FILE_SIZE);
            if !ok {
                File::create(&path)
                    .and_then(|f| f.set_len(FILE_SIZE))
                    .expect("sparse file");
            }
            PackageAttachment {
                meta: FileMeta {
                    slot: slot.to_string(),
                    name: format!("附件{i}.{ext}"),
                    size: FILE_SIZE,
                    kind: ext.to_string(),
                },
                path,
            }
        })
        .collect();
    // Both forms, as the server writes them; the PDF fonts are loaded before `before`.
    let formats = [FormFormat::DOCX, FormFormat::PDF];
    let extras = FormExtras::default();
    let _fonts =
        shenbao_docs::Fonts::shared().expect("fonts (bash scripts/test installs fonts-noto-cjk)");
    let before = peak_rss_kib();
    let start = Instant::now();
    let mut package = PackageWriter::new(call, formats.as_slice(), Discard(0));
    package
        .add_document("汇总表.xlsx", &[0; 10_000])
        .expect("summary");
    for chunk in files.chunks(FILES / APPLICATIONS) {
        package
            .add_application(&PackageApplication {
                call: None,
                target: Target {
                    direction: "manufacturing",
                    subdirection: None,
                },
                company: v["profile"]["name"].as_str().unwrap_or_default(),
                title: v["answers"]["scene_name"].as_str().unwrap_or_default(),
                answers: &v["answers"],
                profile: Some(&v["profile"]),
                attachments: chunk,
                extras: &extras,
            })
            .expect("application");
    }
    let written = package.finish().expect("finished").0;
    let elapsed = start.elapsed();
    let after = peak_rss_kib();
    let mb = (FILES as u64 * FILE_SIZE) as f64 / 1e6;
    println!(
        "package of {FILES} × {} MB attachments ({APPLICATIONS} applications): {:.2} s, \
         {:.0} MB/s, {:.1} MB written; peak RSS {} KiB before, {} KiB after",
        FILE_SIZE / (1024 * 1024),
        elapsed.as_secs_f64(),
        mb / elapsed.as_secs_f64(),
        written as f64 / 1e6,
        before,
        after
    );
}
