//! Storage of where providers are (SPEC G2): the spatial search that narrows the nearest
//! lookup to a handful of candidates, and what a dispatcher weighs about the few chosen.
//!
//! The spatial part is each backend's own ([`Dialect::push_within`]: SQLite's R*Tree,
//! PostGIS's GiST index); the service ranks the candidates by the exact distance.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::{Bounds, Coordinates, MapLayer, MapPoint, ProviderKind};
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder};

use crate::audit::NewAuditEntry;

use super::dialect::{Bind, Value};
use super::{Dialect, SqlStore, StoreError};

/// A circle to search: its centre, its radius in metres (already widened by the caller for
/// rounding) and the box around it. (Or, for the map, a box and a circle around it.)
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
    Vendors,
    VendorServices,
    Providers,
    Elderly,
}

impl SearchArea {
    /// A box and the circle around it (what the map's viewport asks for).
    pub fn of_bounds(bounds: Bounds) -> SearchArea {
        let center = Coordinates {
            lon: (bounds.west + bounds.east) / 2.0,
            lat: (bounds.south + bounds.north) / 2.0,
        };
        let corners = [
            (bounds.west, bounds.south),
            (bounds.west, bounds.north),
            (bounds.east, bounds.south),
            (bounds.east, bounds.north),
        ];
        let reach = corners
            .iter()
            .map(|&(lon, lat)| center.distance_m(&Coordinates { lon, lat }))
            .fold(0.0, f64::max);
        SearchArea {
            center,
            radius_m: reach * 1.01 + 1.0,
            bounds,
        }
    }
}

