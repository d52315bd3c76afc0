//! Official documents as downloads: the application form of an application (filled in from
//! the applicant's latest saved answers or the submitted snapshot) and the blank form of a
//! direction, in a [`Format`], sent with a Chinese file name (RFC 6266/5987
//! `filename*=UTF-8''…` plus an ASCII `filename=` for old clients).
//!
//! Access checks stay with the pages that show the application; this module only loads what a
//! document prints and lays out the response.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use shenbao_app::exports::{FormSource, Version};
use shenbao_core::call::{Call, Target};
use shenbao_core::text::visible_in_name;
use shenbao_docs::{FormFormat, Letter};
use shenbao_store::{ApplicationRow, AttachmentRow};

use crate::ServerState;
use crate::error::AppError;

/// A document format that can be downloaded. Forms come as [`Format::Docx`]; summary tables
/// as [`Format::Xlsx`] or [`Format::Docx`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Word (Office Open XML), editable.
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// PDF, with its fonts embedded.
    Pdf,
}

impl Format {
    /// Every format, in the order pages offer them.
    pub const ALL: [Format; 3] = [Format::Docx, Format::Pdf, Format::Xlsx];

    /// The file name extension, which is also how URLs name the format.
    pub fn extension(self) -> &'static str {
        self.info().0
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        self.info().1
    }

    fn info(self) -> (&'static str, &'static str) {
        match self {
            Format::Docx => (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            Format::Xlsx => (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            Format::Pdf => ("pdf", "application/pdf"),
        }
    }

    /// The format named `name` in a URL (`docx`, `xlsx`); `None` for anything else.
    pub fn from_param(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == name)
    }

    /// The format named `name`, or 404.
    pub fn parse(name: &str) -> Result<Format, AppError> {
        Format::from_param(name).ok_or(AppError::NotFound)
    }
}

/// `?format=`: a document format, for routes that have a default.
#[derive(Debug, Default, Deserialize)]
pub struct FormatQuery {
    /// `docx`, `xlsx`…; absent means the route's default.
    #[serde(default)]
    pub format: Option<String>,
}

impl FormatQuery {
    /// The format asked for, `default` when none; 404 for an unknown name.
    pub fn or(&self, default: Format) -> Result<Format, AppError> {
        match &self.format {
            None => Ok(default),
            Some(name) => Format::parse(name),
        }
    }
}

/// Characters kept as they are in an RFC 5987 `ext-value` (its `attr-char`s).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A `Content-Disposition: attachment` value naming the file `name` (any Unicode) with the
/// ASCII `fallback` for clients that do not read `filename*`. Control, bidirectional and other
/// invisible characters in `name` are dropped (`shenbao_core::text::visible_in_name`) and path
/// separators become `_`; the fallback keeps only safe ASCII.
pub fn attachment_disposition(name: &str, fallback: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| visible_in_name(*c))
        .map(|c| if c == '/' || c == '\\' { '_' } else { c })
        .collect();
    let fallback: String = fallback
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(&name, ATTR_CHAR)
    )
}

/// A download response: `bytes` as `format`, named `name` (`fallback` in ASCII), with the
/// extension appended to both.
pub fn download(format: Format, name: &str, fallback: &str, bytes: Vec<u8>) -> Response {
    let ext = format.extension();
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                attachment_disposition(&format!("{name}.{ext}"), &format!("{fallback}.{ext}")),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The title of the application form of `direction`: the direction's own form title (湖南),
/// else the call's.
pub fn form_title(call: &Call, direction: &str) -> String {
    call.direction(direction)
        .and_then(|d| d.form_title.clone())
        .unwrap_or_else(|| call.def().form_title.clone())
}

/// The renderer of forms in `format`; 404 for a format forms do not come in.
pub fn form_format(format: Format) -> Result<&'static FormFormat, AppError> {
    shenbao_app::exports::FORM_FORMATS
        .iter()
        .find(|f| f.extension == format.extension())
        .ok_or(AppError::NotFound)
}

/// A document that could not be made: missing PDF fonts are the installation's to fix, and the
/// user is told so (the Word version still works); anything else is a bug, logged.
pub(crate) fn render_error(e: shenbao_docs::DocError) -> AppError {
    if let shenbao_docs::DocError::FontsMissing(m) = &e {
        tracing::error!("{m}");
        return AppError::Refused(crate::strings::DOC_PDF_NO_FONTS.to_string());
    }
    AppError::Internal(anyhow::Error::new(e))
}

