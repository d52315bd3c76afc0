//! The applicant's actions: save a draft, submit, withdraw; and the checks the submit page
//! shows before anything is sent.

use serde_json::{Value as Json, json};
use shenbao_core::call::Target;
use shenbao_core::form::{self, Application, Report, Severity};
use shenbao_core::limits::{OtherApplication, check_limits};
use shenbao_core::routing;
use shenbao_store::{
    ApplicationRow, ApplicationStatus, AttachmentRow, FORWARDED, NewApplication, NewAttachment,
    Role, Store, StoreError, Submission, UserRow,
};

use super::{ActionError, Actor, Done, Problem, Refusal};
use crate::calls::{CallEntry, CallRegistry};
use crate::exports::{attachment_metas, profile_json};
use crate::news::News;
use crate::timeline::{self, ApplicantDeadline};

/// Refuses an applicant's start, submission or withdrawal when call `call_id` is not
/// collecting (its owner closed it early or moved it on).
fn collecting(calls: &CallRegistry, call_id: &str) -> Result<(), ActionError> {
    let state = calls.state(call_id);
    if state.takes_applications() {
        Ok(())
    } else {
        Err(ActionError::Refused(Refusal::NotCollecting(state)))
    }
}

/// The refusal of an applicant whose deadline `deadline` has passed.
fn closed(deadline: &ApplicantDeadline<'_>) -> Refusal {
    Refusal::CallClosed {
        deadline: deadline.date,
        set_by: deadline.set_by(),
    }
}

/// Application `id` with its call, if `user` is an applicant of the organisation that owns
/// it; [`ActionError::NotFound`] for anyone else, so ids cannot be probed.
pub async fn load<'c>(
    store: &Store,
    calls: &'c CallRegistry,
    user: &UserRow,
    id: i64,
) -> Result<(ApplicationRow, &'c CallEntry), ActionError> {
    if user.role != Role::Applicant {
        return Err(ActionError::NotFound);
    }
    let app = store.application(id).await?.ok_or(ActionError::NotFound)?;
    if user.organisation_id != Some(app.organisation_id) {
        return Err(ActionError::NotFound);
    }
    let entry = calls.of(&app).ok_or(ActionError::NotFound)?;
    Ok((app, entry))
}

/// Starts a draft for the actor's organisation in call `call_id`, direction `direction`
/// (`subdirection` when the direction has them): before the deadline, inside the call's area
/// and within the call's limits on applications per organisation. Writes the draft, its first
/// event and the audit entry together.
pub async fn start(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    call_id: &str,
    direction: &str,
    subdirection: Option<&str>,
) -> Result<ApplicationRow, ActionError> {
    let (Role::Applicant, Some(organisation_id)) = (actor.user.role, actor.user.organisation_id)
    else {
        return Err(ActionError::NotFound);
    };
    let entry = calls.get(call_id).ok_or(ActionError::NotFound)?;
    collecting(calls, call_id)?;
    let organisation = store
        .organisation(organisation_id)
        .await?
        .ok_or(ActionError::NotFound)?;
    if let Some(refusal) = out_of_area(entry, &organisation.region) {
        return Err(ActionError::Refused(refusal));
    }
    if let Some(hit) =
        super::exclusion::organisation_excluded(store, entry, &organisation.uscc).await?
    {
        return Err(super::exclusion::refused(calls, entry, &hit));
    }
    let d = entry
        .call
        .direction(direction)
        .ok_or(ActionError::NotFound)?;
    // The unit's own deadline, where it is known before a sector department is chosen.
    let deadline =
        timeline::applicant_deadline(store, entry, direction, &organisation.region, None).await?;
    if !deadline.open(actor.now) {
        return Err(ActionError::Refused(closed(&deadline)));
    }
    let known = match subdirection {
        None => d.subdirections.is_empty(),
        Some(x) => entry.call.choice(direction, x).is_some(),
    };
    if !known {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    // A member of a consortium in the direction may not also apply there (when the call says
    // so): checked under the direction's consortium lock, which naming a member takes too.
    if let Some(rule) = shenbao_core::consortium::rule(entry.call, direction) {
        tx.lock_consortia(call_id, direction).await?;
        let (_, member) = tx
            .taking_part(call_id, direction, &organisation.uscc, 0)
            .await?;
        if rule.exclusive && member {
            return Err(ActionError::Refused(Refusal::Consortium(
                shenbao_core::messages::consortium::member_elsewhere(&d.name),
            )));
        }
    }
    // Counted under the organisation's lock for the call: of two starts at once, the second
    // counts the first. Membership of other applicants' consortia counts too.
    let mut others: Vec<OtherApplication> = tx
        .applications_of_organisation_locked(organisation_id, call_id)
        .await?
        .into_iter()
        .map(|a| OtherApplication {
            direction: a.direction,
        })
        .collect();
    if entry.call.def().consortium.is_some() {
        others.extend(
            store
                .memberships(call_id, &organisation.uscc)
                .await?
                .into_iter()
                .map(|direction| OtherApplication { direction }),
        );
    }
    let broken = check_limits(entry.call, direction, &others);
    if !broken.is_empty() {
        return Err(ActionError::Refused(Refusal::Limits(
            broken.into_iter().map(|p| p.message).collect(),
        )));
    }
    let app = tx
        .create_application(
            &NewApplication {
                call_id: call_id.to_string(),
                call_version: entry.version,
                direction: direction.to_string(),
                subdirection: subdirection.map(str::to_string),
                organisation_id,
                created_by: actor.user.id,
                answers: "{}".into(),
                created_at: actor.now,
            },
            &actor.event(None),
        )
        .await?;
    tx.audit(&actor.audit(
        "application_created",
        Some(("application", app.id.to_string())),
        None,
    ))
    .await?;
    tx.commit().await?;
    Ok(app)
}

fn target(app: &ApplicationRow) -> Target<'_> {
    Target {
        direction: &app.direction,
        subdirection: app.subdirection.as_deref(),
    }
}

