//! One error type for every handler: it renders a Chinese HTML page with a way back, logs
//! internal errors once and never shows their details to the user.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::strings;

/// What went wrong while handling a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or object (also used for objects the user may not see).
    #[error("not found")]
    NotFound,
    /// The user is logged in but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The user must log in first; carries the path to come back to.
    #[error("login required")]
    LoginRequired(String),
    /// The user must set up a second factor before anything else.
    #[error("second factor required")]
    SecondFactorSetup,
    /// The CSRF token is missing or wrong.
    #[error("csrf")]
    Csrf,
    /// The action is not allowed now, with a message saying why (e.g. past the deadline).
    #[error("refused: {0}")]
    Refused(String),
    /// Too many attempts: the client must wait this many seconds.
    #[error("too many requests")]
    TooMany(u64),
    /// Anything else: logged, shown as a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<shenbao_store::StoreError> for AppError {
    fn from(e: shenbao_store::StoreError) -> AppError {
        AppError::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    message: &'a str,
    nav: crate::nav::Nav,
}

/// The Chinese error page with `status`.
fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        message,
        nav: crate::nav::Nav::anonymous(String::new()),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// axum answers some requests itself before any handler runs, in English plain text: a form
/// body over the 2 MB limit (413), a form that does not parse (400, 415, 422), a method the
/// route does not take (405). This middleware puts the Chinese error page in their place and
/// logs axum's reason for the operator. Pages and JSON of the handlers are left alone: only
/// plain-text or empty answers with those statuses are replaced. A request that asks for JSON
/// (the form's autosave) gets `{"message": …}` instead of the page.
pub async fn chinese_rejections(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let wants_json = request
        .headers()
        .get(axum::http::header::ACCEPT)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if let Some(refused) = refuse_oversized_form(&mut request, wants_json).await {
        return refused;
    }
    let response = next.run(request).await;
    let status = response.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => strings::ERROR_TOO_LARGE,
        StatusCode::BAD_REQUEST
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => strings::ERROR_BAD_REQUEST,
        StatusCode::METHOD_NOT_ALLOWED => strings::ERROR_METHOD,
        _ => return response,
    };
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !plain {
        return response;
    }
    let reason = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    tracing::info!(
        status = status.as_u16(),
        reason = %String::from_utf8_lossy(&reason),
        "request refused before its handler"
    );
    if wants_json {
        return (
            status,
            axum::Json(serde_json::json!({ "message": message })),
        )
            .into_response();
    }
    error_page(status, message)
}

/// axum's limit of a form body (its `DefaultBodyLimit`).
const FORM_LIMIT: u64 = 2 * 1024 * 1024;
/// A refused form body up to this size is read to its end before the answer.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// A form (`application/x-www-form-urlencoded`) whose `Content-Length` is over axum's 2 MB
/// limit is refused here, after its body has been read and thrown away (up to 64 MB).
///
/// axum's own refusal stops reading at the limit, and hyper then closes a connection whose
/// request body is unread: the browser, still sending, sees a broken pipe instead of the
/// Chinese answer (a test failed with `BrokenPipe` on a loaded machine). Reading the rest
/// first lets the answer arrive and keeps the connection. Larger bodies are refused at once.
/// `None` (the request untouched) when it is not such a form.
async fn refuse_oversized_form(
    request: &mut axum::extract::Request,
    wants_json: bool,
) -> Option<Response> {
    use axum::http::header;
    let h = request.headers();
    let is_form = h.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let length = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())?;
    if !is_form || length <= FORM_LIMIT {
        return None;
    }
    if length <= DRAIN_LIMIT {
        let body = std::mem::take(request.body_mut());
        // The connection's stall timeout ends a sender that stops half-way.
        let _ =
            axum::body::to_bytes(body, usize::try_from(DRAIN_LIMIT).unwrap_or(usize::MAX)).await;
    }
    tracing::info!(length, "form over the 2 MB limit refused");
    let status = StatusCode::PAYLOAD_TOO_LARGE;
    Some(if wants_json {
        (
            status,
            axum::Json(serde_json::json!({ "message": strings::ERROR_TOO_LARGE })),
        )
            .into_response()
    } else {
        error_page(status, strings::ERROR_TOO_LARGE)
    })
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, strings::ERROR_NOT_FOUND),
            AppError::Forbidden => (StatusCode::FORBIDDEN, strings::ERROR_FORBIDDEN),
            AppError::LoginRequired(next) => {
                return Redirect::to(&format!("/login?next={}", urlencode(next))).into_response();
            }
            AppError::SecondFactorSetup => {
                return Redirect::to(crate::second_factor::SECOND_FACTOR_SETUP).into_response();
            }
            AppError::Csrf => (StatusCode::FORBIDDEN, strings::ERROR_CSRF),
            AppError::TooMany(secs) => {
                let mut r = error_page(StatusCode::TOO_MANY_REQUESTS, &strings::too_many(*secs));
                r.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, (*secs).into());
                return r;
            }
            AppError::Refused(m) => (StatusCode::FORBIDDEN, m.as_str()),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, strings::ERROR_INTERNAL)
            }
        };
        error_page(status, message)
    }
}

/// Percent-encodes a path for a query parameter (only what a local path needs).
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
