//! Exclusion lists (不得重复申报): organisations (by USCC) and projects (by normalised name)
//! that may not apply to a call, as an owner uploads them (a table with a header row), and the
//! normalisation that makes a project name match however it is written.
//!
//! Must not: read files or the database. The rows come in as text cells (the app reads CSV or
//! XLSX); the matching against applications is the store's.

use crate::ident::parse_uscc;
use crate::messages::exclusion as msg;

/// Most entries one list may hold.
pub const MAX_ENTRIES: usize = 100_000;

/// One entry of an exclusion list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The row of the list it comes from (1 = the header).
    pub row: usize,
    /// The organisation's USCC, when given (checked, upper case).
    pub uscc: Option<String>,
    /// The organisation's name as written, when given.
    pub name: Option<String>,
    /// The project's name as written, when given.
    pub project: Option<String>,
    /// [`normalise_project`] of it.
    pub project_key: Option<String>,
}

/// A problem of an uploaded list, with its row (0 for the whole list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    /// The row, counted as a spreadsheet counts (1 = the header).
    pub row: usize,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// A project name reduced to what identifies it: NFKC (full-width letters and digits become
/// half-width), letters lower-cased, and every space, punctuation mark and symbol dropped
/// (《》“”、（）…), so that “基于大模型的 智能客服（二期）” and 基于大模型的智能客服(二期) match.
///
/// ```
/// use shenbao_core::exclusion::normalise_project;
/// assert_eq!(normalise_project("《基于大模型的 智能客服（二期）》"), normalise_project("基于大模型的智能客服(二期)"));
/// assert_eq!(normalise_project("ＡＩ质检平台"), "ai质检平台");
/// ```
pub fn normalise_project(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column holds what, found from the header's wording.
#[derive(Debug, Default)]
struct Columns {
    uscc: Option<usize>,
    name: Option<usize>,
    project: Option<usize>,
}

fn columns(header: &[String]) -> Columns {
    let mut c = Columns::default();
    for (i, h) in header.iter().enumerate() {
        let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        if c.uscc.is_none() && (h.contains("信用代码") || h.eq_ignore_ascii_case("uscc")) {
            c.uscc = Some(i);
        } else if c.project.is_none()
            && (h.contains("项目")
                || h.contains("案例")
                || h.contains("产品")
                || h.contains("场景"))
        {
            c.project = Some(i);
        } else if c.name.is_none()
            && (h.contains("单位") || h.contains("企业") || h.contains("名称"))
        {
            c.name = Some(i);
        }
    }
    c
}

/// The entries of a list given as rows of cells, the first row the header: a column whose
/// title holds 信用代码 gives the USCC, one with 项目 (案例, 产品, 场景) the project name, one
/// with 单位 (企业, 名称) the organisation's name. Blank rows are skipped; every row needs a
/// USCC or a project name, and every USCC must be valid. All problems are reported at once,
/// and a list with any problem is refused whole.
pub fn parse_list(rows: &[Vec<String>]) -> Result<Vec<Entry>, Vec<ListProblem>> {
    let whole = |message: String| vec![ListProblem { row: 0, message }];
    let Some(header) = rows.first() else {
        return Err(whole(msg::EMPTY.to_string()));
    };
    let cols = columns(header);
    if cols.uscc.is_none() && cols.project.is_none() {
        return Err(whole(msg::NO_COLUMNS.to_string()));
    }
    let cell = |r: &[String], i: Option<usize>| {
        i.and_then(|i| r.get(i))
            .map(|v| crate::text::clean_line(v))
            .filter(|v| !v.is_empty())
    };
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        let row = i + 1;
        let (uscc, name, project) = (
            cell(r, cols.uscc),
            cell(r, cols.name),
            cell(r, cols.project),
        );
        if uscc.is_none() && name.is_none() && project.is_none() {
            continue;
        }
        let uscc = match uscc.map(|u| parse_uscc(&u).map_err(|_| u)) {
            None => None,
            Some(Ok(code)) => Some(code.code().to_string()),
            Some(Err(typed)) => {
                problems.push(ListProblem {
                    row,
                    message: msg::bad_uscc(&typed),
                });
                continue;
            }
        };
        let project_key = project
            .as_deref()
            .map(normalise_project)
            .filter(|k| !k.is_empty());
        if uscc.is_none() && project_key.is_none() {
            problems.push(ListProblem {
                row,
                message: msg::NOTHING_TO_MATCH.to_string(),
            });
            continue;
        }
        entries.push(Entry {
            row,
            uscc,
            name,
            project,
            project_key,
        });
    }
    if entries.len() > MAX_ENTRIES {
        problems.insert(
            0,
            ListProblem {
                row: 0,
                message: msg::too_many(MAX_ENTRIES),
            },
        );
    }
    if entries.is_empty() && problems.is_empty() {
        problems.push(ListProblem {
            row: 0,
            message: msg::EMPTY.to_string(),
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter()
            .map(|r| r.iter().map(|c| (*c).to_string()).collect())
            .collect()
    }

    #[test]
    fn a_list_with_its_header_in_any_order() {
        let list = rows(&[
            &["序号", "项目名称", "单位名称", "统一社会信用代码"],
            &["1", "智能质检平台", "甲公司", "91350100M000100Y43"],
            &["", "", "", ""],
            &["2", "《城市大脑》（二期）", "", ""],
        ]);
        let entries = parse_list(&list).expect("valid");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].uscc.as_deref(), Some("91350100M000100Y43"));
        assert_eq!(entries[0].name.as_deref(), Some("甲公司"));
        assert_eq!(entries[1].row, 4);
        assert_eq!(entries[1].project_key.as_deref(), Some("城市大脑二期"));
    }

    #[test]
    fn every_bad_row_is_named_and_the_list_refused() {
        let list = rows(&[
            &["统一社会信用代码", "企业名称"],
            &["91350100M000100Y44", "错码公司"],
            &["", "只有名称"],
            &["91350100M000100Y43", "好公司"],
        ]);
        let problems = parse_list(&list).expect_err("refused");
        let at: Vec<usize> = problems.iter().map(|p| p.row).collect();
        assert_eq!(at, [2, 3]);
        assert!(problems[0].message.contains("91350100M000100Y44"));
        let headerless = rows(&[&["甲", "乙"], &["1", "2"]]);
        assert_eq!(parse_list(&headerless).expect_err("no columns")[0].row, 0);
        assert!(parse_list(&[]).is_err());
    }
}
