//! shenbao's domain core: call definitions, the form engine, validation and eligibility.
//!
//! This crate takes values and returns values. It must not do I/O (no files, network or
//! database), must not be async and must not read the clock: callers pass in everything,
//! including "now", so every rule here is testable in microseconds.

pub mod acceptance;
pub mod call;
pub mod consortium;
pub mod diff;
pub mod exclusion;
pub mod expr;
pub mod form;
pub mod ident;
pub mod limits;
pub mod messages;
pub mod near_duplicate;
pub mod output;
pub mod password;
pub mod quota;
pub mod region;
pub mod review;
pub mod routing;
pub mod sending;
pub mod text;
pub mod time;
pub mod workflow;
