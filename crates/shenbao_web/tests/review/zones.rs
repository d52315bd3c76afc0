//! Units that are not divisions' bureaus: 泉州开发区科经局 of the 泉州 seed reviews beside the
//! county bureaus. An applicant chooses it when submitting; the zone's bureau (an account with
//! the zone's name as its sector) sees, recommends and forwards it to the city, and the
//! applicant's county bureau never sees it. A call that leaves a sub-area out refuses its
//! applicants at the start with the reason.

use super::*;

const QZ: &str = "qz-2024-ai-industry";
const ZONE: &str = "泉州开发区科经局";

async fn a_development_zone_reviews_beside_the_counties(db: TestDb) {
    let app = App::start(db.store, true).await;
    let zone = reviewer(&app, "kfq", Role::Bureau, Some("350500"), Some(ZONE)).await;
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let city = reviewer(&app, "shi_quanzhou", Role::Bureau, Some("350500"), None).await;
    let (b, id) = apply(&app, &fixture(QZ, "compute_service.valid.json"), "qiye_kfq").await;
    let (_, page) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(
        page.contains("受理单位") && page.contains(ZONE) && page.contains("泉州台商投资区科经局"),
        "the zones are offered: {page}"
    );
    submit(&app, &b, id, Some(ZONE)).await;
    assert_eq!(where_is(&app, id).await, at("submitted", "county", ZONE));
    // The county's bureau does not see it; the zone's does, and its desk names the zone.
    assert_eq!(
        app.get(&fengze, &format!("/review/{QZ}/applications/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, queue) = app.get(&zone, &format!("/review/{QZ}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains(ZONE), "{queue}");
    recommend(&app, &zone, QZ, id, 2).await;
    let r = forward(&app, &zone, QZ, "compute_service").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(where_is(&app, id).await, at("submitted", "city", "350500"));
    let (_, page) = app
        .get(&city, &format!("/review/{QZ}/applications/{id}"))
        .await;
    assert!(
        page.contains(ZONE),
        "the city sees the zone's opinion: {page}"
    );
    // A zone is not a sector department: 典型应用场景's choices do not list it.
    let (b2, id2) = apply(
        &app,
        &fixture(QZ, "typical_scenario.valid.json"),
        "qiye_scene",
    )
    .await;
    let (_, page) = app.get(&b2, &format!("/applications/{id2}/submit")).await;
    assert!(!page.contains(ZONE), "{page}");
    // Posted as the sector by hand, it is refused too.
    let version = page
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    let r = b2
        .post(app.url(&format!("/applications/{id2}/submit")))
        .form(&[
            ("csrf", csrf_of(&page)),
            ("version", version),
            ("justification", "已说明".to_string()),
            ("accept", "1".to_string()),
            ("sector", ZONE.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(where_is(&app, id2).await.0, "draft");
}

/// The 广东 call with 深圳 left out (深圳 organises its own).
async fn a_sub_area_left_out_is_refused_at_the_start(db: TestDb) {
    let source = shenbao_core::call::builtin::SOURCES
        .iter()
        .find(|s| s.0 == "gd-2023-ai-scenarios")
        .unwrap()
        .2
        .replacen("id = \"gd-2023-ai-scenarios\"", "id = \"gd-no-sz\"", 1)
        .replacen(
            "area = \"440000\"",
            "area = \"440000\"\narea_excludes = [\"440300\"]",
            1,
        );
    let app = App::start_with_calls(db.store, true, &[&source]).await;
    let profile =
        serde_json::json!({"uscc": "91440300MA5F00001A", "name": "深圳甲", "region": "440305"});
    let b = app.applicant(&profile, "qiye_sz").await;
    let r = app
        .submit(
            &b,
            "/calls/gd-no-sz",
            "/calls/gd-no-sz/applications",
            &[("direction", "manufacturing")],
        )
        .await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("本通知不含广东省深圳市（另行组织申报）"),
        "{body}"
    );
    // 广州 applies as before; 深圳's bureau reviews nothing of it.
    let profile =
        serde_json::json!({"uscc": "91440101MA59ABCD1D", "name": "广州乙", "region": "440106"});
    let g = app.applicant(&profile, "qiye_gz").await;
    app.start_app(&g, "gd-no-sz", "manufacturing").await;
    let shenzhen = reviewer(&app, "shi_shenzhen", Role::Bureau, Some("440300"), None).await;
    assert!(!app.get(&shenzhen, "/review").await.1.contains("gd-no-sz"));
}

/// A three-level catalogue (方向 → 子方向 → 场景): the call page offers each scenario, an
/// application starts with one, and its pages name the sub-direction and the scenario.
async fn an_application_starts_with_a_scenario_of_the_catalogue(db: TestDb) {
    let source = super::city_call::FILE
        .replacen("id = \"xm-2026-ai-pilot\"", "id = \"xm-scenes\"", 1)
        .replacen(
            "[[direction]]\nid = \"quality\"\nname = \"智能质检\"\n",
            "[[direction]]\nid = \"quality\"\nname = \"智能质检\"\n\n\
             [[direction.subdirection]]\nid = \"vision\"\nname = \"视觉检测\"\n\n\
             [[direction.subdirection.scenario]]\nid = \"pcb\"\nname = \"电路板缺陷\"\n\n\
             [[direction.subdirection.scenario]]\nid = \"textile\"\nname = \"织物瑕疵\"\n",
            1,
        );
    assert!(source.contains("电路板缺陷"), "the edit applies");
    let app = App::start_with_calls(db.store, false, &[&source]).await;
    let profile =
        serde_json::json!({"uscc": "91350206MA2Y00001D", "name": "湖里甲", "region": "350206"});
    let b = app.applicant(&profile, "qiye_scene").await;
    let (_, page) = app.get(&b, "/calls/xm-scenes").await;
    assert!(
        page.contains("value=\"quality/textile\"")
            && page.contains("智能质检 — 视觉检测 · 织物瑕疵"),
        "{page}"
    );
    let id = app.start_app(&b, "xm-scenes", "quality/textile").await;
    let (_, edit) = app.get(&b, &format!("/applications/{id}/edit")).await;
    assert!(edit.contains("智能质检（视觉检测 · 织物瑕疵）"), "{edit}");
    let row = app.store.application(id).await.unwrap().unwrap();
    assert_eq!(row.subdirection.as_deref(), Some("textile"));
}

shenbao_store::on_both_databases!(
    a_development_zone_reviews_beside_the_counties,
    a_sub_area_left_out_is_refused_at_the_start,
    an_application_starts_with_a_scenario_of_the_catalogue,
);
