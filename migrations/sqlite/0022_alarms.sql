-- One-key emergency alarms (SPEC E1–E6). Kept column-for-column equal to
-- migrations/postgres/0022_alarms.sql (timestamps as RFC 3339 UTC text).

-- One row per alarm, keyed by the gateway's delivery id: a retried delivery finds its row
-- and creates nothing. Each alarm is also a type-C case (case_id), filed in the same
-- transaction.
CREATE TABLE alarms (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    caller          TEXT,
    device_id       TEXT,
    elderly_id      INTEGER REFERENCES elderly(id),
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    lon             REAL,
    lat             REAL,
    raised_at       TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    holder          TEXT,
    acknowledged_at TEXT,
    on_site_at      TEXT,
    closed_at       TEXT,
    disposition     TEXT,
    -- Alerts sent to the lead while nobody acknowledged it, and when the last went out:
    -- the escalation worker reads its next due time from here, so a restart loses none.
    escalations     INTEGER NOT NULL DEFAULT 0,
    escalated_at    TEXT,
    payload         TEXT NOT NULL
);
CREATE INDEX alarms_status ON alarms(status, received_at);
CREATE INDEX alarms_elderly ON alarms(elderly_id, received_at);

-- Everything that happens to an alarm, in order. `id` is the console's resume point (the
-- SSE event id): it is drawn from the `alarm_events` counter inside the writing
-- transaction, so ids become visible in the order they were committed and a console that
-- asks for "after n" never skips one that committed late. Never updated, never deleted.
CREATE TABLE alarm_events (
    id       INTEGER PRIMARY KEY,
    alarm_id INTEGER NOT NULL REFERENCES alarms(id),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    note     TEXT
);
CREATE INDEX alarm_events_alarm ON alarm_events(alarm_id, id);

-- A registered person's one-key terminal, so an alarm carrying only a device id finds them.
ALTER TABLE elderly ADD COLUMN onekey_device TEXT;
CREATE INDEX elderly_onekey_device ON elderly(onekey_device);

-- Answering alarms is a permission of its own (coordinators, and shift leads for
-- escalation). A database whose roles were set up before it gets it here; a new one gets
-- it with the other defaults.
INSERT INTO role_permissions (role, permission)
SELECT DISTINCT role, 'alarms' FROM role_permissions
WHERE role IN ('coordinator', 'shift_lead') AND permission IN ('elderly.registry', 'cases.approve');
