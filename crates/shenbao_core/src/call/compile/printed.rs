//! Checks and compiles what is printed about an application besides its answers: the form's
//! cover lines and the entry on the public results page.
//!
//! Must not: render anything; the documents and pages evaluate these expressions.

use std::collections::HashSet;

use super::FieldIndex;
use super::checker::Checker;
use super::{COVER_VARS, CompiledPublication, PUBLICATION_VARS};
use crate::call::definition::CallDef;
use crate::expr::Expr;
use crate::messages::definition as msg;

/// Checks the cover lines and compiles their `value`s, one entry per line.
pub(super) fn compile_cover(
    c: &mut Checker<'_>,
    def: &CallDef,
    field_index: &FieldIndex,
    answer_ids: &HashSet<String>,
) -> Vec<Option<Expr>> {
    let mut cover = Vec::new();
    for (i, line) in def.cover.iter().enumerate() {
        if let Some(f) = &line.field
            && !field_index.contains_key(f)
        {
            c.err(format!("cover[{i}].field"), msg::unknown_ref("字段", f));
        }
        if line.field.is_some() && line.value.is_some() {
            c.err(
                format!("cover[{i}].value"),
                msg::other("field 和 value 只能写一个"),
            );
        }
        if let Some(v) = &line.value {
            super::members::check_reads(c, &format!("cover[{i}].value"), v, def, field_index);
        }
        cover.push(
            line.value
                .as_ref()
                .and_then(|v| c.expr(&format!("cover[{i}].value"), v, COVER_VARS, answer_ids)),
        );
    }
    cover
}

/// Compiles the `[publication]` block, if the call has one and both expressions compile.
pub(super) fn compile_publication(
    c: &mut Checker<'_>,
    def: &CallDef,
    field_index: &FieldIndex,
    answer_ids: &HashSet<String>,
) -> Option<CompiledPublication> {
    def.publication.as_ref().and_then(|p| {
        super::members::check_reads(c, "publication.title", &p.title, def, field_index);
        super::members::check_reads(
            c,
            "publication.introduction",
            &p.introduction,
            def,
            field_index,
        );
        let title = c.expr("publication.title", &p.title, PUBLICATION_VARS, answer_ids);
        let introduction = c.expr(
            "publication.introduction",
            &p.introduction,
            PUBLICATION_VARS,
            answer_ids,
        );
        Some(CompiledPublication {
            title: title?,
            introduction: introduction?,
        })
    })
}

/// Compiles `listed_as`, if the call has it.
pub(super) fn compile_listed_as(
    c: &mut Checker<'_>,
    def: &CallDef,
    field_index: &FieldIndex,
    answer_ids: &HashSet<String>,
) -> Option<Expr> {
    def.listed_as.as_ref().and_then(|src| {
        super::members::check_reads(c, "listed_as", src, def, field_index);
        c.expr("listed_as", src, PUBLICATION_VARS, answer_ids)
    })
}
