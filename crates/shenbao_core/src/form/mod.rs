//! The form engine: validates an application's answers against its call.
//!
//! Answers are plain JSON keyed by field id (shapes in `docs/call-format.md`). Validation
//! returns every problem at once, each with a path, a stable code, a severity and a Chinese
//! message, and never panics, whatever JSON it is given. Fields hidden by a choice are
//! ignored (and reported as hidden when answered); computed fields are derived here, never
//! read from the answers. This module does no I/O.

pub(crate) mod fields;
mod files;
mod rules;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::call::definition::{FieldDef, FieldKind};
use crate::call::{Call, Target};
use crate::messages::answer as msg;

pub use fields::selected;
pub use files::{FileMeta, check_files, human_size};
pub use rules::check_rules;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Allowed with a written justification (原则上 rules, advisory checks).
    Warning,
    /// Advice only: ignored answers and the like.
    Info,
}

/// What kind of problem: a stable snake_case code, the same in every version (the vocabulary
/// is in `docs/call-format.md`; a test checks that it lists every one). Serialised as the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// `required`
    Required,
    /// `wrong_type`
    WrongType,
    /// `too_short`
    TooShort,
    /// `too_long`
    TooLong,
    /// `not_a_number`
    NotANumber,
    /// `not_an_integer`
    NotAnInteger,
    /// `below_min`
    BelowMin,
    /// `above_max`
    AboveMax,
    /// `too_many_decimals`
    TooManyDecimals,
    /// `invalid_date`
    InvalidDate,
    /// `invalid_month`
    InvalidMonth,
    /// `date_range_order`
    DateRangeOrder,
    /// `invalid_option`
    InvalidOption,
    /// `too_few_selected`
    TooFewSelected,
    /// `too_many_selected`
    TooManySelected,
    /// `other_text_required`
    OtherTextRequired,
    /// `too_few_rows`
    TooFewRows,
    /// `too_many_rows`
    TooManyRows,
    /// `invalid_uscc`
    InvalidUscc,
    /// `uscc_org_code`
    UsccOrgCode,
    /// `invalid_mobile`
    InvalidMobile,
    /// `invalid_landline`
    InvalidLandline,
    /// `invalid_phone`
    InvalidPhone,
    /// `invalid_email`
    InvalidEmail,
    /// `invalid_url`
    InvalidUrl,
    /// `invalid_bank_account`
    InvalidBankAccount,
    /// `invalid_region`
    InvalidRegion,
    /// `region_too_shallow`
    RegionTooShallow,
    /// `region_outside`
    RegionOutside,
    /// `hidden_ignored`
    HiddenIgnored,
    /// `computed_ignored`
    ComputedIgnored,
    /// `unknown_field`
    UnknownField,
    /// `rule_failed`
    RuleFailed,
    /// `unknown_direction`
    UnknownDirection,
    /// `subdirection_required`
    SubdirectionRequired,
    /// `unknown_subdirection`
    UnknownSubdirection,
    /// `file_missing`
    FileMissing,
    /// `file_too_many`
    FileTooMany,
    /// `file_too_small`
    FileTooSmall,
    /// `file_too_large`
    FileTooLarge,
    /// `file_type_not_allowed`
    FileTypeNotAllowed,
    /// `file_unknown_slot`
    FileUnknownSlot,
    /// `limit_per_call`
    LimitPerCall,
    /// `limit_per_direction`
    LimitPerDirection,
    /// `limit_exclusive`
    LimitExclusive,
    /// `excluded`
    Excluded,
    /// `score_missing`
    ScoreMissing,
    /// `score_not_a_number`
    ScoreNotANumber,
    /// `score_out_of_range`
    ScoreOutOfRange,
    /// `unknown_criterion`
    UnknownCriterion,
}

