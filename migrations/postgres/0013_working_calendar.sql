-- The city's working calendar (W7): the dates that differ from "Monday to Friday" — public
-- holidays, and the Saturdays and Sundays worked in their place (调休). Limits in working
-- days are counted on it. Kept by administrators; the official schedule of 2026 is loaded
-- into a new database once (setting `calendar_seed`).
CREATE TABLE calendar_days (
    day        DATE PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The handling limit each part was given, as written ("15 working_days"): shown with the
-- part, and the unit its extensions are counted in. NULL on parts stored before limits had
-- units (their extensions count calendar days, as before).
ALTER TABLE case_assignments ADD COLUMN handling_amount INTEGER;
ALTER TABLE case_assignments ADD COLUMN handling_unit TEXT;
