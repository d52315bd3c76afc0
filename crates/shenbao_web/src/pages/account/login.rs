//! Logging in (with the second step when the role needs it), opening a session, logging out.
//!
//! Must not: let a login go to another site (`safe_next`).

use super::*;

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
