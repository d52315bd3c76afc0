-- What a first-level review unit (a county or city bureau, a sector department) sets for the
-- applicants it receives in one call: an applicants' deadline earlier than its own forwarding
-- deadline (各地市可自行规定更早的申报截止日期) and the person and phone applicants call.
-- One row per call, level and unit; no row means the call's own dates and contacts apply.
CREATE TABLE unit_timelines (
    call_id            TEXT    NOT NULL,
    level              TEXT    NOT NULL,
    unit               TEXT    NOT NULL,
    -- 'YYYY-MM-DD', the last day (Beijing time) its applicants may submit; NULL: the call's.
    applicant_deadline TEXT    NULL,
    contact_name       TEXT    NULL,
    contact_phone      TEXT    NULL,
    updated_by         INTEGER NOT NULL REFERENCES users (id),
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (call_id, level, unit)
);
