//! The ranking, selection, publication and the results, and what publication freezes.

use super::*;

async fn the_ranking_shows_known_numbers_and_selection_publication_and_results_follow(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let experts = [
        user(&app, "e1", Role::Expert, None).await,
        user(&app, "e2", Role::Expert, None).await,
        user(&app, "e3", Role::Expert, None).await,
    ];
    for e in experts {
        app.store
            .add_pool_expert(CALL, e, common::NOW)
            .await
            .expect("pool");
    }
    // Totals per expert (e1, e2, e3): mean / trimmed mean.
    //   A: 90 80 40 → 70 / 80     B: 70 70 70 → 70 / 70
    //   C: 60 60 90 → 70 / 60     D: 50 50 50 → 50 / 50     E: no sheets
    let plan: [(&str, [f64; 3]); 4] = [
        ("甲案例", [90.0, 80.0, 40.0]),
        ("乙案例", [70.0, 70.0, 70.0]),
        ("丙案例", [60.0, 60.0, 90.0]),
        ("丁案例", [50.0, 50.0, 50.0]),
    ];
    let mut ids = Vec::new();
    for (n, (title, totals)) in plan.iter().enumerate() {
        let o = org(
            &app,
            n as u32 + 1,
            if n % 2 == 0 { "440305" } else { "440106" },
        )
        .await;
        let id = application(&app, o, "manufacturing", title).await;
        for (e, v) in experts.iter().zip(totals) {
            let a = app
                .store
                .assign_expert(&NewAssignment {
                    application_id: id,
                    expert_id: *e,
                    assigned_at: common::NOW,
                    assigned_by: 1,
                })
                .await
                .expect("assign");
            app.store
                .submit_scores(a.id, *e, &sheet(*v), "{}", common::NOW)
                .await
                .expect("scores");
        }
        ids.push(id);
    }
    let unscored = application(
        &app,
        org(&app, 9, "440305").await,
        "manufacturing",
        "戊案例",
    )
    .await;
    let other_direction =
        application(&app, org(&app, 10, "440305").await, "medical", "医疗案例").await;
    let owner = browser(&app, "owner").await;
    let ranking = format!("/owner/{CALL}/ranking");

    // Mean: A, B and C tie at rank 1; D is 4th; E has no rank.
    let (status, page) = app
        .get(&owner, &format!("{ranking}?direction=manufacturing"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for id in &ids[..3] {
        let line = row(&page, "rank", *id);
        assert!(
            line.contains("class=\"rank\">1 <span class=\"badge shut\">并列</span>"),
            "{line}"
        );
        assert!(line.contains("class=\"mean\">70.00<"));
    }
    assert!(row(&page, "rank", ids[0]).contains("class=\"trimmed\">80.00<"));
    assert!(row(&page, "rank", ids[0]).contains("e3名 40.00"));
    assert!(row(&page, "rank", ids[3]).contains("class=\"rank\">4<"));
    assert!(row(&page, "rank", unscored).contains("class=\"rank\">—<"));
    assert!(!page.contains("医疗案例"));

    // Trimmed mean: A, B, C, D in order, no ties.
    let (_, page) = app
        .get(
            &owner,
            &format!("{ranking}?direction=manufacturing&method=trimmed"),
        )
        .await;
    for (n, id) in ids.iter().enumerate() {
        let line = row(&page, "rank", *id);
        assert!(
            line.contains(&format!("class=\"rank\">{}<", n + 1)),
            "{line}"
        );
    }
    assert!(page.find("甲案例") < page.find("乙案例"));

    // Z-scores per expert: e1 90,70,60,50; e2 80,70,60,50; e3 40,70,90,50.
    let z = |v: f64, all: [f64; 4]| {
        let m = all.iter().sum::<f64>() / 4.0;
        let sd = (all.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 4.0).sqrt();
        (v - m) / sd
    };
    let e1 = [90.0, 70.0, 60.0, 50.0];
    let e2 = [80.0, 70.0, 60.0, 50.0];
    let e3 = [40.0, 70.0, 90.0, 50.0];
    let z_a = (z(90.0, e1) + z(80.0, e2) + z(40.0, e3)) / 3.0;
    let z_d = (z(50.0, e1) + z(50.0, e2) + z(50.0, e3)) / 3.0;
    let (_, page) = app
        .get(
            &owner,
            &format!("{ranking}?direction=manufacturing&normalise=1"),
        )
        .await;
    assert!(
        row(&page, "rank", ids[0]).contains(&format!("class=\"z\">{z_a:.3}<")),
        "{}",
        row(&page, "rank", ids[0])
    );
    assert!(row(&page, "rank", ids[3]).contains(&format!("class=\"z\">{z_d:.3}<")));

    // Results are not public yet.
    let anonymous = app.browser();
    let (status, page) = app.get(&anonymous, &format!("/calls/{CALL}/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("结果尚未公布"));
    assert!(!page.contains("甲案例"));

    // Cut-off: a bad one is refused; rank ≤ 2 by trimmed mean selects A and B.
    let select = format!("{ranking}/select");
    let view = [
        ("direction", "manufacturing"),
        ("method", "trimmed"),
        ("normalise", "0"),
    ];
    let mut bad = view.to_vec();
    bad.push(("cutoff", "abc"));
    let (status, html) = post(&app, &owner, &select, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("入选名次须为正整数"));
    assert!(html.contains("value=\"abc\""));
    let mut cut = view.to_vec();
    cut.push(("cutoff", "2"));
    let (status, to) = post(&app, &owner, &select, &cut).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.contains("msg=selected&n=2"), "{to}");
    assert_eq!(status_of(&app, ids[0]).await, "selected");
    assert_eq!(status_of(&app, ids[1]).await, "selected");
    assert_eq!(status_of(&app, ids[2]).await, "submitted");

    // Ticked: D; then undone. An id of another direction is not found.
    let d = ids[3].to_string();
    let mut ticked = view.to_vec();
    ticked.push(("id", &d));
    assert_eq!(
        post(&app, &owner, &select, &ticked).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, ids[3]).await, "selected");
    assert_eq!(
        post(&app, &owner, &format!("{ranking}/unselect"), &[("id", &d)])
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, ids[3]).await, "submitted");
    let medical = other_direction.to_string();
    let mut wrong = view.to_vec();
    wrong.push(("id", &medical));
    assert_eq!(
        post(&app, &owner, &select, &wrong).await.0,
        StatusCode::NOT_FOUND
    );

    // The dashboard counts by city.
    let (_, page) = app.get(&owner, &format!("/owner/{CALL}")).await;
    assert!(
        page.contains("广东省深圳市") && page.contains("广东省广州市"),
        "{page}"
    );

    // Publication needs the confirmation.
    let publish = format!("/owner/{CALL}/publish");
    let (status, page) = app.get(&owner, &publish).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("甲案例") && page.contains("乙案例") && !page.contains("丙案例"));
    let (status, html) = post(&app, &owner, &publish, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请勾选确认后再公布"));
    assert_eq!(app.store.publication(CALL).await.expect("read"), None);
    let (status, _) = post(&app, &owner, &publish, &[("confirm", "1")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The results list exactly the selected, for anyone; the call page links to them.
    let (status, page) = app.get(&anonymous, &format!("/calls/{CALL}/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("甲案例") && page.contains("乙案例"));
    for other in ["丙案例", "丁案例", "戊案例", "医疗案例"] {
        assert!(!page.contains(other), "{other}");
    }
    assert!(page.contains("测试单位1") && page.contains("广东省深圳市南山区"));
    assert!(page.contains("广东省广州市天河区"));
    let (_, call_page) = app.get(&anonymous, &format!("/calls/{CALL}")).await;
    assert!(call_page.contains(&format!("/calls/{CALL}/results")));

    // Nothing changes after publication.
    let locked = "结果已公布";
    let c = ids[2].to_string();
    let a = ids[0].to_string();
    let mut again = view.to_vec();
    again.push(("id", &c));
    for (path, fields) in [
        (select.clone(), again.clone()),
        (format!("{ranking}/unselect"), vec![("id", a.as_str())]),
        (publish.clone(), vec![("confirm", "1")]),
        (
            format!("/owner/{CALL}/assignments/auto"),
            vec![("per_application", "3")],
        ),
        (
            format!("/owner/{CALL}/assignments/assign"),
            vec![("application", c.as_str()), ("username", "e1")],
        ),
    ] {
        let (status, html) = post(&app, &owner, &path, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains(locked), "{path}");
    }
    assert_eq!(status_of(&app, ids[0]).await, "selected");
    assert_eq!(status_of(&app, ids[2]).await, "submitted");
}

/// After publication every score, assignment, selection and the ranking are frozen: an
/// expert's save, submission and recusal are refused with the reason and change nothing, the
/// ranking page stays as published, and the owner can neither select, unselect, assign,
/// unassign, assign automatically nor publish again.
async fn after_publication_scores_assignments_and_selection_are_frozen(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let e1 = user(&app, "e1", Role::Expert, None).await;
    let e2 = user(&app, "e2", Role::Expert, None).await;
    for e in [e1, e2] {
        app.store
            .add_pool_expert(CALL, e, common::NOW)
            .await
            .expect("pool");
    }
    let a = application(
        &app,
        org(&app, 1, "440305").await,
        "manufacturing",
        "甲案例",
    )
    .await;
    let b = application(
        &app,
        org(&app, 2, "440106").await,
        "manufacturing",
        "乙案例",
    )
    .await;
    let assign = |application_id: i64, expert_id: i64| {
        let store = app.store.clone();
        async move {
            store
                .assign_expert(&NewAssignment {
                    application_id,
                    expert_id,
                    assigned_at: common::NOW,
                    assigned_by: 1,
                })
                .await
                .expect("assign")
                .id
        }
    };
    // e1 has scored A (90) and B (60); e2 has a draft on A and nothing yet on B.
    let e1_a = assign(a, e1).await;
    let e1_b = assign(b, e1).await;
    let e2_a = assign(a, e2).await;
    let e2_b = assign(b, e2).await;
    for (id, v) in [(e1_a, 90.0), (e1_b, 60.0)] {
        app.store
            .submit_scores(id, e1, &sheet(v), "{}", common::NOW)
            .await
            .expect("scores");
    }
    app.store
        .save_scores(e2_a, e2, "{\"innovation\":50.0}", "{}", common::NOW)
        .await
        .expect("draft");
    let owner = browser(&app, "owner").await;
    let ranking = format!("/owner/{CALL}/ranking");
    let view = format!("{ranking}?direction=manufacturing");
    let a_text = a.to_string();
    let (status, _) = post(
        &app,
        &owner,
        &format!("{ranking}/select"),
        &[("direction", "manufacturing"), ("id", a_text.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = post(
        &app,
        &owner,
        &format!("/owner/{CALL}/publish"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "published");
    let (_, published) = app.get(&owner, &view).await;
    let ranks = |page: &str| {
        [
            row(page, "rank", a).to_string(),
            row(page, "rank", b).to_string(),
        ]
    };
    let published_ranks = ranks(&published);
    assert!(
        published_ranks[0].contains("class=\"rank\">1<"),
        "{published_ranks:?}"
    );
    let sheets_before = app
        .store
        .submitted_sheets(CALL, "manufacturing")
        .await
        .expect("sheets");
    let assignments = |ids: [i64; 4]| {
        let store = app.store.clone();
        async move {
            let mut rows = Vec::new();
            for id in ids {
                rows.push(store.assignment(id).await.expect("read"));
            }
            rows
        }
    };
    let all = [e1_a, e1_b, e2_a, e2_b];
    let assignments_before = assignments(all).await;

    // The expert: the sheet is read-only with the reason, and every post is refused.
    let expert = browser(&app, "e2").await;
    let (status, page) = app
        .get(&expert, &format!("/expert/assignments/{e2_b}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("评审结果已公布"), "{page}");
    assert!(
        !page.contains("name=\"score.innovation\""),
        "no sheet to fill in"
    );
    let full = [
        ("score.innovation", "100"),
        ("score.application_value", "100"),
        ("score.demonstration", "100"),
        ("score.market_prospect", "100"),
        ("confirm", "1"),
    ];
    for id in [e2_a, e2_b] {
        for action in ["submit", "save"] {
            let mut fields = vec![("action", action)];
            fields.extend_from_slice(&full);
            let (status, html) =
                post(&app, &expert, &format!("/expert/assignments/{id}"), &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{action} {id}");
            assert!(html.contains("评审结果已公布"), "{html}");
        }
        let (status, html) = post(
            &app,
            &expert,
            &format!("/expert/assignments/{id}/recuse"),
            &[("reason", "曾为该单位提供咨询")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "recuse {id}");
        assert!(html.contains("评审结果已公布"), "{html}");
    }
    // An expert's own submitted sheet is refused for the publication too.
    let first = browser(&app, "e1").await;
    let (status, _) = post(
        &app,
        &first,
        &format!("/expert/assignments/{e1_b}"),
        &[("action", "save"), ("score.innovation", "10")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The owner: nothing about the results changes.
    let b_text = b.to_string();
    let e1_b_text = e1_b.to_string();
    for (path, fields) in [
        (
            format!("{ranking}/select"),
            vec![("direction", "manufacturing"), ("id", b_text.as_str())],
        ),
        (
            format!("{ranking}/unselect"),
            vec![("direction", "manufacturing"), ("id", a_text.as_str())],
        ),
        (
            format!("/owner/{CALL}/assignments/assign"),
            vec![("application", b_text.as_str()), ("username", "e1")],
        ),
        (
            format!("/owner/{CALL}/assignments/unassign"),
            vec![("assignment", e1_b_text.as_str())],
        ),
        (
            format!("/owner/{CALL}/assignments/auto"),
            vec![("per_application", "2")],
        ),
        (format!("/owner/{CALL}/publish"), vec![("confirm", "1")]),
    ] {
        let (status, html) = post(&app, &owner, &path, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("结果已公布"), "{path}: {html}");
    }

    assert_eq!(
        assignments(all).await,
        assignments_before,
        "no assignment changed"
    );
    assert_eq!(
        app.store
            .submitted_sheets(CALL, "manufacturing")
            .await
            .expect("sheets"),
        sheets_before
    );
    let (_, after) = app.get(&owner, &view).await;
    assert_eq!(
        ranks(&after),
        published_ranks,
        "the ranking stays as published"
    );
    assert_eq!(status_of(&app, a).await, "selected");
    assert_eq!(status_of(&app, b).await, "submitted");
}

shenbao_store::on_both_databases!(
    the_ranking_shows_known_numbers_and_selection_publication_and_results_follow,
    after_publication_scores_assignments_and_selection_are_frozen,
);
