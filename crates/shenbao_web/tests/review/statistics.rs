//! The statistics pages (统计分析): a bureau counts what was routed to or through its unit,
//! the call owner counts the whole call, drafts count nowhere, the XLSX holds the same
//! figures, and nobody else gets them.

use super::*;
use calamine::{Data, Reader, Xlsx};

const QZ: &str = "qz-2024-ai-industry";

/// The count in the row `label` of breakdown `section` (`region`, `direction`, `status`,
/// `day`) of a statistics page; `None` when the row is missing.
fn figure(html: &str, section: &str, label: &str) -> Option<i64> {
    let start = html.find(&format!("id=\"stat-{section}\""))?;
    let part = &html[start..];
    let part = &part[..part.find("</table>")?];
    let key = format!("<th scope=\"row\">{label}</th><td class=\"num\" data-n=\"");
    let at = part.find(&key)? + key.len();
    part[at..].split('"').next()?.parse().ok()
}

/// The total a statistics page shows.
fn total(html: &str) -> i64 {
    let key = "共 <strong>";
    let at = html.find(key).expect("a total") + key.len();
    html[at..]
        .split('<')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number")
}

/// The cells of sheet `name` of an XLSX download, as text.
async fn sheet(app: &App, b: &reqwest::Client, path: &str, name: &str) -> Vec<Vec<String>> {
    let r = b.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(disposition.contains(".xlsx"), "{disposition}");
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["按地区", "按申报方向", "按状态", "按提交日期"]
    );
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The count of `label` in sheet rows.
fn cell(rows: &[Vec<String>], label: &str) -> Option<String> {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(label))
        .and_then(|r| r.get(1).cloned())
}

