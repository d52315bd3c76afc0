//! Where an application goes on its way through a call's review levels, and which levels and
//! units a reviewer acts for.
//!
//! A *unit* is the reviewing body at a level, as a string: the six-digit division code of a
//! county or city bureau, the name of a sector department (市直有关单位), or [`OWNER`] for the
//! call owner at the provincial level. The levels an application passes through are the call's
//! levels that apply to its direction, in order ([`Call::levels_for`]).

use crate::call::Call;
use crate::call::definition::{LevelScope, ReviewLevel, Routing, UnitDef};
use crate::workflow::Role;

/// The unit of the call owner (the issuing department).
pub const OWNER: &str = "*";

/// Why an application cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The call defines no review level for the direction.
    NoLevel,
    /// The direction goes to a sector department and none was chosen.
    SectorMissing,
}

/// Whether an account of `role` limited to `scope_region` (an owner of one region, or none)
/// runs `call`: an administrator and an owner without a region run every call, a regional
/// owner the calls whose area lies within its region.
pub fn owns_call(role: Role, scope_region: Option<&str>, call: &Call) -> bool {
    match (role, scope_region) {
        (Role::Admin, _) | (_, None) => true,
        (_, Some(region)) => call
            .def()
            .area
            .as_deref()
            .is_some_and(|area| crate::region::is_within(area, region)),
    }
}

/// The province of a division code: its first two digits and `0000`.
pub fn province_of(region: &str) -> String {
    let prefix: String = region.chars().take(2).collect();
    format!("{prefix}0000")
}

/// Whether `region` is a county-level city directly under its province (省直辖县级行政区划:
/// 仙桃 429004, 济源 419001, 五指山 469001): GB/T 2260 gives them the pseudo-city `xx90`.
pub fn directly_under_province(region: &str) -> bool {
    region.len() == 6 && region.get(2..4) == Some("90") && !region.ends_with("00")
}

/// The city of a division code: its first four digits and `00`; a county-level city directly
/// under its province is its own city (各市州、直管市 review at one level).
pub fn city_of(region: &str) -> String {
    if directly_under_province(region) {
        return region.to_string();
    }
    let prefix: String = region.chars().take(4).collect();
    format!("{prefix}00")
}

/// A unit's name as pages and letters print it: a sector department or zone bureau by its
/// name, the owner by its level's name, a division's bureau by the level's `office` pattern
/// (鲤城区工信局) or else the division's full name (福建省泉州市丰泽区), or the code when
/// unknown.
pub fn unit_name(level: &ReviewLevel, unit: &str) -> String {
    match level.scope {
        LevelScope::Sector => unit.to_string(),
        LevelScope::Province => level.name.clone(),
        _ => match (&level.office, crate::region::lookup(unit)) {
            (Some(pattern), Some(d)) => pattern.replace(OFFICE_NAME, d.name),
            _ => crate::region::full_name(unit).unwrap_or_else(|| unit.to_string()),
        },
    }
}

/// The blank of a level's `office` pattern that takes the division's own name.
pub const OFFICE_NAME: &str = "{name}";

/// The units of the call that are not divisions' bureaus (development and pilot zones) that
/// an applicant of `region` may choose for `direction`: those reviewing at the direction's
/// first level, for every region or for one the applicant's lies within.
pub fn zone_choices<'c>(call: &'c Call, direction: &str, region: &str) -> Vec<&'c UnitDef> {
    let Some(first) = call.levels_for(direction).next() else {
        return Vec::new();
    };
    if routed_by_sector(call, direction) {
        return Vec::new();
    }
    call.def()
        .units
        .iter()
        .filter(|u| u.level == first.id)
        .filter(|u| {
            u.regions.is_empty()
                || u.regions
                    .iter()
                    .any(|r| crate::region::is_within(region, r))
        })
        .collect()
}

/// The unit of `level` that is responsible for an applicant registered in `region` that chose
/// the sector department `sector` (directions routed by sector).
pub fn unit_at(level: &ReviewLevel, region: &str, sector: Option<&str>) -> Option<String> {
    match level.scope {
        // A city without counties (东莞, 中山) registers its applicants at the city code:
        // the county level is then the city's own bureau.
        LevelScope::County => Some(region.to_string()),
        LevelScope::City => Some(city_of(region)),
        LevelScope::Provincial => Some(province_of(region)),
        LevelScope::Sector => sector.map(str::to_string),
        LevelScope::Province => Some(OWNER.to_string()),
    }
}

/// Whether the applicant chooses a sector department for `direction`.
pub fn routed_by_sector(call: &Call, direction: &str) -> bool {
    call.direction(direction)
        .is_some_and(|d| d.routing == Routing::Sector)
}

