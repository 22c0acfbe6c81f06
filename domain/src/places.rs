//! Who can help near a point (SPEC G2): the distance rule every backend ranks by, the area a
//! search covers, and the nearest-provider question and answer.
//!
//! Distances are great-circle distances on a sphere of the Earth's mean radius (haversine).
//! The databases only narrow the search to a superset (SQLite's R*Tree over a bounding box,
//! PostGIS `ST_DWithin` on an indexed `geography`); the exact distance, the radius test and the
//! order are [`Coordinates::distance_m`] here, so both backends answer alike to the metre.

use serde::{Deserialize, Serialize};

use crate::{Coordinates, FieldErrors, Lang, Problem};

/// The Earth's mean radius in metres (IUGG), the sphere PostGIS also uses for geography
/// distances without the spheroid.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The default and largest search radius, in metres.
pub const NEAREST_RADIUS_DEFAULT_M: u32 = 5_000;
pub const NEAREST_RADIUS_MAX_M: u32 = 50_000;
/// The default and largest number of providers one search returns.
pub const NEAREST_LIMIT_DEFAULT: u32 = 10;
pub const NEAREST_LIMIT_MAX: u32 = 50;

impl Coordinates {
    /// The great-circle distance to `other` in metres (haversine on [`EARTH_RADIUS_M`]).
    pub fn distance_m(&self, other: &Coordinates) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let d_phi = phi2 - phi1;
        let d_lambda = (other.lon - self.lon).to_radians();
        let h =
            (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    /// The point `distance_m` metres away on the initial `bearing_deg` (0 = north, 90 = east).
    pub fn destination(&self, bearing_deg: f64, distance_m: f64) -> Coordinates {
        let delta = distance_m / EARTH_RADIUS_M;
        let theta = bearing_deg.to_radians();
        let phi1 = self.lat.to_radians();
        let lambda1 = self.lon.to_radians();
        let phi2 = (phi1.sin() * delta.cos() + phi1.cos() * delta.sin() * theta.cos()).asin();
        let lambda2 = lambda1
            + (theta.sin() * delta.sin() * phi1.cos()).atan2(delta.cos() - phi1.sin() * phi2.sin());
        let lon = (lambda2.to_degrees() + 540.0) % 360.0 - 180.0;
        Coordinates {
            lon,
            lat: phi2.to_degrees(),
        }
    }
}

/// A longitude/latitude box, edges included.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bounds {
    /// The smallest box holding every point within `radius_m` of `center` on the sphere.
    /// The widest longitude of such a circle is not at the centre's latitude but where the
    /// circle touches its meridian tangents, `asin(sin(r) / cos(lat))` away. Near a pole the
    /// box takes every longitude; the antimeridian is not handled (no Chinese city needs it).
    pub fn around(center: Coordinates, radius_m: f64) -> Bounds {
        let r = radius_m / EARTH_RADIUS_M;
        let lat = center.lat.to_radians();
        let south = (lat - r).to_degrees().max(-90.0);
        let north = (lat + r).to_degrees().min(90.0);
        let ratio = r.sin() / lat.cos();
        let (west, east) = if south <= -90.0 || north >= 90.0 || ratio >= 1.0 {
            (-180.0, 180.0)
        } else {
            let d_lon = ratio.asin().to_degrees();
            (
                (center.lon - d_lon).max(-180.0),
                (center.lon + d_lon).min(180.0),
            )
        };
        Bounds {
            west,
            south,
            east,
            north,
        }
    }

    pub fn contains(&self, p: Coordinates) -> bool {
        (self.west..=self.east).contains(&p.lon) && (self.south..=self.north).contains(&p.lat)
    }
}

/// The box around Xianyang's district outlines (`data/regions`: longitude 107.652–109.181,
/// latitude 34.198–35.545) with about 2 km to spare. A registry position outside it is a
/// slip of the hand, not a place the centre serves.
pub const CITY_EXTENT: Bounds = Bounds {
    west: 107.63,
    south: 34.18,
    east: 109.20,
    north: 35.56,
};

