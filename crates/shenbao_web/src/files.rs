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
        tokio::fs::rename(&received.tmp, dest).await
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
    use super::detect;

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
