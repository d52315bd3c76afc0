//! Page handlers, one module per audience.

pub mod account;
pub mod admin;
pub mod application;
pub mod assets;
pub mod expert;
pub mod inbox;
pub mod owner;
pub mod public;
pub mod results;
pub mod review;
pub mod second_factor;
pub mod statistics;
pub mod verify;
pub mod view;

use crate::auth::Viewer;
use crate::error::AppError;
pub use crate::nav::Nav;

/// The header of a page: built here, where the viewer is known (the type is in `nav`, which
/// the error pages use without depending on the login).
impl Nav {
    /// The header for `viewer`.
    pub fn of(viewer: &Viewer) -> Nav {
        let role = viewer.login.as_ref().map(|(u, _)| u.role);
        Nav {
            user: viewer.login.as_ref().map(|(u, _)| u.display_name.clone()),
            role: viewer.login.as_ref().map(|(u, _)| u.role.label()),
            csrf: viewer.csrf.clone(),
            applicant: viewer
                .login
                .as_ref()
                .is_some_and(|(u, _)| u.role == shenbao_store::Role::Applicant),
            bureau: viewer
                .login
                .as_ref()
                .is_some_and(|(u, _)| u.role == shenbao_store::Role::Bureau),
            owner: matches!(
                role,
                Some(shenbao_store::Role::Owner | shenbao_store::Role::Admin)
            ),
            expert: role == Some(shenbao_store::Role::Expert),
            admin: role == Some(shenbao_store::Role::Admin),
            unread: viewer.unread,
        }
    }
}

/// Any path that is not a page.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
