//! Applications travel level by level: 泉州, single-city calls, returns.

use super::*;

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
    // The applicant sees where it is: the unit by its name, not the level's address to all.
    let (_, html) = app.get(&a_browser, &format!("/applications/{a}")).await;
    assert!(
        html.contains("<th>当前审核单位</th><td>丰泽区工信局</td>"),
        "{html}"
    );
    assert!(!html.contains("各县（市、区）工信"), "{html}");

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
    // The county ranks because the notice says so, and the page names the clause.
    assert!(
        html.contains("依据：三、有关要求（3）：项目推荐应按优先顺序择优排序"),
        "{html}"
    );
    assert!(!html.contains(shenbao_web::strings::RANKS_OWNER_CHOICE));
    // The paper that goes with the list (一式四份), counted for the one recommended.
    assert!(
        html.contains("纸质材料（寄送至市工信局软件业与信息化推进科）"),
        "{html}"
    );
    for line in [
        shenbao_web::strings::paper_line(
            "《福建省省级人工智能产业发展项目申报表》（附件1）",
            4,
            Some(1),
            Some("其中一份申报书推荐意见一栏加盖推荐单位公章"),
        ),
        shenbao_web::strings::paper_line(
            "项目推荐汇总表（附件2）",
            1,
            None,
            Some("加盖推荐单位公章"),
        ),
    ] {
        assert!(html.contains(&line), "{line} in {html}");
    }
    assert!(html.contains("本方向推荐 1 件，共 4 份"), "{html}");
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
    county_package_holds_what_it_sends(&app, &fengze, call).await;

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
    // The city ranks too, which the notice does not ask: the page says it is the owner's choice.
    assert!(
        html.contains(shenbao_web::strings::RANKS_OWNER_CHOICE),
        "{html}"
    );
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
        // Where the notice asks for stamped scans, the list does not go up without them.
        let asks = entry
            .def()
            .review_levels
            .iter()
            .find(|l| l.id == "city")
            .and_then(|l| l.sending.as_ref())
            .is_some_and(|s| !s.scans.is_empty());
        if asks {
            let r = forward_as_is(&app, &city, call, &direction).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{call}: no scans yet");
            let body = r.text().await.unwrap();
            assert!(body.contains("报送前请先上传"), "{call}: {body}");
            let to = upload_scan(
                &app,
                &city,
                call,
                "summary",
                "汇总表.jpg",
                content("jpg", 4096),
            )
            .await;
            assert!(
                to.contains("msg=scan_not_pdf"),
                "{call}: a JPEG is no PDF: {to}"
            );
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
        if app.calls.get(call).unwrap().call.def().kind.is_contest() {
            owner_to_publication(&app, call, &[(*id, b)], &i.to_string()).await;
        } else {
            owner_collects(&app, call, &[(*id, b)], &i.to_string()).await;
        }
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

shenbao_store::on_both_databases!(
    quanzhou_goes_county_or_sector_then_city_then_province,
    single_city_calls_go_from_the_city_to_the_owner,
    a_returned_application_comes_back_with_its_changes,
);

/// The county's package holds what 三、有关要求（3） has it send with its list: the letter as
/// Word and PDF, the stamped scans it uploaded, and each form, whose PDF pages carry the
/// 受理编号 of the submitted version.
async fn county_package_holds_what_it_sends(app: &App, county: &reqwest::Client, call: &str) {
    use std::io::Read;
    let r = county
        .get(app.url(&format!("/review/{call}/package")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        entries.push((f.name().to_string(), data));
    }
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "关于推荐2024年省级人工智能产业发展项目的函（推荐函）.docx",
        "关于推荐2024年省级人工智能产业发展项目的函（推荐函）.pdf",
        "加盖公章的汇总表扫描件.pdf",
        "盖章推荐函扫描件.pdf",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let scan = entries
        .iter()
        .find(|(n, _)| n == "加盖公章的汇总表扫描件.pdf")
        .unwrap();
    assert_eq!(scan.1, content("pdf", 4096), "the uploaded scan, as it was");
    let (_, form) = entries
        .iter()
        .find(|(n, _)| {
            // 01-单位-标题/单位-标题.pdf: the form, named as its folder.
            n.split_once('/').is_some_and(|(folder, file)| {
                folder
                    .strip_prefix("01-")
                    .is_some_and(|base| file == format!("{base}.pdf"))
            })
        })
        .expect("the first application's PDF form");
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, form).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/test)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("受理编号：QZ-2024-AI-INDUSTRY-350503-"),
        "the form's pages carry the 受理编号: {text}"
    );
}
