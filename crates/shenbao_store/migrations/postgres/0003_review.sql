-- The review side: routing of submitted applications through the call's review levels,
-- bureau decisions and rankings, forwarding, experts and their scores, selection, publication,
-- and notifications. PostgreSQL flavour; keep in step with ../sqlite/0003_review.sql (same
-- tables, columns, constraint and index names; only identity columns and integer types differ).

-- Review states. `submitted` now means "waiting for a decision at `applications.level`".
--   returned         sent back to the applicant for revision by the level holding it
--   not_recommended  the level holding it declined to recommend it (不予推荐)
--   recommended      the level holding it recommends it; moves up when the level forwards
--   selected         chosen by the call owner (入选); public once the call's results are published
INSERT INTO application_statuses (status)
VALUES ('returned'), ('not_recommended'), ('recommended'), ('selected');

-- Where a submitted application stands. `level` is the id of a review level of the call
-- (`county`, `sector`, `city`, `province`…); `unit` names the reviewing body at that level: the
-- six-digit division code of a county or city bureau, the sector department's name, or `*` for
-- the call owner. Both are NULL while a draft.
ALTER TABLE applications ADD COLUMN level TEXT NULL;
ALTER TABLE applications ADD COLUMN unit TEXT NULL;
-- The competent sector department the applicant chose, for directions routed by sector.
ALTER TABLE applications ADD COLUMN sector TEXT NULL;
-- The case or project name at the last submission (queues, results), from the call's
-- publication title expression.
ALTER TABLE applications ADD COLUMN title TEXT NULL;

-- A reviewing unit's queue: one call, level and unit, paged by (submitted_at, id).
CREATE INDEX applications_queue_idx
    ON applications (call_id, level, unit, submitted_at, id);
-- A unit's counts by direction and status (every queue and ranking page), read from the
-- index alone instead of every row of the unit.
CREATE INDEX applications_unit_counts_idx
    ON applications (call_id, level, unit, direction, status);

-- One level's decision on one application: recommended (with its rank among the unit's
-- recommended applications of the direction, and the opinion block) or not recommended (with
-- the reason). A return for revision is not a decision: it deletes the row, and the comment
-- lives in the application's events.
CREATE TABLE reviews (
    application_id BIGINT  NOT NULL REFERENCES applications (id),
    level          TEXT    NOT NULL,
    -- Copied from the application when decided, for the ranking queries below.
    call_id        TEXT    NOT NULL,
    unit           TEXT    NOT NULL,
    direction      TEXT    NOT NULL,
    decision       TEXT    NOT NULL
        CONSTRAINT reviews_decision_check CHECK (decision IN ('recommended', 'not_recommended')),
    -- The opinion (推荐意见) or the reason for not recommending.
    opinion        TEXT    NOT NULL,
    -- JSON object of the call's opinion-block signature lines, e.g. {"经办人（签字）：": "张三"}.
    signatures     TEXT    NULL,
    -- 1, 2, … among the recommended applications of (call, level, unit, direction); NULL when
    -- not recommended.
    rank           BIGINT  NULL,
    decided_by     BIGINT  NOT NULL,
    decided_at     BIGINT  NOT NULL,
    CONSTRAINT reviews_pkey PRIMARY KEY (application_id, level)
);

-- A unit's ranking of one direction, in order.
CREATE INDEX reviews_ranking_idx ON reviews (call_id, level, unit, direction, rank);

-- A unit's list of one direction sent to the next level. Once a row exists, the unit can no
-- longer change decisions or ranks of that direction (`forwards.pkey` on a second forward).
CREATE TABLE forwards (
    call_id      TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    direction    TEXT    NOT NULL,
    forwarded_at BIGINT  NOT NULL,
    forwarded_by BIGINT  NOT NULL,
    -- How many recommended applications went up.
    count        BIGINT  NOT NULL,
    CONSTRAINT forwards_pkey PRIMARY KEY (call_id, level, unit, direction)
);

-- The expert pool of a call (专家库).
CREATE TABLE call_experts (
    call_id  TEXT    NOT NULL,
    user_id  BIGINT  NOT NULL REFERENCES users (id),
    added_at BIGINT  NOT NULL,
    CONSTRAINT call_experts_pkey PRIMARY KEY (call_id, user_id)
);

-- Conflicts of interest an expert declared (回避): never assigned to that organisation's
-- applications in that call.
CREATE TABLE expert_conflicts (
    call_id         TEXT    NOT NULL,
    user_id         BIGINT  NOT NULL REFERENCES users (id),
    organisation_id BIGINT  NOT NULL REFERENCES organisations (id),
    reason          TEXT    NULL,
    declared_at     BIGINT  NOT NULL,
    CONSTRAINT expert_conflicts_pkey PRIMARY KEY (call_id, user_id, organisation_id)
);

-- An expert assigned to an application, with their scores once saved. `scores` is a JSON object
-- criterion id → number, `comments` a JSON object criterion id → text (key "" for the overall
-- comment). Submitted scores are frozen.
CREATE TABLE assignments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT  NOT NULL REFERENCES applications (id),
    expert_id      BIGINT  NOT NULL REFERENCES users (id),
    call_id        TEXT    NOT NULL,
    direction      TEXT    NOT NULL,
    assigned_at    BIGINT  NOT NULL,
    assigned_by    BIGINT  NOT NULL,
    scores         TEXT    NULL,
    comments       TEXT    NULL,
    saved_at       BIGINT  NULL,
    submitted_at   BIGINT  NULL,
    CONSTRAINT assignments_application_expert_key UNIQUE (application_id, expert_id)
);

-- An expert's queue, paged by id.
CREATE INDEX assignments_expert_idx ON assignments (expert_id, call_id, id);
-- A call's scores by direction (aggregation) and load per expert (automatic assignment).
CREATE INDEX assignments_call_idx ON assignments (call_id, direction, application_id);

-- A call's published results (公示): the selected applications become public.
CREATE TABLE publications (
    call_id      TEXT    NOT NULL CONSTRAINT publications_pkey PRIMARY KEY,
    published_at BIGINT  NOT NULL,
    published_by BIGINT  NOT NULL
);

-- E-mail address for notifications, optional for every account.
ALTER TABLE users ADD COLUMN email TEXT NULL;

-- The in-app inbox: one row per recipient.
CREATE TABLE notifications (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      BIGINT  NOT NULL,
    title   TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    -- A path inside the site, e.g. /applications/12.
    link    TEXT    NULL,
    read_at BIGINT  NULL
);

-- A user's inbox newest first, and the unread count.
CREATE INDEX notifications_user_idx ON notifications (user_id, id);

-- E-mails waiting to be sent (or sent), retried with back-off by the mail worker.
CREATE TABLE mail_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    sent_at         BIGINT  NULL,
    last_error      TEXT    NULL
);

-- The worker's "what is due" scan.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (sent_at, next_attempt_at);
