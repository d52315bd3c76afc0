//! Applicants over real HTTP, on SQLite and (in CI) PostgreSQL: register, fill in the
//! official form, upload evidence and submit, for one direction of every seed call; and the
//! refusals: wrong role, another organisation's ids, missing CSRF, after the deadline,
//! uploads over or under the limits or of the wrong content, a stale save.

mod common;

use std::sync::atomic::Ordering;

use common::applicant::{Overlong, apply, content, fixture, with_uscc};
use common::{App, csrf_of, location};
use reqwest::StatusCode;
use serde_json::Value as Json;
use shenbao_store::testing::TestDb;
use shenbao_store::{NewUser, Role};

async fn every_seed_call_takes_a_complete_application(db: TestDb) {
    let app = App::start(db.store, true).await;
    // One organisation per call, each with its own real code (DOMAIN.md's examples).
    let cases = [
        with_uscc(
            fixture("sd-2024-llm-cases", "case.valid.json"),
            "914403001922038216",
        ),
        with_uscc(
            fixture("sd-2024-llm-survey", "enterprise.valid.json"),
            "91440300708461136T",
        ),
        with_uscc(
            fixture("hn-2025-ai", "llm-general.valid.json"),
            "9144030071526726XG",
        ),
        with_uscc(
            fixture("qz-2024-ai-industry", "compute_service.valid.json"),
            "91110000710926094P",
        ),
        with_uscc(
            fixture("gd-2023-ai-scenarios", "manufacturing.valid.json"),
            "91310000631696382C",
        ),
    ];
    for (i, fx) in cases.iter().enumerate() {
        let (b, id) = apply(&app, fx, &format!("user{i}")).await;
        let r = app.submit_application(&b, id, "").await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}: {}",
            fx.call,
            r.text().await.unwrap_or_default()
        );
        let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
        assert!(
            html.contains("已提交") && html.contains("提交内容校验码"),
            "{}",
            fx.call
        );
        let snapshot = app
            .store
            .latest_snapshot(id)
            .await
            .expect("query")
            .expect("frozen");
        assert_eq!(snapshot.content_hash.len(), 64);
        let frozen: Json = serde_json::from_str(&snapshot.files).expect("files json");
        assert_eq!(
            frozen.as_array().map(Vec::len),
            Some(fx.files.len()),
            "{}",
            fx.call
        );
        let row = app
            .store
            .application(id)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.status, shenbao_store::ApplicationStatus::Submitted);
    }
    let actions: Vec<String> = app
        .store
        .audit_page(None, 500)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "application_submitted")
            .count(),
        5
    );
    assert!(actions.iter().any(|a| a == "file_uploaded"));
}

