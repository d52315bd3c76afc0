//! The second factor: setting it up on the account page, and the login step that asks for the
//! code after the password.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::Nav;
use super::account::{audit, open_session, safe_next};
use super::public::render;
use crate::ServerState;
use crate::auth::{self, Viewer};
use crate::error::AppError;
use crate::guard::Posted;
use crate::second_factor as sf;
use crate::strings as s;
use crate::throttle;

// ---- set-up -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account/second_factor.html")]
struct SetupPage {
    nav: Nav,
    required: bool,
    enabled: bool,
    codes_left: i64,
    /// Recovery codes, shown once right after enabling.
    codes: Vec<String>,
    secret: String,
    qr: String,
    error: String,
}

/// The set-up form.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
}

/// `GET /account/second-factor`: the status, or a new secret with its QR code to set up.
pub async fn setup_page(
    State(state): State<ServerState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    Ok(page(&state, &viewer, Vec::new(), "").await?.into_response())
}

async fn page(
    state: &ServerState,
    viewer: &Viewer,
    codes: Vec<String>,
    error: &str,
) -> Result<Html<String>, AppError> {
    let user = viewer.user(auth::SECOND_FACTOR_SETUP)?;
    let required = state.config.second_factor_roles.contains(&user.role);
    let current = state.store.totp(user.id).await?;
    let enabled = current.as_ref().is_some_and(|t| t.enabled_at.is_some());
    let (secret, qr) = if enabled {
        (String::new(), String::new())
    } else {
        // A secret being set up is kept until a code confirms it, so that a reload shows the
        // same QR code as the phone scanned.
        let secret = match current {
            Some(t) => t.secret,
            None => {
                let secret = sf::new_secret();
                state.store.begin_totp(user.id, &secret).await?;
                secret
            }
        };
        let url = sf::otpauth_url(&secret, &user.username).unwrap_or_default();
        (secret, sf::qr_data_url(&url).unwrap_or_default())
    };
    let codes_left = if enabled {
        state.store.recovery_codes_left(user.id).await?
    } else {
        0
    };
    render(SetupPage {
        nav: Nav::of(viewer),
        required,
        enabled,
        codes_left,
        codes,
        secret,
        qr,
        error: error.to_string(),
    })
}

/// `POST /account/second-factor`: `action=enable` with the first code (then the recovery
/// codes are shown once), or `action=disable` with a current code where the role allows it.
pub async fn setup(
    State(state): State<ServerState>,
    Posted { viewer, form, .. }: Posted<SetupForm>,
) -> Result<Response, AppError> {
    let user = viewer.user(auth::SECOND_FACTOR_SETUP)?.clone();
    let subject = user.id.to_string();
    let limit = [(throttle::SECOND_FACTOR, subject.as_str())];
    throttle::check(&state, &limit).await?;
    let now = state.now();
    let current = state.store.totp(user.id).await?;
    let step = current
        .as_ref()
        .and_then(|t| sf::matching_step(&t.secret, &form.code, now));
    let refuse = |state: ServerState, viewer: Viewer, message: &'static str| async move {
        let page = page(&state, &viewer, Vec::new(), message).await?;
        Ok::<Response, AppError>(
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        )
    };
    match (form.action.as_str(), current, step) {
        ("enable", Some(t), Some(step)) if t.enabled_at.is_none() => {
            let (shown, hashes) = sf::new_recovery_codes();
            if !state.store.enable_totp(user.id, step, now, &hashes).await? {
                return refuse(state, viewer, s::TOTP_WRONG).await;
            }
            throttle::clear(&state, &limit).await?;
            audit(
                &state,
                &viewer,
                None,
                "second_factor_enabled",
                Some(("user", user.id.to_string())),
                None,
            )
            .await?;
            // This request's viewer still says "must enroll"; the page is rendered for the
            // account as it is now.
            let viewer = Viewer {
                must_enroll: false,
                ..viewer
            };
            Ok(page(&state, &viewer, shown, "").await?.into_response())
        }
        ("disable", Some(t), Some(step)) if t.enabled_at.is_some() => {
            if state.config.second_factor_roles.contains(&user.role) {
                return refuse(state, viewer, s::TOTP_CANNOT_DISABLE).await;
            }
            if !state.store.accept_totp_step(user.id, step).await? {
                throttle::record(&state, &limit).await?;
                return refuse(state, viewer, s::TOTP_WRONG).await;
            }
            state.store.remove_totp(user.id).await?;
            audit(
                &state,
                &viewer,
                None,
                "second_factor_disabled",
                Some(("user", user.id.to_string())),
                None,
            )
            .await?;
            Ok(Redirect::to(auth::SECOND_FACTOR_SETUP).into_response())
        }
        _ => {
            throttle::record(&state, &limit).await?;
            refuse(state, viewer, s::TOTP_WRONG).await
        }
    }
}

