//! The five seed calls, shipped inside the binary. Their sources are the TOML files in
//! `crates/shenbao_core/calls/`, written from the real notices in the project's seeds.

use std::sync::LazyLock;

use super::{Call, DefinitionError, load_str};

/// (id, file name, source) of every built-in call, in the order they are listed.
pub const SOURCES: &[(&str, &str, &str)] = &[
    (
        "sd-2024-llm-cases",
        "sd-2024-llm-cases.toml",
        include_str!("../../calls/sd-2024-llm-cases.toml"),
    ),
    (
        "sd-2024-llm-survey",
        "sd-2024-llm-survey.toml",
        include_str!("../../calls/sd-2024-llm-survey.toml"),
    ),
    (
        "hn-2025-ai",
        "hn-2025-ai.toml",
        include_str!("../../calls/hn-2025-ai.toml"),
    ),
    (
        "qz-2024-ai-industry",
        "qz-2024-ai-industry.toml",
        include_str!("../../calls/qz-2024-ai-industry.toml"),
    ),
    (
        "gd-2023-ai-scenarios",
        "gd-2023-ai-scenarios.toml",
        include_str!("../../calls/gd-2023-ai-scenarios.toml"),
    ),
];

static CALLS: LazyLock<Vec<Result<Call, DefinitionError>>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(_, file, src)| load_str(file, src))
        .collect()
});

/// Every built-in call, compiled once. A seed that fails to compile is an `Err` here and a
/// failing test in this crate, never a panic at run time.
pub fn all() -> impl Iterator<Item = Result<&'static Call, &'static DefinitionError>> {
    CALLS.iter().map(|r| r.as_ref())
}

/// A built-in call by id.
pub fn get(id: &str) -> Option<Result<&'static Call, &'static DefinitionError>> {
    SOURCES
        .iter()
        .position(|(cid, _, _)| *cid == id)
        .map(|i| CALLS[i].as_ref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_seed_call_compiles() {
        for (i, r) in super::all().enumerate() {
            let call = r.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                call.id(),
                super::SOURCES[i].0,
                "file id matches its listing"
            );
        }
    }
}
