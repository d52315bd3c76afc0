//! The applicant's side, for tests that need submitted applications: the seed fixtures,
//! their answers as form fields, uploads and submission over HTTP.

use std::path::PathBuf;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value as Json;

use super::{App, csrf_of, location};

/// A valid fixture of the core's test suite: profile, direction, answers and files.
pub struct Fixture {
    pub call: &'static str,
    pub direction: String,
    pub subdirection: Option<String>,
    pub profile: Json,
    pub answers: Json,
    pub files: Vec<Json>,
}

pub fn fixture(call: &'static str, name: &str) -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures")
        .join(call)
        .join(name);
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
    Fixture {
        call,
        direction: v["direction"].as_str().expect("direction").to_string(),
        subdirection: v["subdirection"].as_str().map(str::to_string),
        profile: v["profile"].clone(),
        answers: v["answers"].clone(),
        files: v["files"].as_array().cloned().unwrap_or_default(),
    }
}

/// Answers JSON → the form's field names (the inverse of the server's parsing).
pub use shenbao_web::form::fields_of as form_pairs;

/// File content of `kind` and `size` that the server recognises by its magic bytes.
pub fn content(kind: &str, size: usize) -> Vec<u8> {
    let mut head: Vec<u8> = match kind {
        "pdf" => b"%PDF-1.7\n".to_vec(),
        "jpg" => vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
        ],
        "png" => vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
        "mp4" => b"\x00\x00\x00\x18ftypisom".to_vec(),
        "docx" | "xlsx" | "ofd" => {
            let mut h = b"PK\x03\x04".to_vec();
            h.resize(30, 0);
            h.extend_from_slice(match kind {
                "docx" => b"word/document.xml".as_slice(),
                "xlsx" => b"xl/workbook.xml".as_slice(),
                _ => b"OFD.xml".as_slice(),
            });
            h
        }
        _ => b"plain text".to_vec(),
    };
    head.resize(size.max(head.len()), b' ');
    head
}

/// Gives a fixture another organisation code, in the profile and wherever the answers
/// repeat it (some calls check that the form's code is the registered one).
pub fn with_uscc(mut fx: Fixture, uscc: &str) -> Fixture {
    let old = fx.profile["uscc"].as_str().unwrap_or_default().to_string();
    fx.profile["uscc"] = Json::from(uscc);
    let text = fx.answers.to_string().replace(&old, uscc);
    fx.answers = serde_json::from_str(&text).expect("answers stay JSON");
    fx
}

impl App {
    /// A new applicant organisation for `profile`, logged in; returns its browser.
    pub async fn applicant(&self, profile: &Json, username: &str) -> reqwest::Client {
        let b = self.browser();
        self.register_org(&b, profile, username).await;
        b
    }

