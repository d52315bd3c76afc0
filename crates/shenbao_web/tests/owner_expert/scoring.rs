//! Experts score their own assignments; submission freezes a sheet.

use super::*;

async fn experts_score_only_their_own_assignments_and_submission_freezes(db: TestDb) {
    let app = App::start(db.store, false).await;
    user(&app, "owner", Role::Owner, None).await;
    let o = org(&app, 1, "440305").await;
    let alice = user(&app, "alice", Role::Expert, None).await;
    let bob = user(&app, "bob", Role::Expert, None).await;
    // An application with one attached file.
    let created = app
        .store
        .create_application(
            &NewApplication {
                call_id: CALL.into(),
                call_version: 1,
                direction: "manufacturing".into(),
                subdirection: None,
                organisation_id: o.0,
                created_by: o.1,
                answers: "{}".into(),
                created_at: common::NOW,
            },
            &event(),
        )
        .await
        .expect("create");
    let key = format!("{CALL}/{}/evidence", created.id);
    let path = app.files.path().join(&key);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(&path, b"%PDF-1.7\nevidence").expect("file");
    let file = app
        .store
        .add_attachment(&NewAttachment {
            application_id: created.id,
            slot: "application_form".into(),
            original_name: "证明材料.pdf".into(),
            storage_key: key,
            size: 17,
            sha256: "00".into(),
            file_type: "pdf".into(),
            created_at: common::NOW,
            uploaded_by: o.1,
        })
        .await
        .expect("attachment");
    app.store
        .submit_application(
            created.id,
            1,
            &shenbao_store::Submission {
                from_status: shenbao_store::ApplicationStatus::Draft,
                level: "city".into(),
                unit: "370100".into(),
                sector: None,
                title: None,
            },
            &NewSnapshot {
                version: 1,
                answers: "{}".into(),
                files: format!(
                    "[{{\"id\":{},\"slot\":\"application_form\",\"name\":\"证明材料.pdf\"}}]",
                    file.id
                ),
                content_hash: "00".into(),
            },
            &event(),
        )
        .await
        .expect("submit");
    place_at_owner_level(&app.store, created.id, "province", "智能工厂案例").await;
    let mut ids = Vec::new();
    for expert in [alice, bob] {
        ids.push(
            app.store
                .assign_expert(&NewAssignment {
                    application_id: created.id,
                    expert_id: expert,
                    assigned_at: common::NOW,
                    assigned_by: 1,
                })
                .await
                .expect("assign")
                .id,
        );
    }
    let (mine, theirs) = (ids[0], ids[1]);
    app.store
        .submit_scores(
            theirs,
            bob,
            &sheet(77.5),
            "{\"\":\"专家乙的独特评语\"}",
            common::NOW,
        )
        .await
        .expect("bob submits");

    let b = browser(&app, "alice").await;
    let (status, list) = app.get(&b, "/expert").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("智能工厂案例") && list.contains("待评分"));
    assert_eq!(
        app.get(&b, &format!("/expert/assignments/{theirs}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let here = format!("/expert/assignments/{mine}");
    let (status, page) = app.get(&b, &here).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("创新性") || page.contains("innovation"),
        "criteria shown"
    );
    assert!(!page.contains("专家乙的独特评语") && !page.contains("77.5"));
    // The submitted file, to this expert only.
    let r = b
        .get(app.url(&format!("{here}/files/{}", file.id)))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.bytes().await.expect("bytes").as_ref(),
        b"%PDF-1.7\nevidence"
    );
    assert_eq!(
        app.get(
            &b,
            &format!("/expert/assignments/{theirs}/files/{}", file.id)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    // A draft, then a score above the maximum: refused, the draft kept.
    let (status, _) = post(
        &app,
        &b,
        &here,
        &[
            ("action", "save"),
            ("score.innovation", "80"),
            ("comment.innovation", "创新明显"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = post(
        &app,
        &b,
        &here,
        &[
            ("action", "save"),
            ("score.innovation", "120"),
            ("score.demonstration", "abc"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("的得分应在0至100分之间"), "{html}");
    assert!(html.contains("评分须为数字"));
    assert!(html.contains("value=\"120\""), "what was typed comes back");
    let kept = app
        .store
        .assignment(mine)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(kept.scores.as_deref(), Some("{\"innovation\":80.0}"));
    assert!(kept.comments.as_deref().unwrap_or("").contains("创新明显"));
    assert!(app.get(&b, "/expert").await.1.contains("已保存"));

    // Submission needs every criterion and the confirmation.
    let full = [
        ("action", "submit"),
        ("score.innovation", "80"),
        ("score.application_value", "70"),
        ("score.demonstration", "60"),
        ("score.market_prospect", "90"),
        ("comment", "总体较好"),
    ];
    let (status, html) = post(&app, &b, &here, &full[..2]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("”打分"));
    let (status, html) = post(&app, &b, &here, &full).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("提交前请勾选确认"));
    let mut confirmed = full.to_vec();
    confirmed.push(("confirm", "1"));
    let (status, _) = post(&app, &b, &here, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = app.get(&b, &here).await;
    assert!(page.contains("评分已提交"));
    assert!(page.contains("class=\"total\">75.00<"), "weighted total");
    assert!(!page.contains("name=\"score.innovation\""), "read-only now");

    // Frozen: no change, no recusal.
    let (status, html) = post(
        &app,
        &b,
        &here,
        &[("action", "save"), ("score.innovation", "10")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("评分已提交，不能修改"));
    let (status, _) = post(&app, &b, &format!("{here}/recuse"), &[("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let after = app
        .store
        .assignment(mine)
        .await
        .expect("read")
        .expect("row");
    assert!(
        after
            .scores
            .as_deref()
            .unwrap_or("")
            .contains("\"innovation\":80")
    );
    assert!(after.submitted_at.is_some());

    // Recusal on another, unsubmitted assignment removes it and records the conflict.
    let second = application(&app, o, "medical", "医疗案例").await;
    let other = app
        .store
        .assign_expert(&NewAssignment {
            application_id: second,
            expert_id: alice,
            assigned_at: common::NOW,
            assigned_by: 1,
        })
        .await
        .expect("assign");
    let (status, html) = post(
        &app,
        &b,
        &format!("/expert/assignments/{}/recuse", other.id),
        &[("reason", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请填写回避理由"));
    let (status, to) = post(
        &app,
        &b,
        &format!("/expert/assignments/{}/recuse", other.id),
        &[("reason", "曾为该单位提供咨询")],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/expert?msg=recused")
    );
    assert_eq!(app.store.assignment(other.id).await.expect("read"), None);
    let conflicts = app.store.conflicts(CALL).await.expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0].user_id, conflicts[0].organisation_id),
        (alice, o.0)
    );
}

shenbao_store::on_both_databases!(experts_score_only_their_own_assignments_and_submission_freezes,);
