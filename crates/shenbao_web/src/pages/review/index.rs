//! The calls a bureau reviews, with how many applications wait (GET /review).

use super::*;

/// A call on the bureau's index.
pub struct DeskCall {
    id: String,
    title: String,
    level: String,
    unit: String,
    deadline: String,
    counts: Vec<(&'static str, i64)>,
}

#[derive(Template)]
#[template(path = "review/index.html")]
pub(super) struct IndexPage {
    nav: Nav,
    calls: Vec<DeskCall>,
}

/// `GET /review`: the calls the bureau reviews, with how many applications wait.
pub async fn index(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Bureaus>,
) -> Result<Html<String>, AppError> {
    let mut calls = Vec::new();
    for entry in state.calls.all() {
        let Some((level, unit)) = routing::bureau_levels(
            entry.call,
            user.scope_region.as_deref(),
            user.scope_sector.as_deref(),
        )
        .into_iter()
        .next() else {
            continue;
        };
        let at = UnitRef {
            call_id: entry.call.id().to_string(),
            level: level.id.clone(),
            unit: unit.clone(),
        };
        let mut by_status: BTreeMap<&'static str, i64> = BTreeMap::new();
        for c in state.store.queue_counts(&at).await? {
            *by_status.entry(c.status.label()).or_default() += c.count;
        }
        calls.push(DeskCall {
            id: entry.call.id().to_string(),
            title: entry.call.def().title.clone(),
            level: level.name.clone(),
            unit: unit_label(level, &unit),
            deadline: entry
                .level_deadline(level)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            counts: by_status.into_iter().collect(),
        });
    }
    render(IndexPage {
        nav: Nav::of(&viewer),
        calls,
    })
}
