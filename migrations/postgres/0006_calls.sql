-- Calls from the telephone system (SPEC I3, A1, R4). Kept column-for-column equal to
-- migrations/sqlite/0006_calls.sql.

-- Every caller the centre knows, with the marks the caller card shows.
CREATE TABLE clients (
    phone       TEXT PRIMARY KEY,
    name        TEXT,
    vip         BOOLEAN NOT NULL DEFAULT FALSE,
    important   BOOLEAN NOT NULL DEFAULT FALSE,
    blacklisted BOOLEAN NOT NULL DEFAULT FALSE,
    note        TEXT,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- One row per webhook event id: a replay finds its id here and changes nothing.
CREATE TABLE telephony_events (
    event_id    TEXT PRIMARY KEY,
    call_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX telephony_events_call ON telephony_events(call_id);

-- One row per call, as the events describe it so far.
CREATE TABLE calls (
    call_id       TEXT PRIMARY KEY,
    caller        TEXT,
    agent         TEXT,
    state         TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    answered_at   TIMESTAMPTZ,
    ended_at      TIMESTAMPTZ,
    missed        BOOLEAN NOT NULL DEFAULT FALSE,
    recording_url TEXT
);
CREATE INDEX calls_caller ON calls(caller, started_at);
CREATE INDEX calls_missed ON calls(missed, started_at);

-- Who takes calls now (SPEC A4): idle agents get missed calls, in turn (A3).
CREATE TABLE agent_status (
    username         TEXT PRIMARY KEY,
    status           TEXT NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    last_assigned_at TIMESTAMPTZ
);

-- A missed call is a task: handed to an idle agent in turn, called back, marked done.
ALTER TABLE calls ADD COLUMN assigned_to TEXT;
ALTER TABLE calls ADD COLUMN assigned_at TIMESTAMPTZ;
ALTER TABLE calls ADD COLUMN handled_at TIMESTAMPTZ;
ALTER TABLE calls ADD COLUMN handled_by TEXT;
