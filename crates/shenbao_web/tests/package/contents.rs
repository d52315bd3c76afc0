//! The package: its order, its file names and the numbering of pictures.

use super::*;

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

shenbao_store::on_both_databases!(
    guangdong_package_follows_the_ranking_and_names_files_by_the_rules,
    shandong_images_are_numbered_in_upload_order,
    uploaded_names_end_with_the_type_found_in_the_content,
);
