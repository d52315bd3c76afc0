//! Recommendation quotas (推荐名额) of the reviewing units: the last place taken and the next
//! refused with the quota named, per direction and over all directions, two reviewers at the
//! last place at once (exactly one wins), a quota lowered by a new version stopping the
//! forward, and a unit apart (不占指标) whose recommendations the level above does not count.

use super::*;
use shenbao_app::actions::review::quota_overview;
use shenbao_core::quota::Breach;

/// An application of `direction` by a new organisation of `region`, submitted and waiting at
/// `level` and `unit`.
pub(super) async fn placed(
    store: &Store,
    call: &str,
    direction: &str,
    region: &str,
    level: &str,
    unit: &str,
) -> i64 {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (_, applicant) = store
        .register_applicant(
            &NewOrganisation {
                uscc: "91370200MA3C1234X5".to_string(),
                name: format!("测试企业{n}"),
                region: region.to_string(),
                created_at: NOW,
            },
            &user(&format!("qiye{n}"), Role::Applicant, None),
        )
        .await
        .expect("register");
    let app = store
        .create_application(
            &NewApplication {
                call_id: call.to_string(),
                call_version: 1,
                direction: direction.to_string(),
                subdirection: None,
                organisation_id: applicant.organisation_id.expect("organisation"),
                created_by: applicant.id,
                answers: "{}".to_string(),
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
        .expect("create");
    let sql = format!(
        "UPDATE applications SET status = 'submitted', submitted_at = {NOW}, \
         level = '{level}', unit = '{unit}' WHERE id = {}",
        app.id
    );
    assert_eq!(execute_raw(store, &sql).await, 1);
    app.id
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

pub(super) fn recommend() -> Verdict {
    Verdict::Recommend {
        opinion: "同意推荐".to_string(),
        signatures: Vec::new(),
    }
}

pub(super) fn quota_full(r: &Result<impl std::fmt::Debug, ActionError>) -> Option<Breach> {
    match r {
        Err(ActionError::Refused(Refusal::QuotaFull { breach, .. })) => Some(*breach),
        _ => None,
    }
}

const QUOTA: &str = "sd-quota";

fn sd_with_quota(per_direction: u32, per_unit: u32) -> (&'static Call, String) {
    variant(
        "sd-2024-llm-survey",
        QUOTA,
        &[(
            "ranks = false\n",
            &format!(
                "ranks = false\nquota = {{ per_direction = {per_direction}, \
                 per_unit = {per_unit}, source = \"通知三、（二）\" }}\n"
            ),
        )],
    )
}

async fn a_unit_takes_its_last_place_and_is_refused_the_next(db: TestDb) {
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[sd_with_quota(2, 3)], true, NOW)
        .await
        .expect("calls");
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("bureau");
    let mut enterprise = Vec::new();
    for _ in 0..3 {
        enterprise.push(placed(store, QUOTA, "enterprise", "370202", "city", "370200").await);
    }
    let product = [
        placed(store, QUOTA, "product", "370202", "city", "370200").await,
        placed(store, QUOTA, "product", "370202", "city", "370200").await,
    ];
    let decide = |id: i64, v: Verdict| {
        let calls = &calls;
        let bureau = &bureau;
        async move { review::decide(store, calls, actor(bureau), QUOTA, id, &v).await }
    };
    // Two places in the direction: both taken, the third refused with the numbers.
    decide(enterprise[0], recommend()).await.expect("first");
    decide(enterprise[1], recommend())
        .await
        .expect("at the limit");
    let r = decide(enterprise[2], recommend()).await;
    assert_eq!(
        quota_full(&r),
        Some(Breach::PerDirection { max: 2, used: 2 }),
        "{r:?}"
    );
    assert_eq!(
        store
            .application(enterprise[2])
            .await
            .expect("read")
            .expect("row")
            .status,
        ApplicationStatus::Submitted,
        "the refused one still waits"
    );
    // A recommended one recommended again (a new opinion) keeps its place.
    decide(enterprise[1], recommend()).await.expect("again");
    // Not recommending one frees its place.
    let no = Verdict::NotRecommend {
        reason: "材料不全".to_string(),
    };
    decide(enterprise[1], no).await.expect("not recommended");
    decide(enterprise[2], recommend())
        .await
        .expect("the freed place");
    // Three over all directions: the product direction has one place left.
    decide(product[0], recommend())
        .await
        .expect("third over all");
    let r = decide(product[1], recommend()).await;
    assert_eq!(
        quota_full(&r),
        Some(Breach::PerUnit { max: 3, used: 3 }),
        "{r:?}"
    );
    // What the bureau and the owner see.
    let desk = review::Desk::of(&calls, &bureau, QUOTA).expect("desk");
    let lines = desk.quota_use(store).await.expect("quota use");
    let left: Vec<(&str, i64, Option<i64>)> = lines
        .iter()
        .map(|l| (l.direction.as_str(), l.used.direction, l.left))
        .collect();
    assert_eq!(left, [("enterprise", 2, Some(0)), ("product", 1, Some(0))]);
    let overview = quota_overview(store, calls.get(QUOTA).expect("call"))
        .await
        .expect("overview");
    assert_eq!(overview.len(), 2);
    assert!(
        overview
            .iter()
            .all(|(l, unit, _)| l.id == "city" && unit == "370200")
    );
    // The refusal's words name the unit, the direction, the quota and where it comes from.
    let text = shenbao_core::quota::message(
        Breach::PerDirection { max: 2, used: 2 },
        "青岛市",
        "大模型企业",
        Some("通知三、（二）"),
    );
    assert!(
        text.contains("最多推荐2个") && text.contains("通知三、（二）"),
        "{text}"
    );
}

async fn two_reviewers_at_the_last_place_one_wins(db: TestDb) {
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[sd_with_quota(1, 10)], true, NOW)
        .await
        .expect("calls");
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("bureau");
    let colleague = store
        .create_user(&user("qingdao2", Role::Bureau, Some("370200")))
        .await
        .expect("colleague");
    for round in 0..5 {
        let a = placed(store, QUOTA, "enterprise", "370202", "city", "370200").await;
        let b = placed(store, QUOTA, "enterprise", "370202", "city", "370200").await;
        let verdict = recommend();
        let (ra, rb) = tokio::join!(
            review::decide(store, &calls, actor(&bureau), QUOTA, a, &verdict),
            review::decide(store, &calls, actor(&colleague), QUOTA, b, &verdict),
        );
        let won = [ra.is_ok(), rb.is_ok()];
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "round {round}: {ra:?} {rb:?}"
        );
        let lost = if ra.is_ok() { &rb } else { &ra };
        assert!(quota_full(lost).is_some(), "{lost:?}");
        // Free the place for the next round.
        let winner = if ra.is_ok() { a } else { b };
        let no = Verdict::NotRecommend {
            reason: "让出名额".to_string(),
        };
        review::decide(store, &calls, actor(&bureau), QUOTA, winner, &no)
            .await
            .expect("free");
    }
}

