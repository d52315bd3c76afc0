-- Applications, their history, submitted snapshots and attachments; SQLite flavour. Keep in step
-- with ../postgres/0002_applications.sql: same tables, columns, constraint and index names; only
-- the identity column and the integer type differ.
--
-- Identity columns here are `INTEGER PRIMARY KEY AUTOINCREMENT`: plain `INTEGER PRIMARY KEY` may
-- hand out the id of a deleted last row again, while PostgreSQL identities never repeat. Ids of
-- applications and attachments end up in URLs and in the audit log, so a reused id could make an
-- old link or log line point at someone else's row. The cost is one sqlite_sequence update per
-- insert.

-- The statuses an application may be in. A lookup table instead of a CHECK on
-- applications.status because SQLite cannot alter a CHECK: changing one means rebuilding
-- `applications`, which three tables reference, with foreign keys switched off outside a
-- transaction (with them on, DROP TABLE would cascade-delete every event and attachment). With
-- this table, a later migration adds a review state with one INSERT, the same on both backends.
-- The Rust code only ever writes statuses listed here; the foreign key catches a typo.
CREATE TABLE application_statuses (
    status TEXT NOT NULL PRIMARY KEY
);

INSERT INTO application_statuses (status) VALUES ('draft'), ('submitted');

-- One application (申报书) of an organisation to a call: the answers as JSON text, read and
-- validated by shenbao_core, and where it stands.
CREATE TABLE applications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- calls.id, without a foreign key: calls are (re)loaded from TOML files and an application
    -- must outlive a call that is no longer served.
    call_id         TEXT    NOT NULL,
    -- The call's direction (申报方向) and optional subdirection chosen by the applicant.
    direction       TEXT    NOT NULL,
    subdirection    TEXT    NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    created_by      INTEGER NOT NULL REFERENCES users (id),
    status          TEXT    NOT NULL REFERENCES application_statuses (status),
    -- JSON text; the store does not look inside.
    answers         TEXT    NOT NULL,
    -- The applicant's written reasons for the warnings the rules raised (说明理由).
    justification   TEXT    NULL,
    -- Optimistic concurrency: every write (save, submit, withdraw) increments it, and writes
    -- that name an older version are refused, so two open tabs cannot overwrite each other.
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- Set on submission, cleared on withdrawal.
    submitted_at    INTEGER NULL
);

-- An organisation's applications, overall or for one call ("my applications", "already applied
-- to this call?"); also keeps foreign-key checks from organisations cheap.
CREATE INDEX applications_organisation_call_idx ON applications (organisation_id, call_id);
-- Bureau lists: one call's applications in one status, paged by id (keyset pagination).
CREATE INDEX applications_call_status_id_idx ON applications (call_id, status, id);

-- Every status change with who, when, from where and why (the application's own history, shown
-- to the applicant and reviewers; audit_log is the platform-wide record). No foreign key on
-- actor_user_id, as in audit_log: the history must outlive the account it names.
CREATE TABLE application_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    actor_user_id   INTEGER NULL,
    actor_ip        TEXT    NULL,
    -- NULL for the creation event.
    from_status     TEXT    NULL,
    to_status       TEXT    NOT NULL,
    note            TEXT    NULL
);

-- One application's history in order; also serves the ON DELETE CASCADE from applications.
CREATE INDEX application_events_application_id_idx ON application_events (application_id, id);

-- What was submitted, frozen at each submission: the answers and the attachment list as they were,
-- with the caller's SHA-256 over them, so that later edits after a withdrawal cannot change what
-- reviewers saw. No ON DELETE CASCADE: deleting an application that has a submitted record is
-- refused rather than silently taking the record with it.
CREATE TABLE application_snapshots (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    -- The application version whose answers were submitted.
    version        INTEGER NOT NULL,
    -- JSON text.
    answers        TEXT    NOT NULL,
    -- JSON list of attachment metadata (slot, name, storage key, size, hash, type).
    files          TEXT    NOT NULL,
    -- Hex SHA-256 computed by the caller.
    content_hash   TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);

-- The latest snapshot of an application (highest id) and its snapshot history.
CREATE INDEX application_snapshots_application_id_idx ON application_snapshots (application_id, id);

-- Uploaded files (附件) of an application, one row per file in a slot of the call's form. The
-- bytes live in the files folder under storage_key; the web layer writes and deletes them.
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    -- The form field (upload slot) the file belongs to.
    slot           TEXT    NOT NULL,
    -- The name the uploader's file had; shown and used for downloads, never as a path.
    original_name  TEXT    NOT NULL,
    -- Relative path in the files folder; unique so that two rows never own the same file
    -- (`attachments.storage_key` on conflict).
    storage_key    TEXT    NOT NULL CONSTRAINT attachments_storage_key_key UNIQUE,
    size           INTEGER NOT NULL,
    -- Hex SHA-256 of the content.
    sha256         TEXT    NOT NULL,
    -- pdf, jpg, …: decided from the content, not from the name.
    file_type      TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    uploaded_by    INTEGER NOT NULL REFERENCES users (id)
);

-- An application's files slot by slot; also serves the ON DELETE CASCADE from applications.
CREATE INDEX attachments_application_slot_idx ON attachments (application_id, slot, id);
