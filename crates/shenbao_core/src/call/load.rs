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

/// Parses a definition file into its raw structs, or says where it is broken: a syntax error
/// (the parser stops there), or every structural problem (unknown keys, wrong types, missing
/// keys) found by [`more_problems`].
pub fn parse(file: &str, src: &str) -> Result<CallDef, DefinitionError> {
    let fail = |problems: Vec<DefinitionProblem>| DefinitionError {
        file: file.to_string(),
        problems,
    };
    let de = toml::Deserializer::parse(src).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(src, s.start)).unwrap_or((0, 0));
        fail(vec![DefinitionProblem {
            line,
            column,
            path: String::new(),
            message: msg::parse(e.message()),
        }])
    })?;
    let first = match serde_path_to_error::deserialize(de) {
        Ok(def) => return Ok(def),
        Err(e) => Structural::of(e),
    };
    let mut problems = vec![first.problem(src, first.span.clone())];
    problems.extend(more_problems(src, first));
    problems.sort_by_key(|p| (p.line, p.column));
    Err(fail(problems))
}

/// One structural problem as serde reported it.
struct Structural {
    path: String,
    /// serde's own words (`unknown field …`, `missing field `label``…).
    raw: String,
    span: Option<Range<usize>>,
}

impl Structural {
    fn of(e: serde_path_to_error::Error<toml::de::Error>) -> Structural {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Structural {
            path: if path == "." { String::new() } else { path },
            raw: inner.message().to_string(),
            span: inner.span(),
        }
    }

    /// The key a `missing field` names, if that is what it is.
    fn missing(&self) -> Option<&str> {
        let rest = self.raw.strip_prefix("missing field `")?;
        rest.split('`').next()
    }

    fn problem(&self, src: &str, span: Option<Range<usize>>) -> DefinitionProblem {
        let span = span.or_else(|| locate(src, &self.path));
        // A key missing from the top of the file: its first line.
        let (line, column) = span.map(|s| line_col(src, s.start)).unwrap_or((1, 1));
        DefinitionProblem {
            line,
            column,
            path: self.path.clone(),
            message: msg::parse(&self.raw),
        }
    }
}

/// Most structural problems one file may list.
const MAX_PROBLEMS: usize = 50;

/// The structural problems after `first`: serde stops at the first, so a copy of the document
/// is repaired where it broke (an unknown or mistyped key taken out; a missing key given a
/// stand-in: empty text, 0, false, an empty list, whichever its type takes) and read again,
/// until it reads or cannot be repaired. Each problem is placed in the original text by its
/// path. Problems the stand-ins cause are not reported, nor a missing key that was reported as
/// mistyped.
///
/// Hand-written: neither `toml` nor `serde` collects more than one error.
fn more_problems(src: &str, first: Structural) -> Vec<DefinitionProblem> {
    let Ok(mut doc) = src.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let stand_ins = || -> [toml_edit::Item; 4] {
        [
            toml_edit::value(""),
            toml_edit::value(0),
            toml_edit::value(false),
            toml_edit::value(toml_edit::Array::new()),
        ]
    };
    let mut reported: Vec<String> = vec![first.path.clone()];
    let mut tried: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut current = first;
    for _ in 0..MAX_PROBLEMS * 4 {
        // Repair where `current` broke.
        let target = match current.missing() {
            Some(key) if current.path.is_empty() => key.to_string(),
            Some(key) => format!("{}.{key}", current.path),
            None => current.path.clone(),
        };
        let repaired = if current.missing().is_some() || tried.contains_key(&target) {
            let n = tried.entry(target.clone()).or_insert(0);
            let stand_in = stand_ins().into_iter().nth(*n);
            *n += 1;
            match stand_in {
                Some(item) => set_path(&mut doc, &segments(&target), item),
                None => false,
            }
        } else {
            remove_path(&mut doc, &segments(&target))
        };
        if !repaired {
            break;
        }
        let text = doc.to_string();
        let Ok(de) = toml::Deserializer::parse(&text) else {
            break;
        };
        current = match serde_path_to_error::deserialize::<_, CallDef>(de) {
            Ok(_) => break,
            Err(e) => Structural::of(e),
        };
        let key_path = match current.missing() {
            Some(key) if current.path.is_empty() => key.to_string(),
            Some(key) => format!("{}.{key}", current.path),
            None => current.path.clone(),
        };
        let ours = tried.contains_key(&key_path) || tried.contains_key(&current.path);
        if !ours && !reported.contains(&key_path) && !reported.contains(&current.path) {
            reported.push(key_path);
            out.push(current.problem(src, None));
            if out.len() + 1 >= MAX_PROBLEMS {
                break;
            }
        }
    }
    out
}

/// The table-like at `segs` (the parent of a key), through arrays of tables and inline
/// values.
fn table_at<'d>(
    table: &'d mut dyn toml_edit::TableLike,
    segs: &[Seg<'_>],
) -> Option<&'d mut dyn toml_edit::TableLike> {
    let Some((seg, rest)) = segs.split_first() else {
        return Some(table);
    };
    let Seg::Key(k) = seg else {
        return None;
    };
    let item = table.get_mut(k)?;
    match rest.split_first() {
        Some((Seg::Index(i), after)) => {
            if item.is_array_of_tables() {
                table_at(item.as_array_of_tables_mut()?.get_mut(*i)?, after)
            } else {
                let value = item.as_array_mut()?.get_mut(*i)?;
                table_at(value.as_inline_table_mut()?, after)
            }
        }
        _ => table_at(item.as_table_like_mut()?, rest),
    }
}

/// Sets the key at `segs` to `item`; false when its parent is not a table.
fn set_path(doc: &mut toml_edit::DocumentMut, segs: &[Seg<'_>], item: toml_edit::Item) -> bool {
    let Some((Seg::Key(key), parent)) = segs.split_last() else {
        return false;
    };
    match table_at(doc.as_table_mut(), parent) {
        Some(table) => {
            table.insert(key, item);
            true
        }
        None => false,
    }
}

/// Takes the key at `segs` out; false when it is not a key of a table.
fn remove_path(doc: &mut toml_edit::DocumentMut, segs: &[Seg<'_>]) -> bool {
    let Some((Seg::Key(key), parent)) = segs.split_last() else {
        return false;
    };
    table_at(doc.as_table_mut(), parent).is_some_and(|t| t.remove(key).is_some())
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
