//! Several files in one upload: each kept or refused on its own, every message naming the
//! file and the slot, the slot's maximum count, and the way back to the slot (a redirect
//! for the page, JSON with the slot's fresh HTML for its script).

use super::*;

const SLOT: &str = "business_license";
const LABEL: &str = "企业营业执照或组织机构代码证书";

/// The HTML of slot `id` on an edit page: from its opening tag to the next slot's.
fn slot_html<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"slot-{id}\""))
        .unwrap_or_else(|| panic!("slot {id} on the page"));
    let rest = &page[start..];
    let end = rest[1..]
        .find("<div class=\"slot\"")
        .map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

/// One request with four files for a slot that takes at most two: a text file named .exe
/// is refused for its type, naming the file and the slot, while the PDF and the JPG sent
/// with it are kept; the fourth file is one too many and is refused by name. The browser is
/// sent back to the slot, where every message is shown (none at the top of the page).
async fn several_files_in_one_upload_are_kept_or_refused_each_by_name(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "several").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let r = app
        .upload_files(
            &b,
            id,
            SLOT,
            &[
                ("执照.pdf", content("pdf", 4096)),
                ("报价单.exe", content("txt", 2048)),
                ("执照副本.jpg", content("jpg", 4096)),
                ("多余的.png", content("png", 4096)),
            ],
            false,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    let rows = app.store.attachments(id).await.expect("attachments");
    let mut names: Vec<&str> = rows.iter().map(|a| a.original_name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["执照.pdf", "执照副本.jpg"],
        "the good files are kept"
    );
    assert!(rows.iter().all(|a| a.slot == SLOT));
    assert!(to.starts_with(&format!("/applications/{id}/edit?")), "{to}");
    assert!(
        to.ends_with(&format!("#slot-{SLOT}")),
        "back at the slot: {to}"
    );
    assert!(to.contains("msg=wrong_type"), "{to}");
    let (status, page) = app.get(&b, &to).await;
    assert_eq!(status, StatusCode::OK);
    let slot = slot_html(&page, SLOT);
    for message in [
        format!("“执照.pdf”已上传到“{LABEL}”"),
        format!("“执照副本.jpg”已上传到“{LABEL}”"),
        format!(
            "“报价单.exe”未能上传到“{LABEL}”：只接受 PDF、JPG、PNG 格式（按文件内容识别，改扩展名无效）"
        ),
        format!("“多余的.png”未能上传到“{LABEL}”：该项最多 2 个文件，已达上限，请先删除再上传"),
    ] {
        assert!(slot.contains(&message), "{message} at the slot: {slot}");
        assert_eq!(page.matches(&message).count(), 1, "{message} once");
    }
    assert!(
        slot.contains("role=\"alert\""),
        "refusals are announced: {slot}"
    );
    assert!(
        !page.contains("id=\"notice\""),
        "nothing at the top: {page}"
    );
    // Full: the slot lists both files and has no upload form any more.
    assert!(!slot.contains("type=\"file\""), "{slot}");
    // Another slot's page shows none of it.
    let other = slot_html(&page, "rd_capability");
    assert!(!other.contains("upload-message"), "{other}");
}

