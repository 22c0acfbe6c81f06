-- Presence (SPEC A3): an agent is online while their desk's event stream is open, which
-- touches `seen_at` every 30 seconds. Missed calls go only to idle agents seen lately, so
-- one who closed the browser while idle is not handed calls nobody will return.
ALTER TABLE agent_status ADD COLUMN seen_at TIMESTAMPTZ;
