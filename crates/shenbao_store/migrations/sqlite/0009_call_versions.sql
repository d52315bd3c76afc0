-- Every version of every call's definition text, whatever its origin: 'builtin' (a seed
-- compiled into the binary), 'folder' (a file of `serve --calls`), 'upload' (an owner's page),
-- 'loaded' (stored before versions were kept). A version is never changed or removed: the
-- applications started under it are validated, rendered and exported with it for ever.
CREATE TABLE call_versions (
    call_id    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    origin     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NULL REFERENCES users (id),
    PRIMARY KEY (call_id, version)
);

INSERT INTO call_versions (call_id, version, source, origin, created_at)
    SELECT id, 1, source, 'loaded', loaded_at FROM calls;

-- The version new applications start under (its text is `calls.source`).
ALTER TABLE calls ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The version of its call an application was started under.
ALTER TABLE applications ADD COLUMN call_version INTEGER NOT NULL DEFAULT 1;