/// The profile of the organisation that owns `app`, as the form engine reads it.
async fn profile(store: &Store, app: &ApplicationRow) -> Result<Json, StoreError> {
    Ok(store
        .organisation(app.organisation_id)
        .await?
        .as_ref()
        .map(profile_json)
        .unwrap_or_else(|| json!({})))
}

/// Everything checked before submission: the fields, the rules with the applicant's profile,
/// the files, and the call's limits on the organisation's other applications.
pub async fn check(
    store: &Store,
    calls: &CallRegistry,
    entry: &CallEntry,
    app: &ApplicationRow,
) -> Result<Report, StoreError> {
    let answers: Json = serde_json::from_str(&app.answers).unwrap_or_else(|_| json!({}));
    let metas = attachment_metas(&store.attachments(app.id).await?);
    let profile = profile(store, app).await?;
    let mut report = form::check(
        entry.call,
        &Application {
            target: target(app),
            answers: &answers,
            profile: Some(&profile),
            files: Some(&metas),
        },
    );
    let others: Vec<OtherApplication> = store
        .applications_of_organisation(app.organisation_id, Some(&app.call_id))
        .await?
        .into_iter()
        .filter(|a| a.id != app.id && a.status != ApplicationStatus::Draft)
        .map(|a| OtherApplication {
            direction: a.direction,
        })
        .collect();
    report
        .problems
        .extend(check_limits(entry.call, &app.direction, &others));
    report
        .problems
        .extend(exclusions(store, calls, entry, app, &report.answers, &profile).await?);
    Ok(report)
}

/// The exclusion list's objections to `app`: its organisation listed (or selected in an
/// earlier call the call excludes), its project's name listed. A list uploaded after the
/// start is thus still enforced at submission.
async fn exclusions(
    store: &Store,
    calls: &CallRegistry,
    entry: &CallEntry,
    app: &ApplicationRow,
    answers: &serde_json::Map<String, Json>,
    profile: &Json,
) -> Result<Vec<shenbao_core::form::Problem>, StoreError> {
    use shenbao_core::messages::exclusion as msg;
    let problem = |message: String| shenbao_core::form::Problem {
        path: String::new(),
        code: shenbao_core::form::Code::Excluded,
        severity: Severity::Error,
        message,
        rule: None,
    };
    let def = &entry.call.def().exclusions;
    let reason = def.reason.as_deref().unwrap_or(msg::DEFAULT_REASON);
    let mut out = Vec::new();
    let uscc = profile
        .get("uscc")
        .and_then(Json::as_str)
        .unwrap_or_default();
    if let Some(hit) = super::exclusion::organisation_excluded(store, entry, uscc).await? {
        out.push(problem(msg::refused(
            reason,
            &super::exclusion::evidence(calls, &hit),
        )));
    }
    let answers = Json::Object(answers.clone());
    let title = shenbao_core::output::publication(
        entry.call,
        &Application {
            target: target(app),
            answers: &answers,
            profile: Some(profile),
            files: None,
        },
    )
    .title;
    if let Some(row) = super::exclusion::project_excluded(store, entry, &title).await? {
        let listed = msg::in_list(&row.list_name, row.row_number);
        out.push(problem(msg::refused(
            reason,
            &msg::project_listed(&title, &listed),
        )));
    }
    Ok(out)
}

