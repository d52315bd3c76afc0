//! A call run by a city that no seed resembles (docs/examples/xm-2026-ai-pilot.toml), loaded
//! as `serve --calls` loads a folder: applicants of two districts apply (one with a warning
//! to justify), each district bureau recommends, ranks and forwards to the city, which is the
//! issuer (its level has scope "province"), and the city's experts select and publish.

use super::*;

pub(super) const CALL: &str = "xm-2026-ai-pilot";
pub(super) const FILE: &str = include_str!("../../../../docs/examples/xm-2026-ai-pilot.toml");

pub(super) fn answers(name: &str, region: &str, investment: u32) -> serde_json::Value {
    serde_json::json!({
        "company_name": name,
        "uscc": "914403001922038216",
        "region": region,
        "employees": 36,
        "project_name": format!("{name}智能质检改造"),
        "investment": investment,
        "highlights": "以机器视觉替代人工目检，缺陷检出率提升至百分之九十九。",
    })
}

/// An applicant of `region` with a submitted application of `direction`; `justification`
/// for the warnings.
pub(super) async fn applied(
    app: &App,
    login: &str,
    name: &str,
    region: &str,
    direction: &str,
    investment: u32,
    justification: &str,
) -> (reqwest::Client, i64) {
    let profile = serde_json::json!({"uscc": "914403001922038216", "name": name, "region": region});
    let b = app.applicant(&profile, login).await;
    let id = app.start_app(&b, CALL, direction).await;
    let r = app
        .save(&b, id, &form_pairs(&answers(name, region, investment)))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = try_submit(app, &b, id, None, justification).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    (b, id)
}

async fn a_city_call_from_a_folder_runs_from_its_districts_to_the_city(db: TestDb) {
    let app = App::start_with_calls(db.store, false, &[FILE]).await;
    let anonymous = app.browser();
    let (_, home) = app.get(&anonymous, "/").await;
    assert!(
        home.contains(CALL) && home.contains("征集中"),
        "published as its file says"
    );
    let (_, page) = app.get(&anonymous, &format!("/calls/{CALL}")).await;
    assert!(
        page.contains("各区工业和信息化局审核推荐并报送上一级") && page.contains("2027-01-10"),
        "the districts' date on the timeline"
    );
    let huli = reviewer(&app, "qu_huli", Role::Bureau, Some("350206"), None).await;
    let siming = reviewer(&app, "qu_siming", Role::Bureau, Some("350203"), None).await;
    let quanzhou = reviewer(&app, "qu_fengze", Role::Bureau, Some("350503"), None).await;
    assert!(
        !app.get(&quanzhou, "/review").await.1.contains(CALL),
        "another city's district"
    );

    // A warning (investment under 200) needs a justification; with it, both submit.
    let profile =
        serde_json::json!({"uscc": "914403001922038216", "name": "湖里精工", "region": "350206"});
    let b = app.applicant(&profile, "qiye_try").await;
    let id = app.start_app(&b, CALL, "quality").await;
    app.save(&b, id, &form_pairs(&answers("湖里精工", "350206", 150)))
        .await;
    let r = try_submit(&app, &b, id, None, "").await;
    assert_ne!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a warning without a justification"
    );
    let (huli_b, huli_app) = applied(
        &app,
        "qiye_350206",
        "湖里智造",
        "350206",
        "quality",
        150,
        "首期投资150万元，二期追加",
    )
    .await;
    let (siming_b, siming_app) = applied(
        &app,
        "qiye_350203",
        "思明物流",
        "350203",
        "scheduling",
        400,
        "",
    )
    .await;
    assert_eq!(
        where_is(&app, huli_app).await,
        at("submitted", "district", "350206")
    );
    assert_eq!(
        where_is(&app, siming_app).await,
        at("submitted", "district", "350203")
    );

    // Each district recommends (with the call's own signature line), ranks and forwards.
    for (bureau, id, direction) in [
        (&huli, huli_app, "quality"),
        (&siming, siming_app, "scheduling"),
    ] {
        recommend(&app, bureau, CALL, id, 1).await;
        let summary = bureau
            .get(app.url(&format!("/review/{CALL}/summary/district_list")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            summary.status(),
            StatusCode::OK,
            "the districts' summary table"
        );
        let r = forward(&app, bureau, CALL, direction).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        assert_eq!(where_is(&app, id).await, at("submitted", "city", "*"));
    }

    // The city, the issuer, reviews with its experts and publishes.
    owner_to_publication(
        &app,
        CALL,
        &[(huli_app, &huli_b), (siming_app, &siming_b)],
        "xm",
    )
    .await;
    let (status, html) = app.get(&anonymous, &format!("/calls/{CALL}/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("湖里智造智能质检改造") && html.contains("思明物流智能质检改造"));
}

/// The districts' quota of the example (每个方向择优推荐不超过2个): the bureau sees what is
/// left, the third recommendation is refused with the quota named and the application still
/// waits, and the city (the owner) sees each district's use.
async fn a_districts_quota_refuses_the_third_recommendation(db: TestDb) {
    let app = App::start_with_calls(db.store, false, &[FILE]).await;
    let huli = reviewer(&app, "qu_huli", Role::Bureau, Some("350206"), None).await;
    let mut ids = Vec::new();
    for (i, name) in ["湖里一号", "湖里二号", "湖里三号"].into_iter().enumerate() {
        let (_, id) = applied(
            &app,
            &format!("qiye_huli{i}"),
            name,
            "350206",
            "quality",
            400,
            "",
        )
        .await;
        ids.push(id);
    }
    let (_, queue) = app.get(&huli, &format!("/review/{CALL}")).await;
    assert!(
        queue.contains("推荐名额") && queue.contains("本方向最多推荐2个，已推荐0个；还可推荐2个"),
        "{queue}"
    );
    recommend(&app, &huli, CALL, ids[0], 1).await;
    recommend(&app, &huli, CALL, ids[1], 1).await;
    let r = decide(
        &app,
        &huli,
        CALL,
        ids[2],
        &[
            ("action", "recommend"),
            ("opinion", "同意推荐"),
            ("sig.0", "王经办"),
        ],
    )
    .await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert!(status.is_client_error(), "{status}");
    assert!(
        body.contains("每个单位每个方向最多推荐2个（三、推荐要求）")
            && body.contains("湖里区")
            && body.contains("“智能质检”方向已推荐2个"),
        "{body}"
    );
    assert_eq!(
        where_is(&app, ids[2]).await,
        at("submitted", "district", "350206")
    );
    let (_, ranking) = app
        .get(&huli, &format!("/review/{CALL}/ranking?direction=quality"))
        .await;
    assert!(ranking.contains("还可推荐0个"), "{ranking}");
    let owner = reviewer(&app, "xm_owner", Role::Owner, Some("350200"), None).await;
    let (_, dashboard) = app.get(&owner, &format!("/owner/{CALL}")).await;
    assert!(
        dashboard.contains("推荐名额使用情况")
            && dashboard.contains("湖里区")
            && dashboard.contains("还可推荐0个"),
        "{dashboard}"
    );
}

shenbao_store::on_both_databases!(
    a_city_call_from_a_folder_runs_from_its_districts_to_the_city,
    a_districts_quota_refuses_the_third_recommendation,
);
