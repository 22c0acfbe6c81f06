-- Staff accounts, sessions and access (SPEC X1), where cases are sent (the rows department
-- staff and vendors may see), and the dispositions code table (SPEC X3).

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    phone      TEXT,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    department_id   INTEGER REFERENCES departments(id),
    vendor_id       INTEGER REFERENCES vendors(id),
    -- Argon2id in PHC string form; never leaves the server.
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    last_sign_in_at TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Which functions each role may use; editable by administrators.
CREATE TABLE role_permissions (
    role       TEXT NOT NULL,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

-- Signed-in browsers. Only a SHA-256 of the cookie's token is stored, so reading this table
-- does not let anyone sign in as someone else.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    address      TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Where a case was sent: one department or one vendor per row (SPEC W3/W4).
CREATE TABLE case_assignments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    department_id INTEGER REFERENCES departments(id),
    vendor_id     INTEGER REFERENCES vendors(id),
    assigned_at   TEXT NOT NULL,
    assigned_by   TEXT NOT NULL,
    CHECK ((department_id IS NULL) <> (vendor_id IS NULL))
);
CREATE INDEX case_assignments_case ON case_assignments(case_id);
CREATE INDEX case_assignments_department ON case_assignments(department_id, case_id);
CREATE INDEX case_assignments_vendor ON case_assignments(vendor_id, case_id);

-- How a case was disposed of (办理结果), SPEC X3.
CREATE TABLE dispositions (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    active  INTEGER NOT NULL DEFAULT 1
);
