//! Per-applicant limits: one application per call, one per direction, directions that
//! exclude each other. A pure function over the applicant's other applications.

use crate::form::Code;
use serde::{Deserialize, Serialize};

use crate::call::Call;
use crate::form::{Problem, Severity};
use crate::messages::limit as msg;

/// Another live application (draft or submitted, not withdrawn or deleted) of the same
/// applicant in the same call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherApplication {
    /// Its direction id.
    pub direction: String,
}

/// Whether the applicant may hold one more application in `direction`, given its `others`.
/// Returns the broken limits (empty when allowed).
pub fn check_limits(call: &Call, direction: &str, others: &[OtherApplication]) -> Vec<Problem> {
    let limits = &call.def().limits;
    let mut out = Vec::new();
    let name = |id: &str| {
        call.direction(id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    if let Some(max) = limits.per_call
        && others.len() as u64 >= u64::from(max)
    {
        out.push(Problem::new(
            "",
            Code::LimitPerCall,
            Severity::Error,
            msg::per_call(max),
        ));
    }
    if let Some(max) = limits.per_direction {
        let same = others.iter().filter(|o| o.direction == direction).count();
        if same as u64 >= u64::from(max) {
            out.push(Problem::new(
                "",
                Code::LimitPerDirection,
                Severity::Error,
                msg::per_direction(&name(direction), max),
            ));
        }
    }
    for group in &limits.exclusive {
        if !group.iter().any(|d| d == direction) {
            continue;
        }
        if let Some(o) = others
            .iter()
            .find(|o| o.direction != direction && group.contains(&o.direction))
        {
            out.push(Problem::new(
                "",
                Code::LimitExclusive,
                Severity::Error,
                msg::exclusive(&name(direction), &name(&o.direction)),
            ));
        }
    }
    out
}
