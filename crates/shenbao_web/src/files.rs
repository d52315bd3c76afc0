//! Uploaded files on disk: streamed to a temporary file while counting the size and the
//! SHA-256, the type decided by the content's magic bytes (the `infer` crate), then moved
//! into place. Nothing holds a whole file in memory.

use std::path::{Path, PathBuf};

use axum::extract::multipart::Field;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Bytes kept from the start of a file to decide its type (ZIP-based formats name their
/// parts near the start).
const SNIFF_BYTES: usize = 64 * 1024;

/// Where uploaded files live: `<root>/<storage key>`, with `<root>/tmp` for uploads in
/// progress.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
    /// Largest upload accepted at all, whatever a slot allows.
    pub max_bytes: u64,
}

/// A file received into the temporary folder.
#[derive(Debug)]
pub struct Received {
    tmp: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Type decided by content: pdf, jpg, png, doc, docx, xls, xlsx, mp4, zip, ofd; None when
    /// unknown.
    pub file_type: Option<&'static str>,
}

/// Why a file could not be received.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// Larger than allowed; the partial file is removed.
    #[error("too large")]
    TooLarge,
    /// The connection or the multipart stream failed.
    #[error("upload interrupted: {0}")]
    Interrupted(String),
    /// The disk failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl FileStore {
    /// A store rooted at `root` (created when needed).
    pub fn new(root: impl Into<PathBuf>, max_bytes: u64) -> FileStore {
        FileStore {
            root: root.into(),
            max_bytes,
        }
    }

    /// The path of a stored file.
    pub fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// Streams a multipart field to a temporary file, refusing it past `limit` bytes.
    pub async fn receive(&self, mut field: Field<'_>, limit: u64) -> Result<Received, UploadError> {
        let dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&dir).await?;
        let tmp = dir.join(crate::auth::random_token());
        let mut file = tokio::fs::File::create(&tmp).await?;
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::new();
        let mut size: u64 = 0;
        let outcome: Result<(), UploadError> = async {
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| UploadError::Interrupted(e.to_string()))?
            {
                size += chunk.len() as u64;
                if size > limit {
                    return Err(UploadError::TooLarge);
                }
                if head.len() < SNIFF_BYTES {
                    let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            file.flush().await?;
            // On disk before the upload is acknowledged: a power cut must not leave an
            // attachment row whose file lost its content.
            file.sync_all().await?;
            Ok(())
        }
        .await;
        drop(file);
        if let Err(e) = outcome {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
        Ok(Received {
            tmp,
            size,
            sha256: hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            file_type: detect(&head),
        })
    }

    /// Moves a received file to `key`.
    pub async fn persist(&self, received: &Received, key: &str) -> std::io::Result<()> {
        let dest = self.path(key);
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(&received.tmp, &dest).await?;
        // The rename itself is durable once the folder is synced.
        if let Some(parent) = dest.parent() {
            tokio::fs::File::open(parent).await?.sync_all().await?;
        }
        Ok(())
    }

    /// Removes a received file that will not be kept.
    pub async fn discard(&self, received: Received) {
        let _ = tokio::fs::remove_file(&received.tmp).await;
    }

    /// Removes a stored file (missing files are fine).
    pub async fn delete(&self, key: &str) {
        let _ = tokio::fs::remove_file(self.path(key)).await;
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// Longest preamble before the first boundary of an upload, and longest header block of one
/// of its parts: browsers send no preamble and headers of a few hundred bytes.
pub const MAX_MULTIPART_OVERHEAD: usize = 16 * 1024;

/// The body of a `multipart/form-data` request with the preamble and each part's headers
/// bounded to [`MAX_MULTIPART_OVERHEAD`] bytes. The multipart parser (multer, under axum's
/// `Multipart`) keeps everything it reads before the first boundary and before the blank line
/// that ends a part's headers in one growing buffer, and searches all of it again on every
/// read: a header line that never ends made it hold a 64 MB part whole and spend minutes
/// on it. This guard watches the bytes on their way to the parser, finds the boundaries
/// itself (memchr), and fails the stream, setting `tripped`, as soon as a preamble or a
/// header block passes the bound; the parser then reports an error and the caller answers
/// (see `pages::application::upload_file`). The parts' data are not bounded here: the file
/// streams through untouched, and the other parts are bounded by their reader.
pub fn guard_multipart(
    body: axum::body::Body,
    boundary: &str,
    tripped: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> axum::body::Body {
    use futures_util::StreamExt;
    let mut scanner = MultipartScanner::new(boundary);
    let stream = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        if scanner.feed(&chunk).is_err() {
            tripped.store(true, std::sync::atomic::Ordering::SeqCst);
            return Err(std::io::Error::other(
                "multipart preamble or headers too long",
            ));
        }
        Ok(chunk)
    });
    axum::body::Body::from_stream(stream)
}

/// The boundary of a `multipart/form-data` content type (`boundary=…`, quotes removed).
pub fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

/// Where a multipart stream is: before the first boundary, in a part's headers, or in its
/// data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Preamble,
    Headers,
    Data,
}

