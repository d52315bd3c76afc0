-- What the duplicate check (疑似重复申报) compares, written at each submission: the project
-- name normalised (shenbao_core::exclusion::normalise_project), and a MinHash fingerprint of
-- each long narrative answer with its locality-sensitive band keys
-- (shenbao_core::near_duplicate). A resubmission replaces them.
ALTER TABLE applications ADD COLUMN title_key TEXT NULL;
CREATE INDEX applications_title_key_idx ON applications (title_key);

CREATE TABLE fingerprints (
    application_id INTEGER NOT NULL,
    -- The answer's field id.
    field          TEXT   NOT NULL,
    -- 64 values, 8 hex digits each.
    signature      TEXT   NOT NULL,
    PRIMARY KEY (application_id, field)
);

-- One row per band of each fingerprint: two sections sharing a key are candidates.
CREATE TABLE fingerprint_bands (
    band_key       BIGINT NOT NULL,
    application_id INTEGER NOT NULL,
    field          TEXT   NOT NULL
);
CREATE INDEX fingerprint_bands_key_idx ON fingerprint_bands (band_key);
CREATE INDEX fingerprint_bands_application_idx ON fingerprint_bands (application_id);
