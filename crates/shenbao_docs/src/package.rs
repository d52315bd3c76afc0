//! The bureau package (材料包): one ZIP per reviewing unit and call, streamed into any
//! [`Write`] while it is built, so memory stays the same whatever the attachments weigh.
//!
//! Layout: the summary tables, the recommendation letter and the stamped scans at the root
//! (added by the caller with [`PackageWriter::add_document`] and [`PackageWriter::add_file`]),
//! then one folder per application in ranking order, named
//! `01-单位名称-案例名称/`, holding the application form in every format the caller's
//! [`FormRenderer`] produces (`单位名称-案例名称.docx`, `.pdf`) and the attachments renamed by
//! the call's naming rules: a file slot's `naming` template (`{scene_name}-{n}`, `图{n}`) with
//! `{n}` the file's number in its slot in upload order and `{field_id}` an answer, plus the
//! extension of the file's type; slots without a rule keep `slot label-original name`, the
//! original name cleaned as uploads are (`shenbao_core::text::file_name`: no bidirectional
//! overrides, the extension of the type decided by content). Every name is made safe (no `/`,
//! `\`, `..`, control, bidirectional or other invisible characters, or characters Windows
//! refuses) and unique in its folder (`name(2).ext`).
//!
//! The ZIP is written in streaming mode (data descriptors, no seeking), with UTF-8 names.
//! Attachments are copied from disk through a fixed 64 KiB buffer; already-compressed types
//! (jpg, png, pdf, zip, docx, xlsx, mp4…) are stored as they are, the others deflated.
//!
//! The caller pushes one application at a time ([`PackageWriter::add_application`]), so it
//! can load them one by one. Writing blocks the thread: async callers run it where blocking is
//! allowed.
//!
//! Must not: read the database or know how forms are rendered.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use shenbao_core::call::{Call, Target};
use shenbao_core::form::{Application, FileMeta};
use shenbao_core::output::text_of;
use shenbao_core::text::{file_name, visible_in_name};
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use crate::{DocError, Fonts, FormExtras};

/// Read buffer for copying attachments.
const COPY_BUFFER: usize = 64 * 1024;
/// Longest file or folder name, in characters (file systems count bytes: 255 / 3 > 80).
const MAX_NAME_CHARS: usize = 80;
/// Types that are compressed already: stored, not deflated again.
const STORED_TYPES: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "pdf", "zip", "docx", "xlsx", "pptx", "ofd", "mp4", "mov",
    "avi", "mp3", "rar", "7z", "gz", "bz2", "xz", "zst",
];

/// One form document of an application: its file extension and content.
#[derive(Debug, Clone)]
pub struct RenderedForm {
    /// File extension without the dot, e.g. `docx`.
    pub extension: &'static str,
    /// The document.
    pub bytes: Vec<u8>,
}

/// Renders an application's form documents for the package (DOCX, PDF…).
pub trait FormRenderer {
    /// The documents of `app`, one per format, in the order they go into its folder.
    fn render(
        &self,
        call: &Call,
        app: &Application<'_>,
        extras: &FormExtras,
    ) -> Result<Vec<RenderedForm>, DocError>;
}

