//! The small pieces every part of the demo draws: names, phone numbers, places and dates.

use chrono::{DateTime, Duration, Utc};

use super::text::{GIVEN_FEMALE, GIVEN_MALE, ROADS, SURNAMES};
use super::Generator;
use crate::seed::{DistrictShape, Point};
use crate::store::RegionSeed;

impl<'a> Generator<'a> {
    pub(super) fn person(&mut self) -> (String, bool) {
        let female = self.rng.chance(0.5);
        let given = if female {
            self.rng.pick(GIVEN_FEMALE)
        } else {
            self.rng.pick(GIVEN_MALE)
        };
        (format!("{}{}", self.rng.pick(SURNAMES), given), female)
    }

    pub(super) fn mobile(&mut self) -> String {
        const PREFIXES: &[&str] = &[
            "130", "133", "135", "136", "138", "139", "150", "152", "153", "158", "159", "177",
            "180", "181", "186", "187", "189", "199",
        ];
        format!(
            "{}{:08}",
            self.rng.pick(PREFIXES),
            self.rng.range(0, 99_999_999)
        )
    }

    pub(super) fn landline(&mut self) -> String {
        format!("029-3{:07}", self.rng.range(0, 9_999_999))
    }

    /// A uniformly random point inside a district's outline.
    pub(super) fn point_in(&mut self, district: &DistrictShape) -> Point {
        let (min, max) = district.bbox();
        for _ in 0..1000 {
            let p = Point {
                lon: min.lon + self.rng.unit() * (max.lon - min.lon),
                lat: min.lat + self.rng.unit() * (max.lat - min.lat),
            };
            if district.contains(p) {
                return Point {
                    lon: (p.lon * 1e5).round() / 1e5,
                    lat: (p.lat * 1e5).round() / 1e5,
                };
            }
        }
        district.center
    }

    /// A district (weighted towards the urban ones, where most calls come from), one of
    /// its streets and one of that street's villages or communities.
    pub(super) fn place(
        &mut self,
    ) -> (
        &'a DistrictShape,
        Option<&'a RegionSeed>,
        Option<&'a RegionSeed>,
    ) {
        let district = if self.rng.chance(0.45) {
            // 秦都区, 渭城区, 兴平市 and 杨陵区 hold most of the urban population.
            let urban: Vec<&DistrictShape> = self
                .districts
                .iter()
                .copied()
                .filter(|d| {
                    ["秦都", "渭城", "兴平", "杨陵"]
                        .iter()
                        .any(|n| d.name.contains(n))
                })
                .collect();
            if urban.is_empty() {
                *self.rng.pick(&self.districts)
            } else {
                *self.rng.pick(&urban)
            }
        } else {
            *self.rng.pick(&self.districts)
        };
        let street = self
            .children
            .get(district.code.as_str())
            .filter(|s| !s.is_empty())
            .map(|s| *self.rng.pick(s));
        let village = street
            .and_then(|s| self.children.get(s.region.code.as_str()))
            .filter(|v| !v.is_empty())
            .map(|v| *self.rng.pick(v));
        (district, street, village)
    }

    pub(super) fn address(
        &mut self,
        street: Option<&RegionSeed>,
        village: Option<&RegionSeed>,
    ) -> String {
        let mut address = String::new();
        if let Some(s) = street {
            address.push_str(&s.region.name);
        }
        if let Some(v) = village {
            address.push_str(&v.region.name);
        }
        let road = self.rng.pick(ROADS);
        address.push_str(&format!("{road}{}号", self.rng.range(1, 300)));
        address
    }

    pub(super) fn days_ago(&mut self, max_days: i64) -> DateTime<Utc> {
        self.now - Duration::minutes(self.rng.range(60, max_days * 24 * 60))
    }
}
