//! The bureau package from the database, on SQLite and (in CI) PostgreSQL: applications
//! submitted over HTTP with their uploads, recommended by the city bureau in an order of its
//! own, then `exports::write_unit_package` read back with the zip crate: the summary tables,
//! one folder per application in ranking order, the forms, the attachments renamed by the
//! call's rules (广东 单位名称-应用场景名称, 山东 图1, 图2 in upload order), byte for byte.

#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

mod common;

use std::io::{Cursor, Read};

use common::App;
use common::applicant::{Fixture, apply, content, fixture, with_uscc};
use reqwest::StatusCode;
use serde_json::Value as Json;
use shenbao_core::call::builtin;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewUser, Role};

shenbao_store::on_both_databases!(
    guangdong_package_follows_the_ranking_and_names_files_by_the_rules,
    shandong_images_are_numbered_in_upload_order,
    control_characters_never_reach_a_document,
    uploaded_names_end_with_the_type_found_in_the_content,
);

/// A bureau account of `region`, logged in.
async fn bureau(app: &App, username: &str, region: &str) -> reqwest::Client {
    app.store
        .create_user(&NewUser {
            username: username.into(),
            password_hash: shenbao_web::auth::hash_password("secret-123").unwrap(),
            display_name: username.into(),
            role: Role::Bureau,
            organisation_id: None,
            scope_region: Some(region.into()),
            scope_sector: None,
            email: None,
            created_at: common::NOW,
        })
        .await
        .unwrap();
    let b = app.browser();
    let r = app.login(&b, username, "secret-123").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} logged in");
    b
}

async fn submit_and_recommend(
    app: &App,
    fx: &Fixture,
    user: &str,
    bureau: &reqwest::Client,
) -> i64 {
    let (b, id) = apply(app, fx, user).await;
    let r = app.submit_application(&b, id, "已说明").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{user} submitted");
    let page = format!("/review/{}/applications/{id}", fx.call);
    let r = app
        .submit(
            bureau,
            &page,
            &format!("{page}/decide"),
            &[("action", "recommend"), ("opinion", "同意推荐")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{user} recommended");
    id
}

/// Writes the package of `unit` at `level` and returns its entries (name, content) in order.
async fn package(app: &App, call: &str, level: &str, unit: &str) -> Vec<(String, Vec<u8>)> {
    let call = builtin::get(call).unwrap().unwrap();
    let level = call
        .def()
        .review_levels
        .iter()
        .find(|l| l.id == level)
        .unwrap();
    let mut out = Vec::new();
    shenbao_app::exports::write_unit_package(
        &app.store,
        app.files.path(),
        call,
        level,
        unit,
        &mut out,
        shenbao_app::exports::FORM_FORMATS,
    )
    .await
    .unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(out)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_string(), bytes)
        })
        .collect()
}

fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// A fixture under another organisation name and scene name (answers and profile).
fn renamed(fx: Fixture, company: &str, scene: &str) -> Fixture {
    let mut fx = fx;
    let old_company = fx.profile["name"].as_str().unwrap().to_string();
    let old_scene = fx.answers["scene_name"].as_str().unwrap().to_string();
    let text = fx
        .answers
        .to_string()
        .replace(&old_company, company)
        .replace(&old_scene, scene);
    fx.answers = serde_json::from_str(&text).unwrap();
    fx.profile["name"] = Json::from(company);
    // The video is optional and large: left out to keep the test quick.
    fx.files.retain(|f| f["slot"] != "video");
    fx
}

