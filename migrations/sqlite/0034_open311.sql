-- Open311 GeoReport v2 (SPEC I2): the keys other systems file requests with. Only a key's
-- SHA-256 digest is kept (the key itself is shown once, when it is issued) and its first
-- characters, so an administrator can tell keys apart. A revoked key stays listed.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    label        TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    key_prefix   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_by   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Which key filed a case (NULL for every other channel).
ALTER TABLE cases ADD COLUMN api_key_id INTEGER REFERENCES api_keys(id);
CREATE INDEX cases_api_key ON cases(api_key_id) WHERE api_key_id IS NOT NULL;
