//! shenbao's web platform: the axum router, pages, accounts and sessions.
//!
//! Handlers are short: they parse, call the core or the store, and pick a page. Page text
//! lives in `strings.rs`; layout in `templates/`. Time comes from [`ServerState::now`] so
//! tests can move the clock.

pub mod auth;
pub mod calls;
pub mod documents;
pub mod error;
pub mod exports;
pub mod files;
pub mod form;
pub mod notices;
pub mod notify;
pub mod pages;
mod scoring;
pub mod strings;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use shenbao_store::Store;

pub use calls::CallRegistry;
pub use files::FileStore;
pub use notify::{Notice, Notifier};

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
            clock,
        }
    }

    /// The same state with `notifier` (the default tells the inbox only).
    pub fn with_notifier(self, notifier: Notifier) -> ServerState {
        ServerState { notifier, ..self }
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

/// The system clock in Unix milliseconds.
pub fn system_now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Every route, grouped by audience.
pub fn router(state: ServerState) -> Router {
    Router::new()
        // Public.
        .route("/", get(pages::public::list_calls))
        .route("/calls/{id}", get(pages::public::show_call))
        .route(
            "/calls/{id}/blank/{direction}/{format}",
            get(pages::public::blank_form),
        )
        .route(
            "/calls/{id}/applications",
            post(pages::application::start_application),
        )
        .route("/regions", get(pages::public::list_regions))
        .route("/regions/{code}", get(pages::public::list_regions_under))
        .route("/assets/app.css", get(pages::assets::css))
        .route("/assets/app.js", get(pages::assets::js))
        .route("/assets/zi.js", get(pages::assets::zi_js))
        // Accounts.
        .route(
            "/register",
            get(pages::account::register_form).post(pages::account::register),
        )
        .route(
            "/login",
            get(pages::account::login_form).post(pages::account::login),
        )
        .route("/logout", post(pages::account::logout))
        .route("/account", get(pages::account::show_account))
        .route(
            "/account/password",
            get(pages::account::password_form).post(pages::account::change_password),
        )
        // Applicants.
        .route("/applications", get(pages::application::list_applications))
        .route(
            "/applications/{id}",
            get(pages::application::show_application),
        )
        .route(
            "/applications/{id}/form/{format}",
            get(pages::application::download_form),
        )
        .route(
            "/applications/{id}/letter/{letter}/{format}",
            get(pages::application::download_letter),
        )
        .route(
            "/applications/{id}/edit",
            get(pages::application::edit_application).post(pages::application::save_application),
        )
        .route(
            "/applications/{id}/autosave",
            post(pages::application::autosave_application),
        )
        .route(
            "/applications/{id}/files",
            post(pages::application::upload_file).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/applications/{id}/files/{file}",
            get(pages::application::download_file),
        )
        .route(
            "/applications/{id}/files/{file}/delete",
            post(pages::application::delete_file),
        )
        .route(
            "/applications/{id}/submit",
            get(pages::application::submit_form).post(pages::application::submit_application),
        )
        .route(
            "/applications/{id}/withdraw",
            post(pages::application::withdraw_application),
        )
        // Bureaus: queues, review, ranking and forwarding.
        .route("/review", get(pages::review::index))
        .route("/review/{call}", get(pages::review::queue))
        .route("/review/{call}/applications/{id}", get(pages::review::show))
        .route(
            "/review/{call}/applications/{id}/decide",
            post(pages::review::decide),
        )
        .route(
            "/review/{call}/applications/{id}/form/{format}",
            get(pages::review::download_form),
        )
        .route(
            "/review/{call}/applications/{id}/files/{file}",
            get(pages::review::download),
        )
        .route("/review/{call}/ranking", get(pages::review::ranking))
        .route(
            "/review/{call}/ranking/move",
            post(pages::review::move_rank),
        )
        .route("/review/{call}/forward", post(pages::review::forward))
        .route(
            "/review/{call}/summary/{table}",
            get(pages::review::summary),
        )
        .route("/review/{call}/package", get(pages::review::package))
        // Notifications.
        .route("/inbox", get(pages::inbox::show_inbox))
        .route("/inbox/read-all", post(pages::inbox::read_all))
        .route("/inbox/{id}/read", post(pages::inbox::read_one))
        .route("/account/email", post(pages::account::set_email))
        // Administrators: the audit log.
        .route("/admin/audit", get(pages::admin::audit_log))
        .route("/admin/audit.csv", get(pages::admin::audit_csv))
        // Owner, experts and results.
        .route("/owner", get(pages::owner::list_calls))
        .route("/owner/{call}", get(pages::owner::dashboard))
        .route(
            "/owner/{call}/experts",
            get(pages::owner::experts_page).post(pages::owner::experts_action),
        )
        .route(
            "/owner/{call}/assignments",
            get(pages::owner::assignments_page),
        )
        .route(
            "/owner/{call}/assignments/assign",
            post(pages::owner::assign),
        )
        .route(
            "/owner/{call}/assignments/unassign",
            post(pages::owner::unassign),
        )
        .route(
            "/owner/{call}/assignments/auto",
            post(pages::owner::auto_assign),
        )
        .route("/owner/{call}/ranking", get(pages::owner::ranking_page))
        .route("/owner/{call}/ranking/select", post(pages::owner::select))
        .route(
            "/owner/{call}/ranking/unselect",
            post(pages::owner::unselect),
        )
        .route(
            "/owner/{call}/publish",
            get(pages::owner::publish_form).post(pages::owner::publish),
        )
        .route("/expert", get(pages::expert::list_assignments))
        .route(
            "/expert/assignments/{id}",
            get(pages::expert::show_assignment).post(pages::expert::save_assignment),
        )
        .route(
            "/expert/assignments/{id}/form/{format}",
            get(pages::expert::download_form),
        )
        .route(
            "/expert/assignments/{id}/files/{file}",
            get(pages::expert::download_file),
        )
        .route(
            "/expert/assignments/{id}/recuse",
            post(pages::expert::recuse),
        )
        .route("/calls/{id}/results", get(pages::results::show_results))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(error::chinese_rejections))
        .layer(axum::middleware::from_fn(auth::csrf_cookie))
        .with_state(state)
}

/// Serves `router` on `listener` until Ctrl-C.
pub async fn serve(state: ServerState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
