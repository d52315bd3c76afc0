//! The surge: each client's plan (which call, which fields), its autosaves, uploads and
//! submissions, and the ledger of what the server acknowledged.

use super::*;

// ---- the applicants' side ----------------------------------------------------------------------

/// What one concurrent client does.
#[derive(Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) username: &'static str,
    /// The demo organisation's code, written into the fixture's answers.
    pub(crate) uscc: &'static str,
    pub(crate) call: &'static str,
    /// Posted to start an application (`direction` or `direction/subdirection`).
    pub(crate) direction: &'static str,
    /// The valid fixture whose answers are filled in.
    pub(crate) fixture: &'static str,
    /// A text field that carries each save's marker.
    pub(crate) marker_field: &'static str,
    /// Slots that take extra PDFs between the saves.
    pub(crate) extra_slots: &'static [&'static str],
    /// Files uploaded to complete the application before submission: (slot, kind). Empty
    /// means this client never submits and keeps saving its one draft.
    pub(crate) required: &'static [(&'static str, &'static str)],
}

pub(crate) const JINAN_REQUIRED: &[(&str, &str)] = &[
    ("form_scan", "pdf"),
    ("form_editable", "docx"),
    ("evidence", "pdf"),
];

pub(crate) const CHANGSHA_REQUIRED: &[(&str, &str)] = &[
    ("commitment_scan", "pdf"),
    ("llm_license", "pdf"),
    ("llm_qualifications", "pdf"),
    ("llm_audit", "pdf"),
    ("llm_tax", "pdf"),
    ("project_audit", "pdf"),
    ("llm_ip_proof", "pdf"),
    ("llm_tech_proof", "pdf"),
    ("llm_application_proof", "pdf"),
];

pub(crate) const PLANS: &[Plan] = &[
    Plan {
        username: "demo_qiye_jinan",
        uscc: "91370102MA3DEM0002",
        call: "sd-2024-llm-cases",
        direction: "case",
        fixture: "sd-2024-llm-cases/case.valid.json",
        marker_field: "product_name",
        extra_slots: &["evidence"],
        required: JINAN_REQUIRED,
    },
    // A second browser of the same organisation, on applications of its own.
    Plan {
        username: "demo_qiye_jinan",
        uscc: "91370102MA3DEM0002",
        call: "sd-2024-llm-cases",
        direction: "case",
        fixture: "sd-2024-llm-cases/case.valid.json",
        marker_field: "product_name",
        extra_slots: &["evidence"],
        required: JINAN_REQUIRED,
    },
    Plan {
        username: "demo_qiye_changsha",
        uscc: "91430104MA3DEM043J",
        call: "hn-2025-ai",
        direction: "llm/general",
        fixture: "hn-2025-ai/llm-general.valid.json",
        marker_field: "project_name",
        extra_slots: &["llm_self_assessment"],
        required: CHANGSHA_REQUIRED,
    },
    // One application per organisation and call (per direction for 泉州): these two keep
    // saving and uploading to one draft.
    Plan {
        username: "demo_qiye_guangzhou",
        uscc: "91440106MA3DEM051E",
        call: "gd-2023-ai-scenarios",
        direction: "city_governance",
        fixture: "gd-2023-ai-scenarios/city_governance.valid.json",
        marker_field: "scene_name",
        extra_slots: &[
            "rd_capability",
            "appraisal_proof",
            "ip_proof",
            "scene_awards",
        ],
        required: &[],
    },
    Plan {
        username: "demo_qiye_quanzhou",
        uscc: "91350502MA3DEM0351",
        call: "qz-2024-ai-industry",
        direction: "software_product",
        fixture: "qz-2024-ai-industry/software_product.valid.json",
        marker_field: "sw_product_name",
        extra_slots: &[
            "sales_contracts",
            "rd_team_evidence",
            "license_patents_awards",
            "product_benefit_evidence",
        ],
        required: &[],
    },
];