impl Code {
    /// Every code, in the order of the documentation's table.
    pub const ALL: &'static [Code] = &[
        Code::Required,
        Code::WrongType,
        Code::TooShort,
        Code::TooLong,
        Code::NotANumber,
        Code::NotAnInteger,
        Code::BelowMin,
        Code::AboveMax,
        Code::TooManyDecimals,
        Code::InvalidDate,
        Code::InvalidMonth,
        Code::DateRangeOrder,
        Code::InvalidOption,
        Code::TooFewSelected,
        Code::TooManySelected,
        Code::OtherTextRequired,
        Code::TooFewRows,
        Code::TooManyRows,
        Code::InvalidUscc,
        Code::UsccOrgCode,
        Code::InvalidMobile,
        Code::InvalidLandline,
        Code::InvalidPhone,
        Code::InvalidEmail,
        Code::InvalidUrl,
        Code::InvalidBankAccount,
        Code::InvalidRegion,
        Code::RegionTooShallow,
        Code::RegionOutside,
        Code::HiddenIgnored,
        Code::ComputedIgnored,
        Code::UnknownField,
        Code::RuleFailed,
        Code::UnknownDirection,
        Code::SubdirectionRequired,
        Code::UnknownSubdirection,
        Code::FileMissing,
        Code::FileTooMany,
        Code::FileTooSmall,
        Code::FileTooLarge,
        Code::FileTypeNotAllowed,
        Code::FileUnknownSlot,
        Code::LimitPerCall,
        Code::LimitPerDirection,
        Code::LimitExclusive,
        Code::Excluded,
        Code::ScoreMissing,
        Code::ScoreNotANumber,
        Code::ScoreOutOfRange,
        Code::UnknownCriterion,
    ];

    /// The code as written in reports and fixtures.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::WrongType => "wrong_type",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::NotANumber => "not_a_number",
            Code::NotAnInteger => "not_an_integer",
            Code::BelowMin => "below_min",
            Code::AboveMax => "above_max",
            Code::TooManyDecimals => "too_many_decimals",
            Code::InvalidDate => "invalid_date",
            Code::InvalidMonth => "invalid_month",
            Code::DateRangeOrder => "date_range_order",
            Code::InvalidOption => "invalid_option",
            Code::TooFewSelected => "too_few_selected",
            Code::TooManySelected => "too_many_selected",
            Code::OtherTextRequired => "other_text_required",
            Code::TooFewRows => "too_few_rows",
            Code::TooManyRows => "too_many_rows",
            Code::InvalidUscc => "invalid_uscc",
            Code::UsccOrgCode => "uscc_org_code",
            Code::InvalidMobile => "invalid_mobile",
            Code::InvalidLandline => "invalid_landline",
            Code::InvalidPhone => "invalid_phone",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidUrl => "invalid_url",
            Code::InvalidBankAccount => "invalid_bank_account",
            Code::InvalidRegion => "invalid_region",
            Code::RegionTooShallow => "region_too_shallow",
            Code::RegionOutside => "region_outside",
            Code::HiddenIgnored => "hidden_ignored",
            Code::ComputedIgnored => "computed_ignored",
            Code::UnknownField => "unknown_field",
            Code::RuleFailed => "rule_failed",
            Code::UnknownDirection => "unknown_direction",
            Code::SubdirectionRequired => "subdirection_required",
            Code::UnknownSubdirection => "unknown_subdirection",
            Code::FileMissing => "file_missing",
            Code::FileTooMany => "file_too_many",
            Code::FileTooSmall => "file_too_small",
            Code::FileTooLarge => "file_too_large",
            Code::FileTypeNotAllowed => "file_type_not_allowed",
            Code::FileUnknownSlot => "file_unknown_slot",
            Code::LimitPerCall => "limit_per_call",
            Code::LimitPerDirection => "limit_per_direction",
            Code::LimitExclusive => "limit_exclusive",
            Code::Excluded => "excluded",
            Code::ScoreMissing => "score_missing",
            Code::ScoreNotANumber => "score_not_a_number",
            Code::ScoreOutOfRange => "score_out_of_range",
            Code::UnknownCriterion => "unknown_criterion",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One problem with an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Where: a field id, `table.row.column`, `rows[1].column`, `files.slot`, or "".
    pub path: String,
    /// What kind of problem.
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in Chinese, for the applicant.
    pub message: String,
    /// The rule id, for `rule_failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl Problem {
    pub(crate) fn new(
        path: impl Into<String>,
        code: Code,
        severity: Severity,
        message: String,
    ) -> Problem {
        Problem {
            path: path.into(),
            code,
            severity,
            message,
            rule: None,
        }
    }
}

