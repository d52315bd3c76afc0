//! What a new version of a call would do to the drafts: only the problems the new version
//! finds, and nothing for a version that changes only wording.

use super::*;
use shenbao_app::versions::effect_of;

fn seed() -> &'static str {
    seed_source(CALL)
}

async fn a_new_rule_is_shown_against_the_drafts_it_would_fail(db: TestDb) {
    let w = world(&db.store).await;
    // The complete draft passes its own version.
    let own = effect_of(&db.store, &w.calls, w.calls.get(CALL).expect("call").call)
        .await
        .expect("effect");
    assert_eq!((own.checked, own.affected.len()), (1, 0));

    let stricter = seed().replacen(
        "[commitment]",
        "[[rule]]\nid = \"v2\"\nexpr = \"call.year == 1900\"\nmessage = \"第二版：新的申报条件\"\n\n[commitment]",
        1,
    );
    let new = load_str("v2.toml", &stricter).expect("compiles");
    let effect = effect_of(&db.store, &w.calls, &new).await.expect("effect");
    assert_eq!(effect.checked, 1);
    let [affected] = effect.affected.as_slice() else {
        panic!("one draft affected: {effect:?}");
    };
    assert_eq!((affected.application.id, affected.version), (w.id, 1));
    let messages: Vec<&str> = affected
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(messages, ["第二版：新的申报条件"]);

    // Wording only: nothing.
    let reworded = seed().replacen(
        "[commitment]\ntitle = \"",
        "[commitment]\ntitle = \"（修订）",
        1,
    );
    assert_ne!(reworded, seed(), "the test changes the text");
    let new = load_str("v2.toml", &reworded).expect("compiles");
    let effect = effect_of(&db.store, &w.calls, &new).await.expect("effect");
    assert_eq!((effect.checked, effect.affected.len()), (1, 0));
}

async fn a_call_uploaded_through_one_server_is_served_by_another(db: TestDb) {
    let store = &db.store;
    let one = CallRegistry::load(store, false, NOW).await.expect("one");
    let other = CallRegistry::load(store, false, NOW).await.expect("other");
    let owner = store
        .create_user(&user("ting", Role::Owner, None))
        .await
        .expect("owner");
    let source = seed().replacen(&format!("id = \"{CALL}\""), "id = \"sd-2027-survey\"", 1);
    let done = shenbao_app::actions::publishing::upload(
        store,
        &one,
        actor(&owner),
        "sd-2027-survey.toml",
        &source,
    )
    .await
    .expect("uploaded");
    assert_eq!((done.version, done.current), (1, true));
    assert!(one.get_with_drafts("sd-2027-survey").is_some());
    assert!(
        other.get_with_drafts("sd-2027-survey").is_none(),
        "not read yet"
    );
    other.refresh(store).await.expect("refresh");
    let seen = other.get_with_drafts("sd-2027-survey").expect("read");
    assert_eq!(seen.version, 1);
    assert_eq!(
        other.state("sd-2027-survey"),
        shenbao_core::call::CallState::Draft
    );
    assert!(
        other.get("sd-2027-survey").is_none(),
        "a draft is not public"
    );
}

shenbao_store::on_both_databases!(
    a_new_rule_is_shown_against_the_drafts_it_would_fail,
    a_call_uploaded_through_one_server_is_served_by_another,
);
