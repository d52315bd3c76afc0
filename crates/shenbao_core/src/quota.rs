//! Recommendation quotas (推荐名额): how many applications a unit at a review level may
//! recommend upward, per direction and over the whole call, and which units' recommendations
//! are not counted in the quotas above them (单列, 不占全省指标).
//!
//! Pure functions over the counts the store gives; the store counts and serialises, the use
//! cases refuse.
//!
//! Must not: count applications or read the database.

use crate::call::Call;
use crate::call::definition::{Quota, ReviewLevel};
use crate::messages::quota as msg;

/// The quota of one unit at one level: the level's numbers, or the unit's own where it has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitQuota<'c> {
    /// Most recommendations in one direction.
    pub per_direction: Option<u32>,
    /// Most recommendations over all directions.
    pub per_unit: Option<u32>,
    /// Where the quota comes from in the notice.
    pub source: Option<&'c str>,
}

/// What a unit has recommended: in the direction at hand, and over all directions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Used {
    /// In the direction.
    pub direction: i64,
    /// Over all directions.
    pub all: i64,
}

/// A quota that one more recommendation (or the list being forwarded) would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// The direction's quota: its maximum and what is recommended.
    PerDirection {
        /// The quota.
        max: u32,
        /// Recommended so far.
        used: i64,
    },
    /// The unit's quota over all directions.
    PerUnit {
        /// The quota.
        max: u32,
        /// Recommended so far.
        used: i64,
    },
}

/// The quota of `unit` at `level`, if the level has one.
pub fn of<'c>(level: &'c ReviewLevel, unit: &str) -> Option<UnitQuota<'c>> {
    let q: &Quota = level.quota.as_ref()?;
    let own = q.units.iter().find(|u| u.unit == unit);
    let quota = UnitQuota {
        per_direction: own.and_then(|u| u.per_direction).or(q.per_direction),
        per_unit: own.and_then(|u| u.per_unit).or(q.per_unit),
        source: q.source.as_deref(),
    };
    (quota.per_direction.is_some() || quota.per_unit.is_some()).then_some(quota)
}

/// The (level, unit) pairs whose recommendations are not counted in the quotas of the levels
/// above them (`counted_above = false`).
pub fn apart(call: &Call) -> Vec<(String, String)> {
    call.def()
        .review_levels
        .iter()
        .flat_map(|l| {
            l.quota
                .iter()
                .flat_map(|q| q.units.iter())
                .filter(|u| !u.counted_above)
                .map(|u| (l.id.clone(), u.unit.clone()))
        })
        .collect()
}

impl UnitQuota<'_> {
    /// Whether one more recommendation fits beside `used`.
    pub fn room(&self, used: Used) -> Result<(), Breach> {
        if let Some(max) = self.per_direction
            && used.direction >= i64::from(max)
        {
            return Err(Breach::PerDirection {
                max,
                used: used.direction,
            });
        }
        if let Some(max) = self.per_unit
            && used.all >= i64::from(max)
        {
            return Err(Breach::PerUnit {
                max,
                used: used.all,
            });
        }
        Ok(())
    }

    /// Whether what is recommended (`used`) is within the quota, as forwarding requires: it is
    /// over only when a quota was lowered after the recommendations (a new call version).
    pub fn within(&self, used: Used) -> Result<(), Breach> {
        if let Some(max) = self.per_direction
            && used.direction > i64::from(max)
        {
            return Err(Breach::PerDirection {
                max,
                used: used.direction,
            });
        }
        if let Some(max) = self.per_unit
            && used.all > i64::from(max)
        {
            return Err(Breach::PerUnit {
                max,
                used: used.all,
            });
        }
        Ok(())
    }

    /// How many more the unit may recommend in the direction: the smaller of what is left of
    /// each quota. `None` when neither applies.
    pub fn left(&self, used: Used) -> Option<i64> {
        let d = self
            .per_direction
            .map(|max| i64::from(max) - used.direction);
        let a = self.per_unit.map(|max| i64::from(max) - used.all);
        match (d, a) {
            (Some(d), Some(a)) => Some(d.min(a).max(0)),
            (x, y) => x.or(y).map(|n| n.max(0)),
        }
    }
}

/// The refusal of a recommendation or a forward that breaks `breach`, naming the unit, the
/// direction, the quota, what is recommended and where the quota comes from.
pub fn message(breach: Breach, unit: &str, direction: &str, source: Option<&str>) -> String {
    match breach {
        Breach::PerDirection { max, used } => {
            msg::per_direction(unit, direction, max, used, source)
        }
        Breach::PerUnit { max, used } => msg::per_unit(unit, max, used, source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::definition::{LevelScope, UnitQuota as UnitDef};

    fn level(quota: Quota) -> ReviewLevel {
        ReviewLevel {
            id: "city".into(),
            name: "各市工业和信息化局".into(),
            office: None,
            scope: LevelScope::City,
            directions: Vec::new(),
            deadline: None,
            ranks: true,
            ranks_source: None,
            opinion: None,
            instructions: None,
            quota: Some(quota),
            sending: None,
        }
    }

    fn used(direction: i64, all: i64) -> Used {
        Used { direction, all }
    }

    #[test]
    fn the_last_place_is_taken_and_the_next_refused() {
        let l = level(Quota {
            per_direction: Some(15),
            per_unit: Some(20),
            source: Some("三、（二）".into()),
            units: Vec::new(),
        });
        let q = of(&l, "350500").unwrap();
        assert_eq!(q.room(used(14, 14)), Ok(()));
        assert_eq!(
            q.room(used(15, 15)),
            Err(Breach::PerDirection { max: 15, used: 15 })
        );
        assert_eq!(
            q.room(used(3, 20)),
            Err(Breach::PerUnit { max: 20, used: 20 })
        );
        assert_eq!(q.left(used(12, 19)), Some(1));
        assert_eq!(q.left(used(12, 12)), Some(3));
        assert_eq!(q.within(used(15, 20)), Ok(()));
        assert!(q.within(used(16, 16)).is_err());
        let text = message(
            Breach::PerDirection { max: 15, used: 15 },
            "泉州市",
            "算力服务",
            q.source,
        );
        assert!(text.contains("15") && text.contains("泉州市") && text.contains("算力服务"));
        assert!(text.contains("三、（二）"), "{text}");
    }

    #[test]
    fn a_unit_with_its_own_numbers_and_apart_from_the_levels_above() {
        let l = level(Quota {
            per_direction: Some(15),
            per_unit: None,
            source: None,
            units: vec![UnitDef {
                unit: "370100".into(),
                per_direction: Some(3),
                per_unit: None,
                counted_above: false,
            }],
        });
        assert_eq!(of(&l, "370100").unwrap().per_direction, Some(3));
        assert_eq!(of(&l, "370200").unwrap().per_direction, Some(15));
        let none = level(Quota::default());
        assert!(of(&none, "370100").is_none());
    }
}
