//! The `shenbao` binary end to end: exit codes and output of `call` and `answers`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn shenbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file in a fresh temporary directory, removed with the directory at the end of the test.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &str) -> TempFile {
        let dir = std::env::temp_dir().join(format!("shenbao-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, content).expect("temp file");
        TempFile(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn call_list_shows_the_five_seed_calls() {
    let o = shenbao(&["call", "list"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    for id in [
        "sd-2024-llm-cases",
        "sd-2024-llm-survey",
        "hn-2025-ai",
        "qz-2024-ai-industry",
        "gd-2023-ai-scenarios",
    ] {
        assert!(out.contains(id), "{id} listed in {out}");
    }
    // 湖南's attachments carry no dates: the call waits for its owner's, it does not stay open.
    assert!(
        out.contains("截止 未定（草稿：须由征集单位设定日期后发布）"),
        "{out}"
    );
}

#[test]
fn call_check_accepts_the_seeds_and_rejects_a_broken_file_with_its_place() {
    let calls = repo().join("crates/shenbao_core/calls");
    let mut args = vec!["call".to_string(), "check".to_string()];
    for e in std::fs::read_dir(&calls).expect("calls dir") {
        args.push(e.expect("entry").path().to_string_lossy().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = shenbao(&args);
    assert!(o.status.success(), "{}", stdout(&o));

    let broken = TempFile::new(
        "broken.toml",
        "format = 1\nid = \"x-1\"\ntitle = \"t\"\nissuer = \"i\"\nyear = 2025\nscope = \"s\"\nform_title = \"f\"\n\n[[direction]]\nid = \"a\"\nname = \"n\"\n\n[[section]]\nid = \"s\"\ntitle = \"t\"\n\n[[section.field]]\nid = \"f\"\nlabel = \"l\"\nkind = \"nope\"\n\n[commitment]\ntitle = \"t\"\ntext = \"x\"\n",
    );
    let o = shenbao(&["call", "check", broken.path()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("broken.toml:20:8: section[0].field[0].kind:"),
        "{out}"
    );
}

#[test]
fn call_schema_is_json() {
    let o = shenbao(&["call", "schema"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    assert!(v["properties"]["section"].is_object(), "{v}");
}

fn fixture_answers(call: &str, name: &str) -> String {
    let path = repo()
        .join("crates/shenbao_core/tests/fixtures")
        .join(call)
        .join(name);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
    v["answers"].to_string()
}

#[test]
fn answers_check_exit_codes() {
    let good = TempFile::new(
        "good.json",
        &fixture_answers("gd-2023-ai-scenarios", "manufacturing.valid.json"),
    );
    let o = shenbao(&[
        "answers",
        "check",
        "--call",
        "gd-2023-ai-scenarios",
        "--direction",
        "manufacturing",
        good.path(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("没有发现问题"));

    let bad = TempFile::new(
        "bad.json",
        r#"{"company_name": "某公司", "uscc": "914403001922038217"}"#,
    );
    let o = shenbao(&[
        "answers",
        "check",
        "--call",
        "gd-2023-ai-scenarios",
        "--direction",
        "manufacturing",
        bad.path(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("错误\tuscc\t") && out.contains("[invalid_uscc]"),
        "{out}"
    );

    let o = shenbao(&[
        "answers",
        "check",
        "--json",
        "--call",
        "gd-2023-ai-scenarios",
        "--direction",
        "manufacturing",
        bad.path(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    assert!(
        v.as_array()
            .is_some_and(|a| a.iter().any(|p| p["code"] == "invalid_uscc"))
    );

    let junk = TempFile::new("junk.json", "{not json");
    let o = shenbao(&[
        "answers",
        "check",
        "--call",
        "gd-2023-ai-scenarios",
        "--direction",
        "manufacturing",
        junk.path(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不是有效的 JSON"));

    let o = shenbao(&[
        "answers",
        "check",
        "--call",
        "no-such-call",
        "--direction",
        "x",
        good.path(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = shenbao(&[
        "answers",
        "check",
        "--call",
        "gd-2023-ai-scenarios",
        "--direction",
        "nope",
        good.path(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("manufacturing"),
        "lists the directions"
    );
}

#[test]
fn serve_starts_on_sqlite_in_a_fresh_data_folder_and_answers() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = std::env::temp_dir().join(format!("shenbao-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .env_remove("SHENBAO_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve prints its address")
            .expect("utf-8");
        seen.push(line.clone());
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.trim_end_matches('/').to_string();
        }
    };
    let mut conn = std::net::TcpStream::connect(&addr).expect("connects");
    conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("request");
    let mut body = String::new();
    conn.read_to_string(&mut body).expect("response");
    let _ = child.kill();
    let _ = child.wait();
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains("征集通知"));
    assert!(dir.join("shenbao.db").exists() && dir.join("files").is_dir());
    let out = seen.join("\n");
    assert!(
        out.contains("已加载 5 个征集通知") && out.contains("demo_admin"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A seed call file under another id and title: a call no binary was built with.
fn new_call_file() -> String {
    let seed =
        std::fs::read_to_string(repo().join("crates/shenbao_core/calls/qz-2024-ai-industry.toml"))
            .expect("seed file");
    seed.replacen("id = \"qz-2024-ai-industry\"", "id = \"xm-2026-ai\"", 1)
        .replacen(
            "title = \"泉州市工业和信息化局关于开展2024年省级人工智能产业发展项目申报工作的通知\"",
            "title = \"厦门市工业和信息化局关于开展2026年人工智能项目申报工作的通知\"",
            1,
        )
}

/// Starts `shenbao serve` on a fresh data folder with `args`; its address once it listens, or
/// its exit and standard error when it stops first.
fn start_serve(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(std::process::Child, String, String), (Option<i32>, String)> {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .args(args)
        .env_remove("SHENBAO_DATABASE_URL")
        .env_remove("SHENBAO_CALLS_DIR")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut seen = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        seen.push(line.clone());
        if let Some(rest) = line.split("http://").nth(1) {
            let addr = rest.trim_end_matches('/').to_string();
            // The server goes on printing: a closed pipe would end it.
            std::thread::spawn(move || lines.for_each(drop));
            return Ok((child, addr, seen.join("\n")));
        }
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("exit");
    Err((status.code(), err))
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(addr).expect("connects");
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut body = String::new();
    conn.read_to_string(&mut body).expect("response");
    body
}

#[test]
fn serve_publishes_the_call_files_of_a_folder_beside_the_seeds() {
    let dir = std::env::temp_dir().join(format!("shenbao-calls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let calls = dir.join("calls");
    std::fs::create_dir_all(&calls).expect("calls dir");
    std::fs::write(calls.join("xm-2026-ai.toml"), new_call_file()).expect("call file");
    std::fs::write(calls.join("README.txt"), "not a call").expect("other file");
    // The folder from the environment, as SHENBAO_CALLS_DIR.
    let calls_dir = calls.to_str().expect("utf-8");
    let (mut child, addr, out) =
        start_serve(&dir.join("data"), &[], &[("SHENBAO_CALLS_DIR", calls_dir)])
            .unwrap_or_else(|(code, err)| panic!("serve stopped ({code:?}): {err}"));
    let home = http_get(&addr, "/");
    let page = http_get(&addr, "/calls/xm-2026-ai");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        out.contains("已加载 6 个征集通知") && out.contains("1 个征集通知"),
        "{out}"
    );
    assert!(
        home.contains("厦门市工业和信息化局关于开展2026年人工智能项目申报工作的通知"),
        "{home}"
    );
    assert!(
        home.contains("泉州市工业和信息化局关于开展2024年"),
        "the seeds stay"
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    // Published as the file says: the seed's own dates, not shifted.
    assert!(page.contains("2024"), "{page}");
    assert!(!page.contains("演示模式"), "{page}");
    // Commands beside the server find the call it stored.
    let data_dir = dir.join("data");
    let zip = dir.join("package.zip");
    let o = shenbao(&[
        "export",
        "package",
        "--data-dir",
        data_dir.to_str().expect("utf-8"),
        "--call",
        "xm-2026-ai",
        "--level",
        "city",
        "--unit",
        "350500",
        "--out",
        zip.to_str().expect("utf-8"),
    ]);
    assert!(
        o.status.success() && stdout(&o).contains("0 份申报"),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );

    // A new version of the folder's call, previewed against what this data folder holds.
    let v2 = dir.join("xm-v2.toml");
    std::fs::write(
        &v2,
        new_call_file().replacen("[commitment]", "# 第二版\n[commitment]", 1),
    )
    .expect("v2");
    let o = shenbao(&[
        "call",
        "preview",
        v2.to_str().expect("utf-8"),
        "--data-dir",
        data_dir.to_str().expect("utf-8"),
    ]);
    assert!(
        o.status.success() && stdout(&o).contains("xm-2026-ai（现行第 1 版）：检查了 0 份草稿"),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );

    // The flag, with --demo: the folder's call is shifted like the seeds.
    let (mut child, addr, _) =
        start_serve(&dir.join("demo"), &["--demo", "--calls", calls_dir], &[])
            .unwrap_or_else(|(code, err)| panic!("serve stopped ({code:?}): {err}"));
    let page = http_get(&addr, "/calls/xm-2026-ai");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        page.contains("演示模式：本通知的各项截止时间已整体顺延"),
        "{page}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_stops_on_a_folder_with_broken_or_twice_used_calls_naming_every_problem() {
    let dir = std::env::temp_dir().join(format!("shenbao-calls-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let calls = dir.join("calls");
    std::fs::create_dir_all(&calls).expect("calls dir");
    std::fs::write(
        calls.join("broken.toml"),
        "format = 1\nid = \"x-1\"\ntitle = \"t\"\nissuer = \"i\"\nyear = 2025\nscope = \"s\"\nform_title = \"f\"\n\n[[direction]]\nid = \"a\"\nname = \"n\"\n\n[[section]]\nid = \"s\"\ntitle = \"t\"\n\n[[section.field]]\nid = \"f\"\nlabel = \"l\"\nkind = \"nope\"\n\n[commitment]\ntitle = \"t\"\ntext = \"x\"\n",
    )
    .expect("broken file");
    std::fs::write(calls.join("a.toml"), new_call_file()).expect("call file");
    std::fs::write(calls.join("b.toml"), new_call_file()).expect("the same id again");
    let seed = std::fs::read_to_string(repo().join("crates/shenbao_core/calls/hn-2025-ai.toml"))
        .expect("seed");
    std::fs::write(calls.join("c.toml"), seed).expect("a seed's id");
    let data = dir.join("data");
    let calls_dir = calls.to_str().expect("utf-8");
    let Err((code, err)) = start_serve(&data, &["--calls", calls_dir], &[]) else {
        panic!("a broken folder must stop the server");
    };
    assert_eq!(
        code,
        Some(2),
        "an error, as every command ends on one: {err}"
    );
    assert!(err.contains("3 处问题，服务器未启动"), "{err}");
    assert!(
        err.contains("broken.toml:20:8: section[0].field[0].kind:"),
        "{err}"
    );
    assert!(
        err.contains("b.toml: 通知编号“xm-2026-ai”已被") && err.contains("a.toml 使用"),
        "{err}"
    );
    assert!(
        err.contains("c.toml: 通知编号“hn-2025-ai”已被 内置通知 使用"),
        "{err}"
    );
    assert!(
        !data.join("shenbao.db").exists(),
        "nothing was opened or written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn user_add_creates_an_operator_account_once() {
    let dir = std::env::temp_dir().join(format!("shenbao-user-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().expect("utf-8");
    let add = |name: &str| {
        shenbao(&[
            "user",
            "add",
            "--data-dir",
            d,
            "--username",
            name,
            "--role",
            "bureau",
            "--name",
            "济南市工业和信息化局",
            "--region",
            "370100",
        ])
    };
    let o = add("jinan");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("初始密码"));
    let o = add("jinan");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("已存在"));
    let o = shenbao(&[
        "user",
        "add",
        "--data-dir",
        d,
        "--username",
        "x",
        "--role",
        "bureau",
        "--name",
        "n",
    ]);
    assert!(!o.status.success(), "a bureau needs a scope");
    let o = shenbao(&["user", "password", "--data-dir", d, "--username", "jinan"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("新密码"));
    let o = shenbao(&[
        "user",
        "reset-second-factor",
        "--data-dir",
        d,
        "--username",
        "jinan",
    ]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("未设置第二重验证"), "{}", stdout(&o));
    // With an authenticator and recovery codes, both go.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = dir.join("shenbao.db");
    let id = rt.block_on(async {
        let store = shenbao_store::Store::open_sqlite(&db).await.expect("db");
        let id = store
            .user_by_username("jinan")
            .await
            .expect("read")
            .expect("jinan")
            .id;
        store
            .begin_totp(id, "JBSWY3DPEHPK3PXP")
            .await
            .expect("begin");
        assert!(
            store
                .enable_totp(id, 1, 1, &["h".into()])
                .await
                .expect("enable")
        );
        store.close().await;
        id
    });
    let o = shenbao(&[
        "user",
        "reset-second-factor",
        "--data-dir",
        d,
        "--username",
        "jinan",
    ]);
    assert!(stdout(&o).contains("已重置"), "{}", stdout(&o));
    rt.block_on(async {
        let store = shenbao_store::Store::open_sqlite(&db).await.expect("db");
        assert_eq!(store.totp(id).await.expect("read"), None);
        assert_eq!(store.recovery_codes_left(id).await.expect("read"), 0);
        store.close().await;
    });
    let o = shenbao(&[
        "user",
        "reset-second-factor",
        "--data-dir",
        d,
        "--username",
        "nobody",
    ]);
    assert!(!o.status.success(), "an unknown user is an error");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_summary_writes_the_levels_table_and_names_the_choices() {
    let dir = std::env::temp_dir().join(format!("shenbao-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().expect("utf-8");
    let out = dir.join("汇总表.xlsx");
    let out_s = out.to_str().expect("utf-8");
    let export = |call: &str, level: &str, table: Option<&str>| {
        let mut args = vec![
            "export",
            "summary",
            "--data-dir",
            d,
            "--call",
            call,
            "--level",
            level,
            "--unit",
            "370100",
            "--out",
            out_s,
        ];
        if let Some(t) = table {
            args.extend(["--table", t]);
        }
        shenbao(&args)
    };
    let o = export("sd-2024-llm-cases", "city", None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("已导出汇总表"));
    let bytes = std::fs::read(&out).expect("written");
    assert!(bytes.starts_with(b"PK"), "an XLSX (zip) file");
    // Two tables at the survey's city level: one must be named.
    let o = export("sd-2024-llm-survey", "city", None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("enterprises、products"));
    let o = export("sd-2024-llm-survey", "city", Some("products"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = export("sd-2024-llm-cases", "county", None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("没有审核层级 county"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_package_summary_docx_and_form_with_their_errors() {
    let dir = std::env::temp_dir().join(format!("shenbao-package-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let d = dir.to_str().expect("utf-8");
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_string();
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).to_string();
    let package = |call: &str, unit: &str, out: &str| {
        shenbao(&[
            "export",
            "package",
            "--data-dir",
            d,
            "--call",
            call,
            "--level",
            "city",
            "--unit",
            unit,
            "--out",
            out,
        ])
    };

    // No recommended application yet: the package holds the level's summary tables.
    let zip_path = path("材料包.zip");
    let o = package("sd-2024-llm-cases", "370100", &zip_path);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已导出材料包") && stdout(&o).contains("0 份申报"));
    let bytes = std::fs::read(&zip_path).expect("written");
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let names: Vec<&str> = zip.file_names().collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".xlsx")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".docx")), "{names:?}");

    // The summary table as DOCX, chosen by the extension of --out.
    let docx = path("汇总表.docx");
    let o = shenbao(&[
        "export",
        "summary",
        "--data-dir",
        d,
        "--call",
        "sd-2024-llm-cases",
        "--level",
        "city",
        "--unit",
        "370100",
        "--out",
        &docx,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&docx).expect("written")))
            .expect("a DOCX (zip) file");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document"),
        &mut xml,
    )
    .expect("utf-8");
    assert!(xml.contains("汇总"), "the table's title: {xml}");

    // Unknown call, level, unit and application: exit 2 with the reason.
    let o = package("nope-2024", "370100", &zip_path);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("没有编号为 nope-2024 的征集通知"),
        "{}",
        stderr(&o)
    );
    let o = package("sd-2024-llm-cases", "999999", &zip_path);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有单位 999999"), "{}", stderr(&o));
    let o = package("sd-2024-llm-cases", "370102", &zip_path);
    assert_eq!(o.status.code(), Some(2), "a county is no city unit");
    let o = shenbao(&[
        "export",
        "package",
        "--data-dir",
        d,
        "--call",
        "sd-2024-llm-cases",
        "--level",
        "county",
        "--unit",
        "370102",
        "--out",
        &zip_path,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有审核层级 county"), "{}", stderr(&o));
    let form = |out: &str| {
        shenbao(&[
            "export",
            "form",
            "--data-dir",
            d,
            "--application",
            "4242",
            "--out",
            out,
        ])
    };
    let o = form(&path("申报书.docx"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("没有编号为 4242 的申报"),
        "{}",
        stderr(&o)
    );
    let o = form(&path("申报书.odt"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不支持的格式 odt"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
