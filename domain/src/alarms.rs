//! One-key emergency alarms (SPEC E1–E6, case type C): what the alarm gateway posts when a
//! registered elderly person presses the button, and the alarm as a console shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Coordinates, FieldErrors, Lang, PhoneNumber, Problem};

/// Longest delivery or device id taken from the gateway.
pub const ALARM_ID_MAX: usize = 100;

coded_enum! {
    /// Why the device raised the alarm. `vip` and `silent` are the E6 kinds: a VIP's
    /// emergency, and a family's silent alarm (never called back first).
    AlarmKind {
        Help = "help", "求助", "Help";
        Fall = "fall", "跌倒", "Fall";
        Smoke = "smoke", "烟感", "Smoke";
        Inactivity = "inactivity", "长时间无活动", "No activity";
        LowBattery = "low_battery", "电量低", "Low battery";
        Test = "test", "测试", "Test";
        Vip = "vip", "VIP 紧急", "VIP emergency";
        Silent = "silent", "静默报警", "Silent alarm";
    }
}

impl AlarmKind {
    /// The service category (code table) its type-C case is filed under.
    pub fn category_code(self) -> &'static str {
        match self {
            AlarmKind::LowBattery => "030103",
            AlarmKind::Test => "030102",
            _ => "030101",
        }
    }

    /// Whether the coordinator may call the person back first. A silent alarm means
    /// someone may be listening who must not know help is coming (E6).
    pub fn may_call_back(self) -> bool {
        self != AlarmKind::Silent
    }
}

coded_enum! {
    /// Where an alarm stands: received (on the consoles, nobody holds it), acknowledged (a
    /// coordinator holds it), a helper on site, closed with a disposition.
    AlarmStatus {
        Open = "open", "待接警", "Waiting";
        Acknowledged = "acknowledged", "处理中", "Acknowledged";
        OnSite = "on_site", "已到场", "Helper on site";
        Closed = "closed", "已关闭", "Closed";
    }
}

/// An alarm as the gateway posts it (JSON). Every field is a string or number so a
/// mistake is a 422 naming the field, not a parse error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlarmInput {
    /// Unique per delivery: the gateway's retry of the same id returns the same alarm.
    pub delivery_id: String,
    /// The number the alarm came from (the one-key line); empty when only the device is
    /// known.
    pub caller: String,
    /// The terminal's id; at least one of `caller` and `device_id` is required.
    pub device_id: String,
    /// `help`, `fall`, `smoke`, `inactivity`, `low_battery`, `test`, `vip`, `silent`;
    /// empty means `help`.
    pub kind: String,
    /// When the device raised it (RFC 3339).
    pub at: String,
    /// Where the device was, when it knows, in the map's frame (see [`Coordinates`]: the
    /// GCJ-02 that Chinese location services report; a gateway holding raw GPS converts).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// An alarm that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAlarm {
    pub delivery_id: String,
    pub caller: Option<PhoneNumber>,
    pub device_id: Option<String>,
    pub kind: AlarmKind,
    pub raised_at: DateTime<Utc>,
    pub position: Option<Coordinates>,
}

fn id_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= ALARM_ID_MAX
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

