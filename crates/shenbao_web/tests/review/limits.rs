//! Nobody acts outside their unit, after forwarding or after the level deadline.

use super::*;

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
            "受理单位（丰泽区工信局）已向上级报送本申报方向的推荐名单，不再受理本方向的申报",
        ),
        (
            &returned_browser,
            returned,
            "退回修改的审核单位（丰泽区工信局）已向上级报送本申报方向的推荐名单，不再受理重新提交",
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

shenbao_store::on_both_databases!(
    nobody_acts_outside_their_unit_or_after_forwarding,
    forwarding_closes_with_the_level_deadline,
    a_submission_to_a_unit_that_forwarded_is_refused_and_changes_nothing,
    a_reviewer_sees_the_other_accounts_with_the_same_code,
);