/// The sector departments `app` may be sent to, when its direction is routed by sector: those
/// with accounts in the applicant's city. Empty otherwise.
pub async fn sector_choices(
    store: &Store,
    entry: &CallEntry,
    app: &ApplicationRow,
) -> Result<Vec<String>, ActionError> {
    if !routing::routed_by_sector(entry.call, &app.direction) {
        return Ok(Vec::new());
    }
    let org = store
        .organisation(app.organisation_id)
        .await?
        .ok_or(ActionError::NotFound)?;
    Ok(sectors_of(store, entry, &org.region).await?)
}

/// The sector departments with accounts in the city of `region`. A zone's bureau carries its
/// name as its sector, but it is not a sector department: the call's zones are left out.
async fn sectors_of(
    store: &Store,
    entry: &CallEntry,
    region: &str,
) -> Result<Vec<String>, StoreError> {
    let zones = &entry.call.def().units;
    Ok(store
        .sector_units(&routing::city_of(region))
        .await?
        .into_iter()
        .filter(|s| !zones.iter().any(|z| &z.name == s))
        .collect())
}

/// The zones (development and pilot zones' bureaus) `app` may be sent to instead of its
/// county's bureau, with what the call tells applicants about each: empty for most calls.
pub async fn zone_choices(
    store: &Store,
    entry: &CallEntry,
    app: &ApplicationRow,
) -> Result<Vec<(String, Option<String>)>, ActionError> {
    if entry.call.def().units.is_empty() {
        return Ok(Vec::new());
    }
    let org = store
        .organisation(app.organisation_id)
        .await?
        .ok_or(ActionError::NotFound)?;
    Ok(
        routing::zone_choices(entry.call, &app.direction, &org.region)
            .into_iter()
            .map(|u| (u.name.clone(), u.description.clone()))
            .collect(),
    )
}

/// Why an organisation registered in `region` cannot apply to the call, if it cannot.
pub fn out_of_area(entry: &CallEntry, region: &str) -> Option<Refusal> {
    if entry.call.covers(region) {
        return None;
    }
    let def = entry.call.def();
    if let Some(excluded) = def
        .area_excludes
        .iter()
        .find(|x| shenbao_core::region::is_within(region, x))
    {
        return Some(Refusal::AreaExcluded {
            excluded: excluded.clone(),
            region: region.to_string(),
        });
    }
    Some(Refusal::OutOfArea {
        area: def.area.clone().unwrap_or_default(),
        region: region.to_string(),
    })
}

