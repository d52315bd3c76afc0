//! The review page: the whole submitted form, the changes since the last submission, the decision.

use super::*;

/// A decision of a level, as shown.
pub struct DecisionView {
    level: String,
    unit: String,
    decision: &'static str,
    rank: String,
    opinion: String,
    signatures: Vec<(String, String)>,
    at: String,
}

/// A history line.
pub struct HistoryLine {
    at: String,
    what: &'static str,
    note: String,
}

/// A file of the submitted snapshot.
pub struct FileLine {
    id: i64,
    name: String,
    size: String,
    sha: String,
}

/// What the reviewer typed, kept when the page comes back with a problem.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    comment: String,
    reason: String,
    opinion: String,
    signatures: Vec<String>,
}

/// How many other accounts with the same USCC the review page lists.
pub(super) const SAME_CODE_SHOWN: i64 = 10;

#[derive(Template)]
#[template(path = "review/show.html")]
pub(super) struct ShowPage {
    nav: Nav,
    call_id: String,
    call_title: String,
    id: i64,
    title: String,
    organisation: String,
    uscc: String,
    /// Other accounts registered with the same USCC (name, place): the reviewer checks the
    /// stamped papers to tell which one is the enterprise.
    same_code: Vec<(String, String)>,
    /// The duplicate check: suspected duplicates, then the same organisation's others.
    duplicates: Vec<DuplicateView>,
    /// A joint application's members: (name, USCC, region name).
    members: Vec<(String, String, String)>,
    region: String,
    direction: String,
    status: &'static str,
    at_level: String,
    submitted: String,
    /// The 受理编号 of the submitted version shown.
    number: String,
    justification: String,
    errors: Vec<String>,
    warnings: Vec<String>,
    decisions: Vec<DecisionView>,
    changes: Vec<(String, String, String)>,
    file_changes: Vec<(&'static str, String)>,
    resubmitted: bool,
    files: Vec<FileLine>,
    history: Vec<HistoryLine>,
    /// The submitted form as the paper reads (`shenbao_docs::application_html`).
    form_html: String,
    /// The queue's filters, carried from the queue to keep 上一件/下一件 in its order.
    filters: String,
    /// `?` and those filters, or nothing when none is set.
    keep: String,
    /// The previous and next application of the queue under those filters.
    previous: Option<i64>,
    next: Option<i64>,
    /// This unit's own decision, once taken: shown instead of the forms.
    own: Option<DecisionView>,
    can_act: bool,
    closed_reason: String,
    opinion_title: String,
    signature_lines: Vec<(String, String)>,
    stamp: String,
    problem: String,
    typed: Typed,
    back: String,
}

/// Another application the duplicate check found, as the review page lists it.
pub(super) struct DuplicateView {
    /// A suspected duplicate (same project name, or a close answer).
    suspected: bool,
    /// 申报 #id · call title (year) · direction · status.
    what: String,
    /// The organisation, marked when it has the same code.
    organisation: String,
    /// The project name.
    title: String,
    /// The evidence, one line each.
    evidence: Vec<String>,
}

/// Who is looking at an application on the review side.
pub(super) enum Reader<'a> {
    /// A bureau at its unit.
    Bureau(Desk<'a>),
    /// A call owner (read-only here).
    Owner,
}

/// Loads application `id` of `call_id` for a reviewer: a bureau that holds it now or decided
/// on it before, or a call owner once it is routed. 404 for anyone else.
pub(super) async fn readable<'s>(
    state: &'s ServerState,
    user: &UserRow,
    call_id: &str,
    id: i64,
) -> Result<(Reader<'s>, ApplicationRow), AppError> {
    let app = state
        .store
        .application(id)
        .await?
        .filter(|a| a.call_id == call_id && a.level.is_some())
        .ok_or(AppError::NotFound)?;
    if user.role != Role::Bureau {
        let entry = state.calls.get(call_id).ok_or(AppError::NotFound)?;
        if !crate::pages::owner::owns(user, entry.call) {
            return Err(AppError::NotFound);
        }
        return Ok((Reader::Owner, app));
    }
    let desk = desk(state, user, call_id)?;
    let holds = app.level.as_deref() == Some(desk.level.id.as_str())
        && app.unit.as_deref() == Some(desk.unit.as_str());
    let decided = holds
        || state
            .store
            .reviews_of(id)
            .await?
            .iter()
            .any(|r| r.level == desk.level.id && r.unit == desk.unit);
    if !decided {
        return Err(AppError::NotFound);
    }
    Ok((Reader::Bureau(desk), app))
}

