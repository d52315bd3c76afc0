-- The members a lead names for a joint application (联合申报), in the order named: each with
-- its code and region, printed on the form with a commitment of its own.
CREATE TABLE consortium_members (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    position       INTEGER NOT NULL,
    uscc           TEXT   NOT NULL,
    name           TEXT   NOT NULL,
    region         TEXT   NOT NULL,
    added_at       INTEGER NOT NULL,
    PRIMARY KEY (application_id, position)
);
CREATE INDEX consortium_members_uscc_idx ON consortium_members (uscc);
