//! The seeding through the store API: the 2,000 organisations with their 10,000 drafts, and
//! the benchmark applicant with its own applications. Answers come from the core's valid
//! fixtures, read with the HTTP tests' helper (`tests/common/applicant.rs`).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use shenbao_store::{ApplicationEvent, NewApplication, NewOrganisation, NewUser, Role, Store};
use shenbao_web::auth;
use tokio::task::JoinSet;

use crate::common::applicant::{Fixture, fixture};
use crate::hammer::CONNECTIONS;
use crate::uploads::UPLOADS;

/// Organisations seeded besides the benchmark one.
pub const ORGANISATIONS: usize = 2_000;
/// Applications seeded besides the benchmark applicant's.
pub const APPLICATIONS: usize = 10_000;
/// Seeding tasks writing at once. SQLite has one writer, so more tasks gain little: on two
/// cores 1 task took 4.3–5.2 s, 4 tasks 4.6 s, 8 tasks 5.7 s (they queue on the write lock).
pub const SEED_WRITERS: usize = 4;

/// The benchmark applicant's login.
pub const USERNAME: &str = "bench_applicant";
pub const PASSWORD: &str = "bench-password-123";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shenbao_core/tests/fixtures")
}

/// Every `*.valid.json` fixture of every seed call, in a stable order (by call, then file
/// name), each read by the HTTP tests' [`fixture`].
///
/// That helper takes the call as `&'static str` (the tests name their calls literally); the
/// calls found here are folder names, so each is leaked once, a few bytes for the life of
/// the benchmark.
fn valid_fixtures() -> Result<Vec<Fixture>> {
    let mut files: Vec<(&'static str, String)> = Vec::new();
    for call in std::fs::read_dir(fixtures_dir())? {
        let dir = call?.path();
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("fixture folder")?;
        let call: &'static str = Box::leak(name.to_string().into_boxed_str());
        for f in std::fs::read_dir(&dir)? {
            let file = f?.file_name().to_string_lossy().into_owned();
            if file.ends_with(".valid.json") {
                files.push((call, file));
            }
        }
    }
    files.sort();
    Ok(files
        .iter()
        .map(|(call, file)| fixture(call, file))
        .collect())
}

pub fn event(at: i64, user: i64) -> ApplicationEvent {
    ApplicationEvent {
        at,
        actor_user_id: Some(user),
        actor_ip: None,
        note: None,
    }
}

/// What to insert for one application.
fn new_application(f: &Fixture, org: i64, user: i64, answers: String, at: i64) -> NewApplication {
    NewApplication {
        call_id: f.call.to_string(),
        call_version: 1,
        direction: f.direction.clone(),
        subdirection: f.subdirection.clone(),
        organisation_id: org,
        created_by: user,
        answers,
        created_at: at,
    }
}

/// Runs `job(i)` for every `i` in `0..n` on [`SEED_WRITERS`] tasks; results in `i` order.
pub async fn in_parallel<T, F, Fut>(n: usize, job: F) -> Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T>> + Send,
{
    let job = Arc::new(job);
    let mut set = JoinSet::new();
    for w in 0..SEED_WRITERS {
        let job = Arc::clone(&job);
        set.spawn(async move {
            let mut done = Vec::new();
            for i in (w..n).step_by(SEED_WRITERS) {
                done.push((i, job(i).await?));
            }
            anyhow::Ok(done)
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(part) = set.join_next().await {
        all.extend(part??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// Seeds [`ORGANISATIONS`] organisations, each with one account, and [`APPLICATIONS`]
/// drafts spread over them round-robin, answered from the valid fixtures. Each store call
/// is its own transaction (the store has no batch insert).
pub async fn seed(store: &Store, now: i64) -> Result<()> {
    // One hash for every seed account: Argon2 is slow on purpose, and nobody logs in as them.
    let hash = Arc::new(auth::hash_password("seed-password")?);
    const REGIONS: [&str; 5] = ["370102", "350502", "430104", "440106", "430302"];
    let s = store.clone();
    let accounts = in_parallel(ORGANISATIONS, move |i| {
        let (s, hash) = (s.clone(), Arc::clone(&hash));
        async move {
            let (org, user) = s
                .register_applicant(
                    &NewOrganisation {
                        // Unique, of the right length; the store does not check the digits.
                        uscc: format!("91000000SEED{i:06}"),
                        name: format!("压测企业{i}有限公司"),
                        region: REGIONS[i % REGIONS.len()].to_string(),
                        created_at: now,
                    },
                    &NewUser {
                        username: format!("seed_{i}"),
                        password_hash: hash.to_string(),
                        display_name: format!("联系人{i}"),
                        role: Role::Applicant,
                        organisation_id: None,
                        scope_region: None,
                        scope_sector: None,
                        email: None,
                        created_at: now,
                    },
                )
                .await?;
            Ok((org.id, user.id))
        }
    })
    .await?;
    let fixtures = Arc::new(valid_fixtures()?);
    let texts: Arc<Vec<String>> =
        Arc::new(fixtures.iter().map(|f| f.answers.to_string()).collect());
    let accounts = Arc::new(accounts);
    let s = store.clone();
    in_parallel(APPLICATIONS, move |i| {
        let (s, fixtures, texts, accounts) = (
            s.clone(),
            Arc::clone(&fixtures),
            Arc::clone(&texts),
            Arc::clone(&accounts),
        );
        async move {
            let (org, user) = accounts[i % accounts.len()];
            let k = i % fixtures.len();
            let at = now - (APPLICATIONS - i) as i64 * 1000;
            s.create_application(
                &new_application(&fixtures[k], org, user, texts[k].clone(), at),
                &event(at, user),
            )
            .await?;
            Ok(())
        }
    })
    .await?;
    Ok(())
}

/// The benchmark applicant's applications.
pub struct BenchApps {
    /// The one whose edit page is loaded.
    pub form: i64,
    /// One per draft-save connection.
    pub autosave: Vec<i64>,
    /// One per upload (the `video` slot takes one file).
    pub upload: Vec<i64>,
}

/// The benchmark organisation (with the hn-2025-ai `center` fixture's profile, so its
/// rules see a matching organisation), its applicant account and its applications.
pub async fn seed_bench_account(store: &Store, now: i64, center: &Fixture) -> Result<BenchApps> {
    let p = &center.profile;
    let (org, user) = store
        .register_applicant(
            &NewOrganisation {
                uscc: p["uscc"].as_str().context("uscc")?.to_string(),
                name: p["name"].as_str().context("name")?.to_string(),
                region: p["region"].as_str().context("region")?.to_string(),
                created_at: now,
            },
            &NewUser {
                username: USERNAME.to_string(),
                password_hash: auth::hash_password(PASSWORD)?,
                display_name: "压测联系人".to_string(),
                role: Role::Applicant,
                organisation_id: None,
                scope_region: None,
                scope_sector: None,
                email: None,
                created_at: now,
            },
        )
        .await?;
    let create = async |f: &Fixture| -> Result<i64> {
        let row = store
            .create_application(
                &new_application(f, org.id, user.id, f.answers.to_string(), now),
                &event(now, user.id),
            )
            .await?;
        Ok(row.id)
    };
    let form = create(center).await?;
    let mut autosave = Vec::new();
    for _ in 0..CONNECTIONS {
        autosave.push(create(center).await?);
    }
    let video = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let mut upload = Vec::new();
    for _ in 0..UPLOADS {
        upload.push(create(&video).await?);
    }
    Ok(BenchApps {
        form,
        autosave,
        upload,
    })
}
