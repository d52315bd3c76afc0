//! Checks of the notice itself and of what the rest of the definition refers to: the format,
//! id, area and dates; the directions and sub-directions; the review levels and the routing
//! that needs them; the contacts.
//!
//! Must not: compile expressions or look at sections, fields or files (their own modules do).

use std::collections::HashSet;

use super::applies;
use super::checker::Checker;
use crate::call::definition::{CallDef, FORMAT_VERSION, LevelScope, Routing, ScanKind};
use crate::messages::definition as msg;

/// Checks the format version, the call id, the area and the notice's own dates.
pub(super) fn check_header(c: &mut Checker<'_>, def: &CallDef) {
    if def.format != FORMAT_VERSION {
        c.err("format", msg::format_version(def.format, FORMAT_VERSION));
    }
    let id_ok = !def.id.is_empty()
        && def.id.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        });
    if !id_ok {
        c.err(
            "id",
            msg::bad_id(&def.id, "小写字母、数字和连字符，如 sd-2024-llm-cases"),
        );
    }
    if let Some(area) = &def.area
        && crate::region::lookup(area).is_none()
    {
        c.err("area", msg::unknown_ref("行政区划", area));
    }
    c.date("published", def.published.as_deref());
    c.date("deadlines.applicant", def.deadlines.applicant.as_deref());
}

/// Checks the directions' and sub-directions' ids. Returns the direction ids and the ids of
/// every sub-direction of the call.
pub(super) fn check_directions<'d>(
    c: &mut Checker<'_>,
    def: &'d CallDef,
) -> (HashSet<&'d str>, HashSet<&'d str>) {
    let mut directions: HashSet<&str> = HashSet::new();
    if def.directions.is_empty() {
        c.err("direction", msg::other("至少需要一个申报方向"));
    }
    for (i, d) in def.directions.iter().enumerate() {
        c.unique_id(
            &mut directions,
            &format!("direction[{i}].id"),
            "方向",
            &d.id,
        );
        let mut subs = HashSet::new();
        for (j, s) in d.subdirections.iter().enumerate() {
            c.unique_id(
                &mut subs,
                &format!("direction[{i}].subdirection[{j}].id"),
                "子方向",
                &s.id,
            );
            // A scenario's id is stored like a sub-direction's: unique within the direction.
            for (k, sc) in s.scenarios.iter().enumerate() {
                c.unique_id(
                    &mut subs,
                    &format!("direction[{i}].subdirection[{j}].scenario[{k}].id"),
                    "子方向或场景",
                    &sc.id,
                );
            }
        }
    }
    let all_subs: HashSet<&str> = def
        .directions
        .iter()
        .flat_map(|d| d.subdirections.iter())
        .flat_map(|s| {
            std::iter::once(s.id.as_str()).chain(s.scenarios.iter().map(|x| x.id.as_str()))
        })
        .collect();
    (directions, all_subs)
}

/// Checks the review levels' ids, directions and deadlines. Returns the level ids.
pub(super) fn check_review_levels<'d>(
    c: &mut Checker<'_>,
    def: &'d CallDef,
    directions: &HashSet<&str>,
) -> HashSet<&'d str> {
    let mut levels = HashSet::new();
    for (i, l) in def.review_levels.iter().enumerate() {
        c.unique_id(
            &mut levels,
            &format!("review_level[{i}].id"),
            "评审层级",
            &l.id,
        );
        c.directions(
            &format!("review_level[{i}].directions"),
            &l.directions,
            directions,
        );
        c.date(
            &format!("review_level[{i}].deadline"),
            l.deadline.as_deref(),
        );
        if let Some(office) = &l.office {
            let divisions = !matches!(l.scope, LevelScope::Sector | LevelScope::Province);
            if !divisions || !office.contains(crate::routing::OFFICE_NAME) {
                c.err(
                    format!("review_level[{i}].office"),
                    msg::other(msg::OFFICE_PATTERN),
                );
            }
        }
        if l.ranks_source.is_some() && !l.ranks {
            c.err(
                format!("review_level[{i}].ranks_source"),
                msg::other(msg::RANKS_SOURCE_WITHOUT_RANKS),
            );
        }
        if let Some(q) = &l.quota {
            check_quota(c, i, q, i + 1 == def.review_levels.len());
        }
        if let Some(sending) = &l.sending {
            check_sending(c, i, sending, i + 1 == def.review_levels.len());
        }
    }
    levels
}

