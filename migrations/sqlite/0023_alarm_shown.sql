-- When an alarm was first on a coordinator's screen (the timeline's "shown on a console"
-- step, E3): set once, by the first console that listed it; the guarded update makes two
-- consoles racing record it once.
ALTER TABLE alarms ADD COLUMN shown_at TEXT;