impl AlarmInput {
    pub fn validate(&self) -> Result<NewAlarm, FieldErrors> {
        let mut errors = FieldErrors::new();
        let delivery_id = self.delivery_id.trim();
        if delivery_id.is_empty() {
            errors.add("delivery_id", Problem::Required);
        } else if !id_ok(delivery_id) {
            errors.add("delivery_id", Problem::BadCode);
        }
        let caller = match self.caller.trim() {
            "" | "anonymous" => None,
            raw => match PhoneNumber::parse(raw) {
                Ok(p) => Some(p),
                Err(problem) => {
                    errors.add("caller", problem);
                    None
                }
            },
        };
        let device_id = match self.device_id.trim() {
            "" => None,
            raw if id_ok(raw) => Some(raw.to_string()),
            _ => {
                errors.add("device_id", Problem::BadCode);
                None
            }
        };
        if self.caller.trim().is_empty() && self.device_id.trim().is_empty() {
            errors.add("caller", Problem::Required);
        }
        let kind = match self.kind.trim() {
            "" => Some(AlarmKind::Help),
            code => {
                let kind = AlarmKind::from_code(code);
                if kind.is_none() {
                    errors.add("kind", Problem::Unknown);
                }
                kind
            }
        };
        let raised_at = match DateTime::parse_from_rfc3339(self.at.trim()) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) if self.at.trim().is_empty() => {
                errors.add("at", Problem::Required);
                None
            }
            Err(_) => {
                errors.add("at", Problem::BadDate);
                None
            }
        };
        let position = match (self.lon, self.lat) {
            (None, None) => None,
            (Some(lon), Some(lat)) => match Coordinates::new(lon, lat) {
                Ok(c) => Some(c),
                Err(crate::CoordinateError::LatitudeOutOfRange) => {
                    errors.add("lat", Problem::OutOfRange { min: -90, max: 90 });
                    None
                }
                Err(_) => {
                    errors.add(
                        "lon",
                        Problem::OutOfRange {
                            min: -180,
                            max: 180,
                        },
                    );
                    None
                }
            },
            (None, Some(_)) => {
                errors.add("lon", Problem::Required);
                None
            }
            (Some(_), None) => {
                errors.add("lat", Problem::Required);
                None
            }
        };
        errors.into_result(|| NewAlarm {
            delivery_id: delivery_id.to_string(),
            caller,
            device_id,
            kind: kind.unwrap_or(AlarmKind::Help),
            raised_at: raised_at.unwrap_or_default(),
            position,
        })
    }
}

/// An alarm as a console lists it. The caller's number is masked; the full number and the
/// person's record are an audited look from the alarm card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub id: i64,
    pub delivery_id: String,
    pub kind: AlarmKind,
    pub status: AlarmStatus,
    /// Masked.
    pub caller: Option<String>,
    pub device_id: Option<String>,
    /// The registered person the number belongs to; `None` is an unregistered caller.
    pub elderly_id: Option<i64>,
    pub elderly_name: Option<String>,
    pub district_name: Option<String>,
    /// Where the device said it was, else the registered home.
    pub position: Option<Coordinates>,
    /// The type-C case the alarm is recorded as.
    pub tracking_number: String,
    pub raised_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// Who holds it (user name), once acknowledged.
    pub holder: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub on_site_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AlarmInput {
        AlarmInput {
            delivery_id: "gw-1".into(),
            caller: "029-33123456".into(),
            device_id: String::new(),
            kind: "fall".into(),
            at: "2026-12-06T02:00:00Z".into(),
            lon: Some(108.7),
            lat: Some(34.33),
        }
    }

    #[test]
    fn alarms_are_checked_by_field() {
        let ok = input().validate().unwrap();
        assert_eq!(ok.kind, AlarmKind::Fall);
        assert_eq!(ok.caller.unwrap().as_str(), "029-33123456");
        assert_eq!(ok.position.unwrap().to_array(), [108.7, 34.33]);

        let mut no_kind = input();
        no_kind.kind = String::new();
        assert_eq!(no_kind.validate().unwrap().kind, AlarmKind::Help);

        let bad = AlarmInput {
            delivery_id: "has space".into(),
            caller: "12".into(),
            device_id: "dev/1".into(),
            kind: "panic".into(),
            at: "yesterday".into(),
            lon: Some(500.0),
            lat: Some(34.0),
        }
        .validate()
        .unwrap_err();
        for field in ["delivery_id", "caller", "device_id", "kind", "at", "lon"] {
            assert!(bad.0.contains_key(field), "{field}: {bad:?}");
        }

        let nobody = AlarmInput {
            caller: String::new(),
            ..input()
        }
        .validate()
        .unwrap_err();
        assert_eq!(nobody.0.get("caller"), Some(&Problem::Required));
        let device_only = AlarmInput {
            caller: String::new(),
            device_id: "YJT-0001".into(),
            ..input()
        }
        .validate()
        .unwrap();
        assert_eq!(device_only.device_id.as_deref(), Some("YJT-0001"));

        let half = AlarmInput {
            lat: None,
            ..input()
        }
        .validate()
        .unwrap_err();
        assert_eq!(half.0.get("lat"), Some(&Problem::Required));
    }

    #[test]
    fn a_silent_alarm_is_never_called_back_first() {
        assert!(!AlarmKind::Silent.may_call_back());
        assert!(AlarmKind::Fall.may_call_back());
        assert_eq!(AlarmKind::LowBattery.category_code(), "030103");
        assert_eq!(AlarmKind::Smoke.category_code(), "030101");
    }
}
