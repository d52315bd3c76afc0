//! The compiled call ([`Call`]) and what the rest of the engine asks it: the form of a
//! direction, its file slots and limits, its compiled rules and expressions, its deadlines.
//!
//! Must not: check the definition (the rest of [`super`] does, before a `Call` exists) or
//! change it once compiled.

use chrono::NaiveDate;
use std::collections::HashMap;

use super::applies;
use crate::call::definition::{CallDef, Direction, FieldDef, FileSlot, ReviewLevel, Rule, Section};
use crate::expr::Expr;

/// A compiled rule.
#[derive(Debug)]
pub struct CompiledRule {
    /// Index into the definition's rules.
    pub index: usize,
    /// The guard, if any.
    pub when: Option<Expr>,
    /// The condition that must hold.
    pub expr: Expr,
}

/// Size limits of a file slot in bytes.
#[derive(Debug, Clone, Copy)]
pub struct SlotLimits {
    /// Fewest files.
    pub min_count: u32,
    /// Most files.
    pub max_count: u32,
    /// Smallest file, bytes.
    pub min_size: u64,
    /// Largest file, bytes.
    pub max_size: u64,
}

/// A checked, ready-to-use call definition.
#[derive(Debug)]
pub struct Call {
    pub(super) def: CallDef,
    pub(super) field_index: HashMap<String, (usize, usize)>,
    pub(super) computed: HashMap<String, Expr>,
    pub(super) rules: Vec<CompiledRule>,
    pub(super) summary_columns: Vec<Vec<Expr>>,
    pub(super) cover: Vec<Option<Expr>>,
    pub(super) publication: Option<CompiledPublication>,
    /// The compiled `listed_as`.
    pub(super) listed_as: Option<Expr>,
    pub(super) slot_limits: Vec<SlotLimits>,
    /// The stated applicants' deadline (`[deadlines] applicant`), parsed when compiled.
    pub(super) applicant_deadline: Option<NaiveDate>,
    /// Each review level's deadline by level id, parsed when compiled.
    pub(super) level_deadlines: HashMap<String, NaiveDate>,
}

/// The compiled expressions of the `[publication]` block.
#[derive(Debug)]
pub struct CompiledPublication {
    /// The case, product or project name.
    pub title: Expr,
    /// The short introduction.
    pub introduction: Expr,
}

/// Which form an application fills in: a direction and, when it has them, a sub-direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// Direction id.
    pub direction: &'a str,
    /// Sub-direction id, if the direction has sub-directions.
    pub subdirection: Option<&'a str>,
}

impl Call {
    /// The definition as written.
    pub fn def(&self) -> &CallDef {
        &self.def
    }

    /// The call id.
    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// Whether `region` (a division code) lies within the call's area (every region does when
    /// the call has none) and outside every division it excludes (`area_excludes`).
    pub fn covers(&self, region: &str) -> bool {
        self.def
            .area
            .as_deref()
            .is_none_or(|area| crate::region::is_within(region, area))
            && !self
                .def
                .area_excludes
                .iter()
                .any(|x| crate::region::is_within(region, x))
    }

    /// A direction by id.
    pub fn direction(&self, id: &str) -> Option<&Direction> {
        self.def.directions.iter().find(|d| d.id == id)
    }

    /// A top-level field by id, with the section it is in.
    pub fn field(&self, id: &str) -> Option<(&Section, &FieldDef)> {
        let (s, f) = *self.field_index.get(id)?;
        let section = &self.def.sections[s];
        Some((section, &section.fields[f]))
    }

    /// The sections of the form for `target`, in order. A section limited to sub-directions
    /// applies to a scenario of one of them too.
    pub fn sections_for<'s>(&'s self, target: &Target<'_>) -> impl Iterator<Item = &'s Section> {
        let direction = target.direction.to_string();
        let chosen: Vec<String> = target
            .subdirection
            .and_then(|id| self.choice(target.direction, id))
            .map(|c| {
                let mut ids = vec![c.subdirection.id.clone()];
                ids.extend(c.scenario.map(|s| s.id.clone()));
                ids
            })
            .unwrap_or_default();
        self.def.sections.iter().filter(move |s| {
            applies(&s.directions, &direction)
                && (s.subdirections.is_empty()
                    || chosen.iter().any(|x| s.subdirections.contains(x)))
        })
    }

