-- The stamped scans a reviewing unit uploads before forwarding its list (推荐函, 加盖公章的
-- 汇总表), each upload kept: the latest of a kind is the current one. `to_level`/`to_unit`
-- name where the unit's list goes, so that the unit there finds what was sent to it.
CREATE TABLE unit_scans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id       TEXT    NOT NULL,
    level         TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('letter', 'summary')),
    to_level      TEXT    NOT NULL,
    to_unit       TEXT    NOT NULL,
    original_name TEXT    NOT NULL,
    storage_key   TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    uploaded_by   INTEGER NOT NULL REFERENCES users (id),
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX unit_scans_unit_idx ON unit_scans (call_id, level, unit, kind, id);
CREATE INDEX unit_scans_to_idx ON unit_scans (call_id, to_level, to_unit, id);
