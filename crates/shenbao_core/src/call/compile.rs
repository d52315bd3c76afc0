//! Compiling a parsed definition into a [`Call`]: every cross-reference, kind-specific
//! attribute, date, size and expression is checked here, and all problems are reported at
//! once with their paths. A `Call` that exists is consistent; the form engine relies on it.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::definition::*;
use super::load::{DefinitionError, DefinitionProblem, line_col, locate};
use crate::expr::Expr;
use crate::ident;
use crate::messages::definition as msg;

/// Variables a rule may read.
pub const RULE_VARS: &[&str] = &["answers", "profile", "call", "direction", "subdirection"];
/// Variables a computed field may read.
pub const COMPUTED_VARS: &[&str] = &["answers"];
/// Variables a cover line may read.
pub const COVER_VARS: &[&str] = &["answers", "profile"];
/// Variables the publication block may read.
pub const PUBLICATION_VARS: &[&str] = &["answers", "profile"];
/// Variables a summary-table column may read.
pub const SUMMARY_VARS: &[&str] = &["answers", "profile", "call", "row"];

/// File types the upload checker can recognise by content.
pub const FILE_TYPES: &[&str] = &[
    "pdf", "jpg", "png", "doc", "docx", "xls", "xlsx", "mp4", "zip", "ofd",
];

/// Default largest file when a slot gives none.
pub const DEFAULT_MAX_SIZE: u64 = 50 * MB;
/// Default most files per slot.
pub const DEFAULT_MAX_COUNT: u32 = 20;
const MB: u64 = 1024 * 1024;

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
    def: CallDef,
    field_index: HashMap<String, (usize, usize)>,
    computed: HashMap<String, Expr>,
    rules: Vec<CompiledRule>,
    summary_columns: Vec<Vec<Expr>>,
    cover: Vec<Option<Expr>>,
    publication: Option<CompiledPublication>,
    slot_limits: Vec<SlotLimits>,
    /// The applicants' deadline, parsed when compiled (see [`Call::applicant_deadline`]).
    applicant_deadline: Option<NaiveDate>,
    /// Each review level's deadline by level id, parsed when compiled.
    level_deadlines: HashMap<String, NaiveDate>,
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

    /// Whether `region` (a division code) lies within the call's area; every region does when
    /// the call has none.
    pub fn covers(&self, region: &str) -> bool {
        self.def
            .area
            .as_deref()
            .is_none_or(|area| crate::region::is_within(region, area))
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

    /// The sections of the form for `target`, in order.
    pub fn sections_for<'s>(&'s self, target: &Target<'_>) -> impl Iterator<Item = &'s Section> {
        let direction = target.direction.to_string();
        let sub = target.subdirection.map(str::to_string);
        self.def.sections.iter().filter(move |s| {
            applies(&s.directions, &direction)
                && (s.subdirections.is_empty()
                    || sub.as_ref().is_some_and(|x| s.subdirections.contains(x)))
        })
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

    /// The applicants' deadline: the stated one, else the first review level's. A date that
    /// ends at the end of its day in Beijing ([`crate::time::end_of_day`]).
    pub fn applicant_deadline(&self) -> Option<NaiveDate> {
        self.applicant_deadline
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

/// True when a `directions` filter (empty = all) includes `direction`.
pub fn applies(filter: &[String], direction: &str) -> bool {
    filter.is_empty() || filter.iter().any(|d| d == direction)
}

/// Parses a size such as `2MB`, `500KB`, `1GB` or a plain byte count.
pub fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_uppercase().replace(' ', "");
    let (num, mult) = if let Some(n) = t.strip_suffix("GB").or_else(|| t.strip_suffix('G')) {
        (n, 1024 * MB)
    } else if let Some(n) = t.strip_suffix("MB").or_else(|| t.strip_suffix('M')) {
        (n, MB)
    } else if let Some(n) = t.strip_suffix("KB").or_else(|| t.strip_suffix('K')) {
        (n, 1024)
    } else if let Some(n) = t.strip_suffix('B') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * mult as f64).round() as u64)
}

fn is_choice(k: Option<FieldKind>) -> bool {
    matches!(k, Some(FieldKind::SingleChoice | FieldKind::MultiChoice))
}

fn kind_name(k: FieldKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

struct Checker<'a> {
    src: &'a str,
    problems: Vec<(String, String)>,
}

