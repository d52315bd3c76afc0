-- Several accounts may register with the same USCC. Registration must not tell a stranger
-- which enterprises have registered (a refusal would), and first come must not lock the real
-- enterprise out when someone else typed its code first: each registration gets an
-- organisation of its own, and reviewers see the other accounts with the same code and check
-- the stamped papers. Keep in step with ../sqlite/0006_uscc_not_unique.sql.
ALTER TABLE organisations DROP CONSTRAINT organisations_uscc_key;

-- The accounts that share a code, for reviewers and for conflicts of interest declared by code.
CREATE INDEX organisations_uscc_idx ON organisations (uscc);
