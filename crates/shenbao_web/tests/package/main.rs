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

#[path = "../common/mod.rs"]
mod common;

use std::io::{Cursor, Read};

use common::App;
use common::applicant::{Fixture, apply, content, fixture, with_uscc};
use reqwest::StatusCode;
use serde_json::Value as Json;
use shenbao_core::call::builtin;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewUser, Role};

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
        shenbao_app::exports::UnitPackage { call, level, unit },
        &mut out,
        shenbao_app::exports::FORM_FORMATS,
        &shenbao_app::exports::PackageExtras::default(),
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

/// Every cell of the first sheet of an XLSX file, as text.
fn xlsx_cells(bytes: &[u8]) -> Vec<String> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.cells().map(|(_, _, v)| v.to_string()).collect()
}

mod cleaning;
mod contents;
