//! Logins: where they go, throttling, trusted proxies, passwords and registration.

use super::*;

async fn login_goes_only_to_paths_of_this_site(db: TestDb) {
    let app = App::start(db.store, false).await;
    let b = app.browser();
    app.register(&b, USCC, "lisi").await;
    let lisi = app.login_name(&b).await;
    let (_, html) = app.get(&b, "/account").await;
    b.post(app.url("/logout"))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .expect("logout");
    // The login page does not carry the hostile path into its form.
    let (_, html) = app.get(&b, "/login?next=%2F%09%2Fevil.example").await;
    assert!(!html.contains("evil.example"), "the next path was dropped");
    for (next, expected) in [
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/%0Aevil", "/%0Aevil"),
        ("/\nSet-Cookie: x=1", "/Set-Cookie:%20x=1"),
        ("/review/qz?status=x#top", "/review/qz?status=x#top"),
    ] {
        let r = app
            .submit(
                &b,
                "/login",
                "/login",
                &[
                    ("username", lisi.as_str()),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?} logs in");
        assert_eq!(location(&r), expected, "after login with next={next:?}");
        let (_, html) = app.get(&b, "/account").await;
        b.post(app.url("/logout"))
            .form(&[("csrf", csrf_of(&html))])
            .send()
            .await
            .expect("logout");
    }
}

async fn a_stranger_guessing_slows_himself_and_never_locks_the_owner_out(db: TestDb) {
    let app = App::start(db.store, false).await;
    let owner = app.browser_from("127.0.0.1");
    app.register(&owner, USCC, "lisi").await;
    let lisi = app.login_name(&owner).await;
    let owner = app.browser_from("127.0.0.1");
    let stranger = app.browser_from("127.0.0.2");
    // Three free failures, then growing delays for the stranger: 1 s, 2 s, 4 s…
    for _ in 0..3 {
        assert_eq!(
            try_login(&app, &stranger, lisi.as_str(), "guess-guess")
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        try_login(&app, &stranger, lisi.as_str(), "guess-guess")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, retry) = try_login(&app, &stranger, lisi.as_str(), "guess-guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "too early");
    assert_eq!(retry, "1");
    // An attempt made too early does not count: after the wait, one more guess is allowed.
    app.clock.fetch_add(1_000, Ordering::SeqCst);
    assert_eq!(
        try_login(&app, &stranger, lisi.as_str(), "guess-guess")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, retry) = try_login(&app, &stranger, lisi.as_str(), PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(retry, "2", "the delay doubled");
    // The owner, elsewhere, logs in at once with the right password (it used to be 429).
    let (status, _) = try_login(&app, &owner, lisi.as_str(), PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the owner is not locked out");
    // Many strangers guessing from everywhere slow the account by 30 s at the most.
    for i in 0..40 {
        let b = app.browser_from(&format!("127.0.3.{}", i + 1));
        try_login(&app, &b, lisi.as_str(), "guess-guess").await;
        app.clock.fetch_add(100, Ordering::SeqCst);
    }
    let owner = app.browser_from("127.0.0.1");
    let (status, retry) = try_login(&app, &owner, lisi.as_str(), PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = retry.parse().expect("seconds");
    assert!(retry <= 30, "at most 30 s for the owner, got {retry}");
    app.clock.fetch_add(30_000, Ordering::SeqCst);
    assert_eq!(
        try_login(&app, &owner, lisi.as_str(), PASSWORD).await.0,
        StatusCode::SEE_OTHER
    );
    let page = app
        .submit(
            &stranger,
            "/login",
            "/login",
            &[("username", lisi.as_str()), ("password", "x")],
        )
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("尝试次数过多") || page.contains("用户名或密码不正确"),
        "the answer is in Chinese"
    );
}

async fn forwarded_addresses_count_only_from_trusted_proxies(db: TestDb) {
    let config = WebConfig {
        trusted_proxies: TrustedProxies::parse("127.0.0.1").expect("list"),
        ..WebConfig::default()
    };
    let app = App::start_with(db.store, false, config, ServeOptions::default()).await;
    let b = app.browser();
    app.register(&b, USCC, "lisi").await;
    let lisi = app.login_name(&b).await;
    // Behind the proxy (127.0.0.1), a stranger (198.51.100.1) fails five times.
    let via_proxy = |client: &'static str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().expect("header"));
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address("127.0.0.1".parse::<std::net::IpAddr>().expect("ip"))
            .default_headers(headers)
            .build()
            .expect("client")
    };
    let stranger = via_proxy("198.51.100.1");
    for _ in 0..5 {
        try_login(&app, &stranger, lisi.as_str(), "guess-guess").await;
    }
    assert_eq!(
        try_login(&app, &stranger, lisi.as_str(), "guess-guess")
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The owner behind the same proxy is another client.
    let owner = via_proxy("198.51.100.2");
    assert_eq!(
        try_login(&app, &owner, lisi.as_str(), PASSWORD).await.0,
        StatusCode::SEE_OTHER,
        "the proxy's address is not the client's"
    );
    // A client that is not a trusted proxy cannot choose the address it is counted under.
    let mut forged = reqwest::header::HeaderMap::new();
    forged.insert("x-forwarded-for", "203.0.113.77".parse().expect("header"));
    let direct = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().expect("ip"))
        .default_headers(forged)
        .build()
        .expect("client");
    for _ in 0..4 {
        try_login(&app, &direct, lisi.as_str(), "guess-guess").await;
    }
    assert_eq!(
        try_login(&app, &direct, lisi.as_str(), "guess-guess")
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS,
        "counted under its own address"
    );
    let audit = app.store.audit_page(None, 200).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.actor_ip.as_deref() == Some("198.51.100.1")),
        "the audit log records the client behind the proxy"
    );
    assert!(
        audit
            .iter()
            .any(|e| e.actor_ip.as_deref() == Some("127.0.0.2")),
        "a direct client is recorded under its socket's address"
    );
    assert!(
        !audit
            .iter()
            .any(|e| e.actor_ip.as_deref() == Some("203.0.113.77")),
        "never a forged address"
    );
}

async fn passwords_that_are_easy_to_guess_are_refused_with_the_reason(db: TestDb) {
    let app = App::start(db.store, false).await;
    let register = |password: &'static str| {
        let app = &app;
        async move {
            let b = app.browser();
            let r = app
                .submit(
                    &b,
                    "/register",
                    "/register",
                    &[
                        ("uscc", USCC),
                        ("org_name", "济南测试科技有限公司"),
                        ("region", "370102"),
                        ("contact", "张三"),
                        ("username", "zhangsan"),
                        ("password", password),
                        ("confirm", password),
                    ],
                )
                .await;
            (r.status(), r.text().await.expect("body"))
        }
    };
    for (password, reason) in [
        ("11111111", "重复的字符"),
        ("        ", "重复的字符"),
        ("12345678", "常见密码"),
        ("password", "常见密码"),
        ("zhangsan2024", "用户名"),
        ("short", "至少8位"),
    ] {
        let (status, html) = register(password).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password:?} refused"
        );
        assert!(
            html.contains(reason),
            "{password:?}: the reason names {reason}"
        );
    }
    assert!(
        !app.audit_actions().await.contains(&"register".to_string()),
        "no account was made"
    );
    let (status, _) = register("蓝色-长江-晚霞-17").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "a passphrase is fine");
}

