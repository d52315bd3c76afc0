//! Uploads and what is refused: parts, areas, roles, deadlines and limits.

use super::*;

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
    let body = r.text().await.expect("body");
    assert!(
        body.contains("申报截止日期（") && body.contains("）已过，不能再提交"),
        "the refusal names the date: {body}"
    );
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
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    // The same direction again: the draft there, to go on filling in, not a refusal.
    let r = app
        .submit(
            &b,
            "/calls/gd-2023-ai-scenarios",
            "/calls/gd-2023-ai-scenarios/applications",
            &[("direction", "manufacturing")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        format!("/applications/{id}/edit?msg=existing")
    );
    let (_, html) = app.get(&b, &location(&r)).await;
    assert!(html.contains(shenbao_web::strings::APP_EXISTING), "{html}");
    // 我的申报 heads the status column 状态.
    let (_, list) = app.get(&b, "/applications").await;
    assert!(
        list.contains("<th>状态</th>") && !list.contains("角色"),
        "{list}"
    );
    // Another direction, where the call allows one application in all: refused.
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

shenbao_store::on_both_databases!(
    uploads_are_checked_by_size_count_and_content,
    a_refused_upload_is_answered_and_the_connection_stays_open,
    an_overlong_form_part_is_refused_before_it_is_read,
    organisations_outside_the_call_area_cannot_apply,
    requests_refused_before_a_handler_are_answered_in_chinese,
    another_organisation_and_other_roles_cannot_reach_an_application,
    the_deadline_is_enforced_by_the_server_clock,
    per_applicant_limits_are_enforced_when_starting,
);
