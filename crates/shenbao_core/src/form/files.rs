//! File-slot rules checked from file metadata (the upload itself is checked by the web
//! layer, which streams the bytes and decides the type by content).

use crate::form::Code;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::{Problem, Severity};
use crate::call::{Call, Target};
use crate::messages::{answer as amsg, file as msg};

/// What the engine needs to know about an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// The slot id it was uploaded into.
    pub slot: String,
    /// Original file name, for messages.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Type decided by content (`pdf`, `jpg`, …).
    #[serde(rename = "type")]
    pub kind: String,
}

/// A size in words people use: 2MB, 1.5MB, 500KB. Every page and message writes sizes
/// with this one function.
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{}MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1}MB", bytes as f64 / MB as f64)
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

/// Checks the files of an application against its direction's slots: counts, sizes and
/// types. Slots hidden by a choice are not required.
pub fn check_files(
    call: &Call,
    target: Target<'_>,
    answers: &Map<String, Json>,
    files: &[FileMeta],
) -> Vec<Problem> {
    let mut out = Vec::new();
    let slots: Vec<_> = call.files_for(target.direction).collect();
    for f in files {
        if !slots.iter().any(|(s, _)| s.id == f.slot)
            && !out
                .iter()
                .any(|p: &Problem| p.path == format!("files.{}", f.slot))
        {
            out.push(Problem::new(
                format!("files.{}", f.slot),
                Code::FileUnknownSlot,
                Severity::Error,
                msg::unknown_slot(&f.slot),
            ));
        }
    }
    for (slot, limits) in slots {
        let path = format!("files.{}", slot.id);
        let mine: Vec<&FileMeta> = files.iter().filter(|f| f.slot == slot.id).collect();
        let shown = slot.show_if.as_ref().is_none_or(|c| {
            let chosen = super::fields::selected(answers.get(&c.field));
            c.any_of.iter().any(|v| chosen.contains(v))
        });
        if !shown {
            if !mine.is_empty() {
                out.push(Problem::new(
                    path,
                    Code::HiddenIgnored,
                    Severity::Info,
                    amsg::hidden_ignored(&slot.label),
                ));
            }
            continue;
        }
        if (mine.len() as u64) < u64::from(limits.min_count) {
            out.push(Problem::new(
                path.clone(),
                Code::FileMissing,
                Severity::Error,
                msg::missing(&slot.label, limits.min_count),
            ));
        }
        if mine.len() as u64 > u64::from(limits.max_count) {
            out.push(Problem::new(
                path.clone(),
                Code::FileTooMany,
                Severity::Error,
                msg::too_many(&slot.label, limits.max_count),
            ));
        }
        for (i, f) in mine.iter().enumerate() {
            let fp = format!("{path}[{i}]");
            if !slot.types.iter().any(|t| t.eq_ignore_ascii_case(&f.kind)) {
                out.push(Problem::new(
                    fp.clone(),
                    Code::FileTypeNotAllowed,
                    Severity::Error,
                    msg::type_not_allowed(
                        &slot.label,
                        &f.name,
                        &slot.types.join("、").to_uppercase(),
                    ),
                ));
            }
            if f.size < limits.min_size {
                out.push(Problem::new(
                    fp.clone(),
                    Code::FileTooSmall,
                    Severity::Error,
                    msg::too_small(&slot.label, &f.name, &human_size(limits.min_size)),
                ));
            }
            if f.size > limits.max_size {
                out.push(Problem::new(
                    fp,
                    Code::FileTooLarge,
                    Severity::Error,
                    msg::too_large(&slot.label, &f.name, &human_size(limits.max_size)),
                ));
            }
        }
    }
    out
}