    /// Registers the organisation of `profile` in browser `b`, which is then logged in.
    pub async fn register_org(&self, b: &reqwest::Client, profile: &Json, username: &str) {
        let r = self
            .submit(
                b,
                "/register",
                "/register",
                &[
                    ("uscc", profile["uscc"].as_str().expect("uscc")),
                    ("org_name", profile["name"].as_str().expect("name")),
                    ("region", profile["region"].as_str().expect("region")),
                    ("contact", "联系人"),
                    ("username", username),
                    ("password", "secret-123"),
                    ("confirm", "secret-123"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "registered {username}");
    }

    /// Starts an application and returns its id.
    pub async fn start_app(&self, b: &reqwest::Client, call: &str, direction: &str) -> i64 {
        let r = self
            .submit(
                b,
                &format!("/calls/{call}"),
                &format!("/calls/{call}/applications"),
                &[("direction", direction)],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap_or_default()
        );
        let loc = location(&r);
        loc.trim_start_matches("/applications/")
            .trim_end_matches("/edit")
            .parse()
            .expect("application id")
    }

    /// The hidden version of the edit page.
    pub async fn version(&self, b: &reqwest::Client, id: i64) -> (String, String) {
        let (_, html) = self.get(b, &format!("/applications/{id}/edit")).await;
        let key = "name=\"version\" value=\"";
        let start = html.find(key).expect("version field") + key.len();
        let v = html[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string();
        (csrf_of(&html), v)
    }

    pub async fn save(
        &self,
        b: &reqwest::Client,
        id: i64,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        let (csrf, version) = self.version(b, id).await;
        self.save_as(b, id, &csrf, &version, fields).await
    }

    pub async fn save_as(
        &self,
        b: &reqwest::Client,
        id: i64,
        csrf: &str,
        version: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        let mut all = vec![
            ("csrf".to_string(), csrf.to_string()),
            ("version".to_string(), version.to_string()),
        ];
        all.extend_from_slice(fields);
        b.post(self.url(&format!("/applications/{id}/edit")))
            .form(&all)
            .send()
            .await
            .expect("save")
    }

    /// Uploads `bytes` as `name` into `slot`; returns where the server sent the browser.
    pub async fn upload(
        &self,
        b: &reqwest::Client,
        id: i64,
        slot: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> String {
        let (_, html) = self.get(b, &format!("/applications/{id}/edit")).await;
        let form = Form::new()
            .text("csrf", csrf_of(&html))
            .text("slot", slot.to_string())
            .part("file", Part::bytes(bytes).file_name(name.to_string()));
        let r = b
            .post(self.url(&format!("/applications/{id}/files")))
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap_or_default()
        );
        location(&r)
    }

    /// Uploads several files into `slot` in one request, as a page's chooser with several
    /// files chosen sends them (`json`: as the page's script asks, for JSON); returns the
    /// answer, redirects not followed.
    pub async fn upload_files(
        &self,
        b: &reqwest::Client,
        id: i64,
        slot: &str,
        files: &[(&str, Vec<u8>)],
        json: bool,
    ) -> reqwest::Response {
        let (_, html) = self.get(b, &format!("/applications/{id}/edit")).await;
        let mut form = Form::new()
            .text("csrf", csrf_of(&html))
            .text("slot", slot.to_string());
        for (name, bytes) in files {
            form = form.part(
                "file",
                Part::bytes(bytes.clone()).file_name(name.to_string()),
            );
        }
        let mut request = b
            .post(self.url(&format!("/applications/{id}/files")))
            .multipart(form);
        if json {
            request = request.header(reqwest::header::ACCEPT, "application/json");
        }
        request.send().await.expect("upload")
    }

    pub async fn submit_application(
        &self,
        b: &reqwest::Client,
        id: i64,
        justification: &str,
    ) -> reqwest::Response {
        let (status, html) = self.get(b, &format!("/applications/{id}/submit")).await;
        assert_eq!(status, StatusCode::OK);
        let key = "name=\"version\" value=\"";
        let version = html
            .find(key)
            .map(|i| {
                html[i + key.len()..]
                    .split('"')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .unwrap_or_default();
        b.post(self.url(&format!("/applications/{id}/submit")))
            .form(&[
                ("csrf", csrf_of(&html).as_str()),
                ("version", version.as_str()),
                ("justification", justification),
                ("accept", "1"),
            ])
            .send()
            .await
            .expect("submit")
    }
}

/// Registers, fills, uploads and submits one valid fixture; returns the application id.
pub async fn apply(app: &App, fx: &Fixture, username: &str) -> (reqwest::Client, i64) {
    let b = app.applicant(&fx.profile, username).await;
    let direction = match &fx.subdirection {
        Some(s) => format!("{}/{s}", fx.direction),
        None => fx.direction.clone(),
    };
    let id = app.start_app(&b, fx.call, &direction).await;
    let r = app.save(&b, id, &form_pairs(&fx.answers)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "saved, then redirected");
    let (_, html) = app.get(&b, &location(&r)).await;
    assert!(html.contains("已保存"), "{}: saved", fx.call);
    for f in &fx.files {
        let kind = f["type"].as_str().expect("type");
        let size = usize::try_from(f["size"].as_u64().expect("size")).expect("size fits");
        let to = app
            .upload(
                &b,
                id,
                f["slot"].as_str().expect("slot"),
                f["name"].as_str().expect("name"),
                content(kind, size),
            )
            .await;
        assert!(
            to.contains("msg=uploaded"),
            "{}: {} uploaded ({to})",
            fx.call,
            f["name"]
        );
    }
    (b, id)
}

/// Where an overlong upload puts its bytes (see [`App::upload_with_overlong`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlong {
    /// The value of the `csrf` part.
    Value,
    /// A header line of the `csrf` part that never ends.
    Header,
    /// Before the first boundary (the preamble).
    Preamble,
}

/// What came back for an upload whose `csrf` part was too long (see
/// [`App::upload_with_long_part`]).
pub struct LongPartAnswer {
    /// The response head (status line and headers).
    pub head: String,
    /// The response body.
    pub body: String,
    /// Bytes of the long part that had been sent when the response head arrived.
    pub sent_when_answered: u64,
}

impl App {
    /// Sends, on a raw connection of `b`'s session (`cookie`), an upload to application `id`
    /// whose `csrf` part is `part_bytes` long, generated while it is sent in HTTP chunks (never
    /// held in memory), followed by a slot and a small PDF. Reads the answer while sending.
    /// Waits at most ten minutes, so a server that never answers fails the test instead of
    /// hanging it.
    pub async fn upload_with_long_part(
        &self,
        cookie: &str,
        id: i64,
        part_bytes: u64,
    ) -> LongPartAnswer {
        self.upload_with_overlong(cookie, id, part_bytes, Overlong::Value)
            .await
    }

    /// [`App::upload_with_long_part`] with the `part_bytes` where `at` says: the `csrf`
    /// value, a header line of that part, or the preamble before the first boundary.
    pub async fn upload_with_overlong(
        &self,
        cookie: &str,
        id: i64,
        part_bytes: u64,
        at: Overlong,
    ) -> LongPartAnswer {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let url: reqwest::Url = self.url("/").parse().expect("url");
        let host = url.authority().to_string();
        let socket = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        let (mut reader, mut writer) = socket.into_split();
        let sent = Arc::new(AtomicU64::new(0));
        let boundary = "shenbao-long-part";
        let head = format!(
            "POST /applications/{id}/files HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\n\
             Transfer-Encoding: chunked\r\n\r\n"
        );
        let counter = Arc::clone(&sent);
        let sending = tokio::spawn(async move {
            fn chunk(data: &[u8]) -> Vec<u8> {
                let mut out = format!("{:x}\r\n", data.len()).into_bytes();
                out.extend_from_slice(data);
                out.extend_from_slice(b"\r\n");
                out
            }
            writer.write_all(head.as_bytes()).await?;
            let start = match at {
                Overlong::Value => {
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n")
                }
                Overlong::Header => format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\nX-Long: "
                ),
                Overlong::Preamble => String::new(),
            };
            // An empty chunk would end the body.
            if !start.is_empty() {
                writer.write_all(&chunk(start.as_bytes())).await?;
            }
            let block = vec![b'a'; 64 * 1024];
            let mut left = part_bytes;
            while left > 0 {
                let n = usize::try_from(left.min(block.len() as u64)).expect("small");
                writer.write_all(&chunk(&block[..n])).await?;
                counter.fetch_add(n as u64, Ordering::SeqCst);
                left -= n as u64;
            }
            let close = match at {
                Overlong::Value => String::new(),
                Overlong::Header => "\r\n\r\n".to_string(),
                Overlong::Preamble => format!(
                    "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nx"
                ),
            };
            let mut end = format!(
                "{close}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"slot\"\r\n\r\n\
                 business_license\r\n--{boundary}\r\nContent-Disposition: form-data; \
                 name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .into_bytes();
            end.extend_from_slice(&content("pdf", 2048));
            end.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            writer.write_all(&chunk(&end)).await?;
            writer.write_all(b"0\r\n\r\n").await?;
            writer.flush().await?;
            // Keep the write half open until the answer was read.
            Ok::<_, std::io::Error>(writer)
        });
        let receiving = async {
            let mut received = Vec::new();
            let mut buf = vec![0u8; 16 * 1024];
            let mut sent_when_answered = None;
            loop {
                let n = reader.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                received.extend_from_slice(&buf[..n]);
                if sent_when_answered.is_none() && received.windows(4).any(|w| w == b"\r\n\r\n") {
                    sent_when_answered = Some(sent.load(Ordering::SeqCst));
                }
                if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&received[..end]).to_string();
                    let length = head.lines().find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    });
                    if length.is_some_and(|len| received.len() >= end + 4 + len) {
                        break;
                    }
                }
            }
            let end = received
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("a response head");
            LongPartAnswer {
                head: String::from_utf8_lossy(&received[..end]).to_string(),
                body: String::from_utf8_lossy(&received[end + 4..]).to_string(),
                sent_when_answered: sent_when_answered.unwrap_or(u64::MAX),
            }
        };
        let answer = tokio::time::timeout(std::time::Duration::from_secs(600), receiving)
            .await
            .expect("the server answered");
        sending.abort();
        answer
    }

    /// The session cookie of a browser made with [`App::browser_with_jar`].
    pub fn session_cookie(&self, jar: &reqwest::cookie::Jar) -> String {
        let url: reqwest::Url = self.url("/").parse().expect("url");
        reqwest::cookie::CookieStore::cookies(jar, &url)
            .expect("session cookie")
            .to_str()
            .expect("ascii")
            .to_string()
    }
}