async fn guangdong_package_follows_the_ranking_and_names_files_by_the_rules(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "gd-2023-ai-scenarios";
    let city = bureau(&app, "guangzhou", "440100").await;
    let a = renamed(
        fixture(call, "manufacturing.valid.json"),
        "广州甲智能科技有限公司",
        "甲场景",
    );
    let b = renamed(
        with_uscc(
            fixture(call, "manufacturing.valid.json"),
            "91310000631696382C",
        ),
        "广州乙智能科技有限公司",
        "乙场景",
    );
    // Submitted a then b; the city recommends b first, so b ranks first.
    let (ba, ida) = apply(&app, &a, "qiye_a").await;
    let r = app.submit_application(&ba, ida, "已说明").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let _ = submit_and_recommend(&app, &b, "qiye_b", &city).await;
    let page = format!("/review/{call}/applications/{ida}");
    let r = app
        .submit(
            &city,
            &page,
            &format!("{page}/decide"),
            &[("action", "recommend"), ("opinion", "同意推荐")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let entries = package(&app, call, "city", "440100").await;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let summary = &builtin::get(call).unwrap().unwrap().def().summaries[0].title;
    assert_eq!(names[0], format!("{summary}.xlsx"));
    assert_eq!(names[1], format!("{summary}.docx"));
    let first = "01-广州乙智能科技有限公司-乙场景";
    let second = "02-广州甲智能科技有限公司-甲场景";
    let folders: Vec<&str> = names[2..]
        .iter()
        .map(|n| n.split('/').next().unwrap())
        .collect();
    assert!(
        folders.iter().all(|f| *f == first || *f == second),
        "{names:?}"
    );
    let split = folders.iter().position(|f| *f == second).unwrap();
    assert!(folders[..split].iter().all(|f| *f == first), "{names:?}");
    assert!(folders[split..].iter().all(|f| *f == second), "{names:?}");
    for (folder, company, scene) in [
        (first, "广州乙智能科技有限公司", "乙场景"),
        (second, "广州甲智能科技有限公司", "甲场景"),
    ] {
        let has = |name: &str| names.contains(&format!("{folder}/{name}").as_str());
        assert!(
            has(&format!("{company}-{scene}.docx")),
            "form in {folder}: {names:?}"
        );
        // 申报书电子版 (PDF): 单位名称-应用场景名称; 展示图片: {scene_name}-{n}.
        assert!(has(&format!("{company}-{scene}.pdf")), "{names:?}");
        assert!(has(&format!("{scene}-1.jpg")), "{names:?}");
        assert!(has(&format!("{scene}-2.png")), "{names:?}");
        assert!(
            has("企业营业执照或组织机构代码证书-营业执照.pdf"),
            "{names:?}"
        );
    }
    // The generated form holds the application's answers; an upload round-trips.
    let form = &entries
        .iter()
        .find(|(n, _)| *n == format!("{first}/广州乙智能科技有限公司-乙场景.docx"))
        .unwrap()
        .1;
    assert!(document_xml(form).contains("乙场景"), "the form's answers");
    let image = &entries
        .iter()
        .find(|(n, _)| *n == format!("{second}/甲场景-1.jpg"))
        .unwrap()
        .1;
    let uploaded = a.files.iter().find(|f| f["slot"] == "images").unwrap();
    assert_eq!(
        *image,
        content(
            "jpg",
            usize::try_from(uploaded["size"].as_u64().unwrap()).unwrap()
        )
    );
}

async fn shandong_images_are_numbered_in_upload_order(db: TestDb) {
    let app = App::start(db.store, true).await;
    let call = "sd-2024-llm-cases";
    let city = bureau(&app, "jinan", "370100").await;
    let mut fx = fixture(call, "case.valid.json");
    // Uploaded as 现场照片.jpg, then 架构图.png.
    fx.files.retain(|f| f["slot"] != "images");
    fx.files.push(serde_json::json!({
        "slot": "images", "name": "现场照片.jpg", "size": 4096, "type": "jpg"
    }));
    fx.files.push(serde_json::json!({
        "slot": "images", "name": "架构图.png", "size": 2048, "type": "png"
    }));
    let id = submit_and_recommend(&app, &fx, "qiye_sd", &city).await;
    let entries = package(&app, call, "city", "370100").await;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let company = fx.profile["name"].as_str().unwrap();
    let jpg = names
        .iter()
        .position(|n| n.starts_with("01-") && n.ends_with("/图1.jpg"))
        .unwrap_or_else(|| panic!("图1.jpg in {names:?}"));
    let png = names
        .iter()
        .position(|n| n.starts_with("01-") && n.ends_with("/图2.png"))
        .unwrap_or_else(|| panic!("图2.png in {names:?}"));
    assert!(jpg < png);
    assert!(
        names[jpg].starts_with(&format!("01-{company}")),
        "{names:?}"
    );
    assert_eq!(entries[png].1, content("png", 2048));
    assert!(
        names
            .iter()
            .any(|n| n.ends_with(".docx") && n.starts_with("01-")),
        "{names:?}"
    );
    let summary = &builtin::get(call).unwrap().unwrap().def().summaries[0].title;
    assert!(
        names.contains(&format!("{summary}.xlsx").as_str()),
        "{names:?}"
    );

    // The same package streamed by the bureau's download link, and the summary as Word.
    let r = city
        .get(app.url(&format!("/review/{call}/package")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let streamed = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(streamed.to_vec())).unwrap();
    let streamed_names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        .collect();
    assert_eq!(streamed_names, names, "the download is the package");
    let table = &builtin::get(call).unwrap().unwrap().def().summaries[0].id;
    let r = city
        .get(app.url(&format!("/review/{call}/summary/{table}?format=docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(document_xml(&r.bytes().await.unwrap()).contains(company));
    // Another city's package holds nothing of Jinan's; an applicant has no package.
    let other = bureau(&app, "qingdao", "370200").await;
    let r = other
        .get(app.url(&format!("/review/{call}/package")))
        .send()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert!(
        (0..zip.len()).all(|i| !zip.by_index(i).unwrap().name().starts_with("01-")),
        "no application in another city's package"
    );
    let anonymous = app.browser();
    let r = anonymous
        .get(app.url(&format!("/review/{call}/package")))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::OK, "login required");

    // The form alone, as `shenbao export form` writes it.
    let form = shenbao_app::exports::application_form(&app.store, id, "docx")
        .await
        .unwrap()
        .unwrap();
    let in_package = names
        .iter()
        .position(|n| n.starts_with("01-") && n.ends_with(".docx"))
        .unwrap();
    assert_eq!(
        document_xml(&form),
        document_xml(&entries[in_package].1),
        "the same document as in the package"
    );
    assert!(
        shenbao_app::exports::application_form(&app.store, id + 1000, "docx")
            .await
            .unwrap()
            .is_none()
    );
    let err = shenbao_app::exports::application_form(&app.store, id, "odt")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("不支持的格式 odt"), "{err}");
}

/// Runs `sql` with `text` and `id` bound ($1, $2) on the test database, behind the store's
/// back: data as it may have been stored before input was cleaned.
async fn raw_update(url: &str, sql: &'static str, text: &str, id: i64) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let done = sqlx::query(sql)
        .bind(text.to_string())
        .bind(id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{sql}");
}

/// A bidirectional control character (the ones that make `exe.pdf` read as `fdp.exe`).
fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

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

/// Every cell of the first sheet of an XLSX file, as text.
fn xlsx_cells(bytes: &[u8]) -> Vec<String> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.cells().map(|(_, _, v)| v.to_string()).collect()
}

/// A PDF uploaded as `证明.html`, `x.exe`, `报告.bat` or with a right-to-left override in its name
/// is listed, downloaded and packaged under a name that ends in `.pdf` and has no
/// bidirectional control; so is a name stored before names were cleaned.
async fn uploaded_names_end_with_the_type_found_in_the_content(db: TestDb) {
    let url = db.url.clone();
    let app = App::start(db.store, true).await;
    let call = "gd-2023-ai-scenarios";
    let city = bureau(&app, "guangzhou", "440100").await;
    let fx = renamed(
        fixture(call, "manufacturing.valid.json"),
        "广州名称科技有限公司",
        "名称场景",
    );
    let (b, id) = apply(&app, &fx, "qiye_names").await;
    for name in [
        "证明.html",
        "x.exe",
        "报告.bat",
        "a\u{202E}fdp.exe",
        "旧.pdf",
    ] {
        let to = app
            .upload(&b, id, "rd_capability", name, content("pdf", 2048))
            .await;
        assert!(to.contains("msg=uploaded"), "{name}: {to}");
    }
    // The last one as a row stored before names were cleaned would hold it.
    let rows = app.store.attachments(id).await.unwrap();
    let old = rows.iter().find(|a| a.original_name == "旧.pdf").unwrap();
    raw_update(
        &url,
        "UPDATE attachments SET original_name = $1 WHERE id = $2",
        "旧\u{202E}fdp.exe",
        old.id,
    )
    .await;
    let expected = ["证明.pdf", "x.pdf", "报告.pdf", "afdp.pdf", "旧fdp.pdf"];
    // The attachment list.
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    for name in expected {
        assert!(html.contains(name), "{name} listed");
    }
    for name in ["证明.html", "x.exe", "报告.bat", "fdp.exe"] {
        assert!(!html.contains(name), "{name} not listed");
    }
    assert!(!html.chars().any(is_bidi), "no bidirectional control");
    // The downloads.
    let rows = app.store.attachments(id).await.unwrap();
    let mut downloaded = Vec::new();
    for a in rows.iter().filter(|a| a.slot == "rd_capability") {
        let r = b
            .get(app.url(&format!("/applications/{id}/files/{}", a.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let disposition = r.headers()["content-disposition"].to_str().unwrap();
        let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
        let name = percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap()
            .to_string();
        assert!(name.ends_with(".pdf"), "{disposition}: {name}");
        assert!(!name.chars().any(is_bidi), "{name:?}");
        assert!(disposition.contains("filename=\"file-"), "{disposition}");
        downloaded.push(name);
    }
    for name in expected {
        assert!(downloaded.iter().any(|d| d == name), "{downloaded:?}");
    }
    // The package.
    let r = app.submit_application(&b, id, "已说明").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = format!("/review/{call}/applications/{id}");
    let r = app
        .submit(
            &city,
            &page,
            &format!("{page}/decide"),
            &[("action", "recommend"), ("opinion", "同意推荐")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let entries = package(&app, call, "city", "440100").await;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(!names.iter().any(|n| n.chars().any(is_bidi)), "{names:?}");
    for name in expected {
        let entry = format!("/申报单位研发能力、技术水平的相关证明材料-{name}");
        assert!(
            names.iter().any(|n| n.ends_with(&entry)),
            "{entry} in {names:?}"
        );
    }
    assert!(
        names
            .iter()
            .filter(|n| n.contains("/申报单位研发能力"))
            .all(|n| n.ends_with(".pdf")),
        "{names:?}"
    );
}
