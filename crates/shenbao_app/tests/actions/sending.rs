//! What a unit sends upward with its list (`[review_level.sending]`): the forward refused
//! until every stamped scan the level asks for is uploaded, each missing one named with the
//! notice's clause; the letter's list in ranking order; who may read a scan (the unit, the
//! unit it was sent to, the owner) and who may not (another unit).

use super::quotas::{placed, recommend};
use super::*;
use shenbao_app::actions::sending::{self, ScanFile};
use shenbao_core::call::definition::ScanKind;

const SEND: &str = "sd-send";

/// The 摸底 survey with a letter asked of the city level besides its stamped summary.
fn survey_sending() -> (&'static Call, String) {
    variant(
        "sd-2024-llm-survey",
        SEND,
        &[(
            "scans = [\"summary\"]\nsource = \"四、其他事项\"\n",
            "scans = [\"letter\", \"summary\"]\nsource = \"四、其他事项\"\n\n\
             [review_level.sending.letter]\ntitle = \"关于报送大模型企业及产品摸底材料的函\"\n\
             text = \"根据《{call}》要求，{unit}现将辖区内{count}份摸底材料报送{to}。\"\n",
        )],
    )
}

fn scan(name: &str) -> ScanFile {
    ScanFile {
        original_name: name.to_string(),
        storage_key: format!("{SEND}/scans/{name}"),
        size: 1024,
        sha256: format!("{:064}", name.len()),
    }
}

async fn a_list_goes_up_only_with_its_stamped_scans(db: TestDb) {
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[survey_sending()], true, NOW)
        .await
        .expect("calls");
    let qingdao = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("bureau");
    let jinan = store
        .create_user(&user("jinan", Role::Bureau, Some("370100")))
        .await
        .expect("bureau");
    let owner = store
        .create_user(&user("ting", Role::Owner, Some("370000")))
        .await
        .expect("owner");
    let ids = [
        placed(store, SEND, "enterprise", "370202", "city", "370200").await,
        placed(store, SEND, "enterprise", "370203", "city", "370200").await,
    ];
    for id in ids {
        review::decide(store, &calls, actor(&qingdao), SEND, id, &recommend())
            .await
            .expect("recommend");
    }
    let forward = || async {
        review::forward(
            store,
            &calls,
            actor(&qingdao),
            SEND,
            "enterprise",
            true,
            |_, _| String::new(),
        )
        .await
    };
    let missing = |r: &Result<_, ActionError>| match r {
        Err(ActionError::Refused(Refusal::ScansMissing(text))) => text.clone(),
        other => panic!("not refused for scans: {:?}", other.as_ref().map(|_| ())),
    };
    // Nothing uploaded: both named, with the clause; nothing moved.
    let text = missing(&forward().await);
    assert!(text.contains(ScanKind::Letter.label()), "{text}");
    assert!(text.contains(ScanKind::Summary.label()), "{text}");
    assert!(text.contains("四、其他事项"), "{text}");
    assert_eq!(
        store
            .application(ids[0])
            .await
            .expect("read")
            .expect("row")
            .status,
        ApplicationStatus::Recommended
    );
    // The letter only: the summary is still missing.
    let letter = sending::upload_scan(
        store,
        &calls,
        actor(&qingdao),
        SEND,
        ScanKind::Letter,
        &scan("推荐函.pdf"),
    )
    .await
    .expect("letter");
    let text = missing(&forward().await);
    assert!(!text.contains(ScanKind::Letter.label()), "{text}");
    assert!(text.contains(ScanKind::Summary.label()), "{text}");
    // Both: the list goes up. A second summary replaces the first as the current one.
    for name in ["汇总表.pdf", "汇总表（重新盖章）.pdf"] {
        sending::upload_scan(
            store,
            &calls,
            actor(&qingdao),
            SEND,
            ScanKind::Summary,
            &scan(name),
        )
        .await
        .expect("summary");
    }
    let moved = forward().await.expect("forwarded");
    assert_eq!(moved.value.len(), 2);
    let current = store
        .unit_scans(SEND, "city", "370200")
        .await
        .expect("read");
    let names: Vec<&str> = current.iter().map(|r| r.original_name.as_str()).collect();
    assert_eq!(names, ["推荐函.pdf", "汇总表（重新盖章）.pdf"]);
    // Sent to the owner's unit: the owner finds them; another city does not.
    let to_owner = store
        .scans_sent_to(SEND, "province", shenbao_core::routing::OWNER, 0, 50)
        .await
        .expect("read");
    let names: Vec<&str> = to_owner.iter().map(|r| r.original_name.as_str()).collect();
    assert_eq!(
        names,
        ["推荐函.pdf", "汇总表（重新盖章）.pdf"],
        "the current ones"
    );
    // A page at a time: the second page begins after the first's last.
    let first = store
        .scans_sent_to(SEND, "province", shenbao_core::routing::OWNER, 0, 1)
        .await
        .expect("read");
    let second = store
        .scans_sent_to(
            SEND,
            "province",
            shenbao_core::routing::OWNER,
            first[0].id,
            1,
        )
        .await
        .expect("read");
    assert_eq!(
        [first[0].id, second[0].id],
        [to_owner[0].id, to_owner[1].id]
    );
    for (who, allowed) in [(&qingdao, true), (&owner, true), (&jinan, false)] {
        let r = sending::readable_scan(store, &calls, who, SEND, letter).await;
        assert_eq!(r.is_ok(), allowed, "{}: {r:?}", who.username);
    }
    // The letter lists the unit's ranking, in order.
    let desk = review::Desk::of(&calls, &qingdao, SEND).expect("desk");
    let (def, lines) = sending::letter(store, &desk)
        .await
        .expect("read")
        .expect("a letter");
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.direction == "大模型企业"));
    let (to_level, to_unit) = sending::destination(&desk, &qingdao).expect("destination");
    assert_eq!((to_level.id.as_str(), to_unit.as_str()), ("province", "*"));
    let text = shenbao_docs::letter_text(
        desk.entry.call,
        def,
        &shenbao_docs::LetterInput {
            unit: "青岛市工业和信息化局",
            to: "山东省工业和信息化厅",
            lines: &lines,
        },
    );
    assert_eq!(
        text,
        "根据《关于开展山东省大模型企业及产品摸底工作的通知》要求，青岛市工业和信息化局现将辖区内2份摸底材料报送山东省工业和信息化厅。"
    );
}

/// A scan the level does not ask for is not taken; a level without `sending` forwards as
/// before.
async fn only_the_scans_a_level_asks_for_are_taken(db: TestDb) {
    let store = &db.store;
    let calls = CallRegistry::load(store, true, NOW).await.expect("calls");
    let qingdao = store
        .create_user(&user("qingdao", Role::Bureau, Some("370200")))
        .await
        .expect("bureau");
    let r = sending::upload_scan(
        store,
        &calls,
        actor(&qingdao),
        "sd-2024-llm-cases",
        ScanKind::Letter,
        &scan("推荐函.pdf"),
    )
    .await;
    assert!(matches!(r, Err(ActionError::NotFound)), "{r:?}");
    assert!(
        store
            .unit_scans("sd-2024-llm-cases", "city", "370200")
            .await
            .expect("read")
            .is_empty()
    );
}

shenbao_store::on_both_databases!(
    a_list_goes_up_only_with_its_stamped_scans,
    only_the_scans_a_level_asks_for_are_taken,
);
