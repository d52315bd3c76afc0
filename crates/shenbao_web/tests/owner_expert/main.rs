//! The owner's and the experts' side over real HTTP, on SQLite and (in CI) PostgreSQL: the
//! expert pool and conflicts, assignment by hand and automatic (balanced, never where
//! conflicted), the experts' score sheets (own assignments only, frozen once submitted, bad
//! scores refused without losing the draft), the ranking with known numbers, selection by
//! cut-off, publication and the public results, and the role checks.

#[path = "../common/mod.rs"]
mod common;

use common::{App, csrf_of, location};
use reqwest::StatusCode;
use shenbao_store::testing::{TestDb, place_at_owner_level};
use shenbao_store::{
    ApplicationEvent, NewApplication, NewAssignment, NewAttachment, NewOrganisation, NewSnapshot,
    NewUser, Role,
};

const CALL: &str = "gd-2023-ai-scenarios";
const PASSWORD: &str = "secret-123";

// ---------------------------------------------------------------------------------------------
// Set-up

fn new_user(username: &str, role: Role, organisation_id: Option<i64>) -> NewUser {
    NewUser {
        username: username.into(),
        password_hash: shenbao_web::auth::hash_password(PASSWORD).expect("hash"),
        display_name: format!("{username}名"),
        role,
        organisation_id,
        scope_region: None,
        scope_sector: None,
        email: None,
        created_at: common::NOW,
    }
}

/// An organisation with an applicant account; returns (organisation id, applicant id).
async fn org(app: &App, n: u32, region: &str) -> (i64, i64) {
    let (o, u) = app
        .store
        .register_applicant(
            &NewOrganisation {
                uscc: format!("91440300MA5F{n:06}"),
                name: format!("测试单位{n}"),
                region: region.into(),
                created_at: common::NOW,
            },
            &new_user(&format!("applicant{n}"), Role::Applicant, None),
        )
        .await
        .expect("organisation");
    (o.id, u.id)
}

fn uscc(n: u32) -> String {
    format!("91440300MA5F{n:06}")
}

async fn user(app: &App, username: &str, role: Role, organisation_id: Option<i64>) -> i64 {
    app.store
        .create_user(&new_user(username, role, organisation_id))
        .await
        .expect("user")
        .id
}

/// A logged-in browser.
async fn browser(app: &App, username: &str) -> reqwest::Client {
    let b = app.browser();
    assert_eq!(
        app.login(&b, username, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    b
}

fn event() -> ApplicationEvent {
    ApplicationEvent {
        at: common::NOW,
        actor_user_id: None,
        actor_ip: None,
        note: None,
    }
}

/// A submitted application of `organisation` that has reached the owner, titled `title`.
async fn application(app: &App, organisation: (i64, i64), direction: &str, title: &str) -> i64 {
    let created = app
        .store
        .create_application(
            &NewApplication {
                call_id: CALL.into(),
                call_version: 1,
                direction: direction.into(),
                subdirection: None,
                organisation_id: organisation.0,
                created_by: organisation.1,
                answers: "{}".into(),
                created_at: common::NOW,
            },
            &event(),
        )
        .await
        .expect("create");
    app.store
        .submit_application(
            created.id,
            1,
            &shenbao_store::Submission {
                from_status: shenbao_store::ApplicationStatus::Draft,
                level: "city".into(),
                unit: "370100".into(),
                sector: None,
                title: None,
            },
            &NewSnapshot {
                version: 1,
                answers: "{}".into(),
                files: "[]".into(),
                content_hash: "00".into(),
            },
            &event(),
        )
        .await
        .expect("submit");
    place_at_owner_level(&app.store, created.id, "province", title).await;
    created.id
}

/// Posts `fields` to `path` with the browser's CSRF token.
async fn post(
    app: &App,
    b: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (_, html) = app.get(b, "/account").await;
    let csrf = csrf_of(&html);
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = b.post(app.url(path)).form(&all).send().await.expect("post");
    let status = r.status();
    let loc = location(&r);
    let body = r.text().await.expect("body");
    (status, if loc.is_empty() { body } else { loc })
}

async fn status_of(app: &App, id: i64) -> String {
    app.store
        .application(id)
        .await
        .expect("read")
        .expect("exists")
        .status
        .as_str()
        .to_string()
}

/// The `<tr id="{prefix}-{id}" …>…</tr>` row of a page.
fn row<'h>(html: &'h str, prefix: &str, id: i64) -> &'h str {
    let start = html
        .find(&format!("id=\"{prefix}-{id}\""))
        .unwrap_or_else(|| panic!("row {prefix}-{id} on the page"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// Four scores of the gd call's criteria, all `v` (weights 25% each, max 100: total `v`).
fn sheet(v: f64) -> String {
    format!(
        "{{\"innovation\":{v},\"application_value\":{v},\"demonstration\":{v},\"market_prospect\":{v}}}"
    )
}

mod access;
mod pool;
mod scoring;
mod selection;
