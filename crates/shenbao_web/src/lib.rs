//! shenbao's web platform: the axum router, pages, accounts and sessions.
//!
//! Handlers are short: they parse, call one action of `shenbao_app`, and pick a page. A
//! page's text is written in its template (`templates/`); `strings.rs` holds the text Rust
//! produces. Time comes from [`ServerState::now`] so tests can move the clock.

pub mod auth;
/// The calls this installation runs (they live in the use-case layer).
pub use shenbao_app::calls;
pub mod documents;
pub mod error;
pub mod files;
pub mod form;
pub mod guard;
pub mod nav;
pub mod notices;
pub mod notify;
pub mod pages;
pub mod proxy;
mod scoring;
pub mod second_factor;
pub mod server;
pub mod strings;
pub mod throttle;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use shenbao_store::Store;

pub use calls::CallRegistry;
pub use files::FileStore;
pub use notify::{Notice, Notifier};
pub use proxy::TrustedProxies;
pub use server::ServeOptions;

/// Settings of the web layer that come from the operator.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    /// Cookies get `Secure` (the site is served over https: `--public-url https://…`, or
    /// `--secure-cookies`).
    pub secure_cookies: bool,
    /// Roles whose accounts must have a second factor (`--require-second-factor`).
    pub second_factor_roles: Vec<shenbao_store::Role>,
    /// The site's address as users reach it (`--public-url`, else the listening address):
    /// the QR codes on printed forms point at its verification pages.
    pub public_url: Option<String>,
}

/// A source of "now" in Unix milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What every handler can reach.
#[derive(Clone)]
pub struct ServerState {
    /// The database.
    pub store: Store,
    /// The calls this installation runs.
    pub calls: Arc<CallRegistry>,
    /// Uploaded files.
    pub files: Arc<FileStore>,
    /// Tells users about things that happened (inbox, and e-mail when configured).
    pub notifier: Notifier,
    /// The operator's settings.
    pub config: Arc<WebConfig>,
    clock: Clock,
}

impl ServerState {
    /// State over `store`, `calls` and `files` with the system clock.
    pub fn new(store: Store, calls: CallRegistry, files: FileStore) -> ServerState {
        ServerState::with_clock(store, calls, files, Arc::new(system_now))
    }

    /// State with a given clock (tests).
    pub fn with_clock(
        store: Store,
        calls: CallRegistry,
        files: FileStore,
        clock: Clock,
    ) -> ServerState {
        ServerState {
            store,
            calls: Arc::new(calls),
            files: Arc::new(files),
            notifier: Notifier::default(),
            config: Arc::new(WebConfig::default()),
            clock,
        }
    }

    /// The same state with `notifier` (the default tells the inbox only).
    pub fn with_notifier(self, notifier: Notifier) -> ServerState {
        ServerState { notifier, ..self }
    }

    /// The same state with the operator's `config`.
    pub fn with_config(self, config: WebConfig) -> ServerState {
        ServerState {
            config: Arc::new(config),
            ..self
        }
    }

    /// The clock, for background tasks such as the mail worker.
    pub fn clock(&self) -> Clock {
        Arc::clone(&self.clock)
    }

    /// Now, in Unix milliseconds.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }
}

pub use shenbao_app::accounts::system_now;

/// Declares every route once: its path, its methods and its handlers. The router is built
/// from it, and [`ROUTES`] lists it for the route × role access test, so that a route added
/// without an access rule fails that test.
macro_rules! routes {
    ($($path:literal [$($method:ident),+] => $route:expr),* $(,)?) => {
        /// Every route of the site: its path and methods, as the router serves them.
        pub const ROUTES: &[(&str, &[&str])] = &[$(($path, &[$(stringify!($method)),+])),*];

        fn add_routes(router: Router<ServerState>) -> Router<ServerState> {
            router$(.route($path, $route))*
        }
    };
}