/// Files that pass are kept whatever comes after them; a slot already full refuses every
/// file of a request by name, and an empty file is named too. A chooser left empty (the part
/// browsers send without a file name) is skipped, and a request with nothing chosen says so
/// at the slot.
async fn the_maximum_count_holds_across_uploads_and_every_refusal_is_named(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "count").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let to = location(
        &app.upload_files(
            &b,
            id,
            SLOT,
            &[("", Vec::new()), ("一.pdf", content("pdf", 2048))],
            false,
        )
        .await,
    );
    assert!(to.contains("msg=uploaded"), "{to}");
    assert!(!to.contains("refused="), "{to}");
    let to = location(
        &app.upload_files(
            &b,
            id,
            SLOT,
            &[
                ("空的.pdf", Vec::new()),
                ("二.pdf", content("pdf", 2048)),
                ("三.pdf", content("pdf", 2048)),
                ("四.pdf", content("pdf", 2048)),
            ],
            false,
        )
        .await,
    );
    assert!(to.contains("msg=empty"), "{to}");
    let rows = app.store.attachments(id).await.expect("attachments");
    assert_eq!(
        rows.len(),
        2,
        "one kept of the second request: the maximum is two"
    );
    let (_, page) = app.get(&b, &to).await;
    let slot = slot_html(&page, SLOT);
    assert!(
        slot.contains(&format!("“空的.pdf”未能上传到“{LABEL}”：文件是空的")),
        "{slot}"
    );
    assert!(
        slot.contains(&format!("“二.pdf”已上传到“{LABEL}”")),
        "{slot}"
    );
    for name in ["三.pdf", "四.pdf"] {
        assert!(
            slot.contains(&format!("“{name}”未能上传到“{LABEL}”：该项最多 2 个文件")),
            "{name}: {slot}"
        );
    }
    // Full: a further request is refused file by file, nothing kept.
    let r = app
        .upload_files(
            &b,
            id,
            SLOT,
            &[
                ("五.pdf", content("pdf", 2048)),
                ("六.pdf", content("pdf", 2048)),
            ],
            false,
        )
        .await;
    let to = location(&r);
    assert!(to.contains("msg=too_many"), "{to}");
    assert!(to.ends_with(&format!("#slot-{SLOT}")), "{to}");
    let (_, page) = app.get(&b, &to).await;
    let slot = slot_html(&page, SLOT);
    assert!(
        slot.contains("“五.pdf”未能上传到") && slot.contains("“六.pdf”未能上传到"),
        "{slot}"
    );
    assert_eq!(
        app.store.attachments(id).await.expect("attachments").len(),
        2
    );
    // Nothing chosen at all.
    let to = location(
        &app.upload_files(&b, id, "rd_capability", &[("", Vec::new())], false)
            .await,
    );
    assert!(
        to.contains("msg=no_file") && to.ends_with("#slot-rd_capability"),
        "{to}"
    );
    let (_, page) = app.get(&b, &to).await;
    let slot = slot_html(&page, "rd_capability");
    assert!(slot.contains("请选择要上传到“申报单位研发能力"), "{slot}");
    // A file removed goes back to its slot too.
    let (_, html) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let r = b
        .post(app.url(&format!("/applications/{id}/files/{}/delete", rows[0].id)))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("delete");
    assert_eq!(location(&r), format!("/applications/{id}/edit#slot-{SLOT}"));
}

