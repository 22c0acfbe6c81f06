//! The nearest available provider for a service at a point (SPEC G2), the map's layers in
//! a view (G1, `map_view` below), and correcting where a record is (G3, `move_place`).
//!
//! The database narrows the search to the providers that may lie within the radius (its
//! spatial index: SQLite's R*Tree, PostGIS on PostgreSQL); here they are measured exactly
//! ([`Coordinates::distance_m`]), cut at the radius, ranked ([`hotline_domain::places::rank`])
//! and cut at the limit. Only the chosen few are then read in full: name, phone, district,
//! callback scores and open parts.

use std::collections::HashMap;

use hotline_domain::places::{map_cell, map_cell_bounds, map_level, rank, MAP_POINTS_MAX};
use hotline_domain::{
    Bounds, Coordinates, FieldErrors, MapCell, MapLayer, MapPoint, MapView, NearbyProvider,
    NearestInput, NearestQuery, PositionInput, Problem, StaffUser, ViewportInput,
};

use crate::audit::Origin;
use crate::store::SearchArea;
use crate::{Hotline, ServiceError};

/// How far past the radius the database search reaches, in metres, so that its own
/// arithmetic (PostGIS's sphere, the R*Tree's rounded whole numbers) never drops a
/// provider the exact distance keeps.
const SEARCH_SLACK_M: f64 = 1.0;

impl Hotline {
    /// The nearest working providers for a service category (and those under it) within a
    /// radius, nearest first, for staff who send help: dispatchers, intake agents and alarm
    /// coordinators.
    pub async fn nearest_providers(
        &self,
        user: &StaffUser,
        input: &NearestInput,
    ) -> Result<Vec<NearbyProvider>, ServiceError> {
        if !user.sends_help() {
            return Err(ServiceError::Forbidden);
        }
        let query = input.validate()?;
        let codes = self.code_tables_now().await?;
        if !codes.categories.iter().any(|c| c.code == query.category) {
            return Err(ServiceError::field("category", Problem::Unknown));
        }
        self.nearest(&query).await
    }

    /// [`Hotline::nearest_providers`] without the reader's checks (the question is valid).
    pub async fn nearest(&self, query: &NearestQuery) -> Result<Vec<NearbyProvider>, ServiceError> {
        let radius = f64::from(query.radius_m);
        let area = SearchArea {
            center: query.center,
            radius_m: radius + SEARCH_SLACK_M,
            bounds: Bounds::around(query.center, radius + SEARCH_SLACK_M),
        };
        let candidates = self
            .store
            .providers_within(&area, &query.category, &query.kinds)
            .await?;
        let mut ranked: Vec<_> = candidates
            .into_iter()
            .map(|c| (query.center.distance_m(&c.position), c))
            .filter(|(d, _)| *d <= radius)
            .collect();
        ranked.sort_by(|(da, a), (db, b)| rank((*da, a.kind, a.id), (*db, b.kind, b.id)));
        ranked.truncate(query.limit as usize);

        let chosen: Vec<_> = ranked.iter().map(|(_, c)| (c.kind, c.id)).collect();
        let mut standing: HashMap<_, _> = self
            .store
            .provider_standing(&chosen)
            .await?
            .into_iter()
            .map(|s| ((s.kind, s.id), s))
            .collect();
        let mut found = Vec::with_capacity(ranked.len());
        for (distance, c) in ranked {
            // A provider removed between the two reads is left out, not reported half.
            let Some(s) = standing.remove(&(c.kind, c.id)) else {
                continue;
            };
            found.push(NearbyProvider {
                kind: c.kind,
                id: c.id,
                name: s.name,
                phone: s.phone,
                district_name: s.district_name,
                position: c.position,
                distance_m: distance.round() as u32,
                rating: (s.rated > 0).then(|| s.score_sum as f32 / (3.0 * s.rated as f32)),
                rated: s.rated.try_into().unwrap_or(u32::MAX),
                open_orders: s.open_orders.try_into().unwrap_or(u32::MAX),
            });
        }
        Ok(found)
    }

