//! Organisations, users, sessions, login failures, the audit log and calls.

use super::*;

async fn registering_an_applicant_stores_the_organisation_and_its_user(db: TestDb) {
    let mut new_user = user("applicant1", Role::Applicant);
    new_user.organisation_id = Some(999); // ignored
    let (organisation, created) = db
        .store
        .register_applicant(&org(USCC), &new_user)
        .await
        .unwrap();

    assert_eq!(organisation.uscc, USCC);
    assert_eq!(organisation.name, "济南智算科技有限公司");
    assert_eq!(organisation.region, "370102");
    assert_eq!(organisation.created_at, 1_000);
    assert_eq!(created.organisation_id, Some(organisation.id));
    assert_eq!(created.role, Role::Applicant);
    assert_eq!(created.password_changed_at, created.created_at);

    let by_id = db.store.organisation(organisation.id).await.unwrap();
    assert_eq!(by_id.as_ref(), Some(&organisation));
    let by_uscc = db.store.organisation_by_uscc(USCC).await.unwrap();
    assert_eq!(by_uscc, Some(organisation));
    assert_eq!(
        db.store.user(created.id).await.unwrap().as_ref(),
        Some(&created)
    );
    let by_name = db.store.user_by_username("applicant1").await.unwrap();
    assert_eq!(by_name, Some(created));

    assert_eq!(db.store.organisation(-1).await.unwrap(), None);
    assert_eq!(
        db.store.organisation_by_uscc(OTHER_USCC).await.unwrap(),
        None
    );
    assert_eq!(db.store.user(-1).await.unwrap(), None);
    assert_eq!(db.store.user_by_username("nobody").await.unwrap(), None);
}

