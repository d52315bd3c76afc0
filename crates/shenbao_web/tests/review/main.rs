//! The bureaus' side over real HTTP, on SQLite and (in CI) PostgreSQL: every seed call's
//! routing from submission through every bureau level to the call owner; return for revision
//! with the changes shown; ranking and forwarding; and the refusals (other units, wrong roles,
//! after forwarding, after the level's deadline); then the owner, experts, selection and
//! publication, with the notices everyone gets.

#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::Ordering;

use common::applicant::{apply, content, fixture, form_pairs, with_uscc};
use common::{App, csrf_of, location};
use reqwest::StatusCode;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewUser, Role};

const SECTOR: &str = "泉州市交通运输局";

/// A reviewer account, logged in.
async fn reviewer(
    app: &App,
    username: &str,
    role: Role,
    region: Option<&str>,
    sector: Option<&str>,
) -> reqwest::Client {
    app.store
        .create_user(&NewUser {
            username: username.into(),
            password_hash: shenbao_web::auth::hash_password("secret-123").expect("hash"),
            display_name: username.into(),
            role,
            organisation_id: None,
            scope_region: region.map(str::to_owned),
            scope_sector: sector.map(str::to_owned),
            email: None,
            created_at: common::NOW,
        })
        .await
        .expect("reviewer");
    let b = app.browser();
    let r = app.login(&b, username, "secret-123").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} logged in");
    b
}

/// Submits application `id` (with a sector department for sector-routed directions).
async fn submit(app: &App, b: &reqwest::Client, id: i64, sector: Option<&str>) {
    let r = try_submit(app, b, id, sector, "已说明").await;
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::SEE_OTHER, "submitted: {body}");
}