impl Checker<'_> {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push((path.into(), message.into()));
    }

    fn id(&mut self, path: &str, id: &str) {
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
    fn unique_id<'d>(&mut self, seen: &mut HashSet<&'d str>, path: &str, kind: &str, id: &'d str) {
        self.id(path, id);
        if !seen.insert(id) {
            self.err(path, msg::duplicate(kind, id));
        }
    }

    fn date(&mut self, path: &str, value: Option<&str>) {
        if let Some(v) = value
            && (v.len() != 10 || ident::parse_date(v).is_none())
        {
            self.err(path, msg::bad_date(v));
        }
    }

    fn directions(&mut self, path: &str, list: &[String], known: &HashSet<&str>) {
        for (i, d) in list.iter().enumerate() {
            if !known.contains(d.as_str()) {
                self.err(format!("{path}[{i}]"), msg::unknown_ref("方向", d));
            }
        }
    }

    fn expr(
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
                self.err(path, msg::bad_expr(&e.to_string()));
                None
            }
        }
    }

    fn into_error(self, file: &str) -> DefinitionError {
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

/// Checks a parsed definition and compiles it. `src` is the file text, used to give every
/// problem a line and column.
pub fn compile(file: &str, src: &str, def: CallDef) -> Result<Call, DefinitionError> {
    let mut c = Checker {
        src,
        problems: Vec::new(),
    };
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

    // Directions.
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
        }
    }
    let all_subs: HashSet<&str> = def
        .directions
        .iter()
        .flat_map(|d| d.subdirections.iter().map(|s| s.id.as_str()))
        .collect();

    // Review levels.
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
            &directions,
        );
        c.date(
            &format!("review_level[{i}].deadline"),
            l.deadline.as_deref(),
        );
    }
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
    for (i, ct) in def.contacts.iter().enumerate() {
        c.directions(
            &format!("contact[{i}].directions"),
            &ct.directions,
            &directions,
        );
    }

    // Sections and fields: first collect ids, then check each field.
    let mut field_index = HashMap::new();
    let mut all_ids: HashSet<String> = HashSet::new();
    let mut section_ids = HashSet::new();
    for (si, s) in def.sections.iter().enumerate() {
        c.unique_id(
            &mut section_ids,
            &format!("section[{si}].id"),
            "章节",
            &s.id,
        );
        c.directions(
            &format!("section[{si}].directions"),
            &s.directions,
            &directions,
        );
        for (k, sub) in s.subdirections.iter().enumerate() {
            if !all_subs.contains(sub.as_str()) {
                c.err(
                    format!("section[{si}].subdirections[{k}]"),
                    msg::unknown_ref("子方向", sub),
                );
            }
        }
        for (fi, f) in s.fields.iter().enumerate() {
            let path = format!("section[{si}].field[{fi}].id");
            c.id(&path, &f.id);
            if !all_ids.insert(f.id.clone()) {
                c.err(path.clone(), msg::duplicate("字段", &f.id));
            }
            if f.other.is_some() && !all_ids.insert(format!("{}_other", f.id)) {
                c.err(path, msg::duplicate("字段", &format!("{}_other", f.id)));
            }
            field_index.insert(f.id.clone(), (si, fi));
        }
    }
    for d in &def.directions {
        let has_section = def.sections.iter().any(|s| applies(&s.directions, &d.id));
        if !has_section {
            c.err(
                "direction",
                msg::other(&format!("方向 `{}` 没有任何章节", d.id)),
            );
        }
    }
    let answer_ids: HashSet<String> = all_ids.clone();
    let mut computed = HashMap::new();
    for (si, s) in def.sections.iter().enumerate() {
        for (fi, f) in s.fields.iter().enumerate() {
            let path = format!("section[{si}].field[{fi}]");
            check_field(&mut c, &path, f, true, &def, &field_index, None);
            if f.kind == Some(FieldKind::Computed)
                && let Some(src) = &f.expr
                && let Some(e) = c.expr(&format!("{path}.expr"), src, COMPUTED_VARS, &answer_ids)
            {
                computed.insert(f.id.clone(), e);
            }
        }
    }

    // Cover lines.
    let mut cover = Vec::new();
    for (i, line) in def.cover.iter().enumerate() {
        if let Some(f) = &line.field
            && !field_index.contains_key(f)
        {
            c.err(format!("cover[{i}].field"), msg::unknown_ref("字段", f));
        }
        if line.field.is_some() && line.value.is_some() {
            c.err(
                format!("cover[{i}].value"),
                msg::other("field 和 value 只能写一个"),
            );
        }
        cover.push(
            line.value
                .as_ref()
                .and_then(|v| c.expr(&format!("cover[{i}].value"), v, COVER_VARS, &answer_ids)),
        );
    }

    // Publication block.
    let publication = def.publication.as_ref().and_then(|p| {
        let title = c.expr("publication.title", &p.title, PUBLICATION_VARS, &answer_ids);
        let introduction = c.expr(
            "publication.introduction",
            &p.introduction,
            PUBLICATION_VARS,
            &answer_ids,
        );
        Some(CompiledPublication {
            title: title?,
            introduction: introduction?,
        })
    });

    // Section conditions, now that every field is known.
    for (si, s) in def.sections.iter().enumerate() {
        if let Some(cond) = &s.show_if {
            check_condition(
                &mut c,
                &format!("section[{si}].show_if"),
                cond,
                &def,
                &field_index,
                None,
            );
            if s.fields.iter().any(|f| f.id == cond.field) {
                c.err(
                    format!("section[{si}].show_if.field"),
                    msg::other("章节不能由它自己的字段控制显示"),
                );
            }
        }
    }

    // Files.
    let mut slot_ids = HashSet::new();
    let mut slot_limits = Vec::new();
    for (i, f) in def.files.iter().enumerate() {
        let path = format!("file[{i}]");
        c.unique_id(&mut slot_ids, &format!("{path}.id"), "附件项", &f.id);
        if f.types.is_empty() {
            c.err(format!("{path}.types"), msg::other("至少列出一种文件类型"));
        }
        for (k, t) in f.types.iter().enumerate() {
            if !FILE_TYPES.contains(&t.as_str()) {
                c.err(
                    format!("{path}.types[{k}]"),
                    msg::bad_file_type(t, &FILE_TYPES.join(", ")),
                );
            }
        }
        let mut size = |key: &str, v: &Option<String>, default: u64| match v {
            None => default,
            Some(s) => parse_size(s).unwrap_or_else(|| {
                c.err(format!("{path}.{key}"), msg::bad_size(s));
                default
            }),
        };
        let min_size = size("min_size", &f.min_size, 0);
        let max_size = size("max_size", &f.max_size, DEFAULT_MAX_SIZE);
        if min_size > max_size {
            c.err(
                format!("{path}.min_size"),
                msg::min_above_max("min_size", "max_size"),
            );
        }
        let required = f.required.unwrap_or(true);
        let min_count = f.min_count.unwrap_or(u32::from(required));
        let max_count = f.max_count.unwrap_or(DEFAULT_MAX_COUNT);
        if min_count > max_count {
            c.err(
                format!("{path}.min_count"),
                msg::min_above_max("min_count", "max_count"),
            );
        }
        if max_count == 0 {
            c.err(
                format!("{path}.max_count"),
                msg::other("max_count 不能为 0"),
            );
        }
        c.directions(&format!("{path}.directions"), &f.directions, &directions);
        if let Some(cond) = &f.show_if {
            check_condition(
                &mut c,
                &format!("{path}.show_if"),
                cond,
                &def,
                &field_index,
                None,
            );
        }
        if let Some(naming) = &f.naming {
            for p in placeholders(naming) {
                if p != "n" && !field_index.contains_key(p) {
                    c.err(format!("{path}.naming"), msg::unknown_ref("字段", p));
                }
            }
        }
        slot_limits.push(SlotLimits {
            min_count,
            max_count,
            min_size,
            max_size,
        });
    }

    // Rules.
    let mut rule_ids = HashSet::new();
    let mut rules = Vec::new();
    for (i, r) in def.rules.iter().enumerate() {
        let path = format!("rule[{i}]");
        c.unique_id(&mut rule_ids, &format!("{path}.id"), "规则", &r.id);
        if let Some(f) = &r.field
            && !answer_ids.contains(f)
        {
            c.err(format!("{path}.field"), msg::unknown_ref("字段", f));
        }
        c.directions(&format!("{path}.directions"), &r.directions, &directions);
        let when = r
            .when
            .as_ref()
            .and_then(|w| c.expr(&format!("{path}.when"), w, RULE_VARS, &answer_ids));
        if let Some(expr) = c.expr(&format!("{path}.expr"), &r.expr, RULE_VARS, &answer_ids) {
            rules.push(CompiledRule {
                index: i,
                when,
                expr,
            });
        }
    }

    // Limits.
    for (i, group) in def.limits.exclusive.iter().enumerate() {
        c.directions(&format!("limits.exclusive[{i}]"), group, &directions);
        if group.len() < 2 {
            c.err(
                format!("limits.exclusive[{i}]"),
                msg::other("互斥的方向至少要有两个"),
            );
        }
    }

    // Commitment.
    if let Some(slot) = &def.commitment.scan_file
        && !slot_ids.contains(slot.as_str())
    {
        c.err("commitment.scan_file", msg::unknown_ref("附件项", slot));
    }
    for p in placeholders(&def.commitment.text) {
        if !field_index.contains_key(p) {
            c.err("commitment.text", msg::unknown_ref("字段", p));
        }
    }

    // Criteria.
    let mut crit_ids = HashSet::new();
    for (i, cr) in def.criteria.iter().enumerate() {
        c.unique_id(
            &mut crit_ids,
            &format!("criterion[{i}].id"),
            "评审指标",
            &cr.id,
        );
        c.directions(
            &format!("criterion[{i}].directions"),
            &cr.directions,
            &directions,
        );
        if cr.weight <= 0.0 || cr.max_score <= 0.0 {
            c.err(
                format!("criterion[{i}].weight"),
                msg::other("权重和满分须大于 0"),
            );
        }
    }
    if !def.criteria.is_empty() {
        for d in &def.directions {
            let sum: f64 = def
                .criteria
                .iter()
                .filter(|cr| applies(&cr.directions, &d.id))
                .map(|cr| cr.weight)
                .sum();
            if (sum - 100.0).abs() > 1e-6 {
                c.err("criterion", msg::weights(&d.id, sum));
            }
        }
    }

    // Summary tables.
    let mut summary_ids = HashSet::new();
    let mut summary_columns = Vec::new();
    for (i, t) in def.summaries.iter().enumerate() {
        let path = format!("summary[{i}]");
        c.unique_id(&mut summary_ids, &format!("{path}.id"), "汇总表", &t.id);
        if let Some(l) = &t.level
            && !levels.contains(l.as_str())
        {
            c.err(format!("{path}.level"), msg::unknown_ref("评审层级", l));
        }
        c.directions(&format!("{path}.directions"), &t.directions, &directions);
        if t.columns.is_empty() {
            c.err(format!("{path}.column"), msg::other("汇总表至少需要一列"));
        }
        let mut exprs = Vec::new();
        for (k, col) in t.columns.iter().enumerate() {
            if let Some(e) = c.expr(
                &format!("{path}.column[{k}].value"),
                &col.value,
                SUMMARY_VARS,
                &answer_ids,
            ) {
                exprs.push(e);
            }
        }
        summary_columns.push(exprs);
    }

    if !c.problems.is_empty() {
        return Err(c.into_error(file));
    }
    // Checked above (`Checker::date`): every deadline parses.
    let date = |d: Option<&str>| d.and_then(crate::ident::parse_date);
    let applicant_deadline = date(def.deadlines.applicant.as_deref()).or_else(|| {
        def.review_levels
            .iter()
            .find_map(|l| date(l.deadline.as_deref()))
    });
    let level_deadlines = def
        .review_levels
        .iter()
        .filter_map(|l| Some((l.id.clone(), date(l.deadline.as_deref())?)))
        .collect();
    Ok(Call {
        def,
        field_index,
        computed,
        rules,
        summary_columns,
        cover,
        publication,
        slot_limits,
        applicant_deadline,
        level_deadlines,
    })
}

