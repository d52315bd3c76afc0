//! The administrator's audit page over real HTTP, on SQLite and (in CI) PostgreSQL: the log
//! newest first with its filters and pages, the CSV export (BOM, every filtered row, formulas
//! defused, itself audited), and the refusals for everyone else.

mod common;

use common::App;
use reqwest::StatusCode;
use shenbao_store::testing::TestDb;
use shenbao_store::{Chain, NewAuditEntry, NewUser, Role};

shenbao_store::on_both_databases!(
    an_admin_reads_filters_and_pages_the_audit_log,
    the_csv_export_holds_every_filtered_row,
    only_admins_see_the_audit_log,
);

const PASSWORD: &str = "secret-123";
const USCC: &str = "91370102MA3DEM0015";

async fn admin(app: &App) -> reqwest::Client {
    app.store
        .create_user(&NewUser {
            username: "root".into(),
            password_hash: shenbao_web::auth::hash_password(PASSWORD).expect("hash"),
            display_name: "系统管理员".into(),
            role: Role::Admin,
            organisation_id: None,
            scope_region: None,
            scope_sector: None,
            email: None,
            created_at: common::NOW,
        })
        .await
        .expect("admin");
    let b = app.browser();
    assert_eq!(
        app.login(&b, "root", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    b
}

/// An applicant who registers, then logs in on another browser, over HTTP: a `register` and a
/// `login` entry.
async fn applicant(app: &App) -> reqwest::Client {
    let first = app.browser();
    assert_eq!(
        app.register(&first, USCC, "qiye01").await.status(),
        StatusCode::SEE_OTHER
    );
    let name = app.login_name(&first).await;
    let b = app.browser();
    assert_eq!(
        app.login(&b, &name, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    b
}

/// `n` entries by nobody, one millisecond apart, starting at `at`.
async fn filler(app: &App, n: i64, at: i64, action: &str) {
    for i in 0..n {
        app.store
            .audit(&NewAuditEntry {
                at: at + i,
                actor_user_id: None,
                actor_ip: Some("198.51.100.7".into()),
                action: action.into(),
                target_kind: Some("test".into()),
                target_id: Some(i.to_string()),
                detail: None,
            })
            .await
            .expect("audit");
    }
}

/// The ids in the page's table, in order.
fn ids(html: &str) -> Vec<i64> {
    html.split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split("</td>").next()?.parse().ok())
        .collect()
}

async fn an_admin_reads_filters_and_pages_the_audit_log(db: TestDb) {
    let app = App::start(db.store, false).await;
    drop(applicant(&app).await);
    // Yesterday (Beijing) some entries by nobody from another address.
    filler(&app, 3, common::NOW - 24 * 3600 * 1000, "test_yesterday").await;
    let root = admin(&app).await;

    let (status, html) = app.get(&root, "/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("审计日志") && html.contains("href=\"/admin/audit\""));
    for text in [
        "单位注册",
        "register",
        "qiye01",
        "登录",
        "系统管理员（root，#",
        "127.0.0.1",
    ] {
        assert!(html.contains(text), "{text} shown");
    }
    let all = ids(&html);
    assert_eq!(
        all.len(),
        6,
        "register, login, 3 fillers, the admin's login"
    );
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first: {all:?}");

    // By actor: login name, part of a display name, or user id.
    let (_, html) = app.get(&root, "/admin/audit?actor=qiye01").await;
    assert_eq!(ids(&html).len(), 2, "the applicant's register and login");
    let (_, html) = app
        .get(&root, "/admin/audit?actor=%E7%AE%A1%E7%90%86")
        .await;
    assert_eq!(ids(&html).len(), 1, "管理 is in 系统管理员");
    let (_, html) = app.get(&root, "/admin/audit?actor=999").await;
    assert!(ids(&html).is_empty() && html.contains("没有符合条件的记录"));
    // By action, date range, address.
    let (_, html) = app.get(&root, "/admin/audit?action=login").await;
    assert_eq!(ids(&html).len(), 2);
    let (_, html) = app
        .get(&root, "/admin/audit?from=2026-11-21&to=2026-11-21")
        .await;
    assert_eq!(ids(&html).len(), 3, "yesterday's entries only");
    let (_, html) = app.get(&root, "/admin/audit?from=2026-11-22").await;
    assert_eq!(ids(&html).len(), 3, "today's");
    let (_, html) = app.get(&root, "/admin/audit?ip=198.51.").await;
    assert_eq!(ids(&html).len(), 3);
    let (_, html) = app
        .get(&root, "/admin/audit?ip=127.0.0.1&action=register")
        .await;
    assert_eq!(ids(&html).len(), 1);
    // The filter is kept in the form.
    assert!(html.contains("value=\"127.0.0.1\""), "{html}");
    assert!(html.contains("<option value=\"register\" selected>"));
    let (status, html) = app.get(&root, "/admin/audit?from=2026-02-30").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("日期格式应为") && ids(&html).is_empty());

    // Pages of 50, by keyset, with the filter carried along.
    filler(&app, 60, common::NOW, "test_many").await;
    let (_, html) = app.get(&root, "/admin/audit?action=test_many").await;
    let first = ids(&html);
    assert_eq!(first.len(), 50);
    let link = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to older entries")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert_eq!(
        link,
        format!(
            "/admin/audit?actor=&action=test_many&from=&to=&ip=&before={}",
            first[49]
        )
    );
    let (_, html) = app.get(&root, &link).await;
    let second = ids(&html);
    assert_eq!(second.len(), 10);
    assert!(second[0] < first[49]);
    assert!(!html.contains("before="), "no page after the last");
}