async fn a_quota_lowered_by_a_new_version_stops_the_forward(db: TestDb) {
    let store = &db.store;
    let first = CallRegistry::load_with(store, &[sd_with_quota(2, 10)], true, NOW)
        .await
        .expect("calls");
    let bureau = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("bureau");
    for _ in 0..2 {
        let id = placed(store, QUOTA, "enterprise", "370202", "city", "370200").await;
        review::decide(store, &first, actor(&bureau), QUOTA, id, &recommend())
            .await
            .expect("within the first quota");
    }
    // The owner's second version allows one per direction.
    let lowered = CallRegistry::load_with(store, &[sd_with_quota(1, 10)], true, NOW)
        .await
        .expect("calls");
    assert_eq!(lowered.get(QUOTA).expect("call").version, 2);
    scanned(store, &lowered, &bureau, QUOTA).await;
    let r = review::forward(
        store,
        &lowered,
        actor(&bureau),
        QUOTA,
        "enterprise",
        true,
        |_, _| String::new(),
    )
    .await;
    assert_eq!(
        quota_full(&r),
        Some(Breach::PerDirection { max: 1, used: 2 }),
        "{r:?}"
    );
    // Under the first version's quota the same list goes up.
    review::forward(
        store,
        &first,
        actor(&bureau),
        QUOTA,
        "enterprise",
        true,
        |_, _| String::new(),
    )
    .await
    .expect("forwarded");
}

