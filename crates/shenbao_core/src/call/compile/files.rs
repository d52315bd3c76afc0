//! Checks of the file slots (types, sizes, counts, directions, conditions, naming) and of the
//! commitment, whose signed scan is uploaded to one of them.
//!
//! Must not: look at uploaded files; their content and sizes are checked by the form engine.

use std::collections::HashSet;

use super::FieldIndex;
use super::checker::Checker;
use super::fields::check_condition;
use super::{
    DEFAULT_MAX_COUNT, DEFAULT_MAX_SIZE, FILE_TYPES, SlotLimits, parse_size, placeholders,
};
use crate::call::definition::{CallDef, FileSlot};
use crate::messages::definition as msg;

/// Checks every file slot. Returns the slot ids and each slot's limits, in order.
pub(super) fn compile_files<'d>(
    c: &mut Checker<'_>,
    def: &'d CallDef,
    directions: &HashSet<&str>,
    field_index: &FieldIndex,
) -> (HashSet<&'d str>, Vec<SlotLimits>) {
    let mut slot_ids = HashSet::new();
    let mut slot_limits = Vec::new();
    for (i, f) in def.files.iter().enumerate() {
        let path = format!("file[{i}]");
        c.unique_id(&mut slot_ids, &format!("{path}.id"), "附件项", &f.id);
        slot_limits.push(compile_slot(c, &path, f, def, directions, field_index));
    }
    (slot_ids, slot_limits)
}

/// The types a slot of figures may take: images a form prints.
const FIGURE_TYPES: [&str; 2] = ["jpg", "png"];

/// Checks one file slot at `path` (all but its id) and returns its limits.
fn compile_slot(
    c: &mut Checker<'_>,
    path: &str,
    f: &FileSlot,
    def: &CallDef,
    directions: &HashSet<&str>,
    field_index: &FieldIndex,
) -> SlotLimits {
    if f.types.is_empty() {
        c.err(format!("{path}.types"), msg::other("至少列出一种文件类型"));
    }
    for (k, t) in f.types.iter().enumerate() {
        if !FILE_TYPES.contains(&t.as_str()) {
            c.err(
                format!("{path}.types[{k}]"),
                msg::bad_file_type(t, &FILE_TYPES.join(", ")),
            );
        }
    }
    let limits = slot_limits(c, path, f);
    c.directions(&format!("{path}.directions"), &f.directions, directions);
    if let Some(cond) = &f.show_if {
        check_condition(c, &format!("{path}.show_if"), cond, def, field_index, None);
    }
    if let Some(id) = &f.figures_of {
        let narrative = field_index
            .get(id)
            .map(|&(s, i)| &def.sections[s].fields[i])
            .is_some_and(|n| n.kind == Some(crate::call::definition::FieldKind::Textarea));
        if !narrative {
            c.err(
                format!("{path}.figures_of"),
                msg::other(&msg::figures_of_narrative(id)),
            );
        }
        if f.types.iter().any(|t| !FIGURE_TYPES.contains(&t.as_str())) {
            c.err(format!("{path}.types"), msg::other(msg::FIGURE_TYPES));
        }
    }
    if let Some(naming) = &f.naming {
        for p in placeholders(naming) {
            if p != "n" && !field_index.contains_key(p) {
                c.err(format!("{path}.naming"), msg::unknown_ref("字段", p));
            }
        }
    }
    limits
}

/// A slot's sizes and counts with their defaults, each checked.
fn slot_limits(c: &mut Checker<'_>, path: &str, f: &FileSlot) -> SlotLimits {
    let mut size = |key: &str, v: &Option<String>, default: u64| match v {
        None => default,
        Some(s) => parse_size(s).unwrap_or_else(|| {
            c.err(format!("{path}.{key}"), msg::bad_size(s));
            default
        }),
    };
    let min_size = size("min_size", &f.min_size, 0);
    let max_size = size("max_size", &f.max_size, DEFAULT_MAX_SIZE);
    if min_size > max_size {
        c.err(
            format!("{path}.min_size"),
            msg::min_above_max("min_size", "max_size"),
        );
    }
    let required = f.required.unwrap_or(true);
    let min_count = f.min_count.unwrap_or(u32::from(required));
    let max_count = f.max_count.unwrap_or(DEFAULT_MAX_COUNT);
    if min_count > max_count {
        c.err(
            format!("{path}.min_count"),
            msg::min_above_max("min_count", "max_count"),
        );
    }
    if max_count == 0 {
        c.err(
            format!("{path}.max_count"),
            msg::other("max_count 不能为 0"),
        );
    }
    SlotLimits {
        min_count,
        max_count,
        min_size,
        max_size,
    }
}

/// Checks the commitment: its scan's file slot and the fields its text inserts.
pub(super) fn check_commitment(
    c: &mut Checker<'_>,
    def: &CallDef,
    slot_ids: &HashSet<&str>,
    field_index: &FieldIndex,
) {
    if let Some(slot) = &def.commitment.scan_file
        && !slot_ids.contains(slot.as_str())
    {
        c.err("commitment.scan_file", msg::unknown_ref("附件项", slot));
    }
    for p in placeholders(&def.commitment.text) {
        if !field_index.contains_key(p) {
            c.err("commitment.text", msg::unknown_ref("字段", p));
        }
    }
}

/// Checks `[printed]`: a 目录 needs parts to list; each part holds something else, and the
/// sections are in one of them; the commitment only when the form prints one.
pub(super) fn check_printed(c: &mut Checker<'_>, def: &CallDef) {
    use crate::call::definition::PartHolds;
    let printed = &def.printed;
    if printed.contents && printed.parts.is_empty() {
        c.err("printed.contents", msg::other(msg::CONTENTS_WITHOUT_PARTS));
    }
    if printed.contents_help.is_some() && !printed.contents {
        c.err(
            "printed.contents_help",
            msg::other(msg::CONTENTS_HELP_WITHOUT_CONTENTS),
        );
    }
    let mut seen = Vec::new();
    let mut placed: Vec<&str> = Vec::new();
    for (i, part) in printed.parts.iter().enumerate() {
        for (j, id) in part.sections.iter().enumerate() {
            let path = format!("printed.part[{i}].sections[{j}]");
            if !def.sections.iter().any(|s| &s.id == id) {
                c.err(path, msg::unknown_ref("章节", id));
            } else if placed.contains(&id.as_str()) {
                c.err(path, msg::other(&msg::part_section_twice(id)));
            } else {
                placed.push(id);
            }
        }
        if seen.contains(&part.holds) {
            c.err(
                format!("printed.part[{i}].holds"),
                msg::other(msg::PART_HOLDS_TWICE),
            );
        }
        seen.push(part.holds);
        if part.holds == PartHolds::Commitment && !def.commitment.printed {
            c.err(
                format!("printed.part[{i}].holds"),
                msg::other(msg::PART_COMMITMENT_NOT_PRINTED),
            );
        }
    }
    if !printed.parts.is_empty() && !seen.contains(&PartHolds::Sections) {
        c.err("printed.part", msg::other(msg::PARTS_WITHOUT_SECTIONS));
    }
}
