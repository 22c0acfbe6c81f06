-- The elderly registry kept by hand (SPEC R3): a person's record is edited by the registry's
-- keepers, each edit naming the version it started from (an edit made meanwhile is refused,
-- not overwritten), and the time of the last edit.
ALTER TABLE elderly ADD COLUMN updated_at TEXT;
ALTER TABLE elderly ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