/// An acknowledged autosave: the version the server returned and the marker it wrote.
#[derive(Debug, Clone)]
pub(crate) struct Save {
    pub(crate) app: i64,
    pub(crate) version: i64,
    pub(crate) field: &'static str,
    pub(crate) value: String,
}

/// An acknowledged upload.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub(crate) app: i64,
    pub(crate) slot: String,
    pub(crate) name: String,
    pub(crate) size: usize,
    pub(crate) sha256: String,
}

/// An acknowledged submission, with the marker of the last save before it.
#[derive(Debug, Clone)]
pub(crate) struct Submitted {
    pub(crate) app: i64,
    pub(crate) field: &'static str,
    pub(crate) value: String,
}

/// Everything the clients were told, and what went wrong before the kill.
#[derive(Default)]
pub(crate) struct Ledger {
    pub(crate) saves: Vec<Save>,
    pub(crate) uploads: Vec<Upload>,
    pub(crate) submissions: Vec<Submitted>,
    /// Answers that were wrong in themselves (not a connection lost to the kill).
    pub(crate) failures: Vec<String>,
}

impl Ledger {
    pub(crate) fn enough(&self) -> bool {
        self.saves.len() >= MIN_SAVES
            && self.uploads.len() >= MIN_UPLOADS
            && self.submissions.len() >= MIN_SUBMISSIONS
    }
}

/// Why a client stopped.
pub(crate) enum Halt {
    /// A request failed after the kill began: expected.
    Killed,
    /// Something the test did not expect.
    Failed(String),
}

/// A client's session and where it got to, for the checks after the restart.
pub(crate) struct ClientEnd {
    pub(crate) plan: Plan,
    pub(crate) browser: reqwest::Client,
    pub(crate) apps: Vec<i64>,
    /// The request that was cut by the kill, if any.
    pub(crate) cut: Option<&'static str>,
}

/// Everything a running client shares.
pub(crate) struct Ctx {
    pub(crate) base: String,
    pub(crate) csrf: String,
    pub(crate) browser: reqwest::Client,
    pub(crate) ledger: Arc<Mutex<Ledger>>,
    pub(crate) killing: Arc<AtomicBool>,
}

impl Ctx {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A transport error: the kill's doing once it began, a failure before.
    pub(crate) fn lost(&self, what: &'static str, e: &reqwest::Error) -> (Halt, &'static str) {
        if self.killing.load(Ordering::SeqCst) {
            (Halt::Killed, what)
        } else {
            (Halt::Failed(format!("{what}: {e}")), what)
        }
    }
}

