//! Prints how long a 10,000-row summary table takes: computing the cells from the answers
//! (CEL per column) and writing the XLSX and the DOCX. Run with `cargo bench -p shenbao_docs --bench summary`.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value as Json;
use shenbao_core::call::{Target, builtin};
use shenbao_core::form::validate;
use shenbao_docs::{SummaryInput, summary_docx, summary_rows, summary_xlsx};

const ROWS: usize = 10_000;

fn main() {
    let call = builtin::get("qz-2024-ai-industry")
        .expect("seed")
        .expect("compiles");
    let table = call
        .def()
        .summaries
        .iter()
        .position(|t| t.id == "recommendation_county")
        .expect("table");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures/qz-2024-ai-industry/compute_service.valid.json");
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let answers = validate(
        call,
        Target {
            direction: "compute_service",
            subdirection: None,
        },
        &v["answers"],
    )
    .answers;
    let profile = v["profile"].clone();
    let inputs: Vec<SummaryInput<'_>> = (0..ROWS)
        .map(|i| SummaryInput {
            direction: "compute_service",
            subdirection: None,
            rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
            region: "350503",
            opinion: "同意推荐",
            answers: &answers,
            profile: &profile,
        })
        .collect();
    let start = Instant::now();
    let rows = summary_rows(call, table, &inputs).expect("rows");
    let cells = start.elapsed();
    let start = Instant::now();
    let bytes = summary_xlsx(call, table, &rows).expect("xlsx");
    let write = start.elapsed();
    let start = Instant::now();
    let docx = summary_docx(call, table, &rows).expect("docx");
    let write_docx = start.elapsed();
    println!(
        "summary table of {ROWS} rows: cells {:.0} ms ({:.1} µs a row), XLSX {:.0} ms, {} KiB, \
         DOCX {:.0} ms, {} KiB",
        cells.as_secs_f64() * 1e3,
        cells.as_secs_f64() * 1e6 / ROWS as f64,
        write.as_secs_f64() * 1e3,
        bytes.len() / 1024,
        write_docx.as_secs_f64() * 1e3,
        docx.len() / 1024
    );
}
