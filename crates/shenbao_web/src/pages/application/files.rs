//! Evidence files: upload (streamed, checked against the slot), deletion, downloads of files, the form and the letters.

use super::*;

/// `POST /applications/{id}/files`: one or more files into one slot, each streamed to disk.
/// The body goes through [`crate::files::guard_multipart`] first, so that no preamble or part
/// header is buffered past a small bound either. A page answers with a redirect back to the
/// slot (the outcome of each file in the query, see [`UploadOutcome`]); the page's script,
/// which asks for JSON, gets the outcome in words and the slot's fresh HTML instead
/// ([`UploadView`]).
pub async fn upload_file(
    State(state): State<ServerState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let (mut multipart, tripped) = match guarded_multipart(&state, request).await {
        Ok(m) => m,
        Err(rejection) => return Ok(rejection),
    };
    let result = receive_upload(&state, &viewer, id, &mut multipart, &tripped, wants_json).await;
    match answer_upload(&mut multipart, result).await {
        // The script shows a refusal in the slot, beside the file it concerns.
        Err(AppError::Refused(message)) if wants_json => Ok((
            StatusCode::FORBIDDEN,
            JsonBody(json!({ "message": message })),
        )
            .into_response()),
        Err(AppError::Csrf) if wants_json => Ok((
            StatusCode::FORBIDDEN,
            JsonBody(json!({ "message": s::ERROR_CSRF })),
        )
            .into_response()),
        other => other,
    }
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

/// Why one file of an upload was not kept. Its code travels in the query of the redirect
/// back to the form ([`UploadOutcome`]), and the page says it in words with the slot's limits
/// ([`FileRefusal::reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileRefusal {
    /// No bytes.
    Empty,
    /// Under the slot's smallest size.
    TooSmall,
    /// Over the slot's (or the server's) largest size.
    TooLarge,
    /// Its content is none of the slot's types.
    WrongType,
    /// The slot held its most files already.
    TooMany,
    /// The request broke off while the file was read.
    Interrupted,
}

impl FileRefusal {
    const ALL: [FileRefusal; 6] = [
        FileRefusal::Empty,
        FileRefusal::TooSmall,
        FileRefusal::TooLarge,
        FileRefusal::WrongType,
        FileRefusal::TooMany,
        FileRefusal::Interrupted,
    ];

    /// The code in the query (`msg=` keeps the codes single-file uploads always had).
    pub(crate) fn code(self) -> &'static str {
        match self {
            FileRefusal::Empty => "empty",
            FileRefusal::TooSmall => "too_small",
            FileRefusal::TooLarge => "too_large",
            FileRefusal::WrongType => "wrong_type",
            FileRefusal::TooMany => "too_many",
            FileRefusal::Interrupted => "interrupted",
        }
    }

    fn from_code(code: &str) -> Option<FileRefusal> {
        FileRefusal::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Why, in words, with the slot's limits (`server_max`: the server's own largest upload).
    pub(crate) fn reason(self, slot: &FileSlot, limits: &SlotLimits, server_max: u64) -> String {
        use shenbao_core::form::human_size;
        match self {
            FileRefusal::Empty => s::UPLOAD_EMPTY.to_string(),
            FileRefusal::TooSmall => s::upload_too_small(&human_size(limits.min_size)),
            FileRefusal::TooLarge => {
                s::upload_too_large(&human_size(limits.max_size.min(server_max)))
            }
            FileRefusal::WrongType => s::upload_wrong_type(
                &slot
                    .types
                    .iter()
                    .map(|t| t.to_uppercase())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            FileRefusal::TooMany => s::upload_too_many(limits.max_count),
            FileRefusal::Interrupted => s::UPLOAD_INTERRUPTED.to_string(),
        }
    }
}

/// Most refused files named in one redirect (the others are counted), and the longest name
/// kept there, in characters: the address stays a few kilobytes whatever is sent.
const MAX_NAMED: usize = 20;
const MAX_NAME_IN_QUERY: usize = 80;

/// What an upload did in its slot: the files kept (attachment ids) and those refused, each
/// with its name as sent (cleaned by [`shenbao_core::text::file_name`], which leaves no `/`
/// or `:` in it). The redirect back to the form carries it in its query:
/// `?msg=uploaded&slot=images&done=12,13&refused=wrong_type:报价单.exe/too_many:图4.png#slot-images`
/// (`msg` is `uploaded`, or the first refusal's code, or `no_file` when nothing was chosen),
/// and the page shows one message per file at the slot.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct UploadOutcome {
    pub slot: String,
    pub stored: Vec<i64>,
    pub refused: Vec<(FileRefusal, String)>,
    /// Refused files past [`MAX_NAMED`], not named.
    pub more: usize,
    /// Nothing was chosen.
    pub nothing: bool,
}

