//! Row shapes shared by both backends (`FromRow` is generic over the database), and their
//! conversion into domain types. A stored code that no longer parses is reported, not hidden.

use chrono::{DateTime, Utc};
use hotline_domain::{CaseStatus, Category, Channel, Region, RequestSummary, TrackingNumber};

use super::StoreError;

#[derive(sqlx::FromRow)]
pub(super) struct RegionRow {
    code: String,
    parent_code: Option<String>,
    level: i32,
    name: String,
}

impl From<RegionRow> for Region {
    fn from(row: RegionRow) -> Region {
        Region {
            code: row.code,
            parent_code: row.parent_code,
            level: row.level as u8,
            name: row.name,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CategoryRow {
    code: String,
    parent_code: Option<String>,
    level: i32,
    name_zh: String,
    name_en: String,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Category {
        Category {
            code: row.code,
            parent_code: row.parent_code,
            level: row.level as u8,
            name_zh: row.name_zh,
            name_en: row.name_en,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    tracking_number: String,
    channel: String,
    status: String,
    category_code: String,
    category_zh: String,
    category_en: String,
    content: String,
    contact_name: Option<String>,
    phone: String,
    district_name: Option<String>,
    address: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<SummaryRow> for RequestSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<RequestSummary, StoreError> {
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!("case {}: {what} {value:?}", row.tracking_number))
        };
        Ok(RequestSummary {
            tracking_number: TrackingNumber::parse(&row.tracking_number)
                .ok_or_else(|| corrupt("tracking number", &row.tracking_number))?,
            channel: Channel::from_code(&row.channel)
                .ok_or_else(|| corrupt("channel", &row.channel))?,
            status: CaseStatus::from_code(&row.status)
                .ok_or_else(|| corrupt("status", &row.status))?,
            category_code: row.category_code,
            category_zh: row.category_zh,
            category_en: row.category_en,
            content: row.content,
            contact_name: row.contact_name,
            phone: row.phone,
            district_name: row.district_name,
            address: row.address,
            created_at: row.created_at,
        })
    }
}

pub(super) fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<RequestSummary>, StoreError> {
    rows.into_iter().map(RequestSummary::try_from).collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct CountsRow {
    pub regions: i64,
    pub categories: i64,
    pub cases: i64,
    pub vendors: i64,
    pub providers: i64,
    pub elderly: i64,
}

impl From<CountsRow> for super::Counts {
    fn from(row: CountsRow) -> super::Counts {
        super::Counts {
            regions: row.regions,
            categories: row.categories,
            cases: row.cases,
            vendors: row.vendors,
            providers: row.providers,
            elderly: row.elderly,
        }
    }
}