pub(super) async fn show_page(
    state: &ServerState,
    viewer: &Viewer,
    reader: &Reader<'_>,
    app: &ApplicationRow,
    problem: &str,
    typed: Typed,
    params: &QueueParams,
) -> Result<Html<String>, AppError> {
    let entry = state.calls.of(app).ok_or(AppError::NotFound)?;
    let call = entry.call;
    let org = state
        .store
        .organisation(app.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let same_code = state
        .store
        .organisations_sharing_uscc(org.id, SAME_CODE_SHOWN)
        .await?
        .into_iter()
        .map(|o| {
            let place = shenbao_core::region::full_name(&o.region).unwrap_or(o.region);
            (o.name, place)
        })
        .collect();
    let duplicates = shenbao_app::duplicates::check(&state.store, &state.calls, app, &org.uscc)
        .await?
        .into_iter()
        .map(|f| {
            let mut evidence = Vec::new();
            if f.same_title {
                evidence.push(s::DUPLICATE_SAME_TITLE.to_string());
            }
            for c in &f.sections {
                evidence.push(s::duplicate_section(&c.label, &c.other_label, c.similarity));
            }
            DuplicateView {
                suspected: f.suspected(),
                what: s::duplicate_what(
                    f.other.id,
                    &f.call_title,
                    f.year,
                    &f.direction,
                    f.other.status.label(),
                ),
                organisation: if f.same_organisation {
                    format!(
                        "{}{}",
                        f.other.organisation_name,
                        s::DUPLICATE_SAME_ORGANISATION
                    )
                } else {
                    f.other.organisation_name.clone()
                },
                title: f.other.title.clone().unwrap_or_default(),
                evidence,
            }
        })
        .collect();
    let members = state
        .store
        .members_of(app.id)
        .await?
        .into_iter()
        .map(|m| {
            let region = shenbao_core::region::full_name(&m.region).unwrap_or(m.region);
            (m.name, m.uscc, region)
        })
        .collect();
    let snapshots = state.store.last_two_snapshots(app.id).await?;
    let snapshot = snapshots.first().ok_or(AppError::NotFound)?;
    let answers: Json = serde_json::from_str(&snapshot.answers).unwrap_or_else(|_| json!({}));
    let files = snapshot::files(&snapshot.files);
    let metas: Vec<_> = files.iter().map(SnapshotFile::meta).collect();
    let profile = profile_json(&org);
    let target = Target {
        direction: &app.direction,
        subdirection: app.subdirection.as_deref(),
    };
    let report = form::check(
        call,
        &Application {
            target,
            answers: &answers,
            profile: Some(&profile),
            files: Some(&metas),
        },
    );
    let form_html = match shenbao_app::exports::FormSource::load(
        &state.store,
        app,
        shenbao_app::exports::Version::Submitted,
    )
    .await
    .map_err(AppError::Internal)?
    {
        Some(source) => {
            shenbao_docs::application_html(call, &source.application(app), &source.extras)
        }
        None => String::new(),
    };
    let reviews = state.store.reviews_of(app.id).await?;
    let own_review = match reader {
        Reader::Bureau(desk) => reviews
            .iter()
            .position(|r| r.level == desk.level.id && r.unit == desk.unit),
        Reader::Owner => None,
    };
    let mut decisions: Vec<DecisionView> = reviews
        .into_iter()
        .map(|r| {
            let level = call.def().review_levels.iter().find(|l| l.id == r.level);
            let signatures: BTreeMap<String, String> = r
                .signatures
                .as_deref()
                .and_then(|x| serde_json::from_str(x).ok())
                .unwrap_or_default();
            DecisionView {
                level: level.map(|l| l.name.clone()).unwrap_or(r.level.clone()),
                unit: level
                    .map(|l| unit_label(l, &r.unit))
                    .unwrap_or(r.unit.clone()),
                decision: status_label(&r.decision),
                rank: r.rank.map(|x| x.to_string()).unwrap_or_default(),
                opinion: r.opinion,
                signatures: signatures.into_iter().collect(),
                at: fmt_time(r.decided_at),
            }
        })
        .collect();
    // The unit's own decision stands beside the form, not among the others'.
    // A unit may change its decision until it forwards its list: the forms then stay, folded.
    let own = own_review.map(|i| decisions.remove(i));
    let history: Vec<HistoryLine> = state
        .store
        .application_events(app.id)
        .await?
        .into_iter()
        .map(|e| HistoryLine {
            at: fmt_time(e.at),
            what: event_label(e.from_status, e.to_status),
            note: e.note.unwrap_or_default(),
        })
        .collect();
    let resubmitted = snapshots.len() > 1;
    let (changes, file_changes) = match snapshots.get(1) {
        Some(before) => {
            let before_answers: Json = serde_json::from_str(&before.answers).unwrap_or_default();
            let changes =
                shenbao_core::diff::diff_answers(call, &target, &before_answers, &answers)
                    .into_iter()
                    .map(|c| (c.label, c.before, c.after))
                    .collect();
            (
                changes,
                file_changes(&snapshot::files(&before.files), &files),
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    let (can_act, closed_reason, level) = match reader {
        Reader::Owner => (false, String::new(), None),
        Reader::Bureau(desk) => {
            let holds = app.level.as_deref() == Some(desk.level.id.as_str())
                && app.unit.as_deref() == Some(desk.unit.as_str());
            let forwarded = state
                .store
                .forwards_of_unit(&desk.at())
                .await?
                .iter()
                .any(|f| f.direction == app.direction);
            let decidable = ApplicationStatus::DECIDABLE.contains(&app.status);
            let reason = if !holds {
                s::REVIEW_NOT_HERE
            } else if forwarded {
                s::REVIEW_FORWARDED
            } else if !desk.open(state.now()) {
                s::REVIEW_CLOSED
            } else if !decidable {
                s::REVIEW_WAITING_APPLICANT
            } else {
                ""
            };
            (reason.is_empty(), reason.to_string(), Some(desk.level))
        }
    };
    let (previous, next) = match reader {
        Reader::Bureau(desk) => (
            neighbour(state, desk, app, params, false).await?,
            neighbour(state, desk, app, params, true).await?,
        ),
        Reader::Owner => (None, None),
    };
    let opinion = level.and_then(|l| l.opinion.as_ref());
    let signature_lines = opinion
        .map(|o| {
            o.signatures
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    (
                        line.clone(),
                        typed.signatures.get(i).cloned().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    render(ShowPage {
        nav: Nav::of(viewer),
        call_id: app.call_id.clone(),
        call_title: call.def().title.clone(),
        id: app.id,
        title: app.title.clone().unwrap_or_default(),
        organisation: org.name.clone(),
        uscc: org.uscc.clone(),
        same_code,
        duplicates,
        members,
        region: shenbao_core::region::full_name(&org.region).unwrap_or(org.region.clone()),
        direction: direction_name(entry, &app.direction),
        status: app.status.label(),
        // The unit that holds it now, by its name (鲤城区工信局), not its level's.
        at_level: app
            .level
            .as_deref()
            .and_then(|l| call.def().review_levels.iter().find(|x| x.id == l))
            .map(|l| unit_label(l, app.unit.as_deref().unwrap_or_default()))
            .unwrap_or_default(),
        submitted: app.submitted_at.map(fmt_time).unwrap_or_default(),
        number: snapshot.acceptance_number(&app.call_id, call.def().year, &org.region),
        justification: app.justification.clone().unwrap_or_default(),
        errors: report
            .of(Severity::Error)
            .map(|p| p.message.clone())
            .collect(),
        warnings: report
            .of(Severity::Warning)
            .map(|p| p.message.clone())
            .collect(),
        decisions,
        changes,
        file_changes,
        resubmitted,
        files: files
            .iter()
            .map(|f| FileLine {
                id: f.id,
                name: f.display_name(),
                size: shenbao_core::form::human_size(u64::try_from(f.size).unwrap_or(0)),
                sha: f.sha256.chars().take(12).collect(),
            })
            .collect(),
        history,
        form_html,
        filters: params.filter_query(),
        keep: params.keep(),
        previous,
        next,
        own,
        can_act,
        closed_reason,
        opinion_title: opinion.map(|o| o.title.clone()).unwrap_or_default(),
        signature_lines,
        stamp: opinion.and_then(|o| o.stamp.clone()).unwrap_or_default(),
        problem: problem.to_string(),
        typed,
        back: match reader {
            Reader::Bureau(_) => format!("/review/{}", app.call_id),
            Reader::Owner => "/".to_string(),
        },
    })
}

/// The application before (`forward` false) or after `app` in the unit's queue under
/// `params`' filters and order; `None` at either end, or when `app` is not in the queue.
async fn neighbour(
    state: &ServerState,
    desk: &Desk<'_>,
    app: &ApplicationRow,
    params: &QueueParams,
    forward: bool,
) -> Result<Option<i64>, AppError> {
    let mut q = params.query(1);
    if !forward {
        q.sort = match q.sort {
            QueueSort::Newest => QueueSort::Oldest,
            QueueSort::Oldest => QueueSort::Newest,
        };
    }
    after(state, desk, app, q).await
}

/// The first application of the unit's queue after `app` in `q`'s order (`q.after` is set
/// here); `None` when `app` was never submitted or is not at the unit.
async fn after(
    state: &ServerState,
    desk: &Desk<'_>,
    app: &ApplicationRow,
    mut q: QueueQuery,
) -> Result<Option<i64>, AppError> {
    let at_unit = app.level.as_deref() == Some(desk.level.id.as_str())
        && app.unit.as_deref() == Some(desk.unit.as_str());
    let Some(t) = app.submitted_at.filter(|_| at_unit) else {
        return Ok(None);
    };
    q.after = Some((t, app.id));
    q.limit = 1;
    Ok(state
        .store
        .review_queue(&desk.at(), &q)
        .await?
        .first()
        .map(|r| r.application.id))
}

/// Where 保存并下一件 goes after deciding on `app`: the next application still waiting for the
/// unit's decision in the queue's order (under its other filters), else the queue.
async fn next_pending(
    state: &ServerState,
    desk: &Desk<'_>,
    app: &ApplicationRow,
    params: &QueueParams,
) -> Result<String, AppError> {
    let mut q = params.query(1);
    if q.status.is_none() {
        q.status = Some(ApplicationStatus::Submitted);
    }
    let call = desk.entry.call.id();
    let keep = params.keep();
    Ok(match after(state, desk, app, q).await? {
        Some(id) => format!("/review/{call}/applications/{id}{keep}"),
        None => format!(
            "/review/{call}{keep}{}msg=queue_done",
            if keep.is_empty() { "?" } else { "&" }
        ),
    })
}

/// Files added to or removed from the submission, by content (a file renamed but unchanged is
/// not a change): (`新增`/`删除`, name).
pub(super) fn file_changes(
    before: &[SnapshotFile],
    after: &[SnapshotFile],
) -> Vec<(&'static str, String)> {
    let key = |f: &SnapshotFile| (f.slot.clone(), f.sha256.clone());
    let before_keys: Vec<_> = before.iter().map(key).collect();
    let after_keys: Vec<_> = after.iter().map(key).collect();
    let mut out: Vec<(&'static str, String)> = after
        .iter()
        .filter(|f| !before_keys.contains(&key(f)))
        .map(|f| (s::REVIEW_FILE_ADDED, f.display_name()))
        .collect();
    out.extend(
        before
            .iter()
            .filter(|f| !after_keys.contains(&key(f)))
            .map(|f| (s::REVIEW_FILE_REMOVED, f.display_name())),
    );
    out
}

/// `GET /review/{call}/applications/{id}`: the whole submitted application for review.
pub async fn show(
    State(state): State<ServerState>,
    SignedIn { viewer, user }: SignedIn<Reviewers>,
    Path((call_id, id)): Path<(String, i64)>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, AppError> {
    let (reader, app) = readable(&state, &user, &call_id, id).await?;
    show_page(
        &state,
        &viewer,
        &reader,
        &app,
        "",
        Typed::default(),
        &params,
    )
    .await
}

/// `GET /review/{call}/applications/{id}/files/{file}`: a file of the submitted snapshot.
pub async fn download(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Reviewers>,
    Path((call_id, id, file_id)): Path<(String, i64, i64)>,
) -> Result<Response, AppError> {
    readable(&state, &user, &call_id, id).await?;
    let a = state
        .store
        .attachment(file_id)
        .await?
        .filter(|a| a.application_id == id)
        .ok_or(AppError::NotFound)?;
    send_attachment(&state, &a).await
}

/// `GET /review/{call}/applications/{id}/form/{format}`: the submitted application form, to
/// whoever may open the review page.
pub async fn download_form(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Reviewers>,
    Path((call_id, id, format)): Path<(String, i64, String)>,
) -> Result<Response, AppError> {
    let (_, app) = readable(&state, &user, &call_id, id).await?;
    let format = Format::parse(&format)?;
    let entry = state.calls.of(&app).ok_or(AppError::NotFound)?;
    application_download(&state, entry.call, &app, Version::Submitted, format).await
}

pub(super) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// `POST /review/{call}/applications/{id}/decide`: `action` = `return` (comment required),
/// `reject` (reason required) or `recommend` (opinion required, with the opinion block's
/// signature lines `sig.0`, `sig.1`…).
pub async fn decide(
    State(state): State<ServerState>,
    Path((call_id, id)): Path<(String, i64)>,
    Posted {
        viewer,
        user,
        fields: pairs,
        ..
    }: Posted<Fields, Reviewers>,
) -> Result<Response, AppError> {
    let (reader, app) = readable(&state, &user, &call_id, id).await?;
    let Reader::Bureau(desk) = &reader else {
        return Err(AppError::Forbidden);
    };
    let opinion_block = desk.level.opinion.as_ref();
    let typed = Typed {
        comment: field(&pairs, "comment").to_string(),
        reason: field(&pairs, "reason").to_string(),
        opinion: field(&pairs, "opinion").to_string(),
        signatures: (0..opinion_block.map_or(0, |o| o.signatures.len()))
            .map(|i| field(&pairs, &format!("sig.{i}")).to_string())
            .collect(),
    };
    // The queue's filters ride along in one hidden field, as the page's query string.
    let params = QueueParams::of_query(field(&pairs, "filters"));
    let action = field(&pairs, "action");
    let verdict = match action {
        "return" => Verdict::Return {
            comment: typed.comment.clone(),
        },
        "reject" => Verdict::NotRecommend {
            reason: typed.reason.clone(),
        },
        "recommend" => Verdict::Recommend {
            opinion: typed.opinion.clone(),
            signatures: typed.signatures.clone(),
        },
        _ => {
            let page = show_page(
                &state,
                &viewer,
                &reader,
                &app,
                s::REVIEW_UNKNOWN_ACTION,
                typed,
                &params,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let here = format!("/review/{call_id}/applications/{id}{}", params.keep());
    let actor = viewer.actor(&user, state.now());
    match review::decide(&state.store, &state.calls, actor, &call_id, id, &verdict).await {
        Ok(done) => {
            crate::notices::deliver(&state, &done.outbox).await;
            let to = if field(&pairs, "next") == "1" {
                next_pending(&state, desk, &app, &params).await?
            } else {
                here
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(ActionError::Incomplete(problems)) => {
            let problem = problems
                .into_iter()
                .find_map(problem_text)
                .unwrap_or(s::REVIEW_UNKNOWN_ACTION);
            let page = show_page(&state, &viewer, &reader, &app, problem, typed, &params).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(action_error(Some(desk.entry), error)),
    }
}
