//! Reading a call-definition file: TOML syntax and shape errors, and finding where in the
//! file a problem found later (by path) was written, so every message can name its line and
//! column.

use std::fmt;
use std::ops::Range;

use super::definition::CallDef;
use crate::messages::definition as msg;

/// One problem in a call-definition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    /// 1-based line; 0 when the place is unknown.
    pub line: usize,
    /// 1-based column in characters; 0 when the place is unknown.
    pub column: usize,
    /// Path of the key in the file, e.g. `section[2].field[5].show_if.field`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// Everything wrong with a call-definition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    /// The file name as given by the caller.
    pub file: String,
    /// All problems, in file order.
    pub problems: Vec<DefinitionProblem>,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let path = if p.path.is_empty() {
                "(文件)"
            } else {
                &p.path
            };
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, p.line, p.column, path, p.message
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for DefinitionError {}

/// Parses a definition file into its raw structs, or says where it is broken.
pub fn parse(file: &str, src: &str) -> Result<CallDef, DefinitionError> {
    let fail = |path: String, span: Option<Range<usize>>, message: String| {
        let (line, column) = span.map(|s| line_col(src, s.start)).unwrap_or((0, 0));
        DefinitionError {
            file: file.to_string(),
            problems: vec![DefinitionProblem {
                line,
                column,
                path,
                message,
            }],
        }
    };
    let de = toml::Deserializer::parse(src)
        .map_err(|e| fail(String::new(), e.span(), msg::parse(e.message())))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let span = inner.span().or_else(|| locate(src, &path));
        fail(path, span, msg::parse(inner.message()))
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, PartialEq)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(Seg::Key(&rest[..b]));
            }
            rest = &rest[b..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(end) = stripped.find(']') else { break };
                if let Ok(i) = stripped[..end].parse() {
                    out.push(Seg::Index(i));
                }
                rest = &stripped[end + 1..];
            }
        } else {
            out.push(Seg::Key(rest));
        }
    }
    out
}

/// Byte span in `src` of the key at `path` (or of its nearest existing ancestor).
pub fn locate(src: &str, path: &str) -> Option<Range<usize>> {
    let doc = toml_edit::Document::parse(src).ok()?;
    walk_item(doc.as_item(), &segments(path), None)
}

fn walk_item(
    item: &toml_edit::Item,
    segs: &[Seg<'_>],
    best: Option<Range<usize>>,
) -> Option<Range<usize>> {
    let Some((seg, rest)) = segs.split_first() else {
        return best;
    };
    match seg {
        Seg::Key(_) => match item.as_table_like() {
            Some(t) => walk_table(t, segs, best),
            None => best,
        },
        Seg::Index(i) => {
            if let Some(aot) = item.as_array_of_tables() {
                match aot.get(*i) {
                    Some(t) => walk_table(t, rest, t.span().or(best)),
                    None => best,
                }
            } else if let Some(arr) = item.as_array() {
                match arr.get(*i) {
                    Some(v) => walk_value(v, rest, v.span().or(best)),
                    None => best,
                }
            } else {
                best
            }
        }
    }
}

fn walk_table(
    table: &dyn toml_edit::TableLike,
    segs: &[Seg<'_>],
    best: Option<Range<usize>>,
) -> Option<Range<usize>> {
    let Some((Seg::Key(k), rest)) = segs.split_first() else {
        return best;
    };
    match table.get_key_value(k) {
        Some((key, next)) => walk_item(next, rest, key.span().or_else(|| next.span()).or(best)),
        None => best,
    }
}

fn walk_value(
    value: &toml_edit::Value,
    segs: &[Seg<'_>],
    best: Option<Range<usize>>,
) -> Option<Range<usize>> {
    let Some((seg, rest)) = segs.split_first() else {
        return best;
    };
    match seg {
        Seg::Key(_) => match value.as_inline_table() {
            Some(t) => walk_table(t, segs, best),
            None => best,
        },
        Seg::Index(i) => match value.as_array().and_then(|a| a.get(*i)) {
            Some(v) => walk_value(v, rest, v.span().or(best)),
            None => best,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "a = 1\n\n[[section]]\nid = \"x\"\n\n[[section]]\nid = \"y\"\n\n[[section.field]]\nid = \"f\"\nshow_if = { field = \"g\", any_of = [\"是\"] }\nrow = [\n  { id = \"r1\" },\n  { id = \"r2\", kind = \"text\" },\n]\n";

    fn at(path: &str) -> (usize, usize) {
        line_col(SRC, locate(SRC, path).expect("located").start)
    }

    #[test]
    fn paths_are_located_at_their_keys() {
        assert_eq!(at("a"), (1, 1));
        assert_eq!(at("section[1].id"), (7, 1));
        assert_eq!(at("section[1].field[0].id"), (10, 1));
        assert_eq!(at("section[1].field[0].show_if.field"), (11, 13));
        assert_eq!(at("section[1].field[0].row[1].kind"), (14, 16));
    }

    #[test]
    fn a_missing_key_falls_back_to_its_parent() {
        assert_eq!(
            line_col(
                SRC,
                locate(SRC, "section[1].field[0].nope")
                    .expect("parent")
                    .start
            )
            .0,
            9
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("名称 = 1", "名称 = ".len()), (1, 6));
    }
}
