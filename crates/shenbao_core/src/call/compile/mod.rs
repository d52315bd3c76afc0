//! Compiling a parsed definition into a [`Call`]: every cross-reference, kind-specific
//! attribute, date, size and expression is checked here, and all problems are reported at
//! once with their paths. A `Call` that exists is consistent; the form engine relies on it.
//!
//! One function checks each part of the definition, in the order of the file: the notice
//! (`notice`), the form (`fields`, tables and rows included), what is printed (`printed`), the
//! file slots and commitment (`files`), the rules and limits (`rules`), and the criteria and
//! summary tables (`review`). Problems are collected by a `checker::Checker`.
//!
//! Must not: evaluate an expression against answers, or read anything but the definition and
//! its text.

mod checker;
mod comparisons;
mod compiled;
mod fields;
mod files;
mod members;
mod notice;
mod printed;
mod review;
mod rules;

use chrono::NaiveDate;
use std::collections::HashMap;

use super::definition::CallDef;
use super::load::DefinitionError;
use checker::Checker;

/// Where each top-level field is, by id: (section index, field index in the section).
type FieldIndex = HashMap<String, (usize, usize)>;

pub use compiled::{Call, Choice, CompiledPublication, CompiledRule, SlotLimits, Target};

/// Variables a rule may read.
pub const RULE_VARS: &[&str] = &["answers", "profile", "call", "direction", "subdirection"];
/// Variables a computed field may read.
pub const COMPUTED_VARS: &[&str] = &["answers"];
/// Variables a cover line may read.
pub const COVER_VARS: &[&str] = &["answers", "profile"];
/// Variables the publication block may read.
pub const PUBLICATION_VARS: &[&str] = &["answers", "profile"];
/// Variables a summary-table column may read.
pub const SUMMARY_VARS: &[&str] = &["answers", "profile", "call", "row"];

/// File types the upload checker can recognise by content.
pub const FILE_TYPES: &[&str] = &[
    "pdf", "jpg", "png", "doc", "docx", "xls", "xlsx", "mp4", "zip", "ofd",
];

/// Default largest file when a slot gives none.
pub const DEFAULT_MAX_SIZE: u64 = 50 * MB;
/// Default most files per slot.
pub const DEFAULT_MAX_COUNT: u32 = 20;
const MB: u64 = 1024 * 1024;

/// True when a `directions` filter (empty = all) includes `direction`.
pub fn applies(filter: &[String], direction: &str) -> bool {
    filter.is_empty() || filter.iter().any(|d| d == direction)
}

/// Parses a size such as `2MB`, `500KB`, `1GB` or a plain byte count.
pub fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_uppercase().replace(' ', "");
    let (num, mult) = if let Some(n) = t.strip_suffix("GB").or_else(|| t.strip_suffix('G')) {
        (n, 1024 * MB)
    } else if let Some(n) = t.strip_suffix("MB").or_else(|| t.strip_suffix('M')) {
        (n, MB)
    } else if let Some(n) = t.strip_suffix("KB").or_else(|| t.strip_suffix('K')) {
        (n, 1024)
    } else if let Some(n) = t.strip_suffix('B') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * mult as f64).round() as u64)
}

/// Checks a parsed definition and compiles it. `src` is the file text, used to give every
/// problem a line and column.
pub fn compile(file: &str, src: &str, def: CallDef) -> Result<Call, DefinitionError> {
    let mut c = Checker {
        src,
        problems: Vec::new(),
    };
    notice::check_header(&mut c, &def);
    let (directions, all_subs) = notice::check_directions(&mut c, &def);
    let levels = notice::check_review_levels(&mut c, &def, &directions);
    notice::check_routing(&mut c, &def);
    notice::check_units(&mut c, &def);
    notice::check_timeline(&mut c, &def);
    notice::check_contacts(&mut c, &def, &directions);

    // Sections and fields: first collect ids, then check each field.
    let (field_index, answer_ids) = fields::index_fields(&mut c, &def, &directions, &all_subs);
    fields::check_directions_have_sections(&mut c, &def);
    let computed = fields::check_fields(&mut c, &def, &field_index, &answer_ids);

    let cover = printed::compile_cover(&mut c, &def, &field_index, &answer_ids);
    let publication = printed::compile_publication(&mut c, &def, &field_index, &answer_ids);
    let listed_as = printed::compile_listed_as(&mut c, &def, &field_index, &answer_ids);

    // Section conditions, now that every field is known.
    fields::check_section_conditions(&mut c, &def, &field_index);
    fields::check_section_texts(&mut c, &def, &field_index);

    let (slot_ids, slot_limits) = files::compile_files(&mut c, &def, &directions, &field_index);
    let rules = rules::compile_rules(&mut c, &def, &directions, &answer_ids, &field_index);
    rules::check_limits(&mut c, &def, &directions);
    rules::check_exclusions(&mut c, &def);
    rules::check_consortium(&mut c, &def, &directions);
    files::check_commitment(&mut c, &def, &slot_ids, &field_index);
    files::check_printed(&mut c, &def);
    review::check_criteria(&mut c, &def, &directions);
    let summary_columns = review::compile_summaries(
        &mut c,
        &def,
        &directions,
        &levels,
        &field_index,
        &answer_ids,
    );

    if !c.problems.is_empty() {
        return Err(c.into_error(file));
    }
    let (applicant_deadline, level_deadlines) = deadlines(&def);
    Ok(Call {
        def,
        field_index,
        computed,
        rules,
        summary_columns,
        cover,
        publication,
        listed_as,
        slot_limits,
        applicant_deadline,
        level_deadlines,
    })
}

/// The stated applicants' deadline and each review level's deadline by level id, of a
/// checked definition.
fn deadlines(def: &CallDef) -> (Option<NaiveDate>, HashMap<String, NaiveDate>) {
    // Checked above (`Checker::date`): every deadline parses.
    let date = |d: Option<&str>| d.and_then(crate::ident::parse_date);
    let applicant_deadline = date(def.deadlines.applicant.as_deref());
    let level_deadlines = def
        .review_levels
        .iter()
        .filter_map(|l| Some((l.id.clone(), date(l.deadline.as_deref())?)))
        .collect();
    (applicant_deadline, level_deadlines)
}

/// `{name}` placeholders in a text.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}
