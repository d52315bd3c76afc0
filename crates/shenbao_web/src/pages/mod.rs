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

use crate::auth::Viewer;
use crate::error::AppError;

/// What the header needs: who is logged in, and the CSRF token for the logout form.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Display name of the logged-in user.
    pub user: Option<String>,
    /// Role label of the logged-in user.
    pub role: Option<&'static str>,
    /// CSRF token for forms on the page.
    pub csrf: String,
    /// Whether the user is an applicant (shows 我的申报).
    pub applicant: bool,
    /// Whether the user is a bureau reviewer (shows 审核工作台).
    pub bureau: bool,
    /// Whether the user runs calls (shows 征集管理).
    pub owner: bool,
    /// Whether the user is an expert (shows 评审任务).
    pub expert: bool,
    /// Whether the user is an administrator (shows 审计日志).
    pub admin: bool,
    /// Unread inbox entries of the logged-in user (the badge on 消息).
    pub unread: i64,
}

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

    /// The header for nobody.
    pub fn anonymous(csrf: String) -> Nav {
        Nav {
            user: None,
            role: None,
            csrf,
            applicant: false,
            bureau: false,
            owner: false,
            expert: false,
            admin: false,
            unread: 0,
        }
    }
}

/// Any path that is not a page.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
