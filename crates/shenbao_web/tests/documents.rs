//! Document downloads over real HTTP, on SQLite and (in CI) PostgreSQL: the applicant's own
//! application form as DOCX (draft, then the submitted snapshot) and nobody else's; the same
//! form to the bureau holding it, the call owner and an assigned expert, with the review
//! pages' own scope checks; and the blank form of every direction of every seed call, to
//! anyone, with its Chinese file name.

#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

mod common;

use std::io::{Cursor, Read};

use common::applicant::{apply, fixture};
use common::{App, csrf_of, location};
use reqwest::StatusCode;
use serde_json::Value as Json;
use shenbao_core::call::builtin;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewAssignment, NewUser, Role};

shenbao_store::on_both_databases!(
    applicants_download_their_own_form_only,
    reviewers_download_the_submitted_form_within_their_scope,
    blank_forms_of_every_direction_download_without_login,
    pdf_forms_print_the_answers_and_the_bureau_opinion_box,
    applicants_download_their_letters_filled_in,
    a_consortium_names_its_members_and_each_gives_a_commitment,
    every_printed_page_proves_which_version_it_belongs_to,
);

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const CALL: &str = "qz-2024-ai-industry";

/// A DOCX download: status, content type, the file name (`filename*` decoded), the ASCII
/// fallback name, `Cache-Control`, and the text of `word/document.xml` without whitespace.
struct Download {
    status: StatusCode,
    content_type: String,
    name: String,
    fallback: String,
    cache: String,
    text: String,
}

async fn download(app: &App, b: &reqwest::Client, path: &str) -> Download {
    let r = b.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let content_type = header("content-type");
    let disposition = header("content-disposition");
    let cache = header("cache-control");
    let bytes = r.bytes().await.unwrap();
    let mut name = String::new();
    let mut fallback = String::new();
    for part in disposition.split(';').map(str::trim) {
        if let Some(v) = part.strip_prefix("filename*=UTF-8''") {
            name = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap()
                .into_owned();
        } else if let Some(v) = part.strip_prefix("filename=") {
            fallback = v.trim_matches('"').to_string();
        }
    }
    let text = if status == StatusCode::OK && content_type == DOCX {
        document_text(&bytes)
    } else {
        String::new()
    };
    Download {
        status,
        content_type,
        name,
        fallback,
        cache,
        text,
    }
}

/// The text of a DOCX's `word/document.xml` (the runs' text, unescaped), without whitespace.
fn document_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a DOCX is a ZIP");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let (Some(open), Some(close)) = (rest.find('>'), rest.find("</w:t>")) else {
            break;
        };
        text.push_str(&rest[open + 1..close]);
        rest = &rest[close..];
    }
    squeeze(
        &text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The fixture's top-level text answers written in Chinese: what the form must print as
/// typed (codes, numbers and dates are printed in other forms).
fn chinese_answers(answers: &Json) -> Vec<String> {
    answers
        .as_object()
        .unwrap()
        .values()
        .filter_map(Json::as_str)
        .filter(|s| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        .map(squeeze)
        .collect()
}

fn form_title(call: &str, direction: &str) -> String {
    let call = builtin::get(call).unwrap().unwrap();
    call.direction(direction)
        .and_then(|d| d.form_title.clone())
        .unwrap_or_else(|| call.def().form_title.clone())
}

async fn account(app: &App, username: &str, role: Role, region: Option<&str>) -> i64 {
    app.store
        .create_user(&NewUser {
            username: username.into(),
            password_hash: shenbao_web::auth::hash_password("secret-123").expect("hash"),
            display_name: username.into(),
            role,
            organisation_id: None,
            scope_region: region.map(str::to_owned),
            scope_sector: None,
            email: None,
            created_at: common::NOW,
        })
        .await
        .unwrap()
        .id
}

async fn logged_in(app: &App, username: &str) -> reqwest::Client {
    let b = app.browser();
    let r = app.login(&b, username, "secret-123").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} logged in");
    b
}

/// Submits application `id` with the fixture's answers as they are.
async fn submit(app: &App, b: &reqwest::Client, id: i64) {
    let r = app.submit_application(b, id, "已说明").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "submitted: {}",
        r.text().await.unwrap_or_default()
    );
}

