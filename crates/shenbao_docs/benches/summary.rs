//! Prints how long a 10,000-row summary table takes: computing the cells from the answers
//! (CEL per column) and writing the XLSX and the DOCX. Run with `cargo bench -p shenbao_docs --bench summary`.

use std::time::Instant;

use shenbao_docs::{SummaryInput, summary_docx, summary_rows, summary_xlsx};

// The tests' fixture loading, normalised by the form engine as a submission stores it.
#[path = "../tests/common/summary.rs"]
mod summary;

const ROWS: usize = 10_000;

fn main() {
    let (call, table) = summary::quanzhou_county_table();
    let f = summary::fixture(call, "compute_service.valid.json");
    let inputs: Vec<SummaryInput<'_>> = (0..ROWS)
        .map(|i| SummaryInput {
            region: "350503",
            ..summary::input(&f, u32::try_from(i + 1).unwrap_or(u32::MAX))
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
