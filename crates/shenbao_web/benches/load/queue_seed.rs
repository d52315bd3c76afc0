//! The bureau queue's data: the county bureau account and 10,000 submitted applications of
//! qz-2024-ai-industry from 1,000 organisations in 泉州's counties, seeded through the store
//! API, and what the queue, its filtered query and the ranking should show of them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use sha2::{Digest, Sha256};
use shenbao_store::{
    Decision, NewApplication, NewOrganisation, NewSnapshot, NewUser, Role, Store, Submission,
    UnitRef,
};
use shenbao_web::auth;

use crate::common::applicant::fixture;
use crate::fixtures::{PASSWORD, event, in_parallel};
use crate::memory::cpu_time;
use crate::uploads::hex;

/// The call whose county queue is measured: 泉州's counties review four of its directions.
pub const QUEUE_CALL: &str = "qz-2024-ai-industry";
/// The call's county level.
pub const QUEUE_LEVEL: &str = "county";
/// Submitted applications seeded for the queue.
pub const QUEUE_APPLICATIONS: usize = 10_000;
/// Organisations they come from, spread over 泉州's counties.
pub const QUEUE_ORGANISATIONS: usize = 1_000;
/// The benchmark bureau's county, 鲤城区: every even-numbered organisation, so half of the
/// applications (5,000, 250 pages).
const BUREAU_UNIT: &str = "350502";
/// The other counties of 泉州 (350500), for the odd-numbered organisations.
const OTHER_UNITS: [&str; 10] = [
    "350503", "350504", "350505", "350521", "350524", "350525", "350526", "350581", "350582",
    "350583",
];
/// The directions the county level reviews, with the kind of project their titles name.
const QUEUE_DIRECTIONS: [(&str, &str); 4] = [
    ("compute_service", "智算"),
    ("lingyan_software", "领雁软件"),
    ("software_product", "软件产品"),
    ("hardware_product", "硬件产品"),
];
/// The direction whose ranking is measured.
pub const RANKED_DIRECTION: &str = "compute_service";
/// Rows on a queue page (the server's `PAGE`).
pub const QUEUE_PAGE: usize = 20;
/// The deep-page phase requests the pages from this one (0-based) to the last.
pub const DEEP_FROM: usize = 100;
/// The filtered query's keyword.
pub const KEYWORD: &str = "科技";
/// The benchmark bureau's login.
pub const BUREAU: &str = "bench_bureau";

/// Parts of the seeded organisations' names: 25 × 10 × 4 = 1,000 distinct names.
const NAME_PLACES: [&str; 25] = [
    "刺桐", "清源", "开元", "海丝", "闽台", "东海", "洛阳", "紫帽", "清濛", "泉港", "金井", "深沪",
    "安平", "罗山", "丰州", "官桥", "洪濑", "蓬壶", "东岭", "凤山", "龙湖", "永宁", "梅山", "湖头",
    "石圳",
];
const NAME_WORDS: [&str; 10] = [
    "智算", "数联", "云启", "星链", "锐思", "恒信", "博远", "天工", "中研", "华芯",
];
const NAME_KINDS: [&str; 4] = [
    "科技有限公司",
    "信息技术有限公司",
    "智能装备有限公司",
    "软件股份有限公司",
];

/// The county of seeded organisation `j`.
fn queue_unit(j: usize) -> &'static str {
    if j.is_multiple_of(2) {
        BUREAU_UNIT
    } else {
        OTHER_UNITS[(j / 2) % OTHER_UNITS.len()]
    }
}

fn queue_organisation_name(j: usize) -> String {
    format!(
        "泉州{}{}{}",
        NAME_PLACES[j % 25],
        NAME_WORDS[(j / 25) % 10],
        NAME_KINDS[(j / 250) % 4]
    )
}

/// One seeded application, as the queue should show it.
#[derive(Clone)]
pub struct QueueApp {
    pub id: i64,
    unit: &'static str,
    direction: &'static str,
    status: &'static str,
    pub submitted_at: i64,
    organisation: String,
    title: String,
}

/// The seeded queue.
pub struct QueueSeed {
    apps: Vec<QueueApp>,
    pub bureau_unit: &'static str,
    pub decided: usize,
    pub took: Duration,
    pub cpu: Duration,
}

impl QueueSeed {
    /// The bureau's queue, newest first, as the server orders it.
    pub fn newest(&self) -> Vec<&QueueApp> {
        let mut v: Vec<&QueueApp> = self
            .apps
            .iter()
            .filter(|a| a.unit == self.bureau_unit)
            .collect();
        v.sort_by_key(|a| std::cmp::Reverse((a.submitted_at, a.id)));
        v
    }

    pub fn at_unit(&self) -> usize {
        self.apps
            .iter()
            .filter(|a| a.unit == self.bureau_unit)
            .count()
    }

    /// The filtered query's rows, oldest first.
    pub fn filtered(&self) -> Vec<&QueueApp> {
        let mut v: Vec<&QueueApp> = self
            .apps
            .iter()
            .filter(|a| {
                a.unit == self.bureau_unit
                    && a.status == "recommended"
                    && (a.organisation.contains(KEYWORD) || a.title.contains(KEYWORD))
            })
            .collect();
        v.sort_by_key(|a| (a.submitted_at, a.id));
        v
    }

