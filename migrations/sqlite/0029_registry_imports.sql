-- Registry imports (SPEC R3): what each uploaded file did, with its row-by-row report, so
-- the registry page can show it after the upload and the centre can see who loaded what.
-- The people an import stored are written in the same transaction as its row here.
CREATE TABLE registry_imports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    registry   TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    imported   INTEGER NOT NULL,
    committed  BOOLEAN NOT NULL,
    -- The whole report (`ImportReport` as JSON, issues included).
    report     TEXT NOT NULL
);
CREATE INDEX registry_imports_at ON registry_imports(registry, at);
