//! The directions (申报方向) of a call, their sub-directions and how their applications are
//! routed to the first review level.
//!
//! Must not: check cross-references (the compiler does) or route an application
//! (`crate::routing` does).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A direction (申报方向) with optional sub-directions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Direction {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Name as in the notice, e.g. 算力服务补助.
    pub name: String,
    /// Description from the notice.
    #[serde(default)]
    pub description: Option<String>,
    /// Conditions specific to this direction, one paragraph each.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Form title when this direction has its own form (湖南: 申报书 per direction).
    #[serde(default)]
    pub form_title: Option<String>,
    /// How applications of this direction are routed to the first review level.
    #[serde(default)]
    pub routing: Routing,
    /// Sub-directions (子方向); when present, an application must pick one.
    #[serde(default, rename = "subdirection")]
    pub subdirections: Vec<Subdirection>,
}

/// How an application reaches its first reviewer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// By the applicant's registered region (county → city → province).
    #[default]
    Region,
    /// To the competent sector department chosen by the applicant (泉州 典型应用场景).
    Sector,
}

/// A sub-direction (湖南: 基础通用 / 垂直领域).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subdirection {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Name as in the notice.
    pub name: String,
    /// Description from the notice.
    #[serde(default)]
    pub description: Option<String>,
    /// Scenarios (场景) of a catalogue's third level (方向 → 子方向 → 场景); when present, an
    /// application picks one of them instead of the sub-direction itself.
    #[serde(default, rename = "scenario")]
    pub scenarios: Vec<Scenario>,
}

/// A scenario (场景) under a sub-direction.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable id, snake_case ASCII, unique within its direction.
    pub id: String,
    /// Name as in the catalogue.
    pub name: String,
    /// Description from the catalogue.
    #[serde(default)]
    pub description: Option<String>,
}
