//! Calls have versions: an application is validated, rendered and exported with the version
//! of its call it was started under, after a new version is published; new applications start
//! under the new one. On SQLite and (in CI) PostgreSQL.

#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

mod common;

use std::io::{Cursor, Read};

use common::App;
use common::applicant::{apply, fixture};
use reqwest::StatusCode;
use shenbao_core::call::builtin;
use shenbao_store::testing::TestDb;

const CALL: &str = "sd-2024-llm-cases";
const V2_TITLE: &str = "2024年山东省人工智能大模型典型应用案例申报表（第二版）";
const V2_RULE: &str = "第二版新增的条件：本条永远不满足";

/// The seed's text with a new form title and a rule nobody meets.
fn second_version() -> String {
    let seed = builtin::SOURCES.iter().find(|s| s.0 == CALL).unwrap().2;
    seed.replacen(
        "form_title = \"2024年山东省人工智能大模型典型应用案例申报表\"",
        &format!("form_title = \"{V2_TITLE}\""),
        1,
    )
    .replacen(
        "[[rule]]\n",
        &format!(
            "[[rule]]\nid = \"v2_only\"\nexpr = \"call.year == 1900\"\nmessage = \"{V2_RULE}\"\n\n[[rule]]\n"
        ),
        1,
    )
}

/// The raw `word/document.xml` of a DOCX.
fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a DOCX is a ZIP");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

async fn form_xml(app: &App, b: &reqwest::Client, id: i64) -> String {
    let r = b
        .get(app.url(&format!("/applications/{id}/form/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    document_xml(&r.bytes().await.unwrap())
}

async fn a_draft_keeps_the_call_version_it_was_started_under(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture(CALL, "case.valid.json");
    let (b, old) = apply(&app, &fx, "qiye").await;
    assert_eq!(
        app.store
            .application(old)
            .await
            .unwrap()
            .unwrap()
            .call_version,
        1
    );

    // Version 2 is stored (as an upload or a changed call file would) and the server reads it.
    let v = app
        .store
        .store_call(
            CALL,
            &second_version(),
            "upload",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            common::NOW,
        )
        .await
        .unwrap();
    assert_eq!(v, 2);
    app.calls.refresh(&app.store).await.unwrap();
    assert_eq!(app.calls.get(CALL).unwrap().version, 2);

    // A new draft starts under version 2 and meets its new rule and title.
    let new = app.start_app(&b, CALL, &fx.direction).await;
    assert_eq!(
        app.store
            .application(new)
            .await
            .unwrap()
            .unwrap()
            .call_version,
        2
    );
    let (_, html) = app.get(&b, &format!("/applications/{new}/submit")).await;
    assert!(html.contains(V2_RULE), "version 2's rule applies to it");
    assert!(form_xml(&app, &b, new).await.contains(V2_TITLE));

    // The old draft is still checked, printed and submitted with version 1.
    let (_, html) = app.get(&b, &format!("/applications/{old}/submit")).await;
    assert!(!html.contains(V2_RULE), "{html}");
    let xml = form_xml(&app, &b, old).await;
    assert!(
        xml.contains("2024年山东省人工智能大模型典型应用案例申报表") && !xml.contains("第二版"),
        "version 1's title"
    );
    let r = app.submit_application(&b, old, "已说明").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    // Exported outside the web too (`shenbao export form`), with version 1.
    let bytes = shenbao_app::exports::application_form(&app.store, old, "docx")
        .await
        .unwrap()
        .unwrap();
    assert!(!document_xml(&bytes).contains("第二版"));

    // The city bureau recommends it; its package prints the form with version 1 as well.
    let bureau = app
        .account("shi_jinan", shenbao_store::Role::Bureau, Some("370100"))
        .await;
    let page = format!("/review/{CALL}/applications/{old}");
    let r = app
        .submit(
            &bureau,
            &page,
            &format!("{page}/decide"),
            &[("action", "recommend"), ("opinion", "同意推荐")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let zip_bytes = bureau
        .get(app.url(&format!("/review/{CALL}/package")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(zip_bytes.to_vec())).unwrap();
    let forms: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        // The form is named as its folder (without the number); the others are attachments.
        .filter(|n| {
            n.split_once('/').is_some_and(|(folder, file)| {
                folder
                    .split_once('-')
                    .is_some_and(|(_, base)| file == format!("{base}.docx"))
            })
        })
        .collect();
    assert_eq!(forms.len(), 1, "{forms:?}");
    let mut form = Vec::new();
    zip.by_name(&forms[0])
        .unwrap()
        .read_to_end(&mut form)
        .unwrap();
    let xml = document_xml(&form);
    assert!(
        xml.contains("典型应用案例申报表") && !xml.contains("第二版"),
        "the package's form is version 1's"
    );
}

async fn a_server_started_again_with_the_same_calls_stores_no_new_version(db: TestDb) {
    let store = db.store;
    shenbao_web::CallRegistry::load(&store, false, common::NOW)
        .await
        .unwrap();
    let again = shenbao_web::CallRegistry::load(&store, true, common::NOW + 1)
        .await
        .unwrap();
    assert_eq!(store.call_version_keys().await.unwrap().len(), 5);
    assert!(again.all_with_drafts().iter().all(|e| e.version == 1));
    assert_eq!(again.all_with_drafts().len(), 5);
}

shenbao_store::on_both_databases!(
    a_draft_keeps_the_call_version_it_was_started_under,
    a_server_started_again_with_the_same_calls_stores_no_new_version,
);
