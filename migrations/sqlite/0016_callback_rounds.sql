-- Rounds of handling (W3): a dissatisfied callback starts the next round; the earlier
-- rounds' parts stay with their times and the citizen's verdict on each part, so reports
-- can attribute results to departments, handlers and vendors.
ALTER TABLE cases ADD COLUMN round_number INTEGER NOT NULL DEFAULT 1;
ALTER TABLE case_assignments ADD COLUMN round_number INTEGER NOT NULL DEFAULT 1;
-- satisfied / dissatisfied: the outcome, and the handler (经办人) apart from it.
ALTER TABLE case_assignments ADD COLUMN outcome TEXT;
ALTER TABLE case_assignments ADD COLUMN handler_satisfaction TEXT;
-- A vendor's work, each scored 1 to 5.
ALTER TABLE case_assignments ADD COLUMN price_score INTEGER;
ALTER TABLE case_assignments ADD COLUMN punctuality_score INTEGER;
ALTER TABLE case_assignments ADD COLUMN attitude_score INTEGER;