/// A corrected position as it arrives (SPEC G3: a marker dragged on the map, or numbers
/// typed): both numbers, inside the city.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PositionInput {
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
}

impl PositionInput {
    pub fn validate(&self) -> Result<Coordinates, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut check = |field: &str, value: Option<f64>, (low, high): (f64, f64)| match value {
            None => {
                errors.add(field, Problem::Required);
                None
            }
            Some(v) if !v.is_finite() => {
                errors.add(field, Problem::Unknown);
                None
            }
            Some(v) if !(low..=high).contains(&v) => {
                errors.add(field, Problem::OutsideCity);
                None
            }
            Some(v) => Some(v),
        };
        let lon = check("lon", self.lon, (CITY_EXTENT.west, CITY_EXTENT.east));
        let lat = check("lat", self.lat, (CITY_EXTENT.south, CITY_EXTENT.north));
        match (lon, lat) {
            (Some(lon), Some(lat)) => Ok(Coordinates { lon, lat }),
            _ => Err(errors),
        }
    }
}

coded_enum! {
    /// Who a provider is: a vendor (加盟企业), a skilled individual (一技之长者) or a
    /// volunteer (义工). In this order they rank at equal distance.
    ProviderKind {
        Vendor = "vendor", "加盟企业", "Vendor";
        Skilled = "skilled", "一技之长者", "Skilled individual";
        Volunteer = "volunteer", "义工", "Volunteer";
    }
}

/// The nearest-provider question as it arrives (query string or form): every field text, so
/// that a bad value is refused by its field's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearestInput {
    #[serde(default)]
    pub lon: String,
    #[serde(default)]
    pub lat: String,
    /// A service category code; its sub-categories count too.
    #[serde(default)]
    pub category: String,
    /// Metres; empty for [`NEAREST_RADIUS_DEFAULT_M`].
    #[serde(default)]
    pub radius_m: String,
    /// How many; empty for [`NEAREST_LIMIT_DEFAULT`].
    #[serde(default)]
    pub limit: String,
    /// Comma-separated [`ProviderKind`] codes; empty for every kind.
    #[serde(default)]
    pub kinds: String,
}

/// A checked nearest-provider question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearestQuery {
    pub center: Coordinates,
    pub category: String,
    pub radius_m: u32,
    pub limit: u32,
    /// Never empty.
    pub kinds: Vec<ProviderKind>,
}

impl NearestInput {
    /// Checks the form of every field; whether the category exists is the service's check.
    pub fn validate(&self) -> Result<NearestQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut number = |field: &str, text: &str, min: f64, max: f64| -> Option<f64> {
            let text = text.trim();
            if text.is_empty() {
                errors.add(field, Problem::Required);
                return None;
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() && (min..=max).contains(&v) => Some(v),
                _ => {
                    errors.add(
                        field,
                        Problem::OutOfRange {
                            min: min as i64,
                            max: max as i64,
                        },
                    );
                    None
                }
            }
        };
        let lon = number("lon", &self.lon, -180.0, 180.0);
        let lat = number("lat", &self.lat, -90.0, 90.0);
        let mut whole = |field: &str, text: &str, default: u32, max: u32| -> u32 {
            let text = text.trim();
            if text.is_empty() {
                return default;
            }
            match text.parse::<u32>() {
                Ok(v) if (1..=max).contains(&v) => v,
                _ => {
                    errors.add(
                        field,
                        Problem::OutOfRange {
                            min: 1,
                            max: max.into(),
                        },
                    );
                    default
                }
            }
        };
        let radius_m = whole(
            "radius_m",
            &self.radius_m,
            NEAREST_RADIUS_DEFAULT_M,
            NEAREST_RADIUS_MAX_M,
        );
        let limit = whole(
            "limit",
            &self.limit,
            NEAREST_LIMIT_DEFAULT,
            NEAREST_LIMIT_MAX,
        );
        let category = self.category.trim().to_string();
        if category.is_empty() {
            errors.add("category", Problem::Required);
        } else if !crate::Category::is_well_formed_code(&category) {
            errors.add("category", Problem::Unknown);
        }
        let mut kinds = Vec::new();
        for code in self
            .kinds
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match ProviderKind::from_code(code) {
                Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
                Some(_) => {}
                None => {
                    errors.add("kinds", Problem::Unknown);
                    break;
                }
            }
        }
        if kinds.is_empty() {
            kinds = ProviderKind::ALL.to_vec();
        }
        kinds.sort();
        errors.into_result(|| NearestQuery {
            center: Coordinates {
                lon: lon.unwrap_or_default(),
                lat: lat.unwrap_or_default(),
            },
            category,
            radius_m,
            limit,
            kinds,
        })
    }
}