/// Posts the submit page of application `id` as the applicant would; returns the response.
async fn try_submit(
    app: &App,
    b: &reqwest::Client,
    id: i64,
    sector: Option<&str>,
    justification: &str,
) -> reqwest::Response {
    let (status, html) = app.get(b, &format!("/applications/{id}/submit")).await;
    assert_eq!(status, StatusCode::OK);
    let key = "name=\"version\" value=\"";
    let version = html
        .find(key)
        .map(|i| {
            html[i + key.len()..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default();
    let mut fields = vec![
        ("csrf", csrf_of(&html)),
        ("version", version),
        ("justification", justification.to_string()),
        ("accept", "1".to_string()),
    ];
    if let Some(s) = sector {
        assert!(html.contains(s), "the sector department is offered");
        fields.push(("sector", s.to_string()));
    }
    b.post(app.url(&format!("/applications/{id}/submit")))
        .form(&fields)
        .send()
        .await
        .expect("submit")
}

/// Posts a decision from the review page; returns the response.
async fn decide(
    app: &App,
    b: &reqwest::Client,
    call: &str,
    id: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = format!("/review/{call}/applications/{id}");
    app.submit(b, &page, &format!("{page}/decide"), fields)
        .await
}

async fn recommend(app: &App, b: &reqwest::Client, call: &str, id: i64, signatures: usize) {
    let mut fields = vec![("action", "recommend"), ("opinion", "材料齐全，同意推荐")];
    let names = ["sig.0", "sig.1", "sig.2"];
    for name in names.iter().take(signatures) {
        fields.push((name, "王经办"));
    }
    let r = decide(app, b, call, id, &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "recommended: {}",
        r.text().await.unwrap_or_default()
    );
}

/// Forwards the unit's list of `direction`, after uploading (again) every stamped scan its
/// level asks for (the slots its ranking page shows), as a clerk does.
async fn forward(app: &App, b: &reqwest::Client, call: &str, direction: &str) -> reqwest::Response {
    let (_, html) = app
        .get(b, &format!("/review/{call}/ranking?direction={direction}"))
        .await;
    let key = "name=\"kind\" value=\"";
    let kinds: Vec<String> = html
        .match_indices(key)
        .filter_map(|(i, _)| html[i + key.len()..].split('"').next())
        .map(str::to_string)
        .collect();
    for kind in kinds {
        let to = upload_scan(
            app,
            b,
            call,
            &kind,
            &format!("{kind}.pdf"),
            content("pdf", 4096),
        )
        .await;
        assert!(to.contains("msg=scan_uploaded"), "{call}: {to}");
    }
    forward_as_is(app, b, call, direction).await
}

/// Forwards the unit's list of `direction` with whatever scans it has.
async fn forward_as_is(
    app: &App,
    b: &reqwest::Client,
    call: &str,
    direction: &str,
) -> reqwest::Response {
    app.submit(
        b,
        &format!("/review/{call}/ranking?direction={direction}"),
        &format!("/review/{call}/forward"),
        &[("direction", direction), ("confirm", "1")],
    )
    .await
}

/// Uploads `bytes` as `name` for the unit's stamped scan `kind`; returns where the server
/// sent the browser (the ranking page with a notice code).
async fn upload_scan(
    app: &App,
    b: &reqwest::Client,
    call: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> String {
    use reqwest::multipart::{Form, Part};
    let (_, html) = app.get(b, &format!("/review/{call}/ranking")).await;
    let form = Form::new()
        .text("csrf", csrf_of(&html))
        .text("kind", kind.to_string())
        .part("file", Part::bytes(bytes).file_name(name.to_string()));
    let r = b
        .post(app.url(&format!("/review/{call}/scans")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{kind} scan");
    location(&r)
}

/// A POST with the CSRF token of the account page (owner and expert forms).
async fn post(
    app: &App,
    b: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.submit(b, "/account", path, fields).await
}

/// From the owner's desk to the public results: the owner puts two experts in the pool and
/// assigns them automatically, both score every criterion and submit, the owner selects the
/// best of each direction by cut-off and publishes. Checks the results page, each applicant's
/// outcome, and that everyone was told along the way.
/// A collection call (摸底) at its owner once the bureaus forwarded `applications`: the owner
/// sees each one received and the summary tables over all of them, and no expert, ranking,
/// selection or results page exists for it.
async fn owner_collects(
    app: &App,
    call: &str,
    applications: &[(i64, &reqwest::Client)],
    tag: &str,
) {
    let owner = reviewer(app, &format!("ting_{tag}"), Role::Owner, None, None).await;
    let entry = app.calls.get(call).unwrap().call;
    let (status, html) = app.get(&owner, &format!("/owner/{call}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("收到的申报与汇总表"), "{call}: the tab");
    for tab in ["专家库与回避", "分配评审专家", "评分排名与入选", "公布结果"]
    {
        assert!(!html.contains(tab), "{call}: no {tab} tab on a collection");
    }
    let (status, html) = app.get(&owner, &format!("/owner/{call}/received")).await;
    assert_eq!(status, StatusCode::OK);
    for (id, _) in applications {
        assert!(
            html.contains(&format!("/review/{call}/applications/{id}")),
            "{call}: application {id} received"
        );
        let (status, _) = app
            .get(&owner, &format!("/review/{call}/applications/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{call}: the owner reads {id}");
    }
    // The stamped scans the cities sent with their lists, readable by the owner.
    let key = format!("/review/{call}/scans/");
    let scans: Vec<String> = html
        .match_indices(&key)
        .filter_map(|(i, _)| html[i..].split('"').next())
        .map(str::to_string)
        .collect();
    let asks = entry
        .def()
        .review_levels
        .iter()
        .any(|l| l.sending.as_ref().is_some_and(|s| !s.scans.is_empty()));
    assert_eq!(!scans.is_empty(), asks, "{call}: the scans sent up: {html}");
    for path in &scans {
        let r = owner.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    }
    // Every summary table of the call over what was received, with the notice's title.
    let mut rows = 0;
    for t in &entry.def().summaries {
        let cells = summary_cells(
            app,
            &owner,
            &format!("/owner/{call}/summary/{}?format=xlsx", t.id),
        )
        .await;
        assert_eq!(cells[0][0], t.title, "{call}");
        let first = 2 + t.header_lines.len() + usize::from(t.group_by.is_some());
        rows += cells
            .iter()
            .skip(first)
            .filter(|r| r.first().is_some_and(|c| c.parse::<u32>().is_ok()))
            .count();
        let r = owner
            .get(app.url(&format!("/owner/{call}/summary/{}?format=docx", t.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{call}: the DOCX summary");
    }
    assert_eq!(rows, applications.len(), "{call}: one summary row each");
    // No experts, ranking, selection or results.
    for path in ["experts", "assignments", "ranking", "publish"] {
        let (status, html) = app.get(&owner, &format!("/owner/{call}/{path}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{call}: {path}");
        assert!(html.contains("本征集为摸底调查"), "{call}: {path}: {html}");
    }
    let anyone = app.browser();
    let (status, _) = app.get(&anyone, &format!("/calls/{call}/results")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{call}: no results page");
    let r = post(
        app,
        &owner,
        &format!("/owner/{call}/assignments/auto"),
        &[("per_application", "2"), ("direction", "")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "{call}: no experts");
    // Applications stay where they arrived, collected: no 评审中, no outcome to wait for.
    for (id, b) in applications {
        let (_, html) = app.get(b, &format!("/applications/{id}")).await;
        assert!(
            html.contains("已报送汇总"),
            "{call}: {id} as the applicant sees it"
        );
        assert!(!html.contains("评审中"), "{call}: {id}");
    }
}

async fn owner_to_publication(
    app: &App,
    call: &str,
    applications: &[(i64, &reqwest::Client)],
    tag: &str,
) {
    let owner = reviewer(app, &format!("ting_{tag}"), Role::Owner, None, None).await;
    let mut experts = Vec::new();
    for n in 0..2 {
        let name = format!("zhuanjia_{tag}_{n}");
        let b = reviewer(app, &name, Role::Expert, None, None).await;
        let r = post(
            app,
            &owner,
            &format!("/owner/{call}/experts"),
            &[("action", "add"), ("username", &name)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name} in the pool");
        let id = app.store.user_by_username(&name).await.unwrap().unwrap().id;
        experts.push((id, b));
    }
    let (status, html) = app.get(&owner, &format!("/owner/{call}")).await;
    assert_eq!(status, StatusCode::OK);
    let entry = app.calls.get(call).unwrap().call;
    assert!(
        html.contains(&entry.def().title),
        "{call}: the owner's dashboard"
    );
    let r = post(
        app,
        &owner,
        &format!("/owner/{call}/assignments/auto"),
        &[("per_application", "2"), ("direction", "")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "auto-assigned");
    for (expert_id, b) in &experts {
        let (_, inbox) = app.get(b, "/inbox").await;
        assert!(inbox.contains("新的评审任务"), "the expert was told");
        let queue = app.store.expert_queue(*expert_id, None, 100).await.unwrap();
        let mine: Vec<_> = queue.iter().filter(|q| q.call_id == call).collect();
        assert_eq!(
            mine.len(),
            applications.len(),
            "{call}: every application assigned"
        );
        for (i, a) in mine.iter().enumerate() {
            let criteria = shenbao_core::review::criteria_for(entry, &a.direction);
            assert!(!criteria.is_empty(), "{call}: criteria for {}", a.direction);
            let scores: Vec<(String, String)> = criteria
                .iter()
                .map(|c| {
                    let v = (c.max_score * (0.9 - 0.1 * i as f64)).round();
                    (format!("score.{}", c.id), v.to_string())
                })
                .collect();
            let mut fields: Vec<(&str, &str)> = vec![("action", "submit"), ("confirm", "1")];
            fields.extend(scores.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let page = format!("/expert/assignments/{}", a.id);
            let (_, sheet) = app.get(b, &page).await;
            assert!(
                sheet.contains(shenbao_web::strings::CRITERIA_OWNER_CHOICE),
                "{call}: the expert is told the weights are the owner's"
            );
            let r = app.submit(b, &page, &page, &fields).await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "{call}: scores submitted: {}",
                r.text().await.unwrap_or_default()
            );
        }
    }
    // Select the first of every direction, then publish.
    let mut directions: Vec<String> = Vec::new();
    for (id, _) in applications {
        let d = app.store.application(*id).await.unwrap().unwrap().direction;
        if !directions.contains(&d) {
            directions.push(d);
        }
    }
    for d in &directions {
        let (status, html) = app
            .get(&owner, &format!("/owner/{call}/ranking?direction={d}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        // No seed notice states criterion weights: the page says they are the owner's.
        assert!(
            html.contains(shenbao_web::strings::CRITERIA_OWNER_CHOICE),
            "{call}: weights marked as the owner's"
        );
        for (id, _) in applications {
            let row = app.store.application(*id).await.unwrap().unwrap();
            if row.direction == *d {
                let title = row.title.unwrap_or_default();
                assert!(html.contains(&title), "{call}: {title} ranked");
            }
        }
        let r = post(
            app,
            &owner,
            &format!("/owner/{call}/ranking/select"),
            &[
                ("direction", d),
                ("method", "mean"),
                ("normalise", "0"),
                ("cutoff", "1"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{call}: selected in {d}");
    }
    let r = post(
        app,
        &owner,
        &format!("/owner/{call}/publish"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{call}: published");
    let anonymous = app.browser();
    let (status, results) = app.get(&anonymous, &format!("/calls/{call}/results")).await;
    assert_eq!(status, StatusCode::OK);
    for (id, b) in applications {
        let row = app.store.application(*id).await.unwrap().unwrap();
        let (_, page) = app.get(b, &format!("/applications/{id}")).await;
        let (_, inbox) = app.get(b, "/inbox").await;
        let title = row.title.clone().unwrap_or_default();
        if row.status == shenbao_store::ApplicationStatus::Selected {
            assert!(results.contains(&title), "{call}: {title} is public");
            assert!(
                page.contains("入选"),
                "{call}: the applicant sees its outcome"
            );
            assert!(inbox.contains("评审结果已公布，入选"));
        } else {
            assert!(!results.contains(&format!("<td>{title}</td>")));
            assert!(page.contains("未入选"));
            assert!(inbox.contains("未入选"));
        }
    }
}

/// Downloads a summary table and returns its cells as text, row by row.
async fn summary_cells(app: &App, b: &reqwest::Client, path: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let r = b.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    calamine::Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn where_is(app: &App, id: i64) -> (String, Option<String>, Option<String>) {
    let row = app.store.application(id).await.unwrap().unwrap();
    (row.status.as_str().to_string(), row.level, row.unit)
}

fn at(status: &str, level: &str, unit: &str) -> (String, Option<String>, Option<String>) {
    (status.into(), Some(level.into()), Some(unit.into()))
}

/// Everything a submission writes about application `id`: the row, its events, its latest
/// snapshot, and how many audit entries there are.
async fn footprint(
    app: &App,
    id: i64,
) -> (
    shenbao_store::ApplicationRow,
    Vec<shenbao_store::EventRow>,
    Option<shenbao_store::SnapshotRow>,
    usize,
) {
    (
        app.store.application(id).await.unwrap().unwrap(),
        app.store.application_events(id).await.unwrap(),
        app.store.latest_snapshot(id).await.unwrap(),
        app.store.audit_page(None, 10_000).await.unwrap().len(),
    )
}

mod batch;
mod city_call;
mod duplicates;
mod exclusions;
mod lifecycle;
mod limits;
mod routing;
mod statistics;
mod timeline;
mod zones;
