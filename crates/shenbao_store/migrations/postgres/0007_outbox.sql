-- The notification outbox: what happened that someone must be told about, written in the same
-- transaction as the change itself. After the commit a deliverer turns each row into inbox
-- entries (and queued e-mail) and marks it delivered, in one transaction of its own, so a
-- notice is never lost with a crash and never sent for a change that rolled back.
CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    delivered_at BIGINT  NULL
);

-- The deliverer's "what is still to tell" scan.
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE delivered_at IS NULL;
