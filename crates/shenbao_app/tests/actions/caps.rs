//! The call's limits on one applicant's applications, held on the server: counted across
//! directions (每个主体申报不超过N个项目), at the limit accepted and one past it refused, and
//! two starts at once by one organisation taking the last place once; and the applicants an
//! earlier call selected, refused when the call excludes them.

use super::*;

const GD: &str = "gd-caps";

/// The 广东 call as a new call allowing `per_call` applications per applicant.
fn gd_with_cap(per_call: u32) -> (&'static Call, String) {
    variant(
        "gd-2023-ai-scenarios",
        GD,
        &[("per_call = 1\n", &format!("per_call = {per_call}\n"))],
    )
}

/// A new applicant of 广州市天河区.
async fn applicant_of(store: &Store, login: &str) -> UserRow {
    store
        .register_applicant(
            &NewOrganisation {
                uscc: "91440101MA59ABCD1X".to_string(),
                name: format!("{login}科技有限公司"),
                region: "440106".to_string(),
                created_at: NOW,
            },
            &user(login, Role::Applicant, None),
        )
        .await
        .expect("register")
        .1
}

fn limits(r: &Result<shenbao_store::ApplicationRow, ActionError>) -> Option<String> {
    match r {
        Err(ActionError::Refused(Refusal::Limits(m))) => Some(m.join("；")),
        _ => None,
    }
}

async fn the_cap_counts_every_direction(db: TestDb) {
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[gd_with_cap(2)], true, NOW)
        .await
        .expect("calls");
    let a = applicant_of(store, "tianhe").await;
    let start = |direction: &'static str| {
        let (calls, a) = (&calls, &a);
        async move { applicant::start(store, calls, actor(a), GD, direction, None).await }
    };
    start("manufacturing").await.expect("first");
    start("medical").await.expect("the second, at the limit");
    let r = start("transport").await;
    let m = limits(&r).unwrap_or_else(|| panic!("refused: {r:?}"));
    assert!(m.contains("限申报2个项目"), "{m}");
    assert_eq!(
        store
            .applications_of_organisation(a.organisation_id.expect("org"), Some(GD))
            .await
            .expect("read")
            .len(),
        2
    );
}

async fn two_starts_at_once_take_the_last_place_once(db: TestDb) {
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[gd_with_cap(1)], true, NOW)
        .await
        .expect("calls");
    for round in 0..5 {
        let a = applicant_of(store, &format!("race{round}")).await;
        let (one, two) = tokio::join!(
            applicant::start(store, &calls, actor(&a), GD, "manufacturing", None),
            applicant::start(store, &calls, actor(&a), GD, "medical", None),
        );
        assert_eq!(
            [one.is_ok(), two.is_ok()].iter().filter(|x| **x).count(),
            1,
            "round {round}: {one:?} {two:?}"
        );
        let lost = if one.is_ok() { &two } else { &one };
        assert!(limits(lost).is_some(), "{lost:?}");
    }
}

/// An applicant selected (入选) in an earlier call that the call names in `[exclusions]` is
/// refused at the start, with the notice's words and the earlier call's title; another is not.
async fn an_earlier_calls_selected_applicant_is_refused(db: TestDb) {
    const LATER: &str = "gd-later";
    let later = variant(
        "gd-2023-ai-scenarios",
        LATER,
        &[(
            "[commitment]",
            "[exclusions]\ncalls = [\"gd-2023-ai-scenarios\"]\n\
             reason = \"已列入前期揭榜优胜项目的不得重复申报\"\n\n[commitment]",
        )],
    );
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[later], true, NOW)
        .await
        .expect("calls");
    let winner = applicant_of(store, "winner").await;
    let earlier = applicant::start(
        store,
        &calls,
        actor(&winner),
        "gd-2023-ai-scenarios",
        "manufacturing",
        None,
    )
    .await
    .expect("the earlier application");
    let sql = format!(
        "UPDATE applications SET status = 'selected' WHERE id = {}",
        earlier.id
    );
    assert_eq!(execute_raw(store, &sql).await, 1);
    // Another account of the same organisation code.
    let again = applicant_of(store, "winner2").await;
    let r = applicant::start(store, &calls, actor(&again), LATER, "medical", None).await;
    let Err(ActionError::Refused(Refusal::Excluded(text))) = &r else {
        panic!("refused: {r:?}");
    };
    assert!(
        text.starts_with("已列入前期揭榜优胜项目的不得重复申报（已入选“")
            && text.contains("人工智能"),
        "{text}"
    );
    // One not selected there starts.
    let other = store
        .register_applicant(
            &NewOrganisation {
                uscc: "91440101MA59ABCE2Y".to_string(),
                name: "其他科技有限公司".to_string(),
                region: "440106".to_string(),
                created_at: NOW,
            },
            &user("other", Role::Applicant, None),
        )
        .await
        .expect("register")
        .1;
    applicant::start(store, &calls, actor(&other), LATER, "medical", None)
        .await
        .expect("not excluded");
}

/// Two leads naming the same member in one direction at once: exactly one succeeds, the other
/// is told the member is in another consortium.
async fn two_leads_naming_one_member_at_once_one_wins(db: TestDb) {
    use shenbao_app::actions::consortium::{MemberInput, add_member};
    const JOINT: &str = "gd-joint";
    let joint = variant(
        "gd-2023-ai-scenarios",
        JOINT,
        &[(
            "[commitment]",
            "[consortium]\nmax_members = 4\n\n[commitment]",
        )],
    );
    let store = &db.store;
    let calls = CallRegistry::load_with(store, &[joint], true, NOW)
        .await
        .expect("calls");
    for round in 0..4 {
        let one = applicant_of(store, &format!("lead{round}a")).await;
        let two = applicant_of(store, &format!("lead{round}b")).await;
        let a = applicant::start(store, &calls, actor(&one), JOINT, "manufacturing", None)
            .await
            .expect("lead a");
        let b = applicant::start(store, &calls, actor(&two), JOINT, "manufacturing", None)
            .await
            .expect("lead b");
        // A code of its own each round, with the check character that fits.
        let member = MemberInput {
            uscc: valid_uscc(&format!("9144010{round}MA59ABCD1")),
            name: "共同成员".to_string(),
            region: "440106".to_string(),
        };
        let (ra, rb) = tokio::join!(
            add_member(store, &calls, actor(&one), a.id, &member),
            add_member(store, &calls, actor(&two), b.id, &member),
        );
        assert_eq!(
            [ra.is_ok(), rb.is_ok()].iter().filter(|x| **x).count(),
            1,
            "round {round}: {ra:?} {rb:?}"
        );
        let lost = if ra.is_ok() { rb } else { ra };
        assert!(
            matches!(&lost, Err(ActionError::Refused(Refusal::Consortium(t))) if t.contains("另一联合体")),
            "{lost:?}"
        );
    }
}

/// `first17` with its GB 32100 check character.
fn valid_uscc(first17: &str) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| CHARS.iter().position(|x| *x == c).unwrap_or(0) as u32 * w)
        .sum();
    let check = CHARS[((31 - sum % 31) % 31) as usize] as char;
    format!("{first17}{check}")
}

shenbao_store::on_both_databases!(
    the_cap_counts_every_direction,
    two_starts_at_once_take_the_last_place_once,
    an_earlier_calls_selected_applicant_is_refused,
    two_leads_naming_one_member_at_once_one_wins,
);
