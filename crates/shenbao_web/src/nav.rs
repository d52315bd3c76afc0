//! The page header's data, on its own so that error pages can be drawn without the login
//! machinery (`pages` builds it for a viewer with `Nav::of`).

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