/// Everything validation found, plus the answers as the engine understood them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Every problem, in form order.
    pub problems: Vec<Problem>,
    /// The answers that count: visible fields of this form only, numbers as numbers, and
    /// computed fields filled in. Invalid answers are left out.
    pub answers: Map<String, Json>,
    /// Ids of the form's fields hidden by the current choices.
    pub hidden: Vec<String>,
}

impl Report {
    /// True when nothing at all was found.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// True when some problem blocks submission.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Problems of one severity.
    pub fn of(&self, severity: Severity) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.severity == severity)
    }
}

/// Everything known about an application, for a full check.
#[derive(Debug, Clone, Copy)]
pub struct Application<'a> {
    /// Direction and sub-direction.
    pub target: Target<'a>,
    /// The answers.
    pub answers: &'a Json,
    /// The applicant's registered data (`uscc`, `name`, `region`), if known.
    pub profile: Option<&'a Json>,
    /// The uploaded files' metadata; `None` skips file checks.
    pub files: Option<&'a [FileMeta]>,
}

/// Validates `answers` for `target`: field checks, computed fields, and the eligibility rules
/// that need no applicant profile. Never panics.
pub fn validate(call: &Call, target: Target<'_>, answers: &Json) -> Report {
    check(
        call,
        &Application {
            target,
            answers,
            profile: None,
            files: None,
        },
    )
}

/// The full check before submission: fields, computed fields, eligibility rules (with the
/// profile) and, when given, files. Per-applicant limits are checked by
/// [`crate::limits::check_limits`].
pub fn check(call: &Call, app: &Application<'_>) -> Report {
    let mut report = Report::default();
    let Some(target) = resolve_target(call, app.target, &mut report) else {
        return report;
    };
    let Some(answers) = app.answers.as_object() else {
        report.problems.push(Problem::new(
            "",
            Code::WrongType,
            Severity::Error,
            msg::not_an_object(),
        ));
        return report;
    };

    let form: Vec<_> = call
        .sections_for(&target)
        .flat_map(|s| s.fields.iter())
        .collect();
    let in_form: HashSet<&str> = form.iter().map(|f| f.id.as_str()).collect();
    let mut known: HashSet<String> = HashSet::new();

    for f in &form {
        known.insert(f.id.clone());
        if f.other.is_some() {
            known.insert(format!("{}_other", f.id));
        }
        check_form_field(call, &in_form, answers, f, &mut report);
    }

    for (key, value) in answers {
        if !known.contains(key) && !fields::is_blank(value) {
            report.problems.push(Problem::new(
                key.clone(),
                Code::UnknownField,
                Severity::Info,
                msg::unknown_field(key),
            ));
        }
    }

    derive_computed(call, &form, &mut report);

    report
        .problems
        .extend(check_rules(call, target, &report.answers, app.profile));
    if let Some(files) = app.files {
        report
            .problems
            .extend(check_files(call, target, &report.answers, files));
    }
    report
}

/// The target as checked: `None` (reported) for an unknown direction; the sub-direction is
/// missing (reported) or dropped when the direction has none or does not have it (reported).
fn resolve_target<'a>(call: &Call, target: Target<'a>, report: &mut Report) -> Option<Target<'a>> {
    let Some(direction) = call.direction(target.direction) else {
        report.problems.push(Problem::new(
            "",
            Code::UnknownDirection,
            Severity::Error,
            msg::unknown_direction(target.direction),
        ));
        return None;
    };
    let mut target = target;
    if direction.subdirections.is_empty() {
        target.subdirection = None;
    } else {
        match target.subdirection {
            None => report.problems.push(Problem::new(
                "",
                Code::SubdirectionRequired,
                Severity::Error,
                msg::subdirection_required(&direction.name),
            )),
            Some(s) if call.choice(&direction.id, s).is_none() => {
                report.problems.push(Problem::new(
                    "",
                    Code::UnknownSubdirection,
                    Severity::Error,
                    msg::unknown_subdirection(&direction.name, s),
                ));
                target.subdirection = None;
            }
            Some(_) => {}
        }
    }
    Some(target)
}