    /// The ids in the bureau's ranking of [`RANKED_DIRECTION`], sorted by id.
    pub fn ranked(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .apps
            .iter()
            .filter(|a| {
                a.unit == self.bureau_unit
                    && a.direction == RANKED_DIRECTION
                    && a.status == "recommended"
            })
            .map(|a| a.id)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Seeds the bureau account, [`QUEUE_ORGANISATIONS`] organisations in 泉州's counties and
/// [`QUEUE_APPLICATIONS`] applications of [`QUEUE_CALL`] through the store API: each created
/// from the direction's valid fixture, submitted to its county (four at a time share a
/// `submitted_at`, so the keyset's tie-break on the id is exercised), and one in ten
/// recommended, one in twenty not recommended, the rest waiting.
pub async fn seed_queue(store: &Store, now: i64) -> Result<QueueSeed> {
    let bureau = store
        .create_user(&NewUser {
            username: BUREAU.to_string(),
            password_hash: auth::hash_password(PASSWORD)?,
            display_name: "鲤城区工信局（压测）".to_string(),
            role: Role::Bureau,
            organisation_id: None,
            scope_region: Some(BUREAU_UNIT.to_string()),
            scope_sector: None,
            email: None,
            created_at: now,
        })
        .await?;
    let (start, cpu0) = (Instant::now(), cpu_time("self"));
    let hash = Arc::new(auth::hash_password("seed-password")?);
    let s = store.clone();
    let accounts = in_parallel(QUEUE_ORGANISATIONS, move |j| {
        let (s, hash) = (s.clone(), Arc::clone(&hash));
        async move {
            let (org, user) = s
                .register_applicant(
                    &NewOrganisation {
                        uscc: format!("91350500QZ{j:08}"),
                        name: queue_organisation_name(j),
                        region: queue_unit(j).to_string(),
                        created_at: now,
                    },
                    &NewUser {
                        username: format!("qz_seed_{j}"),
                        password_hash: hash.to_string(),
                        display_name: format!("泉州联系人{j}"),
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
    let mut answers = Vec::new();
    for (direction, _) in QUEUE_DIRECTIONS {
        let f = fixture(QUEUE_CALL, &format!("{direction}.valid.json"));
        let text = f.answers.to_string();
        let sha = hex(&Sha256::digest(text.as_bytes()));
        answers.push((f.subdirection, text, sha));
    }
    let (answers, accounts) = (Arc::new(answers), Arc::new(accounts));
    let s = store.clone();
    let apps = in_parallel(QUEUE_APPLICATIONS, move |i| {
        let (s, answers, accounts) = (s.clone(), Arc::clone(&answers), Arc::clone(&accounts));
        async move {
            let j = i % QUEUE_ORGANISATIONS;
            let (org, user) = accounts[j];
            let d = (i / 1000) % QUEUE_DIRECTIONS.len();
            let (direction, kind) = QUEUE_DIRECTIONS[d];
            let (subdirection, text, sha) = &answers[d];
            let unit = queue_unit(j);
            let organisation = queue_organisation_name(j);
            let title = format!("{organisation}{kind}项目{}", i + 1);
            // Within the last day, four applications a second.
            let submitted_at = now - 86_400_000 + (i / 4) as i64 * 1000;
            let created_at = submitted_at - 3_600_000;
            let row = s
                .create_application(
                    &NewApplication {
                        call_id: QUEUE_CALL.to_string(),
                        call_version: 1,
                        direction: direction.to_string(),
                        subdirection: subdirection.clone(),
                        organisation_id: org,
                        created_by: user,
                        answers: text.clone(),
                        created_at,
                    },
                    &event(created_at, user),
                )
                .await?;
            let row = s
                .submit_application(
                    row.id,
                    row.version,
                    &Submission {
                        from_status: shenbao_store::ApplicationStatus::Draft,
                        level: QUEUE_LEVEL.to_string(),
                        unit: unit.to_string(),
                        sector: None,
                        title: Some(title.clone()),
                    },
                    &NewSnapshot {
                        version: row.version,
                        answers: text.clone(),
                        files: "[]".to_string(),
                        content_hash: sha.clone(),
                    },
                    &event(submitted_at, user),
                )
                .await?;
            let k = i / 2;
            let recommended = match (k % 10, k % 20) {
                (3, _) => Some(true),
                (_, 7) => Some(false),
                _ => None,
            };
            let status = match recommended {
                Some(yes) => {
                    let at = UnitRef {
                        call_id: QUEUE_CALL.to_string(),
                        level: QUEUE_LEVEL.to_string(),
                        unit: unit.to_string(),
                    };
                    let opinion = if yes {
                        "材料齐全，符合申报条件，同意推荐。"
                    } else {
                        "不符合申报条件。"
                    };
                    s.decide(
                        row.id,
                        &at,
                        &Decision {
                            recommended: yes,
                            opinion: opinion.to_string(),
                            signatures: None,
                        },
                        &event(now, bureau.id),
                    )
                    .await?;
                    if yes {
                        "recommended"
                    } else {
                        "not_recommended"
                    }
                }
                None => "submitted",
            };
            Ok(QueueApp {
                id: row.id,
                unit,
                direction,
                status,
                submitted_at,
                organisation,
                title,
            })
        }
    })
    .await?;
    let decided = apps.iter().filter(|a| a.status != "submitted").count();
    Ok(QueueSeed {
        apps,
        bureau_unit: BUREAU_UNIT,
        decided,
        took: start.elapsed(),
        cpu: cpu_time("self").saturating_sub(cpu0),
    })
}
