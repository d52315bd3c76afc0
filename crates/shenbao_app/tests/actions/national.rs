//! A national call that provinces recommend to (a ministry level above the province): a city
//! bureau forwards to its province's department (scope `provincial`, a bureau account of the
//! province's code), which recommends within its quota (每省每个方向推荐不超过1个) and forwards
//! to the issuing ministry.

use super::quotas::{placed, quota_full, recommend};
use super::*;
use shenbao_core::quota::Breach;

const NATIONAL: &str = "mi-national";

async fn cities_forward_to_their_province_which_forwards_to_the_ministry(db: TestDb) {
    let (call, source) = variant(
        "gd-2023-ai-scenarios",
        NATIONAL,
        &[
            ("area = \"440000\"\n", ""),
            (
                "[[review_level]]\nid = \"province\"\nname = \"广东省工业和信息化厅\"\nscope = \"province\"\n",
                "[[review_level]]\nid = \"provincial\"\nname = \"各省级工业和信息化主管部门\"\n\
                 scope = \"provincial\"\nquota = { per_direction = 1, source = \"每省每个方向推荐不超过1个\" }\n\n\
                 [[review_level]]\nid = \"province\"\nname = \"工业和信息化部\"\nscope = \"province\"\n",
            ),
        ],
    );
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[(call, source)], true, NOW)
        .await
        .expect("calls");
    let guangzhou = store
        .create_user(&user("guangzhou", Role::Bureau, Some("440100")))
        .await
        .expect("bureau");
    let guangdong = store
        .create_user(&user("guangdong", Role::Bureau, Some("440000")))
        .await
        .expect("province");
    let d = "manufacturing";
    let one = placed(store, NATIONAL, d, "440106", "city", "440100").await;
    let two = placed(store, NATIONAL, d, "440106", "city", "440100").await;
    for id in [one, two] {
        review::decide(store, &calls, actor(&guangzhou), NATIONAL, id, &recommend())
            .await
            .expect("the city recommends");
    }
    scanned(store, &calls, &guangzhou, NATIONAL).await;
    review::forward(
        store,
        &calls,
        actor(&guangzhou),
        NATIONAL,
        d,
        true,
        |_, _| String::new(),
    )
    .await
    .expect("to the province");
    let at = |id: i64| async move {
        let a = store.application(id).await.expect("read").expect("row");
        (a.level.unwrap_or_default(), a.unit.unwrap_or_default())
    };
    assert_eq!(
        at(one).await,
        ("provincial".to_string(), "440000".to_string())
    );
    // The province's department recommends one (its quota) and not the other.
    review::decide(
        store,
        &calls,
        actor(&guangdong),
        NATIONAL,
        one,
        &recommend(),
    )
    .await
    .expect("within the province's quota");
    let r = review::decide(
        store,
        &calls,
        actor(&guangdong),
        NATIONAL,
        two,
        &recommend(),
    )
    .await;
    assert_eq!(
        quota_full(&r),
        Some(Breach::PerDirection { max: 1, used: 1 })
    );
    let no = Verdict::NotRecommend {
        reason: "名额所限".to_string(),
    };
    review::decide(store, &calls, actor(&guangdong), NATIONAL, two, &no)
        .await
        .expect("not recommended");
    scanned(store, &calls, &guangdong, NATIONAL).await;
    review::forward(
        store,
        &calls,
        actor(&guangdong),
        NATIONAL,
        d,
        true,
        |_, _| String::new(),
    )
    .await
    .expect("to the ministry");
    assert_eq!(at(one).await, ("province".to_string(), "*".to_string()));
    assert_eq!(
        at(two).await,
        ("provincial".to_string(), "440000".to_string())
    );
}

shenbao_store::on_both_databases!(cities_forward_to_their_province_which_forwards_to_the_ministry);