/// A form format: the extension and the function that renders it.
#[derive(Debug, Clone, Copy)]
pub struct FormFormat {
    /// File extension without the dot, e.g. `docx`.
    pub extension: &'static str,
    /// Renders one application.
    pub render: fn(&Call, &Application<'_>, &FormExtras) -> Result<Vec<u8>, DocError>,
}

impl FormFormat {
    /// The form as DOCX.
    pub const DOCX: FormFormat = FormFormat {
        extension: "docx",
        render: crate::application_docx,
    };
    /// The form as PDF, with the process's shared fonts ([`Fonts::shared`]).
    pub const PDF: FormFormat = FormFormat {
        extension: "pdf",
        render: |call, app, extras| crate::application_pdf(call, app, extras, &Fonts::shared()?),
    };
}

/// A list of formats renders each of them in turn.
impl FormRenderer for [FormFormat] {
    fn render(
        &self,
        call: &Call,
        app: &Application<'_>,
        extras: &FormExtras,
    ) -> Result<Vec<RenderedForm>, DocError> {
        self.iter()
            .map(|f| {
                Ok(RenderedForm {
                    extension: f.extension,
                    bytes: (f.render)(call, app, extras)?,
                })
            })
            .collect()
    }
}

/// An uploaded file of an application: its metadata (slot, original name, size, type) and
/// where it is on disk.
#[derive(Debug, Clone)]
pub struct PackageAttachment {
    /// Slot, original name, size and type, as the snapshot recorded them.
    pub meta: FileMeta,
    /// The stored file.
    pub path: PathBuf,
}

/// One application of the package, in ranking order.
#[derive(Debug, Clone)]
pub struct PackageApplication<'a> {
    /// The version of the call the application was started under, when it is not the
    /// package's own: its forms and file names follow that version.
    pub call: Option<&'a Call>,
    /// Direction and sub-direction.
    pub target: Target<'a>,
    /// The applicant's name (单位名称), for the folder and form names.
    pub company: &'a str,
    /// The application's title (案例名称 / 场景名称); may be empty.
    pub title: &'a str,
    /// The submitted answers (a JSON object).
    pub answers: &'a Json,
    /// The applicant's profile (`uscc`, `name`, `region`).
    pub profile: Option<&'a Json>,
    /// Its files in upload order within each slot.
    pub attachments: &'a [PackageAttachment],
    /// What the forms print besides the answers (the bureaus' opinion blocks).
    pub extras: &'a FormExtras,
}

/// A bureau package being written; see the module documentation.
pub struct PackageWriter<'r, W: Write, R: FormRenderer + ?Sized> {
    call: &'r Call,
    renderer: &'r R,
    zip: ZipWriter<StreamWriter<W>>,
    /// Names used at the root (lowercase, as case-insensitive file systems compare them).
    root: HashSet<String>,
    folders: usize,
}

impl<'r, W: Write, R: FormRenderer + ?Sized> PackageWriter<'r, W, R> {
    /// Starts a package of `call` written into `writer`, rendering forms with `renderer` (a
    /// `[FormFormat]` list, or any [`FormRenderer`]).
    pub fn new(call: &'r Call, renderer: &'r R, writer: W) -> Self {
        PackageWriter {
            call,
            renderer,
            zip: ZipWriter::new_stream(writer).set_auto_large_file(),
            root: HashSet::new(),
            folders: 0,
        }
    }

    /// Adds a document at the root (a summary table); `name` is made safe and unique.
    pub fn add_document(&mut self, name: &str, bytes: &[u8]) -> Result<(), DocError> {
        let name = unique(&mut self.root, &safe_name(name, "汇总表"));
        self.write_bytes(&name, bytes)
    }

    /// Adds a stored file at the root (a stamped scan), copied from disk; `name` is made safe
    /// and unique.
    pub fn add_file(&mut self, name: &str, path: &Path) -> Result<(), DocError> {
        let name = unique(&mut self.root, &safe_name(name, "扫描件"));
        self.copy_file(&name, path)
    }

    /// Adds the next application: its folder, forms and renamed attachments.
    pub fn add_application(&mut self, app: &PackageApplication<'_>) -> Result<(), DocError> {
        self.folders += 1;
        let base = if app.title.trim().is_empty() {
            app.company.to_string()
        } else {
            format!("{}-{}", app.company, app.title)
        };
        let base = safe_name(&base, "申报材料");
        let folder = unique(&mut self.root, &format!("{:02}-{base}", self.folders));
        let mut names = HashSet::new();

        let metas: Vec<FileMeta> = app.attachments.iter().map(|a| a.meta.clone()).collect();
        let call = app.call.unwrap_or(self.call);
        let forms = self.renderer.render(
            call,
            &Application {
                target: app.target,
                answers: app.answers,
                profile: app.profile,
                files: Some(&metas),
            },
            app.extras,
        )?;
        for form in forms {
            let name = unique(&mut names, &format!("{base}.{}", form.extension));
            self.write_bytes(&format!("{folder}/{name}"), &form.bytes)?;
        }
        for (attachment, name) in
            app.attachments
                .iter()
                .zip(attachment_names(call, app.answers, &metas))
        {
            let name = unique(&mut names, &name);
            self.copy_file(&format!("{folder}/{name}"), &attachment.path)?;
        }
        Ok(())
    }

