//! Filling in, saving, submitting and withdrawing an application.

use super::*;

async fn every_seed_call_takes_a_complete_application(db: TestDb) {
    let app = App::start(db.store, true).await;
    // One organisation per call, each with its own real code (DOMAIN.md's examples).
    let cases = [
        with_uscc(
            fixture("sd-2024-llm-cases", "case.valid.json"),
            "914403001922038216",
        ),
        with_uscc(
            fixture("sd-2024-llm-survey", "enterprise.valid.json"),
            "91440300708461136T",
        ),
        with_uscc(
            fixture("hn-2025-ai", "llm-general.valid.json"),
            "9144030071526726XG",
        ),
        with_uscc(
            fixture("qz-2024-ai-industry", "compute_service.valid.json"),
            "91110000710926094P",
        ),
        with_uscc(
            fixture("gd-2023-ai-scenarios", "manufacturing.valid.json"),
            "91310000631696382C",
        ),
    ];
    for (i, fx) in cases.iter().enumerate() {
        let (b, id) = apply(&app, fx, &format!("user{i}")).await;
        let r = app.submit_application(&b, id, "").await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}: {}",
            fx.call,
            r.text().await.unwrap_or_default()
        );
        let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
        assert!(
            html.contains("已提交") && html.contains("受理编号"),
            "{}",
            fx.call
        );
        let snapshot = app
            .store
            .latest_snapshot(id)
            .await
            .expect("query")
            .expect("frozen");
        assert_eq!(snapshot.content_hash.len(), 64);
        let frozen: Json = serde_json::from_str(&snapshot.files).expect("files json");
        assert_eq!(
            frozen.as_array().map(Vec::len),
            Some(fx.files.len()),
            "{}",
            fx.call
        );
        let row = app
            .store
            .application(id)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.status, shenbao_store::ApplicationStatus::Submitted);
    }
    let actions: Vec<String> = app
        .store
        .audit_page(None, 500)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "application_submitted")
            .count(),
        5
    );
    assert!(actions.iter().any(|a| a == "file_uploaded"));
}

async fn withdrawing_returns_to_draft_and_history_shows_it(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("sd-2024-llm-survey", "enterprise.valid.json");
    let (b, id) = apply(&app, &fx, "withdrawer").await;
    assert_eq!(
        app.submit_application(&b, id, "").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/withdraw")))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("withdraw");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    for text in ["创建草稿", "提交申报", "撤回申报", "草稿"] {
        assert!(html.contains(text), "history shows {text}");
    }
    assert_eq!(
        app.store
            .application_events(id)
            .await
            .expect("events")
            .len(),
        3
    );
    // Deleting a file that the withdrawn submission froze keeps it on disk for the record.
    let a = app
        .store
        .attachments(id)
        .await
        .expect("attachments")
        .remove(0);
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/files/{}/delete", a.id)))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(app.store.attachment(a.id).await.expect("query").is_none());
    assert!(
        app.files.path().join(&a.storage_key).exists(),
        "the submitted file is kept"
    );
}

async fn warnings_need_a_justification_and_the_commitment_must_be_accepted(db: TestDb) {
    let app = App::start(db.store, true).await;
    let mut fx = fixture("sd-2024-llm-survey", "enterprise.valid.json");
    // 大模型相关收入 below 500万元 is a 原则上 condition: a warning, not a stop.
    fx.answers["ent_llm_revenue"] = Json::from(120);
    let (b, id) = apply(&app, &fx, "warn").await;
    let (_, html) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(
        html.contains("原则上") && html.contains("情况说明"),
        "the warning is shown"
    );
    let r = app.submit_application(&b, id, "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("请填写情况说明"));
    let r = app
        .submit_application(&b, id, "企业成立两年，处于高速成长期")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = app
        .store
        .application(id)
        .await
        .expect("query")
        .expect("row");
    assert_eq!(
        row.justification.as_deref(),
        Some("企业成立两年，处于高速成长期")
    );
}

async fn a_save_with_errors_keeps_everything_typed(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "keep").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let fields = vec![
        (
            "f.company_name".to_string(),
            "广州保留科技有限公司".to_string(),
        ),
        ("f.uscc".to_string(), "914403001922038217".to_string()),
    ];
    let r = app.save(&b, id, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "saved, then redirected");
    let (_, html) = app.get(&b, &location(&r)).await;
    assert!(html.contains("不是有效的统一社会信用代码"), "inline error");
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    assert!(
        html.contains("广州保留科技有限公司") && html.contains("914403001922038217"),
        "both kept after reload"
    );
    let (_, html) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(html.contains("才能提交"), "errors block submission");
}

