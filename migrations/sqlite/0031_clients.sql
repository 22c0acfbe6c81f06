-- The client register (客户管理, SPEC R4): every caller is remembered, not only the marked
-- ones. A client gets an id (pages and the API never carry a phone number in the address),
-- a place (from their latest case until staff correct it), a reason for each mark, and
-- contact counters kept by the filing and the telephony transactions. `version` guards the
-- hand-kept fields only: a new case or call does not make an open edit form stale.
CREATE TABLE clients_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    phone             TEXT NOT NULL UNIQUE,
    name              TEXT,
    district_code     TEXT REFERENCES regions(code),
    address           TEXT,
    vip               INTEGER NOT NULL DEFAULT 0,
    vip_reason        TEXT,
    important         INTEGER NOT NULL DEFAULT 0,
    important_reason  TEXT,
    blacklisted       INTEGER NOT NULL DEFAULT 0,
    blacklist_reason  TEXT,
    note              TEXT,
    marks_changed_by  TEXT,
    marks_changed_at  TEXT,
    case_count        INTEGER NOT NULL DEFAULT 0,
    call_count        INTEGER NOT NULL DEFAULT 0,
    first_contact_at  TEXT,
    last_contact_at   TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);

-- Marks made before reasons were asked for keep the note as their reason.
INSERT INTO clients_new (phone, name, vip, vip_reason, important, important_reason,
    blacklisted, blacklist_reason, note, created_at, updated_at)
SELECT phone, name, vip, CASE WHEN vip THEN COALESCE(note, '登记前已标记') END,
    important, CASE WHEN important THEN COALESCE(note, '登记前已标记') END,
    blacklisted, CASE WHEN blacklisted THEN COALESCE(note, '登记前已标记') END,
    note, updated_at, updated_at
FROM clients;
DROP TABLE clients;
ALTER TABLE clients_new RENAME TO clients;

-- Every number that filed a case (alarm cases from a one-key terminal are the elderly
-- registry's, not callers).
INSERT INTO clients (phone, name, district_code, address, case_count, first_contact_at,
    last_contact_at, created_at, updated_at)
SELECT c.phone,
    (SELECT n.contact_name FROM cases n WHERE n.phone = c.phone AND n.contact_name IS NOT NULL
        AND n.contact_name <> '' AND NOT n.anonymous AND n.channel <> 'one_key'
        ORDER BY n.created_at DESC LIMIT 1),
    (SELECT n.district_code FROM cases n WHERE n.phone = c.phone
        AND n.district_code IS NOT NULL AND n.channel <> 'one_key'
        ORDER BY n.created_at DESC LIMIT 1),
    (SELECT n.address FROM cases n WHERE n.phone = c.phone AND n.address IS NOT NULL
        AND n.address <> '' AND n.channel <> 'one_key'
        ORDER BY n.created_at DESC LIMIT 1),
    COUNT(*), MIN(c.created_at), MAX(c.created_at), MIN(c.created_at), MAX(c.created_at)
FROM cases c WHERE c.phone <> '' AND c.channel <> 'one_key' GROUP BY c.phone
ON CONFLICT (phone) DO UPDATE SET case_count = excluded.case_count,
    first_contact_at = excluded.first_contact_at, last_contact_at = excluded.last_contact_at,
    name = COALESCE(clients.name, excluded.name),
    district_code = COALESCE(clients.district_code, excluded.district_code),
    address = COALESCE(clients.address, excluded.address);

-- And every number that rang.
INSERT INTO clients (phone, call_count, first_contact_at, last_contact_at, created_at,
    updated_at)
SELECT caller, COUNT(*), MIN(started_at), MAX(started_at), MIN(started_at), MAX(started_at)
FROM calls WHERE caller IS NOT NULL AND caller <> '' GROUP BY caller
ON CONFLICT (phone) DO UPDATE SET call_count = excluded.call_count,
    first_contact_at = CASE WHEN clients.first_contact_at IS NULL
        OR excluded.first_contact_at < clients.first_contact_at
        THEN excluded.first_contact_at ELSE clients.first_contact_at END,
    last_contact_at = CASE WHEN clients.last_contact_at IS NULL
        OR excluded.last_contact_at > clients.last_contact_at
        THEN excluded.last_contact_at ELSE clients.last_contact_at END;

CREATE INDEX clients_last_contact ON clients(last_contact_at);
CREATE INDEX clients_name ON clients(name);

-- Marking callers (VIP, important, blacklist) is a permission of its own, held by shift
-- leads by default; a database set up before it gets it here.
INSERT INTO role_permissions (role, permission)
SELECT DISTINCT role, 'clients.marks' FROM role_permissions
WHERE role = 'shift_lead' AND permission = 'cases.approve';