/// `{name}` placeholders in a text.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

fn check_condition(
    c: &mut Checker<'_>,
    path: &str,
    cond: &Condition,
    def: &CallDef,
    index: &HashMap<String, (usize, usize)>,
    siblings: Option<&[FieldDef]>,
) {
    let target = match siblings {
        Some(cols) => cols.iter().find(|f| f.id == cond.field),
        None => index
            .get(&cond.field)
            .map(|&(s, f)| &def.sections[s].fields[f]),
    };
    let Some(target) = target else {
        c.err(
            format!("{path}.field"),
            msg::unknown_ref("字段", &cond.field),
        );
        return;
    };
    if !is_choice(target.kind) {
        c.err(
            format!("{path}.field"),
            msg::other("show_if 只能引用单选或多选字段"),
        );
        return;
    }
    if cond.any_of.is_empty() {
        c.err(
            format!("{path}.any_of"),
            msg::other("any_of 至少列出一个选项"),
        );
    }
    for (i, v) in cond.any_of.iter().enumerate() {
        if !target.options.iter().any(|o| o.value() == v) {
            c.err(format!("{path}.any_of[{i}]"), msg::unknown_ref("选项", v));
        }
    }
}

/// Checks one field definition. `top` is false for table rows and row columns.
fn check_field(
    c: &mut Checker<'_>,
    path: &str,
    f: &FieldDef,
    top: bool,
    def: &CallDef,
    index: &HashMap<String, (usize, usize)>,
    siblings: Option<&[FieldDef]>,
) {
    if !top {
        c.id(&format!("{path}.id"), &f.id);
    }
    let Some(kind) = f.kind else {
        if top {
            c.err(format!("{path}.kind"), msg::other("缺少 kind"));
        }
        return;
    };
    let kname = kind_name(kind);
    use FieldKind as K;
    let texty = matches!(kind, K::Text | K::Textarea);
    let numeric = matches!(kind, K::Integer | K::Decimal);
    let choice = matches!(kind, K::SingleChoice | K::MultiChoice);
    // (attribute, written, applies to this kind)
    let attributes = [
        ("min_zi", f.min_zi.is_some(), texty),
        ("max_zi", f.max_zi.is_some(), texty),
        ("zi_count", f.zi_count.is_some(), texty),
        ("min", f.min.is_some(), numeric),
        ("max", f.max.is_some(), numeric),
        (
            "decimals",
            f.decimals.is_some(),
            matches!(kind, K::Decimal | K::Computed),
        ),
        (
            "unit",
            f.unit.is_some(),
            numeric || matches!(kind, K::Computed | K::Text),
        ),
        ("options", !f.options.is_empty(), choice),
        ("other", f.other.is_some(), choice),
        (
            "other_label",
            f.other_label.is_some(),
            choice && f.other.is_some(),
        ),
        ("min_select", f.min_select.is_some(), kind == K::MultiChoice),
        ("max_select", f.max_select.is_some(), kind == K::MultiChoice),
        ("years", !f.years.is_empty(), kind == K::YearTable),
        (
            "row",
            !f.rows.is_empty(),
            matches!(kind, K::YearTable | K::Matrix),
        ),
        (
            "column",
            !f.columns.is_empty(),
            matches!(kind, K::Matrix | K::Rows),
        ),
        ("min_rows", f.min_rows.is_some(), kind == K::Rows),
        ("max_rows", f.max_rows.is_some(), kind == K::Rows),
        ("expr", f.expr.is_some(), kind == K::Computed),
        ("region_level", f.region_level.is_some(), kind == K::Region),
        ("within", f.within.is_some(), kind == K::Region),
        ("tick_direction", f.tick_direction, kind == K::Heading),
    ];
    for (attr, written, applies) in attributes {
        if written && !applies {
            c.err(format!("{path}.{attr}"), msg::not_applicable(attr, &kname));
        }
    }
    let ordered = [
        (
            "min_zi",
            "max_zi",
            f.min_zi.zip(f.max_zi).is_some_and(|(a, b)| a > b),
        ),
        ("min", "max", f.min.zip(f.max).is_some_and(|(a, b)| a > b)),
        (
            "min_select",
            "max_select",
            f.min_select.zip(f.max_select).is_some_and(|(a, b)| a > b),
        ),
        (
            "min_rows",
            "max_rows",
            f.min_rows.zip(f.max_rows).is_some_and(|(a, b)| a > b),
        ),
    ];
    for (min, max, wrong) in ordered {
        if wrong {
            c.err(format!("{path}.{min}"), msg::min_above_max(min, max));
        }
    }
    if choice {
        if f.options.is_empty() {
            c.err(format!("{path}.options"), msg::needs("options", &kname));
        }
        let mut seen = HashSet::new();
        for (i, o) in f.options.iter().enumerate() {
            if o.value().trim().is_empty() || !seen.insert(o.value()) {
                c.err(
                    format!("{path}.options[{i}]"),
                    msg::duplicate("选项", o.value()),
                );
            }
        }
        if let Some(other) = &f.other
            && !f.options.iter().any(|o| o.value() == other)
        {
            c.err(format!("{path}.other"), msg::unknown_ref("选项", other));
        }
    }
    if kind == K::MultiChoice && f.max_select.is_some_and(|m| m as usize > f.options.len()) {
        c.err(
            format!("{path}.max_select"),
            msg::other("max_select 超过了选项个数"),
        );
    }
    if !top
        && matches!(
            kind,
            K::Heading | K::YearTable | K::Matrix | K::Rows | K::Computed
        )
    {
        c.err(
            format!("{path}.kind"),
            msg::other(&format!("表格内的单元格不能是 {kname} 类型")),
        );
    }
    match kind {
        K::YearTable => {
            if f.years.is_empty() {
                c.err(format!("{path}.years"), msg::needs("years", &kname));
            }
            if f.rows.is_empty() {
                c.err(format!("{path}.row"), msg::needs("row", &kname));
            }
            let mut ids = HashSet::new();
            for (i, r) in f.rows.iter().enumerate() {
                let rp = format!("{path}.row[{i}]");
                if !ids.insert(r.id.as_str()) {
                    c.err(format!("{rp}.id"), msg::duplicate("行", &r.id));
                }
                if r.kind.is_none() {
                    c.err(format!("{rp}.kind"), msg::needs("kind", "year_table 的行"));
                }
                check_field(c, &rp, r, false, def, index, None);
            }
        }
        K::Matrix => {
            if f.rows.is_empty() {
                c.err(format!("{path}.row"), msg::needs("row", &kname));
            }
            if f.columns.is_empty() {
                c.err(format!("{path}.column"), msg::needs("column", &kname));
            }
            let mut ids = HashSet::new();
            for (i, r) in f.rows.iter().enumerate() {
                if !ids.insert(r.id.as_str()) {
                    c.err(format!("{path}.row[{i}].id"), msg::duplicate("行", &r.id));
                }
                check_field(c, &format!("{path}.row[{i}]"), r, false, def, index, None);
            }
            let mut ids = HashSet::new();
            for (i, col) in f.columns.iter().enumerate() {
                if !ids.insert(col.id.as_str()) {
                    c.err(
                        format!("{path}.column[{i}].id"),
                        msg::duplicate("列", &col.id),
                    );
                }
                check_field(
                    c,
                    &format!("{path}.column[{i}]"),
                    col,
                    false,
                    def,
                    index,
                    None,
                );
                for (j, r) in f.rows.iter().enumerate() {
                    if col.kind.or(r.kind).is_none() {
                        c.err(
                            format!("{path}.row[{j}].kind"),
                            msg::other(&format!(
                                "单元格 {}×{} 没有类型：请给行或列写 kind",
                                r.id, col.id
                            )),
                        );
                    }
                }
            }
        }
        K::Rows => {
            if f.columns.is_empty() {
                c.err(format!("{path}.column"), msg::needs("column", &kname));
            }
            let mut ids = HashSet::new();
            for (i, col) in f.columns.iter().enumerate() {
                if !ids.insert(col.id.as_str()) {
                    c.err(
                        format!("{path}.column[{i}].id"),
                        msg::duplicate("列", &col.id),
                    );
                }
                if col.kind.is_none() {
                    c.err(
                        format!("{path}.column[{i}].kind"),
                        msg::needs("kind", "rows 的列"),
                    );
                }
                check_field(
                    c,
                    &format!("{path}.column[{i}]"),
                    col,
                    false,
                    def,
                    index,
                    Some(&f.columns),
                );
            }
        }
        K::Computed if f.expr.is_none() => {
            c.err(format!("{path}.expr"), msg::needs("expr", &kname));
        }
        K::Region => {
            if let Some(w) = &f.within
                && crate::region::lookup(w).is_none()
            {
                c.err(format!("{path}.within"), msg::unknown_ref("行政区划", w));
            }
        }
        _ => {}
    }
    if let Some(cond) = &f.show_if {
        if top {
            check_condition(c, &format!("{path}.show_if"), cond, def, index, None);
        } else if let Some(sib) = siblings {
            check_condition(c, &format!("{path}.show_if"), cond, def, index, Some(sib));
        } else {
            c.err(
                format!("{path}.show_if"),
                msg::not_applicable("show_if", &kname),
            );
        }
    }
}
