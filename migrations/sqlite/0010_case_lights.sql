-- The traffic light (W7) is the worst of a case's running limits; when it turns yellow and
-- red is worked out by the flow at every step and stored here, for the case and for each
-- part (a department's or vendor's lists go by its own parts), so lists filter and count
-- by light with a comparison. NULL: no limit runs (not dispatched yet, or done). Filled
-- for existing cases at the next start (`Hotline::refresh_lights`), as the setting
-- `light_policy` is not there yet.
ALTER TABLE cases ADD COLUMN light_yellow_at TEXT;
ALTER TABLE cases ADD COLUMN light_red_at TEXT;
CREATE INDEX cases_light_red ON cases(light_red_at) WHERE light_red_at IS NOT NULL;
CREATE INDEX cases_light_yellow ON cases(light_yellow_at) WHERE light_yellow_at IS NOT NULL;
-- The handling time from the round's dispatch, the old light's only input, is no longer
-- read: the light instants above replace it.
ALTER TABLE cases DROP COLUMN handling_micros;
ALTER TABLE case_assignments ADD COLUMN light_yellow_at TEXT;
ALTER TABLE case_assignments ADD COLUMN light_red_at TEXT;

-- An extension request made moot by a return or the feedback is withdrawn, not refused
-- (W5). Requests left undecided by a feedback before this were recorded as refused with
-- the feedback's time; they stay so.
ALTER TABLE case_assignments ADD COLUMN extension_withdrawn_at TEXT;

-- Settings the platform keeps about itself (name → value).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
