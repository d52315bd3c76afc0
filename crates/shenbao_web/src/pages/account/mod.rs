//! Accounts: applicant registration, login, logout, the account page and password change.
//!
//! Split by screen: `login.rs` (log in, log out, sessions), `register.rs` (an applicant's
//! registration), `settings.rs` (the account page, e-mail and password); here what they and
//! the second-factor pages share (the audit entry, the safe `next` path).
//!
//! Must not: hash or compare passwords itself (`shenbao_app::accounts` does, through
//! `crate::auth`).
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use shenbao_core::{ident, region};
use shenbao_store::{NewAuditEntry, NewOrganisation, NewSession, NewUser, Role, StoreError};

use super::Nav;
use super::public::render;
use crate::ServerState;
use crate::auth::{self, Viewer};
use crate::error::AppError;
use crate::guard::{Posted, SignedIn, Users};
use crate::strings as s;
use crate::throttle;

mod login;
mod register;
mod settings;

pub use login::*;
pub use register::*;
pub use settings::*;

/// Records an audit entry; a failure to write it fails the request.
pub async fn audit(
    state: &ServerState,
    viewer: &Viewer,
    actor: Option<i64>,
    action: &str,
    target: Option<(&str, String)>,
    detail: Option<String>,
) -> Result<(), AppError> {
    state
        .store
        .audit(&NewAuditEntry {
            at: state.now(),
            actor_user_id: actor.or_else(|| viewer.login.as_ref().map(|(u, _)| u.id)),
            actor_ip: viewer.ip.clone(),
            action: action.to_string(),
            target_kind: target.as_ref().map(|t| t.0.to_string()),
            target_id: target.map(|t| t.1),
            detail,
        })
        .await?;
    Ok(())
}

/// A path of this site to go to after login; anything else goes home.
///
/// The path is parsed as a browser would parse it (the `url` crate follows the WHATWG URL
/// standard: tabs and newlines are dropped, `\\` is a `/`) against a placeholder origin, and
/// only a result on that same origin is kept, re-serialised from its parts. So `/\t/evil`
/// (which a browser reads as `//evil`), `/\\evil`, `https:evil` and a newline that would
/// break the `Location` header all go home.
pub fn safe_next(next: Option<&str>) -> String {
    const BASE: &str = "http://shenbao.invalid/";
    let Some(next) = next.filter(|n| n.starts_with('/')) else {
        return "/".to_string();
    };
    let (Ok(base), Ok(placeholder)) = (url::Url::parse(BASE), url::Url::parse(BASE)) else {
        return "/".to_string();
    };
    match base.join(next) {
        Ok(u) if u.origin() == placeholder.origin() && u.username().is_empty() => {
            let mut path = u.path().to_string();
            if let Some(q) = u.query() {
                path.push('?');
                path.push_str(q);
            }
            if let Some(f) = u.fragment() {
                path.push('#');
                path.push_str(f);
            }
            // A path that starts with `//` would be read as another host in `Location`.
            if path.starts_with("//") {
                "/".to_string()
            } else {
                path
            }
        }
        _ => "/".to_string(),
    }
}

// ---- login ------------------------------------------------------------------------------
