//! SQL that SQLite and PostgreSQL both accept as written (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`). Anything dialect-specific belongs in `sqlite.rs` or `postgres.rs`.

pub const UPSERT_REGION: &str = "INSERT INTO regions (code, parent_code, level, name, lon, lat) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, level = excluded.level, \
     name = excluded.name, lon = excluded.lon, lat = excluded.lat";

pub const UPSERT_CATEGORY: &str =
    "INSERT INTO service_categories (code, parent_code, level, name_zh, name_en) \
     VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, level = excluded.level, \
     name_zh = excluded.name_zh, name_en = excluded.name_en";

pub const DISTRICTS: &str =
    "SELECT code, parent_code, level, name FROM regions WHERE level = 2 ORDER BY code";

pub const REGION: &str = "SELECT code, parent_code, level, name FROM regions WHERE code = $1";

pub const CATEGORIES: &str = "SELECT code, parent_code, level, name_zh, name_en \
     FROM service_categories WHERE active = $1 ORDER BY code";

pub const CATEGORY: &str = "SELECT code, parent_code, level, name_zh, name_en \
     FROM service_categories WHERE code = $1 AND active = $2";

/// Bumps a named counter and returns the new value, inside the caller's transaction.
pub const NEXT_COUNTER: &str = "INSERT INTO counters (name, value) VALUES ($1, 1) \
     ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value";

pub const INSERT_CASE: &str = "INSERT INTO cases (tracking_number, channel, case_type, status, \
     category_code, content, contact_name, phone, anonymous, district_code, address, lon, lat, \
     created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id";

pub const INSERT_CASE_EVENT: &str = "INSERT INTO case_events (case_id, at, actor, kind, \
     from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const SUMMARY_SELECT: &str = "SELECT c.tracking_number, c.channel, c.status, c.category_code, \
     sc.name_zh AS category_zh, sc.name_en AS category_en, c.content, c.contact_name, c.phone, \
     r.name AS district_name, c.address, c.created_at \
     FROM cases c \
     JOIN service_categories sc ON sc.code = c.category_code \
     LEFT JOIN regions r ON r.code = c.district_code";

pub fn summaries_by_status() -> String {
    format!("{SUMMARY_SELECT} WHERE c.status = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2")
}

pub fn summary_by_tracking_number() -> String {
    format!("{SUMMARY_SELECT} WHERE c.tracking_number = $1")
}

pub const COUNTS: &str = "SELECT \
     (SELECT COUNT(*) FROM regions) AS regions, \
     (SELECT COUNT(*) FROM service_categories) AS categories, \
     (SELECT COUNT(*) FROM cases) AS cases, \
     (SELECT COUNT(*) FROM vendors) AS vendors, \
     (SELECT COUNT(*) FROM providers) AS providers, \
     (SELECT COUNT(*) FROM elderly) AS elderly";

pub const INSERT_VENDOR: &str = "INSERT INTO vendors (name, kind, district_code, street_code, \
     address, phone, contact_name, hotline, status, credit_grade, franchise_type, staff_count, \
     registered_capital, home_care, volunteer, lon, lat, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
     RETURNING id";

pub const INSERT_VENDOR_SERVICE: &str =
    "INSERT INTO vendor_services (vendor_id, category_code) VALUES ($1, $2)";

pub const INSERT_PROVIDER: &str = "INSERT INTO providers (name, kind, service_mode, \
     support_system, district_code, phone, skill_code, lon, lat, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pub const INSERT_ELDERLY: &str = "INSERT INTO elderly (name, gender, birth_date, id_number, \
     identity_category, service_card_no, district_code, street_code, village_code, address, \
     phone, onekey_phone, health_notes, medications, contact_name, contact_relation, \
     contact_phone, lon, lat, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20)";