    /// One layer of the map in one view (SPEC G1): counts per grid square when zoomed out
    /// (read from the roll-ups the database keeps), the points themselves when zoomed in.
    /// Vendors, skilled people and volunteers for staff who send help and administrators;
    /// the elderly only for those who keep their registry.
    pub async fn map_view(
        &self,
        user: &StaffUser,
        input: &ViewportInput,
    ) -> Result<MapView, ServiceError> {
        let view = input.validate()?;
        if !view.layer.shown_to(user) {
            return Err(ServiceError::Forbidden);
        }
        let b = view.bounds;
        match map_level(view.zoom) {
            Some(level) => {
                let (west, south) = map_cell(
                    level,
                    Coordinates {
                        lon: b.west,
                        lat: b.south,
                    },
                );
                let (east, north) = map_cell(
                    level,
                    Coordinates {
                        lon: b.east,
                        lat: b.north,
                    },
                );
                let rows = self
                    .store
                    .map_cells(view.layer, level, (west, east), (south, north))
                    .await?;
                let cells = rows
                    .into_iter()
                    .map(|(gx, gy, count, sum_lon, sum_lat)| MapCell {
                        position: Coordinates {
                            lon: sum_lon / count as f64,
                            lat: sum_lat / count as f64,
                        },
                        count: count.try_into().unwrap_or(u32::MAX),
                        bounds: map_cell_bounds(level, (gx, gy)),
                    })
                    .collect();
                Ok(MapView {
                    layer: view.layer,
                    level: Some(level as u8),
                    cells,
                    points: Vec::new(),
                    truncated: false,
                })
            }
            None => {
                let mut points = self
                    .store
                    .map_points(view.layer, &SearchArea::of_bounds(b), MAP_POINTS_MAX + 1)
                    .await?;
                let truncated = points.len() > MAP_POINTS_MAX;
                points.truncate(MAP_POINTS_MAX);
                Ok(MapView {
                    layer: view.layer,
                    level: None,
                    cells: Vec::new(),
                    points,
                    truncated,
                })
            }
        }
    }

    /// Moves a vendor, skilled person, volunteer or elderly person to where they really are
    /// (SPEC G3: a marker dragged on the map), audited with the old and the new position.
    /// The elderly for those who keep their registry, the others for those who keep the
    /// providers' (`MapLayer::moved_by`); `422` on `layer`, `lon`, `lat` (inside the city).
    pub async fn move_place(
        &self,
        user: &StaffUser,
        origin: &Origin,
        layer: &str,
        id: i64,
        input: &PositionInput,
    ) -> Result<MapPoint, ServiceError> {
        let Some(layer) = MapLayer::from_code(layer.trim()) else {
            let mut errors = FieldErrors::new();
            errors.add("layer", Problem::Unknown);
            return Err(ServiceError::Invalid(errors));
        };
        if !layer.moved_by(user) {
            return Err(ServiceError::Forbidden);
        }
        let to = input.validate()?;
        let audit = self.audit_entry(
            origin,
            "position.move",
            layer.object_type(),
            &id.to_string(),
            None,
            None,
        );
        match self.store.move_place(layer, id, to, audit).await? {
            Some((point, from)) => {
                tracing::info!(
                    layer = layer.as_code(),
                    id,
                    from_lon = from.lon,
                    from_lat = from.lat,
                    to_lon = to.lon,
                    to_lat = to.lat,
                    actor = %origin.actor,
                    "position corrected"
                );
                Ok(point)
            }
            None => Err(ServiceError::NotFound),
        }
    }
}

/// The district or county whose outline holds a point (the shipped outlines, parsed once),
/// or `None` outside all of them.
pub fn district_at(point: Coordinates) -> Option<String> {
    static SHAPES: std::sync::OnceLock<Vec<crate::seed::DistrictShape>> =
        std::sync::OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        crate::seed::district_shapes().unwrap_or_else(|e| {
            tracing::error!(error = %e, "district outlines unreadable");
            Vec::new()
        })
    });
    let p = crate::seed::Point {
        lon: point.lon,
        lat: point.lat,
    };
    shapes
        .iter()
        .find(|d| d.contains(p))
        .map(|d| d.code.clone())
}
