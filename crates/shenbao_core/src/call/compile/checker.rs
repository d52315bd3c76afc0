//! The problem collector of the compiler: every check appends a problem with the path it
//! concerns, and the paths are turned into lines and columns at the end.
//!
//! Must not: stop at the first problem; every problem of a definition is reported at once.

use std::collections::HashSet;

use crate::call::load::{DefinitionError, DefinitionProblem, line_col, locate};
use crate::expr::Expr;
use crate::ident;
use crate::messages::definition as msg;

/// The problems found so far, and the file text they are located in.
pub(super) struct Checker<'a> {
    pub(super) src: &'a str,
    pub(super) problems: Vec<(String, String)>,
}

impl Checker<'_> {
    pub(super) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push((path.into(), message.into()));
    }

    pub(super) fn id(&mut self, path: &str, id: &str) {
        let ok = !id.is_empty()
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.err(
                path,
                msg::bad_id(id, "小写英文字母开头的 snake_case（a-z、0-9、_）"),
            );
        }
    }

    /// Checks an id's shape and that it is new in `seen` (a duplicate names `kind`).
    pub(super) fn unique_id<'d>(
        &mut self,
        seen: &mut HashSet<&'d str>,
        path: &str,
        kind: &str,
        id: &'d str,
    ) {
        self.id(path, id);
        if !seen.insert(id) {
            self.err(path, msg::duplicate(kind, id));
        }
    }

    pub(super) fn date(&mut self, path: &str, value: Option<&str>) {
        if let Some(v) = value
            && (v.len() != 10 || ident::parse_date(v).is_none())
        {
            self.err(path, msg::bad_date(v));
        }
    }

    pub(super) fn directions(&mut self, path: &str, list: &[String], known: &HashSet<&str>) {
        for (i, d) in list.iter().enumerate() {
            if !known.contains(d.as_str()) {
                self.err(format!("{path}[{i}]"), msg::unknown_ref("方向", d));
            }
        }
    }

    pub(super) fn expr(
        &mut self,
        path: &str,
        source: &str,
        vars: &[&str],
        fields: &HashSet<String>,
    ) -> Option<Expr> {
        match Expr::compile(source, vars) {
            Ok(e) => {
                for r in e.answer_refs() {
                    if !fields.contains(&r) {
                        self.err(path, msg::bad_expr(&msg::unknown_ref("字段", &r)));
                    }
                }
                Some(e)
            }
            Err(e) => {
                self.err(path, msg::bad_expr(&msg::expr_error(&e)));
                None
            }
        }
    }

    pub(super) fn into_error(self, file: &str) -> DefinitionError {
        let mut problems: Vec<DefinitionProblem> = self
            .problems
            .into_iter()
            .map(|(path, message)| {
                let (line, column) = locate(self.src, &path)
                    .map(|s| line_col(self.src, s.start))
                    .unwrap_or((0, 0));
                DefinitionProblem {
                    line,
                    column,
                    path,
                    message,
                }
            })
            .collect();
        problems.sort_by_key(|p| (p.line, p.column));
        DefinitionError {
            file: file.to_string(),
            problems,
        }
    }
}
