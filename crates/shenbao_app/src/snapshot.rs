//! The submitted snapshot of an application: the answers and the list of files frozen at
//! submission, with a content hash. The list is stored as JSON text in the snapshot row; this
//! module is the one place that writes and reads it ([`SnapshotFile`]), so pages, documents
//! and packages never pick its fields out by name.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use shenbao_core::form::FileMeta;
use shenbao_store::{ApplicationRow, AttachmentRow, NewSnapshot};

/// One file as a snapshot lists it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotFile {
    /// The attachment's id (the file stays on disk while a snapshot names it).
    pub id: i64,
    /// The slot it was uploaded into.
    pub slot: String,
    /// The name it was uploaded under.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// The type found in the content (`pdf`, `jpg`…).
    #[serde(rename = "type")]
    pub file_type: String,
}

impl SnapshotFile {
    /// The file as an attachment row describes it.
    pub fn of(a: &AttachmentRow) -> SnapshotFile {
        SnapshotFile {
            id: a.id,
            slot: a.slot.clone(),
            name: a.original_name.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            file_type: a.file_type.clone(),
        }
    }

    /// The name to show and download it under: the uploaded name, ending with the extension
    /// of the type found in the content.
    pub fn display_name(&self) -> String {
        shenbao_core::text::file_name(&self.name, &self.file_type)
    }

    /// The file as the form engine describes it.
    pub fn meta(&self) -> FileMeta {
        FileMeta {
            slot: self.slot.clone(),
            name: self.display_name(),
            size: u64::try_from(self.size).unwrap_or(0),
            kind: self.file_type.clone(),
        }
    }
}

/// The files listed in a snapshot's stored `files` text; none when it cannot be read.
pub fn files(text: &str) -> Vec<SnapshotFile> {
    serde_json::from_str(text).unwrap_or_default()
}

/// What a submission of `app` stores: the answers, the files and the content hash over them,
/// the application's identity and the justification, at `version`.
///
/// The hash is SHA-256 of a canonical JSON text (keys sorted, as `serde_json` writes a map),
/// so the same content always gives the same hash.
pub fn seal(
    app: &ApplicationRow,
    answers: &Map<String, Value>,
    attachments: &[AttachmentRow],
    justification: &str,
    version: i64,
) -> NewSnapshot {
    let files: Vec<SnapshotFile> = attachments.iter().map(SnapshotFile::of).collect();
    // Through `Value`, whose maps sort their keys: the text (and so the hash) does not depend
    // on the order of the struct's fields.
    let files = serde_json::to_value(&files).unwrap_or_default();
    let canonical = json!({
        "call": app.call_id,
        "direction": app.direction,
        "subdirection": app.subdirection,
        "organisation": app.organisation_id,
        "answers": answers,
        "files": files,
        "justification": justification,
    })
    .to_string();
    let content_hash = Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    NewSnapshot {
        version,
        answers: Value::Object(answers.clone()).to_string(),
        files: files.to_string(),
        content_hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shenbao_store::ApplicationStatus;

    fn attachment(id: i64, slot: &str, name: &str) -> AttachmentRow {
        AttachmentRow {
            id,
            application_id: 7,
            slot: slot.into(),
            original_name: name.into(),
            storage_key: format!("k{id}"),
            size: 2048,
            sha256: format!("{id:064}"),
            file_type: "pdf".into(),
            created_at: 1,
            uploaded_by: 1,
        }
    }

    fn application() -> ApplicationRow {
        ApplicationRow {
            id: 7,
            call_id: "qz-2024-ai-industry".into(),
            direction: "scene".into(),
            subdirection: None,
            organisation_id: 3,
            created_by: 4,
            status: ApplicationStatus::Draft,
            answers: "{}".into(),
            justification: None,
            version: 2,
            created_at: 1,
            updated_at: 1,
            submitted_at: None,
            level: None,
            unit: None,
            sector: None,
            title: None,
            call_version: 1,
        }
    }

    /// The hash and the stored list are what the submit handler wrote before this module
    /// existed: json! maps of the same keys, hashed over the same canonical text.
    #[test]
    fn the_seal_is_the_one_the_handler_wrote() {
        let app = application();
        let mut answers = Map::new();
        answers.insert("project_name".into(), json!("智算平台"));
        let rows = [
            attachment(1, "licence", "执照"),
            attachment(2, "report", "报告.pdf"),
        ];
        let sealed = seal(&app, &answers, &rows, "已说明", 3);

        let old_files: Vec<Value> = rows
            .iter()
            .map(|a| json!({ "id": a.id, "slot": a.slot, "name": a.original_name, "size": a.size, "sha256": a.sha256, "type": a.file_type }))
            .collect();
        let old_files_text = Value::Array(old_files).to_string();
        let canonical = json!({
            "call": app.call_id,
            "direction": app.direction,
            "subdirection": app.subdirection,
            "organisation": app.organisation_id,
            "answers": answers,
            "files": serde_json::from_str::<Value>(&old_files_text).unwrap(),
            "justification": "已说明",
        })
        .to_string();
        let old_hash: String = Sha256::digest(canonical.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sealed.content_hash, old_hash);
        assert_eq!(sealed.files, old_files_text);
        assert_eq!(sealed.version, 3);

        let read = files(&sealed.files);
        assert_eq!(read.len(), 2);
        assert_eq!(read[1], SnapshotFile::of(&rows[1]));
        assert_eq!(read[0].display_name(), "执照.pdf");
        assert_eq!(read[0].meta().size, 2048);
    }

    #[test]
    fn an_unreadable_list_has_no_files() {
        assert!(files("not json").is_empty());
        assert!(files("").is_empty());
        assert_eq!(files(r#"[{"id": 5}]"#)[0].id, 5, "missing fields are empty");
    }
}
