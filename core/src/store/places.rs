//! Storage of where providers are (SPEC G2): the spatial search that narrows the nearest
//! lookup to a handful of candidates, and what a dispatcher weighs about the few chosen.
//!
//! The spatial part is each backend's own ([`Dialect::push_within`]: SQLite's R*Tree,
//! PostGIS's GiST index); the service ranks the candidates by the exact distance.

use async_trait::async_trait;
use hotline_domain::{Bounds, Coordinates, ProviderKind};
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder};

use super::dialect::{Bind, Value};
use super::{Dialect, SqlStore, StoreError};

/// A circle to search: its centre, its radius in metres (already widened by the caller for
/// rounding) and the box around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchArea {
    pub center: Coordinates,
    pub radius_m: f64,
    pub bounds: Bounds,
}

/// The tables a spatial search runs over (each has `lon`, `lat` and its index). A vendor is
/// found through its services, which carry its position, so that the service and the place
/// are indexed together; a provider's one service is its `skill_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Located {
    VendorServices,
    Providers,
    Elderly,
}

impl Located {
    pub fn table(self) -> &'static str {
        match self {
            Located::VendorServices => "vendor_services",
            Located::Providers => "providers",
            Located::Elderly => "elderly",
        }
    }

    /// The column of the service a row offers, where it has one.
    pub fn service_column(self) -> Option<&'static str> {
        match self {
            Located::VendorServices => Some("category_code"),
            Located::Providers => Some("skill_code"),
            Located::Elderly => None,
        }
    }
}

/// A provider the spatial search kept: who and where, nothing else (it is ranked before
/// anything more is read).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceCandidate {
    pub kind: ProviderKind,
    pub id: i64,
    pub position: Coordinates,
}

/// What the lookup shows of one chosen provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderStanding {
    pub kind: ProviderKind,
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub district_name: String,
    /// The sum of every price, punctuality and attitude score its parts got, and how many
    /// parts were scored.
    pub score_sum: i64,
    pub rated: i64,
    pub open_orders: i64,
}

/// `code` padded to the 8 digits of a level-4 code with `fill` (`0502`, '0' → 05020000):
/// with '0' and '9' the first and last number of everything under `code`, for an index
/// that keeps services as numbers (SQLite's R*Tree).
pub fn service_number(code: &str, fill: char) -> i64 {
    let mut padded: String = code.chars().take(8).collect();
    while padded.len() < 8 {
        padded.push(fill);
    }
    padded.parse().unwrap_or(0)
}

/// The vendor statuses that take work: active, and active with an inspection due.
pub const VENDOR_WORKING: [&str; 2] = ["active", "inspection_due"];

#[async_trait]
pub trait PlaceStore: Send + Sync {
    /// Working providers of the given kinds offering `category` or one under it whose
    /// position may lie in `area`: every one that does, and perhaps a few just outside.
    async fn providers_within(
        &self,
        area: &SearchArea,
        category: &str,
        kinds: &[ProviderKind],
    ) -> Result<Vec<PlaceCandidate>, StoreError>;
    /// Name, phone, district, scores and open parts of these providers (in no order).
    async fn provider_standing(
        &self,
        chosen: &[(ProviderKind, i64)],
    ) -> Result<Vec<ProviderStanding>, StoreError>;
}

/// The first code after every code that starts with `prefix` (codes are digits, and `:`
/// follows `9`): `code >= prefix AND code < end` is "under prefix", over the index.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}:")
}

