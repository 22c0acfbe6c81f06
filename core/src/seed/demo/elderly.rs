//! Elderly people and their resident ID numbers (GB 11643).

use chrono::{Datelike, Duration, NaiveDate};

use hotline_domain::ELDERLY_IDENTITY_CATEGORIES;

use super::text::{HEALTH, RELATIONS};
use super::Generator;
use crate::clock::china_offset;
use crate::store::NewElderly;

impl Generator<'_> {
    pub(super) fn elderly(&mut self, i: usize) -> NewElderly {
        let (district, street, village) = self.place();
        let position = self.point_in(district);
        let (name, female) = self.person();
        let today = self.now.with_timezone(&china_offset()).date_naive();
        let age_days = self.rng.range(60 * 365 + 15, 98 * 365);
        let birth_date = today - Duration::days(age_days);
        let health = (self.rng.chance(0.7)).then(|| *self.rng.pick(HEALTH));
        let onekey = self.rng.chance(0.35);
        let (child, _) = self.person();
        let sequence = self
            .id_sequences
            .entry((district.code.clone(), birth_date))
            .or_default();
        *sequence += 1;
        let sequence = *sequence;
        NewElderly {
            name,
            gender: if female { "F" } else { "M" }.to_string(),
            birth_date,
            id_number: id_number(&district.code, birth_date, sequence, female),
            identity_category: self.rng.pick(ELDERLY_IDENTITY_CATEGORIES).to_string(),
            service_card_no: format!("XY{:08}", 10_000_000 + i),
            district_code: district.code.clone(),
            street_code: street.map(|s| s.region.code.clone()),
            village_code: village.map(|v| v.region.code.clone()),
            address: self.address(street, village),
            phone: self.rng.chance(0.6).then(|| self.mobile()),
            onekey_phone: onekey.then(|| self.landline()),
            onekey_device: onekey.then(|| {
                self.terminals += 1;
                super::demo_terminal(self.terminals - 1)
            }),
            health_notes: health.map(|(h, _)| h.to_string()),
            medications: health.map(|(_, m)| m.to_string()).filter(|m| !m.is_empty()),
            contact_name: child,
            contact_relation: self.rng.pick(RELATIONS).to_string(),
            contact_phone: self.mobile(),
            lon: position.lon,
            lat: position.lat,
            created_at: self.days_ago(1000),
        }
    }
}

/// An 18-digit resident ID number (GB 11643) with a valid check digit.
/// `sequence` (from 1) numbers the people of one area and birth date; the order code's last
/// digit is odd for men and even for women.
pub fn id_number(area: &str, birth: NaiveDate, sequence: u32, female: bool) -> String {
    let mut order = (sequence % 500) * 2 + 1;
    if female {
        order -= 1;
    }
    let body = format!(
        "{}{:04}{:02}{:02}{:03}",
        &area[..6.min(area.len())],
        birth.year(),
        birth.month(),
        birth.day(),
        order % 1000
    );
    let check = hotline_domain::IdNumber::check_digit(&body);
    format!("{body}{check}")
}