async fn a_unit_apart_is_not_counted_above(db: TestDb) {
    const QZ: &str = "qz-quota";
    let (call, source) = variant(
        "qz-2024-ai-industry",
        QZ,
        &[
            (
                "instructions = \"对企业申报材料做好审核把关",
                "quota = { per_direction = 5, unit = [{ unit = \"350503\", per_direction = 1, counted_above = false }] }\ninstructions = \"对企业申报材料做好审核把关",
            ),
            (
                "scope = \"city\"\nranks = true\n",
                "scope = \"city\"\nranks = true\nquota = { per_direction = 1 }\n",
            ),
        ],
    );
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[(call, source)], true, NOW)
        .await
        .expect("calls");
    let fengze = store
        .create_user(&user("fengze", Role::Bureau, Some("350503")))
        .await
        .expect("bureau");
    let licheng = store
        .create_user(&user("licheng", Role::Bureau, Some("350502")))
        .await
        .expect("bureau");
    let city = store
        .create_user(&user("quanzhou", Role::Bureau, Some("350500")))
        .await
        .expect("bureau");
    let d = "compute_service";
    let apart = placed(store, QZ, d, "350503", "county", "350503").await;
    let second = placed(store, QZ, d, "350503", "county", "350503").await;
    let counted = placed(store, QZ, d, "350502", "county", "350502").await;
    let also = placed(store, QZ, d, "350502", "county", "350502").await;
    // 丰泽区 has its own quota of one.
    review::decide(store, &calls, actor(&fengze), QZ, apart, &recommend())
        .await
        .expect("apart");
    let r = review::decide(store, &calls, actor(&fengze), QZ, second, &recommend()).await;
    assert_eq!(
        quota_full(&r),
        Some(Breach::PerDirection { max: 1, used: 1 })
    );
    let no = Verdict::NotRecommend {
        reason: "名额已满".to_string(),
    };
    review::decide(store, &calls, actor(&fengze), QZ, second, &no)
        .await
        .expect("not recommended");
    for id in [counted, also] {
        review::decide(store, &calls, actor(&licheng), QZ, id, &recommend())
            .await
            .expect("鲤城区 within the level's five");
    }
    for bureau in [&fengze, &licheng] {
        scanned(store, &calls, bureau, QZ).await;
        review::forward(store, &calls, actor(bureau), QZ, d, true, |_, _| {
            String::new()
        })
        .await
        .expect("forwarded to the city");
    }
    // The city's one place: 丰泽区's recommendation is not counted in it.
    review::decide(store, &calls, actor(&city), QZ, apart, &recommend())
        .await
        .expect("apart, not counted");
    review::decide(store, &calls, actor(&city), QZ, counted, &recommend())
        .await
        .expect("the city's one counted place");
    let r = review::decide(store, &calls, actor(&city), QZ, also, &recommend()).await;
    assert_eq!(
        quota_full(&r),
        Some(Breach::PerDirection { max: 1, used: 1 }),
        "{r:?}"
    );
}

shenbao_store::on_both_databases!(
    a_unit_takes_its_last_place_and_is_refused_the_next,
    two_reviewers_at_the_last_place_one_wins,
    a_quota_lowered_by_a_new_version_stops_the_forward,
    a_unit_apart_is_not_counted_above,
);
