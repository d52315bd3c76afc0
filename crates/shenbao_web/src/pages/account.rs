//! Accounts: applicant registration, login, logout, the account page and password change.

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

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    nav: Nav,
    next: String,
    username: String,
    error: Option<&'static str>,
}

/// Query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    viewer: Viewer,
    Query(q): Query<NextQuery>,
) -> Result<Html<String>, AppError> {
    render(LoginPage {
        nav: Nav::of(&viewer),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    })
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: checks the password, rate-limits failures, opens a session.
pub async fn login(
    State(state): State<ServerState>,
    jar: CookieJar,
    Posted { viewer, form, .. }: Posted<LoginForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim().to_string();
    let ip = viewer.ip.clone().unwrap_or_else(|| "-".to_string());
    let pair = format!("{username}|{ip}");
    let keys = [
        (throttle::ACCOUNT_FROM_CLIENT, pair.as_str()),
        (throttle::CLIENT, ip.as_str()),
        (throttle::ACCOUNT_ANYWHERE, username.as_str()),
    ];
    if let Err(refusal) = throttle::check(&state, &keys).await {
        audit(
            &state,
            &viewer,
            None,
            "login_refused",
            Some(("user", username.clone())),
            None,
        )
        .await?;
        return Err(refusal);
    }
    let user = state.store.user_by_username(&username).await?;
    let ok = match &user {
        Some(u) => auth::verify_password_async(&form.password, &u.password_hash).await?,
        None => {
            // Spend the same time as a real check, so names cannot be probed by timing.
            let _ = auth::hash_password_async(&form.password).await;
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        throttle::record(&state, &keys).await?;
        audit(
            &state,
            &viewer,
            None,
            "login_failed",
            Some(("user", username.clone())),
            None,
        )
        .await?;
        let page = render(LoginPage {
            nav: Nav::of(&viewer),
            next: safe_next(Some(&form.next)),
            username,
            error: Some(s::LOGIN_FAILED),
        })?;
        return Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response());
    };
    throttle::clear(&state, &keys[..1]).await?;
    if state
        .store
        .totp(user.id)
        .await?
        .is_some_and(|t| t.enabled_at.is_some())
    {
        // The password was right; the session opens once the second factor is given.
        let now = state.now();
        let pending = auth::random_token();
        state
            .store
            .create_pending_login(&pending, user.id, now + crate::second_factor::PENDING_MS)
            .await?;
        audit(
            &state,
            &viewer,
            Some(user.id),
            "login_password_ok",
            Some(("user", user.id.to_string())),
            None,
        )
        .await?;
        let next = safe_next(Some(&form.next));
        let jar = jar.add(auth::pending_cookie(pending, state.config.secure_cookies));
        let to = format!(
            "/login/second-factor?next={}",
            crate::error::urlencode(&next)
        );
        return Ok((jar, Redirect::to(&to)).into_response());
    }
    let jar = open_session(&state, jar, user.id).await?;
    audit(
        &state,
        &viewer,
        Some(user.id),
        "login",
        Some(("user", user.id.to_string())),
        None,
    )
    .await?;
    Ok((jar, Redirect::to(&safe_next(Some(&form.next)))).into_response())
}

/// Opens a session for `user_id` and returns the jar with its cookie.
pub(crate) async fn open_session(
    state: &ServerState,
    jar: CookieJar,
    user_id: i64,
) -> Result<CookieJar, AppError> {
    let now = state.now();
    let id = auth::random_token();
    state
        .store
        .create_session(&NewSession {
            id: id.clone(),
            user_id,
            csrf_token: auth::random_token(),
            created_at: now,
            expires_at: now + auth::SESSION_IDLE_MS,
        })
        .await?;
    Ok(jar.add(auth::session_cookie(id, state.config.secure_cookies)))
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<ServerState>,
    jar: CookieJar,
    Posted { viewer, .. }: Posted,
) -> Result<Response, AppError> {
    if let Some((user, session)) = &viewer.login {
        state.store.delete_session(&session.id).await?;
        audit(
            &state,
            &viewer,
            Some(user.id),
            "logout",
            Some(("user", user.id.to_string())),
            None,
        )
        .await?;
    }
    Ok((jar.add(auth::clear_session_cookie()), Redirect::to("/")).into_response())
}

// ---- registration -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    nav: Nav,
    form: RegisterForm,
    errors: BTreeMap<&'static str, String>,
    region_name: String,
}

impl RegisterPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// The registration form (also what the page shows back after an error).
#[derive(Deserialize, Default, Clone)]
pub struct RegisterForm {
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `GET /register`.
pub async fn register_form(viewer: Viewer) -> Result<Html<String>, AppError> {
    render(RegisterPage {
        nav: Nav::of(&viewer),
        form: RegisterForm::default(),
        errors: BTreeMap::new(),
        region_name: String::new(),
    })
}

/// How many random login names registration tries before asking for another chosen name.
const LOGIN_NAME_TRIES: u32 = 16;

/// The login name for the `attempt`-th try: `chosen-NNNN`, with six digits after the first
/// half of the tries so that a crowded name still finds a free one.
fn login_name(chosen: &str, attempt: u32) -> String {
    let (low, span) = if attempt < LOGIN_NAME_TRIES / 2 {
        (1_000, 9_000)
    } else {
        (100_000, 900_000)
    };
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("operating system random source");
    format!("{chosen}-{}", low + u32::from_le_bytes(bytes) % span)
}

fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.chars().count())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c))
}

