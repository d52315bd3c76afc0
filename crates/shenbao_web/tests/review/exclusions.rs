//! The exclusion list (不得重复申报) over HTTP, with the example city call: a list with a bad
//! row is refused whole (every bad row named, nothing replaced), a good XLSX replaces it, an
//! applicant whose USCC is listed is refused at the start with the reason and the row, and a
//! listed project name (written with other spaces and punctuation) stops a submission.

use super::city_call::{CALL, FILE, answers};
use super::*;

const LISTED: &str = "91350206MA2Y00001D";
const FREE: &str = "91350203MA2Y000025";

fn xlsx(rows: &[[&str; 3]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell)
                .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn upload(
    app: &App,
    owner: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let page = format!("/owner/{CALL}/exclusions");
    let (status, html) = app.get(owner, &page).await;
    assert_eq!(status, StatusCode::OK);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&html))
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    owner
        .post(app.url(&page))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn listed_applicants_and_projects_are_refused(db: TestDb) {
    let app = App::start_with_calls(db.store, false, &[FILE]).await;
    let owner = reviewer(&app, "xm_owner", Role::Owner, Some("350200"), None).await;
    // A bad code on row 3: the whole list is refused and nothing is stored.
    let bad =
        format!("统一社会信用代码,单位名称,项目名称\n{LISTED},湖里甲,\n91350206MA2Y00001E,错码,\n");
    let r = upload(&app, &owner, "名单.csv", bad.into_bytes()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("名单未更新")
            && body.contains("第3行")
            && body.contains("91350206MA2Y00001E"),
        "{body}"
    );
    assert!(body.contains("当前名单（共0条）"), "{body}");
    // A good spreadsheet replaces it.
    let good = xlsx(&[
        ["统一社会信用代码", "单位名称", "项目名称"],
        [LISTED, "湖里甲科技", ""],
        ["", "", "《湖里乙 智能质检改造》"],
    ]);
    let r = upload(&app, &owner, "前期揭榜优胜名单.xlsx", good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&owner, &location(&r)).await;
    assert!(
        page.contains("排除名单已更新，共2条") && page.contains("湖里甲科技"),
        "{page}"
    );

    // The listed organisation cannot start.
    let profile = serde_json::json!({"uscc": LISTED, "name": "湖里甲科技", "region": "350206"});
    let listed = app.applicant(&profile, "qiye_listed").await;
    let r = app
        .submit(
            &listed,
            &format!("/calls/{CALL}"),
            &format!("/calls/{CALL}/applications"),
            &[("direction", "quality")],
        )
        .await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("不得申报") && body.contains("排除名单“前期揭榜优胜名单.xlsx”第2行"),
        "{body}"
    );

    // Another starts, but its project is listed: the submission is refused, with the row.
    let profile = serde_json::json!({"uscc": FREE, "name": "湖里乙", "region": "350206"});
    let b = app.applicant(&profile, "qiye_free").await;
    let id = app.start_app(&b, CALL, "quality").await;
    app.save(&b, id, &form_pairs(&answers("湖里乙", "350206", 400)))
        .await;
    let (_, check) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(
        check.contains("项目“湖里乙智能质检改造”已列入排除名单“前期揭榜优胜名单.xlsx”第3行"),
        "{check}"
    );
    let r = try_submit(&app, &b, id, None, "").await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(where_is(&app, id).await.0, "draft");
}

shenbao_store::on_both_databases!(listed_applicants_and_projects_are_refused);
