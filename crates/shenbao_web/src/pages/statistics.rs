//! The statistics page (统计分析) shared by the call owner (the whole call) and a bureau (what
//! reached its unit): the store's counts turned into four breakdowns (by region, direction,
//! status and day of submission), rendered as tables that ECharts draws as charts when
//! scripts run, and as an XLSX workbook with the same figures.
//!
//! Regions are shown one level below the viewer's division: a province's cities, a city's
//! counties; a county (which has no divisions below it in the code table) sees itself.
//! Every division of that level is listed, with 0 where nothing came from it, so the clerk
//! sees where no one applied.
//!
//! Must not: decide who may see which counts (the handlers in `owner` and `review` do), or
//! count anything itself (the store groups in SQL).

use std::collections::BTreeMap;

use axum::response::Response;
use shenbao_core::call::Call;
use shenbao_core::region;
use shenbao_store::{ApplicationStatus, Statistics};

use super::view::fmt_time;
use crate::documents::Format;
use crate::error::AppError;
use crate::strings as s;

/// Most days the by-day breakdown fills with zeros between the first and the last
/// submission; a longer span (a call left open for years) lists only days with submissions.
const MAX_FILLED_DAYS: i64 = 400;

/// One line of a breakdown.
pub struct StatLine {
    /// What is counted: a division, a direction, a status or a date.
    pub label: String,
    /// How many applications.
    pub count: i64,
    /// Its share of the total, e.g. `12.5%`.
    pub share: String,
}

/// One breakdown: a chart and its table.
pub struct Breakdown {
    /// Its anchor and the file name part, e.g. `region`.
    pub id: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// The title of the label column.
    pub label: &'static str,
    /// How the script draws it: `bar` (horizontal bars), `pie`, or `line` (a date axis, drawn
    /// as columns so that single days stand out).
    pub chart: &'static str,
    /// Its lines, in order.
    pub lines: Vec<StatLine>,
}

/// What the statistics page shows, for an owner or a bureau.
pub struct StatisticsView {
    /// The call's title.
    pub call_title: String,
    /// Whose figures: the unit's name, or the call owner's 全部申报.
    pub scope: String,
    /// As of when (Beijing time).
    pub as_of: String,
    /// How many submitted applications in all.
    pub total: i64,
    /// The four breakdowns.
    pub breakdowns: Vec<Breakdown>,
}

/// The breakdowns of `stats` for a viewer of division `area` (`None`: the whole country),
/// with `directions` (id, name) listed even when nothing was submitted in them.
pub fn view(
    call: &Call,
    scope: String,
    area: Option<&str>,
    directions: &[(String, String)],
    stats: &Statistics,
    now: i64,
) -> StatisticsView {
    let total = stats.total();
    let regions = regions(area, &stats.by_region);
    let mut by_direction: Vec<(String, i64)> = directions
        .iter()
        .map(|(id, name)| {
            let n = stats
                .by_direction
                .iter()
                .find(|(d, _)| d == id)
                .map_or(0, |(_, n)| *n);
            (name.clone(), n)
        })
        .collect();
    for (id, n) in &stats.by_direction {
        if !directions.iter().any(|(d, _)| d == id) {
            let name = call
                .direction(id)
                .map_or_else(|| id.clone(), |d| d.name.clone());
            by_direction.push((name, *n));
        }
    }
    let by_status = ApplicationStatus::ALL
        .iter()
        .filter(|st| **st != ApplicationStatus::Draft)
        .map(|st| {
            let n = stats
                .by_status
                .iter()
                .find(|(x, _)| x == st)
                .map_or(0, |(_, n)| *n);
            (st.label().to_string(), n)
        })
        .collect();
    let breakdowns = vec![
        breakdown("region", "按地区", s::STATS_REGION, "bar", regions, total),
        breakdown(
            "direction",
            "按申报方向",
            "申报方向",
            "bar",
            by_direction,
            total,
        ),
        breakdown("status", "按状态", "状态", "pie", by_status, total),
        breakdown(
            "day",
            "按提交日期",
            "提交日期",
            "line",
            days(&stats.by_day),
            total,
        ),
    ];
    StatisticsView {
        call_title: call.def().title.clone(),
        scope,
        as_of: fmt_time(now),
        total,
        breakdowns,
    }
}

fn breakdown(
    id: &'static str,
    title: &'static str,
    label: &'static str,
    chart: &'static str,
    rows: Vec<(String, i64)>,
    total: i64,
) -> Breakdown {
    Breakdown {
        id,
        title,
        label,
        chart,
        lines: rows
            .into_iter()
            .map(|(label, count)| StatLine {
                label,
                count,
                share: share(count, total),
            })
            .collect(),
    }
}

