//! The queue's daily work: status totals and days left, batch decisions with one shared
//! opinion (each application decided on its own, what is left named with why), and the whole
//! filtered queue as a workbook with every field.

use super::*;

const CALL: &str = "qz-2024-ai-industry";

/// `n` applicants of 丰泽区 (350503) each submit a valid 算力服务 application.
async fn submitted(app: &App, n: u32) -> Vec<(reqwest::Client, i64)> {
    let mut out = Vec::new();
    for k in 0..n {
        let code = shenbao_core::ident::enterprise_code("350503", 100 + k);
        let mut fx = with_uscc(fixture(CALL, "compute_service.valid.json"), &code);
        fx.answers["company_name"] = format!("批量测试企业{k}有限公司").into();
        fx.profile["name"] = format!("批量测试企业{k}有限公司").into();
        let (b, id) = apply(app, &fx, &format!("qiye_batch{k}")).await;
        submit(app, &b, id, None).await;
        out.push((b, id));
    }
    out
}

async fn a_batch_decides_each_ticked_application_with_one_opinion(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let licheng = reviewer(&app, "xian_licheng", Role::Bureau, Some("350502"), None).await;
    let apps = submitted(&app, 4).await;
    let ids: Vec<i64> = apps.iter().map(|(_, id)| *id).collect();
    let queue = format!("/review/{CALL}");

    // The queue: totals by status, days left, a box to tick per application.
    let (status, html) = app.get(&fengze, &queue).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("待审核 <strong>4</strong>"), "{html}");
    assert!(
        html.contains("还有 30 天"),
        "demo mode: 30 days to the county deadline"
    );
    for id in &ids {
        assert!(html.contains(&format!("name=\"id\" value=\"{id}\"")));
    }

    // The first is returned on its own page; the batch then takes all four.
    let r = decide(
        &app,
        &fengze,
        CALL,
        ids[0],
        &[("action", "return"), ("comment", "请补充")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // No action chosen: the page comes back with the ticks and the text kept, nothing done.
    let mut fields: Vec<(&str, String)> = ids.iter().map(|id| ("id", id.to_string())).collect();
    fields.push(("text", "材料齐全，同意推荐".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .submit(&fengze, &queue, &format!("{queue}/batch"), &pairs)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请选择批量处理的方式"), "{html}");
    assert!(html.contains("材料齐全，同意推荐</textarea>"));
    assert_eq!(
        where_is(&app, ids[1]).await,
        at("submitted", "county", "350503")
    );

    // Recommend, with the level's two signature lines: three done, the returned one named.
    fields.push(("action", "recommend".into()));
    fields.push(("sig.0", "王经办".into()));
    fields.push(("sig.1", "李审批".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .submit(&fengze, &queue, &format!("{queue}/batch"), &pairs)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("已批量推荐 3 件申报"), "{html}");
    assert!(html.contains("“批量测试企业0有限公司”未处理："), "{html}");
    for (rank, id) in ids[1..].iter().enumerate() {
        assert_eq!(
            where_is(&app, *id).await,
            at("recommended", "county", "350503")
        );
        let reviews = app.store.reviews_of(*id).await.unwrap();
        assert_eq!(reviews.len(), 1);
        assert_eq!(reviews[0].opinion, "材料齐全，同意推荐");
        assert!(
            reviews[0]
                .signatures
                .as_deref()
                .unwrap_or_default()
                .contains("李审批")
        );
        // Ranked in the order ticked.
        assert_eq!(reviews[0].rank, Some(i64::try_from(rank).unwrap() + 1));
    }
    assert_eq!(where_is(&app, ids[0]).await.0, "returned");
    // The applicants are told, as for a decision on the review page.
    let (_, inbox) = app.get(&apps[1].0, "/inbox").await;
    assert!(inbox.contains("推荐"), "{inbox}");

    // Another county posting these ids changes nothing and learns no title.
    let pairs = [
        ("id", ids[1].to_string()),
        ("action", "reject".into()),
        ("text", "越权".into()),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .submit(&licheng, &queue, &format!("{queue}/batch"), &pairs)
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("“#{}”未处理", ids[1])), "{html}");
    assert!(!html.contains("批量测试企业1有限公司"));
    assert_eq!(where_is(&app, ids[1]).await.0, "recommended");
}

async fn the_filtered_queue_exports_every_field(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let apps = submitted(&app, 3).await;
    let r = decide(
        &app,
        &fengze,
        CALL,
        apps[2].1,
        &[("action", "return"), ("comment", "请补充")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let all = summary_cells(&app, &fengze, &format!("/review/{CALL}/export.xlsx")).await;
    assert!(all[0][0].contains("申报列表"), "{:?}", all[0]);
    let head = &all[1];
    for col in [
        "序号",
        "受理编号",
        "项目（案例）名称",
        "统一社会信用代码",
        "状态",
        "推荐排序",
    ] {
        assert!(head.iter().any(|h| h == col), "{col} in {head:?}");
    }
    assert_eq!(all.len(), 2 + 3, "title, header and three applications");
    // A field of the form has its column, each answer as the applicant reads it.
    let name_col = head
        .iter()
        .position(|h| h == "单位名称")
        .expect("field column");
    let names: Vec<&str> = all[2..].iter().map(|r| r[name_col].as_str()).collect();
    assert!(names.contains(&"批量测试企业1有限公司"), "{names:?}");
    let code_col = head.iter().position(|h| h == "统一社会信用代码").unwrap();
    assert!(all[2..].iter().all(|r| r[code_col].starts_with("91350503")));

    // Filtered: only the returned one.
    let returned = summary_cells(
        &app,
        &fengze,
        &format!("/review/{CALL}/export.xlsx?status=returned&q="),
    )
    .await;
    assert_eq!(returned.len(), 3, "{returned:?}");
    assert_eq!(returned[2][name_col], "批量测试企业2有限公司");
    assert_eq!(
        returned[2][head.iter().position(|h| h == "状态").unwrap()],
        "退回修改"
    );
}

async fn the_review_page_reads_like_paper_and_walks_the_queue(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let apps = submitted(&app, 3).await;
    let ids: Vec<i64> = apps.iter().map(|(_, id)| *id).collect();
    // Oldest first: ids in the order they were submitted.
    let filters = "direction=&status=&region=&q=&sort=oldest&per=";
    let page = |id: i64| format!("/review/{CALL}/applications/{id}?{filters}");

    let (status, html) = app.get(&fengze, &page(ids[1])).await;
    assert_eq!(status, StatusCode::OK);
    // The form as the paper reads: answers as text, choices ticked, no input in it.
    let paper = &html[html.find("<div class=\"paper\">").expect("paper")..];
    let paper = &paper[..paper.find("<h2>办理记录</h2>").expect("end of paper")];
    assert!(
        !paper.contains("<input") && !paper.contains("<textarea"),
        "{paper}"
    );
    assert!(paper.contains("批量测试企业1有限公司"));
    assert!(paper.contains("☑"), "chosen options are ticked");
    // Its neighbours in the queue's order, the filters kept.
    assert!(html.contains(&format!(
        "rel=\"prev\" href=\"/review/{CALL}/applications/{}?",
        ids[0]
    )));
    assert!(html.contains(&format!(
        "rel=\"next\" href=\"/review/{CALL}/applications/{}?",
        ids[2]
    )));
    let (_, first) = app.get(&fengze, &page(ids[0])).await;
    assert!(
        !first.contains("rel=\"prev\""),
        "the first has no previous one"
    );

    // 推荐并下一件 on the first: decided, and on to the second, filters kept.
    let r = app
        .submit(
            &fengze,
            &page(ids[0]),
            &format!("/review/{CALL}/applications/{}/decide", ids[0]),
            &[
                ("action", "recommend"),
                ("opinion", "同意推荐"),
                ("sig.0", "王经办"),
                ("sig.1", "李审批"),
                ("next", "1"),
                ("filters", filters),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), page(ids[1]));
    // The decision, once taken, replaces the forms.
    let (_, done) = app.get(&fengze, &page(ids[0])).await;
    assert!(
        done.contains("本单位处理结果：<strong>已推荐</strong>"),
        "{done}"
    );
    // The forms stay for a change of mind before forwarding, folded under the decision.
    let decided = done.find("本单位处理结果").unwrap();
    let folded = done
        .find("<details class=\"change\"><summary>修改本单位的处理决定")
        .expect("forms folded");
    assert!(decided < folded);
    assert!(done[folded..].contains("name=\"action\" value=\"recommend\""));
    // Returning the last pending one with 退回并下一件 ends at the queue: nothing is left.
    for id in [ids[1], ids[2]] {
        let r = app
            .submit(
                &fengze,
                &page(id),
                &format!("/review/{CALL}/applications/{id}/decide"),
                &[
                    ("action", "return"),
                    ("comment", "请补充"),
                    ("next", "1"),
                    ("filters", filters),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        if id == ids[1] {
            assert_eq!(location(&r), page(ids[2]));
        } else {
            let to = location(&r);
            assert!(
                to.starts_with(&format!("/review/{CALL}?")) && to.ends_with("msg=queue_done"),
                "{to}"
            );
            let (_, queue) = app.get(&fengze, &to).await;
            assert!(queue.contains("已处理完当前筛选条件下的全部待审核申报"));
        }
    }
}

shenbao_store::on_both_databases!(
    a_batch_decides_each_ticked_application_with_one_opinion,
    the_filtered_queue_exports_every_field,
    the_review_page_reads_like_paper_and_walks_the_queue,
);