/// The first level and unit of an application of `direction` from `region`.
pub fn first_stop<'c>(
    call: &'c Call,
    direction: &str,
    region: &str,
    sector: Option<&str>,
) -> Result<(&'c ReviewLevel, String), RouteError> {
    let mut levels = call.levels_for(direction).peekable();
    let mut level = levels.next().ok_or(RouteError::NoLevel)?;
    // A county-level city directly under its province has no county bureau above it: its
    // applicants start at the city level when there is one.
    if directly_under_province(region)
        && level.scope == LevelScope::County
        && let Some(next) = levels.peek().filter(|l| l.scope == LevelScope::City)
    {
        level = next;
    }
    let unit = unit_at(level, region, sector).ok_or(RouteError::SectorMissing)?;
    Ok((level, unit))
}

/// The level after `level` for `direction`, if any.
pub fn next_level<'c>(call: &'c Call, direction: &str, level: &str) -> Option<&'c ReviewLevel> {
    let mut levels = call.levels_for(direction);
    levels.find(|l| l.id == level)?;
    levels.next()
}

/// The level before `level` for `direction`, if any (a city reading its counties' rankings).
pub fn previous_level<'c>(call: &'c Call, direction: &str, level: &str) -> Option<&'c ReviewLevel> {
    let mut previous = None;
    for l in call.levels_for(direction) {
        if l.id == level {
            return previous;
        }
        previous = Some(l);
    }
    None
}

/// The levels of `call` at which a bureau account with `scope_region` / `scope_sector` reviews,
/// with its unit there: a sector account at the sector levels, a county account (a code not
/// ending in `00`) at the county levels, a city account (ending in `00`, not `0000`) at the city
/// levels, a province-wide account (ending in `0000`) at the `provincial` levels of a national
/// call. The issuer's own level (`province`) belongs to the call owner. A bureau whose region lies outside the call's area reviews nowhere either.
pub fn bureau_levels<'c>(
    call: &'c Call,
    scope_region: Option<&str>,
    scope_sector: Option<&str>,
) -> Vec<(&'c ReviewLevel, String)> {
    if scope_region.is_some_and(|r| !call.covers(r)) {
        return Vec::new();
    }
    // A zone's bureau (its name as the account's sector) reviews at the zone's level.
    if let Some(zone) =
        scope_sector.and_then(|name| call.def().units.iter().find(|u| u.name == name))
    {
        return call
            .def()
            .review_levels
            .iter()
            .filter(|l| l.id == zone.level)
            .map(|l| (l, zone.name.clone()))
            .collect();
    }
    // A county-level city directly under its province reviews where the cities do (各市州、
    // 直管市), or at the county level of a call without a city level.
    if scope_sector.is_none()
        && let Some(r) = scope_region.filter(|r| directly_under_province(r))
    {
        let levels = &call.def().review_levels;
        let scope = if levels.iter().any(|l| l.scope == LevelScope::City) {
            LevelScope::City
        } else {
            LevelScope::County
        };
        return levels
            .iter()
            .filter(|l| l.scope == scope)
            .map(|l| (l, r.to_string()))
            .collect();
    }
    let (scope, unit) = match (scope_sector, scope_region) {
        (Some(sector), _) => (LevelScope::Sector, sector.to_string()),
        (None, Some(r)) if r.len() == 6 && r.ends_with("0000") => {
            (LevelScope::Provincial, r.to_string())
        }
        (None, Some(r)) if r.len() == 6 && r.ends_with("00") => (LevelScope::City, r.to_string()),
        (None, Some(r)) if r.len() == 6 => (LevelScope::County, r.to_string()),
        _ => return Vec::new(),
    };
    call.def()
        .review_levels
        .iter()
        .filter(|l| l.scope == scope)
        .map(|l| (l, unit.clone()))
        .collect()
}

