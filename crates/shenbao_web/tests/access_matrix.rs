//! Every route × every role, on objects that are not theirs, generated from the router's own
//! table (`shenbao_web::ROUTES`): a route added without an entry in [`access`] fails the test.
//!
//! The objects belong to one 广东 applicant (a draft with a file, a submitted application at
//! the owner with a file, an expert assignment, an inbox entry). The intruders: anonymous, an
//! applicant of another organisation, the bureau of another city, a sector department, an
//! owner whose region is another province, an expert without the assignment, and the
//! administrator. Each request carries the intruder's own valid CSRF token, so that what is
//! tested is the access check, not the token. Every object route must answer a login
//! redirect (anonymous) or 403/404 (anyone else), and afterwards nothing has changed.

mod common;

use common::{App, csrf_of};
use reqwest::StatusCode;
use shenbao_store::testing::{TestDb, place_at_owner_level};
use shenbao_store::{
    ApplicationEvent, NewApplication, NewAssignment, NewAttachment, NewNotification,
    NewOrganisation, NewSnapshot, NewUser, Role,
};

const CALL: &str = "gd-2023-ai-scenarios";
const PASSWORD: &str = "secret-123";

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// Anyone, logged in or not (public pages, login and registration).
    Public,
    /// Any logged-in user, on their own account, inbox or desk only.
    Own,
    /// Only the holder of the object named in the path (application, call, assignment, file,
    /// notification): every intruder is refused.
    Object,
}

/// Whether `role` holds what `path` names by design, so that its answer is not a leak: the
/// administrator reads the audit log and acts as an owner of every call (documented in
/// `pages/owner.rs`), and a
/// bureau inside the call's area has its own desk for the call (queue, ranking, summary,
/// package, statistics), which must show nothing of the victim's (checked on the pages).
fn by_design(role: &str, path: &str) -> bool {
    match role {
        "admin" => {
            path.starts_with("/admin/")
                || path.starts_with("/owner/")
                || path == "/review/{call}/applications/{id}"
                || path == "/review/{call}/applications/{id}/form/{format}"
                || path == "/review/{call}/applications/{id}/files/{file}"
        }
        "other_bureau" => matches!(
            path,
            "/review/{call}"
                | "/review/{call}/batch"
                | "/review/{call}/export.xlsx"
                | "/review/{call}/ranking"
                | "/review/{call}/summary/{table}"
                | "/review/{call}/package"
                | "/review/{call}/timeline"
                | "/review/{call}/letter"
                | "/review/{call}/scans"
                | "/review/{call}/statistics"
                | "/review/{call}/statistics.xlsx"
        ),
        _ => false,
    }
}

/// The access rule of every route. A route missing here fails the test.
fn access(path: &str) -> Option<Access> {
    use Access::*;
    Some(match path {
        "/"
        | "/calls/{id}"
        | "/calls/{id}/blank/{direction}/{format}"
        | "/regions"
        | "/regions/{code}"
        | "/assets/app.css"
        | "/assets/app.js"
        | "/assets/zi.js"
        | "/assets/echarts.min.js"
        | "/assets/statistics.js"
        | "/register"
        | "/login"
        | "/login/second-factor"
        | "/calls/{id}/results"
        | "/verify/{key}" => Public,
        "/logout"
        | "/account"
        | "/account/password"
        | "/account/email"
        | "/account/second-factor"
        | "/applications"
        | "/inbox"
        | "/inbox/read-all"
        | "/review"
        | "/owner"
        | "/owner/calls/new"
        | "/expert" => Own,
        // Starting an application: an applicant of the call's area only (others refused).
        "/calls/{id}/applications" => Object,
        p if p.starts_with("/applications/")
            || p.starts_with("/review/")
            || p.starts_with("/owner/")
            || p.starts_with("/expert/")
            || p.starts_with("/inbox/")
            || p.starts_with("/admin/") =>
        {
            Object
        }
        _ => return None,
    })
}

fn new_user(username: &str, role: Role, region: Option<&str>) -> NewUser {
    NewUser {
        username: username.into(),
        password_hash: shenbao_web::auth::hash_password(PASSWORD).expect("hash"),
        display_name: format!("{username}名"),
        role,
        organisation_id: None,
        scope_region: region.map(str::to_string),
        scope_sector: None,
        email: None,
        created_at: common::NOW,
    }
}

fn event() -> ApplicationEvent {
    ApplicationEvent {
        at: common::NOW,
        actor_user_id: None,
        actor_ip: None,
        note: None,
    }
}

