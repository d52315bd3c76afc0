//! Notifications end to end, on both databases: the inbox pages and header badge over HTTP,
//! the notification e-mail address on the account page, and e-mail through a real SMTP server
//! (`mailin-embedded`, on a random loopback port) with failures, retries and back-off.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{App, NOW, location};
use mailin_embedded::{Handler, Response, Server, response};
use reqwest::StatusCode;
use shenbao_store::Store;
use shenbao_store::testing::TestDb;
use shenbao_web::Notifier;
use shenbao_web::notify::{Mailer, Notice, SmtpSettings, deliver_due, spawn_mail_worker};

const USCC_A: &str = "91370102MA3DEM0015";
const USCC_B: &str = "91350502MA3DEM003P";

shenbao_store::on_both_databases!(
    notices_show_in_the_inbox_with_a_badge_and_are_marked_read,
    the_inbox_pages_by_twenty_newest_first,
    the_notification_email_is_validated_set_and_cleared,
    notices_are_mailed_to_users_with_an_address,
    a_failed_delivery_is_retried_later_with_back_off,
    concurrent_senders_deliver_each_mail_once,
    the_worker_delivers_queued_mail,
    notifying_never_fails_the_caller,
    the_sweeper_delivers_what_a_crash_left_in_the_outbox_once,
);

// ---------------------------------------------------------------------------------------------
// Helpers

fn notice(title: &str, link: Option<&str>) -> Notice {
    Notice {
        title: title.to_string(),
        body: format!("{title}：请登录查看。"),
        link: link.map(str::to_string),
    }
}

/// Registers applicant qiye_a in browser `b` with the address zhang@example.cn; its user id.
async fn applicant_with_mail(app: &App, b: &reqwest::Client) -> i64 {
    app.register(b, USCC_A, "qiye_a").await;
    let id = user_id(app, b).await;
    app.store
        .set_user_email(id, Some("zhang@example.cn"))
        .await
        .expect("email");
    id
}

/// The user id of the account logged in with `b`.
async fn user_id(app: &App, b: &reqwest::Client) -> i64 {
    app.store
        .user_by_username(&app.login_name(b).await)
        .await
        .expect("lookup")
        .expect("user exists")
        .id
}

/// The unread badge in the header of `html`, if shown.
fn badge(html: &str) -> Option<String> {
    let key = "class=\"count\"";
    let start = html.find(key)?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest.find('<')?;
    Some(rest[open..close].to_string())
}

/// One message the SMTP server accepted.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

/// Collects what the SMTP server receives (one clone per connection, one shared list).
#[derive(Clone, Default)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let received = Received {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        };
        self.inbox.lock().expect("lock").push(received);
        response::OK
    }
}

/// A real SMTP server on `port` (0 for any free one), serving on a thread of its own for
/// the rest of the test process (mailin-embedded has no shutdown). Returns its port and
/// what it receives.
fn start_smtp(port: u16) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP port");
    let port = listener.local_addr().expect("addr").port();
    let collector = Collector::default();
    let inbox = Arc::clone(&collector.inbox);
    let mut server = Server::new(collector);
    server.with_name("smtp.test").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, inbox)
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn mailer(port: u16) -> Mailer {
    Mailer::new(&SmtpSettings {
        url: format!("smtp://127.0.0.1:{port}"),
        from: "申报通 <noreply@example.cn>".to_string(),
    })
    .expect("valid SMTP settings")
}