/// The level of the call owner (scope `province`), if the call has one.
pub fn owner_level(call: &Call) -> Option<&ReviewLevel> {
    call.def()
        .review_levels
        .iter()
        .find(|l| l.scope == LevelScope::Province)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::builtin;

    fn seed(id: &str) -> &'static Call {
        builtin::get(id).expect("seed").expect("compiles")
    }

    #[test]
    fn quanzhou_counties_then_city_then_province() {
        let call = seed("qz-2024-ai-industry");
        let (level, unit) = first_stop(call, "compute_service", "350503", None).unwrap();
        assert_eq!((level.id.as_str(), unit.as_str()), ("county", "350503"));
        let next = next_level(call, "compute_service", "county").unwrap();
        assert_eq!(next.id, "city");
        assert_eq!(unit_at(next, "350503", None).as_deref(), Some("350500"));
        let last = next_level(call, "compute_service", "city").unwrap();
        assert_eq!(last.id, "province");
        assert_eq!(unit_at(last, "350503", None).as_deref(), Some(OWNER));
        assert!(next_level(call, "compute_service", "province").is_none());
        assert_eq!(
            previous_level(call, "compute_service", "city").map(|l| l.id.as_str()),
            Some("county")
        );
    }

    #[test]
    fn quanzhou_scenarios_go_to_the_chosen_sector() {
        let call = seed("qz-2024-ai-industry");
        assert!(routed_by_sector(call, "typical_scenario"));
        assert!(!routed_by_sector(call, "compute_service"));
        assert_eq!(
            first_stop(call, "typical_scenario", "350503", None).err(),
            Some(RouteError::SectorMissing)
        );
        let (level, unit) =
            first_stop(call, "typical_scenario", "350503", Some("泉州市交通运输局")).unwrap();
        assert_eq!(
            (level.id.as_str(), unit.as_str()),
            ("sector", "泉州市交通运输局")
        );
        assert_eq!(
            next_level(call, "typical_scenario", "sector").map(|l| l.id.as_str()),
            Some("city")
        );
    }

    #[test]
    fn single_city_level_calls_start_at_the_city() {
        for id in [
            "sd-2024-llm-cases",
            "sd-2024-llm-survey",
            "gd-2023-ai-scenarios",
            "hn-2025-ai",
        ] {
            let call = seed(id);
            let direction = &call.def().directions[0].id;
            let (level, unit) = first_stop(call, direction, "370102", None).unwrap();
            assert_eq!(level.id, "city", "{id}");
            assert_eq!(unit, "370100", "{id}");
            assert_eq!(owner_level(call).map(|l| l.id.as_str()), Some("province"));
        }
    }

    #[test]
    fn county_level_cities_under_the_province_review_with_the_cities() {
        // 仙桃 (429004) in a province call with city bureaus: its own city.
        assert!(directly_under_province("429004") && !directly_under_province("429000"));
        assert_eq!(city_of("429004"), "429004");
        assert_eq!(city_of("420102"), "420100");
        let hn = seed("hn-2025-ai");
        let direction = &hn.def().directions[0].id;
        let (level, unit) = first_stop(hn, direction, "429004", None).unwrap();
        assert_eq!((level.id.as_str(), unit.as_str()), ("city", "429004"));
        let ids = |v: Vec<(&ReviewLevel, String)>| -> Vec<(String, String)> {
            v.into_iter().map(|(l, u)| (l.id.clone(), u)).collect()
        };
        // A call with county and city levels (泉州's, opened to every region): 仙桃 starts at,
        // and reviews at, the city level.
        let source = builtin::SOURCES
            .iter()
            .find(|s| s.0 == "qz-2024-ai-industry")
            .unwrap()
            .2
            .replacen("area = \"350500\"", "", 1);
        let open = crate::call::load_str("qz.toml", &source).expect("compiles");
        let (level, _) = first_stop(&open, "compute_service", "429004", None).unwrap();
        assert_eq!(level.id, "city");
        assert_eq!(
            ids(bureau_levels(&open, Some("429004"), None)),
            vec![("city".into(), "429004".into())]
        );
    }

    #[test]
    fn bureau_accounts_map_to_their_levels() {
        let qz = seed("qz-2024-ai-industry");
        let ids = |v: Vec<(&ReviewLevel, String)>| -> Vec<(String, String)> {
            v.into_iter().map(|(l, u)| (l.id.clone(), u)).collect()
        };
        assert_eq!(
            ids(bureau_levels(qz, Some("350503"), None)),
            vec![("county".into(), "350503".into())]
        );
        assert_eq!(
            ids(bureau_levels(qz, Some("350500"), None)),
            vec![("city".into(), "350500".into())]
        );
        assert_eq!(
            ids(bureau_levels(qz, Some("350500"), Some("泉州市交通运输局"))),
            vec![("sector".into(), "泉州市交通运输局".into())]
        );
        assert!(bureau_levels(qz, Some("350000"), None).is_empty());
        let sd = seed("sd-2024-llm-cases");
        // Shandong's call has no county level: a county bureau does not review it.
        assert!(bureau_levels(sd, Some("370102"), None).is_empty());
        // Bureaus outside a call's area review none of it: 济南 has no part in 泉州's call,
        // 厦门 neither, and 泉州 none in 山东's.
        assert!(bureau_levels(qz, Some("370100"), None).is_empty());
        assert!(bureau_levels(qz, Some("350203"), None).is_empty());
        assert!(bureau_levels(sd, Some("350500"), None).is_empty());
        assert!(qz.covers("350503") && !qz.covers("350203") && !qz.covers("370102"));
    }
}