// ---- the login step ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account/login_second_factor.html")]
struct LoginStepPage {
    nav: Nav,
    next: String,
    error: String,
}

/// Query of the login step.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The login step's form.
#[derive(Deserialize)]
pub struct LoginStepForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// The account waiting for its second factor in this browser.
async fn pending(state: &ServerState, jar: &CookieJar) -> Result<Option<(String, i64)>, AppError> {
    let Some(id) = jar.get(auth::PENDING_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    Ok(state
        .store
        .pending_login(&id, state.now())
        .await?
        .map(|user| (id, user)))
}

/// `GET /login/second-factor`.
pub async fn login_form(
    State(state): State<ServerState>,
    viewer: Viewer,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if pending(&state, &jar).await?.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(LoginStepPage {
        nav: Nav::of(&viewer),
        next: safe_next(q.next.as_deref()),
        error: String::new(),
    })?
    .into_response())
}

/// `POST /login/second-factor`: a current code (each accepted once) or an unused recovery
/// code opens the session; wrong codes are slowed down like wrong passwords.
pub async fn login(
    State(state): State<ServerState>,
    jar: CookieJar,
    Posted { viewer, form, .. }: Posted<LoginStepForm>,
) -> Result<Response, AppError> {
    let Some((pending_id, user_id)) = pending(&state, &jar).await? else {
        return Err(AppError::Refused(s::TOTP_LOGIN_EXPIRED.to_string()));
    };
    let subject = user_id.to_string();
    let limit = [(throttle::SECOND_FACTOR, subject.as_str())];
    throttle::check(&state, &limit).await?;
    let now = state.now();
    let secret = state.store.totp(user_id).await?.map(|t| t.secret);
    let by_code = match secret
        .as_deref()
        .and_then(|secret| sf::matching_step(secret, &form.code, now))
    {
        Some(step) => state.store.accept_totp_step(user_id, step).await?,
        None => false,
    };
    let ok = by_code
        || state
            .store
            .use_recovery_code(user_id, &sf::recovery_hash(&form.code), now)
            .await?;
    if !ok {
        throttle::record(&state, &limit).await?;
        audit(
            &state,
            &viewer,
            Some(user_id),
            "second_factor_failed",
            Some(("user", user_id.to_string())),
            None,
        )
        .await?;
        let page = render(LoginStepPage {
            nav: Nav::of(&viewer),
            next: safe_next(Some(&form.next)),
            error: s::TOTP_WRONG.to_string(),
        })?;
        return Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response());
    }
    throttle::clear(&state, &limit).await?;
    state.store.delete_pending_login(&pending_id, now).await?;
    let jar = jar.remove(auth::pending_cookie(String::new(), false));
    let jar = open_session(&state, jar, user_id).await?;
    audit(
        &state,
        &viewer,
        Some(user_id),
        "login",
        Some(("user", user_id.to_string())),
        Some(
            serde_json::json!({ "second_factor": if by_code { "totp" } else { "recovery_code" } })
                .to_string(),
        ),
    )
    .await?;
    Ok((jar, Redirect::to(&safe_next(Some(&form.next)))).into_response())
}