    /// Writes the central directory and returns the writer.
    pub fn finish(self) -> Result<W, DocError> {
        Ok(self.zip.finish()?.into_inner())
    }

    fn write_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<(), DocError> {
        self.zip.start_file(
            name,
            options(name, u64::try_from(bytes.len()).unwrap_or(u64::MAX)),
        )?;
        self.zip
            .write_all(bytes)
            .map_err(zip::result::ZipError::Io)?;
        Ok(())
    }

    fn copy_file(&mut self, name: &str, path: &Path) -> Result<(), DocError> {
        let io = |source| DocError::Io {
            path: path.display().to_string(),
            source,
        };
        let file = File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        self.zip.start_file(name, options(name, size))?;
        let mut reader = BufReader::with_capacity(COPY_BUFFER, file);
        std::io::copy(&mut reader, &mut self.zip).map_err(io)?;
        Ok(())
    }
}

/// Stored for compressed types, deflated otherwise; ZIP64 for files of 4 GiB and more.
fn options(name: &str, size: u64) -> SimpleFileOptions {
    let method = if STORED_TYPES.contains(&extension(name).to_lowercase().as_str()) {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    SimpleFileOptions::default()
        .compression_method(method)
        .large_file(size >= u64::from(u32::MAX))
        .unix_permissions(0o644)
}

/// The package names of an application's files (same order as `files`), before making them
/// unique: the slot's naming rule with the extension of the file's type, or `slot
/// label-original name` (the label without its explanation in parentheses), the original name
/// cleaned by [`file_name`] first.
pub fn attachment_names(call: &Call, answers: &Json, files: &[FileMeta]) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    files
        .iter()
        .map(|f| {
            let n = match counts.iter_mut().find(|(s, _)| *s == f.slot) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((&f.slot, 1));
                    1
                }
            };
            let slot = call.def().files.iter().find(|s| s.id == f.slot);
            let label = slot.map_or(f.slot.as_str(), |s| short_label(&s.label));
            let fallback = format!("{label}-{n}");
            // The name as uploads are named (cleaned, with the extension of the type decided by
            // content), also for names stored before uploads were.
            let original = file_name(&f.name, &f.kind);
            match slot.and_then(|s| s.naming.as_deref()) {
                Some(rule) => {
                    let stem = safe_name(&fill(rule, n, answers), &fallback);
                    match extension(&original) {
                        "" => stem,
                        ext => format!("{stem}.{}", safe_name(ext, "")),
                    }
                }
                None => safe_name(&format!("{label}-{original}"), &fallback),
            }
        })
        .collect()
}

/// A slot label without its explanation in parentheses: `用户清单（含客户名称…）` → `用户清单`.
fn short_label(label: &str) -> &str {
    let short = label.split(['（', '(']).next().unwrap_or(label).trim();
    if short.is_empty() { label } else { short }
}

/// A naming rule with `{n}` and `{field_id}` replaced; unknown or empty answers give "".
fn fill(rule: &str, n: usize, answers: &Json) -> String {
    let mut out = String::new();
    let mut rest = rule;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            rest = &rest[open..];
            break;
        };
        let key = &after[..close];
        if key == "n" {
            out.push_str(&n.to_string());
        } else {
            out.push_str(&answers.get(key).map(text_of).unwrap_or_default());
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The extension of a file name (after the last dot), or "".
fn extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => &name[i + 1..],
        _ => "",
    }
}