pub(crate) type Step<T> = Result<T, (Halt, &'static str)>;

pub(crate) fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The CSRF token of a page's first form.
pub(crate) fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let start = html.find(key).expect("page has a csrf field") + key.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The hidden version of an edit page, if it has one.
pub(crate) fn version_of(html: &str) -> Option<i64> {
    let key = "name=\"version\" value=\"";
    let start = html.find(key)? + key.len();
    html[start..].split('"').next()?.parse().ok()
}

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fixture's answers with the demo organisation's code wherever the fixture's code was.
pub(crate) fn answers_of(plan: &Plan) -> serde_json::Map<String, Json> {
    let path = repo()
        .join("crates/shenbao_core/tests/fixtures")
        .join(plan.fixture);
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
    let old = v["profile"]["uscc"].as_str().expect("fixture uscc");
    let text = v["answers"].to_string().replace(old, plan.uscc);
    match serde_json::from_str(&text).expect("answers stay JSON") {
        Json::Object(m) => m,
        other => panic!("answers are an object: {other}"),
    }
}

/// A small file of `kind` that the server recognises by its magic bytes, unique to `tag`.
pub(crate) fn file_content(kind: &str, tag: &str, size: usize) -> Vec<u8> {
    let mut bytes = match kind {
        "pdf" => b"%PDF-1.7\n".to_vec(),
        "docx" => {
            let mut h = b"PK\x03\x04".to_vec();
            h.resize(30, 0);
            h.extend_from_slice(b"word/document.xml");
            h
        }
        other => panic!("no content for {other}"),
    };
    bytes.extend_from_slice(format!("% crash test {tag}\n").as_bytes());
    bytes.resize(size.max(bytes.len()), b' ');
    bytes
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A small generator for sizes and the kill's jitter; no need for a dependency.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn seeded(salt: u64) -> Rng {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Rng((t ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Logs `username` in; returns the browser and its session's CSRF token.
pub(crate) async fn login(base: &str, username: &str, password: &str) -> (reqwest::Client, String) {
    let b = browser();
    let html = b
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("login page body");
    let r = b
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} logged in");
    let html = b
        .get(format!("{base}/applications"))
        .send()
        .await
        .expect("applications")
        .text()
        .await
        .expect("applications body");
    (b, csrf_of(&html))
}

/// One client's surge: start an application, autosave it with a new marker again and again,
/// upload PDFs in between; a client with required files completes and submits its application
/// after a few saves and starts the next.
pub(crate) async fn run_client(
    index: usize,
    plan: Plan,
    ctx: Ctx,
    stop: Arc<AtomicBool>,
) -> ClientEnd {
    let mut apps = Vec::new();
    let outcome = surge(index, &plan, &ctx, &stop, &mut apps).await;
    let cut = match outcome {
        Ok(()) => None,
        Err((Halt::Killed, what)) => Some(what),
        Err((Halt::Failed(message), _)) => {
            ctx.ledger
                .lock()
                .expect("ledger")
                .failures
                .push(format!("client {index} ({}): {message}", plan.username));
            None
        }
    };
    ClientEnd {
        plan,
        browser: ctx.browser,
        apps,
        cut,
    }
}

pub(crate) async fn surge(
    index: usize,
    plan: &Plan,
    ctx: &Ctx,
    stop: &AtomicBool,
    apps: &mut Vec<i64>,
) -> Step<()> {
    let mut rng = Rng::seeded(index as u64 + 1);
    let mut answers = answers_of(plan);
    let original = answers[plan.marker_field]
        .as_str()
        .expect("marker field is text")
        .to_string();
    let mut full_slots = BTreeSet::new();
    let mut uploads = 0usize;
    while !stop.load(Ordering::SeqCst) {
        // Start an application.
        let r = ctx
            .browser
            .post(ctx.url(&format!("/calls/{}/applications", plan.call)))
            .form(&[("csrf", ctx.csrf.as_str()), ("direction", plan.direction)])
            .send()
            .await
            .map_err(|e| ctx.lost("start", &e))?;
        let to = location(&r);
        let Some(app) = (r.status() == StatusCode::SEE_OTHER)
            .then(|| {
                to.strip_prefix("/applications/")?
                    .strip_suffix("/edit")?
                    .parse::<i64>()
                    .ok()
            })
            .flatten()
        else {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            return Err((
                Halt::Failed(format!("start answered {status} {to}: {body:.300}")),
                "start",
            ));
        };
        apps.push(app);
        // A new application is at version 1.
        let mut version = 1i64;
        let mut last_value: String;
        let mut step = 0usize;
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            // Autosave with a marker of its own.
            let value = format!("{original} [c{index}-a{app}-s{step}]");
            answers.insert(plan.marker_field.to_string(), Json::from(value.clone()));
            let mut fields = vec![
                ("csrf".to_string(), ctx.csrf.clone()),
                ("version".to_string(), version.to_string()),
            ];
            fields.extend(shenbao_web::form::fields_of(&Json::Object(answers.clone())));
            let r = ctx
                .browser
                .post(ctx.url(&format!("/applications/{app}/autosave")))
                .form(&fields)
                .send()
                .await
                .map_err(|e| ctx.lost("autosave", &e))?;
            let status = r.status();
            let body = r.text().await.map_err(|e| ctx.lost("autosave", &e))?;
            let saved: Json = serde_json::from_str(&body).unwrap_or_default();
            if status != StatusCode::OK || saved["saved"] != Json::Bool(true) {
                return Err((
                    Halt::Failed(format!("autosave answered {status}: {body:.300}")),
                    "autosave",
                ));
            }
            match saved["version"].as_i64() {
                Some(v) if v > version => version = v,
                _ => {
                    return Err((
                        Halt::Failed(format!("autosave from version {version} answered {body}")),
                        "autosave",
                    ));
                }
            }
            last_value = value.clone();
            ctx.ledger.lock().expect("ledger").saves.push(Save {
                app,
                version,
                field: plan.marker_field,
                value,
            });
            step += 1;
            // Every other save, an extra PDF into a slot with room.
            if step.is_multiple_of(2)
                && let Some(slot) = plan
                    .extra_slots
                    .iter()
                    .cycle()
                    .skip(uploads)
                    .take(plan.extra_slots.len())
                    .find(|s| !full_slots.contains(*s))
            {
                uploads += 1;
                if !upload(ctx, &mut rng, index, app, slot, "pdf").await? {
                    full_slots.insert(*slot);
                }
            }
            if !plan.required.is_empty() && step >= SAVES_PER_SUBMISSION {
                break;
            }
        }
        // Complete the application and submit it.
        for (slot, kind) in plan.required {
            if !upload(ctx, &mut rng, index, app, slot, kind).await? {
                return Err((
                    Halt::Failed(format!("required slot {slot} of {app} is full")),
                    "upload",
                ));
            }
        }
        let r = ctx
            .browser
            .post(ctx.url(&format!("/applications/{app}/submit")))
            .form(&[
                ("csrf", ctx.csrf.as_str()),
                ("version", version.to_string().as_str()),
                ("justification", "压力测试：已说明"),
                ("accept", "1"),
            ])
            .send()
            .await
            .map_err(|e| ctx.lost("submit", &e))?;
        let to = location(&r);
        if r.status() != StatusCode::SEE_OTHER || to != format!("/applications/{app}") {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            let errors: Vec<&str> = body
                .lines()
                .filter(|l| l.contains("<li"))
                .take(20)
                .collect();
            return Err((
                Halt::Failed(format!(
                    "submit of {app} answered {status} {to}: {}",
                    errors.join(" ")
                )),
                "submit",
            ));
        }
        ctx.ledger
            .lock()
            .expect("ledger")
            .submissions
            .push(Submitted {
                app,
                field: plan.marker_field,
                value: last_value,
            });
    }
    Ok(())
}

