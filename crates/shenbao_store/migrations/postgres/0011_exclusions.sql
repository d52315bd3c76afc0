-- A call's exclusion list (不得重复申报), as its owner uploaded it: organisations by USCC and
-- projects by normalised name that may not apply. An upload replaces the whole list; the rows
-- keep the file's name and row numbers, so a refusal can say where the entry is.
CREATE TABLE exclusions (
    call_id     TEXT    NOT NULL,
    -- The row of the uploaded file (1 = its header).
    row_number  BIGINT  NOT NULL,
    -- The USCC, checked and upper case; NULL when the row names a project only.
    uscc        TEXT    NULL,
    -- The organisation's name as written.
    name        TEXT    NULL,
    -- The project's name as written, and its normalised form (shenbao_core::exclusion).
    project     TEXT    NULL,
    project_key TEXT    NULL,
    list_name   TEXT    NOT NULL,
    added_by    BIGINT  NOT NULL REFERENCES users (id),
    added_at    BIGINT  NOT NULL,
    PRIMARY KEY (call_id, row_number)
);

CREATE INDEX exclusions_uscc_idx ON exclusions (call_id, uscc);
CREATE INDEX exclusions_project_idx ON exclusions (call_id, project_key);