impl Located {
    pub fn table(self) -> &'static str {
        match self {
            Located::Vendors => "vendors",
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
            Located::Vendors | Located::Elderly => None,
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
    /// A layer's grid squares at `level` numbered `gx.0..=gx.1` × `gy.0..=gy.1` that hold
    /// anyone: (gx, gy, count, sum of longitudes, sum of latitudes).
    async fn map_cells(
        &self,
        layer: MapLayer,
        level: usize,
        gx: (i64, i64),
        gy: (i64, i64),
    ) -> Result<Vec<(i64, i64, i64, f64, f64)>, StoreError>;
    /// A layer's rows inside `area.bounds`, oldest first, at most `limit`.
    async fn map_points(
        &self,
        layer: MapLayer,
        area: &SearchArea,
        limit: usize,
    ) -> Result<Vec<MapPoint>, StoreError>;
    /// The grid sizes the database counts by (`map_levels`), finest first.
    async fn map_levels(&self) -> Result<Vec<f64>, StoreError>;
    /// Moves one of a layer's records to `to` (SPEC G3) and appends `audit`, its `before`
    /// and `after` set to the old and the new position, in one transaction; the spatial
    /// indexes and the map's counts follow by trigger. The record as it now is and where it
    /// was, or `None` (nothing written) when the layer has no such record.
    async fn move_place(
        &self,
        layer: MapLayer,
        id: i64,
        to: Coordinates,
        audit: NewAuditEntry,
    ) -> Result<Option<(MapPoint, Coordinates)>, StoreError>;
}

/// Where a layer's records are: their table, the column of their status (SQL) and the
/// provider kind that narrows a shared table.
fn layer_source(layer: MapLayer) -> (Located, &'static str, Option<&'static str>) {
    match layer {
        MapLayer::Vendors => (Located::Vendors, "t.status", None),
        MapLayer::Skilled => (Located::Providers, "t.status", Some("skilled")),
        MapLayer::Volunteers => (Located::Providers, "t.status", Some("volunteer")),
        MapLayer::Elderly => (Located::Elderly, "NULL", None),
    }
}

/// A position as the audit log keeps it.
fn position_json(p: Coordinates) -> String {
    serde_json::json!({ "lon": p.lon, "lat": p.lat }).to_string()
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
    for<'n> Option<&'n str>: Bind<'n, DB>,
    String: Value<DB>,
    Option<String>: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    i32: Value<DB>,
    Option<i32>: Value<DB>,
    bool: Value<DB>,
    Option<bool>: Value<DB>,
    f64: Value<DB>,
    Option<f64>: Value<DB>,
    DateTime<Utc>: Value<DB>,
    Option<DateTime<Utc>>: Value<DB>,
    NaiveDate: Value<DB>,
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

    async fn map_cells(
        &self,
        layer: MapLayer,
        level: usize,
        gx: (i64, i64),
        gy: (i64, i64),
    ) -> Result<Vec<(i64, i64, i64, f64, f64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT gx, gy, count, sum_lon, sum_lat FROM map_cells \
             WHERE layer = $1 AND level = $2 AND gx BETWEEN $3 AND $4 \
             AND gy BETWEEN $5 AND $6 AND count > 0 ORDER BY gx, gy",
        )
        .bind(layer.as_code())
        .bind(level as i64)
        .bind(gx.0)
        .bind(gx.1)
        .bind(gy.0)
        .bind(gy.1)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn map_points(
        &self,
        layer: MapLayer,
        area: &SearchArea,
        limit: usize,
    ) -> Result<Vec<MapPoint>, StoreError> {
        let (located, columns, kind) = layer_source(layer);
        let mut query = QueryBuilder::<DB>::new(format!(
            "SELECT t.id, t.name, {columns} AS status, t.lon, t.lat FROM {} t WHERE ",
            located.table()
        ));
        DB::push_within(&mut query, located, "t", area, None);
        let b = area.bounds;
        query
            .push(" AND t.lon >= ")
            .push_bind(b.west)
            .push(" AND t.lon <= ")
            .push_bind(b.east)
            .push(" AND t.lat >= ")
            .push_bind(b.south)
            .push(" AND t.lat <= ")
            .push_bind(b.north);
        if let Some(kind) = kind {
            query.push(" AND t.kind = ").push_bind(kind.to_string());
        }
        query
            .push(" ORDER BY t.id LIMIT ")
            .push_bind(limit.min(100_000) as i64);
        let rows: Vec<(i64, String, Option<String>, f64, f64)> =
            DB::fetch_all(query, &self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, status, lon, lat)| MapPoint {
                id,
                name,
                status,
                position: Coordinates { lon, lat },
            })
            .collect())
    }

    async fn map_levels(&self) -> Result<Vec<f64>, StoreError> {
        let rows: Vec<(f64,)> = sqlx::query_as("SELECT size FROM map_levels ORDER BY level")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    async fn move_place(
        &self,
        layer: MapLayer,
        id: i64,
        to: Coordinates,
        mut audit: NewAuditEntry,
    ) -> Result<Option<(MapPoint, Coordinates)>, StoreError> {
        let (located, status, kind) = layer_source(layer);
        let table = located.table();
        let mut tx = self.pool.begin().await?;
        // The kind of a shared table is part of the key: a volunteer is not moved as a
        // skilled person.
        let sql = format!(
            "SELECT t.id, t.name, {status}, t.lon, t.lat FROM {table} t WHERE t.id = $1{}",
            if kind.is_some() {
                " AND t.kind = $2"
            } else {
                ""
            }
        );
        let mut select =
            sqlx::query_as::<_, (i64, String, Option<String>, f64, f64)>(&sql).bind(id);
        if let Some(kind) = kind {
            select = select.bind(kind);
        }
        let found = select.fetch_optional(&mut *tx).await?;
        let Some((id, name, status, lon, lat)) = found else {
            return Ok(None);
        };
        sqlx::query(&format!(
            "UPDATE {table} SET lon = $1, lat = $2 WHERE id = $3"
        ))
        .bind(to.lon)
        .bind(to.lat)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let from = Coordinates { lon, lat };
        audit.before = Some(position_json(from));
        audit.after = Some(position_json(to));
        Self::insert_audit(&mut *tx, &audit).await?;
        tx.commit().await?;
        Ok(Some((
            MapPoint {
                id,
                name,
                status,
                position: to,
            },
            from,
        )))
    }
}
