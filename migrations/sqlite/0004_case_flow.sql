-- The case life cycle (SPEC W3–W7, N1): the state of each department's part of a case,
-- deadlines and lights, stored reminders, the SMS outbox and in-app notifications.
-- Kept column-for-column equal to migrations/postgres/0004_case_flow.sql (timestamps as
-- RFC 3339 UTC text, booleans as 0/1).

-- Optimistic concurrency: every change of a case bumps its version.
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- The current round: dispatched at, handled at (all feedback in, or by the centre), and the
-- time between them in microseconds so lists can filter by light in SQL on both backends.
ALTER TABLE cases ADD COLUMN dispatched_at TEXT;
ALTER TABLE cases ADD COLUMN handled_at TEXT;
ALTER TABLE cases ADD COLUMN handling_micros INTEGER;
ALTER TABLE cases ADD COLUMN callback_due_at TEXT;
ALTER TABLE cases ADD COLUMN satisfaction TEXT;
ALTER TABLE cases ADD COLUMN remind_at TEXT;
CREATE INDEX cases_dispatched ON cases(dispatched_at);

ALTER TABLE case_assignments ADD COLUMN status TEXT NOT NULL DEFAULT 'dispatched';
ALTER TABLE case_assignments ADD COLUMN confirm_due_at TEXT;
ALTER TABLE case_assignments ADD COLUMN due_at TEXT;
ALTER TABLE case_assignments ADD COLUMN confirmed_at TEXT;
ALTER TABLE case_assignments ADD COLUMN returned_at TEXT;
ALTER TABLE case_assignments ADD COLUMN return_reason TEXT;
ALTER TABLE case_assignments ADD COLUMN return_justified INTEGER;
ALTER TABLE case_assignments ADD COLUMN extension_days INTEGER;
ALTER TABLE case_assignments ADD COLUMN extension_reason TEXT;
ALTER TABLE case_assignments ADD COLUMN extension_requested_at TEXT;
ALTER TABLE case_assignments ADD COLUMN extension_approved INTEGER;
ALTER TABLE case_assignments ADD COLUMN extension_decided_at TEXT;
ALTER TABLE case_assignments ADD COLUMN fed_back_at TEXT;
ALTER TABLE case_assignments ADD COLUMN feedback TEXT;
ALTER TABLE case_assignments ADD COLUMN disposition_code TEXT;
ALTER TABLE case_assignments ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
-- Parts stored before this migration had no deadlines: they were due when assigned.
UPDATE case_assignments SET confirm_due_at = assigned_at, due_at = assigned_at;

-- Supervision (W6): each row chases one thing until it is done; the worker re-reads the
-- case before every send, and moves next_at in the same transaction as the messages it
-- writes, so a restart neither loses a reminder nor sends one twice.
CREATE TABLE reminders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    assignment_id INTEGER REFERENCES case_assignments(id),
    kind          TEXT NOT NULL,
    next_at       TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_sent_at  TEXT,
    done_at       TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX reminders_open ON reminders(next_at) WHERE done_at IS NULL;
CREATE INDEX reminders_case ON reminders(case_id);

-- Every SMS the platform sends (SPEC N1), written in the transaction of what caused it and
-- handed to the configured provider by a worker.
CREATE TABLE sms_outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    to_phone     TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    body         TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    case_id      INTEGER REFERENCES cases(id),
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    provider     TEXT,
    provider_ref TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL,
    sent_at      TEXT
);
CREATE INDEX sms_outbox_status ON sms_outbox(status, id);

-- In-app notices (SPEC N2): to a department, a vendor, or (both empty) the centre.
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    department_id INTEGER REFERENCES departments(id),
    vendor_id     INTEGER REFERENCES vendors(id),
    case_id       INTEGER REFERENCES cases(id),
    kind          TEXT NOT NULL,
    message       TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX notifications_department ON notifications(department_id, id);
CREATE INDEX notifications_vendor ON notifications(vendor_id, id);
