//! Control characters never reach a document.

use super::*;

/// Control characters typed into the registration, the answers and the bureau's opinion are
/// dropped on the way in; and text stored with control characters before that (written here
/// behind the store's back) still gives a valid Word form, summary tables and package: every
/// XML part well-formed with no character XML forbids, the Excel cells without them.
async fn control_characters_never_reach_a_document(db: TestDb) {
    let url = db.url.clone();
    let app = App::start(db.store, true).await;
    let call = "gd-2023-ai-scenarios";
    let city = bureau(&app, "guangzhou", "440100").await;
    let mut fx = renamed(
        fixture(call, "manufacturing.valid.json"),
        "广州控制字符科技有限公司",
        "控制字符场景",
    );
    let typed_name = "广州\u{1}控制\u{b}字符科技\u{7f}有限公司";
    fx.profile["name"] = Json::from(typed_name);
    fx.answers["company_name"] = Json::from(typed_name);
    fx.answers["scene_name"] = Json::from("控制\u{1}字符\u{b}场景\u{ffff}");
    let (b, id) = apply(&app, &fx, "qiye_ctrl").await;
    let r = app.submit_application(&b, id, "").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let page = format!("/review/{call}/applications/{id}");
    let r = app
        .submit(
            &city,
            &page,
            &format!("{page}/decide"),
            &[("action", "recommend"), ("opinion", "同意\u{1}推荐\r\n")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Cleaned on the way in.
    let row = app.store.application(id).await.unwrap().unwrap();
    let org = app
        .store
        .organisation(row.organisation_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.name, "广州控制字符科技有限公司");
    let answers: Json = serde_json::from_str(&row.answers).unwrap();
    assert_eq!(answers["company_name"], "广州控制字符科技有限公司");
    assert_eq!(answers["scene_name"], "控制字符场景");
    let reviews = app.store.reviews_of(id).await.unwrap();
    assert_eq!(reviews[0].opinion, "同意推荐");

    // Stored before input was cleaned: the organisation and the submitted answers.
    let old_name = "广州\u{1}旧数据\u{b}科技\u{1f}有限公司\u{fffe}";
    raw_update(
        &url,
        "UPDATE organisations SET name = $1 WHERE id = $2",
        old_name,
        row.organisation_id,
    )
    .await;
    let snapshot = app.store.latest_snapshot(id).await.unwrap().unwrap();
    let mut frozen: Json = serde_json::from_str(&snapshot.answers).unwrap();
    frozen["company_name"] = Json::from(old_name);
    frozen["scene_name"] = Json::from("旧\u{1}场\u{b}景\u{c}");
    raw_update(
        &url,
        "UPDATE application_snapshots SET answers = $1 WHERE application_id = $2",
        &frozen.to_string(),
        id,
    )
    .await;

    // The applicant's submitted form as Word.
    let r = b
        .get(app.url(&format!("/applications/{id}/form/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let form = r.bytes().await.unwrap();
    common::assert_office_xml("form.docx", &form);
    assert!(
        document_xml(&form).contains("旧场景"),
        "the stored text, cleaned"
    );
    // The bureau's summary tables, as Word and Excel.
    let r = city
        .get(app.url(&format!("/review/{call}/summary/summary?format=docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let summary = r.bytes().await.unwrap();
    common::assert_office_xml("summary.docx", &summary);
    assert!(document_xml(&summary).contains("旧场景"));
    let r = city
        .get(app.url(&format!("/review/{call}/summary/summary?format=xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let xlsx = r.bytes().await.unwrap();
    common::assert_office_xml("summary.xlsx", &xlsx);
    let cells = xlsx_cells(&xlsx);
    assert!(cells.iter().any(|c| c == "旧场景"), "{cells:?}");
    assert!(
        cells.iter().any(|c| c == "广州旧数据科技有限公司"),
        "{cells:?}"
    );
    assert!(
        cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '\n' || !ch.is_control())),
        "{cells:?}"
    );
    // The package: names without control characters, the summary tables (at the root) and the
    // form (`01-单位-标题/单位-标题.docx`) valid; the uploads are the test's stand-ins.
    let entries = package(&app, call, "city", "440100").await;
    let is_form = |name: &str| {
        name.split_once('/').is_some_and(|(folder, file)| {
            folder
                .split_once('-')
                .is_some_and(|(_, base)| file == format!("{base}.docx"))
        })
    };
    let mut checked = 0;
    for (name, bytes) in &entries {
        assert!(!name.chars().any(char::is_control), "{name:?}");
        let root = !name.contains('/') && (name.ends_with(".docx") || name.ends_with(".xlsx"));
        if root || is_form(name) {
            common::assert_office_xml(name, bytes);
            checked += 1;
        }
    }
    assert_eq!(checked, 3, "two summary tables and the form");
}

shenbao_store::on_both_databases!(control_characters_never_reach_a_document,);
