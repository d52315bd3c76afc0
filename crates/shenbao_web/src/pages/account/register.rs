//! An applicant registers their organisation (USCC, region) and its first account.
//!
//! Must not: tell a stranger whether a USCC or name is taken beyond what the form needs.

use super::*;

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
