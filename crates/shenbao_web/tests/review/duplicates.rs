//! The duplicate check on the review page (疑似重复申报), with the example city call: a close
//! copy of a narrative answer by another organisation, the same project name written
//! differently, and another application of the same organisation code are each listed with
//! their evidence; an unrelated application is not.

use super::city_call::{CALL, FILE, answers};
use super::*;

const A_TEXT: &str = "本项目在湖里区电子元器件产线部署机器视觉质检系统，采用深度学习缺陷检测模型替代人工目检，\
    覆盖贴片、焊点和外观三道工序。系统上线半年来，缺陷检出率由百分之九十二提升至百分之九十九，\
    漏检率下降八成，每条产线减少质检人员六名，年节约人工成本约一百二十万元。";

/// An applicant (login, code, name, region) that submits `direction` with the project
/// `project` and the highlights `text`; returns the application id.
async fn submitted(
    app: &App,
    (login, uscc, name, region): (&str, &str, &str, &str),
    direction: &str,
    project: &str,
    text: &str,
) -> i64 {
    let profile = serde_json::json!({"uscc": uscc, "name": name, "region": region});
    let b = app.applicant(&profile, login).await;
    let id = app.start_app(&b, CALL, direction).await;
    let mut a = answers(name, region, 400);
    a["uscc"] = serde_json::json!(uscc);
    a["project_name"] = serde_json::json!(project);
    a["highlights"] = serde_json::json!(text);
    let r = app.save(&b, id, &form_pairs(&a)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The made-up codes fail the embedded organisation-code check: a warning to justify.
    let r = try_submit(app, &b, id, None, "营业执照已核对").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    id
}

async fn the_review_page_lists_duplicates_with_their_evidence(db: TestDb) {
    let app = App::start_with_calls(db.store, false, &[FILE]).await;
    let huli = reviewer(&app, "qu_huli", Role::Bureau, Some("350206"), None).await;
    let a = submitted(
        &app,
        ("qiye_a", "91350206MA2Y00001D", "湖里甲", "350206"),
        "quality",
        "产线机器视觉质检",
        A_TEXT,
    )
    .await;
    // A light edit of A's text, by another organisation in another district and direction.
    let edited = A_TEXT
        .replace("半年来", "八个月来")
        .replace("六名", "五名")
        .replace("一百二十万元", "一百万元");
    let b = submitted(
        &app,
        ("qiye_b", "91350203MA2Y000025", "思明乙", "350203"),
        "scheduling",
        "智能排产",
        &edited,
    )
    .await;
    // The same project name, written with other punctuation and spaces.
    let unrelated = "我单位建设的城市交通信号优化平台接入路口一千二百个，利用视频识别和强化学习算法\
        实时调整配时方案，高峰时段主干道平均通行速度提高百分之十八，排队长度减少约三成，\
        并与公安交管部门的指挥系统实现数据互通，获得市级示范项目称号。";
    let c = submitted(
        &app,
        ("qiye_c", "91350206MA2Y00003K", "湖里丙", "350206"),
        "quality",
        "《产线 机器视觉质检》",
        unrelated,
    )
    .await;
    // Another application of the same organisation code (another account), unrelated text.
    let other_text = "公司研发的仓储物流调度系统整合订单、库存与运输数据，基于运筹优化算法自动生成\
        拣货波次和配送路线，在三个自有仓库上线后，日均处理订单能力提升一倍，车辆空驶率降低百分之十五，\
        客户准时交付率达到百分之九十八。";
    let d = submitted(
        &app,
        ("qiye_d", "91350206MA2Y00001D", "湖里甲", "350206"),
        "scheduling",
        "仓储调度",
        other_text,
    )
    .await;
    // Unrelated to A in every way.
    let e_text = "依托自建的工业互联网平台，为园区中小企业提供设备联网、能耗监测和预测性维护服务，\
        已接入设备四千余台，帮助企业平均降低能耗百分之十二，减少非计划停机时间约三成，\
        平台年服务收入达到八百万元。";
    let e = submitted(
        &app,
        ("qiye_e", "91350203MA2Y00004B", "思明戊", "350203"),
        "scheduling",
        "园区平台",
        e_text,
    )
    .await;

    let (status, page) = app
        .get(&huli, &format!("/review/{CALL}/applications/{a}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let start = page.find("重复申报检查").expect("the duplicate check");
    let end = page[start..]
        .find("</table>")
        .map_or(page.len(), |i| start + i);
    let check = &page[start..end];
    let row = |id: i64| {
        let key = format!("申报编号{id} ");
        check.find(&key).map(|i| {
            let rest = &check[i..];
            rest[..rest.find("</tr>").unwrap_or(rest.len())].to_string()
        })
    };
    let b_row = row(b).unwrap_or_else(|| panic!("B listed: {check}"));
    assert!(b_row.contains("“项目亮点”内容相似度约"), "{b_row}");
    let c_row = row(c).unwrap_or_else(|| panic!("C listed: {check}"));
    assert!(c_row.contains("项目名称相同"), "{c_row}");
    let d_row = row(d).unwrap_or_else(|| panic!("D listed: {check}"));
    assert!(
        d_row.contains("（同一统一社会信用代码）") && d_row.contains("同一单位的其他申报"),
        "{d_row}"
    );
    assert!(row(e).is_none(), "E is unrelated: {check}");
    // The suspected ones come before the same organisation's other application.
    assert!(check.find(&format!("申报编号{d} ")) > check.find(&format!("申报编号{b} ")));
}

shenbao_store::on_both_databases!(the_review_page_lists_duplicates_with_their_evidence);
