//! Row types: `New*` for what callers insert, `*Row` for what the store returns, and [`Role`].
//!
//! Must not: print secrets. `UserRow`'s Debug leaves out the password hash and `SessionRow`'s
//! leaves out the tokens, so rows can be logged with `{:?}`.

use std::fmt;

pub use shenbao_core::workflow::{ApplicationStatus, ParseRoleError, Role};

use crate::sql::Text;

/// An organisation to insert (see [`crate::Store::register_applicant`]).
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// 统一社会信用代码, already validated by `shenbao_core::ident`; unique.
    pub uscc: String,
    /// Registered name.
    pub name: String,
    /// Six-digit administrative division code of the registered address.
    pub region: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganisationRow {
    /// Database id.
    pub id: i64,
    /// 统一社会信用代码.
    pub uscc: String,
    /// Registered name.
    pub name: String,
    /// Six-digit administrative division code.
    pub region: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// An account to insert. `password_changed_at` starts equal to `created_at`.
#[derive(Clone)]
pub struct NewUser {
    /// Login name; unique.
    pub username: String,
    /// Argon2id PHC string made by the web layer; the store never sees the password.
    pub password_hash: String,
    /// Name shown in pages.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// The applicant's organisation; ignored by `register_applicant`, which sets it.
    pub organisation_id: Option<i64>,
    /// Division code a bureau account reviews.
    pub scope_region: Option<String>,
    /// Industry a sector bureau reviews.
    pub scope_sector: Option<String>,
    /// E-mail address for notifications.
    pub email: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A stored account. Its Debug output leaves out the password hash.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    /// Database id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Name shown in pages.
    pub display_name: String,
    /// What the account may do.
    #[sqlx(try_from = "Text<Role>")]
    pub role: Role,
    /// The applicant's organisation.
    pub organisation_id: Option<i64>,
    /// Division code a bureau account reviews.
    pub scope_region: Option<String>,
    /// Industry a sector bureau reviews.
    pub scope_sector: Option<String>,
    /// E-mail address for notifications.
    pub email: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the last password change (creation counts as one).
    pub password_changed_at: i64,
}

impl fmt::Debug for UserRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("organisation_id", &self.organisation_id)
            .field("scope_region", &self.scope_region)
            .field("scope_sector", &self.scope_sector)
            .field("email", &self.email)
            .field("created_at", &self.created_at)
            .field("password_changed_at", &self.password_changed_at)
            .finish()
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("organisation_id", &self.organisation_id)
            .field("scope_region", &self.scope_region)
            .field("scope_sector", &self.scope_sector)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A session to insert; `last_seen_at` starts equal to `created_at`.
#[derive(Clone)]
pub struct NewSession {
    /// Opaque random token (the cookie value), made by the web layer.
    pub id: String,
    /// The logged-in account.
    pub user_id: i64,
    /// Synchroniser token for forms of this session.
    pub csrf_token: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds after which the session is no longer returned.
    pub expires_at: i64,
}

/// A stored session. Its Debug output leaves out both tokens.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    /// Opaque random token (the cookie value).
    pub id: String,
    /// The logged-in account.
    pub user_id: i64,
    /// Synchroniser token for forms of this session.
    pub csrf_token: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds after which the session is no longer returned.
    pub expires_at: i64,
    /// Unix milliseconds of the last [`crate::Store::touch_session`].
    pub last_seen_at: i64,
}

impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("id", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("csrf_token", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRow")
            .field("id", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("csrf_token", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish()
    }
}

/// An audit-log entry to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// Unix milliseconds.
    pub at: i64,
    /// Who did it; `None` for the system or an anonymous request.
    pub actor_user_id: Option<i64>,
    /// Client IP as the web layer determined it.
    pub actor_ip: Option<String>,
    /// What happened, a dotted verb such as `user.login` or `application.submit`.
    pub action: String,
    /// Kind of the object acted on, such as `user` or `application`.
    pub target_kind: Option<String>,
    /// Id of the object acted on, as text.
    pub target_id: Option<String>,
    /// Extra facts as JSON text.
    pub detail: Option<String>,
}

/// A stored audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    /// Increasing id; pages are cut by it.
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// Who did it.
    pub actor_user_id: Option<i64>,
    /// Client IP.
    pub actor_ip: Option<String>,
    /// What happened.
    pub action: String,
    /// Kind of the object acted on.
    pub target_kind: Option<String>,
    /// Id of the object acted on.
    pub target_id: Option<String>,
    /// Extra facts as JSON text.
    pub detail: Option<String>,
}

