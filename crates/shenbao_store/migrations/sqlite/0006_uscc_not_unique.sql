-- Several accounts may register with the same USCC. Registration must not tell a stranger
-- which enterprises have registered (a refusal would), and first come must not lock the real
-- enterprise out when someone else typed its code first: each registration gets an
-- organisation of its own, and reviewers see the other accounts with the same code and check
-- the stamped papers. Keep in step with ../postgres/0006_uscc_not_unique.sql.
--
-- SQLite cannot drop a column constraint, so the table is made anew under its own name (foreign
-- keys from users, applications and expert_conflicts name it). Foreign-key checks are deferred
-- to the commit: dropping the table counts its referenced rows as missing, and putting them
-- back into the new table counts them as found again.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE organisations_copy AS SELECT id, uscc, name, region, created_at FROM organisations;
DROP TABLE organisations;
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    uscc       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    -- Six-digit administrative division code (GB/T 2260) of the registered address, read by
    -- eligibility rules such as 注册在山东省.
    region     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO organisations (id, uscc, name, region, created_at)
    SELECT id, uscc, name, region, created_at FROM organisations_copy;
DROP TABLE organisations_copy;

-- The accounts that share a code, for reviewers and for conflicts of interest declared by code.
CREATE INDEX organisations_uscc_idx ON organisations (uscc);