async fn registration_tells_strangers_nothing_and_is_throttled(db: TestDb) {
    let app = App::start(db.store, false).await;
    let b = app.browser_from("127.0.0.1");
    app.register(&b, USCC, "lisi").await;
    let lisi = app.login_name(&b).await;
    let register = |b: reqwest::Client, uscc: &'static str, username: &'static str| {
        let app = &app;
        async move {
            let r = app
                .submit(
                    &b,
                    "/register",
                    "/register",
                    &[
                        ("uscc", uscc),
                        ("org_name", "某某公司"),
                        ("region", "370102"),
                        ("contact", "某人"),
                        ("username", username),
                        ("password", PASSWORD),
                        ("confirm", PASSWORD),
                    ],
                )
                .await;
            (r.status(), location(&r))
        }
    };
    let stranger = app.browser_from("127.0.0.2");
    // A registered USCC with a new name, a new USCC with a name already chosen, and both new:
    // the same answer, and an account of its own each time.
    let mut answers = Vec::new();
    for (uscc, name) in [
        (USCC, "newname1"),
        ("91430104MA3DEM043J", "lisi"),
        ("91440300708461136T", "newname3"),
    ] {
        let b = app.browser_from("127.0.0.2");
        answers.push(register(b.clone(), uscc, name).await);
        let given = app.login_name(&b).await;
        assert!(given.starts_with(&format!("{name}-")), "{given}");
        assert_ne!(given, lisi);
    }
    assert!(
        answers
            .iter()
            .all(|a| *a == (StatusCode::SEE_OTHER, "/account?welcome=1".to_string())),
        "the same answer whatever has registered before: {answers:?}"
    );
    // Registration attempts from one address are slowed after ten.
    let mut last = StatusCode::OK;
    for _ in 0..10 {
        last = register(stranger.clone(), USCC, "newname2").await.0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Someone else still registers.
    let other = app.browser_from("127.0.0.3");
    let (status, _) = register(other, "91430104MA3DEM043J", "wangwu").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn wrong_old_passwords_are_slowed_down(db: TestDb) {
    let app = App::start(db.store, false).await;
    let b = app.browser();
    app.register(&b, USCC, "lisi").await;
    let change = |old: &'static str| {
        let (app, b) = (&app, &b);
        async move {
            app.submit(
                b,
                "/account/password",
                "/account/password",
                &[
                    ("old", old),
                    ("new", "蓝色-长江-晚霞-17"),
                    ("confirm", "蓝色-长江-晚霞-17"),
                ],
            )
            .await
            .status()
        }
    };
    for _ in 0..4 {
        assert_eq!(
            change("guess-guess").await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(change(PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    app.clock.fetch_add(2_000, Ordering::SeqCst);
    assert_eq!(change(PASSWORD).await, StatusCode::SEE_OTHER);
    // The new password must be strong too.
    let r = app
        .submit(
            &b,
            "/account/password",
            "/account/password",
            &[
                ("old", "蓝色-长江-晚霞-17"),
                ("new", "11111111"),
                ("confirm", "11111111"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("密码太容易被猜到"));
}

shenbao_store::on_both_databases!(
    login_goes_only_to_paths_of_this_site,
    a_stranger_guessing_slows_himself_and_never_locks_the_owner_out,
    forwarded_addresses_count_only_from_trusted_proxies,
    passwords_that_are_easy_to_guess_are_refused_with_the_reason,
    registration_tells_strangers_nothing_and_is_throttled,
    wrong_old_passwords_are_slowed_down,
);
