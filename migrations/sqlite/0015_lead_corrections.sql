-- The lead ends a part in flight (W4: reassigned to another department, or withdrawn when
-- not needed or silent): when, and the reason, kept with the part as history.
ALTER TABLE case_assignments ADD COLUMN closed_at TEXT;
ALTER TABLE case_assignments ADD COLUMN close_reason TEXT;