    /// What an application of `direction` picks below it: each sub-direction, or each of its
    /// scenarios where it has them (方向 → 子方向 → 场景). Empty for a direction without
    /// sub-directions.
    pub fn choices<'s>(&'s self, direction: &str) -> Vec<Choice<'s>> {
        let Some(d) = self.direction(direction) else {
            return Vec::new();
        };
        d.subdirections
            .iter()
            .flat_map(|sub| {
                let leaves: Vec<Choice<'s>> = if sub.scenarios.is_empty() {
                    vec![Choice {
                        subdirection: sub,
                        scenario: None,
                    }]
                } else {
                    sub.scenarios
                        .iter()
                        .map(|s| Choice {
                            subdirection: sub,
                            scenario: Some(s),
                        })
                        .collect()
                };
                leaves
            })
            .collect()
    }

    /// The choice `id` (a sub-direction without scenarios, or a scenario) of `direction`.
    pub fn choice<'s>(&'s self, direction: &str, id: &str) -> Option<Choice<'s>> {
        self.choices(direction).into_iter().find(|c| c.id() == id)
    }

    /// The file slots for a direction, with their limits.
    pub fn files_for<'s>(
        &'s self,
        direction: &str,
    ) -> impl Iterator<Item = (&'s FileSlot, SlotLimits)> {
        let direction = direction.to_string();
        self.def
            .files
            .iter()
            .zip(self.slot_limits.iter().copied())
            .filter(move |(f, _)| applies(&f.directions, &direction))
    }

    /// The compiled rules for a direction.
    pub fn rules_for<'s>(
        &'s self,
        direction: &str,
    ) -> impl Iterator<Item = (&'s Rule, &'s CompiledRule)> {
        let direction = direction.to_string();
        self.rules
            .iter()
            .map(|c| (&self.def.rules[c.index], c))
            .filter(move |(r, _)| applies(&r.directions, &direction))
    }

    /// The expression of a computed field.
    pub fn computed_expr(&self, field_id: &str) -> Option<&Expr> {
        self.computed.get(field_id)
    }

    /// The compiled column expressions of summary table `index`.
    pub fn summary_columns(&self, index: usize) -> &[Expr] {
        self.summary_columns
            .get(index)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The compiled `value` of cover line `index`, if it has one.
    pub fn cover_expr(&self, index: usize) -> Option<&Expr> {
        self.cover.get(index).and_then(Option::as_ref)
    }

    /// The compiled `[publication]` block, if the call has one.
    pub fn publication(&self) -> Option<&CompiledPublication> {
        self.publication.as_ref()
    }

    /// The expression giving the name an application is listed under: `listed_as`, else the
    /// publication's title.
    pub fn listed_as(&self) -> Option<&Expr> {
        self.listed_as
            .as_ref()
            .or(self.publication.as_ref().map(|p| &p.title))
    }

    /// The applicants' deadline as the call states it (`[deadlines] applicant`), if it does.
    /// A date that ends at the end of its day in Beijing ([`crate::time::end_of_day`]).
    pub fn stated_applicant_deadline(&self) -> Option<NaiveDate> {
        self.applicant_deadline
    }

    /// The applicants' deadline of `direction` when their receiving unit sets none: the stated
    /// one, else the deadline of the direction's first review level (the notices' 未另行规定的，
    /// 以…报送截止日期为准).
    pub fn applicant_deadline_for(&self, direction: &str) -> Option<NaiveDate> {
        self.applicant_deadline.or_else(|| {
            let first = self.levels_for(direction).next()?;
            self.level_deadline(&first.id)
        })
    }

    /// The last day any applicant of the call may submit when no unit sets an earlier one: the
    /// stated deadline, else the latest of the directions' first levels' deadlines; `None` when
    /// some direction has no date at all (that direction never closes).
    pub fn applicant_deadline(&self) -> Option<NaiveDate> {
        let mut last = None;
        for d in &self.def.directions {
            let day = self.applicant_deadline_for(&d.id)?;
            last = last.max(Some(day));
        }
        last
    }

    /// Every date the call states (applicants' and levels' deadlines), for shifting a call in
    /// time as a whole.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.applicant_deadline
            .into_iter()
            .chain(self.level_deadlines.values().copied())
    }

    /// The deadline of review level `level` (its id), if it has one.
    pub fn level_deadline(&self, level: &str) -> Option<NaiveDate> {
        self.level_deadlines.get(level).copied()
    }

    /// The review levels an application of `direction` passes through, in order.
    pub fn levels_for<'s>(&'s self, direction: &str) -> impl Iterator<Item = &'s ReviewLevel> {
        let direction = direction.to_string();
        self.def
            .review_levels
            .iter()
            .filter(move |l| applies(&l.directions, &direction))
    }
}

/// What an application picks below its direction: a sub-direction, or a scenario of one.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'c> {
    /// The sub-direction.
    pub subdirection: &'c crate::call::definition::Subdirection,
    /// The scenario under it, for a three-level catalogue.
    pub scenario: Option<&'c crate::call::definition::Scenario>,
}

impl Choice<'_> {
    /// The id stored with the application: the scenario's, else the sub-direction's.
    pub fn id(&self) -> &str {
        self.scenario
            .map_or(self.subdirection.id.as_str(), |s| s.id.as_str())
    }

    /// The name as printed: 子方向 · 场景, or the sub-direction's.
    pub fn name(&self) -> String {
        match self.scenario {
            Some(s) => format!("{} · {}", self.subdirection.name, s.name),
            None => self.subdirection.name.clone(),
        }
    }
}