/// A stored call: its TOML source and the demo deadline override.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CallRow {
    /// Call id, such as `hn-2025-ai`.
    pub id: String,
    /// The call definition (TOML) as loaded.
    pub source: String,
    /// `'YYYY-MM-DD'` that replaces the call's deadline on demo installations.
    pub demo_deadline: Option<String>,
    /// Unix milliseconds of the last load.
    pub loaded_at: i64,
    /// The version new applications start under (`source` is its text).
    pub version: i64,
    /// Where the call is in its life.
    #[sqlx(try_from = "Text<shenbao_core::call::CallState>")]
    pub state: shenbao_core::call::CallState,
}

/// One version of a call's definition text.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CallVersionRow {
    /// The call.
    pub call_id: String,
    /// 1, 2, … in the order they were stored.
    pub version: i64,
    /// The definition (TOML).
    pub source: String,
    /// Where it came from: `builtin`, `folder`, `upload` or `loaded`.
    pub origin: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Who stored it (an upload); `None` for a server's own load.
    pub created_by: Option<i64>,
}

/// What a first-level review unit set for the applicants it receives in one call.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitTimelineRow {
    /// The call.
    pub call_id: String,
    /// The review level the unit acts at.
    pub level: String,
    /// The unit (division code or sector department).
    pub unit: String,
    /// `'YYYY-MM-DD'`: the last day its applicants may submit; `None`: the call's.
    pub applicant_deadline: Option<String>,
    /// The person its applicants call.
    pub contact_name: Option<String>,
    /// That person's phone.
    pub contact_phone: Option<String>,
    /// Who set it last.
    pub updated_by: i64,
    /// Unix milliseconds of the last change.
    pub updated_at: i64,
}

/// A draft application to create (see [`crate::Store::create_application`]). It starts in
/// status `draft` at version 1, with no justification.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The call applied to (`calls.id`).
    pub call_id: String,
    /// The call's version it starts under (`calls.version` when it starts).
    pub call_version: i64,
    /// The chosen direction (申报方向) of the call.
    pub direction: String,
    /// The chosen subdirection, when the direction has any.
    pub subdirection: Option<String>,
    /// The applicant organisation.
    pub organisation_id: i64,
    /// The account that created it.
    pub created_by: i64,
    /// The initial answers as JSON text.
    pub answers: String,
    /// Unix milliseconds; `updated_at` starts equal to it.
    pub created_at: i64,
}

/// A stored application.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationRow {
    /// Database id.
    pub id: i64,
    /// The call applied to.
    pub call_id: String,
    /// The chosen direction.
    pub direction: String,
    /// The chosen subdirection.
    pub subdirection: Option<String>,
    /// The applicant organisation.
    pub organisation_id: i64,
    /// The account that created it.
    pub created_by: i64,
    /// Where it stands.
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    pub status: ApplicationStatus,
    /// The answers as JSON text.
    pub answers: String,
    /// The applicant's written reasons for the warnings the rules raised.
    pub justification: Option<String>,
    /// Optimistic-concurrency counter: 1 at creation, incremented by every save, submission
    /// and withdrawal.
    pub version: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the last save, submission or withdrawal.
    pub updated_at: i64,
    /// Unix milliseconds of the submission, while submitted.
    pub submitted_at: Option<i64>,
    /// The review level holding it (`county`, `city`, `province`…); `None` while a draft.
    pub level: Option<String>,
    /// The reviewing unit at that level: a division code, a sector department's name, or `*`
    /// for the call owner.
    pub unit: Option<String>,
    /// The competent sector department chosen, for directions routed by sector.
    pub sector: Option<String>,
    /// Case or project name at the last submission.
    pub title: Option<String>,
    /// The version of its call it was started under, with which it is validated, rendered
    /// and exported.
    pub call_version: i64,
}

/// Where a submission goes (see [`crate::Store::submit_application`]).
#[derive(Debug, Clone)]
pub struct Submission {
    /// The status it is submitted from: draft, or returned for a resubmission.
    pub from_status: ApplicationStatus,
    /// The review level that receives it.
    pub level: String,
    /// The reviewing unit at that level (division code, sector name, or `*`).
    pub unit: String,
    /// The competent sector department chosen, for directions routed by sector.
    pub sector: Option<String>,
    /// Case or project name, for queues and results.
    pub title: Option<String>,
}

/// What the applicant's submission writes besides the status change, the snapshot and the
/// event (see [`crate::Store::submit_application_as_applicant`]).
#[derive(Debug, Clone)]
pub struct ApplicantSubmission {
    /// The written justification of the form's warnings, stored on the application; `None`
    /// clears it.
    pub justification: Option<String>,
    /// The audit-log entry of the submission.
    pub audit: NewAuditEntry,
}

