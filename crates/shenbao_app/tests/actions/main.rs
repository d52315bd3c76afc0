//! The use cases called directly, without HTTP, on SQLite and PostgreSQL: what each action
//! writes together, what it refuses, and that a refused or failing action leaves no trace
//! (the application's version, its events, the audit log and the outbox unchanged), with a
//! failure injected by a database trigger after the state change.

use serde_json::Value as Json;
use shenbao_app::actions::applicant::{self, SubmitInput};
use shenbao_app::actions::review::{self, Verdict};
use shenbao_app::actions::{ActionError, Actor, Problem, Refusal};
use shenbao_app::actions::{expert, owner};
use shenbao_app::calls::CallRegistry;
use shenbao_app::news::News;
use shenbao_core::call::{Call, builtin, load_str};
use shenbao_core::workflow::Action;
use shenbao_store::testing::{TestDb, execute_raw, new_user};
use shenbao_store::{
    ApplicationEvent, ApplicationStatus, Backend, Chain, NewApplication, NewAttachment,
    NewOrganisation, NewUser, Role, Store, UserRow,
};

/// 2024-05-01 12:00 Beijing time; with demo deadlines the calls are open.
const NOW: i64 = 1_714_536_000_000;
const CALL: &str = "sd-2024-llm-survey";

/// A call registry, an applicant with a complete draft of the survey's enterprise direction
/// (every file attached), and the bureau of the applicant's city (青岛, 370200).
struct World {
    calls: CallRegistry,
    /// The call of the application.
    call: &'static str,
    applicant: UserRow,
    bureau: UserRow,
    id: i64,
}

/// A contest among the seeds, for what a collection has not (experts, selection, results):
/// 山东's 典型应用案例, its fixture, and the bureau of the fixture's city (济南).
const CONTEST: (&str, &str, &str) = ("sd-2024-llm-cases", "case.valid.json", "370100");

fn fixture() -> Json {
    fixture_of(CALL, "enterprise.valid.json")
}

fn fixture_of(call: &str, file: &str) -> Json {
    let path = format!(
        "{}/../shenbao_core/tests/fixtures/{call}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn user(name: &str, role: Role, region: Option<&str>) -> NewUser {
    new_user(name, role, region, NOW)
}

async fn world(store: &Store) -> World {
    world_of(store, CALL, fixture(), "370200").await
}

/// The world of [`CONTEST`].
async fn contest_world(store: &Store) -> World {
    let (call, file, bureau) = CONTEST;
    world_of(store, call, fixture_of(call, file), bureau).await
}

async fn world_of(store: &Store, call: &'static str, fx: Json, bureau_region: &str) -> World {
    let calls = CallRegistry::load(store, true, NOW).await.expect("calls");
    let profile = &fx["profile"];
    let (_, applicant) = store
        .register_applicant(
            &NewOrganisation {
                uscc: profile["uscc"].as_str().expect("test step").to_string(),
                name: profile["name"].as_str().expect("test step").to_string(),
                region: profile["region"].as_str().expect("test step").to_string(),
                created_at: NOW,
            },
            &user("applicant", Role::Applicant, None),
        )
        .await
        .expect("register");
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some(bureau_region)))
        .await
        .expect("bureau");
    let app = store
        .create_application(
            &NewApplication {
                call_id: call.to_string(),
                call_version: 1,
                direction: fx["direction"].as_str().expect("test step").to_string(),
                subdirection: None,
                organisation_id: applicant.organisation_id.expect("test step"),
                created_by: applicant.id,
                answers: fx["answers"].to_string(),
                created_at: NOW,
            },
            &ApplicationEvent {
                at: NOW,
                actor_user_id: Some(applicant.id),
                actor_ip: None,
                note: None,
            },
        )
        .await
        .expect("draft");
    for (i, f) in fx["files"]
        .as_array()
        .expect("test step")
        .iter()
        .enumerate()
    {
        store
            .add_attachment(&NewAttachment {
                application_id: app.id,
                slot: f["slot"].as_str().expect("test step").to_string(),
                original_name: f["name"].as_str().expect("test step").to_string(),
                storage_key: format!("key-{i}"),
                size: f["size"].as_i64().expect("test step"),
                sha256: format!("{i:064}"),
                file_type: f["type"].as_str().expect("test step").to_string(),
                created_at: NOW,
                uploaded_by: applicant.id,
            })
            .await
            .expect("attachment");
    }
    World {
        calls,
        call,
        applicant,
        bureau,
        id: app.id,
    }
}

fn actor(user: &UserRow) -> Actor<'_> {
    Actor {
        user,
        ip: Some("127.0.0.1"),
        now: NOW + 60_000,
    }
}

fn complete(version: i64) -> SubmitInput {
    SubmitInput {
        version,
        justification: String::new(),
        accepted: true,
        sector: String::new(),
    }
}