async fn applicants_download_their_own_form_only(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture(CALL, "compute_service.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_a").await;
    let path = format!("/applications/{id}/form/docx");
    let expected_name = format!(
        "{}-{}.docx",
        form_title(CALL, &fx.direction),
        fx.profile["name"].as_str().unwrap()
    );
    let wanted = chinese_answers(&fx.answers);
    assert!(wanted.len() >= 3, "answers to look for");

    // The status page and the form page link to the download.
    for page in [
        format!("/applications/{id}"),
        format!("/applications/{id}/edit"),
    ] {
        let (_, html) = app.get(&b, &page).await;
        assert!(html.contains(&path), "{page} links the form");
        assert!(html.contains("下载申报书（Word）"), "{page}");
    }

    // The draft, then the submitted snapshot.
    for stage in ["draft", "submitted"] {
        if stage == "submitted" {
            submit(&app, &b, id).await;
        }
        let d = download(&app, &b, &path).await;
        assert_eq!(d.status, StatusCode::OK, "{stage}");
        assert_eq!(d.content_type, DOCX, "{stage}");
        assert_eq!(d.name, expected_name, "{stage}: the Chinese file name");
        assert_eq!(d.fallback, format!("application-{id}.docx"), "{stage}");
        for t in &wanted {
            assert!(d.text.contains(t.as_str()), "{stage}: answer {t} missing");
        }
    }
    assert_eq!(
        download(&app, &b, &format!("/applications/{id}/form/exe"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "unknown formats"
    );

    // Another organisation: 404, as if there were no such application.
    let other = app
        .applicant(
            &serde_json::json!({
                "uscc": "91100000100003962T",
                "name": "另一家科技有限公司",
                "region": "350503",
            }),
            "qiye_b",
        )
        .await;
    let d = download(&app, &other, &path).await;
    assert_eq!(d.status, StatusCode::NOT_FOUND);
    assert!(d.name.is_empty(), "no file to another organisation");

    // Nobody logged in: to the login page, and back here afterwards.
    let r = app.browser().get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="), "{}", location(&r));
}

async fn reviewers_download_the_submitted_form_within_their_scope(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture(CALL, "compute_service.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_a").await;
    submit(&app, &b, id).await;
    let path = format!("/review/{CALL}/applications/{id}/form/docx");
    let wanted = chinese_answers(&fx.answers);

    account(&app, "xian_fengze", Role::Bureau, Some("350503")).await;
    account(&app, "xian_licheng", Role::Bureau, Some("350502")).await;
    account(&app, "shi_quanzhou", Role::Bureau, Some("350500")).await;
    let owner_id = account(&app, "owner", Role::Owner, None).await;
    let expert_id = account(&app, "zhuanjia", Role::Expert, None).await;
    account(&app, "zhuanjia2", Role::Expert, None).await;

    // The county the applicant belongs to holds it: its review page links the form, and the
    // download is the submitted form.
    let fengze = logged_in(&app, "xian_fengze").await;
    let (status, html) = app
        .get(&fengze, &format!("/review/{CALL}/applications/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&path), "the review page links the form");
    let d = download(&app, &fengze, &path).await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.content_type, DOCX);
    assert_eq!(
        d.name,
        format!(
            "{}-{}.docx",
            form_title(CALL, &fx.direction),
            fx.profile["name"].as_str().unwrap()
        )
    );
    for t in &wanted {
        assert!(d.text.contains(t.as_str()), "answer {t} missing");
    }

    // Another county, and the city before the county forwards: 404.
    for other in ["xian_licheng", "shi_quanzhou"] {
        let b = logged_in(&app, other).await;
        assert_eq!(
            download(&app, &b, &path).await.status,
            StatusCode::NOT_FOUND,
            "{other}"
        );
    }
    // The applicant and experts have no review pages; anonymous users log in first.
    assert_eq!(
        download(&app, &b, &path).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.browser().get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="));

    // The call owner may read any routed application.
    let owner = logged_in(&app, "owner").await;
    let d = download(&app, &owner, &path).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.text.contains(wanted[0].as_str()));

    // An assigned expert downloads it from the assignment; another expert cannot.
    let assignment = app
        .store
        .assign_expert(&NewAssignment {
            application_id: id,
            expert_id,
            assigned_at: common::NOW,
            assigned_by: owner_id,
        })
        .await
        .unwrap();
    let expert_path = format!("/expert/assignments/{}/form/docx", assignment.id);
    let expert = logged_in(&app, "zhuanjia").await;
    let (status, html) = app
        .get(&expert, &format!("/expert/assignments/{}", assignment.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&expert_path), "the assignment links the form");
    let d = download(&app, &expert, &expert_path).await;
    assert_eq!(d.status, StatusCode::OK);
    for t in &wanted {
        assert!(d.text.contains(t.as_str()), "expert: answer {t} missing");
    }
    let other = logged_in(&app, "zhuanjia2").await;
    assert_eq!(
        download(&app, &other, &expert_path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&app, &expert, &path).await.status,
        StatusCode::FORBIDDEN,
        "experts have no review pages"
    );

    // The queue page offers the summary table in both formats; XLSX stays the default.
    let (_, html) = app.get(&fengze, &format!("/review/{CALL}")).await;
    let summary = format!("/review/{CALL}/summary/recommendation_county");
    assert!(html.contains(&format!("href=\"{summary}\"")));
    assert!(html.contains(&format!("href=\"{summary}?format=docx\"")));
    let r = fengze.get(app.url(&summary)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains("filename=\"summary-qz-2024-ai-industry-recommendation_county.xlsx\""),
        "{disposition}"
    );
    assert_eq!(
        fengze
            .get(app.url(&format!("{summary}?format=exe")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn blank_forms_of_every_direction_download_without_login(db: TestDb) {
    let app = App::start(db.store, true).await;
    let anonymous = app.browser();
    let mut checked = 0;
    for call in builtin::all() {
        let call = call.unwrap();
        let (status, html) = app.get(&anonymous, &format!("/calls/{}", call.id())).await;
        assert_eq!(status, StatusCode::OK);
        for d in &call.def().directions {
            let path = format!("/calls/{}/blank/{}/docx", call.id(), d.id);
            assert!(html.contains(&path), "{}: a link for {}", call.id(), d.id);
            let got = download(&app, &anonymous, &path).await;
            let at = format!("{}/{}", call.id(), d.id);
            assert_eq!(got.status, StatusCode::OK, "{at}");
            assert_eq!(got.content_type, DOCX, "{at}");
            assert_eq!(got.cache, "public, max-age=3600", "{at}");
            assert_eq!(
                got.name,
                format!("{}-{}.docx", form_title(call.id(), &d.id), d.name),
                "{at}"
            );
            assert_eq!(got.fallback, format!("blank-{}-{}.docx", call.id(), d.id));
            let target = shenbao_core::call::Target {
                direction: &d.id,
                subdirection: None,
            };
            // Sections shown only for some answers (联合体协议书) are left to the form's layout,
            // and so are those whose fields the form does not print (湖南's 封面 fields, which
            // the cover lines print).
            let sections: Vec<_> = call
                .sections_for(&target)
                .filter(|s| s.show_if.is_none())
                .filter(|s| {
                    s.fields.is_empty()
                        || s.fields
                            .iter()
                            .any(|f| f.print == shenbao_core::call::definition::Print::Form)
                })
                .collect();
            assert!(!sections.is_empty(), "{at}: sections");
            // A section printed as one row shows its label; one of a form without section
            // titles (福建 申报表) shows none.
            let untitled = shenbao_core::call::definition::SectionTitle::None;
            for s in sections {
                let printed = match &s.as_row {
                    Some(row) => &row.label,
                    None if s.printed_title.unwrap_or(call.def().printed.section_titles)
                        == untitled =>
                    {
                        continue;
                    }
                    None => &s.title,
                };
                assert!(
                    got.text.contains(&squeeze(printed)),
                    "{at}: section {printed} missing"
                );
            }
            checked += 1;
        }
        assert!(html.contains("下载空白申报书（Word）"), "{}", call.id());
    }
    assert!(checked >= 10, "every direction of every seed call");
    let missing = download(
        &app,
        &anonymous,
        "/calls/qz-2024-ai-industry/blank/nope/docx",
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let missing = download(
        &app,
        &anonymous,
        "/calls/hn-2025-ai/blank/llm/docx?subdirection=nope",
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// The text of a PDF by `pdftotext -raw`, without whitespace; fails when poppler-utils is
/// missing (`bash scripts/test` installs it).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("form.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext ({e}): bash scripts/test installs poppler-utils"));
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

async fn pdf_download(app: &App, b: &reqwest::Client, path: &str) -> String {
    let r = b.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(r.headers()["content-type"], "application/pdf", "{path}");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{path}: a PDF");
    pdf_text(&bytes)
}

async fn pdf_forms_print_the_answers_and_the_bureau_opinion_box(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture(CALL, "compute_service.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_a").await;
    let wanted = chinese_answers(&fx.answers);
    // The applicant's draft as PDF, linked from the form page.
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    assert!(html.contains(&format!("/applications/{id}/form/pdf")));
    let text = pdf_download(&app, &b, &format!("/applications/{id}/form/pdf")).await;
    for t in &wanted {
        assert!(text.contains(t.as_str()), "draft PDF: answer {t} missing");
    }
    submit(&app, &b, id).await;

    // The county recommends with the 推荐意见 block's 经办人 and 审批人.
    account(&app, "xian_fengze", Role::Bureau, Some("350503")).await;
    let county = logged_in(&app, "xian_fengze").await;
    let page = format!("/review/{CALL}/applications/{id}");
    let opinion = "该项目技术先进，材料真实，同意推荐。";
    let r = app
        .submit(
            &county,
            &page,
            &format!("{page}/decide"),
            &[
                ("action", "recommend"),
                ("opinion", opinion),
                ("sig.0", "张经办"),
                ("sig.1", "李审批"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = pdf_download(&app, &county, &format!("{page}/form/pdf")).await;
    for t in [opinion, "张经办", "李审批", "推荐意见"] {
        assert!(text.contains(t), "the opinion box holds {t}");
    }
    for t in &wanted {
        assert!(
            text.contains(t.as_str()),
            "submitted PDF: answer {t} missing"
        );
    }
    // The same box in the Word form.
    let d = download(&app, &county, &format!("{page}/form/docx")).await;
    for t in [opinion, "张经办", "李审批"] {
        assert!(d.text.contains(t), "the Word form's opinion box holds {t}");
    }

    // A blank form as PDF for anyone, linked from the call page.
    let (_, html) = app.get(&app.browser(), &format!("/calls/{CALL}")).await;
    let blank = format!("/calls/{CALL}/blank/{}/pdf", fx.direction);
    assert!(html.contains(&blank), "the call page links the blank PDF");
    let text = pdf_download(&app, &app.browser(), &blank).await;
    assert!(text.contains("☐"), "blank choices");
    assert!(
        !text.contains(wanted[0].as_str()),
        "no answers in a blank form"
    );
}

async fn applicants_download_their_letters_filled_in(db: TestDb) {
    let app = App::start(db.store, true).await;
    // 广东: the commitment names the scene.
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_gd").await;
    let scene = fx.answers["scene_name"].as_str().unwrap();
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let path = format!("/applications/{id}/letter/commitment");
    assert!(
        html.contains(&format!("{path}/docx")),
        "the form page links the letter"
    );
    assert!(
        !html.contains("/letter/consortium/"),
        "广东 has no consortium agreement"
    );
    let d = download(&app, &b, &format!("{path}/docx")).await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.content_type, DOCX);
    assert!(d.name.starts_with("申报单位承诺书-"), "{}", d.name);
    // The name, without the 应用场景 the sentence repeats after it (“…”应用场景参评).
    let short = scene.strip_suffix("应用场景").unwrap_or(scene);
    assert!(
        d.text.contains(&format!("“{short}”应用场景参评")),
        "the commitment names the scene"
    );
    assert!(
        pdf_download(&app, &b, &format!("{path}/pdf"))
            .await
            .contains(&format!("“{short}”应用场景参评"))
    );
    assert_eq!(
        download(
            &app,
            &b,
            &format!("/applications/{id}/letter/consortium/docx")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&app, &b, &format!("/applications/{id}/letter/nope/docx"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // 湖南: the consortium agreement from the consortium's rows, to its own applicant only.
    let fx = fixture("hn-2025-ai", "center.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_hn").await;
    // 可附图进行必要说明: the narrative points to the slot for its figures, which is there.
    let (_, edit) = app.get(&b, &format!("/applications/{id}/edit")).await;
    assert!(
        edit.contains(r##"href="#slot-center_capability_figures""##)
            && edit.contains(r#"id="slot-center_capability_figures""#),
        "{edit}"
    );
    let path = format!("/applications/{id}/letter/consortium");
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    assert!(
        html.contains(&format!("{path}/pdf")),
        "the status page links it"
    );
    let d = download(&app, &b, &format!("{path}/docx")).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.name.starts_with("联合体协议书-"), "{}", d.name);
    for m in fx.answers["consortium_members"].as_array().unwrap() {
        let name = m["name"].as_str().unwrap();
        assert!(d.text.contains(name), "member {name}");
    }
    let other = app
        .applicant(
            &serde_json::json!({
                "uscc": "91100000100003962T",
                "name": "另一家科技有限公司",
                "region": "430104",
            }),
            "qiye_other",
        )
        .await;
    assert_eq!(
        download(&app, &other, &format!("{path}/docx")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// The example city call takes consortia (联合参与单位不超过4家): the lead names four members, a
/// fifth and the lead itself are refused, a member applying alone in the same direction is
/// refused, and the submitted form lists every member and prints one commitment per member
/// after the lead's, in the DOCX and in the PDF.
async fn a_consortium_names_its_members_and_each_gives_a_commitment(db: TestDb) {
    const XM: &str = "xm-2026-ai-pilot";
    let file = include_str!("../../../docs/examples/xm-2026-ai-pilot.toml");
    let app = App::start_with_calls(db.store, false, &[file]).await;
    let lead_code = "91350206MA2Y00001D";
    let profile = serde_json::json!({"uscc": lead_code, "name": "湖里智造", "region": "350206"});
    let lead = app.applicant(&profile, "qiye_lead").await;
    let id = app.start_app(&lead, XM, "quality").await;
    let members = [
        ("91350203MA2Y00101P", "思明一号科技", "350203"),
        ("91350205MA2Y00102P", "海沧二号科技", "350205"),
        ("91350206MA2Y001039", "湖里三号科技", "350206"),
        ("91350203MA2Y001041", "思明四号科技", "350203"),
    ];
    let page = format!("/applications/{id}/edit");
    let add = |uscc: &'static str, name: &'static str, region: &'static str| {
        let (app, lead, page) = (&app, &lead, &page);
        async move {
            app.submit(
                lead,
                page,
                &format!("/applications/{id}/members"),
                &[
                    ("action", "add"),
                    ("uscc", uscc),
                    ("name", name),
                    ("region", region),
                ],
            )
            .await
        }
    };
    for (uscc, name, region) in members {
        let r = add(uscc, name, region).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{name}: {}",
            r.text().await.unwrap()
        );
    }
    let (_, html) = app.get(&lead, &page).await;
    assert!(
        html.contains("思明四号科技") && !html.contains("添加成员单位"),
        "full: no add form"
    );
    let r = add("91350205MA2Y001051", "海沧五号科技", "350205").await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("联合参与单位不超过4家（征集范围），已满4家"),
        "{body}"
    );
    // A member applying alone in the same direction is refused.
    let profile =
        serde_json::json!({"uscc": members[0].0, "name": members[0].1, "region": "350203"});
    let member = app.applicant(&profile, "qiye_member").await;
    let r = app
        .submit(
            &member,
            &format!("/calls/{XM}"),
            &format!("/calls/{XM}/applications"),
            &[("direction", "quality")],
        )
        .await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("已作为联合体成员参与“智能质检”方向的申报"),
        "{body}"
    );
    // The lead removes one and cannot name itself.
    let r = app
        .submit(
            &lead,
            &page,
            &format!("/applications/{id}/members"),
            &[("action", "remove"), ("position", "4")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = add(lead_code, "湖里智造", "350206").await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("牵头单位不能同时作为联合体成员")
    );
    let r = add(members[3].0, members[3].1, members[3].2).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Submitted, the bureau sees the members on its review page.
    let answers = serde_json::json!({
        "company_name": "湖里智造",
        "uscc": lead_code,
        "region": "350206",
        "employees": 36,
        "project_name": "联合体智能质检改造",
        "investment": 400,
        "highlights": "以机器视觉替代人工目检，缺陷检出率提升至百分之九十九。",
    });
    let r = app
        .save(&lead, id, &common::applicant::form_pairs(&answers))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&lead, &format!("/applications/{id}/submit")).await;
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    let r = app
        .submit(
            &lead,
            &format!("/applications/{id}/submit"),
            &format!("/applications/{id}/submit"),
            &[
                ("version", version.as_str()),
                ("accept", "1"),
                ("justification", "营业执照已核对"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let huli = app.account("qu_huli", Role::Bureau, Some("350206")).await;
    let (status, review) = app
        .get(&huli, &format!("/review/{XM}/applications/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        review.contains("联合体成员单位") && members.iter().all(|m| review.contains(m.1)),
        "{review}"
    );

    // Every member on the form, and a commitment each after the lead's.
    let docx = download(&app, &lead, &format!("/applications/{id}/form/docx")).await;
    assert_eq!(docx.status, StatusCode::OK);
    let pdf = pdf_download(&app, &lead, &format!("/applications/{id}/form/pdf")).await;
    for text in [&docx.text, &pdf] {
        assert_eq!(
            text.matches("申报单位承诺").count(),
            5,
            "the lead's and four members'"
        );
        for (uscc, name, _) in members {
            assert!(text.contains(name) && text.contains(uscc), "{name} listed");
            assert!(
                text.contains(&format!(
                    "联合体成员单位：{name}（统一社会信用代码：{uscc}）"
                )),
                "{name}'s commitment"
            );
        }
    }
}

/// Runs a command on the files of a temporary folder; fails with the Debian package to
/// install when it is missing.
fn run(program: &str, args: &[&str], package: &str) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} ({e}): bash scripts/test installs {package}"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The URL the QR code of page `page` of `pdf` holds: the page rendered by pdftoppm, the
/// code read by zbarimg.
fn qr_of_page(pdf: &[u8], page: u32) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("form.pdf");
    std::fs::write(&file, pdf).unwrap();
    let png = dir.path().join("page");
    let n = page.to_string();
    run(
        "pdftoppm",
        &[
            "-f",
            &n,
            "-l",
            &n,
            "-r",
            "150",
            "-png",
            "-singlefile",
            file.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
        "poppler-utils",
    );
    let image = dir.path().join("page.png");
    run(
        "zbarimg",
        &["--raw", "-q", image.to_str().unwrap()],
        "zbar-tools",
    )
    .trim()
    .to_string()
}

/// 受理编号 on every page, with 第N页 共M页 and a QR code that opens the public verification
/// page: 当前有效 for the version on the paper; once the applicant withdraws and submits
/// again, the old paper's code reports 已被新版本替代 with the new number, and the new paper's
/// reports 当前有效. A code altered by a digit is refused. The page shows no content.
async fn every_printed_page_proves_which_version_it_belongs_to(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture(CALL, "compute_service.valid.json");
    let (b, id) = apply(&app, &fx, "qiye_a").await;
    // The submit page says where the application goes, and prints no paper signature lines.
    let (_, html) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(html.contains("提交后送达："), "{html}");
    assert!(
        html.contains("确认提交"),
        "no errors: the commitment is shown"
    );
    let signatures = &app
        .calls
        .get(CALL)
        .unwrap()
        .call
        .def()
        .commitment
        .signatures;
    assert!(!signatures.is_empty());
    for line in signatures {
        assert!(!html.contains(line.as_str()), "{line} on the submit page");
    }
    submit(&app, &b, id).await;
    let (_, status_page) = app.get(&b, &format!("/applications/{id}")).await;
    let number_at = status_page
        .find("QZ-2024-AI-INDUSTRY-")
        .expect("the 受理编号 is shown");
    let first_number: String = status_page[number_at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    assert!(!status_page.contains("SHA-256"), "the number, not a hash");
    // The first version submitted in the call from its division: sequence 1.
    let region = fx.profile["region"].as_str().unwrap();
    assert!(
        first_number.ends_with(&format!("-{region}-000001")),
        "{first_number}"
    );

    let fetch = |path: String| {
        let b = b.clone();
        let url = app.url(&path);
        async move {
            let r = b.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.bytes().await.unwrap().to_vec()
        }
    };
    let pdf = fetch(format!("/applications/{id}/form/pdf")).await;
    let text = pdf_text(&pdf);
    // Every page: the number and 第N页 共M页.
    let total_at = text.find("页共").expect("第1页共M页");
    let total: usize = text[total_at + "页共".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(total >= 2, "a form of several pages: {total}");
    assert_eq!(
        text.matches(&format!("受理编号：{first_number}")).count(),
        total,
        "the number on each of the {total} pages"
    );
    for page in 1..=total {
        assert!(
            text.contains(&format!("第{page}页共{total}页")),
            "page {page}"
        );
    }
    // The Word form carries the same number at the foot of its pages.
    let docx = fetch(format!("/applications/{id}/form/docx")).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut footer = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/footer1.xml").unwrap(), &mut footer)
        .unwrap();
    assert!(footer.contains(&first_number), "{footer}");
    // The QR code of a later page: this version, current.
    let url = qr_of_page(&pdf, 2);
    assert!(url.starts_with(&app.url("/verify/")), "{url}");
    let anyone = app.browser();
    let page = anyone.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("当前有效"), "{html}");
    assert!(html.contains(&first_number) && html.contains("第1次提交"));
    let org = fx.profile["name"].as_str().unwrap();
    assert!(!html.contains(org), "no content on the verification page");
    for t in chinese_answers(&fx.answers)
        .iter()
        .filter(|t| t.chars().count() > 6)
    {
        assert!(!html.contains(t.as_str()), "answer {t} shown");
    }

    // Withdrawn and submitted again: the old paper is superseded, the new one current.
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/withdraw")))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    submit(&app, &b, id).await;
    let new_pdf = fetch(format!("/applications/{id}/form/pdf")).await;
    let new_url = qr_of_page(&new_pdf, 1);
    assert_ne!(new_url, url, "a new version, a new code");
    let html = anyone.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("已被新版本替代"), "{html}");
    // The new version has the next number of the division.
    let second_number = first_number.replace("-000001", "-000002");
    assert!(html.contains(&second_number), "{second_number} in {html}");
    let html = anyone
        .get(&new_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("当前有效") && html.contains("第2次提交"),
        "{html}"
    );
    assert!(!html.contains(&first_number) || html.contains("当前有效"));
    // One digit changed: no such version.
    let mut forged = url.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    let r = anyone.get(&forged).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("无法核验"));
    // A draft prints no number.
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    assert!(html.contains("受理编号"));
}