/// Who, when, from where and why of a status change; the store adds the statuses.
#[derive(Debug, Clone)]
pub struct ApplicationEvent {
    /// Unix milliseconds; also used as the application's `updated_at` (and `submitted_at`,
    /// snapshot `created_at`) by the transition.
    pub at: i64,
    /// Who did it; `None` for the system.
    pub actor_user_id: Option<i64>,
    /// Client IP as the web layer determined it.
    pub actor_ip: Option<String>,
    /// Free text, such as the reason for a withdrawal.
    pub note: Option<String>,
}

/// A stored status change of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Increasing id; events are ordered by it.
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// Who did it.
    pub actor_user_id: Option<i64>,
    /// Client IP.
    pub actor_ip: Option<String>,
    /// The status before; `None` for the creation event.
    pub from_status: Option<ApplicationStatus>,
    /// The status after.
    pub to_status: ApplicationStatus,
    /// Free text.
    pub note: Option<String>,
}

/// What a submission freezes (see [`crate::Store::submit_application`]).
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    /// The application version whose answers are submitted (normally the `expected_version`
    /// passed to `submit_application`).
    pub version: i64,
    /// The submitted answers as JSON text.
    pub answers: String,
    /// JSON list of the attachments' metadata at submission.
    pub files: String,
    /// Hex SHA-256 over the submitted content, computed by the caller.
    pub content_hash: String,
}

/// A stored submission snapshot.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SnapshotRow {
    /// Increasing id; the latest snapshot has the highest.
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// The application version whose answers were submitted.
    pub version: i64,
    /// The submitted answers as JSON text.
    pub answers: String,
    /// JSON list of the attachments' metadata at submission.
    pub files: String,
    /// Hex SHA-256 computed by the caller.
    pub content_hash: String,
    /// Unix milliseconds of the submission.
    pub created_at: i64,
    /// The applicant's division when it was submitted (its 受理编号's unit); `None` for
    /// versions stored before numbers had their own sequence.
    pub acceptance_region: Option<String>,
    /// Its place among the versions submitted in the call from that division (the 受理编号's
    /// sequence); `None` as above.
    pub acceptance_seq: Option<i64>,
}

impl SnapshotRow {
    /// The 受理编号 of this version in call `call_id` of `year`: its own division and sequence,
    /// or, for a version stored before those were kept, `region` (the applicant's division
    /// now) and the snapshot id.
    pub fn acceptance_number(&self, call_id: &str, year: i32, region: &str) -> String {
        shenbao_core::acceptance::number_of(call_id, year, self.acceptance(), region, self.id)
    }

    /// The division and sequence of its 受理编号, when they were kept.
    pub fn acceptance(&self) -> Option<(&str, i64)> {
        Some((self.acceptance_region.as_deref()?, self.acceptance_seq?))
    }
}

/// An uploaded file to record (see [`crate::Store::add_attachment`]).
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The application, which must be a draft.
    pub application_id: i64,
    /// The upload slot (form field) of the call's form.
    pub slot: String,
    /// The uploader's file name; for display and downloads, never a path.
    pub original_name: String,
    /// Relative path in the files folder; unique.
    pub storage_key: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// `pdf`, `jpg`, …, decided from the content.
    pub file_type: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The uploading account.
    pub uploaded_by: i64,
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRow {
    /// Database id (never reused).
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// The upload slot.
    pub slot: String,
    /// The uploader's file name.
    pub original_name: String,
    /// Relative path in the files folder.
    pub storage_key: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// `pdf`, `jpg`, ….
    pub file_type: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The uploading account.
    pub uploaded_by: i64,
}

/// An application event as stored: [`EventRow`] with the statuses as read (the `from_status`
/// of the creation event is NULL).
#[derive(sqlx::FromRow)]
pub(crate) struct EventRecord {
    id: i64,
    application_id: i64,
    at: i64,
    actor_user_id: Option<i64>,
    actor_ip: Option<String>,
    from_status: Option<Text<ApplicationStatus>>,
    #[sqlx(try_from = "Text<ApplicationStatus>")]
    to_status: ApplicationStatus,
    note: Option<String>,
}

impl From<EventRecord> for EventRow {
    fn from(r: EventRecord) -> Self {
        EventRow {
            id: r.id,
            application_id: r.application_id,
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor_ip: r.actor_ip,
            from_status: r.from_status.map(|status| status.0),
            to_status: r.to_status,
            note: r.note,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text_and_serde() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
        assert!("Admin".parse::<Role>().is_err());
    }

    #[test]
    fn user_debug_hides_the_password_hash() {
        let user = UserRow {
            id: 1,
            username: "u".into(),
            password_hash: "$argon2id$secret".into(),
            display_name: "U".into(),
            role: Role::Admin,
            organisation_id: None,
            scope_region: None,
            scope_sector: None,
            email: None,
            created_at: 0,
            password_changed_at: 0,
        };
        let printed = format!("{user:?}");
        assert!(!printed.contains("secret"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }
}