/// The application form of `app` in `format`, named after the form and the applicant: what
/// the download routes of applicants, bureaus, owners and experts send after their own access
/// checks.
pub async fn application_download(
    state: &ServerState,
    call: &'static Call,
    app: &ApplicationRow,
    version: Version,
    format: Format,
) -> Result<Response, AppError> {
    let renderer = form_format(format)?;
    let mut source = form_source(state, app, version).await?;
    // A submitted version's pages carry its 受理编号 and the QR code of its verification page.
    source.stamp(
        call,
        app,
        state.config.public_url.as_deref().unwrap_or_default(),
    );
    // Rendering a PDF takes tens of milliseconds: off the async workers.
    let row = app.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        source.render(call, &row, renderer).map_err(render_error)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let org = app_org_name(state, app).await?;
    let name = format!("{}-{}", form_title(call, &app.direction), org);
    Ok(download(
        format,
        &name,
        &format!("application-{}", app.id),
        bytes,
    ))
}

/// A letter that goes with the application form, by its name in URLs: `commitment` (the
/// call's 承诺书 with the application's names) or `consortium` (湖南's 联合体协议书, only for a
/// consortium); 404 for anything else.
pub fn letter_kind(name: &str) -> Result<Letter, AppError> {
    match name {
        "commitment" => Ok(Letter::Commitment),
        "consortium" => Ok(Letter::Consortium),
        _ => Err(AppError::NotFound),
    }
}

/// The letters `call` offers for an application: (URL name, title).
pub fn letters(call: &Call) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let commitment = &call.def().commitment;
    if commitment.printed && !commitment.text.trim().is_empty() {
        out.push(("commitment", call.def().commitment.title.clone()));
    }
    if call.field("consortium_name").is_some() {
        out.push(("consortium", crate::strings::DOC_CONSORTIUM.to_string()));
    }
    out
}

/// Letter `letter` of `app` in `format` (DOCX or PDF), filled in from the answers of
/// `version`: what the applicant prints, signs and stamps. 404 when the letter does not apply
/// (no consortium, or a call without it).
pub async fn letter_download(
    state: &ServerState,
    call: &'static Call,
    app: &ApplicationRow,
    version: Version,
    letter: Letter,
    format: Format,
) -> Result<Response, AppError> {
    let source = form_source(state, app, version).await?;
    let row = app.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let form = source.application(&row);
        match format {
            Format::Docx => shenbao_docs::letter_docx(call, &form, letter),
            Format::Pdf => shenbao_docs::Fonts::shared()
                .and_then(|fonts| shenbao_docs::letter_pdf(call, &form, letter, &fonts)),
            Format::Xlsx => Ok(None),
        }
        .map_err(render_error)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??
    .ok_or(AppError::NotFound)?;
    let title = match letter {
        Letter::Commitment => call.def().commitment.title.clone(),
        Letter::Consortium => crate::strings::DOC_CONSORTIUM.to_string(),
    };
    let org = app_org_name(state, app).await?;
    Ok(download(
        format,
        &format!("{title}-{org}"),
        &format!("letter-{}", app.id),
        bytes,
    ))
}

/// What the form of `app` prints in `version`; 404 when that version does not exist.
async fn form_source(
    state: &ServerState,
    app: &ApplicationRow,
    version: Version,
) -> Result<FormSource, AppError> {
    FormSource::load(&state.store, app, version)
        .await
        .map_err(AppError::Internal)?
        .ok_or(AppError::NotFound)
}

async fn app_org_name(state: &ServerState, app: &ApplicationRow) -> Result<String, AppError> {
    Ok(state
        .store
        .organisation(app.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?
        .name)
}

/// A blank form to offer on the call page: a direction, or one of its sub-directions when
/// their forms differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlankForm {
    /// Direction id.
    pub direction: String,
    /// Sub-direction id, when the sub-directions' forms differ.
    pub subdirection: Option<String>,
    /// What the link says: the direction's name, with the sub-direction's.
    pub name: String,
}

impl BlankForm {
    /// The download path of this blank form in `format`.
    pub fn path(&self, call: &str, format: Format) -> String {
        let mut path = format!(
            "/calls/{call}/blank/{}/{}",
            self.direction,
            format.extension()
        );
        if let Some(sub) = &self.subdirection {
            path.push_str("?subdirection=");
            path.push_str(sub);
        }
        path
    }
}

