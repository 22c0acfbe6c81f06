-- Whom a praise or complaint (I) is about: a vendor, one of its employees or an agent, so
-- the reports can count praise and complaints per vendor, employee and agent.
ALTER TABLE cases ADD COLUMN subject_about TEXT;
ALTER TABLE cases ADD COLUMN subject_praise BOOLEAN;
ALTER TABLE cases ADD COLUMN subject_vendor_id INTEGER REFERENCES vendors(id);
ALTER TABLE cases ADD COLUMN subject_name TEXT;
