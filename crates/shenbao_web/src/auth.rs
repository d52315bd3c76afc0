//! Accounts and sessions: argon2id password hashes, database-backed sessions in an HttpOnly
//! cookie, CSRF tokens, and the [`Viewer`] extractor every handler uses to know who asks.
//!
//! CSRF: a logged-in form carries its session's token; an anonymous form (login, register)
//! carries the token of the `sb_csrf` cookie (double submit). Every POST must also come from
//! this site when the browser says where it comes from (`Origin`, `Sec-Fetch-Site`).

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use shenbao_store::{Role, SessionRow, UserRow};
use std::net::SocketAddr;

use crate::ServerState;
use crate::error::AppError;

pub use crate::second_factor::SECOND_FACTOR_SETUP;
/// Cookie of a login waiting for its second factor.
pub const PENDING_COOKIE: &str = "sb_pending";
/// Session cookie name.
pub const SESSION_COOKIE: &str = "sb_session";
/// Anonymous CSRF cookie name.
pub const CSRF_COOKIE: &str = "sb_csrf";
/// Sessions end after this long without a request.
pub const SESSION_IDLE_MS: i64 = 8 * 3600 * 1000;
/// A session's expiry is pushed forward at most this often (saves a write per request).
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;
pub use shenbao_app::accounts::{hash_password, random_token, verify_password};
pub use shenbao_core::password::{MIN_LEN as MIN_PASSWORD_LEN, problem as password_problem};

/// Password hashes computed at once: Argon2 takes a core for tens of milliseconds, so hashes
/// run on the blocking pool, at most one per core, and further requests wait their turn
/// without holding an async worker (16 clients registering used to slow a static file from
/// 5.6 ms to 748 ms).
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(
            std::thread::available_parallelism()
                .map(std::num::NonZeroUsize::get)
                .unwrap_or(2),
        )
    })
}

/// Runs a password hash or check on the blocking pool, one per core at a time.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _slot = hashing_slots()
        .acquire()
        .await
        .map_err(|e| anyhow::anyhow!("hashing slots closed: {e}"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| anyhow::anyhow!("password hashing task failed: {e}"))
}

/// [`hash_password`] on the blocking pool, for request handlers.
pub async fn hash_password_async(password: &str) -> anyhow::Result<String> {
    let password = password.to_string();
    off_the_workers(move || hash_password(&password)).await?
}

/// [`verify_password`] on the blocking pool, for request handlers.
pub async fn verify_password_async(password: &str, hash: &str) -> anyhow::Result<bool> {
    let (password, hash) = (password.to_string(), hash.to_string());
    off_the_workers(move || verify_password(&password, &hash)).await
}

/// Compares tokens in constant time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Who is asking: the logged-in user (with their session) or nobody, plus the CSRF token
/// their forms must carry and their address.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user and session, when logged in.
    pub login: Option<(UserRow, SessionRow)>,
    /// The CSRF token forms of this viewer carry.
    pub csrf: String,
    /// The client's address, when known.
    pub ip: Option<String>,
    /// Unread inbox entries of the logged-in user (0 for nobody), for the header badge.
    pub unread: i64,
    /// The user's role must have a second factor and the user has none yet: every page but
    /// its set-up sends them there.
    pub must_enroll: bool,
}

impl Viewer {
    /// The logged-in user, or a redirect to the login page coming back to `here`; a user who
    /// must first set up a second factor is sent to that page instead.
    pub fn user(&self, here: &str) -> Result<&UserRow, AppError> {
        let user = self
            .login
            .as_ref()
            .map(|(u, _)| u)
            .ok_or_else(|| AppError::LoginRequired(here.to_string()))?;
        if self.must_enroll && !here.starts_with(SECOND_FACTOR_SETUP) {
            return Err(AppError::SecondFactorSetup);
        }
        Ok(user)
    }