/// Registering a USCC that another account has registered is not refused (a refusal would
/// tell a stranger who has registered): it gets an organisation of its own, the two see each
/// other as sharing a code, and the first stays what `organisation_by_uscc` finds.
async fn a_registered_uscc_can_register_again_as_an_organisation_of_its_own(db: TestDb) {
    let (first, first_user) = db
        .store
        .register_applicant(&org(USCC), &user("first", Role::Applicant))
        .await
        .unwrap();
    let (second, second_user) = db
        .store
        .register_applicant(&org(USCC), &user("second", Role::Applicant))
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(first_user.organisation_id, Some(first.id));
    assert_eq!(second_user.organisation_id, Some(second.id));
    assert_eq!(
        db.store.organisation_by_uscc(USCC).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        db.store
            .organisations_sharing_uscc(first.id, 10)
            .await
            .unwrap(),
        vec![second.clone()]
    );
    assert_eq!(
        db.store
            .organisations_sharing_uscc(second.id, 10)
            .await
            .unwrap(),
        vec![first]
    );
    let (lone, _) = db
        .store
        .register_applicant(&org(OTHER_USCC), &user("third", Role::Applicant))
        .await
        .unwrap();
    assert!(
        db.store
            .organisations_sharing_uscc(lone.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_taken_username_in_registration_leaves_no_organisation_behind(db: TestDb) {
    db.store
        .register_applicant(&org(USCC), &user("taken", Role::Applicant))
        .await
        .unwrap();
    let again = db
        .store
        .register_applicant(&org(OTHER_USCC), &user("taken", Role::Applicant))
        .await;
    assert_conflict(again, "users.username");
    // The organisation insert succeeded inside the transaction and must have been rolled back.
    assert_eq!(
        db.store.organisation_by_uscc(OTHER_USCC).await.unwrap(),
        None
    );
    // The store is still usable after the failed transaction.
    db.store
        .register_applicant(&org(OTHER_USCC), &user("fresh", Role::Applicant))
        .await
        .unwrap();
}

async fn a_taken_username_is_a_conflict(db: TestDb) {
    db.store
        .create_user(&user("admin", Role::Admin))
        .await
        .unwrap();
    assert_conflict(
        db.store.create_user(&user("admin", Role::Expert)).await,
        "users.username",
    );
}

async fn every_role_and_scope_round_trips(db: TestDb) {
    for role in Role::ALL {
        let mut new_user = user(role.as_str(), role);
        if role == Role::Bureau {
            new_user.scope_region = Some("370100".to_owned());
            new_user.scope_sector = Some("I65".to_owned());
        }
        let created = db.store.create_user(&new_user).await.unwrap();
        let stored = db.store.user(created.id).await.unwrap().unwrap();
        assert_eq!(stored.role, role);
        assert_eq!(stored.username, role.as_str());
        assert_eq!(stored.display_name, "张三");
        assert_eq!(stored.password_hash, new_user.password_hash);
        assert_eq!(stored.scope_region, new_user.scope_region);
        assert_eq!(stored.scope_sector, new_user.scope_sector);
        assert_eq!(stored.organisation_id, None);
    }
}

async fn a_user_with_an_unknown_organisation_is_refused(db: TestDb) {
    let mut new_user = user("orphan", Role::Applicant);
    new_user.organisation_id = Some(4242);
    let result = db.store.create_user(&new_user).await;
    assert!(
        matches!(result, Err(StoreError::Other(_))),
        "foreign keys must be enforced, got {result:?}"
    );
}

async fn setting_a_password_replaces_the_hash_and_records_when(db: TestDb) {
    let created = db.store.create_user(&user("u", Role::Owner)).await.unwrap();
    db.store
        .set_password(created.id, "$argon2id$new", 5_000)
        .await
        .unwrap();
    let stored = db.store.user(created.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "$argon2id$new");
    assert_eq!(stored.password_changed_at, 5_000);
    assert_eq!(stored.created_at, 1_000);
    assert!(matches!(
        db.store.set_password(-1, "x", 5_000).await,
        Err(StoreError::NotFound)
    ));
}

// ---------------------------------------------------------------------------------------------
// Sessions and login failures

async fn a_session_lives_until_it_expires_and_touching_extends_it(db: TestDb) {
    let owner = db
        .store
        .create_user(&user("u", Role::Expert))
        .await
        .unwrap();
    db.store
        .create_session(&session("tok-a", owner.id, 1_000, 2_000))
        .await
        .unwrap();

    let found = db.store.session("tok-a", 1_500).await.unwrap().unwrap();
    assert_eq!(found.user_id, owner.id);
    assert_eq!(found.csrf_token, "csrf-tok-a");
    assert_eq!(
        (found.created_at, found.expires_at, found.last_seen_at),
        (1_000, 2_000, 1_000)
    );
    assert_eq!(db.store.session("tok-a", 2_000).await.unwrap(), None);
    assert_eq!(db.store.session("missing", 1_500).await.unwrap(), None);

    db.store.touch_session("tok-a", 1_900, 3_900).await.unwrap();
    let touched = db.store.session("tok-a", 2_500).await.unwrap().unwrap();
    assert_eq!((touched.last_seen_at, touched.expires_at), (1_900, 3_900));
    db.store
        .touch_session("missing", 1_900, 3_900)
        .await
        .unwrap();

    db.store
        .create_session(&session("tok-b", owner.id, 1_000, 1_500))
        .await
        .unwrap();
    assert_eq!(db.store.delete_expired_sessions(3_000).await.unwrap(), 1);
    assert!(db.store.session("tok-a", 3_000).await.unwrap().is_some());
    assert_eq!(db.store.delete_expired_sessions(3_000).await.unwrap(), 0);

    db.store.delete_session("tok-a").await.unwrap();
    assert_eq!(db.store.session("tok-a", 3_000).await.unwrap(), None);
    db.store.delete_session("tok-a").await.unwrap();
}

async fn a_reused_session_token_is_a_conflict(db: TestDb) {
    let owner = db.store.create_user(&user("u", Role::Admin)).await.unwrap();
    db.store
        .create_session(&session("same", owner.id, 1_000, 2_000))
        .await
        .unwrap();
    assert_conflict(
        db.store
            .create_session(&session("same", owner.id, 1_000, 2_000))
            .await,
        "sessions.id",
    );
}

async fn deleting_other_sessions_keeps_the_current_one(db: TestDb) {
    let alice = db
        .store
        .create_user(&user("alice", Role::Bureau))
        .await
        .unwrap();
    let bob = db
        .store
        .create_user(&user("bob", Role::Bureau))
        .await
        .unwrap();
    for id in ["a1", "a2", "a3"] {
        db.store
            .create_session(&session(id, alice.id, 1_000, 9_000))
            .await
            .unwrap();
    }
    db.store
        .create_session(&session("b1", bob.id, 1_000, 9_000))
        .await
        .unwrap();

    db.store
        .delete_other_sessions(alice.id, "a2")
        .await
        .unwrap();

    assert_eq!(db.store.session("a1", 2_000).await.unwrap(), None);
    assert!(db.store.session("a2", 2_000).await.unwrap().is_some());
    assert_eq!(db.store.session("a3", 2_000).await.unwrap(), None);
    assert!(db.store.session("b1", 2_000).await.unwrap().is_some());
}

async fn login_failures_are_counted_inside_the_window(db: TestDb) {
    for at in [1_000, 2_000, 3_000] {
        db.store
            .record_login_failure("user:alice", at)
            .await
            .unwrap();
    }
    db.store
        .record_login_failure("ip:10.0.0.1", 2_500)
        .await
        .unwrap();

    let count = |key: &'static str, since: i64| {
        let store = db.store.clone();
        async move { store.login_failures_since(key, since).await.unwrap() }
    };
    assert_eq!(count("user:alice", 0).await, 3);
    assert_eq!(count("user:alice", 2_000).await, 2);
    assert_eq!(count("user:alice", 3_001).await, 0);
    assert_eq!(count("ip:10.0.0.1", 0).await, 1);
    assert_eq!(count("user:nobody", 0).await, 0);
    assert_eq!(
        db.store
            .login_failure_stats("user:alice", 1_500)
            .await
            .unwrap(),
        (2, Some(3_000))
    );
    assert_eq!(
        db.store
            .login_failure_stats("user:nobody", 0)
            .await
            .unwrap(),
        (0, None)
    );

    assert_eq!(db.store.prune_login_failures(2_000).await.unwrap(), 1);
    assert_eq!(count("user:alice", 0).await, 2);

    db.store.clear_login_failures("user:alice").await.unwrap();
    assert_eq!(count("user:alice", 0).await, 0);
    assert_eq!(count("ip:10.0.0.1", 0).await, 1);
}

// ---------------------------------------------------------------------------------------------
// Audit log and calls

async fn the_audit_log_pages_newest_first_by_id(db: TestDb) {
    for i in 0..25_i64 {
        db.store
            .audit(&NewAuditEntry {
                at: 10_000 + i,
                actor_user_id: (i % 2 == 0).then_some(i),
                actor_ip: Some("127.0.0.1".to_owned()),
                action: format!("test.event{i}"),
                target_kind: Some("user".to_owned()),
                target_id: Some(i.to_string()),
                detail: (i == 24).then(|| r#"{"note":"最后一条"}"#.to_owned()),
            })
            .await
            .unwrap();
    }

    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = db.store.audit_page(before, 10).await.unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|row| row.id);
        pages.push(page);
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5]);

    let all: Vec<_> = pages.concat();
    assert!(
        all.windows(2).all(|w| w[0].id > w[1].id),
        "ids strictly decrease"
    );
    let actions: Vec<&str> = all.iter().map(|row| row.action.as_str()).collect();
    let expected: Vec<String> = (0..25).rev().map(|i| format!("test.event{i}")).collect();
    assert_eq!(actions, expected);

    let newest = &all[0];
    assert_eq!(newest.at, 10_024);
    assert_eq!(newest.actor_user_id, Some(24));
    assert_eq!(newest.actor_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(newest.target_kind.as_deref(), Some("user"));
    assert_eq!(newest.target_id.as_deref(), Some("24"));
    assert_eq!(newest.detail.as_deref(), Some(r#"{"note":"最后一条"}"#));
    assert_eq!(all[1].actor_user_id, None);
    assert_eq!(all[1].detail, None);

    assert!(db.store.audit_page(None, 0).await.unwrap().is_empty());
    assert!(db.store.audit_page(None, -5).await.unwrap().is_empty());
}

async fn storing_a_call_keeps_every_version_and_numbers_only_changes(db: TestDb) {
    let store = &db.store;
    assert!(store.calls().await.unwrap().is_empty());
    let v = store
        .store_call(
            "sd-2024-llm-cases",
            "id = \"sd\"\n",
            "builtin",
            None,
            Some("2024-06-30"),
            shenbao_core::call::CallState::Collecting,
            1_000,
        )
        .await
        .unwrap();
    assert_eq!(v, 1);
    store
        .store_call(
            "hn-2025-ai",
            "id = \"hn\"\n",
            "folder",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            1_000,
        )
        .await
        .unwrap();
    // The same text again is the same version; a changed text is the next one.
    let same = store
        .store_call(
            "sd-2024-llm-cases",
            "id = \"sd\"\n",
            "builtin",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            1_500,
        )
        .await
        .unwrap();
    assert_eq!(same, 1);
    let v2 = store
        .store_call(
            "sd-2024-llm-cases",
            "id = \"sd\"\n# v2\n",
            "folder",
            None,
            None,
            shenbao_core::call::CallState::Collecting,
            2_000,
        )
        .await
        .unwrap();
    assert_eq!(v2, 2);

    let calls = store.calls().await.unwrap();
    let ids: Vec<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["hn-2025-ai", "sd-2024-llm-cases"]);
    let sd = &calls[1];
    assert_eq!((sd.source.as_str(), sd.version), ("id = \"sd\"\n# v2\n", 2));
    assert_eq!(sd.demo_deadline, None);
    assert_eq!(sd.loaded_at, 2_000);
    // Version 1 stays, word for word.
    let v1 = store
        .call_version("sd-2024-llm-cases", 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (v1.source.as_str(), v1.origin.as_str()),
        ("id = \"sd\"\n", "builtin")
    );
    assert_eq!(
        store.call_version_keys().await.unwrap(),
        [
            ("hn-2025-ai".to_string(), 1),
            ("sd-2024-llm-cases".to_string(), 1),
            ("sd-2024-llm-cases".to_string(), 2)
        ]
    );
    store
        .store_call(
            "hn-2025-ai",
            "id = \"hn\"\n",
            "folder",
            None,
            Some("2025-12-31"),
            shenbao_core::call::CallState::Collecting,
            3_000,
        )
        .await
        .unwrap();
    let calls = store.calls().await.unwrap();
    assert_eq!(calls[0].demo_deadline.as_deref(), Some("2025-12-31"));
    assert_eq!((calls[0].loaded_at, calls[0].version), (3_000, 1));
}

shenbao_store::on_both_databases!(
    registering_an_applicant_stores_the_organisation_and_its_user,
    a_registered_uscc_can_register_again_as_an_organisation_of_its_own,
    a_taken_username_in_registration_leaves_no_organisation_behind,
    a_taken_username_is_a_conflict,
    every_role_and_scope_round_trips,
    a_user_with_an_unknown_organisation_is_refused,
    setting_a_password_replaces_the_hash_and_records_when,
    a_session_lives_until_it_expires_and_touching_extends_it,
    a_reused_session_token_is_a_conflict,
    deleting_other_sessions_keeps_the_current_one,
    login_failures_are_counted_inside_the_window,
    the_audit_log_pages_newest_first_by_id,
    storing_a_call_keeps_every_version_and_numbers_only_changes,
);
