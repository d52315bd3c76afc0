//! What an expression (a rule, a computed field, a cover line) reads inside a field: `answers.period.start` of a date range,
//! `answers.finance.revenue['2023']` of a year table, `answers.contacts.lead.name` of a matrix,
//! and the columns a row variable reads (`answers.members.exists(m, m.role == …)`). A rule that
//! reads a member the field does not have would never fire, and a computed field or cover line
//! would stay empty (CEL answers "no such key", which the engine treats as a missing answer), so
//! it is refused when the call is checked.
//!
//! Hand-written over the expression's text, as the field references are found
//! (`expr::answer_refs`): the `cel` crate exposes no typed syntax tree to walk.
//!
//! Must not: evaluate anything, or refuse a call or method (`.size()`, `.exists(…)`).

use super::FieldIndex;
use super::checker::Checker;
use crate::call::definition::{CallDef, FieldDef, FieldKind};
use crate::messages::definition as msg;

/// Macros that bind a variable to each row: `rows.exists(m, …)`.
const ROW_MACROS: &[&str] = &["all", "exists", "exists_one", "map", "filter"];

/// One step after a field reference: `.name` (not a call) or `['key']`.
#[derive(Debug, PartialEq)]
enum Step<'s> {
    Member(&'s str),
    Key(&'s str),
    Call(&'s str),
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The steps that follow position `at` of `source`, and where they end.
fn steps(source: &str, mut at: usize) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    loop {
        let rest = &source[at..];
        if let Some(after) = rest.strip_prefix('.') {
            let name = ident(after);
            if name.is_empty() {
                break;
            }
            at += 1 + name.len();
            if source[at..].trim_start().starts_with('(') {
                out.push(Step::Call(name));
                break;
            }
            out.push(Step::Member(name));
        } else if let Some(after) = rest.strip_prefix('[') {
            let quote = after.chars().next();
            let Some(q @ ('\'' | '"')) = quote else { break };
            let Some(len) = after[1..].find(q) else { break };
            out.push(Step::Key(&after[1..1 + len]));
            at += 1 + 1 + len + 1;
            if !source[at..].starts_with(']') {
                break;
            }
            at += 1;
        } else {
            break;
        }
    }
    out
}

fn ids(fields: &[FieldDef]) -> Vec<&str> {
    fields.iter().map(|f| f.id.as_str()).collect()
}

/// Checks an expression's reads: the members it reads inside fields ([`check_members`]) and
/// that it never compares a number with text ([`super::comparisons`]).
pub(super) fn check_reads(
    c: &mut Checker<'_>,
    path: &str,
    source: &str,
    def: &CallDef,
    index: &FieldIndex,
) {
    check_members(c, path, source, def, index);
    super::comparisons::check_comparisons(c, path, source, def, index);
}

/// Checks what `source` (at `path`) reads inside the fields of `def`.
fn check_members(c: &mut Checker<'_>, path: &str, source: &str, def: &CallDef, index: &FieldIndex) {
    let mut search = 0;
    while let Some(found) = source[search..].find("answers.") {
        let start = search + found;
        search = start + "answers.".len();
        let before = source[..start].chars().next_back();
        if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.') {
            continue;
        }
        let id = ident(&source[search..]);
        let Some(&(si, fi)) = index.get(id) else {
            continue; // an unknown field is reported where the references are checked
        };
        let field = &def.sections[si].fields[fi];
        let after = search + id.len();
        let read = steps(source, after);
        check_field_steps(c, path, source, field, &read, after);
    }
}

fn check_field_steps(
    c: &mut Checker<'_>,
    path: &str,
    source: &str,
    field: &FieldDef,
    read: &[Step<'_>],
    after: usize,
) {
    let mut refuse = |member: &str, known: &[&str]| {
        c.err(
            path,
            msg::bad_expr(&msg::unknown_member(&field.id, member, known)),
        );
    };
    match (field.kind, read) {
        (Some(FieldKind::DateRange), [Step::Member(m) | Step::Key(m), ..])
            if *m != "start" && *m != "end" =>
        {
            refuse(m, &["start", "end"]);
        }
        (Some(FieldKind::YearTable), [Step::Member(row) | Step::Key(row), rest @ ..]) => {
            let rows = ids(&field.rows);
            if !rows.contains(row) {
                refuse(row, &rows);
            } else if let [Step::Key(year) | Step::Member(year), ..] = rest {
                let years: Vec<String> = field.years.iter().map(i32::to_string).collect();
                if !years.iter().any(|y| y == year) {
                    let known: Vec<&str> = years.iter().map(String::as_str).collect();
                    refuse(&format!("{row}.{year}"), &known);
                }
            }
        }
        (Some(FieldKind::Matrix), [Step::Member(row) | Step::Key(row), rest @ ..]) => {
            let rows = ids(&field.rows);
            let columns = ids(&field.columns);
            if !rows.contains(row) {
                refuse(row, &rows);
            } else if let [Step::Member(col) | Step::Key(col), ..] = rest
                && !columns.contains(col)
            {
                refuse(&format!("{row}.{col}"), &columns);
            }
        }
        (Some(FieldKind::Rows), [Step::Call(m), ..]) if ROW_MACROS.contains(m) => {
            // `answers.members.exists(m, m.role …)`: what `m` reads must be a column.
            let open = source[after..]
                .find('(')
                .map_or(source.len(), |p| after + p + 1);
            let var = ident(source[open..].trim_start());
            if var.is_empty() {
                return;
            }
            let columns = ids(&field.columns);
            let body = &source[open..];
            let mut at = 0;
            while let Some(found) = body[at..].find(var) {
                let start = at + found;
                at = start + var.len();
                let before = body[..start].chars().next_back();
                if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')
                    || body[at..]
                        .chars()
                        .next()
                        .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                {
                    continue;
                }
                if let Some(Step::Member(col)) = steps(body, at).first()
                    && !columns.contains(col)
                {
                    refuse(col, &columns);
                }
            }
        }
        (Some(FieldKind::Rows), [Step::Member(m), ..]) => refuse(m, &[]),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{Step, steps};

    #[test]
    fn steps_stop_at_calls_and_read_keys() {
        let s = "answers.t.revenue['2023'] + answers.p.start.size() + answers.r.exists(m, m.x)";
        assert_eq!(
            steps(s, "answers.t".len()),
            vec![Step::Member("revenue"), Step::Key("2023")]
        );
        let p = s.find("answers.p").expect("p") + "answers.p".len();
        assert_eq!(steps(s, p), vec![Step::Member("start"), Step::Call("size")]);
        let r = s.find("answers.r").expect("r") + "answers.r".len();
        assert_eq!(steps(s, r), vec![Step::Call("exists")]);
    }
}