/// The page's script asks for JSON: it gets a message per file and the slot's fresh HTML
/// (the files listed, the form gone once full), and no redirect. A refusal of the whole
/// request (a token that does not match) is JSON too, in words.
async fn an_upload_asked_for_json_answers_with_messages_and_the_slot(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "script").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let r = app
        .upload_files(
            &b,
            id,
            SLOT,
            &[
                ("执照.png", content("png", 4096)),
                ("说明.txt", content("txt", 100)),
            ],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Json = r.json().await.expect("json");
    assert_eq!(v["slot"], SLOT);
    let messages = v["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{v}");
    assert_eq!(messages[0]["ok"], true);
    assert_eq!(messages[0]["text"], format!("“执照.png”已上传到“{LABEL}”"));
    assert_eq!(messages[1]["ok"], false);
    assert!(
        messages[1]["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with(&format!(
                "“说明.txt”未能上传到“{LABEL}”：只接受 PDF、JPG、PNG 格式"
            )),
        "{v}"
    );
    let html = v["html"].as_str().expect("html");
    assert!(
        html.trim_start()
            .starts_with(&format!("<div class=\"slot\" id=\"slot-{SLOT}\"")),
        "{html}"
    );
    assert!(
        html.contains("执照.png") && html.contains("type=\"file\""),
        "{html}"
    );
    assert!(html.contains(" multiple"), "the slot takes two: {html}");
    assert!(
        !html.contains("upload-message"),
        "messages are in the JSON: {html}"
    );
    let r = app
        .upload_files(&b, id, SLOT, &[("执照2.pdf", content("pdf", 4096))], true)
        .await;
    let v: Json = r.json().await.expect("json");
    let html = v["html"].as_str().expect("html");
    assert!(!html.contains("type=\"file\""), "full: no form: {html}");
    assert!(html.contains("data-upload="), "still a drop zone: {html}");
    // A stale token: refused as a whole, in words.
    let form = reqwest::multipart::Form::new()
        .text("csrf", "stale")
        .text("slot", SLOT)
        .part(
            "file",
            reqwest::multipart::Part::bytes(content("pdf", 100)).file_name("x.pdf"),
        );
    let r = b
        .post(app.url(&format!("/applications/{id}/files")))
        .header(reqwest::header::ACCEPT, "application/json")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: Json = r.json().await.expect("json");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert_eq!(
        app.store.attachments(id).await.expect("attachments").len(),
        2
    );
}

/// Slots that take more than one file let the chooser pick several; a one-file slot does
/// not. Each slot is an anchor and a drop zone for the script.
async fn choosers_take_several_files_where_the_slot_does(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "chooser").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let (_, page) = app.get(&b, &format!("/applications/{id}/edit")).await;
    let several = slot_html(&page, SLOT);
    assert!(several.contains(" multiple required>"), "{several}");
    assert!(several.contains(&format!("data-upload=\"/applications/{id}/files\"")));
    let one = slot_html(&page, "video");
    assert!(
        one.contains("type=\"file\"") && !one.contains(" multiple"),
        "{one}"
    );
}

/// Many refused files in one request: the first twenty are named (names with `&`, `#`, `%`,
/// `+` and spaces come back as sent), the rest are counted, and the address stays short.
async fn many_refusals_are_named_up_to_a_bound_and_counted_after(db: TestDb) {
    let app = App::start(db.store, true).await;
    let fx = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let b = app.applicant(&fx.profile, "many").await;
    let id = app.start_app(&b, fx.call, "manufacturing").await;
    let names: Vec<String> = (1..=25).map(|n| format!("报价 {n}&#%+单.exe")).collect();
    let files: Vec<(&str, Vec<u8>)> = names
        .iter()
        .map(|n| (n.as_str(), content("txt", 64)))
        .collect();
    let to = location(
        &app.upload_files(&b, id, "rd_capability", &files, false)
            .await,
    );
    assert!(to.len() < 4096, "{} bytes: {to}", to.len());
    assert!(
        to.contains("msg=wrong_type") && to.contains("&more=5"),
        "{to}"
    );
    let (_, page) = app.get(&b, &to).await;
    let slot = slot_html(&page, "rd_capability");
    for n in 1..=20 {
        let named = format!("“报价 {n}&#38;#%+单.exe”未能上传到“申报单位研发能力");
        assert!(slot.contains(&named), "{named}: {slot}");
    }
    assert!(!slot.contains("“报价 21"), "{slot}");
    assert!(
        slot.contains("另有5个文件未能上传到“申报单位研发能力"),
        "{slot}"
    );
    assert!(
        app.store
            .attachments(id)
            .await
            .expect("attachments")
            .is_empty()
    );
}

shenbao_store::on_both_databases!(
    many_refusals_are_named_up_to_a_bound_and_counted_after,
    several_files_in_one_upload_are_kept_or_refused_each_by_name,
    the_maximum_count_holds_across_uploads_and_every_refusal_is_named,
    an_upload_asked_for_json_answers_with_messages_and_the_slot,
    choosers_take_several_files_where_the_slot_does,
);