impl NearestQuery {
    /// Whether a provider offering `category_code` answers a question for `self.category`:
    /// the same category or one under it (codes nest by prefix: `05`, `0502`, `050201`).
    pub fn covers(&self, category_code: &str) -> bool {
        category_code.starts_with(&self.category)
    }
}

/// One provider found near the point, with what a dispatcher weighs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearbyProvider {
    pub kind: ProviderKind,
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub district_name: String,
    pub position: Coordinates,
    /// Metres, rounded to the metre.
    pub distance_m: u32,
    /// The mean of the callback scores (price, punctuality, attitude) its past work got,
    /// 1 to 5, when it has any.
    pub rating: Option<f32>,
    /// How many parts were rated.
    pub rated: u32,
    /// Parts dispatched to it and not yet closed or returned.
    pub open_orders: u32,
}

/// The order every backend ranks by: nearer first; at equal distance vendors, then skilled
/// people, then volunteers; then the older record.
pub fn rank(a: (f64, ProviderKind, i64), b: (f64, ProviderKind, i64)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
}

coded_enum! {
    /// A layer of the map (SPEC G1).
    MapLayer {
        Vendors = "vendors", "加盟企业", "Vendors";
        Skilled = "skilled", "一技之长者", "Skilled individuals";
        Volunteers = "volunteers", "义工", "Volunteers";
        Elderly = "elderly", "老年人", "Elderly people";
    }
}

impl MapLayer {
    /// Whether this person may see the layer: vendors, skilled people and volunteers for
    /// staff who send help and administrators; the elderly only for those who keep their
    /// registry (their homes are personal data).
    pub fn shown_to(self, user: &crate::StaffUser) -> bool {
        match self {
            MapLayer::Elderly => user.can(crate::Permission::ElderlyRegistry),
            _ => user.sends_help() || user.can(crate::Permission::Administer),
        }
    }

    /// Whether this person may correct where the layer's records are (SPEC G3): the elderly
    /// for those who keep their registry, vendors and providers for those who keep theirs.
    pub fn moved_by(self, user: &crate::StaffUser) -> bool {
        self.shown_to(user)
            && match self {
                MapLayer::Elderly => user.can(crate::Permission::ElderlyRegistry),
                _ => user.can(crate::Permission::ProviderRegistry),
            }
    }

    /// Whether this person may open the records of the layer's points (a card links to
    /// them only then): the vendor and provider registries' readers, the elderly
    /// registry's keepers. An administrator sees where providers are, not their records.
    pub fn records_read_by(self, user: &crate::StaffUser) -> bool {
        match self {
            MapLayer::Elderly => user.can(crate::Permission::ElderlyRegistry),
            MapLayer::Vendors => crate::vendors::reads_vendors(user),
            MapLayer::Skilled | MapLayer::Volunteers => crate::providers::reads_providers(user),
        }
    }

    /// Where a record of the layer is read, by its id.
    pub fn record_path(self, id: i64) -> String {
        match self {
            MapLayer::Elderly => format!("/care/elderly/{id}"),
            MapLayer::Vendors => format!("/vendors/{id}"),
            MapLayer::Skilled | MapLayer::Volunteers => format!("/providers/{id}"),
        }
    }

    /// The audit log's object type of the layer's records.
    pub fn object_type(self) -> &'static str {
        match self {
            MapLayer::Vendors => "vendor",
            MapLayer::Skilled | MapLayer::Volunteers => "provider",
            MapLayer::Elderly => "elderly",
        }
    }
}

