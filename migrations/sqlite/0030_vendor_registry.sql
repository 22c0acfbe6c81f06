-- The vendor registry kept by hand (SPEC R1): the record's remaining fields, the centre's
-- information settings (信息设置), a version for edits made at the same time, the staff
-- list and the inspection records.
ALTER TABLE vendors ADD COLUMN website TEXT;
ALTER TABLE vendors ADD COLUMN qualification TEXT;
-- Service-area keywords (服务区域关键字): streets, estates and villages it goes to.
ALTER TABLE vendors ADD COLUMN service_area TEXT;
ALTER TABLE vendors ADD COLUMN special_recommend BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE vendors ADD COLUMN special_issue BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE vendors ADD COLUMN special_prompt TEXT;
ALTER TABLE vendors ADD COLUMN centre_opinion TEXT;
ALTER TABLE vendors ADD COLUMN updated_at TEXT;
-- Bumped by every edit; an edit names the version it started from.
ALTER TABLE vendors ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX vendors_status ON vendors(status, district_code);
CREATE INDEX vendors_phone ON vendors(phone);

-- A vendor's staff (服务人员). Kept when they leave (active false): ratings may name them.
CREATE TABLE vendor_staff (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_id  INTEGER NOT NULL REFERENCES vendors(id),
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL,
    job        TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX vendor_staff_vendor ON vendor_staff(vendor_id);

-- Inspections (年检/检查), newest first on the record.
CREATE TABLE vendor_inspections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_id    INTEGER NOT NULL REFERENCES vendors(id),
    inspected_on TEXT NOT NULL,
    result       TEXT NOT NULL CHECK (result IN ('passed', 'rectify', 'failed')),
    inspector    TEXT NOT NULL,
    note         TEXT,
    next_due     TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX vendor_inspections_vendor ON vendor_inspections(vendor_id, inspected_on);