impl UploadOutcome {
    fn summary(&self) -> &'static str {
        match self.refused.first() {
            Some((r, _)) => r.code(),
            None if self.nothing || (self.stored.is_empty() && self.more == 0) => "no_file",
            None => "uploaded",
        }
    }

    /// Where a page goes after the upload: back to the form, at the slot.
    pub(crate) fn redirect(&self, id: i64) -> String {
        use crate::error::urlencode;
        let mut to = format!("/applications/{id}/edit?msg={}", self.summary());
        if self.slot.is_empty() {
            to.push_str("#files");
            return to;
        }
        to.push_str(&format!("&slot={}", urlencode(&self.slot)));
        if !self.stored.is_empty() {
            let ids: Vec<String> = self.stored.iter().map(i64::to_string).collect();
            to.push_str(&format!("&done={}", ids.join(",")));
        }
        let named = self.refused.iter().take(MAX_NAMED).map(|(r, name)| {
            let short: String = name.chars().take(MAX_NAME_IN_QUERY).collect();
            format!("{}:{short}", r.code())
        });
        let named: Vec<String> = named.collect();
        if !named.is_empty() {
            to.push_str(&format!("&refused={}", urlencode(&named.join("/"))));
        }
        let more = self.more + self.refused.len().saturating_sub(MAX_NAMED);
        if more > 0 {
            to.push_str(&format!("&more={more}"));
        }
        to.push_str(&format!("#slot-{}", urlencode(&self.slot)));
        to
    }

    /// The outcome a redirect's query names (see [`UploadOutcome::redirect`]); what does not
    /// parse is left out.
    pub(crate) fn from_query(
        msg: Option<&str>,
        slot: &str,
        done: Option<&str>,
        refused: Option<&str>,
        more: Option<usize>,
    ) -> UploadOutcome {
        UploadOutcome {
            slot: slot.to_string(),
            stored: done
                .unwrap_or_default()
                .split(',')
                .filter_map(|n| n.parse().ok())
                .collect(),
            refused: refused
                .unwrap_or_default()
                .split('/')
                .filter_map(|entry| {
                    let (code, name) = entry.split_once(':')?;
                    Some((FileRefusal::from_code(code)?, name.to_string()))
                })
                .take(MAX_NAMED)
                .collect(),
            more: more.unwrap_or(0).min(100_000),
            nothing: msg == Some("no_file"),
        }
    }

    /// One message per file, naming it and the slot: the files kept (found among
    /// `attachments` of the application, in the slot), then those refused with the reason.
    pub(crate) fn messages(
        &self,
        slot: &FileSlot,
        limits: &SlotLimits,
        server_max: u64,
        attachments: &[shenbao_store::AttachmentRow],
    ) -> Vec<SlotMessage> {
        let mut out: Vec<SlotMessage> = self
            .stored
            .iter()
            .filter_map(|id| {
                attachments
                    .iter()
                    .find(|a| a.id == *id && a.slot == slot.id)
            })
            .map(|a| SlotMessage {
                text: s::upload_done(
                    &shenbao_core::text::file_name(&a.original_name, &a.file_type),
                    &slot.label,
                ),
                ok: true,
            })
            .collect();
        out.extend(self.refused.iter().map(|(r, name)| SlotMessage {
            text: s::upload_refused(name, &slot.label, &r.reason(slot, limits, server_max)),
            ok: false,
        }));
        if self.more > 0 {
            out.push(SlotMessage {
                text: s::upload_more_refused(self.more, &slot.label),
                ok: false,
            });
        }
        if out.is_empty() && self.nothing {
            out.push(SlotMessage {
                text: s::upload_nothing_chosen(&slot.label),
                ok: false,
            });
        }
        out
    }
}

/// A message shown at a slot after an upload.
#[derive(Debug, Clone, Serialize)]
pub struct SlotMessage {
    pub text: String,
    /// Kept (else refused).
    pub ok: bool,
}

/// The answer to the page's script: a message per file, and the slot as it is now (its
/// list of files, its problems, its upload form unless full), to put in place of the old.
#[derive(Serialize)]
pub struct UploadView {
    slot: String,
    messages: Vec<SlotMessage>,
    html: String,
}

