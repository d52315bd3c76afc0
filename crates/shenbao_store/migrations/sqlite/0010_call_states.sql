-- Where each call is in its life (shenbao_core::call::CallState): draft, collecting, closed,
-- reviewing, published, archived. The calls stored before are running: collecting.
ALTER TABLE calls ADD COLUMN state TEXT NOT NULL DEFAULT 'collecting';
