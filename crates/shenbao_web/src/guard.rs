//! What every state-changing form request passes before its handler runs: the visitor
//! ([`Viewer`]) and a CSRF token in the form that matches theirs. A handler that takes
//! [`Posted`] cannot forget the check, and its form structs need no `csrf` field.
//!
//! (In the spirit of crates.io's `AuthCheck` and meilisearch's `GuardedData`: the guard is a
//! type in the handler's signature.) Who may act is checked next, by the use case the handler
//! calls (`shenbao_app::actions`), or for pages by [`Viewer::user_with_role`].
//!
//! Must not: be used for the file upload, whose CSRF token arrives inside the multipart stream
//! and is checked there before any file is read.

use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::ServerState;
use crate::auth::Viewer;
use crate::form::posted_fields;

/// A form with no typed fields: for handlers that read [`Posted::fields`].
#[derive(Debug, Default, Deserialize)]
pub struct Fields {}

/// A posted `application/x-www-form-urlencoded` form whose `csrf` field matched the visitor's
/// token: the visitor, the form as `T` (deserialised as `axum::Form` would), and every field
/// in order, [`crate::form::clean`]ed.
#[derive(Debug)]
pub struct Posted<T = Fields> {
    /// Who posted it.
    pub viewer: Viewer,
    /// The typed form.
    pub form: T,
    /// The fields as posted (repeated names kept), cleaned.
    pub fields: Vec<(String, String)>,
}

impl<T> Posted<T> {
    /// The last value of field `name`, trimmed; empty when absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

impl<T: DeserializeOwned> FromRequest<ServerState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &ServerState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
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
            form,
            fields,
        })
    }
}
