//! Positions on the map: a longitude/latitude pair with the frame it is in.

use serde::{Deserialize, Serialize};

/// A point as `lon`/`lat` in decimal degrees (east and north positive), serialized flat as
/// `{"lon": …, "lat": …}` like the database columns of the same names.
///
/// Datum: the frame of the district outlines in `data/regions` (ECharts map data), which the
/// source does not document; Chinese web-map data of this kind is usually GCJ-02, which lies
/// a few hundred metres from WGS-84 around Xianyang. Every stored position (region centres,
/// demo vendors, providers and elderly people, which are placed inside those outlines) is in
/// that same frame, so they agree with each other and with the map; none is converted. A
/// position from a GPS device (WGS-84) must be converted before it is compared with them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lon: f64,
    pub lat: f64,
}

/// Why a pair of numbers is not a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CoordinateError {
    #[error("longitude and latitude must be finite numbers")]
    NotFinite,
    #[error("longitude must be within -180..=180 degrees")]
    LongitudeOutOfRange,
    #[error("latitude must be within -90..=90 degrees")]
    LatitudeOutOfRange,
}

impl Coordinates {
    /// A checked position: both finite, longitude within ±180°, latitude within ±90°.
    pub fn new(lon: f64, lat: f64) -> Result<Coordinates, CoordinateError> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(CoordinateError::NotFinite);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinateError::LongitudeOutOfRange);
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinateError::LatitudeOutOfRange);
        }
        Ok(Coordinates { lon, lat })
    }

    /// A position from two nullable columns: both present and valid, or none.
    pub fn from_columns(lon: Option<f64>, lat: Option<f64>) -> Option<Coordinates> {
        Coordinates::new(lon?, lat?).ok()
    }

    /// Whether this (deserialized, so unchecked) value would pass [`Coordinates::new`].
    pub fn is_valid(&self) -> bool {
        Coordinates::new(self.lon, self.lat).is_ok()
    }

    /// `[lon, lat]`, the GeoJSON order.
    pub fn to_array(self) -> [f64; 2] {
        [self.lon, self.lat]
    }
}

/// A GPS reading (WGS-84, what a phone's "use my location" gives) in the map's frame, taken
/// to be GCJ-02 (see [`Coordinates`]): the published conversion, with its usual constants
/// (Krasovsky 1940 ellipsoid). Around Xianyang it moves a point some 300–600 m. Points
/// outside mainland China are returned as they are, as the conversion does not apply there.
pub fn gps_to_map_frame(gps: Coordinates) -> Coordinates {
    const A: f64 = 6_378_245.0;
    const EE: f64 = 0.006_693_421_622_965_943;
    let outside = !(72.004..=137.8347).contains(&gps.lon) || !(0.8293..=55.8271).contains(&gps.lat);
    if outside {
        return gps;
    }
    let pi = std::f64::consts::PI;
    let (x, y) = (gps.lon - 105.0, gps.lat - 35.0);
    let waves = |a: f64, b: f64| (a * (6.0 * x * pi).sin() + b * (2.0 * x * pi).sin()) * 2.0 / 3.0;
    let d_lat = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + waves(20.0, 20.0)
        + (20.0 * (y * pi).sin() + 40.0 * (y / 3.0 * pi).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * pi).sin() + 320.0 * (y * pi / 30.0).sin()) * 2.0 / 3.0;
    let d_lon = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + waves(20.0, 20.0)
        + (20.0 * (x * pi).sin() + 40.0 * (x / 3.0 * pi).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * pi).sin() + 300.0 * (x / 30.0 * pi).sin()) * 2.0 / 3.0;
    let rad_lat = gps.lat / 180.0 * pi;
    let magic = 1.0 - EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * pi);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad_lat.cos() * pi);
    Coordinates {
        lon: gps.lon + d_lon,
        lat: gps.lat + d_lat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gps_reading_moves_a_few_hundred_metres_into_the_map_frame() {
        let gps = Coordinates {
            lon: 108.7093,
            lat: 34.3296,
        };
        let moved = gps_to_map_frame(gps);
        let metres = gps.distance_m(&moved);
        assert!((200.0..800.0).contains(&metres), "{metres} m");
        // North-east of the reading, as the frame lies in central China.
        assert!(moved.lon > gps.lon && moved.lat < gps.lat + 0.01);
        let abroad = Coordinates {
            lon: 2.35,
            lat: 48.85,
        };
        assert_eq!(gps_to_map_frame(abroad), abroad);
    }

    #[test]
    fn positions_are_finite_and_in_range() {
        let xianyang = Coordinates::new(108.70929, 34.32932).unwrap();
        assert_eq!(xianyang.to_array(), [108.70929, 34.32932]);
        assert!(xianyang.is_valid());
        assert_eq!(
            Coordinates::new(f64::NAN, 34.0),
            Err(CoordinateError::NotFinite)
        );
        assert_eq!(
            Coordinates::new(108.0, f64::INFINITY),
            Err(CoordinateError::NotFinite)
        );
        assert_eq!(
            Coordinates::new(181.0, 34.0),
            Err(CoordinateError::LongitudeOutOfRange)
        );
        assert_eq!(
            Coordinates::new(108.0, -90.5),
            Err(CoordinateError::LatitudeOutOfRange)
        );
        assert_eq!(Coordinates::from_columns(Some(108.0), None), None);
        assert_eq!(
            Coordinates::from_columns(Some(108.0), Some(34.0)),
            Some(Coordinates {
                lon: 108.0,
                lat: 34.0
            })
        );
    }

    #[test]
    fn serialized_flat_with_lon_and_lat() {
        let p = Coordinates {
            lon: 108.5,
            lat: 34.25,
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"lon":108.5,"lat":34.25}"#);
        assert_eq!(serde_json::from_str::<Coordinates>(&json).unwrap(), p);
    }
}