/// Saves `answers` (the form's JSON object) into the draft `app`, loaded at `version`;
/// returns the new version. The justification stays as saved.
///
/// Refused when `app` is not the actor's ([`ActionError::NotFound`]) or no longer editable;
/// a version that moved on (another tab saved first) is [`Refusal::VersionMoved`].
pub async fn save_draft(
    store: &Store,
    actor: Actor<'_>,
    app: &ApplicationRow,
    version: i64,
    answers: &Json,
) -> Result<i64, ActionError> {
    if actor.user.role != Role::Applicant || actor.user.organisation_id != Some(app.organisation_id)
    {
        return Err(ActionError::NotFound);
    }
    if !app.status.is_editable() {
        return Err(ActionError::Refused(Refusal::NotEditable));
    }
    let mut tx = store.begin().await?;
    let saved = tx
        .save_draft(
            app.id,
            version,
            &answers.to_string(),
            app.justification.as_deref(),
            actor.now,
        )
        .await;
    let version = match saved {
        Ok(version) => version,
        Err(StoreError::Conflict { .. }) => {
            return Err(ActionError::Refused(Refusal::VersionMoved));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(version)
}

/// What the applicant sends with a submission.
#[derive(Debug, Clone, Default)]
pub struct SubmitInput {
    /// The version the submit page was loaded at.
    pub version: i64,
    /// The written justification of the form's warnings (cleaned and trimmed here).
    pub justification: String,
    /// Whether the commitment letter was accepted.
    pub accepted: bool,
    /// The sector department chosen, for directions routed by sector.
    pub sector: String,
}

/// Submits application `id`: it must be the actor's, editable, within the call's deadline (a
/// resubmission after a return: within the returning level's), pass every check of
/// [`check`], carry a justification when there are warnings and the accepted commitment.
/// Freezes a snapshot with its content hash and, in one transaction, writes the status, the
/// snapshot, the event, the outbox row ([`News::Arrived`]) and the audit entry.
pub async fn submit(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: i64,
    input: &SubmitInput,
) -> Result<Done<ApplicationRow>, ActionError> {
    let (app, entry) = load(store, calls, actor.user, id).await?;
    if !app.status.is_editable() {
        return Err(ActionError::Refused(Refusal::NotEditable));
    }
    // The call's dates and levels are those of its current version; the form, its rules and
    // what is printed are those of the version the application was started under.
    let timeline = calls.get(&app.call_id).unwrap_or(entry);
    let route = route(store, timeline, &app, input.sector.trim(), actor.now).await?;
    // A first submission must meet the applicant's deadline (its receiving unit's, where the
    // unit set one); a resubmission after a return goes back to the level that returned it,
    // which may take it until it forwards.
    if app.status == ApplicationStatus::Draft {
        collecting(calls, &app.call_id)?;
        let sector = route.as_ref().ok().and_then(|r| r.sector.clone());
        let region = store
            .organisation(app.organisation_id)
            .await?
            .map(|o| o.region)
            .unwrap_or_default();
        let deadline = timeline::applicant_deadline(
            store,
            timeline,
            &app.direction,
            &region,
            sector.as_deref(),
        )
        .await?;
        if !deadline.open(actor.now) {
            return Err(ActionError::Refused(closed(&deadline)));
        }
    }
    let report = check(store, calls, entry, &app).await?;
    let justification = shenbao_core::text::clean(&input.justification)
        .trim()
        .to_string();
    let mut problems = Vec::new();
    if report.has_errors() {
        problems.push(Problem::FormHasErrors);
    }
    if report.of(Severity::Warning).next().is_some() && justification.is_empty() {
        problems.push(Problem::JustificationNeeded);
    }
    if !input.accepted {
        problems.push(Problem::AcceptanceNeeded);
    }
    let mut route = match route {
        Ok(route) => Some(route),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    if input.version != app.version {
        problems.push(Problem::VersionMoved);
    }
    let Some(route) = route.as_mut().filter(|_| problems.is_empty()) else {
        return Err(ActionError::Incomplete(problems));
    };
    let profile = profile(store, &app).await?;
    let answers = Json::Object(report.answers.clone());
    let title = shenbao_core::output::publication(
        entry.call,
        &Application {
            target: target(&app),
            answers: &answers,
            profile: Some(&profile),
            files: None,
        },
    )
    .title;
    route.title = Some(title).filter(|t| !t.is_empty());
    let attachments = store.attachments(id).await?;
    let version = app.version + 1;
    let sealed =
        crate::snapshot::seal(&app, &report.answers, &attachments, &justification, version);
    let mut tx = store.begin().await?;
    let submitted = tx
        .submit(
            id,
            app.version,
            route,
            &sealed,
            &actor.event(None),
            Some(Some(justification.as_str()).filter(|j| !j.is_empty())),
        )
        .await;
    let row = match submitted {
        Ok(row) => row,
        Err(error) => {
            drop(tx);
            return Err(submission_refused(store, &app, route, error).await);
        }
    };
    let (title_key, prints) = crate::duplicates::prints(
        entry,
        &target(&app),
        route.title.as_deref(),
        &report.answers,
    );
    tx.set_fingerprints(id, title_key.as_deref(), &prints)
        .await?;
    let outbox = tx
        .announce(&News::Arrived { application_id: id }.to_outbox(actor.now))
        .await?;
    tx.audit(&actor.audit(
        "application_submitted",
        Some(("application", id.to_string())),
        Some(json!({
            "hash": sealed.content_hash,
            "version": version,
            "level": route.level,
            "unit": route.unit,
        })),
    ))
    .await?;
    tx.commit().await?;
    Ok(Done {
        value: row,
        outbox: vec![outbox],
    })
}

/// Why the store refused the submission of `app` to `route`: the receiving unit forwarded the
/// direction's list (it receives nothing more), the application is no longer a draft or
/// returned (submitted or withdrawn in another tab), or it was saved in another tab since the
/// submit page was loaded.
async fn submission_refused(
    store: &Store,
    app: &ApplicationRow,
    route: &Submission,
    error: StoreError,
) -> ActionError {
    match error {
        StoreError::Conflict { constraint } if constraint == FORWARDED => {
            ActionError::Refused(Refusal::UnitForwarded {
                level: route.level.clone(),
                unit: route.unit.clone(),
                resubmission: route.from_status == ApplicationStatus::Returned,
            })
        }
        StoreError::Conflict { .. } => match store.application(app.id).await {
            Ok(Some(now)) if now.status != app.status => {
                ActionError::Refused(Refusal::StatusChanged)
            }
            Ok(Some(_)) => ActionError::Refused(Refusal::VersionMoved),
            Ok(None) => ActionError::NotFound,
            Err(e) => e.into(),
        },
        StoreError::NotFound => ActionError::NotFound,
        other => other.into(),
    }
}

/// Where a submission of `app` goes: the level that returned it (a resubmission), else the
/// first level of its direction and the unit responsible for the applicant. The inner `Err`
/// is the problem to show on the submit page.
async fn route(
    store: &Store,
    entry: &CallEntry,
    app: &ApplicationRow,
    sector: &str,
    now: i64,
) -> Result<Result<Submission, Problem>, ActionError> {
    if app.status == ApplicationStatus::Returned {
        let (Some(level), Some(unit)) = (app.level.clone(), app.unit.clone()) else {
            return Ok(Err(Problem::NoLevel));
        };
        let open = entry
            .call
            .def()
            .review_levels
            .iter()
            .find(|l| l.id == level)
            .is_some_and(|l| entry.level_open(l, now));
        if !open {
            return Ok(Err(Problem::LevelClosed));
        }
        return Ok(Ok(Submission {
            from_status: ApplicationStatus::Returned,
            level,
            unit,
            sector: app.sector.clone(),
            title: None,
        }));
    }
    let org = store
        .organisation(app.organisation_id)
        .await?
        .ok_or(ActionError::NotFound)?;
    // Refused at the start already; here for an application started before the call's area
    // was set, which nothing on the form can put right.
    if let Some(refusal) = out_of_area(entry, &org.region) {
        return Err(ActionError::Refused(refusal));
    }
    let chosen = sector;
    let sector = if routing::routed_by_sector(entry.call, &app.direction) {
        let choices = sectors_of(store, entry, &org.region).await?;
        if !choices.iter().any(|c| c == sector) {
            return Ok(Err(if choices.is_empty() {
                Problem::NoSector
            } else {
                Problem::SectorNeeded
            }));
        }
        Some(sector.to_string())
    } else {
        None
    };
    // A zone chosen instead of the county's bureau (the same field of the submit page).
    let zone = (sector.is_none() && !chosen.is_empty())
        .then(|| routing::zone_choices(entry.call, &app.direction, &org.region))
        .map(|zones| zones.into_iter().find(|z| z.name == chosen));
    let (level, unit) = match zone {
        Some(None) => return Ok(Err(Problem::SectorNeeded)),
        Some(Some(z)) => match entry
            .call
            .def()
            .review_levels
            .iter()
            .find(|l| l.id == z.level)
        {
            Some(level) => (level, z.name.clone()),
            None => return Ok(Err(Problem::NoLevel)),
        },
        None => {
            match routing::first_stop(entry.call, &app.direction, &org.region, sector.as_deref()) {
                Ok(stop) => stop,
                Err(routing::RouteError::NoLevel) => return Ok(Err(Problem::NoLevel)),
                Err(routing::RouteError::SectorMissing) => return Ok(Err(Problem::SectorNeeded)),
            }
        }
    };
    if !entry.level_open(level, now) {
        return Ok(Err(Problem::LevelClosed));
    }
    Ok(Ok(Submission {
        from_status: ApplicationStatus::Draft,
        level: level.id.clone(),
        unit,
        sector,
        title: None,
    }))
}

/// Takes submitted application `id` back to a draft: before the call's deadline, while it
/// waits undecided at its direction's first level. Writes the status, the event and the audit
/// entry in one transaction.
pub async fn withdraw(
    store: &Store,
    calls: &CallRegistry,
    actor: Actor<'_>,
    id: i64,
) -> Result<Done<ApplicationRow>, ActionError> {
    let (app, entry) = load(store, calls, actor.user, id).await?;
    let first = entry.call.levels_for(&app.direction).next();
    if app.status != ApplicationStatus::Submitted || first.map(|l| &l.id) != app.level.as_ref() {
        return Err(ActionError::Refused(Refusal::TooLateToWithdraw));
    }
    collecting(calls, &app.call_id)?;
    let timeline = calls.get(&app.call_id).unwrap_or(entry);
    let deadline = timeline::deadline_of(store, timeline, &app).await?;
    if !deadline.open(actor.now) {
        return Err(ActionError::Refused(closed(&deadline)));
    }
    let level = app.level.clone().unwrap_or_default();
    let mut tx = store.begin().await?;
    let row = match tx.withdraw(id, &level, &actor.event(None)).await {
        Ok(row) => row,
        Err(StoreError::Conflict { .. }) => {
            return Err(ActionError::Refused(Refusal::TooLateToWithdraw));
        }
        Err(e) => return Err(e.into()),
    };
    tx.audit(&actor.audit(
        "application_withdrawn",
        Some(("application", id.to_string())),
        None,
    ))
    .await?;
    tx.commit().await?;
    Ok(Done {
        value: row,
        outbox: Vec::new(),
    })
}

/// Records a file the front end has stored (under `file.storage_key`) as an attachment of the
/// actor's editable application `app`, with the audit entry, in one transaction. The caller
/// checked the slot, the file's type, size and count against the call, and deletes the stored
/// file when this fails.
pub async fn attach(
    store: &Store,
    actor: Actor<'_>,
    app: &ApplicationRow,
    file: &NewAttachment,
) -> Result<AttachmentRow, ActionError> {
    if actor.user.role != Role::Applicant
        || actor.user.organisation_id != Some(app.organisation_id)
        || file.application_id != app.id
    {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    let row = match tx.add_attachment(file).await {
        Ok(row) => row,
        // Submitted (or sent back) in another tab while the file streamed in.
        Err(StoreError::Conflict { .. }) => {
            return Err(ActionError::Refused(Refusal::NotEditable));
        }
        Err(e) => return Err(e.into()),
    };
    tx.audit(&actor.audit(
        "file_uploaded",
        Some(("attachment", row.id.to_string())),
        Some(json!({
            "application": app.id,
            "slot": row.slot,
            "name": row.original_name,
            "size": row.size,
            "sha256": row.sha256,
        })),
    ))
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Removes attachment `file_id` of the actor's editable application `app`, with the audit
/// entry, in one transaction; returns the removed row (the caller deletes the stored file
/// unless a submitted snapshot still names it) or `None` when it was already gone.
pub async fn detach(
    store: &Store,
    actor: Actor<'_>,
    app: &ApplicationRow,
    file_id: i64,
) -> Result<Option<AttachmentRow>, ActionError> {
    if actor.user.role != Role::Applicant || actor.user.organisation_id != Some(app.organisation_id)
    {
        return Err(ActionError::NotFound);
    }
    if !app.status.is_editable() {
        return Err(ActionError::Refused(Refusal::NotEditable));
    }
    if store
        .attachment(file_id)
        .await?
        .is_none_or(|a| a.application_id != app.id)
    {
        return Err(ActionError::NotFound);
    }
    let mut tx = store.begin().await?;
    let removed = match tx.delete_attachment(file_id).await {
        Ok(removed) => removed,
        Err(StoreError::Conflict { .. }) => {
            return Err(ActionError::Refused(Refusal::NotEditable));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(row) = &removed {
        tx.audit(&actor.audit(
            "file_deleted",
            Some(("attachment", row.id.to_string())),
            None,
        ))
        .await?;
    }
    tx.commit().await?;
    Ok(removed)
}
