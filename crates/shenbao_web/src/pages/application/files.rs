//! Evidence files: upload (streamed, checked against the slot), deletion, downloads of files, the form and the letters.

use super::*;

/// `POST /applications/{id}/files`: one file into one slot, streamed to disk. The body goes
/// through [`crate::files::guard_multipart`] first, so that no preamble or part header is
/// buffered past a small bound either.
pub async fn upload_file(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let (mut multipart, tripped) = match guarded_multipart(&state, request).await {
        Ok(m) => m,
        Err(rejection) => return Ok(rejection),
    };
    let result = receive_upload(&state, &viewer, id, &mut multipart, &tripped).await;
    answer_upload(&mut multipart, result).await
}

/// The multipart body of an upload behind [`crate::files::guard_multipart`], with the flag the
/// guard trips; or, when it is no multipart body, the extractor's answer.
pub(crate) async fn guarded_multipart(
    state: &ServerState,
    request: axum::extract::Request,
) -> Result<(Multipart, std::sync::Arc<std::sync::atomic::AtomicBool>), Response> {
    use axum::extract::FromRequest;
    let tripped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let boundary = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::files::multipart_boundary);
    let body = match &boundary {
        Some(b) => crate::files::guard_multipart(body, b, std::sync::Arc::clone(&tripped)),
        None => body,
    };
    match Multipart::from_request(axum::extract::Request::from_parts(parts, body), state).await {
        Ok(m) => Ok((m, tripped)),
        Err(rejection) => Err(rejection.into_response()),
    }
}

/// The answer to an upload once its parts were read: what is left of the body is drained
/// first (see [`drain`]), except after [`Refusal::PartTooLarge`].
pub(crate) async fn answer_upload(
    multipart: &mut Multipart,
    result: Result<Response, Refusal>,
) -> Result<Response, AppError> {
    match result {
        // Not drained: see `Refusal::PartTooLarge`.
        Err(Refusal::PartTooLarge) => Ok(part_too_large()),
        Ok(answer) => {
            drain(multipart).await;
            Ok(answer)
        }
        Err(Refusal::App(e)) => {
            drain(multipart).await;
            Err(e)
        }
    }
}

/// Longest value of a part other than the file: the page's hidden fields (the CSRF token,
/// the slot id) are tens of bytes.
pub(crate) const MAX_PART_BYTES: usize = 4 * 1024;
/// Most parts other than the file that one upload may carry (the page sends two).
pub(crate) const MAX_SMALL_PARTS: usize = 16;

/// Why an upload was answered without keeping a file, when not by a redirect to the form.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// An answer to the user; what is left of the body is drained first (see [`drain`]).
    App(AppError),
    /// A part other than the file passed [`MAX_PART_BYTES`] (or there were more than
    /// [`MAX_SMALL_PARTS`] of them), or the preamble or a part's headers passed
    /// [`crate::files::MAX_MULTIPART_OVERHEAD`]. No page sends that: it is a broken or
    /// hostile client, possibly streaming gigabytes into what should be a token. The answer
    /// goes out at once, the rest of the body is left unread and the connection is closed,
    /// rather than drained: draining throws the bytes away without buffering them, but would
    /// still keep reading (up to 256 MiB, for a minute) from a client that has shown it is
    /// not a browser waiting for its answer. A client that reads while it sends gets the 413
    /// before its send fails.
    PartTooLarge,
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        Refusal::App(e)
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        Refusal::App(e.into())
    }
}