/// The subject of a raw message, with RFC 2047 `=?utf-8?b?…?=` words decoded.
fn subject_of(data: &str) -> String {
    let mut lines = data.split("\r\n");
    let mut raw = String::new();
    while let Some(line) = lines.next() {
        if let Some(first) = line.strip_prefix("Subject:") {
            raw.push_str(first.trim());
            for more in lines.by_ref() {
                if !more.starts_with([' ', '\t']) {
                    break;
                }
                raw.push_str(more.trim());
            }
            break;
        }
    }
    let mut bytes = Vec::new();
    for word in raw.replace("?==?", "?= =?").split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && lower.ends_with("?=") {
            bytes.extend(base64(&word[10..word.len() - 2]));
        } else {
            bytes.extend_from_slice(word.as_bytes());
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Standard base64 (padding ignored); enough for encoded words.
fn base64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Waits until `inbox` holds `n` messages (at most 10 s).
async fn wait_for(inbox: &Arc<Mutex<Vec<Received>>>, n: usize) -> Vec<Received> {
    for _ in 0..200 {
        let got = inbox.lock().expect("lock").clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the SMTP server did not receive {n} message(s)");
}

// ---------------------------------------------------------------------------------------------
// Inbox

async fn notices_show_in_the_inbox_with_a_badge_and_are_marked_read(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let b = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    app.register(&b, USCC_B, "qiye_b").await;
    let (ida, idb) = (user_id(&app, &a).await, user_id(&app, &b).await);

    let (_, home) = app.get(&a, "/").await;
    assert_eq!(badge(&home), None, "no badge without unread notices");
    assert!(
        home.contains("href=\"/inbox\""),
        "the header links the inbox"
    );

    let notifier = Notifier::default();
    notifier
        .notify(
            &app.store,
            NOW,
            &[ida, ida, idb],
            &notice("申报已退回", Some("/applications")),
        )
        .await;
    notifier
        .notify(&app.store, NOW + 1, &[ida], &notice("评审结果已公示", None))
        .await;

    let (_, home) = app.get(&a, "/").await;
    assert_eq!(
        badge(&home).as_deref(),
        Some("2"),
        "duplicates are told once"
    );
    let (_, home_b) = app.get(&b, "/").await;
    assert_eq!(badge(&home_b).as_deref(), Some("1"));

    let (status, inbox) = app.get(&a, "/inbox").await;
    assert_eq!(status, StatusCode::OK);
    let newest = inbox.find("评审结果已公示").expect("second notice shown");
    let oldest = inbox.find("申报已退回").expect("first notice shown");
    assert!(newest < oldest, "newest first");
    assert!(inbox.contains("申报已退回：请登录查看。"));
    assert_eq!(inbox.matches("class=\"unread\"").count(), 2);
    assert!(inbox.contains("未读"));

    let page = app
        .store
        .notifications_page(ida, None, 10)
        .await
        .expect("page");
    let returned = page
        .iter()
        .find(|n| n.title == "申报已退回")
        .expect("row")
        .id;
    let published = page
        .iter()
        .find(|n| n.title == "评审结果已公示")
        .expect("row")
        .id;

    // Another user can neither read nor mark it.
    let r = app
        .submit(&b, "/inbox", &format!("/inbox/{returned}/read"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 2);
    let (_, inbox_b) = app.get(&b, "/inbox").await;
    assert!(!inbox_b.contains("评审结果已公示"));

    // Without the CSRF token nothing happens.
    let r = a
        .post(app.url(&format!("/inbox/{returned}/read")))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Opening one marks it read and follows its link.
    let r = app
        .submit(&a, "/inbox", &format!("/inbox/{returned}/read"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/applications");
    let (_, home) = app.get(&a, "/").await;
    assert_eq!(badge(&home).as_deref(), Some("1"));
    let (_, inbox) = app.get(&a, "/inbox").await;
    assert_eq!(inbox.matches("class=\"unread\"").count(), 1);
    assert!(inbox.contains("全部标为已读"));

    // One without a link goes back to the inbox.
    let r = app
        .submit(&a, "/inbox", &format!("/inbox/{published}/read"), &[])
        .await;
    assert_eq!(location(&r), "/inbox");
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 0);

    // Read-all.
    notifier
        .notify(&app.store, NOW + 2, &[ida], &notice("专家评审已开始", None))
        .await;
    notifier
        .notify(&app.store, NOW + 3, &[ida], &notice("请补充材料", None))
        .await;
    let r = app.submit(&a, "/inbox", "/inbox/read-all", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/inbox");
    let (_, home) = app.get(&a, "/").await;
    assert_eq!(badge(&home), None);
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 0);
    assert_eq!(app.store.unread_notifications(idb).await.expect("count"), 1);

    // Nobody logged in goes to the login page.
    let anon = app.browser();
    let r = anon.get(app.url("/inbox")).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
}

async fn the_inbox_pages_by_twenty_newest_first(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    let ida = user_id(&app, &a).await;
    let notifier = Notifier::default();
    for i in 1..=25 {
        notifier
            .notify(
                &app.store,
                NOW + i,
                &[ida],
                &notice(&format!("第{i:02}号通知"), None),
            )
            .await;
    }
    let (_, first) = app.get(&a, "/inbox").await;
    assert_eq!(first.matches("<li class=").count(), 20);
    assert!(first.contains("第25号通知") && first.contains("第06号通知"));
    assert!(!first.contains("第05号通知"));
    let key = "href=\"/inbox?before=";
    let start = first.find(key).expect("更早的消息 link") + key.len();
    let before: String = first[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(first.contains("更早的消息"));

    let (_, older) = app.get(&a, &format!("/inbox?before={before}")).await;
    assert_eq!(older.matches("<li class=").count(), 5);
    assert!(older.contains("第05号通知") && older.contains("第01号通知"));
    assert!(!older.contains("第06号通知"));
    assert!(!older.contains("更早的消息"), "no further page");
}

// ---------------------------------------------------------------------------------------------
// E-mail

async fn the_notification_email_is_validated_set_and_cleared(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    let ida = user_id(&app, &a).await;

    let (_, account) = app.get(&a, "/account").await;
    assert!(account.contains("action=\"/account/email\""));

    let r = app
        .submit(
            &a,
            "/account",
            "/account/email",
            &[("email", "zhang@shandong.cn。")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("邮箱地址格式不正确"), "Chinese error shown");
    assert!(html.contains("zhang@shandong.cn。"), "the input is kept");
    let user = app.store.user(ida).await.expect("user").expect("exists");
    assert_eq!(user.email, None);

    let r = app
        .submit(
            &a,
            "/account",
            "/account/email",
            &[("email", " zhang@example.cn ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account?email=saved");
    let user = app.store.user(ida).await.expect("user").expect("exists");
    assert_eq!(user.email.as_deref(), Some("zhang@example.cn"));
    let (_, account) = app.get(&a, "/account?email=saved").await;
    assert!(account.contains("通知邮箱已保存"));
    assert!(account.contains("value=\"zhang@example.cn\""));

    let r = app
        .submit(&a, "/account", "/account/email", &[("email", "")])
        .await;
    assert_eq!(location(&r), "/account?email=cleared");
    let user = app.store.user(ida).await.expect("user").expect("exists");
    assert_eq!(user.email, None);

    let r = a
        .post(app.url("/account/email"))
        .form(&[("csrf", "wrong"), ("email", "x@example.cn")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.contains(&"email_set".to_string()));
}

async fn notices_are_mailed_to_users_with_an_address(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let b = app.browser();
    app.register(&a, USCC_A, "qiye_a").await;
    app.register(&b, USCC_B, "qiye_b").await;
    let (ida, idb) = (user_id(&app, &a).await, user_id(&app, &b).await);
    app.store
        .set_user_email(ida, Some("zhang@example.cn"))
        .await
        .expect("email");

    let notifier = Notifier::with_mail(Some("https://sb.example.cn/"));
    notifier
        .notify(
            &app.store,
            NOW,
            &[ida, idb],
            &notice("申报已退回", Some("/applications/7")),
        )
        .await;
    // Both are told in the inbox; only the one with an address by e-mail.
    assert_eq!(app.store.unread_notifications(idb).await.expect("count"), 1);
    let due = app.store.due_mail(NOW, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].to_address, "zhang@example.cn");
    assert!(
        due[0].body.contains("https://sb.example.cn/applications/7"),
        "{}",
        due[0].body
    );

    // The default notifier tells the inbox only.
    Notifier::default()
        .notify(&app.store, NOW, &[ida], &notice("只在站内", None))
        .await;
    assert_eq!(app.store.due_mail(NOW, 10).await.expect("due").len(), 1);

    let (port, received) = start_smtp(0);
    let (sent, failed) = deliver_due(&app.store, &mailer(port), NOW + 1_000).await;
    assert_eq!((sent, failed), (1, 0));
    let got = wait_for(&received, 1).await;
    assert_eq!(got[0].to, ["zhang@example.cn"]);
    assert_eq!(subject_of(&got[0].data), "【申报通】申报已退回");
    assert!(
        got[0].data.contains("noreply@example.cn"),
        "{}",
        got[0].data
    );

    let row = app.store.mail(due[0].id).await.expect("mail").expect("row");
    assert_eq!(row.sent_at, Some(NOW + 1_000));
    assert_eq!(row.attempts, 1);
    assert!(
        app.store
            .due_mail(NOW + 10_000, 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert_eq!(
        deliver_due(&app.store, &mailer(port), NOW + 10_000).await,
        (0, 0),
        "nothing is sent twice"
    );
}

/// Two senders (two servers on one database) working the outbox at the same moment deliver
/// each e-mail once; an e-mail claimed by a sender that died is due again after the lease.
async fn concurrent_senders_deliver_each_mail_once(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    let notifier = Notifier::with_mail(None);
    for n in 0..6 {
        notifier
            .notify(&app.store, NOW, &[ida], &notice(&format!("通知{n}"), None))
            .await;
    }
    let (port, received) = start_smtp(0);
    let (first, second) = (mailer(port), mailer(port));
    let ((s1, f1), (s2, f2)) = tokio::join!(
        deliver_due(&app.store, &first, NOW + 1_000),
        deliver_due(&app.store, &second, NOW + 1_000),
    );
    assert_eq!((f1, f2), (0, 0));
    assert_eq!(s1 + s2, 6, "each e-mail sent by one of them: {s1} + {s2}");
    let got = wait_for(&received, 6).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let got_late = received.lock().expect("lock").len();
    assert_eq!((got.len(), got_late), (6, 6), "nothing delivered twice");
    let mut subjects: Vec<String> = got.iter().map(|m| subject_of(&m.data)).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 6);

    // A sender that claimed an e-mail and died: nobody sends it during the lease, the next
    // pass after it does.
    notifier
        .notify(&app.store, NOW, &[ida], &notice("认领后中断", None))
        .await;
    let due = app.store.due_mail(NOW + 2_000, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    let lease_end = NOW + 2_000 + shenbao_web::notify::MAIL_LEASE_MS;
    assert!(
        app.store
            .claim_mail(&due[0], lease_end)
            .await
            .expect("claim")
    );
    assert!(
        !app.store
            .claim_mail(&due[0], lease_end)
            .await
            .expect("claim"),
        "claimed once only"
    );
    assert_eq!(deliver_due(&app.store, &first, lease_end - 1).await, (0, 0));
    assert_eq!(deliver_due(&app.store, &first, lease_end).await, (1, 0));
    assert_eq!(wait_for(&received, 7).await.len(), 7);
}

async fn a_failed_delivery_is_retried_later_with_back_off(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    Notifier::with_mail(None)
        .notify(
            &app.store,
            NOW,
            &[ida],
            &notice("申报已退回", Some("/applications/7")),
        )
        .await;
    let id = app.store.due_mail(NOW, 10).await.expect("due")[0].id;

    // Nothing listens on the port: the attempt fails, is counted and postponed a minute.
    let port = closed_port();
    assert_eq!(deliver_due(&app.store, &mailer(port), NOW).await, (0, 1));
    let row = app.store.mail(id).await.expect("mail").expect("row");
    assert_eq!(row.attempts, 1);
    assert_eq!(row.sent_at, None);
    assert_eq!(row.next_attempt_at, NOW + 60_000);
    assert!(row.last_error.is_some_and(|e| !e.is_empty()));
    assert_eq!(
        deliver_due(&app.store, &mailer(port), NOW + 59_999).await,
        (0, 0),
        "not due before the back-off ends"
    );

    // The server comes up on that port; the next pass after the back-off delivers.
    let (_, received) = start_smtp(port);
    assert_eq!(
        deliver_due(&app.store, &mailer(port), NOW + 60_000).await,
        (1, 0)
    );
    let got = wait_for(&received, 1).await;
    assert_eq!(got[0].to, ["zhang@example.cn"]);
    assert_eq!(subject_of(&got[0].data), "【申报通】申报已退回");
    let row = app.store.mail(id).await.expect("mail").expect("row");
    assert_eq!(row.sent_at, Some(NOW + 60_000));
    assert_eq!(row.attempts, 2);
}

async fn the_worker_delivers_queued_mail(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    Notifier::with_mail(None)
        .notify(&app.store, NOW, &[ida], &notice("专家评审结果", None))
        .await;

    let (port, received) = start_smtp(0);
    let worker = spawn_mail_worker(
        app.store.clone(),
        &SmtpSettings {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "noreply@example.cn".to_string(),
        },
        Arc::new(|| NOW + 5_000),
    )
    .expect("worker starts");
    let got = wait_for(&received, 1).await;
    worker.abort();
    assert_eq!(got[0].to, ["zhang@example.cn"]);
    assert_eq!(subject_of(&got[0].data), "【申报通】专家评审结果");
}

async fn notifying_never_fails_the_caller(db: TestDb) {
    let app = App::start(db.store.clone(), false).await;
    let a = app.browser();
    let ida = applicant_with_mail(&app, &a).await;
    let notifier = Notifier::with_mail(None);

    // A broken store (its pool closed): notify returns, quietly.
    let broken = Store::connect(&db.url).await.expect("second store");
    broken.close().await;
    tokio::time::timeout(
        Duration::from_secs(10),
        notifier.notify(&broken, NOW, &[ida], &notice("不会保存", None)),
    )
    .await
    .expect("notify returns promptly on a broken store");

    // An unknown recipient: nothing stored, nothing raised.
    notifier
        .notify(&app.store, NOW, &[987_654], &notice("无此用户", None))
        .await;
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 0);

    // SMTP unreachable: notify only queues, so it succeeds at once, and the worker's failure
    // stays in the outbox.
    tokio::time::timeout(
        Duration::from_secs(10),
        notifier.notify(&app.store, NOW, &[ida], &notice("邮件发不出", None)),
    )
    .await
    .expect("notify does not wait for SMTP");
    assert_eq!(app.store.unread_notifications(ida).await.expect("count"), 1);
    assert_eq!(
        deliver_due(&app.store, &mailer(closed_port()), NOW).await,
        (0, 1)
    );
    let (_, inbox) = app.get(&a, "/inbox").await;
    assert!(inbox.contains("邮件发不出"));
}

// ---------------------------------------------------------------------------------------------
// The outbox

/// A submission committed with its outbox row, and the process died before delivering it: the
/// sweeper (at start-up, then every half minute for rows older than the grace period) tells
/// the unit's reviewers, once.
async fn the_sweeper_delivers_what_a_crash_left_in_the_outbox_once(db: TestDb) {
    use shenbao_app::news::News;
    use shenbao_store::{
        ApplicationEvent, ApplicationStatus, NewApplication, NewOrganisation, NewSnapshot, Role,
        Submission,
    };
    let store = &db.store;
    let calls = shenbao_web::CallRegistry::load(store, true, NOW)
        .await
        .expect("outbox test step");
    let files = tempfile::tempdir().expect("outbox test step");
    let clock = Arc::new(std::sync::atomic::AtomicI64::new(NOW));
    let c = Arc::clone(&clock);
    let state = shenbao_web::ServerState::with_clock(
        store.clone(),
        calls,
        shenbao_web::FileStore::new(files.path(), 1024),
        Arc::new(move || c.load(std::sync::atomic::Ordering::SeqCst)),
    );
    let user = |name: &str, role, region| shenbao_store::testing::new_user(name, role, region, NOW);
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("outbox test step");
    let (org, applicant) = store
        .register_applicant(
            &NewOrganisation {
                uscc: USCC_A.to_string(),
                name: "青岛测试公司".to_string(),
                region: "370212".to_string(),
                created_at: NOW,
            },
            &user("qiye", Role::Applicant, None),
        )
        .await
        .expect("outbox test step");
    let event = ApplicationEvent {
        at: NOW,
        actor_user_id: Some(applicant.id),
        actor_ip: None,
        note: None,
    };
    let app = store
        .create_application(
            &NewApplication {
                call_id: "sd-2024-llm-survey".to_string(),
                direction: "enterprise".to_string(),
                subdirection: None,
                organisation_id: org.id,
                created_by: applicant.id,
                answers: "{}".to_string(),
                created_at: NOW,
            },
            &event,
        )
        .await
        .expect("outbox test step");
    let mut tx = store.begin().await.expect("outbox test step");
    tx.submit(
        app.id,
        app.version,
        &Submission {
            from_status: ApplicationStatus::Draft,
            level: "city".to_string(),
            unit: "370200".to_string(),
            sector: None,
            title: Some("海智大模型".to_string()),
        },
        &NewSnapshot {
            version: app.version + 1,
            answers: "{}".to_string(),
            files: "[]".to_string(),
            content_hash: "0".repeat(64),
        },
        &event,
        None,
    )
    .await
    .expect("outbox test step");
    tx.announce(
        &News::Arrived {
            application_id: app.id,
        }
        .to_outbox(NOW),
    )
    .await
    .expect("outbox test step");
    tx.commit().await.expect("outbox test step");
    assert_eq!(
        store.undelivered_outbox().await.expect("outbox test step"),
        1
    );

    // Within the grace period the row is left to the request that wrote it.
    let grace = shenbao_web::notices::OUTBOX_GRACE_MS;
    assert_eq!(shenbao_web::notices::sweep(&state, grace).await, 0);
    assert_eq!(
        store
            .unread_notifications(bureau.id)
            .await
            .expect("outbox test step"),
        0
    );
    // After it, or at start-up (no grace), the sweeper delivers it, once.
    clock.store(NOW + grace + 1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(shenbao_web::notices::sweep(&state, grace).await, 1);
    assert_eq!(shenbao_web::notices::sweep(&state, 0).await, 0);
    assert_eq!(
        store.undelivered_outbox().await.expect("outbox test step"),
        0
    );
    let inbox = store
        .notifications_page(bureau.id, None, 10)
        .await
        .expect("outbox test step");
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert!(inbox[0].title.contains("海智大模型"), "{:?}", inbox[0]);
    assert_eq!(
        inbox[0].link.as_deref(),
        Some(format!("/review/sd-2024-llm-survey/applications/{}", app.id).as_str())
    );
    // The applicant is not told of its own submission.
    assert_eq!(
        store
            .unread_notifications(applicant.id)
            .await
            .expect("outbox test step"),
        0
    );
}
