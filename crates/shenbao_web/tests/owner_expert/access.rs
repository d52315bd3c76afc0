//! Who may use the owner pages, and which calls an owner owns.

use super::*;

/// An owner account with a region owns the calls whose area lies within it, and nothing of the
/// others: 山东's department neither lists 广东's call nor opens, changes or reads anything of it.
async fn an_owner_with_a_region_owns_only_the_calls_within_it(db: TestDb) {
    let app = App::start(db.store, false).await;
    for (username, region) in [("owner_sd", "370000"), ("owner_gd", "440000")] {
        app.store
            .create_user(&NewUser {
                scope_region: Some(region.to_string()),
                ..new_user(username, Role::Owner, None)
            })
            .await
            .expect("owner");
    }
    user(&app, "expert", Role::Expert, None).await;
    let o = org(&app, 1, "440305").await;
    let id = application(&app, o, "manufacturing", "甲案例").await;
    let sd = browser(&app, "owner_sd").await;
    let gd = browser(&app, "owner_gd").await;
    let (status, html) = app.get(&sd, "/owner").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(CALL), "山东 lists no 广东 call");
    assert!(html.contains("sd-2024-llm-cases"), "山东 lists its own");
    let (_, html) = app.get(&gd, "/owner").await;
    assert!(html.contains(CALL) && !html.contains("sd-2024-llm-cases"));
    for path in [
        format!("/owner/{CALL}"),
        format!("/owner/{CALL}/experts"),
        format!("/owner/{CALL}/assignments"),
        format!("/owner/{CALL}/ranking"),
        format!("/owner/{CALL}/publish"),
        format!("/review/{CALL}/applications/{id}"),
        format!("/review/{CALL}/applications/{id}/form/docx"),
    ] {
        assert_eq!(app.get(&sd, &path).await.0, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.get(&gd, &path).await.0, StatusCode::OK, "{path}");
    }
    // A post with 山东's own valid token is refused too, and changes nothing.
    let (_, html) = app.get(&sd, "/owner/sd-2024-llm-cases/experts").await;
    let r = sd
        .post(app.url(&format!("/owner/{CALL}/experts")))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("action", "add"),
            ("username", "expert"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(app.store.pool_experts(CALL).await.expect("pool").is_empty());
}

async fn only_owners_may_use_the_owner_pages(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    user(&app, "expert", Role::Expert, None).await;
    let o = org(&app, 1, "440305").await;
    let id = application(&app, o, "manufacturing", "甲案例").await;
    let id = id.to_string();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/owner/{CALL}/experts"),
            vec![("action", "add"), ("username", "expert")],
        ),
        (
            format!("/owner/{CALL}/assignments/assign"),
            vec![("application", id.as_str()), ("username", "expert")],
        ),
        (
            format!("/owner/{CALL}/assignments/unassign"),
            vec![("assignment", "1")],
        ),
        (
            format!("/owner/{CALL}/assignments/auto"),
            vec![("per_application", "1")],
        ),
        (
            format!("/owner/{CALL}/ranking/select"),
            vec![("direction", "manufacturing"), ("id", id.as_str())],
        ),
        (
            format!("/owner/{CALL}/ranking/unselect"),
            vec![("direction", "manufacturing"), ("id", id.as_str())],
        ),
        (format!("/owner/{CALL}/publish"), vec![("confirm", "1")]),
    ];
    for who in ["expert", "applicant1"] {
        let b = browser(&app, who).await;
        for (path, fields) in &posts {
            let (status, _) = post(&app, &b, path, fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        for path in ["/owner", &format!("/owner/{CALL}")] {
            assert_eq!(
                app.get(&b, path).await.0,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
    // Nothing happened.
    assert!(app.store.pool_experts(CALL).await.expect("pool").is_empty());
    assert_eq!(app.store.publication(CALL).await.expect("read"), None);
    assert_eq!(status_of(&app, id.parse().expect("id")).await, "submitted");
    // Anonymous visitors go to the login page; owners may not use the expert pages.
    let anonymous = app.browser();
    let r = anonymous
        .get(app.url(&format!("/owner/{CALL}/ranking")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="));
    let owner = browser(&app, "owner").await;
    assert_eq!(app.get(&owner, "/expert").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&owner, &format!("/owner/{CALL}")).await.0,
        StatusCode::OK
    );
    // A post without the CSRF token is refused even for the owner.
    let r = owner
        .post(app.url(&format!("/owner/{CALL}/publish")))
        .form(&[("confirm", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.publication(CALL).await.expect("read"), None);
}

shenbao_store::on_both_databases!(
    an_owner_with_a_region_owns_only_the_calls_within_it,
    only_owners_may_use_the_owner_pages,
);