async fn the_csv_export_holds_every_filtered_row(db: TestDb) {
    let app = App::start(db.store, false).await;
    drop(applicant(&app).await);
    filler(&app, 520, common::NOW, "test_bulk").await;
    app.store
        .audit(&NewAuditEntry {
            at: common::NOW,
            actor_user_id: None,
            actor_ip: None,
            action: "test_formula".into(),
            target_kind: None,
            target_id: None,
            detail: Some("=HYPERLINK(\"http://x\",\"点我\"), \"引号\"".into()),
        })
        .await
        .expect("audit");
    let root = admin(&app).await;

    let r = root
        .get(app.url("/admin/audit.csv?action=test_bulk"))
        .send()
        .await
        .expect("csv");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"].to_str().expect("ascii"),
        "text/csv; charset=utf-8"
    );
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("2026-11-22"),
        "{disposition}"
    );
    let bytes = r.bytes().await.expect("body");
    assert!(
        bytes.starts_with(b"\xef\xbb\xbf"),
        "a UTF-8 byte-order mark"
    );
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "编号,时间,用户编号,账号,姓名,IP 地址,操作,操作代码,对象类型,对象编号,详情,哈希"
    );
    assert_eq!(lines.len(), 1 + 520, "every row, over several batches");
    assert!(lines[1].contains(",2026-11-22 12:00:00,") && lines[1].contains("test_bulk"));
    assert!(
        lines[1].contains(",test,519,"),
        "newest first: {}",
        lines[1]
    );
    assert!(lines[520].contains(",test,0,"));
    let hash = lines[1].rsplit(',').next().expect("hash");
    assert_eq!(hash.len(), 64);

    // Every row, and a value that would be a formula is defused and quoted.
    let (_, all) = app.get(&root, "/admin/audit.csv").await;
    assert!(all.contains("单位注册") && all.contains("qiye01"));
    assert!(
        all.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\"), \"\"引号\"\"\""),
        "{all}"
    );
    // Exporting is itself recorded, and the chain still holds.
    let (_, html) = app.get(&root, "/admin/audit?action=audit_exported").await;
    assert_eq!(ids(&html).len(), 2);
    assert!(html.contains("导出审计日志"));
    let report = app
        .store
        .verify_chain(Chain::AuditLog)
        .await
        .expect("verify");
    assert_eq!(report.broken, None);
    // A bad date is refused rather than ignored.
    let (status, _) = app.get(&root, "/admin/audit.csv?to=yesterday").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn only_admins_see_the_audit_log(db: TestDb) {
    let app = App::start(db.store, false).await;
    let qiye = applicant(&app).await;
    for path in ["/admin/audit", "/admin/audit.csv"] {
        let (status, html) = app.get(&qiye, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("您没有权限访问此页面"));
        let r = app.browser().get(app.url(path)).send().await.expect("get");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "anonymous: {path}");
        assert!(common::location(&r).starts_with("/login?next="));
    }
    let (_, home) = app.get(&qiye, "/").await;
    assert!(!home.contains("/admin/audit"), "no link for an applicant");
    let root = admin(&app).await;
    let (_, home) = app.get(&root, "/").await;
    assert!(home.contains("href=\"/admin/audit\""), "the admin's link");
    let actions = app.audit_actions().await;
    assert!(
        !actions.iter().any(|a| a == "audit_exported"),
        "a refused export is not recorded as one: {actions:?}"
    );
}