/// `count` of `total` as a percentage with one decimal; empty when there is no total.
fn share(count: i64, total: i64) -> String {
    if total <= 0 {
        return String::new();
    }
    // Tenths of a percent, rounded half up, in integers.
    let tenths = (count * 1000 + total / 2) / total;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// The applicants' division codes gathered into the divisions one level below `area`: every
/// one of them (0 when none applied), then the area's own code (本级) and anything outside
/// (其他地区), when there are such applicants.
fn regions(area: Option<&str>, counts: &[(String, i64)]) -> Vec<(String, i64)> {
    let area = area.filter(|a| region::lookup(a).is_some());
    let below: Vec<(&str, &str)> = match area {
        None => region::provinces().map(|d| (d.code, d.name)).collect(),
        Some(a) => region::children(a)
            .iter()
            .map(|d| (d.code, d.name))
            .collect(),
    };
    let mut within: BTreeMap<&str, i64> = below.iter().map(|(c, _)| (*c, 0)).collect();
    let (mut own, mut outside) = (0, 0);
    for (code, n) in counts {
        if let Some((c, _)) = below.iter().find(|(c, _)| region::is_within(code, c)) {
            *within.entry(c).or_default() += n;
        } else if area.is_some_and(|a| region::is_within(code, a)) {
            own += n;
        } else {
            outside += n;
        }
    }
    let mut rows: Vec<(String, i64)> = below
        .iter()
        .map(|(c, name)| ((*name).to_string(), within.get(c).copied().unwrap_or(0)))
        .collect();
    if let Some(a) = area {
        let name = region::lookup(a).map_or(a, |d| d.name);
        if below.is_empty() {
            // A county has no divisions below it: it is its own only line.
            rows.push((name.to_string(), own));
        } else if own > 0 {
            rows.push((format!("{name}{}", s::STATS_OWN_LEVEL), own));
        }
    }
    if outside > 0 {
        rows.push((s::STATS_OUTSIDE.to_string(), outside));
    }
    rows
}

/// Days since 1970-01-01 (Beijing) as dates, with the days between filled with 0.
fn days(by_day: &[(i64, i64)]) -> Vec<(String, i64)> {
    let date = |d: i64| {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|e| e.checked_add_days(chrono::Days::new(u64::try_from(d).ok()?)))
            .map_or_else(|| d.to_string(), |x| x.format("%Y-%m-%d").to_string())
    };
    let (Some(first), Some(last)) = (by_day.first(), by_day.last()) else {
        return Vec::new();
    };
    if last.0 - first.0 > MAX_FILLED_DAYS {
        return by_day.iter().map(|(d, n)| (date(*d), *n)).collect();
    }
    (first.0..=last.0)
        .map(|d| {
            let n = by_day.iter().find(|(x, _)| *x == d).map_or(0, |(_, n)| *n);
            (date(d), n)
        })
        .collect()
}

/// The same figures as an XLSX download, one sheet per breakdown.
pub fn xlsx(view: &StatisticsView, file_name: &str, fallback: &str) -> Result<Response, AppError> {
    let sheets: Vec<shenbao_docs::StatisticsSheet> = view
        .breakdowns
        .iter()
        .map(|b| shenbao_docs::StatisticsSheet {
            name: b.title.to_string(),
            label: b.label.to_string(),
            rows: b.lines.iter().map(|l| (l.label.clone(), l.count)).collect(),
        })
        .collect();
    let title = format!("{} · {}", view.call_title, view.scope);
    let note = format!("{}{}，{}", s::STATS_AS_OF, view.as_of, s::STATS_WHICH);
    let bytes = shenbao_docs::statistics_xlsx(&title, &note, &sheets)
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::documents::download(
        Format::Xlsx,
        file_name,
        fallback,
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_a_tenth_of_a_percent() {
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(3, 3), "100.0%");
        assert_eq!(share(0, 0), "");
    }

    #[test]
    fn a_province_sees_its_cities_and_a_county_itself() {
        let counts = vec![
            ("370102".to_string(), 2),
            ("370112".to_string(), 1),
            ("370202".to_string(), 4),
            ("440300".to_string(), 1),
        ];
        let rows = regions(Some("370000"), &counts);
        assert!(rows.contains(&("济南市".to_string(), 3)), "{rows:?}");
        assert!(rows.contains(&("青岛市".to_string(), 4)));
        assert!(
            rows.contains(&("淄博市".to_string(), 0)),
            "every city is listed"
        );
        assert_eq!(rows.last(), Some(&(s::STATS_OUTSIDE.to_string(), 1)));
        let rows = regions(Some("370102"), &counts[..1]);
        assert_eq!(rows, vec![("历下区".to_string(), 2)]);
    }

    #[test]
    fn days_between_submissions_count_zero() {
        let rows = days(&[(19_800, 2), (19_802, 1)]);
        let counts: Vec<i64> = rows.iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, [2, 0, 1]);
        assert_eq!(rows[0].0, "2024-03-18");
    }
}
