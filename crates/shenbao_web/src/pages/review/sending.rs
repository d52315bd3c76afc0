//! What a unit sends upward with its list (`[review_level.sending]` of the call): the
//! recommendation letter (推荐函) to download, sign and seal, the stamped scans to upload
//! before forwarding (PDF, checked by content), and the scans units below sent here.

use axum::extract::Multipart;
use axum::http::header;
use shenbao_app::actions::sending::{self, ScanFile};
use shenbao_core::call::definition::{PaperPer, ScanKind};
use shenbao_store::UnitScanRow;

use super::*;
use crate::pages::application::{
    Refusal, answer_upload, broken_stream, guarded_multipart, small_part,
};

/// A scan slot on the ranking page: what is asked for and the current upload, if any.
pub struct ScanSlot {
    pub(crate) kind: &'static str,
    pub(crate) label: &'static str,
    /// The current upload: (id, file name, when).
    pub(crate) current: Option<(i64, String, String)>,
}

/// The ranking page's part on sending: the level's clause, the letter and the scan slots.
pub struct SendingView {
    pub(crate) source: String,
    pub(crate) letter: bool,
    pub(crate) scans: Vec<ScanSlot>,
    /// Scans still missing: forwarding is refused until they are uploaded.
    pub(crate) missing: bool,
    /// What goes on paper as well, counted for this list (strings::paper_line).
    pub(crate) paper: Vec<String>,
    /// Where the paper goes, as the notice says; empty when it does not.
    pub(crate) paper_to: String,
}

/// A scan a unit below sent here (or, for the owner, any unit).
pub struct SentScan {
    pub(crate) id: i64,
    pub(crate) unit: String,
    pub(crate) label: &'static str,
    pub(crate) name: String,
    pub(crate) at: String,
}

/// The sending part of `desk`'s ranking page, if its level sends anything; `count`: how many
/// applications the list being sent holds.
pub(super) async fn sending_view(
    state: &ServerState,
    desk: &Desk<'_>,
    count: usize,
) -> Result<Option<SendingView>, AppError> {
    let Some(def) = sending::sending(desk) else {
        return Ok(None);
    };
    let current = state
        .store
        .unit_scans(desk.entry.call.id(), &desk.level.id, &desk.unit)
        .await?;
    let scans = def
        .scans
        .iter()
        .map(|k| ScanSlot {
            kind: k.as_str(),
            label: k.label(),
            current: current
                .iter()
                .find(|r| r.kind == k.as_str())
                .map(|r| (r.id, r.original_name.clone(), fmt_time(r.uploaded_at))),
        })
        .collect();
    Ok(Some(SendingView {
        source: def.source.clone().unwrap_or_default(),
        letter: def.letter.is_some(),
        scans,
        missing: !sending::missing(desk, &current).is_empty(),
        paper: def
            .paper
            .iter()
            .map(|p| {
                let each = (p.per == PaperPer::Application).then_some(count);
                crate::strings::paper_line(&p.document, p.copies, each, p.stamp.as_deref())
            })
            .collect(),
        paper_to: def.paper_to.clone().unwrap_or_default(),
    }))
}

/// Scans listed on one page.
const SCANS_PAGE: i64 = 50;

/// The scans sent here, a page of them.
pub struct SentScans {
    pub(crate) scans: Vec<SentScan>,
    /// The key of the next page (`scans_after=`), when there is one.
    pub(crate) next: Option<i64>,
}

