//! Documents built from the database for a reviewing unit, shared by the web pages and the
//! command line (`shenbao export`): the store supplies the unit's ranking and each
//! application's submitted answers; `shenbao_docs` lays the document out.

use serde_json::{Map, Value as Json, json};
use shenbao_core::call::Call;
use shenbao_core::call::definition::ReviewLevel;
use shenbao_store::{Store, UnitRef};

/// Summary table `table` of `call` for `unit` at `level` as XLSX: the unit's recommended
/// applications of the table's directions, in ranking order, with their submitted answers and
/// the unit's opinion.
pub async fn unit_summary_xlsx(
    store: &Store,
    call: &Call,
    level: &ReviewLevel,
    unit: &str,
    table: usize,
) -> anyhow::Result<Vec<u8>> {
    let def = call
        .def()
        .summaries
        .get(table)
        .ok_or_else(|| anyhow::anyhow!("no summary table {table}"))?;
    let at = UnitRef {
        call_id: call.id().to_string(),
        level: level.id.clone(),
        unit: unit.to_string(),
    };
    let mut loaded = Vec::new();
    for direction in &call.def().directions {
        if !shenbao_core::call::applies(&level.directions, &direction.id)
            || !shenbao_core::call::applies(&def.directions, &direction.id)
        {
            continue;
        }
        for row in store.ranking(&at, &direction.id).await? {
            let app = row.application;
            let answers: Map<String, Json> = store
                .latest_snapshot(app.id)
                .await?
                .and_then(|s| serde_json::from_str(&s.answers).ok())
                .unwrap_or_default();
            let opinion = store
                .reviews_of(app.id)
                .await?
                .into_iter()
                .find(|r| r.level == level.id)
                .map(|r| r.opinion)
                .unwrap_or_default();
            let profile = json!({
                "name": row.organisation_name,
                "region": row.organisation_region,
            });
            loaded.push((
                app,
                row.rank,
                row.organisation_region,
                opinion,
                answers,
                profile,
            ));
        }
    }
    let inputs: Vec<shenbao_docs::SummaryInput<'_>> = loaded
        .iter()
        .map(
            |(app, rank, region, opinion, answers, profile)| shenbao_docs::SummaryInput {
                direction: &app.direction,
                subdirection: app.subdirection.as_deref(),
                rank: rank.and_then(|r| u32::try_from(r).ok()).unwrap_or(0),
                region,
                opinion,
                answers,
                profile,
            },
        )
        .collect();
    let rows = shenbao_docs::summary_rows(call, table, &inputs)?;
    Ok(shenbao_docs::summary_xlsx(call, table, &rows)?)
}
