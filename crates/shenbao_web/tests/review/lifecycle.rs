//! A call that no seed resembles (docs/examples/zj-2026-ai-jbgs.toml, a 揭榜挂帅 call whose
//! projects must keep their dates inside a window) goes its whole life over HTTP: uploaded by
//! its owner (a broken file first, refused at its line), a draft nobody else sees, refused
//! publication without an applicants' deadline, dates set, published, applied to (a period
//! outside the window refused), recommended and forwarded by the city, reviewed, results
//! published (已公示) and archived; every move in the audit log.

use super::*;

const CALL: &str = "zj-2026-ai-jbgs";
const FILE: &str = include_str!("../../../../docs/examples/zj-2026-ai-jbgs.toml");

fn answers(end: &str) -> serde_json::Value {
    serde_json::json!({
        "company_name": "杭州揭榜智能科技有限公司",
        "uscc": "914403001922038216",
        "region": "330106",
        "project_name": "离散制造工艺优化大模型",
        "project_period": { "start": "2027-01-01", "end": end },
        "budget": 800,
        "plan": "以工艺知识图谱和生产数据训练行业大模型，分三个阶段完成攻关和示范应用。",
    })
}

/// The call's state as its owner's page names it.
async fn state_on_page(app: &App, owner: &reqwest::Client) -> String {
    let (status, html) = app.get(owner, &format!("/owner/{CALL}/definition")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let key = "class=\"badge call-state\">";
    let start = html.find(key).expect("state badge") + key.len();
    html[start..start + html[start..].find('<').expect("end")].to_string()
}

async fn move_to(app: &App, owner: &reqwest::Client, to: &str) -> reqwest::Response {
    let page = format!("/owner/{CALL}/definition");
    app.submit(owner, &page, &format!("/owner/{CALL}/state"), &[("to", to)])
        .await
}

async fn an_uploaded_call_lives_from_draft_to_archive(db: TestDb) {
    let app = App::start(db.store, false).await;
    let owner = reviewer(&app, "ting_zhejiang", Role::Owner, Some("330000"), None).await;
    let other_owner = reviewer(&app, "ting_sd", Role::Owner, Some("370000"), None).await;
    let city = reviewer(&app, "shi_hangzhou", Role::Bureau, Some("330100"), None).await;

    // A broken file: refused with every problem at its line, the text kept, nothing stored.
    let broken = FILE.replace(
        "answers.project_period.end <=",
        "answers.project_period.finish <=",
    );
    let r = app
        .submit(
            &owner,
            "/owner/calls/new",
            "/owner/calls/new",
            &[("source", &broken)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("finish"))
        .expect("the broken line")
        + 1;
    assert!(
        html.contains(&format!("第 {line} 行"))
            && html.contains("finish")
            && html.contains("永远读不到值"),
        "{html}"
    );
    assert!(
        html.contains("离散制造的工艺优化大模型"),
        "the text is kept"
    );
    assert!(app.calls.get_with_drafts(CALL).is_none());
    // Another province's owner may not upload it.
    let r = app
        .submit(
            &other_owner,
            "/owner/calls/new",
            "/owner/calls/new",
            &[("source", FILE)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Uploaded: a draft that only its owners see.
    let r = app
        .submit(
            &owner,
            "/owner/calls/new",
            "/owner/calls/new",
            &[("source", FILE)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(
        location(&r),
        format!("/owner/{CALL}/definition?msg=uploaded")
    );
    assert_eq!(state_on_page(&app, &owner).await, "草稿");
    let anonymous = app.browser();
    assert_eq!(
        app.get(&anonymous, &format!("/calls/{CALL}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(!app.get(&anonymous, "/").await.1.contains(CALL));
    assert_eq!(
        app.get(&other_owner, &format!("/calls/{CALL}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&other_owner, &format!("/owner/{CALL}/definition"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, html) = app.get(&owner, &format!("/calls/{CALL}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("草稿预览") && html.contains("榜单一：工业大模型"));
    let blank = owner
        .get(app.url(&format!("/calls/{CALL}/blank/industrial_llm/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        blank.status(),
        StatusCode::OK,
        "the owner previews the blank form"
    );
    assert_eq!(blank.headers()["cache-control"], "private, no-store");
    let (status, html) = app
        .get(&owner, &format!("/owner/{CALL}/preview?direction=embodied"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the online form as applicants will see it"
    );
    assert!(html.contains("在线填写预览：榜单二：具身智能") && html.contains("项目实施周期"));
    assert!(
        html.contains("<fieldset disabled>"),
        "nothing on it is saved"
    );
    assert_eq!(
        app.get(&other_owner, &format!("/owner/{CALL}/preview"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let applicant = app
        .applicant(
            &serde_json::json!({"uscc": "914403001922038216", "name": "杭州揭榜智能科技有限公司", "region": "330106"}),
            "qiye_hz",
        )
        .await;
    let r = applicant
        .post(app.url(&format!("/calls/{CALL}/applications")))
        .form(&[("csrf", "x"), ("direction", "industrial_llm")])
        .send()
        .await
        .unwrap();
    assert_ne!(
        r.status(),
        StatusCode::SEE_OTHER,
        "no application to a draft"
    );

    // Publishing without an applicants' deadline is refused; with dates set it goes through.
    let r = move_to(&app, &owner, "collecting").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("发布前须设定申报截止日期"));
    let page = format!("/owner/{CALL}/definition");
    let r = app
        .submit(
            &owner,
            &page,
            &format!("/owner/{CALL}/dates"),
            &[("applicant", "2026-12-20"), ("level.city", "2027-01-10")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let entry = app.calls.get_with_drafts(CALL).expect("stored");
    assert_eq!(
        entry.version, 2,
        "the dates are a new version, current while a draft"
    );
    assert_eq!(
        entry.deadline().map(|d| d.to_string()).as_deref(),
        Some("2026-12-20")
    );
    let r = move_to(&app, &owner, "collecting").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(state_on_page(&app, &owner).await, "征集中");
    let (_, home) = app.get(&anonymous, "/").await;
    assert!(home.contains(CALL), "published: on the public list");

    // An applicant applies; a period outside the window is refused by the call's own rule.
    let id = app.start_app(&applicant, CALL, "industrial_llm").await;
    let r = app
        .save(&applicant, id, &form_pairs(&answers("2029-06-30")))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app
        .get(&applicant, &format!("/applications/{id}/submit"))
        .await;
    assert!(
        html.contains("项目实施周期须在2026年12月1日至2028年11月30日之间"),
        "{html}"
    );
    let r = try_submit(&app, &applicant, id, None, "").await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .save(&applicant, id, &form_pairs(&answers("2028-10-31")))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A stricter third version waits; asked for, the page names the draft it would fail.
    let v2 = app
        .store
        .call_version(CALL, 2)
        .await
        .unwrap()
        .unwrap()
        .source;
    let v3 = v2.replacen(
        "[limits]",
        "[[rule]]\nid = \"budget_v3\"\nexpr = \"answers.budget >= 1000\"\nmessage = \"第三版：项目总投资不低于1000万元\"\n\n[limits]",
        1,
    );
    let r = app
        .submit(
            &owner,
            "/owner/calls/new",
            "/owner/calls/new",
            &[("source", &v3)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&owner, &format!("/owner/{CALL}/definition")).await;
    assert!(
        html.contains("待发布") && html.contains("?effect=3"),
        "{html}"
    );
    assert!(
        !html.contains("第三版：项目总投资"),
        "checked only on request"
    );
    let (_, html) = app
        .get(&owner, &format!("/owner/{CALL}/definition?effect=3"))
        .await;
    assert!(
        html.contains("已检查 1 份草稿和退回修改的申报，1 份")
            && html.contains(&format!(
                "申报 {id}（杭州揭榜智能科技有限公司）：第三版：项目总投资不低于1000万元"
            )),
        "{html}"
    );
    assert_eq!(app.calls.get(CALL).unwrap().version, 2, "version 3 waits");

    submit(&app, &applicant, id, None).await;
    assert_eq!(where_is(&app, id).await, at("submitted", "city", "330100"));

    // The city recommends and forwards; the owner moves the call into review.
    recommend(&app, &city, CALL, id, 0).await;
    let r = forward(&app, &city, CALL, "industrial_llm").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(
        move_to(&app, &owner, "reviewing").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(state_on_page(&app, &owner).await, "评审中");
    // No new application once in review.
    let r = app
        .submit(
            &applicant,
            &format!("/calls/{CALL}"),
            &format!("/calls/{CALL}/applications"),
            &[("direction", "embodied")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "{:?}",
        r.headers().get("location")
    );
    assert!(r.text().await.unwrap().contains("评审中"));

    // Version 3 published: new applications would start under it; this one keeps version 2.
    let page = format!("/owner/{CALL}/definition");
    let r = app
        .submit(
            &owner,
            &page,
            &format!("/owner/{CALL}/versions/3/publish"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.calls.get(CALL).unwrap().version, 3);
    assert_eq!(
        app.store
            .application(id)
            .await
            .unwrap()
            .unwrap()
            .call_version,
        2
    );

    // Experts, selection and publication: 已公示; then archived.
    owner_to_publication(&app, CALL, &[(id, &applicant)], "zj").await;
    assert_eq!(state_on_page(&app, &owner).await, "已公示");
    assert_eq!(
        move_to(&app, &owner, "archived").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(state_on_page(&app, &owner).await, "已归档");
    let (status, html) = app.get(&anonymous, &format!("/calls/{CALL}/results")).await;
    assert_eq!(status, StatusCode::OK, "the results stay public");
    assert!(html.contains("离散制造工艺优化大模型"));
    // Back is not a move.
    assert_eq!(
        move_to(&app, &owner, "collecting").await.status(),
        StatusCode::FORBIDDEN
    );

    let actions = app.audit_actions().await;
    for action in [
        "call_version_uploaded",
        "call_state_changed",
        "results_published",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    let moves = app
        .store
        .audit_page(None, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "call_state_changed")
        .count();
    assert_eq!(moves, 3, "published, in review, archived");
}

shenbao_store::on_both_databases!(an_uploaded_call_lives_from_draft_to_archive);
