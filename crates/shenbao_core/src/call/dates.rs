//! Setting a call's dates in its text: the applicants' deadline (`[deadlines] applicant`) and
//! each review level's `deadline`, keeping everything else of the file (comments, order,
//! layout) as written, through `toml_edit`. The owner's page sets dates this way, and the
//! result is a new version of the call.
//!
//! Must not: check the dates (the text is compiled again, which refuses dates out of order).

use chrono::NaiveDate;
use toml_edit::{DocumentMut, Item, Table, value};

/// The dates to write: `None` removes a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dates {
    /// The applicants' deadline.
    pub applicant: Option<NaiveDate>,
    /// Each review level's deadline, by level id; levels not named keep theirs.
    pub levels: Vec<(String, Option<NaiveDate>)>,
}

/// `source` with `dates` written in; `Err` with the parser's message when `source` is not TOML.
pub fn with_dates(source: &str, dates: &Dates) -> Result<String, String> {
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let text = |d: NaiveDate| value(d.format("%Y-%m-%d").to_string());
    {
        let deadlines = doc
            .entry("deadlines")
            .or_insert_with(|| Item::Table(Table::new()));
        if let Some(table) = deadlines.as_table_like_mut() {
            match dates.applicant {
                Some(d) => {
                    table.insert("applicant", text(d));
                }
                None => {
                    table.remove("applicant");
                }
            }
        }
    }
    if let Some(levels) = doc
        .get_mut("review_level")
        .and_then(Item::as_array_of_tables_mut)
    {
        for level in levels.iter_mut() {
            let id = level.get("id").and_then(Item::as_str).map(str::to_string);
            let Some((_, day)) = dates.levels.iter().find(|(l, _)| Some(l) == id.as_ref()) else {
                continue;
            };
            match day {
                Some(d) => {
                    level.insert("deadline", text(*d));
                }
                None => {
                    level.remove("deadline");
                }
            }
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_and_the_rest_is_kept() {
        let source = "# 通知\nid = \"x\"\n\n[deadlines]\nnote = \"说明\"\n\n[[review_level]]\n\
                      id = \"city\" # 市级\nname = \"市\"\n\n[[review_level]]\nid = \"province\"\n\
                      name = \"省\"\ndeadline = \"2025-01-01\"\n";
        let day = |d: u32| NaiveDate::from_ymd_opt(2025, 6, d);
        let out = with_dates(
            source,
            &Dates {
                applicant: day(1),
                levels: vec![("city".into(), day(10)), ("province".into(), None)],
            },
        )
        .expect("toml");
        assert!(out.starts_with("# 通知\nid = \"x\"\n"), "{out}");
        assert!(
            out.contains("note = \"说明\"\napplicant = \"2025-06-01\""),
            "{out}"
        );
        assert!(
            out.contains("id = \"city\" # 市级\nname = \"市\"\ndeadline = \"2025-06-10\""),
            "{out}"
        );
        assert!(!out.contains("2025-01-01"), "{out}");
    }
}