/// Uploads a small file of `kind` into `slot`; records it when acknowledged. `Ok(false)` when
/// the slot is full.
pub(crate) async fn upload(
    ctx: &Ctx,
    rng: &mut Rng,
    index: usize,
    app: i64,
    slot: &str,
    kind: &str,
) -> Step<bool> {
    let size = 1024 + usize::try_from(rng.below(8 * 1024)).expect("small");
    let name = format!("c{index}-a{app}-{slot}-{}.{kind}", rng.below(1 << 40));
    let bytes = file_content(kind, &name, size);
    let sha256 = sha256_hex(&bytes);
    let form = Form::new()
        .text("csrf", ctx.csrf.clone())
        .text("slot", slot.to_string())
        .part("file", Part::bytes(bytes).file_name(name.clone()));
    let r = ctx
        .browser
        .post(ctx.url(&format!("/applications/{app}/files")))
        .multipart(form)
        .send()
        .await
        .map_err(|e| ctx.lost("upload", &e))?;
    let to = location(&r);
    if r.status() == StatusCode::SEE_OTHER && to.contains("msg=uploaded") {
        ctx.ledger.lock().expect("ledger").uploads.push(Upload {
            app,
            slot: slot.to_string(),
            name,
            size,
            sha256,
        });
        return Ok(true);
    }
    if r.status() == StatusCode::SEE_OTHER && to.contains("msg=too_many") {
        return Ok(false);
    }
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    Err((
        Halt::Failed(format!(
            "upload to {slot} answered {status} {to}: {body:.300}"
        )),
        "upload",
    ))
}