async fn a_bureau_counts_its_unit_and_the_owner_the_whole_call(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fengze = reviewer(&app, "xian_fengze", Role::Bureau, Some("350503"), None).await;
    let huian = reviewer(&app, "xian_huian", Role::Bureau, Some("350521"), None).await;
    let city = reviewer(&app, "shi_quanzhou", Role::Bureau, Some("350500"), None).await;
    let owner = reviewer(&app, "ting", Role::Owner, None, None).await;

    // 丰泽区, 惠安县 and 鲤城区 submit; 晋江市's application stays a draft.
    let (a_b, a) = apply(&app, &fixture(QZ, "compute_service.valid.json"), "qiye_a").await;
    submit(&app, &a_b, a, None).await;
    let (b_b, b) = apply(&app, &fixture(QZ, "hardware_product.valid.json"), "qiye_b").await;
    submit(&app, &b_b, b, None).await;
    let (c_b, c) = apply(&app, &fixture(QZ, "software_product.valid.json"), "qiye_c").await;
    submit(&app, &c_b, c, None).await;
    let (_, _draft) = apply(&app, &fixture(QZ, "lingyan_software.valid.json"), "qiye_d").await;
    // 丰泽区 recommends its application and forwards it to the city.
    recommend(&app, &fengze, QZ, a, 2).await;
    let r = forward(&app, &fengze, QZ, "compute_service").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The queue links to the page.
    let (_, queue) = app.get(&fengze, &format!("/review/{QZ}")).await;
    assert!(
        queue.contains(&format!("/review/{QZ}/statistics")),
        "{queue}"
    );

    // 丰泽区 still counts what it forwarded; it is a county: one region line, itself.
    let (status, page) = app.get(&fengze, &format!("/review/{QZ}/statistics")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total(&page), 1, "{page}");
    assert_eq!(figure(&page, "region", "丰泽区"), Some(1), "{page}");
    assert_eq!(
        figure(&page, "direction", "算力服务补助"),
        Some(1),
        "{page}"
    );
    assert_eq!(
        figure(&page, "status", "已提交"),
        Some(1),
        "at the city now"
    );
    assert!(
        page.contains("/assets/echarts.min.js"),
        "the charts' script"
    );
    assert!(page.contains("data-chart=\"bar\""));
    // 惠安县 sees only its own.
    let (_, page) = app.get(&huian, &format!("/review/{QZ}/statistics")).await;
    assert_eq!(total(&page), 1, "{page}");
    assert_eq!(figure(&page, "region", "惠安县"), Some(1));
    assert_eq!(
        figure(&page, "direction", "硬件优质产品"),
        Some(1),
        "{page}"
    );
    assert_eq!(
        figure(&page, "direction", "算力服务补助"),
        Some(0),
        "listed, none"
    );
    assert_eq!(
        figure(&page, "region", "丰泽区"),
        None,
        "a county sees itself only"
    );
    // The city: what reached it, by county, every county listed.
    let (_, page) = app.get(&city, &format!("/review/{QZ}/statistics")).await;
    assert_eq!(total(&page), 1, "{page}");
    assert_eq!(figure(&page, "region", "丰泽区"), Some(1));
    assert_eq!(figure(&page, "region", "惠安县"), Some(0));
    assert_eq!(figure(&page, "region", "晋江市"), Some(0));

    // The owner: the whole call, drafts left out.
    let (_, tabs) = app.get(&owner, &format!("/owner/{QZ}")).await;
    assert!(tabs.contains(&format!("/owner/{QZ}/statistics")), "{tabs}");
    let (status, page) = app.get(&owner, &format!("/owner/{QZ}/statistics")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total(&page), 3, "{page}");
    for county in ["丰泽区", "惠安县", "鲤城区"] {
        assert_eq!(figure(&page, "region", county), Some(1), "{county}");
    }
    assert_eq!(
        figure(&page, "region", "晋江市"),
        Some(0),
        "a draft is not counted"
    );
    assert_eq!(
        figure(&page, "direction", "“领雁”软件企业"),
        Some(0),
        "{page}"
    );
    assert_eq!(figure(&page, "status", "已提交"), Some(3));
    assert_eq!(figure(&page, "status", "草稿"), None);
    let by_day = &page[page.find("id=\"stat-day\"").unwrap()..];
    let by_day = &by_day[..by_day.find("</tbody>").unwrap()];
    let days: i64 = by_day
        .match_indices("data-n=\"")
        .filter_map(|(i, k)| by_day[i + k.len()..].split('"').next()?.parse::<i64>().ok())
        .sum();
    assert_eq!(days, 3, "every submission on its day");

    // The XLSX holds the same figures.
    let rows = sheet(
        &app,
        &owner,
        &format!("/owner/{QZ}/statistics.xlsx"),
        "按地区",
    )
    .await;
    assert_eq!(rows[3][..3], ["地区", "申报数（项）", "占比"]);
    assert_eq!(cell(&rows, "丰泽区").as_deref(), Some("1"));
    assert_eq!(cell(&rows, "晋江市").as_deref(), Some("0"));
    assert_eq!(cell(&rows, "合计").as_deref(), Some("3"));
    let rows = sheet(
        &app,
        &owner,
        &format!("/owner/{QZ}/statistics.xlsx"),
        "按状态",
    )
    .await;
    assert_eq!(cell(&rows, "已提交").as_deref(), Some("3"));
    let rows = sheet(
        &app,
        &fengze,
        &format!("/review/{QZ}/statistics.xlsx"),
        "按申报方向",
    )
    .await;
    assert_eq!(cell(&rows, "算力服务补助").as_deref(), Some("1"));
    assert_eq!(cell(&rows, "合计").as_deref(), Some("1"));

    // Nobody else: the applicant, the bureau on the owner's page, an owner elsewhere.
    for path in [
        format!("/review/{QZ}/statistics"),
        format!("/review/{QZ}/statistics.xlsx"),
        format!("/owner/{QZ}/statistics"),
        format!("/owner/{QZ}/statistics.xlsx"),
    ] {
        let status = app.get(&a_b, &path).await.0;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "applicant {path}: {status}"
        );
    }
    for path in [
        format!("/owner/{QZ}/statistics"),
        format!("/owner/{QZ}/statistics.xlsx"),
    ] {
        let status = app.get(&fengze, &path).await.0;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "bureau {path}: {status}"
        );
    }
    let elsewhere = reviewer(&app, "ting_sd", Role::Owner, Some("370000"), None).await;
    assert_eq!(
        app.get(&elsewhere, &format!("/owner/{QZ}/statistics"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

shenbao_store::on_both_databases!(a_bureau_counts_its_unit_and_the_owner_the_whole_call);
