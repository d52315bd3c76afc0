-- Tamper-evident history, PostgreSQL flavour; keep in step with ../sqlite/0004_hash_chains.sql
-- (same tables, columns and names; only integer types differ).
--
-- audit_log and application_events are each one hash chain: every row written from now on
-- carries `prev_hash` (the `hash` of the row appended before it, or the chain's anchor) and
-- `hash`, the SHA-256 of a canonical serialisation of its own columns (id included) and
-- `prev_hash`, as lowercase hex. The serialisation is documented and computed in
-- src/chain.rs; SQLite cannot compute SHA-256 in SQL, so the store writes both columns.
--
-- Rows written before this migration keep NULL in both columns: they are not covered, and
-- verification counts them as older than the chain, which starts at the first hashed row
-- (whose prev_hash is the anchor below). A NULL hash after the first hashed row is a break.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NULL;
ALTER TABLE audit_log ADD COLUMN hash TEXT NULL;
ALTER TABLE application_events ADD COLUMN prev_hash TEXT NULL;
ALTER TABLE application_events ADD COLUMN hash TEXT NULL;

-- One row per chain, named after its table. Appending updates the row first, which makes
-- concurrent appenders on PostgreSQL wait for each other (the row lock is held to commit), so
-- no two rows take the same predecessor; on SQLite the write transaction already serialises
-- them.
--   head_id, head_hash     the newest row of the chain (NULL / the anchor while empty), so that
--                          deleting the newest rows is detected too
--   anchor_id, anchor_hash what the oldest kept hashed row's prev_hash must be: the genesis
--                          value (64 zeros) until retention deletes old rows, then the id and
--                          hash of the last row deleted
CREATE TABLE hash_chains (
    name        TEXT    NOT NULL PRIMARY KEY,
    anchor_id   BIGINT  NULL,
    anchor_hash TEXT    NOT NULL,
    head_id     BIGINT  NULL,
    head_hash   TEXT    NOT NULL
);

INSERT INTO hash_chains (name, anchor_id, anchor_hash, head_id, head_hash) VALUES
    ('audit_log', NULL, '0000000000000000000000000000000000000000000000000000000000000000',
     NULL, '0000000000000000000000000000000000000000000000000000000000000000'),
    ('application_events', NULL, '0000000000000000000000000000000000000000000000000000000000000000',
     NULL, '0000000000000000000000000000000000000000000000000000000000000000');

-- The administrator's audit page filters by actor, newest first.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id);