/// Checks one field of the form: a hidden field's answers are ignored (and reported), a
/// computed field or heading must not be answered, and any other field's answer is checked
/// and kept with its `_other` text.
fn check_form_field(
    call: &Call,
    in_form: &HashSet<&str>,
    answers: &Map<String, Json>,
    f: &FieldDef,
    report: &mut Report,
) {
    let value = answers.get(&f.id);
    let answered = value.is_some_and(|v| !fields::is_blank(v));
    if !fields::visible(call, in_form, answers, f, 0) {
        report_hidden(answers, f, answered, report);
        return;
    }
    match f.kind {
        Some(FieldKind::Computed) => {
            if answered {
                report.problems.push(Problem::new(
                    f.id.clone(),
                    Code::ComputedIgnored,
                    Severity::Info,
                    msg::computed_ignored(&f.label),
                ));
            }
        }
        Some(FieldKind::Heading) => {
            if answered {
                report.problems.push(Problem::new(
                    f.id.clone(),
                    Code::UnknownField,
                    Severity::Info,
                    msg::unknown_field(&f.id),
                ));
            }
        }
        _ => {
            let normalized = fields::check_field(f, value, answers, &f.id, &mut report.problems);
            if let Some(v) = normalized {
                report.answers.insert(f.id.clone(), v);
            }
            if let Some(other) = &f.other {
                let key = format!("{}_other", f.id);
                if fields::selected(value).iter().any(|s| s == other) {
                    if let Some(t) = answers.get(&key).and_then(Json::as_str)
                        && !t.trim().is_empty()
                    {
                        report
                            .answers
                            .insert(key, Json::String(t.trim().to_string()));
                    }
                } else if answers.get(&key).is_some_and(|v| !fields::is_blank(v)) {
                    report.problems.push(Problem::new(
                        key,
                        Code::HiddenIgnored,
                        Severity::Info,
                        msg::hidden_ignored(f.other_label.as_deref().unwrap_or("其他")),
                    ));
                }
            }
        }
    }
}

/// Records a field hidden by the current choices, and reports its answers as ignored.
fn report_hidden(answers: &Map<String, Json>, f: &FieldDef, answered: bool, report: &mut Report) {
    report.hidden.push(f.id.clone());
    if answered {
        report.problems.push(Problem::new(
            f.id.clone(),
            Code::HiddenIgnored,
            Severity::Info,
            msg::hidden_ignored(&f.label),
        ));
    }
    if let Some(other) = answers.get(&format!("{}_other", f.id))
        && !fields::is_blank(other)
    {
        report.problems.push(Problem::new(
            format!("{}_other", f.id),
            Code::HiddenIgnored,
            Severity::Info,
            msg::hidden_ignored(f.other_label.as_deref().unwrap_or(&f.label)),
        ));
    }
}

/// Derives the computed fields that are shown, in form order, each seeing the ones before it.
fn derive_computed(call: &Call, form: &[&FieldDef], report: &mut Report) {
    for f in form {
        if f.kind != Some(FieldKind::Computed) || report.hidden.contains(&f.id) {
            continue;
        }
        if let Some(expr) = call.computed_expr(&f.id) {
            let vars = crate::expr::answers_for(&report.answers, [expr]);
            if let Ok(v) = expr.eval(&[("answers", &vars)]) {
                let j = crate::expr::to_json(&v);
                if j.as_f64().is_some_and(f64::is_finite) || j.is_string() {
                    report.answers.insert(f.id.clone(), j);
                }
            }
        }
    }
}
