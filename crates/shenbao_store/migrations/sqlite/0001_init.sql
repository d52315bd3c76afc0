-- shenbao schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql: same tables,
-- columns, constraint and index names; only the identity column and the integer type differ.
-- Types are limited to INTEGER and TEXT so that sqlx's Any driver reads both backends the same
-- way: times are Unix milliseconds (INTEGER) chosen by the caller, JSON is TEXT.

-- Applicant organisations (申报单位). The USCC (统一社会信用代码) is the legal identity an
-- enterprise registers with, so one organisation per USCC; the named constraint is what
-- StoreError::Conflict reports as `organisations.uscc`.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    uscc       TEXT    NOT NULL CONSTRAINT organisations_uscc_key UNIQUE,
    name       TEXT    NOT NULL,
    -- Six-digit administrative division code (GB/T 2260) of the registered address, read by
    -- eligibility rules such as 注册在山东省.
    region     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Every account: applicants belong to an organisation; bureau reviewers carry the region (and
-- optionally the sector) they review; owners, experts and admins have neither.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    -- Login name; unique so that login finds one account (`users.username` on conflict).
    username            TEXT    NOT NULL CONSTRAINT users_username_key UNIQUE,
    -- Argon2id PHC string; never logged or printed.
    password_hash       TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    role                TEXT    NOT NULL
        CONSTRAINT users_role_check CHECK (role IN ('applicant', 'bureau', 'owner', 'expert', 'admin')),
    organisation_id     INTEGER NULL REFERENCES organisations (id),
    -- Division code a bureau account reviews (county, city or province level).
    scope_region        TEXT    NULL,
    -- Industry (GB/T 4754) a sector bureau reviews, when the call routes by sector.
    scope_sector        TEXT    NULL,
    created_at          INTEGER NOT NULL,
    -- Lets the web layer invalidate sessions older than the last password change.
    password_changed_at INTEGER NOT NULL
);

-- Lists an organisation's accounts and keeps foreign-key checks on organisations cheap.
CREATE INDEX users_organisation_id_idx ON users (organisation_id);

-- Login sessions, kept in the database so that several server processes share them. The id is
-- the opaque random token carried by the cookie; the CSRF token is bound to the session.
CREATE TABLE sessions (
    id           TEXT    NOT NULL PRIMARY KEY,
    -- Deleting a user ends all of their sessions.
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

-- "Log out my other sessions" (after a password change) and the ON DELETE CASCADE from users.
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
-- The periodic sweep that deletes expired sessions.
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Failed login attempts, one row each, shared by all server processes for rate limiting. The
-- key is chosen by the caller (for example the username, or the client IP).
CREATE TABLE login_failures (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);

-- Counting one key's failures inside a time window, clearing a key, pruning old rows.
CREATE INDEX login_failures_key_at_idx ON login_failures (key, at);

-- Append-only record of who did what (logins, role changes, submissions, decisions). No foreign
-- key on actor_user_id: the record must outlive the account it names.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_user_id INTEGER NULL,
    actor_ip      TEXT    NULL,
    action        TEXT    NOT NULL,
    target_kind   TEXT    NULL,
    target_id     TEXT    NULL,
    -- JSON text; the store does not look inside.
    detail        TEXT    NULL
);

-- Reading the log by time range (admin page filters, retention).
CREATE INDEX audit_log_at_idx ON audit_log (at);
-- "History of this application / user / call".
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id);

-- The calls the platform serves: the TOML definition as loaded (so that every process serves the
-- same version) and the demo deadline override, when one is set.
CREATE TABLE calls (
    id            TEXT    NOT NULL PRIMARY KEY,
    source        TEXT    NOT NULL,
    -- 'YYYY-MM-DD'; replaces the call's deadline on demo installations.
    demo_deadline TEXT    NULL,
    loaded_at     INTEGER NOT NULL
);