#[async_trait]
impl<DB> PlaceStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'n> &'n str: ColumnIndex<DB::Row> + Bind<'n, DB>,
    String: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    f64: Value<DB>,
{
    async fn providers_within(
        &self,
        area: &SearchArea,
        category: &str,
        kinds: &[ProviderKind],
    ) -> Result<Vec<PlaceCandidate>, StoreError> {
        let mut found = Vec::new();
        if kinds.contains(&ProviderKind::Vendor) {
            let mut query = QueryBuilder::<DB>::new(
                "SELECT DISTINCT v.id, v.lon, v.lat FROM vendor_services s \
                 JOIN vendors v ON v.id = s.vendor_id WHERE ",
            );
            DB::push_within(
                &mut query,
                Located::VendorServices,
                "s",
                area,
                Some(category),
            );
            query
                .push(" AND s.category_code >= ")
                .push_bind(category.to_string())
                .push(" AND s.category_code < ")
                .push_bind(prefix_end(category))
                .push(" AND v.status IN (");
            let mut list = query.separated(", ");
            for status in VENDOR_WORKING {
                list.push_bind(status.to_string());
            }
            query.push(")");
            let rows: Vec<(i64, f64, f64)> = DB::fetch_all(query, &self.pool).await?;
            found.extend(rows.into_iter().map(|(id, lon, lat)| PlaceCandidate {
                kind: ProviderKind::Vendor,
                id,
                position: Coordinates { lon, lat },
            }));
        }
        let people: Vec<ProviderKind> = kinds
            .iter()
            .copied()
            .filter(|k| *k != ProviderKind::Vendor)
            .collect();
        if !people.is_empty() {
            let mut query = QueryBuilder::<DB>::new(
                "SELECT p.id, p.kind, p.lon, p.lat FROM providers p WHERE ",
            );
            DB::push_within(&mut query, Located::Providers, "p", area, Some(category));
            query.push(" AND p.status = 'active' AND p.kind IN (");
            let mut list = query.separated(", ");
            for kind in &people {
                list.push_bind(kind.as_code().to_string());
            }
            query
                .push(") AND p.skill_code >= ")
                .push_bind(category.to_string())
                .push(" AND p.skill_code < ")
                .push_bind(prefix_end(category));
            let rows: Vec<(i64, String, f64, f64)> = DB::fetch_all(query, &self.pool).await?;
            for (id, kind, lon, lat) in rows {
                let kind = ProviderKind::from_code(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("provider {id} kind {kind}")))?;
                found.push(PlaceCandidate {
                    kind,
                    id,
                    position: Coordinates { lon, lat },
                });
            }
        }
        Ok(found)
    }

    async fn provider_standing(
        &self,
        chosen: &[(ProviderKind, i64)],
    ) -> Result<Vec<ProviderStanding>, StoreError> {
        let mut out = Vec::with_capacity(chosen.len());
        for (vendors, table, column) in [
            (true, "vendors", "vendor_id"),
            (false, "providers", "provider_id"),
        ] {
            let ids: Vec<i64> = chosen
                .iter()
                .filter(|(kind, _)| (*kind == ProviderKind::Vendor) == vendors)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let kind_column = if vendors { "'vendor'" } else { "t.kind" };
            let mut query = QueryBuilder::<DB>::new(format!(
                "SELECT t.id, {kind_column} AS kind, t.name, t.phone, r.name AS district_name, \
                 (SELECT SUM(a.price_score + a.punctuality_score + a.attitude_score) \
                  FROM case_assignments a WHERE a.{column} = t.id \
                  AND a.price_score IS NOT NULL) AS score_sum, \
                 (SELECT COUNT(*) FROM case_assignments a WHERE a.{column} = t.id \
                  AND a.price_score IS NOT NULL) AS rated, \
                 (SELECT COUNT(*) FROM case_assignments a WHERE a.{column} = t.id \
                  AND NOT a.closed AND a.status IN ('dispatched', 'confirmed')) AS open_orders \
                 FROM {table} t JOIN regions r ON r.code = t.district_code WHERE t.id IN ("
            ));
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            query.push(")");
            let rows: Vec<(i64, String, String, String, String, Option<i64>, i64, i64)> =
                DB::fetch_all(query, &self.pool).await?;
            for (id, kind, name, phone, district_name, score_sum, rated, open_orders) in rows {
                let kind = ProviderKind::from_code(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("provider {id} kind {kind}")))?;
                out.push(ProviderStanding {
                    kind,
                    id,
                    name,
                    phone,
                    district_name,
                    score_sum: score_sum.unwrap_or(0),
                    rated,
                    open_orders,
                });
            }
        }
        Ok(out)
    }
}