/// The grid sizes of the map's counts, in degrees, finest first: level `i` is
/// `MAP_CELL_SIZES[i]`. The table `map_levels` holds the same (migration 0025; a test
/// compares them).
pub const MAP_CELL_SIZES: [f64; 4] = [0.005, 0.02, 0.08, 0.32];
/// From this zoom on (Leaflet's numbering: 0 shows the world on 256 pixels), the map shows
/// single points; below it, counts per grid square.
pub const MAP_POINTS_FROM_ZOOM: u8 = 15;
/// The most points one view returns (the rest are counted as left out).
pub const MAP_POINTS_MAX: usize = 5_000;
pub const MAP_ZOOM_MAX: u8 = 19;

/// The grid level a zoom shows: the finest whose squares are at least 40 pixels wide, or
/// `None` from [`MAP_POINTS_FROM_ZOOM`] on (single points).
pub fn map_level(zoom: u8) -> Option<usize> {
    if zoom >= MAP_POINTS_FROM_ZOOM {
        return None;
    }
    let degrees_per_pixel = 360.0 / (256.0 * 2f64.powi(i32::from(zoom)));
    Some(
        MAP_CELL_SIZES
            .iter()
            .position(|size| size / degrees_per_pixel >= 40.0)
            .unwrap_or(MAP_CELL_SIZES.len() - 1),
    )
}

/// The grid square of a position at a level: numbered from 180° W and 90° S.
pub fn map_cell(level: usize, p: Coordinates) -> (i64, i64) {
    let size = MAP_CELL_SIZES[level];
    (
        ((p.lon + 180.0) / size).floor() as i64,
        ((p.lat + 90.0) / size).floor() as i64,
    )
}

/// The box of a grid square.
pub fn map_cell_bounds(level: usize, (gx, gy): (i64, i64)) -> Bounds {
    let size = MAP_CELL_SIZES[level];
    Bounds {
        west: gx as f64 * size - 180.0,
        south: gy as f64 * size - 90.0,
        east: (gx + 1) as f64 * size - 180.0,
        north: (gy + 1) as f64 * size - 90.0,
    }
}

/// What the map asks for as it arrives (query string): every field text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewportInput {
    #[serde(default)]
    pub layer: String,
    /// `west,south,east,north` in degrees.
    #[serde(default)]
    pub bbox: String,
    #[serde(default)]
    pub zoom: String,
}

/// A checked map view.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Viewport {
    pub layer: MapLayer,
    pub bounds: Bounds,
    pub zoom: u8,
}

impl ViewportInput {
    pub fn validate(&self) -> Result<Viewport, FieldErrors> {
        let mut errors = FieldErrors::new();
        let layer = MapLayer::from_code(self.layer.trim());
        if layer.is_none() {
            let problem = if self.layer.trim().is_empty() {
                Problem::Required
            } else {
                Problem::Unknown
            };
            errors.add("layer", problem);
        }
        let numbers: Vec<f64> = self
            .bbox
            .split(',')
            .map(|n| n.trim().parse::<f64>().unwrap_or(f64::NAN))
            .collect();
        let bounds = match numbers[..] {
            [west, south, east, north]
                if [west, east].iter().all(|v| (-180.0..=180.0).contains(v))
                    && [south, north].iter().all(|v| (-90.0..=90.0).contains(v))
                    && west < east
                    && south < north =>
            {
                Some(Bounds {
                    west,
                    south,
                    east,
                    north,
                })
            }
            _ => {
                let problem = if self.bbox.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::Unknown
                };
                errors.add("bbox", problem);
                None
            }
        };
        let zoom = match self.zoom.trim().parse::<u8>() {
            Ok(z) if z <= MAP_ZOOM_MAX => Some(z),
            _ => {
                errors.add(
                    "zoom",
                    Problem::OutOfRange {
                        min: 0,
                        max: MAP_ZOOM_MAX.into(),
                    },
                );
                None
            }
        };
        match (layer, bounds, zoom) {
            (Some(layer), Some(bounds), Some(zoom)) if errors.is_empty() => Ok(Viewport {
                layer,
                bounds,
                zoom,
            }),
            _ => Err(errors),
        }
    }
}