/// The blank forms of `call`: one per direction, or one per sub-direction where the
/// sub-directions' forms (their sections) differ from the direction's.
pub fn blank_forms(call: &Call) -> Vec<BlankForm> {
    let sections = |direction: &str, subdirection: Option<&str>| -> Vec<&str> {
        call.sections_for(&Target {
            direction,
            subdirection,
        })
        .map(|s| s.id.as_str())
        .collect()
    };
    let mut out = Vec::new();
    for d in &call.def().directions {
        let common = sections(&d.id, None);
        let choices = call.choices(&d.id);
        let differ = choices
            .iter()
            .any(|c| sections(&d.id, Some(c.id())) != common);
        if differ {
            out.extend(choices.iter().map(|c| BlankForm {
                direction: d.id.clone(),
                subdirection: Some(c.id().to_string()),
                name: format!("{}（{}）", d.name, c.name()),
            }));
        } else {
            out.push(BlankForm {
                direction: d.id.clone(),
                subdirection: None,
                name: d.name.clone(),
            });
        }
    }
    out
}

/// The blank form of `direction` (and `subdirection`) of `call` in `format`, named after the
/// form and the direction. 404 for a direction or sub-direction the call does not have.
pub fn blank_download(
    call: &Call,
    direction: &str,
    subdirection: Option<&str>,
    format: Format,
) -> Result<Response, AppError> {
    let d = call.direction(direction).ok_or(AppError::NotFound)?;
    let sub = match subdirection {
        Some(id) => Some(call.choice(direction, id).ok_or(AppError::NotFound)?),
        None => None,
    };
    let target = Target {
        direction,
        subdirection,
    };
    let bytes = match format {
        Format::Docx => shenbao_docs::blank_application_docx(call, target),
        Format::Pdf => shenbao_docs::Fonts::shared()
            .and_then(|fonts| shenbao_docs::blank_application_pdf(call, target, &fonts)),
        Format::Xlsx => return Err(AppError::NotFound),
    }
    .map_err(render_error)?;
    let mut name = format!("{}-{}", form_title(call, direction), d.name);
    let mut fallback = format!("blank-{}-{direction}", call.id());
    if let Some(s) = sub {
        name.push('-');
        name.push_str(&s.name());
        fallback.push('-');
        fallback.push_str(s.id());
    }
    Ok(download(format, &name, &fallback, bytes))
}

/// Streams an attachment's file as a download (shared with the experts' pages); the caller
/// has checked that the viewer may see it.
pub(crate) async fn send_attachment(
    state: &ServerState,
    a: &AttachmentRow,
) -> Result<Response, AppError> {
    let file = tokio::fs::File::open(state.files.path(&a.storage_key))
        .await
        .map_err(|_| AppError::NotFound)?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mime = match a.file_type.as_str() {
        "pdf" => "application/pdf",
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    };
    // Stored names are cleaned again: those stored before uploads were may hold anything.
    let disposition = crate::documents::attachment_disposition(
        &shenbao_core::text::file_name(&a.original_name, &a.file_type),
        &format!("file-{}.{}", a.id, a.file_type),
    );
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::{Format, attachment_disposition};

    #[test]
    fn dispositions_encode_chinese_names_and_keep_an_ascii_fallback() {
        assert_eq!(
            attachment_disposition("申报书 a/b.docx", "application-7.docx"),
            "attachment; filename=\"application-7.docx\"; \
             filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6%20a_b.docx"
        );
        assert_eq!(
            attachment_disposition("x", "a\"b;c.docx"),
            "attachment; filename=\"a_b_c.docx\"; filename*=UTF-8''x"
        );
    }

    #[test]
    fn missing_pdf_fonts_are_explained_in_chinese() {
        let e = super::render_error(shenbao_docs::DocError::FontsMissing(
            "font file /x/NotoSerifCJK-Regular.ttc: not found".to_string(),
        ));
        assert!(
            matches!(&e, crate::error::AppError::Refused(m) if m == crate::strings::DOC_PDF_NO_FONTS),
            "{e:?}"
        );
        let e = super::render_error(shenbao_docs::DocError::Pdf("layout".to_string()));
        assert!(matches!(e, crate::error::AppError::Internal(_)));
    }

    #[test]
    fn formats_are_named_by_their_extension() {
        for f in Format::ALL {
            assert_eq!(Format::from_param(f.extension()), Some(f));
        }
        assert_eq!(Format::from_param("exe"), None);
        assert!(Format::Docx.content_type().contains("wordprocessingml"));
    }
}