async fn withdrawing_returns_to_draft_and_history_shows_it(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("sd-2024-llm-survey", "enterprise.valid.json");
    let (b, id) = apply(&app, &fx, "withdrawer").await;
    assert_eq!(
        app.submit_application(&b, id, "").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/withdraw")))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("withdraw");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&b, &format!("/applications/{id}")).await;
    for text in ["创建草稿", "提交申报", "撤回申报", "草稿"] {
        assert!(html.contains(text), "history shows {text}");
    }
    assert_eq!(
        app.store
            .application_events(id)
            .await
            .expect("events")
            .len(),
        3
    );
    // Deleting a file that the withdrawn submission froze keeps it on disk for the record.
    let a = app
        .store
        .attachments(id)
        .await
        .expect("attachments")
        .remove(0);
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/files/{}/delete", a.id)))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(app.store.attachment(a.id).await.expect("query").is_none());
    assert!(
        app.files.path().join(&a.storage_key).exists(),
        "the submitted file is kept"
    );
}

async fn warnings_need_a_justification_and_the_commitment_must_be_accepted(db: TestDb) {
    let app = App::start(db.store, true).await;
    let mut fx = fixture("sd-2024-llm-survey", "enterprise.valid.json");
    // 大模型相关收入 below 500万元 is a 原则上 condition: a warning, not a stop.
    fx.answers["ent_llm_revenue"] = Json::from(120);
    let (b, id) = apply(&app, &fx, "warn").await;
    let (_, html) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(
        html.contains("原则上") && html.contains("情况说明"),
        "the warning is shown"
    );
    let r = app.submit_application(&b, id, "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("请填写情况说明"));
    let r = app
        .submit_application(&b, id, "企业成立两年，处于高速成长期")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = app
        .store
        .application(id)
        .await
        .expect("query")
        .expect("row");
    assert_eq!(
        row.justification.as_deref(),
        Some("企业成立两年，处于高速成长期")
    );
}

async fn a_save_with_errors_keeps_everything_typed(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "keep").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let fields = vec![
        (
            "f.company_name".to_string(),
            "广州保留科技有限公司".to_string(),
        ),
        ("f.uscc".to_string(), "914403001922038217".to_string()),
    ];
    let r = app.save(&b, id, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "saved, then redirected");
    let (_, html) = app.get(&b, &location(&r)).await;
    assert!(html.contains("不是有效的统一社会信用代码"), "inline error");
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    assert!(
        html.contains("广州保留科技有限公司") && html.contains("914403001922038217"),
        "both kept after reload"
    );
    let (_, html) = app.get(&b, &format!("/applications/{id}/submit")).await;
    assert!(html.contains("才能提交"), "errors block submission");
}

async fn a_stale_save_from_another_tab_is_told_of_the_conflict(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "tabs").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let (csrf, v) = app.version(&b, id).await;
    let first = vec![("f.company_name".to_string(), "第一个窗口".to_string())];
    let second = vec![("f.company_name".to_string(), "第二个窗口".to_string())];
    assert_eq!(
        app.save_as(&b, id, &csrf, &v, &first).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = app.save_as(&b, id, &csrf, &v, &second).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.expect("page");
    assert!(
        html.contains("为避免覆盖") && html.contains("第二个窗口"),
        "told, and the typing is kept"
    );
    let row = app
        .store
        .application(id)
        .await
        .expect("query")
        .expect("row");
    assert!(row.answers.contains("第一个窗口"), "nothing overwritten");
    // Autosave is refused the same way.
    let r = b
        .post(app.url(&format!("/applications/{id}/autosave")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", v.as_str()),
            ("f.company_name", "第三"),
        ])
        .send()
        .await
        .expect("autosave");
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

async fn uploads_are_checked_by_size_count_and_content(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "files").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    const MB: usize = 1024 * 1024;
    // 展示图片: each at least 2MB, at most 3.
    assert!(
        app.upload(&b, id, "images", "小图.jpg", content("jpg", MB))
            .await
            .contains("msg=too_small")
    );
    // A text file named .pdf is not a PDF.
    assert!(
        app.upload(&b, id, "business_license", "执照.pdf", content("txt", 2048))
            .await
            .contains("msg=wrong_type")
    );
    // 视频: mp4 at most 100MB.
    assert!(
        app.upload(&b, id, "video", "演示.mp4", content("mp4", 101 * MB))
            .await
            .contains("msg=too_large")
    );
    for n in 0..3 {
        assert!(
            app.upload(
                &b,
                id,
                "images",
                &format!("图{n}.png"),
                content("png", 2 * MB + 1)
            )
            .await
            .contains("msg=uploaded")
        );
    }
    assert!(
        app.upload(&b, id, "images", "图4.png", content("png", 2 * MB + 1))
            .await
            .contains("msg=too_many")
    );
    let rows = app.store.attachments(id).await.expect("attachments");
    assert_eq!(rows.len(), 3, "refused files leave no row");
    assert!(
        rows.iter()
            .all(|a| a.sha256.len() == 64 && a.file_type == "png")
    );
    // The file comes back byte for byte, and can be removed while a draft.
    let r = b
        .get(app.url(&format!("/applications/{id}/files/{}", rows[0].id)))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("bytes").len(), 2 * MB + 1);
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/files/{}/delete", rows[0].id)))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.attachments(id).await.expect("attachments").len(),
        2
    );
}

