-- The 受理编号 of a submitted version: its sequence within the call and the applicant's
-- division (both fixed at submission), from one counter per call and division. Versions
-- submitted before this migration have neither: their number keeps the snapshot id.
ALTER TABLE application_snapshots ADD COLUMN acceptance_region TEXT;
ALTER TABLE application_snapshots ADD COLUMN acceptance_seq BIGINT;

CREATE TABLE acceptance_counters (
    call_id TEXT   NOT NULL,
    region  TEXT   NOT NULL,
    last    BIGINT NOT NULL,
    PRIMARY KEY (call_id, region)
);
