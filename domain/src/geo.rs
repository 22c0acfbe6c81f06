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

#[cfg(test)]
mod tests {
    use super::*;

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