/// Sends `request` on `stream` and reads one whole response (head and Content-Length body).
async fn exchange(
    stream: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    request: &[u8],
) -> std::io::Result<(String, Vec<u8>)> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    stream.get_mut().write_all(request).await?;
    let mut head = String::new();
    loop {
        let before = head.len();
        if stream.read_line(&mut head).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if head[before..].trim().is_empty() {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok((head, body))
}

/// An upload refused before its file was read (not logged in; one file too many) is still
/// read to the end, so the client gets the answer instead of a broken pipe and its connection
/// stays open for the next request.
async fn a_refused_upload_is_answered_and_the_connection_stays_open(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let (b, jar) = app.browser_with_jar();
    app.register_org(&b, &fx.profile, "early").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    const MB: usize = 1024 * 1024;
    for n in 0..3 {
        let to = app
            .upload(
                &b,
                id,
                "images",
                &format!("图{n}.png"),
                content("png", 2 * MB + 1),
            )
            .await;
        assert!(to.contains("msg=uploaded"), "{to}");
    }
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let url: reqwest::Url = app.url("/").parse().expect("url");
    let cookie = reqwest::cookie::CookieStore::cookies(&*jar, &url)
        .expect("session cookie")
        .to_str()
        .expect("ascii")
        .to_string();
    let host = url.authority().to_string();
    let boundary = "shenbao-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf_of(&html)), ("slot", "images".to_string())] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"4.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(&content("png", 2 * MB + 1));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let socket = tokio::net::TcpStream::connect(&host)
        .await
        .expect("connect");
    let mut stream = tokio::io::BufReader::new(socket);
    let next = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
    for (who, cookie_line, expected) in [
        ("nobody logged in", String::new(), "/login"),
        (
            "one file too many",
            format!("Cookie: {cookie}\r\n"),
            "msg=too_many",
        ),
    ] {
        let mut request = format!(
            "POST /applications/{id}/files HTTP/1.1\r\nHost: {host}\r\n{cookie_line}\
             Content-Type: multipart/form-data; boundary={boundary}\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        let (head, _) = exchange(&mut stream, &request)
            .await
            .unwrap_or_else(|e| panic!("{who}: the refusal was not received: {e}"));
        assert!(head.starts_with("HTTP/1.1 303"), "{who}: {head}");
        let location = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("location:"))
            .unwrap_or_default();
        assert!(location.contains(expected), "{who}: {location}");
        let (head, page) = exchange(&mut stream, next.as_bytes())
            .await
            .unwrap_or_else(|e| panic!("{who}: the connection was dropped: {e}"));
        assert!(head.starts_with("HTTP/1.1 200"), "{who}: {head}");
        assert!(!page.is_empty());
    }
    assert_eq!(
        app.store.attachments(id).await.expect("attachments").len(),
        3,
        "the refused file left no row"
    );
}

/// A part other than the file (here `csrf`) longer than any page sends is refused as soon as
/// it passes its small limit: the 413 with the Chinese message comes back while the client is
/// still sending its 64 MB, and the server reads no further (the part is generated while it
/// is sent, so the test holds none of it in memory). The same for a part's header that never
/// ends and for a preamble before the first boundary, which the multipart parser would
/// otherwise buffer whole. The server goes on answering.
async fn an_overlong_form_part_is_refused_before_it_is_read(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let (b, jar) = app.browser_with_jar();
    app.register_org(&b, &fx.profile, "longpart").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let cookie = app.session_cookie(&jar);
    const PART: u64 = 64 * 1024 * 1024;
    for at in [Overlong::Value, Overlong::Header, Overlong::Preamble] {
        let answer = app.upload_with_overlong(&cookie, id, PART, at).await;
        assert!(
            answer.head.starts_with("HTTP/1.1 413"),
            "{at:?}: {}",
            answer.head
        );
        assert!(
            answer.body.contains("表单内容超出允许的长度"),
            "{at:?}: {}",
            answer.body
        );
        assert!(
            answer.sent_when_answered < PART,
            "{at:?}: answered only after {} of {PART} bytes were sent",
            answer.sent_when_answered
        );
    }
    assert!(
        app.store
            .attachments(id)
            .await
            .expect("attachments")
            .is_empty(),
        "nothing was kept"
    );
    let (status, _) = app.get(&b, &format!("/applications/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK, "the server goes on answering");
}

/// A call covers an area: its page names it, and an organisation registered elsewhere cannot
/// start an application (济南 for 泉州's call), with the reason in Chinese.
async fn organisations_outside_the_call_area_cannot_apply(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("qz-2024-ai-industry", "compute_service.valid.json");
    let (_, page) = app.get(&app.browser(), "/calls/qz-2024-ai-industry").await;
    assert!(page.contains("申报地域：</strong>福建省泉州市"), "{page}");
    let mut profile = fx.profile.clone();
    profile["region"] = Json::from("370102");
    profile["uscc"] = Json::from("91440300708461136T");
    let b = app.applicant(&profile, "jinan").await;
    let r = app
        .submit(
            &b,
            "/calls/qz-2024-ai-industry",
            "/calls/qz-2024-ai-industry/applications",
            &[("direction", "compute_service")],
        )
        .await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    let text = r.text().await.expect("body");
    assert!(
        text.contains("本次申报面向注册地在福建省泉州市的单位，贵单位注册地为山东省济南市历下区"),
        "{text}"
    );
    assert!(
        app.store
            .applications_of_organisation(1, None)
            .await
            .expect("list")
            .is_empty()
    );
    // The same organisation may apply to 山东's call.
    let id = app.start_app(&b, "sd-2024-llm-survey", "enterprise").await;
    assert!(id > 0);
}

/// Requests that axum refuses before any handler (a form over 2 MB, a form that does not
/// parse, a wrong method) are answered with the Chinese error page, and lose what was saved.
async fn requests_refused_before_a_handler_are_answered_in_chinese(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "big").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let r = app
        .save(
            &b,
            id,
            &[("f.company_name".to_string(), "保存过的名称".to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = app.store.application(id).await.expect("read").expect("app");
    assert!(saved.answers.contains("保存过的名称"), "{}", saved.answers);
    let huge = "字".repeat(1024 * 1024);
    let r = app
        .save(&b, id, &[("f.company_name".to_string(), huge)])
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = r.text().await.expect("body");
    assert!(text.contains("超过了2MB的上限"), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("length limit"),
        "{text}"
    );
    // The autosave asks for JSON and gets the same message as JSON.
    let (csrf, version) = app.version(&b, id).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/autosave")))
        .header("Accept", "application/json")
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("action", "save"),
            ("f.company_name", "字".repeat(1024 * 1024).as_str()),
        ])
        .send()
        .await
        .expect("autosave");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Json = r.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("超过了2MB的上限"),
        "{body}"
    );
    let after = app.store.application(id).await.expect("read").expect("app");
    assert_eq!(after.answers, saved.answers, "nothing saved was lost");
    // A start that is not a form at all.
    let r = b
        .post(app.url(&format!("/calls/{}/applications", fx.call)))
        .header("Content-Type", "application/json")
        .body("{\"direction\": \"manufacturing\"}")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let text = r.text().await.expect("body");
    assert!(text.contains("提交的内容不完整或格式不正确"), "{text}");
    assert!(!text.contains("Content-Type"), "{text}");
    // A page fetched with a method it does not take.
    let r = b.get(app.url("/logout")).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.text().await.expect("body").contains("此页面不能这样访问"));
}

async fn another_organisation_and_other_roles_cannot_reach_an_application(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("sd-2024-llm-survey", "enterprise.valid.json");
    let (owner, id) = apply(&app, &fx, "owner1").await;
    let file_id = app.store.attachments(id).await.expect("attachments")[0].id;
    let mut other_profile = fx.profile.clone();
    other_profile["uscc"] = Json::from("91440300708461136T");
    let other = app.applicant(&other_profile, "intruder").await;
    for path in [
        format!("/applications/{id}"),
        format!("/applications/{id}/edit"),
        format!("/applications/{id}/submit"),
        format!("/applications/{id}/files/{file_id}"),
    ] {
        assert_eq!(
            app.get(&other, &path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (_, html) = app.get(&other, "/applications").await;
    let r = other
        .post(app.url(&format!("/applications/{id}/edit")))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("version", "1"),
            ("f.company_name", "x"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A bureau user is not an applicant.
    app.store
        .create_user(&NewUser {
            username: "bureau".into(),
            password_hash: shenbao_web::auth::hash_password("secret-123").expect("hash"),
            display_name: "济南市工信局".into(),
            role: Role::Bureau,
            organisation_id: None,
            scope_region: Some("370100".into()),
            scope_sector: None,
            email: None,
            created_at: common::NOW,
        })
        .await
        .expect("bureau");
    let bureau = app.browser();
    assert_eq!(
        app.login(&bureau, "bureau", "secret-123").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(&bureau, &format!("/applications/{id}/edit"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // The owner still can, and a save without the CSRF token is refused.
    assert_eq!(
        app.get(&owner, &format!("/applications/{id}/edit")).await.0,
        StatusCode::OK
    );
    let r = owner
        .post(app.url(&format!("/applications/{id}/edit")))
        .form(&[("version", "1"), ("f.company_name", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn the_deadline_is_enforced_by_the_server_clock(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("sd-2024-llm-survey", "enterprise.valid.json");
    let (first, id) = apply(&app, &fx, "late").await;
    let late = app.login_name(&first).await;
    // The demo deadline is 30 days after NOW; go past its end.
    app.clock.fetch_add(31 * 24 * 3600 * 1000, Ordering::SeqCst);
    // A month later the session has long expired: log in again.
    let b = app.browser();
    assert_eq!(
        app.login(&b, &late, "secret-123").await.status(),
        StatusCode::SEE_OTHER
    );
    let r = app.submit_application(&b, id, "").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("body").contains("申报已截止"));
    assert_eq!(
        app.store
            .application(id)
            .await
            .expect("q")
            .expect("row")
            .status,
        shenbao_store::ApplicationStatus::Draft
    );
    let r = app
        .submit(
            &b,
            &format!("/calls/{}", fx.call),
            &format!("/calls/{}/applications", fx.call),
            &[("direction", "product")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "no new application either"
    );
}

async fn per_applicant_limits_are_enforced_when_starting(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "limit").await;
    app.start_app(&b, fx.call, "manufacturing").await;
    let r = app
        .submit(
            &b,
            "/calls/gd-2023-ai-scenarios",
            "/calls/gd-2023-ai-scenarios/applications",
            &[("direction", "medical")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("body").contains("限申报1个项目"));
}

async fn rows_are_added_and_removed_without_javascript(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("hn-2025-ai", "llm-general.valid.json");
    let b = app.applicant(&fx.profile, "rows").await;
    let id = app.start_app(&b, fx.call, "llm/general").await;
    let fields = vec![
        ("n.llm_honors".to_string(), "1".to_string()),
        (
            "f.llm_honors[0].name".to_string(),
            "省级专精特新".to_string(),
        ),
        ("action".to_string(), "add_row:llm_honors".to_string()),
    ];
    let r = app.save(&b, id, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.contains("rows=llm_honors:2"), "{to}");
    let (_, html) = app.get(&b, &to).await;
    assert!(html.contains("省级专精特新"), "the first row is kept");
    assert!(
        html.contains("name=\"f.llm_honors[1].name\""),
        "a second, empty row is shown"
    );
    // Every cell has an accessible name: its column and row number (the label above is a div).
    assert!(
        html.contains(r#"name="f.llm_honors[1].name" value="" aria-label="荣誉名称（第2行）""#),
        "the second row's cells are named"
    );
    assert!(
        html.contains(r#"name="f.llm_honors[1].date" value="" aria-label="获得时间（第2行）""#),
        "a date cell is named"
    );
    let fields = vec![
        ("n.llm_honors".to_string(), "2".to_string()),
        (
            "f.llm_honors[0].name".to_string(),
            "省级专精特新".to_string(),
        ),
        ("f.llm_honors[1].name".to_string(), "国家级荣誉".to_string()),
        ("action".to_string(), "remove_row:llm_honors:0".to_string()),
    ];
    let r = app.save(&b, id, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = app.store.application(id).await.expect("q").expect("row");
    assert!(
        row.answers.contains("国家级荣誉") && !row.answers.contains("省级专精特新"),
        "{}",
        row.answers
    );
}

shenbao_store::on_both_databases!(
    every_seed_call_takes_a_complete_application,
    withdrawing_returns_to_draft_and_history_shows_it,
    warnings_need_a_justification_and_the_commitment_must_be_accepted,
    a_save_with_errors_keeps_everything_typed,
    a_stale_save_from_another_tab_is_told_of_the_conflict,
    uploads_are_checked_by_size_count_and_content,
    a_refused_upload_is_answered_and_the_connection_stays_open,
    an_overlong_form_part_is_refused_before_it_is_read,
    organisations_outside_the_call_area_cannot_apply,
    requests_refused_before_a_handler_are_answered_in_chinese,
    another_organisation_and_other_roles_cannot_reach_an_application,
    the_deadline_is_enforced_by_the_server_clock,
    per_applicant_limits_are_enforced_when_starting,
    rows_are_added_and_removed_without_javascript,
);
