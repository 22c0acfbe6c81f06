-- The registry of skilled individuals and volunteers kept by hand (SPEC R2): the street and
-- address they work from, a note for dispatchers, and a version for edits made at the same
-- time (an edit names the version it started from). Kept equal to
-- migrations/sqlite/0032_provider_records.sql (types aside).
ALTER TABLE providers ADD COLUMN street_code TEXT REFERENCES regions(code);
ALTER TABLE providers ADD COLUMN address TEXT;
ALTER TABLE providers ADD COLUMN note TEXT;
ALTER TABLE providers ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE providers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX providers_phone ON providers(phone);
CREATE INDEX providers_kind_status ON providers(kind, status, district_code);
