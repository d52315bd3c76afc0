//! What a request passes before its handler runs, as types in the handler's signature (in the
//! spirit of crates.io's `AuthCheck` and meilisearch's `GuardedData`), so that no handler can
//! forget a check:
//!
//! - [`SignedIn<G>`]: a page for the users gate `G` admits ([`Users`], [`Applicants`],
//!   [`Bureaus`], [`Reviewers`], [`Owners`], [`Experts`], [`Admins`]). A visitor who is not
//!   logged in is sent to the login page, coming back here; a user of another role gets 403.
//! - [`Posted<T, G>`]: a state-changing form whose CSRF token matches the visitor's (checked
//!   first, so that a forged request learns nothing), posted by someone `G` admits
//!   ([`Anyone`] by default); its form structs need no `csrf` field.
//!
//! Which object the user may touch (their organisation's application, their unit's queue, the
//! calls they own) is checked next, by the page's loader or by the action the handler calls
//! (`shenbao_app::actions`).
//!
//! Must not: be used for the file upload, whose CSRF token arrives inside the multipart stream
//! and is checked there before any file is read.

use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shenbao_store::{Role, UserRow};

use crate::ServerState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::posted_fields;

/// Who may pass: a gate admits a viewer at path `here` (where a login comes back to), or
/// refuses them.
pub trait Gate: Send + Sync + 'static {
    /// What the handler gets: the user for a gate that needs a login, nothing otherwise.
    type User: Send + Sync + std::fmt::Debug;
    /// The user this gate admits, or why not.
    fn admit(viewer: &Viewer, here: &str) -> Result<Self::User, AppError>;
}

/// Admits every visitor, logged in or not.
#[derive(Debug)]
pub struct Anyone;

impl Gate for Anyone {
    type User = ();
    fn admit(_: &Viewer, _: &str) -> Result<(), AppError> {
        Ok(())
    }
}

/// Admits every logged-in user.
#[derive(Debug)]
pub struct Users;

impl Gate for Users {
    type User = UserRow;
    fn admit(viewer: &Viewer, here: &str) -> Result<UserRow, AppError> {
        viewer.user(here).cloned()
    }
}

/// Gates that admit the users of some roles.
macro_rules! role_gates {
    ($($(#[$doc:meta])* $gate:ident => [$($role:ident),+];)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $gate;

        impl Gate for $gate {
            type User = UserRow;
            fn admit(viewer: &Viewer, here: &str) -> Result<UserRow, AppError> {
                viewer.user_with_role(here, &[$(Role::$role),+]).cloned()
            }
        }
    )*};
}

role_gates! {
    /// Admits applicant accounts (an enterprise's).
    Applicants => [Applicant];
    /// Admits bureau accounts (a county's, city's or province's review unit).
    Bureaus => [Bureau];
    /// Admits who may read a routed application: bureaus, call owners and administrators.
    Reviewers => [Bureau, Owner, Admin];
    /// Admits call owners and administrators.
    Owners => [Owner, Admin];
    /// Admits experts.
    Experts => [Expert];
    /// Admits administrators.
    Admins => [Admin];
}

/// The path (and query) of the request: where a login comes back to.
fn here(parts: &Parts) -> &str {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str())
}

/// The page (path and query) a form was posted from, from the `Referer` header when it names
/// a page of this site.
fn came_from(parts: &Parts) -> Option<&str> {
    let referer = parts
        .headers
        .get(axum::http::header::REFERER)?
        .to_str()
        .ok()?;
    let host = parts.headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?
        .strip_prefix(host)?;
    rest.starts_with('/').then_some(rest)
}

/// A request by a user gate `G` admits: the visitor and their account.
#[derive(Debug)]
pub struct SignedIn<G: Gate> {
    /// Who is asking.
    pub viewer: Viewer,
    /// Their account.
    pub user: G::User,
}

impl<G: Gate> SignedIn<G> {
    /// This user acting from this viewer's address at `now`: the actor of a use case.
    pub fn actor(&self, now: i64) -> shenbao_app::actions::Actor<'_>
    where
        G: Gate<User = UserRow>,
    {
        self.viewer.actor(&self.user, now)
    }
}

impl<G: Gate> FromRequestParts<ServerState> for SignedIn<G> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServerState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        let user = G::admit(&viewer, here(parts))?;
        Ok(SignedIn { viewer, user })
    }
}

/// A form with no typed fields: for handlers that read [`Posted::fields`].
#[derive(Debug, Default, Deserialize)]
pub struct Fields {}

/// A posted `application/x-www-form-urlencoded` form whose `csrf` field matched the visitor's
/// token, by someone gate `G` admits: the visitor, their account, the form as `T`
/// (deserialised as `axum::Form` would), and every field in order,
/// [`crate::form::clean`]ed.
#[derive(Debug)]
pub struct Posted<T = Fields, G: Gate = Anyone> {
    /// Who posted it.
    pub viewer: Viewer,
    /// Their account (nothing for [`Anyone`]).
    pub user: G::User,
    /// The typed form.
    pub form: T,
    /// The fields as posted (repeated names kept), cleaned.
    pub fields: Vec<(String, String)>,
}

impl<T, G: Gate> Posted<T, G> {
    /// The last value of field `name`, trimmed; empty when absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

impl<T: DeserializeOwned, G: Gate> FromRequest<ServerState> for Posted<T, G> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &ServerState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        // A login comes back to the page the form was on, not to the address it posts to.
        let here = came_from(&parts).unwrap_or("/").to_string();
        let req = Request::from_parts(parts, body);
        let RawForm(raw) = RawForm::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields = posted_fields(&raw);
        let token = fields
            .iter()
            .rev()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        viewer
            .check_csrf(token)
            .map_err(IntoResponse::into_response)?;
        let user = G::admit(&viewer, &here).map_err(IntoResponse::into_response)?;
        // As `axum::Form` answers a form that does not fit: 422, plain text, which
        // `error::chinese_rejections` turns into the Chinese error page.
        let form = serde_urlencoded::from_bytes(&raw).map_err(|e| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Failed to deserialize form body: {e}"),
            )
                .into_response()
        })?;
        Ok(Posted {
            viewer,
            user,
            form,
            fields,
        })
    }
}