/// The scans sent to `to_unit` at `to_level` of `call` after scan `after`, a page of them,
/// for the page of the unit there (or the owner's).
pub(crate) async fn sent_scans(
    state: &ServerState,
    call: &shenbao_core::call::Call,
    to_level: &str,
    to_unit: &str,
    after: i64,
) -> Result<SentScans, AppError> {
    let rows = state
        .store
        .scans_sent_to(call.id(), to_level, to_unit, after, SCANS_PAGE)
        .await?;
    let next = (rows.len() as i64 == SCANS_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let scans = rows
        .into_iter()
        .map(|r| SentScan {
            id: r.id,
            unit: call
                .def()
                .review_levels
                .iter()
                .find(|l| l.id == r.level)
                .map(|l| unit_label(l, &r.unit))
                .unwrap_or_else(|| r.unit.clone()),
            label: ScanKind::parse(&r.kind).map_or("", ScanKind::label),
            name: r.original_name,
            at: fmt_time(r.uploaded_at),
        })
        .collect();
    Ok(SentScans { scans, next })
}

/// The unit's recommendation letter as Word and PDF, named for its package; nothing when the
/// level sends none.
pub(super) async fn letter_documents(
    state: &ServerState,
    desk: &Desk<'_>,
    user: &UserRow,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let Some((def, lines)) = sending::letter(&state.store, desk).await? else {
        return Ok(Vec::new());
    };
    let call = desk.entry.call;
    let unit = desk_label(desk);
    let to = sending::destination(desk, user)
        .map(|(l, u)| unit_label(l, &u))
        .unwrap_or_default();
    let def = def.clone();
    tokio::task::spawn_blocking(move || {
        let input = shenbao_docs::LetterInput {
            unit: &unit,
            to: &to,
            lines: &lines,
        };
        let name = |ext| shenbao_core::messages::sending::package_letter_name(&def.title, ext);
        let docx = shenbao_docs::recommendation_docx(call, &def, &input)?;
        let pdf =
            shenbao_docs::recommendation_pdf(call, &def, &input, &shenbao_docs::Fonts::shared()?)?;
        Ok(vec![(name("docx"), docx), (name("pdf"), pdf)])
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(crate::documents::render_error)
}

/// `GET /review/{call}/letter?format=docx|pdf`: the unit's recommendation letter (推荐函),
/// its ranked list as it stands; Word unless asked otherwise.
pub async fn letter(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let format = query.or(Format::Docx)?;
    let (def, lines) = sending::letter(&state.store, &desk)
        .await?
        .ok_or(AppError::NotFound)?;
    let call = desk.entry.call;
    let unit = desk_label(&desk);
    let to = sending::destination(&desk, &user)
        .map(|(l, u)| unit_label(l, &u))
        .unwrap_or_default();
    let def = def.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let input = shenbao_docs::LetterInput {
            unit: &unit,
            to: &to,
            lines: &lines,
        };
        match format {
            Format::Docx => shenbao_docs::recommendation_docx(call, &def, &input),
            Format::Pdf => shenbao_docs::Fonts::shared()
                .and_then(|fonts| shenbao_docs::recommendation_pdf(call, &def, &input, &fonts)),
            Format::Xlsx => Err(shenbao_docs::DocError::Docx("no XLSX letter".into())),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    if format == Format::Xlsx {
        return Err(AppError::NotFound);
    }
    let bytes = bytes.map_err(crate::documents::render_error)?;
    let title = desk
        .level
        .sending
        .as_ref()
        .and_then(|s| s.letter.as_ref())
        .map(|l| l.title.clone())
        .unwrap_or_default();
    Ok(crate::documents::download(
        format,
        &format!("{title}-{}", desk_label(&desk)),
        &format!("letter-{call_id}"),
        bytes,
    ))
}

/// `POST /review/{call}/scans` (multipart: `csrf`, `kind`, then `file`): one stamped scan,
/// streamed to disk, kept only when its content is a PDF.
pub async fn upload_scan(
    State(state): State<ServerState>,
    viewer: crate::auth::Viewer,
    Path(call_id): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let (mut multipart, tripped) = match guarded_multipart(&state, request).await {
        Ok(m) => m,
        Err(rejection) => return Ok(rejection),
    };
    let result = receive_scan(&state, &viewer, &call_id, &mut multipart, &tripped).await;
    answer_upload(&mut multipart, result).await
}

async fn receive_scan(
    state: &ServerState,
    viewer: &crate::auth::Viewer,
    call_id: &str,
    multipart: &mut Multipart,
    tripped: &std::sync::atomic::AtomicBool,
) -> Result<Response, Refusal> {
    use crate::guard::Gate;
    let here = format!("/review/{call_id}/ranking");
    let user = Bureaus::admit(viewer, &here)?;
    let desk = desk(state, &user, call_id)?;
    let mut csrf = String::new();
    let mut kind = String::new();
    // Back to the direction the clerk was looking at (the form sends it before the file).
    let mut direction = String::new();
    let back = |direction: &str, code: &str| {
        Redirect::to(&format!(
            "{here}?direction={}&msg={code}#sending",
            crate::error::urlencode(direction)
        ))
        .into_response()
    };
    let mut small_parts = 0;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| broken_stream(tripped))?
    {
        if field.name() != Some("file") {
            small_parts += 1;
            if small_parts > crate::pages::application::MAX_SMALL_PARTS {
                return Err(Refusal::PartTooLarge);
            }
        }
        match field.name() {
            Some("csrf") => csrf = small_part(field, tripped).await?,
            Some("kind") => kind = small_part(field, tripped).await?,
            Some("direction") => direction = small_part(field, tripped).await?,
            Some("file") => {
                viewer.check_csrf(&csrf)?;
                let kind = ScanKind::parse(&kind).ok_or(AppError::NotFound)?;
                let original = field.file_name().unwrap_or("").trim().to_string();
                if original.is_empty() {
                    return Ok(back(&direction, "scan_no_file"));
                }
                let received = match state.files.receive(field, state.files.max_bytes).await {
                    Ok(r) => r,
                    Err(crate::files::UploadError::TooLarge) => {
                        return Ok(back(&direction, "scan_too_large"));
                    }
                    Err(crate::files::UploadError::Interrupted(_)) => {
                        return match broken_stream(tripped) {
                            Refusal::PartTooLarge => Err(Refusal::PartTooLarge),
                            Refusal::App(_) => Ok(back(&direction, "scan_interrupted")),
                        };
                    }
                    Err(crate::files::UploadError::Io(e)) => {
                        return Err(AppError::Internal(e.into()).into());
                    }
                };
                // A scan is a PDF by its content, whatever its name says.
                if received.size == 0 || received.file_type != Some("pdf") {
                    state.files.discard(received).await;
                    return Ok(back(&direction, "scan_not_pdf"));
                }
                let key = format!("{call_id}/scans/{}", crate::auth::random_token());
                state
                    .files
                    .persist(&received, &key)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
                let file = ScanFile {
                    original_name: shenbao_core::text::file_name(&original, "pdf"),
                    storage_key: key.clone(),
                    size: i64::try_from(received.size).unwrap_or(i64::MAX),
                    sha256: received.sha256.clone(),
                };
                let actor = viewer.actor(&user, state.now());
                if let Err(e) =
                    sending::upload_scan(&state.store, &state.calls, actor, call_id, kind, &file)
                        .await
                {
                    state.files.delete(&key).await;
                    return Err(action_error(Some(desk.entry), e).into());
                }
                return Ok(back(&direction, "scan_uploaded"));
            }
            _ => {
                small_part(field, tripped).await?;
            }
        }
    }
    Ok(back(&direction, "scan_no_file"))
}

/// `GET /review/{call}/scans/{id}`: a stamped scan, for the unit that uploaded it, the unit
/// it was sent to and the call's owners.
pub async fn download_scan(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Reviewers>,
    Path((call_id, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let scan: UnitScanRow = sending::readable_scan(&state.store, &state.calls, &user, &call_id, id)
        .await
        .map_err(|e| action_error(state.calls.get(&call_id), e))?;
    let file = tokio::fs::File::open(state.files.path(&scan.storage_key))
        .await
        .map_err(|_| AppError::NotFound)?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let disposition = crate::documents::attachment_disposition(
        &shenbao_core::text::file_name(&scan.original_name, "pdf"),
        &format!("scan-{}.pdf", scan.id),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
