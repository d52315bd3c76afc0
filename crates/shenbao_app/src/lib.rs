//! shenbao's use-case layer, between the store and documents below and the web and CLI above.
//!
//! It is where an action's rules live once: what a submission freezes and how it is hashed
//! ([`snapshot`]), the documents built from the database for a unit or an application
//! ([`exports`], shared by the web pages and `shenbao export`), and, as the layer grows, each action (submit, withdraw, decide, forward,
//! assign, score, select, publish) as one function that takes the store, the acting user and
//! its input and commits everything the action writes in one transaction.
//!
//! May: read and write through `shenbao_store`, apply `shenbao_core`'s rules. Must not: know
//! HTTP, pages or the command line, or hold words shown to users (the front ends do).

pub mod accounts;
pub mod actions;
pub mod calls;
pub mod duplicates;
pub mod exclusions;
pub mod exports;
pub mod news;
pub mod snapshot;
pub mod timeline;
pub mod versions;