/// One provider or person on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPoint {
    pub id: i64,
    pub name: String,
    /// A vendor's or provider's status code (`active`, `suspended`, …); none for people.
    pub status: Option<String>,
    pub position: Coordinates,
}

/// How many lie in one grid square, and where their centre of mass is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapCell {
    pub position: Coordinates,
    pub count: u32,
    pub bounds: Bounds,
}

/// One layer in one view: squares with counts when zoomed out, points when zoomed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    pub layer: MapLayer,
    /// The grid level of `cells`; none when the view shows points.
    pub level: Option<u8>,
    pub cells: Vec<MapCell>,
    pub points: Vec<MapPoint>,
    /// Points in the view beyond [`MAP_POINTS_MAX`], not returned.
    pub truncated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_links_to_the_record_only_for_its_readers() {
        use crate::{Role, StaffUser};
        let user = |role: Role| StaffUser {
            id: 1,
            username: role.as_code().into(),
            display_name: String::new(),
            role,
            department_id: None,
            department_name: None,
            vendor_id: None,
            vendor_name: None,
            permissions: role.default_permissions().to_vec(),
        };
        let seen_and_read = |role: Role| -> Vec<(bool, bool)> {
            MapLayer::ALL
                .iter()
                .map(|l| (l.shown_to(&user(role)), l.records_read_by(&user(role))))
                .collect()
        };
        // Vendors, skilled, volunteers, elderly.
        let (yes, no) = ((true, true), (false, false));
        assert_eq!(seen_and_read(Role::Agent), [yes, yes, yes, no]);
        assert_eq!(
            seen_and_read(Role::Admin),
            [(true, false), (true, false), (true, false), no]
        );
        assert_eq!(seen_and_read(Role::Coordinator)[3], yes);
        assert_eq!(MapLayer::Volunteers.record_path(7), "/providers/7");
        assert_eq!(MapLayer::Elderly.record_path(7), "/care/elderly/7");
    }

    fn p(lon: f64, lat: f64) -> Coordinates {
        Coordinates { lon, lat }
    }

    #[test]
    fn distances_on_the_sphere() {
        // Xianyang's centre to Xi'an's Bell Tower: 0.2378° east (21.85 km at this latitude)
        // and 0.0684° south (7.60 km), so about 23.1 km.
        let xianyang = p(108.70929, 34.32932);
        let bell_tower = p(108.94704, 34.26096);
        let d = xianyang.distance_m(&bell_tower);
        assert!((23_050.0..23_200.0).contains(&d), "{d}");
        assert_eq!(xianyang.distance_m(&xianyang), 0.0);
        // One degree of latitude is 111.2 km on this sphere.
        let d = p(108.0, 34.0).distance_m(&p(108.0, 35.0));
        assert!((d - 111_195.08).abs() < 0.1, "{d}");
        // `destination` walks the same sphere back.
        for bearing in [0.0, 45.0, 90.0, 180.0, 270.0, 333.3] {
            let q = xianyang.destination(bearing, 4_999.5);
            assert!((xianyang.distance_m(&q) - 4_999.5).abs() < 1e-6);
        }
    }

    #[test]
    fn the_box_holds_the_whole_circle_and_little_more() {
        let c = p(108.70929, 34.32932);
        let b = Bounds::around(c, 5_000.0);
        for step in 0..3600 {
            let q = c.destination(f64::from(step) / 10.0, 5_000.0);
            assert!(b.contains(q), "{q:?} outside {b:?}");
        }
        // Tight: the circle reaches each edge to within a metre.
        let east = p(b.east, c.lat);
        let widest = (0..3600)
            .map(|s| c.destination(f64::from(s) / 10.0, 5_000.0).lon)
            .fold(f64::MIN, f64::max);
        assert!(p(widest, c.lat).distance_m(&east) < 1.0);
        let polar = Bounds::around(p(10.0, 89.99), 5_000.0);
        assert_eq!((polar.west, polar.east, polar.north), (-180.0, 180.0, 90.0));
    }

    #[test]
    fn a_question_is_refused_by_the_field_at_fault() {
        let input = NearestInput {
            lon: "108.7".into(),
            lat: "34.3".into(),
            category: "0502".into(),
            ..Default::default()
        };
        let q = input.validate().unwrap();
        assert_eq!(q.radius_m, NEAREST_RADIUS_DEFAULT_M);
        assert_eq!(q.limit, NEAREST_LIMIT_DEFAULT);
        assert_eq!(q.kinds, ProviderKind::ALL);
        assert!(q.covers("0502") && q.covers("050201") && !q.covers("05") && !q.covers("0503"));

        let bad = NearestInput {
            lon: "east".into(),
            lat: "95".into(),
            category: "5x".into(),
            radius_m: "0".into(),
            limit: "51".into(),
            kinds: "vendor,robot".into(),
        };
        let errors = bad.validate().unwrap_err();
        for field in ["lon", "lat", "category", "radius_m", "limit", "kinds"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        let missing = NearestInput::default().validate().unwrap_err();
        for field in ["lon", "lat", "category"] {
            assert_eq!(missing.get(field), Some(&Problem::Required), "{field}");
        }
        let kinds = NearestInput {
            kinds: "volunteer, vendor,volunteer".into(),
            ..input
        };
        assert_eq!(
            kinds.validate().unwrap().kinds,
            [ProviderKind::Vendor, ProviderKind::Volunteer]
        );
    }

    #[test]
    fn zooms_choose_squares_about_sixty_pixels_wide_then_points() {
        let levels: Vec<_> = (0..=16).map(map_level).collect();
        assert_eq!(
            &levels[7..],
            [
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(1),
                Some(1),
                Some(0),
                None,
                None
            ]
        );
        // The cell of a point holds it; squares tile without gaps.
        let p = Coordinates {
            lon: 108.70929,
            lat: 34.32932,
        };
        for level in 0..MAP_CELL_SIZES.len() {
            let cell = map_cell(level, p);
            assert!(map_cell_bounds(level, cell).contains(p));
            let next = map_cell_bounds(level, (cell.0 + 1, cell.1));
            assert_eq!(next.west, map_cell_bounds(level, cell).east);
        }
    }

    #[test]
    fn a_view_is_refused_by_the_field_at_fault() {
        let ok = ViewportInput {
            layer: "elderly".into(),
            bbox: "108.5,34.2,108.9,34.5".into(),
            zoom: "12".into(),
        };
        assert_eq!(ok.validate().unwrap().layer, MapLayer::Elderly);
        let bad = ViewportInput {
            layer: "cats".into(),
            bbox: "108.9,34.2,108.5,34.5".into(),
            zoom: "20".into(),
        };
        let errors = bad.validate().unwrap_err();
        for field in ["layer", "bbox", "zoom"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let missing = ViewportInput::default().validate().unwrap_err();
        assert_eq!(missing.get("layer"), Some(&Problem::Required));
        assert_eq!(missing.get("bbox"), Some(&Problem::Required));
        for bbox in ["1,2,3", "a,b,c,d", "108,34,181,35", "108,34,109,95"] {
            let v = ViewportInput {
                bbox: bbox.into(),
                ..ok.clone()
            };
            assert!(v.validate().unwrap_err().get("bbox").is_some(), "{bbox}");
        }
    }

    #[test]
    fn ties_rank_by_kind_then_age() {
        let mut list = vec![
            (10.0, ProviderKind::Volunteer, 1),
            (10.0, ProviderKind::Vendor, 9),
            (5.0, ProviderKind::Skilled, 3),
            (10.0, ProviderKind::Vendor, 2),
        ];
        list.sort_by(|a, b| rank(*a, *b));
        assert_eq!(
            list,
            [
                (5.0, ProviderKind::Skilled, 3),
                (10.0, ProviderKind::Vendor, 2),
                (10.0, ProviderKind::Vendor, 9),
                (10.0, ProviderKind::Volunteer, 1),
            ]
        );
    }
}