pub(super) async fn receive_upload(
    state: &ServerState,
    viewer: &Viewer,
    id: i64,
    multipart: &mut Multipart,
    tripped: &std::sync::atomic::AtomicBool,
    wants_json: bool,
) -> Result<Response, Refusal> {
    // Not a `SignedIn` guard: a refusal must drain the body first (see [`drain`]).
    let user = Applicants::admit(viewer, &format!("/applications/{id}/edit"))?;
    let o = owned(state, &user, id).await?;
    let mut csrf = String::new();
    let mut outcome = UploadOutcome::default();
    // Files in the slot before this request, once a file arrives.
    let mut existing: Option<usize> = None;
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
            Some("slot") => outcome.slot = small_part(field, tripped).await?,
            Some("file") => {
                viewer.check_csrf(&csrf)?;
                if !o.editable() {
                    return Err(AppError::Refused(s::FORM_READONLY.to_string()).into());
                }
                let (slot, limits) = o
                    .entry
                    .call
                    .files_for(&o.app.direction)
                    .find(|(sl, _)| sl.id == outcome.slot)
                    .ok_or(AppError::NotFound)?;
                let sent = field.file_name().unwrap_or("").trim().to_string();
                // The file input with nothing chosen sends a part without a name or bytes.
                if sent.is_empty() {
                    small_part(field, tripped).await?;
                    continue;
                }
                // The name as sent, cleaned, for the messages (its type is not known yet).
                let named = shenbao_core::text::file_name(&sent, "");
                let before = match existing {
                    Some(n) => n,
                    None => {
                        let n = state
                            .store
                            .attachments(id)
                            .await?
                            .iter()
                            .filter(|a| a.slot == slot.id)
                            .count();
                        *existing.insert(n)
                    }
                };
                // Each file past the slot's maximum is refused unread (the parser skips it).
                if (before + outcome.stored.len()) as u64 >= u64::from(limits.max_count) {
                    outcome.refused.push((FileRefusal::TooMany, named));
                    continue;
                }
                let limit = limits.max_size.min(state.files.max_bytes);
                let received = match state.files.receive(field, limit).await {
                    Ok(r) => r,
                    Err(UploadError::TooLarge) => {
                        outcome.refused.push((FileRefusal::TooLarge, named));
                        continue;
                    }
                    Err(UploadError::Interrupted(_)) => {
                        if let Refusal::PartTooLarge = broken_stream(tripped) {
                            return Err(Refusal::PartTooLarge);
                        }
                        // Nothing more can be read: the files kept so far stay.
                        outcome.refused.push((FileRefusal::Interrupted, named));
                        break;
                    }
                    Err(UploadError::Io(e)) => return Err(AppError::Internal(e.into()).into()),
                };
                let refusal = if received.size == 0 {
                    Some(FileRefusal::Empty)
                } else if received.size < limits.min_size {
                    Some(FileRefusal::TooSmall)
                } else if !received
                    .file_type
                    .is_some_and(|t| slot.types.iter().any(|x| x == t))
                {
                    Some(FileRefusal::WrongType)
                } else {
                    None
                };
                let (Some(kind), None) = (received.file_type, refusal) else {
                    state.files.discard(received).await;
                    outcome
                        .refused
                        .push((refusal.unwrap_or(FileRefusal::WrongType), named));
                    continue;
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
                    original_name: shenbao_core::text::file_name(&sent, kind),
                    storage_key: key.clone(),
                    size: i64::try_from(received.size).unwrap_or(i64::MAX),
                    sha256: received.sha256.clone(),
                    file_type: kind.to_string(),
                    created_at: state.now(),
                    uploaded_by: o.user.id,
                };
                let actor = viewer.actor(&o.user, state.now());
                match applicant::attach(&state.store, actor, &o.app, &file).await {
                    Ok(row) => outcome.stored.push(row.id),
                    Err(error) => {
                        state.files.delete(&key).await;
                        return Err(action_error(Some(o.entry), error).into());
                    }
                }
            }
            // Unknown parts are read within the same bound and thrown away.
            _ => {
                small_part(field, tripped).await?;
            }
        }
    }
    outcome.nothing = outcome.stored.is_empty() && outcome.refused.is_empty();
    if !wants_json {
        return Ok(Redirect::to(&outcome.redirect(id)).into_response());
    }
    let view = upload_view(state, viewer, &o, &outcome).await?;
    Ok(JsonBody(view).into_response())
}

/// The script's answer for `outcome` (see [`UploadView`]).
async fn upload_view(
    state: &ServerState,
    viewer: &Viewer,
    o: &Owned<'_>,
    outcome: &UploadOutcome,
) -> Result<UploadView, AppError> {
    let (slot, limits) = o
        .entry
        .call
        .files_for(&o.app.direction)
        .find(|(sl, _)| sl.id == outcome.slot)
        .ok_or(AppError::NotFound)?;
    let attachments = state.store.attachments(o.app.id).await?;
    let messages = outcome.messages(slot, &limits, state.files.max_bytes, &attachments);
    let html = slot_fragment(state, viewer, o, &attachments, &slot.id).await?;
    Ok(UploadView {
        slot: slot.id.clone(),
        messages,
        html,
    })
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
    if let Some(row) = &removed
        && !frozen
    {
        state.files.delete(&row.storage_key).await;
    }
    // Back to the slot the file was in.
    let to = match removed {
        Some(row) => format!(
            "/applications/{id}/edit#slot-{}",
            crate::error::urlencode(&row.slot)
        ),
        None => format!("/applications/{id}/edit#files"),
    };
    Ok(Redirect::to(&to).into_response())
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