/// The answer to [`Refusal::PartTooLarge`]: 413 with the Chinese page, and the connection
/// closed after it.
pub(crate) fn part_too_large() -> Response {
    let mut response = AppError::Refused(s::UPLOAD_PART_TOO_LARGE.to_string()).into_response();
    *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    response.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

/// Why the multipart stream failed: the guard tripped (`tripped`, see
/// [`crate::files::guard_multipart`]), or the upload was interrupted.
pub(crate) fn broken_stream(tripped: &std::sync::atomic::AtomicBool) -> Refusal {
    if tripped.load(std::sync::atomic::Ordering::SeqCst) {
        Refusal::PartTooLarge
    } else {
        Refusal::App(AppError::Refused(s::UPLOAD_INTERRUPTED.to_string()))
    }
}

/// The text of a part other than the file, read chunk by chunk and refused as soon as it
/// passes [`MAX_PART_BYTES`], so that nothing longer is ever held in memory.
pub(crate) async fn small_part(
    mut field: axum::extract::multipart::Field<'_>,
    tripped: &std::sync::atomic::AtomicBool,
) -> Result<String, Refusal> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| broken_stream(tripped))? {
        if bytes.len() + chunk.len() > MAX_PART_BYTES {
            return Err(Refusal::PartTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What is left of an upload that was answered before its end (refused for its count, its
/// size, a login or a token) is read and thrown away, within bounds, before the answer goes
/// out. hyper closes a connection whose request body was not read to the end, and a client
/// still sending its file then sees a broken pipe or a reset instead of the refusal (a browser
/// shows a network error page; a flaky test showed it). Past `DRAIN_BYTES` or `DRAIN_TIME`
/// the connection is closed after all. Chunks are dropped as they come: nothing is buffered.
pub(crate) async fn drain(multipart: &mut Multipart) {
    const DRAIN_BYTES: u64 = 256 * 1024 * 1024;
    const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(60);
    let rest = async {
        let mut read: u64 = 0;
        while let Ok(Some(mut field)) = multipart.next_field().await {
            while let Ok(Some(chunk)) = field.chunk().await {
                read += chunk.len() as u64;
                if read > DRAIN_BYTES {
                    return;
                }
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, rest).await;
}

pub(super) async fn receive_upload(
    state: &ServerState,
    viewer: &Viewer,
    id: i64,
    multipart: &mut Multipart,
    tripped: &std::sync::atomic::AtomicBool,
) -> Result<Response, Refusal> {
    // Not a `SignedIn` guard: a refusal must drain the body first (see [`drain`]).
    let user = Applicants::admit(viewer, &format!("/applications/{id}/edit"))?;
    let o = owned(state, &user, id).await?;
    let back = |code: &str| {
        Redirect::to(&format!("/applications/{id}/edit?msg={code}#files")).into_response()
    };
    let mut csrf = String::new();
    let mut slot_id = String::new();
    let mut small_parts = 0;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| broken_stream(tripped))?
    {
        if field.name() != Some("file") {
            small_parts += 1;
            if small_parts > MAX_SMALL_PARTS {
                return Err(Refusal::PartTooLarge);
            }
        }
        match field.name() {
            Some("csrf") => csrf = small_part(field, tripped).await?,
            Some("slot") => slot_id = small_part(field, tripped).await?,
            Some("file") => {
                viewer.check_csrf(&csrf)?;
                if !o.editable() {
                    return Err(AppError::Refused(s::FORM_READONLY.to_string()).into());
                }
                let (slot, limits) = o
                    .entry
                    .call
                    .files_for(&o.app.direction)
                    .find(|(sl, _)| sl.id == slot_id)
                    .ok_or(AppError::NotFound)?;
                let original = field.file_name().unwrap_or("").trim().to_string();
                if original.is_empty() {
                    return Ok(back("no_file"));
                }
                let existing = state
                    .store
                    .attachments(id)
                    .await?
                    .iter()
                    .filter(|a| a.slot == slot.id)
                    .count();
                if existing as u64 >= u64::from(limits.max_count) {
                    return Ok(back("too_many"));
                }
                let limit = limits.max_size.min(state.files.max_bytes);
                let received = match state.files.receive(field, limit).await {
                    Ok(r) => r,
                    Err(UploadError::TooLarge) => return Ok(back("too_large")),
                    Err(UploadError::Interrupted(_)) => {
                        return match broken_stream(tripped) {
                            Refusal::PartTooLarge => Err(Refusal::PartTooLarge),
                            Refusal::App(_) => Ok(back("interrupted")),
                        };
                    }
                    Err(UploadError::Io(e)) => return Err(AppError::Internal(e.into()).into()),
                };
                if received.size == 0 {
                    state.files.discard(received).await;
                    return Ok(back("no_file"));
                }
                if received.size < limits.min_size {
                    state.files.discard(received).await;
                    return Ok(back("too_small"));
                }
                let Some(kind) = received
                    .file_type
                    .filter(|t| slot.types.iter().any(|x| x == t))
                else {
                    state.files.discard(received).await;
                    return Ok(back("wrong_type"));
                };
                let key = format!("{}/{}/{}", o.app.call_id, id, crate::auth::random_token());
                state
                    .files
                    .persist(&received, &key)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
                let file = NewAttachment {
                    application_id: id,
                    slot: slot.id.clone(),
                    original_name: shenbao_core::text::file_name(&original, kind),
                    storage_key: key.clone(),
                    size: i64::try_from(received.size).unwrap_or(i64::MAX),
                    sha256: received.sha256.clone(),
                    file_type: kind.to_string(),
                    created_at: state.now(),
                    uploaded_by: o.user.id,
                };
                let actor = viewer.actor(&o.user, state.now());
                if let Err(error) = applicant::attach(&state.store, actor, &o.app, &file).await {
                    state.files.delete(&key).await;
                    return Err(action_error(Some(o.entry), error).into());
                }
                return Ok(back("uploaded"));
            }
            // Unknown parts are read within the same bound and thrown away.
            _ => {
                small_part(field, tripped).await?;
            }
        }
    }
    Ok(back("no_file"))
}

/// `POST /applications/{id}/files/{file}/delete`: while a draft.
pub async fn delete_file(
    State(state): State<ServerState>,
    Path((id, file_id)): Path<(i64, i64)>,
    Posted { viewer, user, .. }: Posted<Fields, Applicants>,
) -> Result<Response, AppError> {
    let o = owned(&state, &user, id).await?;
    // A file frozen in an earlier submission stays on disk: the snapshot still names it.
    let frozen = state.store.latest_snapshot(id).await?.is_some_and(|snap| {
        shenbao_app::snapshot::files(&snap.files)
            .iter()
            .any(|f| f.id == file_id)
    });
    let removed = applicant::detach(&state.store, actor(&state, &viewer, &o), &o.app, file_id)
        .await
        .map_err(|e| action_error(Some(o.entry), e))?;
    if let Some(row) = removed
        && !frozen
    {
        state.files.delete(&row.storage_key).await;
    }
    Ok(Redirect::to(&format!("/applications/{id}/edit#files")).into_response())
}

/// `GET /applications/{id}/files/{file}`: streams the file back to its owner.
pub async fn download_file(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Applicants>,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    owned(&state, &user, id).await?;
    let a = state
        .store
        .attachment(file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if a.application_id != id {
        return Err(AppError::NotFound);
    }
    send_attachment(&state, &a).await
}

/// `GET /applications/{id}/form/{format}`: the application form filled in, to its owner: the
/// latest saved answers while the applicant may still change them, else the submitted snapshot.
pub async fn download_form(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Applicants>,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let o = owned(&state, &user, id).await?;
    let format = Format::parse(&format)?;
    let version = if o.editable() {
        Version::Draft
    } else {
        Version::Submitted
    };
    application_download(&state, o.entry.call, &o.app, version, format).await
}

/// `GET /applications/{id}/letter/{letter}/{format}`: a letter of the owning organisation's
/// application (承诺书, 联合体协议书) filled in from its answers, like the form.
pub async fn download_letter(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Applicants>,
    Path((id, letter, format)): Path<(i64, String, String)>,
) -> Result<Response, AppError> {
    let o = owned(&state, &user, id).await?;
    let format = Format::parse(&format)?;
    let letter = letter_kind(&letter)?;
    let version = if o.editable() {
        Version::Draft
    } else {
        Version::Submitted
    };
    letter_download(&state, o.entry.call, &o.app, version, letter, format).await
}