/// Checks what a level sends upward: not from the last level (it sends nothing), a letter
/// wherever its scan is asked for, the letter's blanks among those shenbao fills, each scan
/// once.
fn check_sending(
    c: &mut Checker<'_>,
    i: usize,
    sending: &crate::call::definition::Sending,
    last: bool,
) {
    let path = format!("review_level[{i}].sending");
    if last {
        c.err(path.clone(), msg::other(msg::SENDING_FROM_LAST));
    }
    let mut seen = HashSet::new();
    for (j, k) in sending.scans.iter().enumerate() {
        if !seen.insert(*k) {
            c.err(
                format!("{path}.scans[{j}]"),
                msg::duplicate("扫描件", k.as_str()),
            );
        }
    }
    if sending.scans.contains(&ScanKind::Letter) && sending.letter.is_none() {
        c.err(
            format!("{path}.scans"),
            msg::other(msg::LETTER_SCAN_WITHOUT_LETTER),
        );
    }
    for (j, paper) in sending.paper.iter().enumerate() {
        if paper.copies == 0 {
            c.err(
                format!("{path}.paper[{j}].copies"),
                msg::other(msg::PAPER_NO_COPIES),
            );
        }
        if paper.document.trim().is_empty() {
            c.err(
                format!("{path}.paper[{j}].document"),
                msg::other(msg::PAPER_NO_DOCUMENT),
            );
        }
    }
    if sending.paper_to.is_some() && sending.paper.is_empty() {
        c.err(
            format!("{path}.paper_to"),
            msg::other(msg::PAPER_TO_WITHOUT_PAPER),
        );
    }
    if let Some(letter) = &sending.letter {
        for blank in super::placeholders(&letter.text) {
            if !LETTER_BLANKS.contains(&blank) {
                c.err(
                    format!("{path}.letter.text"),
                    msg::unknown_ref("推荐函占位符", blank),
                );
            }
        }
        if letter.title.trim().is_empty() {
            c.err(
                format!("{path}.letter.title"),
                msg::other("请写明推荐函标题"),
            );
        }
    }
}

/// The blanks of a recommendation letter that shenbao fills.
pub const LETTER_BLANKS: [&str; 4] = ["unit", "to", "count", "call"];

/// Checks a level's quota: numbers of at least one, each unit once, and units apart from the
/// levels above only where there is a level above.
fn check_quota(c: &mut Checker<'_>, i: usize, q: &crate::call::definition::Quota, last: bool) {
    let path = format!("review_level[{i}].quota");
    let positive = |c: &mut Checker<'_>, path: String, n: Option<u32>| {
        if n == Some(0) {
            c.err(path, msg::other("推荐名额至少为1"));
        }
    };
    positive(c, format!("{path}.per_direction"), q.per_direction);
    positive(c, format!("{path}.per_unit"), q.per_unit);
    let mut seen = HashSet::new();
    for (j, u) in q.units.iter().enumerate() {
        let p = format!("{path}.unit[{j}]");
        if u.unit.trim().is_empty() {
            c.err(
                format!("{p}.unit"),
                msg::other("请写明单位（区划代码或部门名称）"),
            );
        } else if !seen.insert(u.unit.as_str()) {
            c.err(format!("{p}.unit"), msg::duplicate("单位", &u.unit));
        }
        positive(c, format!("{p}.per_direction"), u.per_direction);
        positive(c, format!("{p}.per_unit"), u.per_unit);
        if !u.counted_above && last {
            c.err(
                format!("{p}.counted_above"),
                msg::other("最后一个评审层级之上没有层级，counted_above = false 无处生效"),
            );
        }
    }
}

