-- Home care (E, SPEC H2) goes to a vendor or to an individual from the providers registry:
-- a volunteer (义工) or a skilled person (一技之长者). A part is now held by exactly one
-- department, vendor or provider.
--
-- SQLite cannot change a CHECK in place, so the table is rebuilt with every row and id kept.
-- The reminders that point at parts are set aside meanwhile, so that no foreign key ever
-- points at a missing row (the rebuild runs with foreign keys on, inside the migration's
-- transaction).
CREATE TEMP TABLE part_reminders AS SELECT * FROM reminders WHERE assignment_id IS NOT NULL;
DELETE FROM reminders WHERE assignment_id IS NOT NULL;

CREATE TABLE case_assignments_rebuilt (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id                INTEGER NOT NULL REFERENCES cases(id),
    department_id          INTEGER REFERENCES departments(id),
    vendor_id              INTEGER REFERENCES vendors(id),
    provider_id            INTEGER REFERENCES providers(id),
    assigned_at            TEXT NOT NULL,
    assigned_by            TEXT NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'dispatched',
    confirm_due_at         TEXT,
    due_at                 TEXT,
    confirmed_at           TEXT,
    returned_at            TEXT,
    return_reason          TEXT,
    return_justified       INTEGER,
    extension_days         INTEGER,
    extension_reason       TEXT,
    extension_requested_at TEXT,
    extension_approved     INTEGER,
    extension_decided_at   TEXT,
    fed_back_at            TEXT,
    feedback               TEXT,
    disposition_code       TEXT,
    closed                 INTEGER NOT NULL DEFAULT 0,
    light_yellow_at        TEXT,
    light_red_at           TEXT,
    extension_withdrawn_at TEXT,
    handling_amount        INTEGER,
    handling_unit          TEXT,
    closed_at              TEXT,
    close_reason           TEXT,
    round_number           INTEGER NOT NULL DEFAULT 1,
    outcome                TEXT,
    handler_satisfaction   TEXT,
    price_score            INTEGER,
    punctuality_score      INTEGER,
    attitude_score         INTEGER,
    CHECK ((department_id IS NOT NULL) + (vendor_id IS NOT NULL)
           + (provider_id IS NOT NULL) = 1)
);
INSERT INTO case_assignments_rebuilt (id, case_id, department_id, vendor_id, assigned_at,
    assigned_by, status, confirm_due_at, due_at, confirmed_at, returned_at, return_reason,
    return_justified, extension_days, extension_reason, extension_requested_at,
    extension_approved, extension_decided_at, fed_back_at, feedback, disposition_code, closed,
    light_yellow_at, light_red_at, extension_withdrawn_at, handling_amount, handling_unit,
    closed_at, close_reason, round_number, outcome, handler_satisfaction, price_score,
    punctuality_score, attitude_score)
SELECT id, case_id, department_id, vendor_id, assigned_at,
    assigned_by, status, confirm_due_at, due_at, confirmed_at, returned_at, return_reason,
    return_justified, extension_days, extension_reason, extension_requested_at,
    extension_approved, extension_decided_at, fed_back_at, feedback, disposition_code, closed,
    light_yellow_at, light_red_at, extension_withdrawn_at, handling_amount, handling_unit,
    closed_at, close_reason, round_number, outcome, handler_satisfaction, price_score,
    punctuality_score, attitude_score
FROM case_assignments;
DROP TABLE case_assignments;
ALTER TABLE case_assignments_rebuilt RENAME TO case_assignments;
CREATE INDEX case_assignments_case ON case_assignments(case_id);
CREATE INDEX case_assignments_department ON case_assignments(department_id, case_id);
CREATE INDEX case_assignments_vendor ON case_assignments(vendor_id, case_id);
CREATE INDEX case_assignments_provider ON case_assignments(provider_id, case_id);

INSERT INTO reminders SELECT * FROM part_reminders;
DROP TABLE part_reminders;