/// Everything an action could leave behind, to compare before and after.
#[derive(Debug, PartialEq)]
struct Trace {
    status: ApplicationStatus,
    version: i64,
    events: usize,
    snapshot: bool,
    audit: usize,
    outbox: i64,
}

async fn trace(store: &Store, id: i64) -> Trace {
    let app = store
        .application(id)
        .await
        .expect("test step")
        .expect("test step");
    Trace {
        status: app.status,
        version: app.version,
        events: store.application_events(id).await.expect("test step").len(),
        snapshot: store
            .latest_snapshot(id)
            .await
            .expect("test step")
            .is_some(),
        audit: store.audit_page(None, 1000).await.expect("test step").len(),
        outbox: store.undelivered_outbox().await.expect("test step"),
    }
}

/// Makes every insert into `table` fail from now on, as a full disk or a lost connection
/// would at that point of the transaction.
async fn fail_inserts_into(store: &Store, table: &str) {
    match store.backend() {
        Backend::Sqlite => {
            execute_raw(
                store,
                &format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
                     BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                ),
            )
            .await;
        }
        Backend::Postgres => {
            execute_raw(
                store,
                "CREATE OR REPLACE FUNCTION injected_failure() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            .await;
            execute_raw(
                store,
                &format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION injected_failure()"
                ),
            )
            .await;
        }
    }
}

async fn heal(store: &Store, table: &str) {
    let sql = match store.backend() {
        Backend::Sqlite => format!("DROP TRIGGER fail_{table}"),
        Backend::Postgres => format!("DROP TRIGGER fail_{table} ON {table}"),
    };
    execute_raw(store, &sql).await;
}

async fn submitted(store: &Store, w: &World) {
    let version = store
        .application(w.id)
        .await
        .expect("test step")
        .expect("test step")
        .version;
    applicant::submit(
        store,
        &w.calls,
        actor(&w.applicant),
        w.id,
        &complete(version),
    )
    .await
    .expect("submit");
}

/// The owner's side: the application submitted and placed at the owner level, an owner of
/// the province and an expert in the call's pool.
struct OwnerSide {
    owner: UserRow,
    expert: UserRow,
}

async fn at_owner_level(store: &Store, w: &World) -> OwnerSide {
    submitted(store, w).await;
    shenbao_store::testing::place_at_owner_level(store, w.id, "province", "海智大模型").await;
    let owner = store
        .create_user(&user("owner", Role::Owner, Some("370000")))
        .await
        .expect("owner");
    let expert = store
        .create_user(&user("expert", Role::Expert, None))
        .await
        .expect("expert");
    store
        .add_pool_expert(w.call, expert.id, NOW)
        .await
        .expect("pool");
    OwnerSide { owner, expert }
}

/// Assignments by the owner and score sheets by the expert of application `id`.
async fn sheets(store: &Store, id: i64) -> Vec<(i64, bool)> {
    store
        .experts_of_applications(&[id])
        .await
        .expect("test step")
        .iter()
        .map(|e| (e.expert_id, e.submitted_at.is_some()))
        .collect()
}

/// Uploads every stamped scan the level of `user`'s unit asks for before it forwards (the
/// rows only: these tests do not read the files).
pub(crate) async fn scanned(store: &Store, calls: &CallRegistry, user: &UserRow, call: &str) {
    let desk = review::Desk::of(calls, user, call).expect("a desk");
    let kinds = shenbao_app::actions::sending::sending(&desk)
        .map(|s| s.scans.clone())
        .unwrap_or_default();
    for kind in kinds {
        shenbao_app::actions::sending::upload_scan(
            store,
            calls,
            actor(user),
            call,
            kind,
            &shenbao_app::actions::sending::ScanFile {
                original_name: format!("{}.pdf", kind.as_str()),
                storage_key: format!("scans/{}", kind.as_str()),
                size: 1024,
                sha256: format!("{:064}", 0),
            },
        )
        .await
        .expect("scan");
    }
}

pub(crate) fn seed_source(id: &str) -> &'static str {
    builtin::SOURCES.iter().find(|s| s.0 == id).expect("seed").2
}

/// The seed `id` as a new call `new_id` with `edits` (text replaced once each).
pub(crate) fn variant(id: &str, new_id: &str, edits: &[(&str, &str)]) -> (&'static Call, String) {
    let mut source =
        seed_source(id).replacen(&format!("id = \"{id}\""), &format!("id = \"{new_id}\""), 1);
    for (from, to) in edits {
        assert!(source.contains(from), "the edit finds {from}");
        source = source.replacen(from, to, 1);
    }
    let call = load_str("test.toml", &source).expect("compiles");
    (Box::leak(Box::new(call)), source)
}

mod applicant_actions;
mod caps;
mod national;
mod quotas;
mod review_actions;
mod sending;
mod versions;
