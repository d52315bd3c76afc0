//! Prints how many application forms a second come out as DOCX and as PDF, over the valid
//! fixtures of every direction of every seed call, for a bounded number of rounds; and how long
//! loading the fonts takes. Run with `cargo bench -p shenbao_docs --bench forms`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use shenbao_core::call::{Call, Target, builtin};
use shenbao_core::form::Application;
use shenbao_docs::{Fonts, FormExtras, application_docx, application_pdf};

/// Rounds over all fixtures, per format.
const DOCX_ROUNDS: usize = 20;
const PDF_ROUNDS: usize = 3;

struct Fixture {
    call: &'static Call,
    direction: String,
    subdirection: Option<String>,
    profile: Json,
    answers: Json,
}

fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    for call in builtin::all() {
        let call = call.expect("seed calls compile");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shenbao_core/tests/fixtures")
            .join(call.id());
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with(".valid.json"))
            .collect();
        names.sort();
        for path in names {
            let v: Json = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture"))
                .expect("json");
            out.push(Fixture {
                call,
                direction: v["direction"].as_str().expect("direction").to_string(),
                subdirection: v["subdirection"].as_str().map(str::to_string),
                profile: v["profile"].clone(),
                answers: v["answers"].clone(),
            });
        }
    }
    out
}

fn app(fx: &Fixture) -> Application<'_> {
    Application {
        target: Target {
            direction: &fx.direction,
            subdirection: fx.subdirection.as_deref(),
        },
        answers: &fx.answers,
        profile: Some(&fx.profile),
        files: None,
    }
}

fn report(format: &str, forms: usize, took: Duration, bytes: usize) {
    println!(
        "{format}: {forms} forms in {:.2} s: {:.1} forms/s, {:.1} ms a form, {} KiB on average",
        took.as_secs_f64(),
        forms as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1e3 / forms as f64,
        bytes / forms.max(1) / 1024
    );
}

fn main() {
    let fixtures = fixtures();
    let extras = FormExtras::default();

    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..DOCX_ROUNDS {
        for fx in &fixtures {
            bytes += application_docx(fx.call, &app(fx), &extras)
                .expect("DOCX")
                .len();
        }
    }
    report("DOCX", DOCX_ROUNDS * fixtures.len(), start.elapsed(), bytes);

    let start = Instant::now();
    let fonts = Fonts::load().expect("fonts");
    println!(
        "fonts loaded in {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..PDF_ROUNDS {
        for fx in &fixtures {
            bytes += application_pdf(fx.call, &app(fx), &extras, &fonts)
                .expect("PDF")
                .len();
        }
    }
    report("PDF", PDF_ROUNDS * fixtures.len(), start.elapsed(), bytes);
}