/// The victim's objects, to fill the route parameters with.
struct Objects {
    draft: i64,
    draft_file: i64,
    submitted: i64,
    submitted_file: i64,
    assignment: i64,
    notification: i64,
}

async fn objects(app: &App) -> Objects {
    let store = &app.store;
    let (org, victim) = store
        .register_applicant(
            &NewOrganisation {
                uscc: "91440106MA5F000001".into(),
                name: "受害单位".into(),
                region: "440106".into(),
                created_at: common::NOW,
            },
            &new_user("victim", Role::Applicant, None),
        )
        .await
        .expect("victim");
    let new_app = |direction: &str| NewApplication {
        call_id: CALL.into(),
        call_version: 1,
        direction: direction.into(),
        subdirection: None,
        organisation_id: org.id,
        created_by: victim.id,
        answers: "{}".into(),
        created_at: common::NOW,
    };
    let file = |application_id: i64, key: &str| NewAttachment {
        application_id,
        slot: "license".into(),
        original_name: "执照.pdf".into(),
        storage_key: key.into(),
        size: 4,
        sha256: "0".repeat(64),
        file_type: "pdf".into(),
        created_at: common::NOW,
        uploaded_by: victim.id,
    };
    let draft = store
        .create_application(&new_app("manufacturing"), &event())
        .await
        .expect("draft");
    let draft_file = store
        .add_attachment(&file(draft.id, "x/draft"))
        .await
        .expect("file")
        .id;
    let submitted = store
        .create_application(&new_app("manufacturing"), &event())
        .await
        .expect("create");
    let submitted_file = store
        .add_attachment(&file(submitted.id, "x/submitted"))
        .await
        .expect("file")
        .id;
    store
        .submit_application(
            submitted.id,
            1,
            &shenbao_store::Submission {
                from_status: shenbao_store::ApplicationStatus::Draft,
                level: "city".into(),
                unit: "440100".into(),
                sector: None,
                title: Some("受害案例".into()),
            },
            &NewSnapshot {
                version: 1,
                answers: "{}".into(),
                files: format!("[{{\"id\":{submitted_file}}}]"),
                content_hash: "0".repeat(64),
            },
            &event(),
        )
        .await
        .expect("submit");
    place_at_owner_level(store, submitted.id, "province", "受害案例").await;
    let owner = store
        .create_user(&new_user("rightful_owner", Role::Owner, None))
        .await
        .expect("owner");
    let expert = store
        .create_user(&new_user("assigned_expert", Role::Expert, None))
        .await
        .expect("expert");
    store
        .add_pool_expert(CALL, expert.id, common::NOW)
        .await
        .expect("pool");
    let assignment = store
        .assign_expert(&NewAssignment {
            application_id: submitted.id,
            expert_id: expert.id,
            assigned_at: common::NOW,
            assigned_by: owner.id,
        })
        .await
        .expect("assign")
        .id;
    store
        .add_notifications(&[NewNotification {
            user_id: victim.id,
            at: common::NOW,
            title: "受理通知".into(),
            body: "已受理".into(),
            link: Some(format!("/applications/{}", submitted.id)),
        }])
        .await
        .expect("notify");
    let notification = store
        .notifications_page(victim.id, None, 10)
        .await
        .expect("inbox")[0]
        .id;
    Objects {
        draft: draft.id,
        draft_file,
        submitted: submitted.id,
        submitted_file,
        assignment,
        notification,
    }
}

/// `path` with its parameters filled from the victim's objects.
fn fill(path: &str, o: &Objects) -> String {
    let app_id = if path.starts_with("/review/") {
        o.submitted
    } else {
        o.draft
    };
    let file = if path.starts_with("/applications/") {
        o.draft_file
    } else {
        o.submitted_file
    };
    let id = if path.starts_with("/calls/") {
        CALL.to_string()
    } else if path.starts_with("/expert/") {
        o.assignment.to_string()
    } else if path.starts_with("/inbox/") {
        o.notification.to_string()
    } else {
        app_id.to_string()
    };
    path.replace("{id}", &id)
        .replace("{call}", CALL)
        .replace("{file}", &file.to_string())
        .replace("{format}", "docx")
        .replace("{direction}", "manufacturing")
        .replace("{letter}", "commitment")
        .replace("{table}", "summary")
        .replace("{code}", "440000")
        .replace("{version}", "2")
}

