//! Eligibility rules (申报条件) as CEL expressions, and the per-applicant limits.
//!
//! Must not: compile or evaluate a rule, or count applications (the compiler, the form engine
//! and `crate::limits` do).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Severity of a rule: an error blocks submission, a warning needs a written justification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    /// Blocks submission.
    #[default]
    Error,
    /// The applicant must justify it ("原则上").
    Warning,
}

/// An eligibility rule (申报条件) as a CEL expression that must be true.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// CEL expression over `answers`, `profile` and `call`; true means the rule holds.
    pub expr: String,
    /// Optional CEL guard: the rule applies only when this is true.
    #[serde(default)]
    pub when: Option<String>,
    /// `error` (default) or `warning`.
    #[serde(default)]
    pub severity: RuleSeverity,
    /// Message shown when the rule fails, in Chinese.
    pub message: String,
    /// Field the message attaches to.
    #[serde(default)]
    pub field: Option<String>,
    /// Directions the rule applies to; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Where the rule comes from in the notice, e.g. 附件1 申报条件第4条.
    #[serde(default)]
    pub source: Option<String>,
    /// The threshold is the owner's, not the notice's (the notice says 主要营收, the call asks
    /// for 50%): every message of the rule says so, so that no applicant takes it for the
    /// notice's own words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owner_choice: bool,
}

/// Per-applicant limits, checked against the applicant's other applications in the call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most applications per applicant in the whole call (广东: 1).
    #[serde(default)]
    pub per_call: Option<u32>,
    /// Most applications per applicant in one direction (泉州: 1).
    #[serde(default)]
    pub per_direction: Option<u32>,
    /// Groups of directions an applicant may not apply to together (泉州: 软件优质产品 vs 典型应用场景).
    #[serde(default)]
    pub exclusive: Vec<Vec<String>>,
    /// Where the limits come from in the notice.
    #[serde(default)]
    pub source: Option<String>,
}

/// Who may not apply (不得重复申报): the owner's uploaded lists, and the applicants selected
/// in earlier calls on the same server.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusions {
    /// Earlier calls (their ids) whose selected applicants (入选, 揭榜优胜) may not apply.
    #[serde(default)]
    pub calls: Vec<String>,
    /// The notice's words, shown in the refusal, e.g. 已列入前期揭榜优胜项目的不得重复申报.
    #[serde(default)]
    pub reason: Option<String>,
    /// Where the rule comes from in the notice.
    #[serde(default)]
    pub source: Option<String>,
}

/// Joint applications (联合申报): a lead organisation applies and names its members, each
/// with its code and region, each giving its own commitment.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consortium {
    /// Most members besides the lead (联合参与单位不超过4家).
    pub max_members: u32,
    /// Directions where a consortium may apply; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Whether a member may not also apply alone, or in another consortium, in the same
    /// direction (default true).
    #[serde(default = "yes")]
    pub exclusive: bool,
    /// Where the rule comes from in the notice.
    #[serde(default)]
    pub source: Option<String>,
}

fn yes() -> bool {
    true
}