    /// The logged-in user with one of `roles`.
    pub fn user_with_role(&self, here: &str, roles: &[Role]) -> Result<&UserRow, AppError> {
        let u = self.user(here)?;
        if roles.contains(&u.role) {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// `user` (this viewer's account, as a page found it) acting from this viewer's address at
    /// `now`: the actor of a use case.
    pub fn actor<'a>(&'a self, user: &'a UserRow, now: i64) -> shenbao_app::actions::Actor<'a> {
        shenbao_app::actions::Actor {
            user,
            ip: self.ip.as_deref(),
            now,
        }
    }

    /// Checks a submitted CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if !submitted.is_empty() && same(submitted, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

/// The anonymous CSRF token of this request, set by [`csrf_cookie`].
#[derive(Clone)]
struct AnonCsrf(String);

impl FromRequestParts<ServerState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServerState,
    ) -> Result<Self, Self::Rejection> {
        // A handler may take several guards that each need the viewer: it is read once.
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| {
            state
                .config
                .trusted_proxies
                .client_ip(c.0.ip(), &parts.headers)
                .to_string()
        });
        let anon = parts
            .extensions
            .get::<AnonCsrf>()
            .map(|a| a.0.clone())
            .or_else(|| jar.get(CSRF_COOKIE).map(|c| c.value().to_string()))
            .unwrap_or_default();
        let now = state.now();
        let mut login = None;
        if let Some(id) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string())
            && let Some(session) = state.store.session(&id, now).await?
            && let Some(user) = state.store.user(session.user_id).await?
        {
            if now - session.last_seen_at > TOUCH_EVERY_MS {
                state
                    .store
                    .touch_session(&id, now, now + SESSION_IDLE_MS)
                    .await?;
            }
            login = Some((user, session));
        }
        let csrf = login
            .as_ref()
            .map(|(_, s)| s.csrf_token.clone())
            .unwrap_or(anon);
        // One indexed count per request of a logged-in user; the badge is not worth failing
        // a page for.
        let unread = match &login {
            Some((user, _)) => state
                .store
                .unread_notifications(user.id)
                .await
                .unwrap_or_else(|error| {
                    tracing::error!(?error, "counting unread notifications failed");
                    0
                }),
            None => 0,
        };
        let must_enroll = match &login {
            Some((user, _)) if state.config.second_factor_roles.contains(&user.role) => state
                .store
                .totp(user.id)
                .await?
                .is_none_or(|t| t.enabled_at.is_none()),
            _ => false,
        };
        let viewer = Viewer {
            login,
            csrf,
            ip,
            unread,
            must_enroll,
        };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// Middleware: gives every visitor an anonymous CSRF cookie, and refuses state-changing
/// requests that the browser says come from another site.
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD && cross_site(&req) {
        return AppError::Csrf.into_response();
    }
    let jar = CookieJar::from_headers(req.headers());
    let new_token = match jar.get(CSRF_COOKIE) {
        Some(_) => None,
        None => {
            let t = random_token();
            req.extensions_mut().insert(AnonCsrf(t.clone()));
            Some(t)
        }
    };
    let mut res = next.run(req).await;
    if let Some(t) = new_token {
        let c = Cookie::build((CSRF_COOKIE, t))
            .path("/")
            .http_only(true)
            .secure(state.config.secure_cookies)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// True when the browser marks the request as coming from another site.
fn cross_site(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let o = origin.split("://").nth(1).unwrap_or(origin);
            o != host
        }
        _ => false,
    }
}

/// The session cookie for a new login; `Secure` when the site is served over https.
pub fn session_cookie(id: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, id))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

/// The cookie of a login waiting for its second factor (the store ends it after five
/// minutes).
pub fn pending_cookie(id: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, id))
        .path("/login")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

/// Removes the session cookie.
pub fn clear_session_cookie() -> Cookie<'static> {
    let mut c = Cookie::build((SESSION_COOKIE, "")).path("/").build();
    c.make_removal();
    c
}
