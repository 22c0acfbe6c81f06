//! Just enough GeoJSON for the seed: district outlines, their centres, and whether a point
//! falls inside one (to place generated vendors and elderly people inside their district).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

#[derive(Debug, Clone)]
pub struct DistrictShape {
    pub code: String,
    pub name: String,
    pub center: Point,
    /// Outer rings of the district's polygons (holes are ignored: none in this data).
    pub rings: Vec<Vec<Point>>,
}

impl DistrictShape {
    pub fn bbox(&self) -> (Point, Point) {
        let mut min = Point {
            lon: f64::MAX,
            lat: f64::MAX,
        };
        let mut max = Point {
            lon: f64::MIN,
            lat: f64::MIN,
        };
        for p in self.rings.iter().flatten() {
            min.lon = min.lon.min(p.lon);
            min.lat = min.lat.min(p.lat);
            max.lon = max.lon.max(p.lon);
            max.lat = max.lat.max(p.lat);
        }
        (min, max)
    }

    pub fn contains(&self, p: Point) -> bool {
        self.rings.iter().any(|ring| ring_contains(ring, p))
    }
}

/// Even-odd ray casting.
fn ring_contains(ring: &[Point], p: Point) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a.lat > p.lat) != (b.lat > p.lat)
            && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
    name: String,
    center: [f64; 2],
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

pub(super) fn parse_districts(text: &str) -> Result<Vec<DistrictShape>, String> {
    let collection: Collection = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let to_ring = |ring: &Vec<[f64; 2]>| -> Vec<Point> {
        ring.iter()
            .map(|[lon, lat]| Point {
                lon: *lon,
                lat: *lat,
            })
            .collect()
    };
    Ok(collection
        .features
        .into_iter()
        .map(|f| {
            let rings = match &f.geometry {
                Geometry::Polygon(rings) => rings.first().map(to_ring).into_iter().collect(),
                Geometry::MultiPolygon(polys) => polys
                    .iter()
                    .filter_map(|rings| rings.first().map(to_ring))
                    .collect(),
            };
            DistrictShape {
                code: f.properties.code,
                name: f.properties.name,
                center: Point {
                    lon: f.properties.center[0],
                    lat: f.properties.center[1],
                },
                rings,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_district_contains_its_own_centre() {
        let shapes = crate::seed::district_shapes().unwrap();
        assert_eq!(shapes.len(), 14);
        for s in &shapes {
            assert!(
                s.contains(s.center),
                "{} does not contain its centre",
                s.name
            );
            let (min, max) = s.bbox();
            assert!(
                min.lon > 107.0 && max.lon < 109.5 && min.lat > 33.9 && max.lat < 35.6,
                "{}",
                s.name
            );
        }
    }
}