routes! {
    // Public.
    "/" [GET] => get(pages::public::list_calls),
    "/calls/{id}" [GET] => get(pages::public::show_call),
    "/calls/{id}/blank/{direction}/{format}" [GET] => get(pages::public::blank_form),
    "/calls/{id}/applications" [POST] => post(pages::application::start_application),
    "/regions" [GET] => get(pages::public::list_regions),
    "/regions/{code}" [GET] => get(pages::public::list_regions_under),
    "/assets/app.css" [GET] => get(pages::assets::css),
    "/assets/app.js" [GET] => get(pages::assets::js),
    "/assets/zi.js" [GET] => get(pages::assets::zi_js),
    "/assets/echarts.min.js" [GET] => get(pages::assets::echarts_js),
    "/assets/statistics.js" [GET] => get(pages::assets::statistics_js),
    // Accounts.
    "/register" [GET, POST] => get(pages::account::register_form).post(pages::account::register),
    "/login" [GET, POST] => get(pages::account::login_form).post(pages::account::login),
    "/login/second-factor" [GET, POST] => get(pages::second_factor::login_form).post(pages::second_factor::login),
    "/logout" [POST] => post(pages::account::logout),
    "/account" [GET] => get(pages::account::show_account),
    "/account/second-factor" [GET, POST] => get(pages::second_factor::setup_page).post(pages::second_factor::setup),
    "/account/password" [GET, POST] => get(pages::account::password_form).post(pages::account::change_password),
    // Applicants.
    "/applications" [GET] => get(pages::application::list_applications),
    "/applications/{id}" [GET] => get(pages::application::show_application),
    "/applications/{id}/form/{format}" [GET] => get(pages::application::download_form),
    "/applications/{id}/letter/{letter}/{format}" [GET] => get(pages::application::download_letter),
    "/applications/{id}/edit" [GET, POST] => get(pages::application::edit_application).post(pages::application::save_application),
    "/applications/{id}/autosave" [POST] => post(pages::application::autosave_application),
    "/applications/{id}/files" [POST] => post(pages::application::upload_file).layer(axum::extract::DefaultBodyLimit::disable()),
    "/applications/{id}/files/{file}" [GET] => get(pages::application::download_file),
    "/applications/{id}/files/{file}/delete" [POST] => post(pages::application::delete_file),
    "/applications/{id}/submit" [GET, POST] => get(pages::application::submit_form).post(pages::application::submit_application),
    "/applications/{id}/withdraw" [POST] => post(pages::application::withdraw_application),
    "/applications/{id}/members" [POST] => post(pages::application::change_members),
    // Bureaus: queues, review, ranking and forwarding.
    "/review" [GET] => get(pages::review::index),
    "/review/{call}" [GET] => get(pages::review::queue),
    "/review/{call}/batch" [POST] => post(pages::review::batch_decide),
    "/review/{call}/export.xlsx" [GET] => get(pages::review::export_queue),
    "/review/{call}/applications/{id}" [GET] => get(pages::review::show),
    "/review/{call}/applications/{id}/decide" [POST] => post(pages::review::decide),
    "/review/{call}/applications/{id}/form/{format}" [GET] => get(pages::review::download_form),
    "/review/{call}/applications/{id}/files/{file}" [GET] => get(pages::review::download),
    "/review/{call}/ranking" [GET] => get(pages::review::ranking),
    "/review/{call}/ranking/move" [POST] => post(pages::review::move_rank),
    "/review/{call}/forward" [POST] => post(pages::review::forward),
    "/review/{call}/summary/{table}" [GET] => get(pages::review::summary),
    "/review/{call}/package" [GET] => get(pages::review::package),
    "/review/{call}/letter" [GET] => get(pages::review::letter),
    "/review/{call}/scans" [POST] => post(pages::review::upload_scan).layer(axum::extract::DefaultBodyLimit::disable()),
    "/review/{call}/scans/{id}" [GET] => get(pages::review::download_scan),
    "/review/{call}/statistics" [GET] => get(pages::review::unit_statistics),
    "/review/{call}/statistics.xlsx" [GET] => get(pages::review::unit_statistics_xlsx),
    "/review/{call}/timeline" [GET, POST] => get(pages::review::timeline_page).post(pages::review::save_timeline),
    // Notifications.
    "/inbox" [GET] => get(pages::inbox::show_inbox),
    "/inbox/read-all" [POST] => post(pages::inbox::read_all),
    "/inbox/{id}/read" [POST] => post(pages::inbox::read_one),
    "/account/email" [POST] => post(pages::account::set_email),
    // Administrators: the audit log.
    "/admin/audit" [GET] => get(pages::admin::audit_log),
    "/admin/audit.csv" [GET] => get(pages::admin::audit_csv),
    // Owner, experts and results.
    "/owner" [GET] => get(pages::owner::list_calls),
    "/owner/calls/new" [GET, POST] => get(pages::owner::upload_page).post(pages::owner::upload),
    "/owner/{call}/definition" [GET] => get(pages::owner::definition_page),
    "/owner/{call}/preview" [GET] => get(pages::owner::form_preview),
    "/owner/{call}/state" [POST] => post(pages::owner::move_state),
    "/owner/{call}/dates" [POST] => post(pages::owner::set_dates),
    "/owner/{call}/versions/{version}/publish" [POST] => post(pages::owner::publish_version),
    "/owner/{call}" [GET] => get(pages::owner::dashboard),
    "/owner/{call}/exclusions" [GET, POST] => get(pages::owner::exclusions_page).post(pages::owner::upload_exclusions).layer(axum::extract::DefaultBodyLimit::max(shenbao_app::exclusions::MAX_BYTES + 64 * 1024)),
    "/owner/{call}/experts" [GET, POST] => get(pages::owner::experts_page).post(pages::owner::experts_action),
    "/owner/{call}/assignments" [GET] => get(pages::owner::assignments_page),
    "/owner/{call}/assignments/assign" [POST] => post(pages::owner::assign),
    "/owner/{call}/assignments/unassign" [POST] => post(pages::owner::unassign),
    "/owner/{call}/assignments/auto" [POST] => post(pages::owner::auto_assign),
    "/owner/{call}/ranking" [GET] => get(pages::owner::ranking_page),
    "/owner/{call}/ranking/select" [POST] => post(pages::owner::select),
    "/owner/{call}/ranking/unselect" [POST] => post(pages::owner::unselect),
    "/owner/{call}/received" [GET] => get(pages::owner::received_page),
    "/owner/{call}/statistics" [GET] => get(pages::owner::owner_statistics),
    "/owner/{call}/statistics.xlsx" [GET] => get(pages::owner::owner_statistics_xlsx),
    "/owner/{call}/summary/{table}" [GET] => get(pages::owner::owner_summary),
    "/owner/{call}/publish" [GET, POST] => get(pages::owner::publish_form).post(pages::owner::publish),
    "/expert" [GET] => get(pages::expert::list_assignments),
    "/expert/assignments/{id}" [GET, POST] => get(pages::expert::show_assignment).post(pages::expert::save_assignment),
    "/expert/assignments/{id}/form/{format}" [GET] => get(pages::expert::download_form),
    "/expert/assignments/{id}/files/{file}" [GET] => get(pages::expert::download_file),
    "/expert/assignments/{id}/recuse" [POST] => post(pages::expert::recuse),
    "/calls/{id}/results" [GET] => get(pages::results::show_results),
    "/verify/{key}" [GET] => get(pages::verify::verify_page),
}