async fn a_stale_save_from_another_tab_is_told_of_the_conflict(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "tabs").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let (csrf, v) = app.version(&b, id).await;
    let first = vec![("f.company_name".to_string(), "第一个窗口".to_string())];
    let second = vec![("f.company_name".to_string(), "第二个窗口".to_string())];
    assert_eq!(
        app.save_as(&b, id, &csrf, &v, &first).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = app.save_as(&b, id, &csrf, &v, &second).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.expect("page");
    assert!(
        html.contains("为避免覆盖") && html.contains("第二个窗口"),
        "told, and the typing is kept"
    );
    let row = app
        .store
        .application(id)
        .await
        .expect("query")
        .expect("row");
    assert!(row.answers.contains("第一个窗口"), "nothing overwritten");
    // Autosave is refused the same way.
    let r = b
        .post(app.url(&format!("/applications/{id}/autosave")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", v.as_str()),
            ("f.company_name", "第三"),
        ])
        .send()
        .await
        .expect("autosave");
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

async fn rows_are_added_and_removed_without_javascript(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("hn-2025-ai", "llm-general.valid.json");
    let b = app.applicant(&fx.profile, "rows").await;
    let id = app.start_app(&b, fx.call, "llm/general").await;
    let fields = vec![
        ("n.llm_honors".to_string(), "1".to_string()),
        (
            "f.llm_honors[0].name".to_string(),
            "省级专精特新".to_string(),
        ),
        ("action".to_string(), "add_row:llm_honors".to_string()),
    ];
    let r = app.save(&b, id, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.contains("rows=llm_honors:2"), "{to}");
    let (_, html) = app.get(&b, &to).await;
    assert!(html.contains("省级专精特新"), "the first row is kept");
    assert!(
        html.contains("name=\"f.llm_honors[1].name\""),
        "a second, empty row is shown"
    );
    // Every cell has an accessible name: its column and row number (the label above is a div).
    assert!(
        html.contains(r#"name="f.llm_honors[1].name" value="" aria-label="荣誉名称（第2行）""#),
        "the second row's cells are named"
    );
    assert!(
        html.contains(r#"name="f.llm_honors[1].date" value="" aria-label="获得时间（第2行）""#),
        "a date cell is named"
    );
    let fields = vec![
        ("n.llm_honors".to_string(), "2".to_string()),
        (
            "f.llm_honors[0].name".to_string(),
            "省级专精特新".to_string(),
        ),
        ("f.llm_honors[1].name".to_string(), "国家级荣誉".to_string()),
        ("action".to_string(), "remove_row:llm_honors:0".to_string()),
    ];
    let r = app.save(&b, id, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = app.store.application(id).await.expect("q").expect("row");
    assert!(
        row.answers.contains("国家级荣誉") && !row.answers.contains("省级专精特新"),
        "{}",
        row.answers
    );
}

shenbao_store::on_both_databases!(
    every_seed_call_takes_a_complete_application,
    withdrawing_returns_to_draft_and_history_shows_it,
    warnings_need_a_justification_and_the_commitment_must_be_accepted,
    a_save_with_errors_keeps_everything_typed,
    a_stale_save_from_another_tab_is_told_of_the_conflict,
    rows_are_added_and_removed_without_javascript,
);
