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

/// Apache ECharts 5.6.0 (`assets/echarts.min.js`, licence in `assets/echarts.LICENSE.txt`),
/// for the statistics pages only. About 1 MB, so it is cached for a year: the pages name it
/// with its version (`?v=5.6.0`), and a new version gets a new address.
pub async fn echarts_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        include_bytes!("../../assets/echarts.min.js").as_slice(),
    )
}

/// Draws the statistics pages' charts from their tables (progressive enhancement: the tables
/// are the figures; without scripts they are all there is).
pub async fn statistics_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/statistics.js"),
    )
}