/// `POST /register`: an applicant organisation and its first user, in one transaction.
pub async fn register(
    State(state): State<ServerState>,
    jar: CookieJar,
    Posted {
        viewer, mut form, ..
    }: Posted<RegisterForm>,
) -> Result<Response, AppError> {
    let ip = viewer.ip.clone().unwrap_or_else(|| "-".to_string());
    let limit = [(throttle::REGISTRATION, ip.as_str())];
    throttle::check(&state, &limit).await?;
    // One-line fields: control characters and line ends dropped, NFC (the password is not
    // touched: it must match what the login form sends).
    for value in [
        &mut form.uscc,
        &mut form.org_name,
        &mut form.region,
        &mut form.contact,
    ] {
        *value = shenbao_core::text::clean_line(value);
    }
    let mut errors: BTreeMap<&'static str, String> = BTreeMap::new();
    let uscc = ident::parse_uscc(&form.uscc);
    if form.uscc.trim().is_empty() {
        errors.insert("uscc", s::ERR_REQUIRED.into());
    } else if uscc.is_err() {
        errors.insert("uscc", s::ERR_USCC_INVALID.into());
    }
    for (key, value) in [("org_name", &form.org_name), ("contact", &form.contact)] {
        if value.trim().is_empty() {
            errors.insert(key, s::ERR_REQUIRED.into());
        }
    }
    let region_ok = region::lookup(form.region.trim())
        .is_some_and(|d| d.level == region::Level::County || region::children(d.code).is_empty());
    if !region_ok {
        errors.insert("region", s::ERR_REGION.into());
    }
    let username = form.username.trim().to_string();
    if !valid_username(&username) {
        errors.insert("username", s::ERR_USERNAME.into());
    }
    let personal = [username.as_str(), form.org_name.trim(), form.uscc.trim()];
    if let Some(problem) = auth::password_problem(&form.password, &personal) {
        errors.insert("password", problem);
    } else if form.password != form.confirm {
        errors.insert("confirm", s::ERR_PASSWORD_MISMATCH.into());
    }
    if errors.is_empty() {
        // Every attempt that gets this far costs a hash.
        throttle::record(&state, &limit).await?;
        let now = state.now();
        let org = NewOrganisation {
            uscc: uscc.map(|u| u.code().to_string()).unwrap_or_default(),
            name: form.org_name.trim().to_string(),
            region: form.region.trim().to_string(),
            created_at: now,
        };
        let mut user = NewUser {
            username: String::new(),
            password_hash: auth::hash_password_async(&form.password).await?,
            display_name: form.contact.trim().to_string(),
            role: Role::Applicant,
            organisation_id: None,
            scope_region: None,
            scope_sector: None,
            email: None,
            created_at: now,
        };
        // The login name is the chosen one with random digits after it, every time: a refusal
        // of a taken name (or of a registered USCC, which the store no longer refuses) would
        // tell a stranger who has an account. A taken combination is retried with new digits,
        // which says nothing about the chosen name.
        for attempt in 0..LOGIN_NAME_TRIES {
            user.username = login_name(&username, attempt);
            match state.store.register_applicant(&org, &user).await {
                Ok((org, user)) => {
                    audit(
                        &state,
                        &viewer,
                        Some(user.id),
                        "register",
                        Some(("organisation", org.id.to_string())),
                        Some(serde_json::json!({ "uscc": org.uscc, "name": org.name }).to_string()),
                    )
                    .await?;
                    let jar = open_session(&state, jar, user.id).await?;
                    return Ok((jar, Redirect::to("/account?welcome=1")).into_response());
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        errors.insert("username", s::ERR_REGISTRATION_NAME_CROWDED.into());
    }
    form.password.clear();
    form.confirm.clear();
    let region_name = region::full_name(form.region.trim()).unwrap_or_default();
    let page = render(RegisterPage {
        nav: Nav::of(&viewer),
        form,
        errors,
        region_name,
    })?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

// ---- account and password ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    nav: Nav,
    username: String,
    display_name: String,
    role: &'static str,
    organisation: Option<(String, String, String)>,
    scope: Option<String>,
    notice: Option<&'static str>,
    /// The notification e-mail address shown in the form (stored, or as typed after an error).
    email: String,
    email_error: Option<&'static str>,
    /// Just registered: the login name the system gave is shown prominently.
    welcome: bool,
}

/// Query of the account page.
#[derive(Deserialize)]
pub struct AccountQuery {
    welcome: Option<String>,
    changed: Option<String>,
    /// `saved` or `cleared` after `POST /account/email`.
    email: Option<String>,
}

/// `GET /account`.
pub async fn show_account(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Users>,
    Query(q): Query<AccountQuery>,
) -> Result<Html<String>, AppError> {
    let notice = if q.welcome.is_some() {
        Some(s::WELCOME)
    } else if q.changed.is_some() {
        Some(s::PASSWORD_CHANGED)
    } else {
        match q.email.as_deref() {
            Some("saved") => Some(s::EMAIL_SAVED),
            Some("cleared") => Some(s::EMAIL_CLEARED),
            _ => None,
        }
    };
    let email = user.email.clone().unwrap_or_default();
    account_page(&state, &viewer, notice, email, None).await
}

/// The account page of the logged-in `viewer`.
async fn account_page(
    state: &ServerState,
    viewer: &Viewer,
    notice: Option<&'static str>,
    email: String,
    email_error: Option<&'static str>,
) -> Result<Html<String>, AppError> {
    let user = viewer.user("/account")?;
    let organisation = match user.organisation_id {
        Some(id) => state.store.organisation(id).await?.map(|o| {
            let place = region::full_name(&o.region).unwrap_or(o.region.clone());
            (o.name, o.uscc, place)
        }),
        None => None,
    };
    let scope = user
        .scope_region
        .as_deref()
        .map(|r| region::full_name(r).unwrap_or_else(|| r.to_string()))
        .or_else(|| user.scope_sector.clone());
    render(AccountPage {
        nav: Nav::of(viewer),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.label(),
        organisation,
        scope,
        notice,
        email,
        email_error,
        welcome: notice == Some(s::WELCOME),
    })
}

/// Longest notification e-mail address accepted (RFC 5321's path limit).
const MAX_EMAIL_LEN: usize = 254;

/// The notification e-mail form.
#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /account/email`: sets the notification e-mail address, or clears it when empty.
pub async fn set_email(
    State(state): State<ServerState>,
    Posted {
        viewer, user, form, ..
    }: Posted<EmailForm, Users>,
) -> Result<Response, AppError> {
    let email = form.email.trim();
    if !email.is_empty() && (email.len() > MAX_EMAIL_LEN || !ident::is_email(email)) {
        let page = account_page(
            &state,
            &viewer,
            None,
            email.to_string(),
            Some(s::EMAIL_INVALID),
        )
        .await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let email = (!email.is_empty()).then_some(email);
    state.store.set_user_email(user.id, email).await?;
    audit(
        &state,
        &viewer,
        Some(user.id),
        if email.is_some() {
            "email_set"
        } else {
            "email_cleared"
        },
        Some(("user", user.id.to_string())),
        None,
    )
    .await?;
    let to = if email.is_some() {
        "/account?email=saved"
    } else {
        "/account?email=cleared"
    };
    Ok(Redirect::to(to).into_response())
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    nav: Nav,
    errors: BTreeMap<&'static str, String>,
}

impl PasswordPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// `GET /account/password`.
pub async fn password_form(
    SignedIn { viewer, .. }: SignedIn<Users>,
) -> Result<Html<String>, AppError> {
    render(PasswordPage {
        nav: Nav::of(&viewer),
        errors: BTreeMap::new(),
    })
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password`: checks the old password, stores the new one and ends the user's
/// other sessions.
pub async fn change_password(
    State(state): State<ServerState>,
    Posted {
        viewer, user, form, ..
    }: Posted<PasswordForm, Users>,
) -> Result<Response, AppError> {
    let subject = user.id.to_string();
    let limit = [(throttle::PASSWORD_CHANGE, subject.as_str())];
    throttle::check(&state, &limit).await?;
    let mut errors: BTreeMap<&'static str, String> = BTreeMap::new();
    if !auth::verify_password_async(&form.old, &user.password_hash).await? {
        throttle::record(&state, &limit).await?;
        errors.insert("old", s::ERR_OLD_PASSWORD.into());
    }
    let organisation = match user.organisation_id {
        Some(id) => state.store.organisation(id).await?,
        None => None,
    };
    let mut personal = vec![user.username.as_str(), user.display_name.as_str()];
    if let Some(o) = &organisation {
        personal.extend([o.name.as_str(), o.uscc.as_str()]);
    }
    if let Some(problem) = auth::password_problem(&form.new, &personal) {
        errors.insert("new", problem);
    } else if form.new != form.confirm {
        errors.insert("confirm", s::ERR_PASSWORD_MISMATCH.into());
    }
    if !errors.is_empty() {
        let page = render(PasswordPage {
            nav: Nav::of(&viewer),
            errors,
        })?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = state.now();
    state
        .store
        .set_password(user.id, &auth::hash_password_async(&form.new).await?, now)
        .await?;
    if let Some((_, session)) = &viewer.login {
        state
            .store
            .delete_other_sessions(user.id, &session.id)
            .await?;
    }
    audit(
        &state,
        &viewer,
        Some(user.id),
        "password_changed",
        Some(("user", user.id.to_string())),
        None,
    )
    .await?;
    throttle::clear(&state, &limit).await?;
    Ok(Redirect::to("/account?changed=1").into_response())
}