/// Checks the divisions the call leaves out (known, inside the area) and its units that are
/// not divisions' bureaus: a name each, once; a `county` or `city` level; known regions
/// inside the area.
pub(super) fn check_units(c: &mut Checker<'_>, def: &CallDef) {
    let known = |code: &str| crate::region::lookup(code).is_some();
    let inside = |code: &str| {
        def.area
            .as_deref()
            .is_none_or(|area| crate::region::is_within(code, area))
    };
    for (i, x) in def.area_excludes.iter().enumerate() {
        let path = format!("area_excludes[{i}]");
        if !known(x) {
            c.err(path, msg::unknown_ref("行政区划", x));
        } else if !inside(x) || def.area.as_deref() == Some(x.as_str()) {
            c.err(
                path,
                msg::other("排除的地区应在 area 之内（而不是 area 本身）"),
            );
        }
    }
    let mut names = HashSet::new();
    for (i, u) in def.units.iter().enumerate() {
        let path = format!("unit[{i}]");
        if u.name.trim().is_empty() {
            c.err(format!("{path}.name"), msg::other("请写明单位名称"));
        } else if !names.insert(u.name.as_str()) {
            c.err(format!("{path}.name"), msg::duplicate("单位", &u.name));
        }
        match def.review_levels.iter().find(|l| l.id == u.level) {
            None => c.err(
                format!("{path}.level"),
                msg::unknown_ref("评审层级", &u.level),
            ),
            Some(l) if !matches!(l.scope, LevelScope::County | LevelScope::City) => c.err(
                format!("{path}.level"),
                msg::other("开发区等单位只能在 scope 为 county 或 city 的层级审核推荐"),
            ),
            Some(_) => {}
        }
        for (j, r) in u.regions.iter().enumerate() {
            let p = format!("{path}.regions[{j}]");
            if !known(r) {
                c.err(p, msg::unknown_ref("行政区划", r));
            } else if !inside(r) {
                c.err(p, msg::other("该地区不在本通知的 area 之内"));
            }
        }
    }
}

/// Checks that the dates of each direction's way keep the notice's order: the applicants'
/// deadline is not after its first level's, and no level's deadline is before an earlier
/// level's (a level cannot be due to forward before what it forwards is due to reach it).
pub(super) fn check_timeline(c: &mut Checker<'_>, def: &CallDef) {
    let date = |d: Option<&str>| d.and_then(crate::ident::parse_date);
    let mut reported = HashSet::new();
    for d in &def.directions {
        let mut before = date(def.deadlines.applicant.as_deref())
            .map(|day| ("deadlines.applicant".to_string(), day));
        for (i, l) in def.review_levels.iter().enumerate() {
            if !applies(&l.directions, &d.id) {
                continue;
            }
            let Some(day) = date(l.deadline.as_deref()) else {
                continue;
            };
            let path = format!("review_level[{i}].deadline");
            if let Some((earlier, earlier_day)) = &before
                && day < *earlier_day
                && reported.insert(path.clone())
            {
                c.err(
                    path.clone(),
                    msg::timeline_order(
                        &l.name,
                        &day.to_string(),
                        earlier,
                        &earlier_day.to_string(),
                    ),
                );
            }
            before = Some((path, day));
        }
    }
}

/// Checks that every direction routed to a sector department has a sector review level.
pub(super) fn check_routing(c: &mut Checker<'_>, def: &CallDef) {
    for (i, d) in def.directions.iter().enumerate() {
        if d.routing == Routing::Sector
            && !def
                .review_levels
                .iter()
                .any(|l| l.scope == LevelScope::Sector && applies(&l.directions, &d.id))
        {
            c.err(
                format!("direction[{i}].routing"),
                msg::other("按行业主管部门报送的方向需要一个 scope = \"sector\" 的评审层级"),
            );
        }
    }
}

/// Checks the contacts' directions.
pub(super) fn check_contacts(c: &mut Checker<'_>, def: &CallDef, directions: &HashSet<&str>) {
    for (i, ct) in def.contacts.iter().enumerate() {
        c.directions(
            &format!("contact[{i}].directions"),
            &ct.directions,
            directions,
        );
    }
}
