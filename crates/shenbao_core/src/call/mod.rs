//! Call definitions: the file format ([`definition`]), reading it with precise error
//! locations ([`load`]), checking and compiling it into a [`Call`] ([`compile`]), and the
//! seed calls built into the binary ([`builtin`]).

pub mod builtin;
pub mod compile;
pub mod dates;
pub mod definition;
pub mod life;
pub mod load;

pub use compile::{Call, Choice, SlotLimits, Target, applies, parse_size};
pub use definition::CallDef;
pub use life::CallState;
pub use load::{DefinitionError, DefinitionProblem};

/// Reads and compiles a call-definition file. `file` names it in error messages.
pub fn load_str(file: &str, src: &str) -> Result<Call, DefinitionError> {
    let def = load::parse(file, src)?;
    compile::compile(file, src, def)
}

/// The JSON Schema of the call-definition format, for editor completion.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(CallDef)).unwrap_or_default()
}
