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

mod common;

use std::sync::atomic::Ordering;

use common::applicant::{apply, content, fixture, form_pairs, with_uscc};
use common::{App, csrf_of, location};
use reqwest::StatusCode;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewUser, Role};

shenbao_store::on_both_databases!(
    quanzhou_goes_county_or_sector_then_city_then_province,
    single_city_calls_go_from_the_city_to_the_owner,
    a_returned_application_comes_back_with_its_changes,
    nobody_acts_outside_their_unit_or_after_forwarding,
    forwarding_closes_with_the_level_deadline,
    a_submission_to_a_unit_that_forwarded_is_refused_and_changes_nothing,
    a_reviewer_sees_the_other_accounts_with_the_same_code,
);

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

async fn forward(app: &App, b: &reqwest::Client, call: &str, direction: &str) -> reqwest::Response {
    app.submit(
        b,
        &format!("/review/{call}/ranking?direction={direction}"),
        &format!("/review/{call}/forward"),
        &[("direction", direction), ("confirm", "1")],
    )
    .await
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
    let entry = shenbao_core::call::builtin::get(call).unwrap().unwrap();
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

async fn quanzhou_goes_county_or_sector_then_city_then_province(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "qz-2024-ai-industry";
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let jiaotong = reviewer(
        &app,
        "hangye_jt",
        Role::Bureau,
        Some("350500"),
        Some(SECTOR),
    )
    .await;
    let city = reviewer(&app, "shi_quanzhou", Role::Bureau, Some("350500"), None).await;
    let owner = reviewer(&app, "ting", Role::Owner, None, None).await;

    let (a_browser, a) = apply(&app, &fixture(call, "compute_service.valid.json"), "qiye_a").await;
    submit(&app, &a_browser, a, None).await;
    assert_eq!(where_is(&app, a).await, at("submitted", "county", "350503"));
    let scenario = fixture(call, "typical_scenario.valid.json");
    let (c_browser, c) = apply(&app, &scenario, "qiye_c").await;
    submit(&app, &c_browser, c, Some(SECTOR)).await;
    assert_eq!(where_is(&app, c).await, at("submitted", "sector", SECTOR));
    // The applicant sees where it is.
    let (_, html) = app.get(&a_browser, &format!("/applications/{a}")).await;
    assert!(html.contains("各县（市、区）工信"), "{html}");

    // The county: its queue has the application, with the opinion block of the form.
    let (status, html) = app.get(&fengze, "/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("泉州市2024年") || html.contains(call));
    let (_, html) = app.get(&fengze, &format!("/review/{call}")).await;
    assert!(html.contains(&format!("/review/{call}/applications/{a}")));
    assert!(!html.contains(&format!("/review/{call}/applications/{c}")));
    let (_, html) = app
        .get(&fengze, &format!("/review/{call}/applications/{a}"))
        .await;
    assert!(html.contains("设区市工信局、平潭综合实验区经发局推荐意见"));
    assert!(html.contains("经办人（签字）："));
    assert!(html.contains("泉州智算科技有限公司"), "the read-only form");
    // A recommendation without the signature lines is refused, keeping the opinion typed.
    let r = decide(
        &app,
        &fengze,
        call,
        a,
        &[("action", "recommend"), ("opinion", "同意推荐，排第一")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap_or_default();
    assert!(body.contains("请填写推荐意见栏的经办人、审批人"));
    assert!(body.contains("同意推荐，排第一"));
    recommend(&app, &fengze, call, a, 2).await;
    assert_eq!(
        where_is(&app, a).await,
        at("recommended", "county", "350503")
    );
    let (_, html) = app
        .get(
            &fengze,
            &format!("/review/{call}/ranking?direction=compute_service"),
        )
        .await;
    assert!(html.contains("泉州智算科技有限公司"));
    // The county's summary table: the recommended application under its direction.
    let cells = summary_cells(
        &app,
        &fengze,
        &format!("/review/{call}/summary/recommendation_county"),
    )
    .await;
    assert_eq!(cells[0][0], "项目推荐汇总表");
    assert_eq!(cells[3][0], "算力服务补助");
    assert_eq!(cells[4][0], "1");
    assert_eq!(cells[4][2], "泉州智算科技有限公司");
    // The city fills no county table.
    let r = city
        .get(app.url(&format!("/review/{call}/summary/recommendation_county")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = forward(&app, &fengze, call, "compute_service").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "forwarded");
    assert_eq!(where_is(&app, a).await, at("submitted", "city", "350500"));

    // The sector department.
    let (_, html) = app.get(&jiaotong, &format!("/review/{call}")).await;
    assert!(html.contains(&format!("/review/{call}/applications/{c}")));
    recommend(&app, &jiaotong, call, c, 2).await;
    let r = forward(&app, &jiaotong, call, "typical_scenario").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(where_is(&app, c).await, at("submitted", "city", "350500"));

    // The city sees both, with the county's rank, and forwards to the owner.
    let (_, html) = app.get(&city, &format!("/review/{call}")).await;
    assert!(html.contains(&format!("/review/{call}/applications/{a}")));
    assert!(html.contains(&format!("/review/{call}/applications/{c}")));
    recommend(&app, &city, call, a, 0).await;
    let (_, html) = app
        .get(
            &city,
            &format!("/review/{call}/ranking?direction=compute_service"),
        )
        .await;
    assert!(html.contains("第1位"), "the county's rank: {html}");
    assert!(html.contains("丰泽区"));
    assert_eq!(
        forward(&app, &city, call, "compute_service").await.status(),
        StatusCode::SEE_OTHER
    );
    // After forwarding, the counties' list stays readable with their ranks.
    let (_, html) = app
        .get(
            &city,
            &format!("/review/{call}/ranking?direction=compute_service"),
        )
        .await;
    assert!(html.contains("下级报送的推荐名单"));
    assert!(html.contains("第1位"));
    recommend(&app, &city, call, c, 0).await;
    assert_eq!(
        forward(&app, &city, call, "typical_scenario")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(where_is(&app, a).await, at("submitted", "province", "*"));
    assert_eq!(where_is(&app, c).await, at("submitted", "province", "*"));
    // Two levels' decisions, and the history the applicant sees.
    assert_eq!(app.store.reviews_of(a).await.unwrap().len(), 2);
    let (_, html) = app.get(&a_browser, &format!("/applications/{a}")).await;
    assert!(html.contains("报送上级"), "{html}");
    // The owner reads it (read-only), but cannot act as a bureau.
    let (status, html) = app
        .get(&owner, &format!("/review/{call}/applications/{a}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/decide"));
    let r = decide(
        &app,
        &owner,
        call,
        a,
        &[("action", "reject"), ("reason", "x")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Everyone concerned was told.
    let (_, inbox) = app.get(&fengze, "/inbox").await;
    assert!(inbox.contains("新的申报待审核"), "the county was told");
    let (_, inbox) = app.get(&city, "/inbox").await;
    assert!(
        inbox.contains("收到下级报送的推荐名单"),
        "the city was told"
    );
    let (_, inbox) = app.get(&a_browser, "/inbox").await;
    assert!(inbox.contains("申报已获推荐"));
    assert!(inbox.contains("申报已报送至"));
    owner_to_publication(&app, call, &[(a, &a_browser), (c, &c_browser)], "qz").await;
}

async fn single_city_calls_go_from_the_city_to_the_owner(db: TestDb) {
    let app = App::start(db.store, true).await;
    let cases = [
        ("sd-2024-llm-cases", "case.valid.json", "370100"),
        ("sd-2024-llm-survey", "enterprise.valid.json", "370200"),
        ("hn-2025-ai", "llm-general.valid.json", "430100"),
        ("gd-2023-ai-scenarios", "manufacturing.valid.json", "440100"),
    ];
    let mut done: Vec<(&str, i64, reqwest::Client)> = Vec::new();
    // Owners of 山东's calls and of 广东's hear only of their own calls' lists.
    reviewer(&app, "ting_sd", Role::Owner, Some("370000"), None).await;
    reviewer(&app, "ting_gd", Role::Owner, Some("440000"), None).await;
    // One organisation per call: two fixtures share a code with the first.
    let codes = [
        None,
        None,
        Some("91440300708461136T"),
        Some("91100000100003962T"),
    ];
    for (i, (call, fx, city_code)) in cases.into_iter().enumerate() {
        let fx = match codes[i] {
            Some(code) => with_uscc(fixture(call, fx), code),
            None => fixture(call, fx),
        };
        let direction = fx.direction.clone();
        let (b, id) = apply(&app, &fx, &format!("qiye{i}")).await;
        submit(&app, &b, id, None).await;
        assert_eq!(
            where_is(&app, id).await,
            at("submitted", "city", city_code),
            "{call}"
        );
        let city = reviewer(
            &app,
            &format!("shi{i}"),
            Role::Bureau,
            Some(city_code),
            None,
        )
        .await;
        recommend(&app, &city, call, id, 0).await;
        // Every summary table of the city level lists the application's row.
        let entry = shenbao_core::call::builtin::get(call).unwrap().unwrap();
        for t in &entry.def().summaries {
            if t.level.as_deref() != Some("city")
                || !shenbao_core::call::applies(&t.directions, &direction)
            {
                continue;
            }
            let cells =
                summary_cells(&app, &city, &format!("/review/{call}/summary/{}", t.id)).await;
            assert_eq!(cells[0][0], t.title, "{call}");
            let first = 2 + t.header_lines.len() + usize::from(t.group_by.is_some());
            assert_eq!(cells[first][0], "1", "{call} {}: {cells:?}", t.id);
        }
        let r = forward(&app, &city, call, &direction).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{call} forwarded");
        assert_eq!(
            where_is(&app, id).await,
            at("submitted", "province", "*"),
            "{call}"
        );
        done.push((call, id, b));
    }
    for (owner, lists) in [("ting_sd", 2), ("ting_gd", 1)] {
        let user = app.store.user_by_username(owner).await.unwrap().unwrap();
        assert_eq!(
            app.store.unread_notifications(user.id).await.unwrap(),
            lists,
            "{owner}"
        );
    }
    for (i, (call, id, b)) in done.iter().enumerate() {
        owner_to_publication(&app, call, &[(*id, b)], &i.to_string()).await;
    }
}

async fn a_returned_application_comes_back_with_its_changes(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "qz-2024-ai-industry";
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let fx = fixture(call, "compute_service.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_a").await;
    submit(&app, &b, id, None).await;
    // A return needs a comment.
    let r = decide(
        &app,
        &fengze,
        call,
        id,
        &[("action", "return"), ("comment", "")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap_or_default()
            .contains("退回修改须填写退回意见")
    );
    let r = decide(
        &app,
        &fengze,
        call,
        id,
        &[("action", "return"), ("comment", "请更正联系人姓名")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(where_is(&app, id).await, at("returned", "county", "350503"));
    // The applicant sees the comment, edits and resubmits, back to the same county.
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    assert!(html.contains("请更正联系人姓名"));
    let mut answers = fx.answers.clone();
    answers["contact_name"] = serde_json::Value::from("陈晓明");
    let r = app.save(&b, id, &form_pairs(&answers)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&b, &location(&r)).await;
    assert!(html.contains("已保存"));
    let to = app
        .upload(
            &b,
            id,
            "compute_contracts",
            "补充付款凭证.pdf",
            content("pdf", 4096),
        )
        .await;
    assert!(to.contains("msg=uploaded"), "{to}");
    submit(&app, &b, id, None).await;
    assert_eq!(
        where_is(&app, id).await,
        at("submitted", "county", "350503")
    );
    let (_, html) = app
        .get(&fengze, &format!("/review/{call}/applications/{id}"))
        .await;
    assert!(html.contains("与上次提交相比的修改"));
    assert!(html.contains("<del>陈晓玲</del>"), "{html}");
    assert!(html.contains("<ins>陈晓明</ins>"));
    assert!(html.contains("新增附件：补充付款凭证.pdf"), "{html}");
    assert!(html.contains("修改后重新提交"));
}

async fn nobody_acts_outside_their_unit_or_after_forwarding(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "qz-2024-ai-industry";
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let licheng = reviewer(&app, "xian_licheng", Role::Bureau, Some("350502"), None).await;
    let city = reviewer(&app, "shi_quanzhou", Role::Bureau, Some("350500"), None).await;
    let jinan = reviewer(&app, "shi_jinan", Role::Bureau, Some("370100"), None).await;
    let expert = reviewer(&app, "zhuanjia", Role::Expert, None, None).await;
    let (b, id) = apply(&app, &fixture(call, "compute_service.valid.json"), "qiye_a").await;
    submit(&app, &b, id, None).await;
    let page = format!("/review/{call}/applications/{id}");
    // 济南 is outside 泉州's call: its desk does not list the call, whose queue answers 404.
    let (_, desk) = app.get(&jinan, "/review").await;
    assert!(!desk.contains(call), "{desk}");
    assert_eq!(
        app.get(&jinan, &format!("/review/{call}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, desk) = app.get(&fengze, "/review").await;
    assert!(desk.contains(call));
    // Another county, the city (before forwarding) and another province's city: 404.
    for other in [&licheng, &city, &jinan] {
        assert_eq!(app.get(other, &page).await.0, StatusCode::NOT_FOUND);
        let r = decide(&app, &fengze, call, id, &[]).await;
        drop(r);
        let r = other
            .post(app.url(&format!("{page}/decide")))
            .form(&[("csrf", "x"), ("action", "reject"), ("reason", "x")])
            .send()
            .await
            .unwrap();
        assert_ne!(r.status(), StatusCode::SEE_OTHER);
    }
    // With a valid CSRF token of its own, another county is still refused.
    let (_, html) = app.get(&licheng, &format!("/review/{call}")).await;
    let r = licheng
        .post(app.url(&format!("{page}/decide")))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("action", "reject"),
            ("reason", "越权"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Another county can neither move it in a ranking nor forward it: its own list is empty,
    // and the move names an application that is not at its unit.
    let r = app
        .submit(
            &licheng,
            &format!("/review/{call}"),
            &format!("/review/{call}/ranking/move"),
            &[
                ("id", &id.to_string()),
                ("direction", "compute_service"),
                ("to", "up"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = forward(&app, &licheng, call, "compute_service").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "an empty list may be forwarded"
    );
    assert_eq!(
        where_is(&app, id).await,
        at("submitted", "county", "350503")
    );
    // Experts and applicants have no review pages.
    assert_eq!(app.get(&expert, &page).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&b, &page).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&b, "/review").await.0, StatusCode::FORBIDDEN);
    for who in [&expert, &b] {
        let (_, html) = app.get(who, "/account").await;
        for (path, fields) in [
            (
                format!("{page}/decide"),
                vec![("action", "reject"), ("reason", "x")],
            ),
            (
                format!("/review/{call}/forward"),
                vec![("direction", "compute_service"), ("confirm", "1")],
            ),
            (
                format!("/review/{call}/ranking/move"),
                vec![("id", "1"), ("to", "up")],
            ),
        ] {
            let csrf = csrf_of(&html);
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend(fields);
            let r = who.post(app.url(&path)).form(&all).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        }
    }
    // The applicant can no longer withdraw once the county decided.
    recommend(&app, &fengze, call, id, 2).await;
    let r = app
        .submit(
            &b,
            &format!("/applications/{id}"),
            &format!("/applications/{id}/withdraw"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // After forwarding, the county can neither decide nor forward again.
    assert_eq!(
        forward(&app, &fengze, call, "compute_service")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = decide(
        &app,
        &fengze,
        call,
        id,
        &[("action", "reject"), ("reason", "改主意")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, html) = app.get(&fengze, &page).await;
    assert!(
        html.contains("该申报已不在本单位审核环节"),
        "read-only for the county now"
    );
    let r = forward(&app, &fengze, call, "compute_service").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap_or_default().contains("本单位已报送"));
    // The city can act now.
    assert_eq!(app.get(&city, &page).await.0, StatusCode::OK);
}

async fn forwarding_closes_with_the_level_deadline(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "qz-2024-ai-industry";
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let (b, id) = apply(&app, &fixture(call, "compute_service.valid.json"), "qiye_a").await;
    submit(&app, &b, id, None).await;
    // An undecided application blocks forwarding.
    let r = forward(&app, &fengze, call, "compute_service").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .await
            .unwrap_or_default()
            .contains("还有待审核的申报")
    );
    recommend(&app, &fengze, call, id, 2).await;
    // The demo deadline is 30 days ahead; 31 days later the county is closed.
    app.clock.fetch_add(31 * 24 * 3600 * 1000, Ordering::SeqCst);
    // Sessions idle out after 8 hours: log in again.
    let fengze = app.browser();
    let r = app.login(&fengze, "xian_fengze", "secret-123").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = app
        .get(
            &fengze,
            &format!("/review/{call}/ranking?direction=compute_service"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("本级报送截止时间已过"));
    let r = forward(&app, &fengze, call, "compute_service").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .await
            .unwrap_or_default()
            .contains("本级报送截止时间已过")
    );
    assert_eq!(
        where_is(&app, id).await,
        at("recommended", "county", "350503")
    );
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

/// Once a county has forwarded a direction, a complete draft of that county submitted to it,
/// and an application it returned and the applicant resubmits, are refused with the reason
/// (the unit forwarded its list), and the refusals change nothing: not the version, the
/// answers or the justification, no event, no snapshot, no audit entry.
async fn a_submission_to_a_unit_that_forwarded_is_refused_and_changes_nothing(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "qz-2024-ai-industry";
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let fx = fixture(call, "compute_service.valid.json");
    // One application is returned for revision, another waits as a complete draft.
    let (returned_browser, returned) = apply(&app, &fx, "qiye_a").await;
    submit(&app, &returned_browser, returned, None).await;
    let r = decide(
        &app,
        &fengze,
        call,
        returned,
        &[("action", "return"), ("comment", "请补充材料")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (draft_browser, draft) = apply(
        &app,
        &with_uscc(
            fixture(call, "compute_service.valid.json"),
            "91440300708461136T",
        ),
        "qiye_b",
    )
    .await;
    // The county forwards its (empty) list: a returned application does not hold it up.
    let r = forward(&app, &fengze, call, "compute_service").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "forwarded");

    for (browser, id, reason) in [
        (
            &draft_browser,
            draft,
            "受理单位（福建省泉州市丰泽区）已向上级报送本申报方向的推荐名单，不再受理本方向的申报",
        ),
        (
            &returned_browser,
            returned,
            "退回修改的审核单位（福建省泉州市丰泽区）已向上级报送本申报方向的推荐名单，不再受理重新提交",
        ),
    ] {
        let before = footprint(&app, id).await;
        for attempt in 0..2 {
            let r = try_submit(&app, browser, id, None, &format!("新的情况说明{attempt}")).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "application {id}");
            let body = r.text().await.unwrap();
            assert!(body.contains(reason), "application {id}: {body}");
            assert!(body.contains("本次未提交"), "{body}");
            assert!(!body.contains("其他窗口"), "not a version conflict: {body}");
            assert_eq!(
                footprint(&app, id).await,
                before,
                "application {id} unchanged"
            );
        }
        assert_ne!(before.0.justification.as_deref(), Some("新的情况说明0"));
    }
    assert_eq!(
        where_is(&app, returned).await,
        at("returned", "county", "350503")
    );
    assert_eq!(where_is(&app, draft).await.0, "draft");
}

/// Registration no longer refuses a USCC that another account registered (issue 11: the
/// refusal told strangers who had registered, and let whoever typed a code first lock the
/// enterprise out). The two accounts are two organisations that never see each other's
/// applications, and the reviewer of either is told about the other.
async fn a_reviewer_sees_the_other_accounts_with_the_same_code(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "sd-2024-llm-cases";
    let genuine = fixture(call, "case.valid.json");
    let mut other = fixture(call, "case.valid.json");
    other.profile["name"] = "冒用代码的有限公司".into();
    let (genuine_b, genuine_id) = apply(&app, &genuine, "zhenqiye").await;
    let (other_b, other_id) = apply(&app, &other, "maoyong").await;
    assert_ne!(
        app.get(&other_b, &format!("/applications/{genuine_id}"))
            .await
            .0,
        StatusCode::OK,
        "a second account with the code does not see the first one's application"
    );
    assert_ne!(
        app.get(&genuine_b, &format!("/applications/{other_id}"))
            .await
            .0,
        StatusCode::OK,
        "nor the other way round"
    );
    submit(&app, &other_b, other_id, None).await;
    let city = reviewer(&app, "shi_jinan", Role::Bureau, Some("370100"), None).await;
    let (status, html) = app
        .get(&city, &format!("/review/{call}/applications/{other_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(shenbao_web::strings::REVIEW_SAME_CODE),
        "{html}"
    );
    let genuine_name = genuine.profile["name"].as_str().expect("name");
    assert!(html.contains(genuine_name), "the other account is named");
    // An application whose code nobody else registered carries no such notice.
    let lone = with_uscc(fixture(call, "case.valid.json"), "91440300708461136T");
    let (lone_b, lone_id) = apply(&app, &lone, "dandu").await;
    submit(&app, &lone_b, lone_id, None).await;
    let (_, html) = app
        .get(&city, &format!("/review/{call}/applications/{lone_id}"))
        .await;
    assert!(!html.contains(shenbao_web::strings::REVIEW_SAME_CODE));
}
