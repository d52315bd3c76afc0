//! Static assets, compiled into the binary (no CDN).

use axum::http::header;
use axum::response::IntoResponse;

/// The style sheet.
pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/app.css"),
    )
}

/// The script (progressive enhancement only: every page works without it).
pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/app.js"),
    )
}

/// Word's 字数 rule for the browser (the same rule as the server's).
pub async fn zi_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/zi.js"),
    )
}