/// What the victim's objects look like, to compare before and after the intrusions.
async fn fingerprint(app: &App, o: &Objects) -> String {
    let s = &app.store;
    let mut out = String::new();
    for id in [o.draft, o.submitted] {
        let a = s.application(id).await.expect("read").expect("exists");
        out.push_str(&format!("{a:?}|"));
        let files: Vec<i64> = s
            .attachments(id)
            .await
            .expect("files")
            .iter()
            .map(|f| f.id)
            .collect();
        out.push_str(&format!("{files:?}|"));
    }
    let a = s
        .assignment(o.assignment)
        .await
        .expect("read")
        .expect("exists");
    out.push_str(&format!("{a:?}|"));
    out.push_str(&format!(
        "{}",
        s.unread_notifications(
            s.user_by_username("victim")
                .await
                .expect("read")
                .expect("victim")
                .id
        )
        .await
        .expect("unread")
    ));
    out
}

async fn every_route_refuses_every_role_on_objects_not_theirs(db: TestDb) {
    let app = App::start(db.store, false).await;
    let o = objects(&app).await;
    // The intruders.
    let store = &app.store;
    let (_, _) = store
        .register_applicant(
            &NewOrganisation {
                uscc: "91440106MA5F000002".into(),
                name: "另一单位".into(),
                region: "440106".into(),
                created_at: common::NOW,
            },
            &new_user("other_applicant", Role::Applicant, None),
        )
        .await
        .expect("other applicant");
    for (name, role, region) in [
        ("other_bureau", Role::Bureau, Some("440300")),
        ("sector", Role::Bureau, Some("350500")),
        ("owner_elsewhere", Role::Owner, Some("370000")),
        ("other_expert", Role::Expert, None),
        ("admin", Role::Admin, None),
    ] {
        let mut u = new_user(name, role, region);
        if name == "sector" {
            u.scope_sector = Some("泉州市交通运输局".into());
        }
        store.create_user(&u).await.expect("intruder");
    }
    let other_expert = store
        .user_by_username("other_expert")
        .await
        .expect("read")
        .expect("expert");
    store
        .add_pool_expert(CALL, other_expert.id, common::NOW)
        .await
        .expect("pool");

    // The ids are right: the rightful holders reach their objects.
    for (who, path) in [
        ("victim", format!("/applications/{}", o.draft)),
        (
            "assigned_expert",
            format!("/expert/assignments/{}", o.assignment),
        ),
        ("rightful_owner", format!("/owner/{CALL}")),
    ] {
        let b = app.browser();
        assert_eq!(
            app.login(&b, who, PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(app.get(&b, &path).await.0, StatusCode::OK, "{who} {path}");
    }

    let before = fingerprint(&app, &o).await;
    let roles = [
        "anonymous",
        "other_applicant",
        "other_bureau",
        "sector",
        "owner_elsewhere",
        "other_expert",
        "admin",
    ];
    let mut missing = Vec::new();
    let mut leaks = Vec::new();
    let mut checked = 0;
    for role in roles {
        let b = app.browser();
        if role != "anonymous" {
            assert_eq!(
                app.login(&b, role, PASSWORD).await.status(),
                StatusCode::SEE_OTHER,
                "{role} logs in"
            );
        }
        let (_, html) = app.get(&b, "/login").await;
        let csrf = csrf_of(&html);
        // Logging out comes last, so that the rest is tried logged in.
        let mut routes: Vec<_> = shenbao_web::ROUTES.iter().collect();
        routes.sort_by_key(|(path, _)| *path == "/logout");
        for (path, methods) in routes {
            let Some(rule) = access(path) else {
                missing.push(path.to_string());
                continue;
            };
            let url = app.url(&fill(path, &o));
            for method in *methods {
                let r = match *method {
                    "GET" => b.get(&url).send().await.expect("get"),
                    "POST" if path.ends_with("/files") || path.ends_with("/scans") => {
                        let form = reqwest::multipart::Form::new()
                            .text("csrf", csrf.clone())
                            .text("slot", "license")
                            .text("kind", "summary")
                            .part(
                                "file",
                                reqwest::multipart::Part::bytes(b"%PDF-1.4 x".to_vec())
                                    .file_name("x.pdf"),
                            );
                        b.post(&url).multipart(form).send().await.expect("upload")
                    }
                    "POST" => b
                        .post(&url)
                        .form(&[
                            ("csrf", csrf.as_str()),
                            ("version", "1"),
                            ("direction", "manufacturing"),
                            ("decision", "recommend"),
                            ("opinion", "同意"),
                            ("comment", "退回"),
                            ("expert", &other_expert.id.to_string()),
                            ("application", &o.submitted.to_string()),
                            ("scores", "{}"),
                            ("email", "x@example.cn"),
                        ])
                        .send()
                        .await
                        .expect("post"),
                    other => panic!("method {other} of {path}"),
                };
                checked += 1;
                let status = r.status();
                let to = r
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let refused = if role == "anonymous" {
                    (status == StatusCode::SEE_OTHER && to.starts_with("/login?next="))
                        || status == StatusCode::FORBIDDEN
                        || status == StatusCode::NOT_FOUND
                } else {
                    status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND
                };
                let body = r.bytes().await.unwrap_or_default();
                let shows_victim = String::from_utf8_lossy(&body).contains("受害");
                let ok = match rule {
                    _ if by_design(role, path) => {
                        !status.is_server_error() && (role == "admin" || !shows_victim)
                    }
                    Access::Public => !status.is_server_error(),
                    Access::Own if role == "anonymous" => refused || path == &"/logout",
                    Access::Own => !status.is_server_error(),
                    Access::Object => refused,
                };
                if !ok {
                    leaks.push(format!("{role} {method} {path}: {status} {to}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an access rule in this test: {missing:?}"
    );
    assert!(
        leaks.is_empty(),
        "answers that are not refusals:\n{}",
        leaks.join("\n")
    );
    assert!(
        checked > 7 * 50,
        "every route and method was tried: {checked}"
    );
    assert_eq!(
        fingerprint(&app, &o).await,
        before,
        "nothing of the victim's changed"
    );
}

/// Every form that changes something refuses a request whose CSRF token is not the visitor's
/// (403), before anything else, even from the rightful holders of the objects: the guard is
/// in each handler's signature (`shenbao_web::guard::Posted`; the upload checks the token in
/// its stream). Nothing changes, and nobody is logged out.
async fn every_form_refuses_a_foreign_csrf_token(db: TestDb) {
    let app = App::start(db.store, false).await;
    let o = objects(&app).await;
    let before = fingerprint(&app, &o).await;
    let forged = "0".repeat(64);
    let mut accepted = Vec::new();
    let mut checked = 0;
    for who in ["anonymous", "victim", "assigned_expert", "rightful_owner"] {
        let b = app.browser();
        if who != "anonymous" {
            assert_eq!(
                app.login(&b, who, PASSWORD).await.status(),
                StatusCode::SEE_OTHER,
                "{who} logs in"
            );
        }
        for (path, methods) in shenbao_web::ROUTES.iter() {
            if !methods.contains(&"POST") {
                continue;
            }
            let url = app.url(&fill(path, &o));
            let r = if path.ends_with("/files") || path.ends_with("/scans") {
                let form = reqwest::multipart::Form::new()
                    .text("csrf", forged.clone())
                    .text("slot", "license")
                    .text("kind", "summary")
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(b"%PDF-1.4 x".to_vec()).file_name("x.pdf"),
                    );
                b.post(&url).multipart(form).send().await.expect("upload")
            } else {
                b.post(&url)
                    .form(&[
                        ("csrf", forged.as_str()),
                        ("version", "1"),
                        ("action", "recommend"),
                        ("opinion", "同意"),
                        ("confirm", "1"),
                        ("accept", "1"),
                        ("application", &o.submitted.to_string()),
                        ("email", "x@example.cn"),
                    ])
                    .send()
                    .await
                    .expect("post")
            };
            checked += 1;
            // The uploads (files, exclusion lists, stamped scans) ask who is there before they read the
            // stream: a visitor who is not logged in is sent to the login page first.
            let to_login = who == "anonymous"
                && (path.ends_with("/files")
                    || path.ends_with("/exclusions")
                    || path.ends_with("/scans"))
                && r.status() == StatusCode::SEE_OTHER
                && common::location(&r).starts_with("/login?next=");
            if r.status() != StatusCode::FORBIDDEN && !to_login {
                accepted.push(format!("{who} POST {path}: {}", r.status()));
            }
        }
        if who != "anonymous" {
            assert_eq!(
                app.get(&b, "/account").await.0,
                StatusCode::OK,
                "{who} is still logged in"
            );
        }
    }
    assert!(
        accepted.is_empty(),
        "forms that took a forged token:\n{}",
        accepted.join("\n")
    );
    assert!(checked >= 4 * 25, "every form was tried: {checked}");
    assert_eq!(fingerprint(&app, &o).await, before, "nothing changed");
}

shenbao_store::on_both_databases!(
    every_route_refuses_every_role_on_objects_not_theirs,
    every_form_refuses_a_foreign_csrf_token,
);
