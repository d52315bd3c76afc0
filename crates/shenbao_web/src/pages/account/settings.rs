//! The logged-in user's account page: who they are, their notification e-mail, their password.
//!
//! Must not: change another user's account.

use super::*;

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