/// Every route, and the layers every request goes through.
pub fn router(state: ServerState) -> Router {
    add_routes(Router::new())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(error::chinese_rejections))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_cookie,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_page))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// What a request whose handler panicked gets: the Chinese error page (500), and the panic
/// in the log, instead of a dropped connection.
fn panic_page(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    axum::response::IntoResponse::into_response(error::AppError::Internal(anyhow::anyhow!(
        "handler panicked: {message}"
    )))
}

/// The Content-Security-Policy of every response: scripts, styles, images and fonts only from
/// this site (no inline script or style), forms only to this site, never in a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Middleware: the security headers on every response, errors and files included.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderName, HeaderValue, header};
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Serves `router` on `listener` with the default [`ServeOptions`] until Ctrl-C.
pub async fn serve(state: ServerState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    serve_with(state, listener, ServeOptions::default()).await
}

/// Serves `router` on `listener` with `options` until Ctrl-C; meanwhile old login failures are
/// pruned every ten minutes, and the calls are re-read from the database every
/// [`CALL_REFRESH`], so that a version another server stored is served here too.
pub async fn serve_with(
    state: ServerState,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
) -> anyhow::Result<()> {
    let pruner = tokio::spawn(prune_login_failures(state.clone()));
    let refresher = tokio::spawn(refresh_calls(state.clone()));
    let options = ServeOptions {
        trusted_proxies: state.config.trusted_proxies.clone(),
        ..options
    };
    let result = server::run(listener, router(state), options, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    pruner.abort();
    refresher.abort();
    Ok(result?)
}

/// How often a server looks for call versions stored by another (two small queries).
pub const CALL_REFRESH: std::time::Duration = std::time::Duration::from_secs(10);

/// Re-reads which call versions are stored and current, every [`CALL_REFRESH`].
async fn refresh_calls(state: ServerState) {
    let mut tick = tokio::time::interval(CALL_REFRESH);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(error) = state.calls.refresh(&state.store).await {
            tracing::warn!(%error, "the calls could not be re-read");
        }
    }
}

/// Deletes login failures older than the throttling window, every ten minutes.
async fn prune_login_failures(state: ServerState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(error) = state
            .store
            .prune_login_failures(state.now() - throttle::WINDOW_MS)
            .await
        {
            tracing::warn!(?error, "pruning old login failures failed");
        }
    }
}