/// Follows a multipart stream chunk by chunk (see [`guard_multipart`]): a delimiter
/// (`CRLF--boundary`) opens a part's headers, a blank line (`CRLF CRLF`) ends them.
#[derive(Debug)]
struct MultipartScanner {
    /// `\r\n--` and the boundary.
    delimiter: Vec<u8>,
    stage: Stage,
    /// Bytes of the current preamble or header block so far.
    run: usize,
    /// The end of what was read, which may hold the start of the next pattern.
    tail: Vec<u8>,
}

/// A preamble or a header block passed [`MAX_MULTIPART_OVERHEAD`].
#[derive(Debug, PartialEq, Eq)]
struct Overlong;

impl MultipartScanner {
    fn new(boundary: &str) -> Self {
        MultipartScanner {
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            stage: Stage::Preamble,
            run: 0,
            // The body starts as if after a line end, so a first `--boundary` is a delimiter.
            tail: b"\r\n".to_vec(),
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Overlong> {
        let mut buf = std::mem::take(&mut self.tail);
        // Bytes before `seen` were counted already (the tail of the previous chunk).
        let seen = buf.len();
        buf.extend_from_slice(chunk);
        let mut at = 0;
        loop {
            let pattern: &[u8] = match self.stage {
                Stage::Headers => b"\r\n\r\n",
                Stage::Preamble | Stage::Data => &self.delimiter,
            };
            let found = memchr::memmem::find(&buf[at..], pattern);
            let end = found.map_or(buf.len(), |i| at + i + pattern.len());
            if self.stage != Stage::Data {
                self.run += end.saturating_sub(at.max(seen));
                if self.run > MAX_MULTIPART_OVERHEAD {
                    return Err(Overlong);
                }
            }
            if found.is_none() {
                let keep = buf.len().saturating_sub(pattern.len() - 1).max(at);
                self.tail = buf[keep..].to_vec();
                return Ok(());
            }
            self.stage = match self.stage {
                Stage::Headers => Stage::Data,
                Stage::Preamble | Stage::Data => Stage::Headers,
            };
            self.run = 0;
            at = end;
        }
    }
}

/// The file type by content, in the words of call definitions.
pub fn detect(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    Some(match kind.extension() {
        "pdf" => "pdf",
        "jpg" => "jpg",
        "png" => "png",
        "doc" => "doc",
        "docx" => "docx",
        "xls" => "xls",
        "xlsx" => "xlsx",
        "mp4" | "m4v" => "mp4",
        // OFD (GB/T 33190) is a ZIP whose entry list starts with OFD.xml.
        "zip" if head.windows(7).any(|w| w == b"OFD.xml") => "ofd",
        "zip" => "zip",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{MAX_MULTIPART_OVERHEAD, MultipartScanner, Overlong, detect, multipart_boundary};

    /// Feeds `body` to a scanner in chunks of `size` bytes.
    fn scan(body: &[u8], size: usize) -> Result<(), Overlong> {
        let mut s = MultipartScanner::new("XyZ");
        body.chunks(size.max(1)).try_for_each(|c| s.feed(c))
    }

    #[test]
    fn multipart_preambles_and_headers_are_bounded() {
        let part = |headers: &str, data: &str| format!("--XyZ\r\n{headers}\r\n\r\n{data}\r\n");
        let big = "a".repeat(3 * MAX_MULTIPART_OVERHEAD);
        let ok = format!(
            "{}{}{}--XyZ--\r\n",
            part("Content-Disposition: form-data; name=\"csrf\"", "token"),
            part("", ""),
            part(
                "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"",
                &big
            ),
        );
        let headers = format!("--XyZ\r\nX-Long: {big}\r\n\r\ndata\r\n--XyZ--\r\n");
        let late_headers = format!("{}{}", part("", "x"), &headers[..]);
        let preamble = format!("{big}\r\n{}--XyZ--\r\n", part("", "x"));
        let small_preamble = format!("hello\r\n{}--XyZ--\r\n", part("", "x"));
        for size in [1, 2, 3, 7, 64, 4096, usize::MAX] {
            assert_eq!(scan(ok.as_bytes(), size), Ok(()), "{size}");
            assert_eq!(scan(small_preamble.as_bytes(), size), Ok(()), "{size}");
            assert_eq!(scan(headers.as_bytes(), size), Err(Overlong), "{size}");
            assert_eq!(scan(late_headers.as_bytes(), size), Err(Overlong), "{size}");
            assert_eq!(scan(preamble.as_bytes(), size), Err(Overlong), "{size}");
        }
    }

    #[test]
    fn boundaries_come_from_the_content_type() {
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryA1"),
            Some("----WebKitFormBoundaryA1".to_string())
        );
        assert_eq!(
            multipart_boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\""),
            Some("a b".to_string())
        );
        assert_eq!(multipart_boundary("application/json; boundary=x"), None);
        assert_eq!(multipart_boundary("multipart/form-data"), None);
    }

    #[test]
    fn types_come_from_content_not_names() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some("pdf"));
        assert_eq!(
            detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some("jpg")
        );
        assert_eq!(
            detect(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]),
            Some("png")
        );
        assert_eq!(detect(b"MZ\x90\x00 an executable"), None);
        assert_eq!(detect(b"just some text that claims to be a pdf"), None);
    }
}
