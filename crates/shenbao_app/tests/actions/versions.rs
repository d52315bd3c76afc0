//! What a new version of a call would do to the drafts: only the problems the new version
//! finds, and nothing for a version that changes only wording.

use super::*;
use shenbao_app::versions::effect_of;
use shenbao_core::call::{builtin, load_str};

fn seed() -> &'static str {
    builtin::SOURCES
        .iter()
        .find(|s| s.0 == CALL)
        .expect("seed")
        .2
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

shenbao_store::on_both_databases!(a_new_rule_is_shown_against_the_drafts_it_would_fail);
