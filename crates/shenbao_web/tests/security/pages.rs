//! Every page: security headers, the second factor, the guards, hashing off the request threads.

use super::*;

async fn every_response_carries_the_security_headers(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let b = app.browser();
    for path in [
        "/",
        "/assets/app.js",
        "/nope",
        "/login",
        "/regions/370100",
        "/account",
    ] {
        let r = b.get(app.url(path)).send().await.expect("get");
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: no inline script");
        assert_eq!(h.get("x-content-type-options").expect(path), "nosniff");
        assert_eq!(h.get("referrer-policy").expect(path), "same-origin");
    }
    // No page of the site has an inline script or style left for the policy to block.
    let (_, html) = app.get(&b, "/register").await;
    assert!(!html.contains("<script>") && !html.contains("style=\""));
    // Plain http: no Secure flag (the browser would drop the cookie).
    let r = b.get(app.url("/login")).send().await.expect("get");
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(!cookie.contains("Secure"), "{cookie}");
    // Served as https (or forced): both cookies are Secure.
    let secure = App::start_with(
        db.store,
        false,
        WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        },
        ServeOptions::default(),
    )
    .await;
    let b = secure.browser();
    let r = b.get(secure.url("/register")).send().await.expect("get");
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

async fn staff_with_a_required_second_factor_log_in_with_a_code(db: TestDb) {
    use shenbao_web::second_factor::code_at;
    let config = WebConfig {
        second_factor_roles: vec![shenbao_store::Role::Owner],
        ..WebConfig::default()
    };
    let app = App::start_with(db.store, false, config, ServeOptions::default()).await;
    app.store
        .create_user(&shenbao_store::NewUser {
            username: "ting".into(),
            password_hash: shenbao_web::auth::hash_password(PASSWORD).expect("hash"),
            display_name: "省厅".into(),
            role: shenbao_store::Role::Owner,
            organisation_id: None,
            scope_region: None,
            scope_sector: None,
            email: None,
            created_at: common::NOW,
        })
        .await
        .expect("owner");
    let now = || app.clock.load(Ordering::SeqCst);
    // Without a second factor the owner can do nothing but set one up.
    let b = app.browser();
    assert_eq!(
        app.login(&b, "ting", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = b.get(app.url("/owner")).send().await.expect("owner page");
    assert_eq!(location(&r), "/account/second-factor");
    let (status, html) = app.get(&b, "/account/second-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("管理员要求本类账号启用第二重验证"));
    assert!(html.contains("data:image/svg+xml"), "a QR code");
    let secret = between(&html, "id=\"totp-secret\">").to_string();
    assert_eq!(secret.len(), 32, "a 160-bit base32 secret: {secret}");
    let post = |b: reqwest::Client, path: &'static str, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let (_, html) = app.get(&b, "/account/second-factor").await;
            let mut all = vec![("csrf", csrf_of(&html))];
            all.extend(fields);
            b.post(app.url(path)).form(&all).send().await.expect("post")
        }
    };
    let r = post(
        b.clone(),
        "/account/second-factor",
        vec![("action", "enable".into()), ("code", "000000".into())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("动态口令不正确"));
    let first = code_at(&secret, now()).expect("code");
    let r = post(
        b.clone(),
        "/account/second-factor",
        vec![("action", "enable".into()), ("code", first.clone())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("body");
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .filter_map(|p| p.split('<').next())
        .map(str::to_string)
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes shown once");
    assert_eq!(
        app.get(&b, "/owner").await.0,
        StatusCode::OK,
        "now the owner works"
    );
    let (_, html) = app.get(&b, "/account/second-factor").await;
    assert!(!html.contains(&codes[0]), "the codes are not shown again");
    assert!(html.contains("不能停用"), "the role may not switch it off");

    // The next login asks for a code after the password; no session before it.
    let b = app.browser();
    let r = app.login(&b, "ting", PASSWORD).await;
    assert!(
        location(&r).starts_with("/login/second-factor"),
        "{}",
        location(&r)
    );
    assert_eq!(
        location(&b.get(app.url("/owner")).send().await.expect("get")),
        "/login?next=/owner",
        "not logged in yet"
    );
    let step = |b: reqwest::Client, code: String| {
        let app = &app;
        async move {
            let (_, html) = app.get(&b, "/login").await;
            b.post(app.url("/login/second-factor"))
                .form(&[
                    ("csrf", csrf_of(&html).as_str()),
                    ("code", code.as_str()),
                    ("next", "/owner"),
                ])
                .send()
                .await
                .expect("post")
        }
    };
    let r = step(b.clone(), first.clone()).await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a code is used only once"
    );
    app.clock.fetch_add(30_000, Ordering::SeqCst);
    let r = step(b.clone(), code_at(&secret, now()).expect("code")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/owner");
    assert_eq!(app.get(&b, "/owner").await.0, StatusCode::OK);

    // A recovery code works once instead of the phone.
    for (attempt, expected) in [(0, StatusCode::SEE_OTHER), (1, StatusCode::UNAUTHORIZED)] {
        let b = app.browser();
        app.login(&b, "ting", PASSWORD).await;
        let r = step(b.clone(), codes[0].to_uppercase()).await;
        assert_eq!(r.status(), expected, "recovery code, attempt {attempt}");
    }
    // A login left waiting too long must start again.
    let b = app.browser();
    app.login(&b, "ting", PASSWORD).await;
    app.clock.fetch_add(6 * 60 * 1000, Ordering::SeqCst);
    let r = step(b.clone(), code_at(&secret, now()).expect("code")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("body").contains("登录已超时"));
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"second_factor_enabled".to_string()));
    assert!(actions.contains(&"second_factor_failed".to_string()));
}

/// The guards in the handlers' signatures (`guard::SignedIn`, `guard::Posted`): a page asks
/// for a login and comes back to itself, query included; a form is refused for its CSRF token
/// before anyone is asked to log in, and a login asked for by a form comes back to the page the
/// form was on; a user of another role is refused.
async fn guards_send_a_login_back_to_the_page_that_asked_for_it(db: TestDb) {
    let app = App::start(db.store, false).await;
    let b = app.browser();
    let page = "/review/qz-2024-ai-industry/ranking?direction=x";
    let r = b.get(app.url(page)).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a page for bureaus");
    assert_eq!(
        location(&r),
        "/login?next=/review/qz-2024-ai-industry/ranking%3Fdirection%3Dx"
    );

    let (_, login) = app.get(&b, "/login").await;
    let anonymous_token = csrf_of(&login);
    let forged = b
        .post(app.url("/applications/1/withdraw"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(
        forged.status(),
        StatusCode::FORBIDDEN,
        "the token comes first"
    );
    let posted = b
        .post(app.url("/applications/1/withdraw"))
        .header("referer", app.url("/applications/1?tab=history"))
        .form(&[("csrf", anonymous_token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&posted),
        "/login?next=/applications/1%3Ftab%3Dhistory",
        "back to the page the form was on"
    );
    let elsewhere = b
        .post(app.url("/applications/1/withdraw"))
        .header("referer", "https://evil.example/applications/1")
        .form(&[("csrf", anonymous_token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(
        location(&elsewhere),
        "/login?next=/",
        "never to another site"
    );

    app.register(&b, USCC, "lisi").await;
    let (status, _) = app.get(&b, page).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an applicant on a bureau page"
    );
    let (status, _) = app.get(&b, "/applications").await;
    assert_eq!(status, StatusCode::OK, "the applicant's own page");
}

/// Finding 3: 16 clients registering pushed a static asset from 5.6 ms to 748 ms median,
/// because Argon2 ran on the threads that serve every request. The server here runs on one
/// worker thread, and the test reads how long that thread was busy (tokio's own runtime
/// metrics, not a clock around requests) while clients register: once with registrations that
/// stop before the hash (the confirmation differs), once with registrations that hash. The
/// difference is what hashing cost the request thread. Before the fix it was the whole cost of
/// the hashes (measured beside it on this thread); now the hashes run on the blocking pool and
/// the difference is the few database writes of a new account. Measured here with 16 clients:
/// hashing on the request thread cost it 313–343 ms against a limit of about 120 ms (a quarter
/// of the 16 hashes' 460–530 ms); now nothing (a registration that succeeds renders less than
/// one that is refused).
#[test]
fn password_hashing_leaves_the_request_threads_free() {
    const CLIENTS: usize = 16;
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let metrics = server.handle().metrics();
    let (base_tx, base_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serving = std::thread::spawn(move || {
        server.block_on(shenbao_store::testing::run_sqlite(|db| async move {
            let app = App::start(db.store, false).await;
            base_tx.send(app.base.clone()).expect("base");
            let _ = stop_rx.await;
        }));
    });
    let base = base_rx.recv().expect("server started");
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    let crowd = |round: &'static str, confirm: &'static str| {
        let base = base.clone();
        async move {
            let mut clients = Vec::new();
            for i in 0..CLIENTS {
                let base = base.clone();
                clients.push(tokio::spawn(async move {
                    let b = reqwest::Client::builder()
                        .cookie_store(true)
                        .redirect(reqwest::redirect::Policy::none())
                        .local_address(
                            format!("127.0.4.{}", i + 1)
                                .parse::<std::net::IpAddr>()
                                .expect("ip"),
                        )
                        .build()
                        .expect("client");
                    let name = format!("{round}{i}");
                    post_registration(&b, &base, &name, confirm).await
                }));
            }
            let mut statuses = Vec::new();
            for c in clients {
                statuses.push(c.await.expect("client"));
            }
            statuses
        }
    };
    // The worker adds up its busy time when it parks. After a crowd, one small request wakes it
    // once more; when it has parked after that, every figure is in. (The sleeps only wait for
    // that; they measure nothing.)
    let asset = format!("{base}/assets/app.css");
    let busy = || async {
        let parked = metrics.worker_park_count(0);
        reqwest::get(asset.as_str()).await.expect("asset");
        while metrics.worker_park_count(0) <= parked {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        metrics.worker_total_busy_duration(0)
    };
    let (hashing, without, with) = client.block_on(async {
        let started = std::time::Instant::now();
        for _ in 0..CLIENTS {
            shenbao_web::auth::hash_password(PASSWORD).expect("hash");
        }
        let hashing = started.elapsed();
        let before = busy().await;
        let statuses = crowd("nohash", "不一样的确认密码").await;
        let without = busy().await - before;
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
            "{statuses:?}"
        );
        let before = busy().await;
        let statuses = crowd("hash", PASSWORD).await;
        let with = busy().await - before;
        assert!(
            statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
            "{statuses:?}"
        );
        (hashing, without, with)
    });
    let _ = stop_tx.send(());
    serving.join().expect("server thread");
    let cost = with.saturating_sub(without);
    eprintln!(
        "{CLIENTS} hashes: {hashing:?} on a thread of their own; request thread busy {without:?} \
         without hashing, {with:?} with"
    );
    assert!(
        cost < hashing / 4,
        "registering kept the request thread busy {cost:?} longer than registrations that do \
         not hash; {CLIENTS} hashes take {hashing:?}: the hashing ran on the request thread"
    );
}

shenbao_store::on_both_databases!(
    every_response_carries_the_security_headers,
    staff_with_a_required_second_factor_log_in_with_a_code,
    guards_send_a_login_back_to_the_page_that_asked_for_it,
);
