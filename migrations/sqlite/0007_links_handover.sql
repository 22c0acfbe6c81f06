-- Case linking (SPEC W8), the call a case was registered from (its recording), and the
-- shift handover (A5). Kept column-for-column equal to
-- migrations/postgres/0007_links_handover.sql (timestamps as RFC 3339 UTC text).

-- Repeated calls about one matter: each pair once, the lower case id first.
CREATE TABLE case_links (
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    linked_id  INTEGER NOT NULL REFERENCES cases(id),
    note       TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, linked_id),
    CHECK (case_id < linked_id)
);
CREATE INDEX case_links_linked ON case_links(linked_id);

-- The case an agent registered from this call (its recording is shown on the case).
ALTER TABLE calls ADD COLUMN case_id INTEGER REFERENCES cases(id);
CREATE INDEX calls_case ON calls(case_id);

-- A lead's report of the shift's open items for the next lead, who acknowledges it.
CREATE TABLE handovers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    shift_start     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    note            TEXT NOT NULL,
    report          TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    ack_name        TEXT,
    ack_note        TEXT
);
CREATE INDEX handovers_open ON handovers(acknowledged_at, id);
