//! LibreOffice reads every form we write: the application form of the valid fixture of every
//! direction of every seed call goes through one `soffice --headless --convert-to pdf` run,
//! which must succeed and give one PDF per DOCX, and the PDF's text (`pdftotext`) holds every
//! answer (the CJK texts included). A summary table long enough for several pages goes
//! through the same run, and every page of its PDF starts with the column titles: LibreOffice
//! repeats the header row Word would (`w:tblHeader`). A submitted form's Word file carries its
//! 受理编号, 第 N 页 共 M 页 and the QR code of its verification page at the foot of every page,
//! as its PDF does. Needs Debian's `libreoffice-writer-nogui`, `poppler-utils` and `zbar-tools`,
//! which `bash scripts/test` installs when missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{expected_texts, fixtures, squeeze};
use shenbao_core::call::builtin;
use shenbao_docs::{
    FormExtras, PageStamp, SummaryRow, application_docx, summary_docx, summary_rows,
};

/// The program `name` on the PATH; fails the test with what to install otherwise.
fn tool(name: &str, package: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` is missing (Debian package {package}): run `bash scripts/test`, \
                 which installs it"
            )
        })
}

/// The text of `pdf` in pdftotext's reading order, or with `raw` in the order it was drawn.
/// Both are needed: reading order keeps a fallback glyph (☑ from another font) next to its
/// CJK text, but joins a word hyphenated at a line break (`XX-` `910B` → `XX910B`), which the
/// drawing order keeps.
fn pdf_text(pdftotext: &Path, pdf: &Path, raw: bool) -> String {
    page_text(pdftotext, pdf, None, raw)
}

/// The text of `page` of `pdf` (all pages when `None`), as [`pdf_text`] reads it.
fn page_text(pdftotext: &Path, pdf: &Path, page: Option<usize>, raw: bool) -> String {
    let mode: &[&str] = if raw { &["-raw"] } else { &[] };
    let pages = page.map_or_else(Vec::new, |p| {
        vec![
            "-f".to_string(),
            p.to_string(),
            "-l".to_string(),
            p.to_string(),
        ]
    });
    let out = Command::new(pdftotext)
        .args(mode)
        .args(&pages)
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        out.status.success(),
        "pdftotext {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

#[test]
fn libreoffice_converts_every_seed_form_and_the_pdf_holds_the_answers() {
    let soffice = tool("soffice", "libreoffice-writer-nogui");
    let pdftotext = tool("pdftotext", "poppler-utils");
    let dir = tempfile::tempdir().expect("temp dir");
    let docx_dir = dir.path().join("docx");
    let pdf_dir = dir.path().join("pdf");
    std::fs::create_dir_all(&docx_dir).expect("docx dir");

    // (file stem, call, fixture) of every form written.
    let mut forms = Vec::new();
    for call in builtin::all() {
        let call = call.expect("seed calls compile");
        for fx in fixtures(call) {
            let stem = format!("{}--{}", call.id(), fx.name.trim_end_matches(".valid.json"));
            let bytes =
                application_docx(call, &fx.app(true), &FormExtras::default()).expect("a DOCX");
            std::fs::write(docx_dir.join(format!("{stem}.docx")), bytes).expect("write DOCX");
            forms.push((stem, call, fx));
        }
    }
    assert!(forms.len() >= 5, "fixtures of every seed call");

    // A submitted version's form, stamped as the web server stamps it.
    let stamp = PageStamp {
        number: "HN-2025-AI-430103-000042".to_string(),
        url: "http://127.0.0.1:8080/verify/42-3f2a9c0d11e4b7a8".to_string(),
    };
    let stamped_stem = "stamped";
    {
        let (_, call, fx) = forms
            .iter()
            .find(|(_, c, _)| c.id() == "hn-2025-ai")
            .expect("a 湖南 fixture");
        let extras = FormExtras {
            stamp: Some(stamp.clone()),
            ..FormExtras::default()
        };
        let bytes = application_docx(call, &fx.app(true), &extras).expect("a stamped DOCX");
        std::fs::write(docx_dir.join(format!("{stamped_stem}.docx")), bytes).expect("write");
    }

    // 泉州's county table with 60 applications: several landscape pages.
    let (qz, table) = common::summary::quanzhou_county_table();
    let f = common::summary::fixture(qz, "compute_service.valid.json");
    let inputs: Vec<_> = (1..=60)
        .map(|rank| common::summary::input(&f, rank))
        .collect();
    let rows = summary_rows(qz, table, &inputs).expect("rows");
    let summary_stem = "summary--long";
    std::fs::write(
        docx_dir.join(format!("{summary_stem}.docx")),
        summary_docx(qz, table, &rows).expect("a summary DOCX"),
    )
    .expect("write DOCX");

    // One run for all of them, with a profile of its own so that parallel runs do not share
    // (and lock) the user's LibreOffice profile.
    let profile = dir.path().join("profile");
    let docs: Vec<PathBuf> = forms
        .iter()
        .map(|(stem, _, _)| stem.as_str())
        .chain([summary_stem, stamped_stem])
        .map(|stem| docx_dir.join(format!("{stem}.docx")))
        .collect();
    let started = Instant::now();
    let out = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .args(&docs)
        .output()
        .expect("soffice runs");
    let elapsed = started.elapsed();
    println!(
        "LibreOffice converted {} DOCX files to PDF in {:.1} s ({:.2} s per file)",
        docs.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / docs.len() as f64
    );
    assert!(
        out.status.success(),
        "soffice failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pdfs = std::fs::read_dir(&pdf_dir)
        .expect("PDF dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        })
        .count();
    assert_eq!(pdfs, docs.len(), "one PDF per DOCX");

    for (stem, call, fx) in &forms {
        let pdf = pdf_dir.join(format!("{stem}.pdf"));
        assert!(pdf.is_file(), "{stem}: PDF written");
        let text = squeeze(&pdf_text(&pdftotext, &pdf, false));
        let raw = squeeze(&pdf_text(&pdftotext, &pdf, true));
        let title = call
            .direction(&fx.direction)
            .and_then(|d| d.form_title.clone())
            .unwrap_or_else(|| call.def().form_title.clone());
        assert!(
            text.contains(&squeeze(&title)),
            "{stem}: form title {title}"
        );
        let (want, _) = expected_texts(call, fx);
        assert!(!want.is_empty(), "{stem}: answers to look for");
        for t in &want {
            let t = squeeze(t);
            assert!(
                text.contains(&t) || raw.contains(&t),
                "{stem}: answer {t:?} missing from the PDF text"
            );
        }
        for f in &fx.files {
            assert!(text.contains(&squeeze(&f.name)), "{stem}: file {}", f.name);
        }
    }

    // 湖南's 目录: LibreOffice fills each line's PAGEREF with the page its part begins on.
    let pdfinfo = tool("pdfinfo", "poppler-utils");
    let mut contents_checked = 0;
    for (stem, call, _) in forms.iter().filter(|(_, c, _)| c.def().printed.contents) {
        let pdf = pdf_dir.join(format!("{stem}.pdf"));
        let pages: Vec<String> = (1..=page_count(&pdfinfo, &pdf))
            .map(|p| squeeze(&page_text(&pdftotext, &pdf, Some(p), false)))
            .collect();
        let at = pages
            .iter()
            .position(|p| p.starts_with("目录"))
            .unwrap_or_else(|| panic!("{stem}: a 目录 page"));
        let parts = &call.def().printed.parts;
        let lines: Vec<&str> = parts
            .iter()
            .map(|p| p.contents_title.as_deref().unwrap_or(&p.title))
            .collect();
        let titles: Vec<&str> = parts.iter().map(|p| p.title.as_str()).collect();
        let begins = common::pages_beginning_with(&pages, at, &titles);
        assert!(begins.iter().all(Option::is_some), "{stem}: {begins:?}");
        assert_eq!(
            common::contents_numbers(&pages[at], &lines),
            begins,
            "{stem}: {}",
            pages[at]
        );
        contents_checked += 1;
    }
    assert!(contents_checked >= 2, "湖南's two directions have a 目录");

    // Every page of the stamped form carries the 受理编号 and its page of the count; the QR code
    // at its foot opens the verification page.
    let pdf = pdf_dir.join(format!("{stamped_stem}.pdf"));
    let pages = page_count(&pdfinfo, &pdf);
    assert!(pages >= 3, "the 湖南 form runs over {pages} pages");
    for page in 1..=pages {
        let text = squeeze(&page_text(&pdftotext, &pdf, Some(page), false));
        assert!(
            text.contains(&format!("受理编号：{}", stamp.number)),
            "page {page}: {text}"
        );
        assert!(
            text.contains(&format!("第{page}页共{pages}页")),
            "page {page} of {pages}: {text}"
        );
    }
    for page in [1, pages] {
        assert_eq!(
            qr_of_page(&pdf, page),
            stamp.url,
            "the QR code of page {page}"
        );
    }

    // Every page of the long summary table starts with the column titles; a title no body
    // cell holds shows they are the repeated header row, not data.
    let pdf = pdf_dir.join(format!("{summary_stem}.pdf"));
    let titles: Vec<String> = qz.def().summaries[table]
        .columns
        .iter()
        .map(|c| squeeze(&c.title))
        .collect();
    let body: Vec<String> = rows
        .iter()
        .flat_map(|r| match r {
            SummaryRow::Group(name) => vec![squeeze(name)],
            SummaryRow::Cells(cells) => cells.iter().map(|c| squeeze(c)).collect(),
        })
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| !body.iter().any(|cell| cell.contains(t.as_str()))),
        "a column title that is no cell's text: {titles:?}"
    );
    let pages = page_count(&tool("pdfinfo", "poppler-utils"), &pdf);
    assert!(pages >= 3, "the long summary table runs over {pages} pages");
    for page in 1..=pages {
        let text = squeeze(&page_text(&pdftotext, &pdf, Some(page), false));
        let raw = squeeze(&page_text(&pdftotext, &pdf, Some(page), true));
        for t in &titles {
            assert!(
                text.contains(t.as_str()) || raw.contains(t.as_str()),
                "summary page {page}: column title {t:?} missing from {text}"
            );
        }
    }
}

/// The number of pages of `pdf` (pdfinfo).
fn page_count(pdfinfo: &Path, pdf: &Path) -> usize {
    let out = Command::new(pdfinfo)
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    assert!(out.status.success(), "pdfinfo {}", pdf.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

/// The text the QR code of page `page` of `pdf` holds: the page rendered by pdftoppm, the code
/// read by zbarimg.
fn qr_of_page(pdf: &Path, page: usize) -> String {
    let pdftoppm = tool("pdftoppm", "poppler-utils");
    let zbarimg = tool("zbarimg", "zbar-tools");
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("page");
    let n = page.to_string();
    let out = Command::new(pdftoppm)
        .args(["-f", &n, "-l", &n, "-r", "150", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success(), "pdftoppm page {page}");
    let out = Command::new(zbarimg)
        .args(["--raw", "-q"])
        .arg(dir.path().join("page.png"))
        .output()
        .expect("zbarimg runs");
    assert!(out.status.success(), "zbarimg finds a code on page {page}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
