-- Hotline 12345, SQLite schema. Kept column-for-column equal to migrations/postgres.
-- Timestamps are RFC 3339 UTC text; booleans are 0/1.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES regions(code),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    name        TEXT NOT NULL,
    lon         REAL,
    lat         REAL
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE service_categories (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES service_categories(code),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX service_categories_parent ON service_categories(parent_code);

-- Named counters (daily tracking-number sequences), bumped inside the writing transaction.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_number TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    case_type       TEXT,
    status          TEXT NOT NULL,
    category_code   TEXT NOT NULL REFERENCES service_categories(code),
    content         TEXT NOT NULL,
    contact_name    TEXT,
    phone           TEXT NOT NULL,
    anonymous       INTEGER NOT NULL DEFAULT 0,
    district_code   TEXT REFERENCES regions(code),
    address         TEXT,
    lon             REAL,
    lat             REAL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX cases_status_created ON cases(status, created_at);
CREATE INDEX cases_phone ON cases(phone);
CREATE INDEX cases_created ON cases(created_at);

-- Every state change of a case: who, when, from, to. Never updated, never deleted.
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
);
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE vendors (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    district_code      TEXT NOT NULL REFERENCES regions(code),
    street_code        TEXT REFERENCES regions(code),
    address            TEXT NOT NULL,
    phone              TEXT NOT NULL,
    contact_name       TEXT NOT NULL,
    hotline            TEXT,
    status             TEXT NOT NULL,
    credit_grade       TEXT NOT NULL,
    franchise_type     TEXT NOT NULL,
    staff_count        INTEGER NOT NULL,
    registered_capital INTEGER NOT NULL,
    home_care          INTEGER NOT NULL DEFAULT 0,
    volunteer          INTEGER NOT NULL DEFAULT 0,
    lon                REAL NOT NULL,
    lat                REAL NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX vendors_district ON vendors(district_code);

CREATE TABLE vendor_services (
    vendor_id     INTEGER NOT NULL REFERENCES vendors(id),
    category_code TEXT NOT NULL REFERENCES service_categories(code),
    PRIMARY KEY (vendor_id, category_code)
);
CREATE INDEX vendor_services_category ON vendor_services(category_code);

-- Skilled individuals (一技之长者) and volunteers (义工), SPEC R2.
CREATE TABLE providers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    service_mode   TEXT NOT NULL,
    support_system TEXT NOT NULL,
    district_code  TEXT NOT NULL REFERENCES regions(code),
    phone          TEXT NOT NULL,
    skill_code     TEXT NOT NULL REFERENCES service_categories(code),
    lon            REAL NOT NULL,
    lat            REAL NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX providers_district ON providers(district_code);

-- Registered elderly people (老年人档案), SPEC R3.
CREATE TABLE elderly (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    gender            TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    id_number         TEXT NOT NULL UNIQUE,
    identity_category TEXT NOT NULL,
    service_card_no   TEXT NOT NULL UNIQUE,
    district_code     TEXT NOT NULL REFERENCES regions(code),
    street_code       TEXT REFERENCES regions(code),
    village_code      TEXT REFERENCES regions(code),
    address           TEXT NOT NULL,
    phone             TEXT,
    onekey_phone      TEXT,
    health_notes      TEXT,
    medications       TEXT,
    contact_name      TEXT NOT NULL,
    contact_relation  TEXT NOT NULL,
    contact_phone     TEXT NOT NULL,
    lon               REAL NOT NULL,
    lat               REAL NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX elderly_district ON elderly(district_code);
CREATE INDEX elderly_onekey_phone ON elderly(onekey_phone);
