//! The real timeline: a receiving unit sets an applicants' deadline of its own (never after
//! the latest the notice leaves it) and a contact; its applicants see them and are held to
//! them, while another unit's applicants keep the call's date.

use super::*;

/// `YYYY-MM-DD`, `days` after the test clock's now (Beijing).
fn day(app: &App, days: i64) -> String {
    shenbao_core::time::date_after(app.clock.load(Ordering::SeqCst), days).to_string()
}

async fn a_county_deadline_closes_its_own_applicants_only(db: TestDb) {
    // Demo mode: 泉州's county deadline (the notice's 6-16) lies 30 days ahead.
    let app = App::start(db.store, true).await;
    let call = "qz-2024-ai-industry";
    let page = format!("/review/{call}/timeline");
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let (status, html) = app.get(&fengze, &page).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&day(&app, 30)),
        "the level's own date: {html}"
    );
    // The city of 泉州 receives no applicants (its counties and departments do): no such page.
    let city = reviewer(&app, "shi_quanzhou", Role::Bureau, Some("350500"), None).await;
    assert_eq!(app.get(&city, &page).await.0, StatusCode::NOT_FOUND);

    // A date after the level's own is refused, with what was typed kept; nothing is saved.
    let too_late = day(&app, 31);
    let r = app
        .submit(
            &fengze,
            &page,
            &page,
            &[
                ("deadline", too_late.as_str()),
                ("contact_name", "张三"),
                ("contact_phone", "0595-22512345"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("不能晚于 {}", day(&app, 30))),
        "{html}"
    );
    assert!(html.contains(&too_late) && html.contains("0595-22512345"));
    let (_, html) = app.get(&fengze, &page).await;
    assert!(!html.contains("0595-22512345"), "nothing was saved");
    // Not a date, and a date already past: refused too.
    for (bad, why) in [("六月一日", "格式不对"), (&*day(&app, -1), "不能早于今天")] {
        let r = app
            .submit(&fengze, &page, &page, &[("deadline", bad)])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains(why), "{bad}");
    }

    // Ten days ahead: saved, and shown again.
    let own = day(&app, 10);
    let r = app
        .submit(
            &fengze,
            &page,
            &page,
            &[
                ("deadline", own.as_str()),
                ("contact_name", "张三"),
                ("contact_phone", "0595-22512345"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&fengze, &location(&r)).await;
    assert!(html.contains("已保存") && html.contains(&format!("value=\"{own}\"")));

    // An applicant of 丰泽 and one of 鲤城 start drafts; the 丰泽 one sees its unit's date and
    // contact on the call page and on its application.
    let fx = fixture(call, "compute_service.valid.json");
    let (fengze_b, fengze_app) = apply(&app, &fx, "qiye_fengze").await;
    let mut other = with_uscc(
        fixture(call, "compute_service.valid.json"),
        "91440300708461136T",
    );
    other.profile["region"] = "350502".into();
    let (licheng_b, licheng_app) = apply(&app, &other, "qiye_licheng").await;
    let (_, html) = app.get(&fengze_b, &format!("/calls/{call}")).await;
    assert!(
        html.contains("贵单位的受理单位")
            && html.contains(&own)
            && html.contains("张三 0595-22512345"),
        "{html}"
    );
    let (_, html) = app.get(&licheng_b, &format!("/calls/{call}")).await;
    assert!(!html.contains(&own) && html.contains(&day(&app, 30)));
    let (_, html) = app
        .get(&fengze_b, &format!("/applications/{fengze_app}"))
        .await;
    assert!(html.contains(&own) && html.contains("规定"), "{html}");

    // Eleven days on, the 丰泽 applicant is refused with its unit's date; the 鲤城 one is not.
    let names = [
        app.login_name(&fengze_b).await,
        app.login_name(&licheng_b).await,
    ];
    app.clock.fetch_add(11 * 24 * 3600 * 1000, Ordering::SeqCst);
    for (b, name) in [(&fengze_b, &names[0]), (&licheng_b, &names[1])] {
        let r = app.login(b, name, "secret-123").await;
        let status = r.status();
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    }
    let (_, html) = app
        .get(&fengze_b, &format!("/applications/{fengze_app}/submit"))
        .await;
    assert!(html.contains("申报已截止"), "the submit page says so");
    let r = try_submit(&app, &fengze_b, fengze_app, None, "已说明").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!("丰泽区工信局规定的申报截止日期（{own}）已过")),
        "{body}"
    );
    assert_eq!(
        where_is(&app, fengze_app).await,
        ("draft".into(), None, None)
    );
    submit(&app, &licheng_b, licheng_app, None).await;
    assert_eq!(
        where_is(&app, licheng_app).await,
        at("submitted", "county", "350502")
    );
    // A new draft of the 丰泽 organisation is refused at the start already.
    let r = app
        .submit(
            &fengze_b,
            &format!("/calls/{call}"),
            &format!("/calls/{call}/applications"),
            &[("direction", "software_product")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The setting is in the audit log.
    let entries = app.store.audit_page(None, 100).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "unit_timeline_set"
        && e.detail.as_deref().is_some_and(|d| d.contains(&own))));
}

shenbao_store::on_both_databases!(a_county_deadline_closes_its_own_applicants_only);