/// `name` made safe as one path component: invisible characters dropped (controls, the
/// bidirectional and other format characters: [`visible_in_name`]), separators and the
/// characters Windows refuses replaced by `_`, runs of dots collapsed, no leading or trailing
/// dots or spaces, at most [`MAX_NAME_CHARS`] characters (the extension kept); `fallback` when
/// nothing is left.
pub fn safe_name(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if !visible_in_name(c) {
            continue;
        }
        let c = if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
            '_'
        } else {
            c
        };
        if c == '.' && out.ends_with('.') {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.chars().count() > MAX_NAME_CHARS {
        let ext = extension(trimmed);
        let keep = if ext.is_empty() || ext.chars().count() > 10 {
            trimmed.chars().take(MAX_NAME_CHARS).collect::<String>()
        } else {
            let stem: String = trimmed
                .chars()
                .take(MAX_NAME_CHARS - ext.chars().count() - 1)
                .collect();
            format!("{}.{ext}", stem.trim_end_matches('.'))
        };
        return keep;
    }
    if trimmed.is_empty() {
        if fallback.is_empty() {
            "_".to_string()
        } else {
            safe_name(fallback, "")
        }
    } else {
        trimmed.to_string()
    }
}

/// `name`, or `stem(2).ext`, `stem(3).ext`… when a name in `taken` already matches it
/// (compared without case); records the result.
fn unique(taken: &mut HashSet<String>, name: &str) -> String {
    let mut candidate = name.to_string();
    let ext = extension(name);
    let stem = if ext.is_empty() {
        name
    } else {
        &name[..name.len() - ext.len() - 1]
    };
    let mut i = 2;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = if ext.is_empty() {
            format!("{stem}({i})")
        } else {
            format!("{stem}({i}).{ext}")
        };
        i += 1;
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_components() {
        assert_eq!(safe_name("../../etc/passwd", "x"), "_._etc_passwd");
        assert_eq!(safe_name("a\\b:c*d?e\"f<g>h|i", "x"), "a_b_c_d_e_f_g_h_i");
        assert_eq!(safe_name("报告\u{0}\n.pdf", "x"), "报告.pdf");
        assert_eq!(safe_name("  ..  ", "图1"), "图1");
        assert_eq!(safe_name("", ""), "_");
        let long = format!("{}.pdf", "长".repeat(200));
        let s = safe_name(&long, "x");
        assert_eq!(s.chars().count(), MAX_NAME_CHARS);
        assert!(s.ends_with("长.pdf"), "{s}");
        for s in [
            safe_name("a..b", "x"),
            safe_name("..", "x"),
            safe_name("...pdf", "x"),
        ] {
            assert!(!s.contains("..") && !s.starts_with('.'), "{s}");
        }
    }

    #[test]
    fn names_are_made_unique_without_case() {
        let mut taken = HashSet::new();
        assert_eq!(unique(&mut taken, "图1.jpg"), "图1.jpg");
        assert_eq!(unique(&mut taken, "图1.JPG"), "图1(2).JPG");
        assert_eq!(unique(&mut taken, "图1.jpg"), "图1(3).jpg");
        assert_eq!(unique(&mut taken, "说明"), "说明");
        assert_eq!(unique(&mut taken, "说明"), "说明(2)");
    }

    #[test]
    fn rules_fill_numbers_and_answers() {
        let answers = serde_json::json!({"scene_name": "智能质检", "n": "x", "count": 3});
        assert_eq!(fill("{scene_name}-{n}", 2, &answers), "智能质检-2");
        assert_eq!(fill("图{n}", 10, &answers), "图10");
        assert_eq!(fill("{missing}{count}", 1, &answers), "3");
        assert_eq!(fill("a{b", 1, &answers), "a{b");
    }

    #[test]
    fn compressed_types_are_stored() {
        let stored = options("a/图1.JPG", 10);
        let deflated = options("a/说明.txt", 10);
        assert_ne!(format!("{stored:?}"), format!("{deflated:?}"));
        assert!(format!("{stored:?}").contains("Stored"), "{stored:?}");
        assert!(format!("{deflated:?}").contains("Deflated"), "{deflated:?}");
    }
}
