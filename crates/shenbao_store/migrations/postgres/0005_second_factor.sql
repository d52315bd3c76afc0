-- A second factor for staff accounts: TOTP (RFC 6238) and one-time recovery codes.

-- One authenticator per account. `enabled_at` is NULL while it is being set up (the secret is
-- shown but no code has confirmed it yet). `last_step` is the last 30-second time step whose
-- code was accepted: a code is never accepted twice.
CREATE TABLE totp_secrets (
    user_id    BIGINT  NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT    NOT NULL,
    enabled_at BIGINT  NULL,
    last_step  BIGINT  NOT NULL DEFAULT 0
);

-- Recovery codes, as SHA-256 of the code (they are random, so a fast hash is enough).
CREATE TABLE recovery_codes (
    user_id   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   BIGINT  NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A login whose password was right and whose second factor is still to come: no session
-- exists until the code is given.
CREATE TABLE pending_logins (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT  NOT NULL
);
