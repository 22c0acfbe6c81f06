//! One-key emergency alarms (SPEC E1–E6, case type C): what the alarm gateway posts when a
//! registered elderly person presses the button, and the alarm as a console shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Coordinates, FieldErrors, Lang, PhoneNumber, Problem};

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

impl AlarmInput {
    pub fn validate(&self) -> Result<NewAlarm, FieldErrors> {
        let mut errors = FieldErrors::new();
        use crate::calls::webhook;
        let delivery_id = webhook::id(&mut errors, "delivery_id", &self.delivery_id, true);
        let caller = webhook::caller(&mut errors, &self.caller);
        let device_id = webhook::id(&mut errors, "device_id", &self.device_id, false);
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
        let raised_at = webhook::time(&mut errors, "at", &self.at);
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
            delivery_id: delivery_id.unwrap_or_default(),
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

coded_enum! {
    /// How an alarm ended (E3).
    Disposition {
        FalseAlarm = "false_alarm", "误报", "False alarm";
        ByPhone = "by_phone", "电话处置", "Resolved on the phone";
        HelperOnSite = "helper_on_site", "上门处置", "Helper on site";
        Hospital = "hospital", "送医", "Taken to hospital";
        DeviceFault = "device_fault", "设备故障", "Device fault";
        Test = "test", "测试", "Test";
    }
}

coded_enum! {
    /// Whom a coordinator tried to reach: the rungs of the contact ladder, in order.
    ContactRung {
        Person = "person", "老人本人", "The person";
        Family = "family", "家属", "Family";
        Liaison = "liaison", "社区联络人", "Community liaison";
        Doctor = "doctor", "签约医生", "Doctor";
        Neighbour = "neighbour", "邻居/物业", "Neighbour / security";
    }
}

coded_enum! {
    /// What a contact attempt came to.
    ContactOutcome {
        Reached = "reached", "已接通", "Reached";
        NoAnswer = "no_answer", "无人接听", "No answer";
        Busy = "busy", "占线", "Busy";
        WrongNumber = "wrong_number", "号码有误", "Wrong number";
    }
}

coded_enum! {
    /// The public emergency service an alarm was escalated to.
    EmergencyService {
        Ambulance = "120", "120 急救", "120 ambulance";
        Police = "110", "110 报警", "110 police";
        Fire = "119", "119 消防", "119 fire";
    }
}

/// When an alarm nobody acknowledged is taken to the lead (E5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmPolicy {
    /// The first alert, this long after the alarm came in (telecare practice: answered
    /// within 60 s).
    pub escalate_after: chrono::Duration,
    /// Then again at this interval until someone acknowledges it.
    pub repeat_every: chrono::Duration,
}

impl Default for AlarmPolicy {
    fn default() -> Self {
        AlarmPolicy {
            escalate_after: chrono::Duration::seconds(60),
            repeat_every: chrono::Duration::seconds(60),
        }
    }
}

/// One alarm's times, as the figures need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmTiming {
    pub received_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub on_site_at: Option<DateTime<Utc>>,
    /// Who acknowledged it (user name).
    pub acknowledged_by: Option<String>,
}

/// How fast a group of alarms was answered (E5; telecare practice: 97.5 % within 60 s,
/// 99 % within 180 s). Seconds; `None` where no alarm of the group got that far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmFigures {
    /// The day (`YYYY-MM-DD`, the centre's calendar), the coordinator, or `all`.
    pub key: String,
    pub alarms: u32,
    pub acknowledged: u32,
    /// Shares of all the group's alarms, 0–1.
    pub within_60s: f64,
    pub within_180s: f64,
    pub ack_p50_s: Option<i64>,
    pub ack_p90_s: Option<i64>,
    /// From receipt to a helper on site.
    pub on_site_p50_s: Option<i64>,
    pub on_site_p90_s: Option<i64>,
}

impl AlarmFigures {
    /// The figures of `alarms` under `key`.
    pub fn of(key: &str, alarms: &[&AlarmTiming]) -> AlarmFigures {
        let mut ack: Vec<i64> = alarms
            .iter()
            .filter_map(|a| a.acknowledged_at.map(|t| (t - a.received_at).num_seconds()))
            .collect();
        let mut on_site: Vec<i64> = alarms
            .iter()
            .filter_map(|a| a.on_site_at.map(|t| (t - a.received_at).num_seconds()))
            .collect();
        ack.sort_unstable();
        on_site.sort_unstable();
        let share = |limit: i64| {
            if alarms.is_empty() {
                0.0
            } else {
                ack.iter().filter(|s| **s <= limit).count() as f64 / alarms.len() as f64
            }
        };
        // Nearest rank: the smallest value with at least p of the values at or below it.
        let pct = |values: &[i64], p: f64| -> Option<i64> {
            let rank = ((values.len() as f64) * p).ceil() as usize;
            values.get(rank.max(1) - 1).copied()
        };
        AlarmFigures {
            key: key.to_string(),
            alarms: alarms.len() as u32,
            acknowledged: ack.len() as u32,
            within_60s: share(60),
            within_180s: share(180),
            ack_p50_s: pct(&ack, 0.5),
            ack_p90_s: pct(&ack, 0.9),
            on_site_p50_s: pct(&on_site, 0.5),
            on_site_p90_s: pct(&on_site, 0.9),
        }
    }
}

/// How fast alarms were answered over a period: all of them, each day, each coordinator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmReport {
    pub days: u32,
    pub overall: AlarmFigures,
    /// Oldest day first; days without alarms are left out.
    pub by_day: Vec<AlarmFigures>,
    /// By who acknowledged them; alarms nobody acknowledged are under `-`.
    pub by_coordinator: Vec<AlarmFigures>,
}

/// Longest free text on an alarm step.
pub const ALARM_NOTE_MAX: usize = 500;

/// One step on an alarm as a console posts it (JSON, `{"action": "acknowledge"}`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlarmActionInput {
    /// `acknowledge`, `contact`, `dispatch`, `escalate`, `on_site`, `hand_over`, `close`.
    pub action: String,
    /// contact: the rung (`person`, `family`, `liaison`, `doctor`, `neighbour`).
    pub rung: String,
    /// contact: the name reached or tried; dispatch: the helper or vendor sent.
    pub name: String,
    /// contact: `reached`, `no_answer`, `busy`, `wrong_number`.
    pub outcome: String,
    /// escalate: `120`, `110`, `119`.
    pub service: String,
    /// hand_over: the coordinator's user name.
    pub to: String,
    /// close: how it ended.
    pub disposition: String,
    pub note: String,
}

/// A checked alarm step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlarmAction {
    /// Takes the alarm: its one holder (others see who).
    Acknowledge,
    Contact {
        rung: ContactRung,
        name: String,
        outcome: ContactOutcome,
        note: Option<String>,
    },
    /// A helper or vendor sent to the person.
    Dispatch {
        name: String,
        note: Option<String>,
    },
    Escalate {
        service: EmergencyService,
        note: Option<String>,
    },
    /// The helper has arrived.
    OnSite {
        note: Option<String>,
    },
    HandOver {
        to: String,
    },
    Close {
        disposition: Disposition,
        note: Option<String>,
    },
}

impl AlarmAction {
    /// The log's name for the step (`alarm_events.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            AlarmAction::Acknowledge => "acknowledged",
            AlarmAction::Contact { .. } => "contact",
            AlarmAction::Dispatch { .. } => "dispatched",
            AlarmAction::Escalate { .. } => "escalated",
            AlarmAction::OnSite { .. } => "on_site",
            AlarmAction::HandOver { .. } => "handed_over",
            AlarmAction::Close { .. } => "closed",
        }
    }

    /// The line the alarm's log keeps for it (Chinese, as the centre's records are).
    pub fn log_note(&self) -> Option<String> {
        let with = |head: String, note: &Option<String>| match note {
            Some(n) => format!("{head}：{n}"),
            None => head,
        };
        match self {
            AlarmAction::Acknowledge => None,
            AlarmAction::Contact {
                rung,
                name,
                outcome,
                note,
            } => Some(with(
                format!(
                    "{} {name} · {}",
                    rung.label(Lang::Zh),
                    outcome.label(Lang::Zh)
                ),
                note,
            )),
            AlarmAction::Dispatch { name, note } => Some(with(format!("派出 {name}"), note)),
            AlarmAction::Escalate { service, note } => {
                Some(with(service.label(Lang::Zh).to_string(), note))
            }
            AlarmAction::OnSite { note } => note.clone(),
            AlarmAction::HandOver { to } => Some(format!("转交 {to}")),
            AlarmAction::Close { disposition, note } => {
                Some(with(disposition.label(Lang::Zh).to_string(), note))
            }
        }
    }
}

impl AlarmActionInput {
    pub fn validate(&self) -> Result<AlarmAction, FieldErrors> {
        let mut errors = FieldErrors::new();
        let note = match self.note.trim() {
            "" => None,
            n if n.chars().count() > ALARM_NOTE_MAX => {
                errors.add(
                    "note",
                    Problem::TooLong {
                        max: ALARM_NOTE_MAX,
                    },
                );
                None
            }
            n => Some(n.to_string()),
        };
        fn pick<T>(
            errors: &mut FieldErrors,
            field: &str,
            raw: &str,
            parse: impl Fn(&str) -> Option<T>,
        ) -> Option<T> {
            match raw.trim() {
                "" => {
                    errors.add(field, Problem::Required);
                    None
                }
                code => {
                    let value = parse(code);
                    if value.is_none() {
                        errors.add(field, Problem::Unknown);
                    }
                    value
                }
            }
        }
        let name = |errors: &mut FieldErrors| match self.name.trim() {
            "" => {
                errors.add("name", Problem::Required);
                String::new()
            }
            n if n.chars().count() > 100 => {
                errors.add("name", Problem::TooLong { max: 100 });
                String::new()
            }
            n => n.to_string(),
        };
        let action = match self.action.trim() {
            "acknowledge" => Some(AlarmAction::Acknowledge),
            "contact" => {
                let rung = pick(&mut errors, "rung", &self.rung, ContactRung::from_code);
                let outcome = pick(
                    &mut errors,
                    "outcome",
                    &self.outcome,
                    ContactOutcome::from_code,
                );
                let name = name(&mut errors);
                rung.zip(outcome)
                    .map(|(rung, outcome)| AlarmAction::Contact {
                        rung,
                        name,
                        outcome,
                        note: note.clone(),
                    })
            }
            "dispatch" => Some(AlarmAction::Dispatch {
                name: name(&mut errors),
                note: note.clone(),
            }),
            "escalate" => pick(
                &mut errors,
                "service",
                &self.service,
                EmergencyService::from_code,
            )
            .map(|service| AlarmAction::Escalate {
                service,
                note: note.clone(),
            }),
            "on_site" => Some(AlarmAction::OnSite { note: note.clone() }),
            "hand_over" => match self.to.trim() {
                "" => {
                    errors.add("to", Problem::Required);
                    None
                }
                to => Some(AlarmAction::HandOver { to: to.to_string() }),
            },
            "close" => pick(
                &mut errors,
                "disposition",
                &self.disposition,
                Disposition::from_code,
            )
            .map(|disposition| AlarmAction::Close {
                disposition,
                note: note.clone(),
            }),
            "" => {
                errors.add("action", Problem::Required);
                None
            }
            _ => {
                errors.add("action", Problem::Unknown);
                None
            }
        };
        match action {
            Some(action) if errors.is_empty() => Ok(action),
            _ => Err(errors),
        }
    }
}

/// One entry of an alarm's log (received, shown, acknowledged, a contact attempt, …): a
/// console's resume point is its id, which follows commit order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmLogEntry {
    pub id: i64,
    pub alarm_id: i64,
    pub at: DateTime<Utc>,
    /// `system`, `gateway` or the user name of who took the step.
    pub actor: String,
    /// `received`, `acknowledged`, `contact`, `dispatched`, `escalated`, `on_site`,
    /// `handed_over`, `closed`, `escalation`.
    pub kind: String,
    pub note: Option<String>,
}

/// One rung of the contact ladder as the alarm card offers it, in the order a coordinator
/// tries them (E3): the person, the family contact, the community liaison, the doctor, a
/// neighbour or the building's security. Rungs the registry has no one for carry no name:
/// the coordinator writes whom they reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderContact {
    pub rung: ContactRung,
    pub name: String,
    /// The number to dial, in full: the card is an audited look.
    pub phone: Option<String>,
    /// `false` for the person of a silent alarm, who is never called back (E6).
    pub callable: bool,
}

/// Everything a coordinator works an alarm from: the alarm, who raised it (health notes and
/// medicines included), whom to call, what happened so far, and the person's earlier
/// alarms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmCard {
    /// Caller masked, as everywhere.
    pub alarm: Alarm,
    /// The number the alarm came from, in full, to call back.
    pub caller: Option<String>,
    /// The registered person; `None` for an unregistered caller.
    pub person: Option<crate::ElderlyDetail>,
    pub ladder: Vec<LadderContact>,
    /// The alarm's log, oldest first.
    pub timeline: Vec<AlarmLogEntry>,
    /// The same person's alarms before this one, newest first (at most ten).
    pub earlier: Vec<Alarm>,
}

impl AlarmCard {
    /// The contact ladder of an alarm: the person (by their own phone, else the one-key
    /// line, else the number it came from), the registered family contact, then the rungs
    /// the coordinator names as they call.
    pub fn ladder(
        alarm: &Alarm,
        caller: Option<&str>,
        person: Option<&crate::ElderlyDetail>,
    ) -> Vec<LadderContact> {
        let callable = alarm.kind.may_call_back();
        let mut ladder = vec![LadderContact {
            rung: ContactRung::Person,
            name: person
                .map(|p| p.summary.name.clone())
                .or_else(|| alarm.elderly_name.clone())
                .unwrap_or_default(),
            phone: person
                .and_then(|p| p.phone.clone().or_else(|| p.summary.onekey_phone.clone()))
                .or_else(|| caller.map(str::to_string)),
            callable,
        }];
        if let Some(p) = person {
            ladder.push(LadderContact {
                rung: ContactRung::Family,
                name: format!("{}（{}）", p.contact_name, p.contact_relation),
                phone: Some(p.contact_phone.clone()),
                callable: true,
            });
        } else {
            ladder.push(LadderContact {
                rung: ContactRung::Family,
                name: String::new(),
                phone: None,
                callable: true,
            });
        }
        for rung in [
            ContactRung::Liaison,
            ContactRung::Doctor,
            ContactRung::Neighbour,
        ] {
            ladder.push(LadderContact {
                rung,
                name: String::new(),
                phone: None,
                callable: true,
            });
        }
        ladder
    }
}

/// A coordinator an alarm can be handed over to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmHolder {
    pub username: String,
    pub display_name: String,
}

/// Why a step is not possible on an alarm as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AlarmRefusal {
    /// Someone holds it already (acknowledge), or it is not theirs to work.
    HeldBy { holder: String },
    /// Acknowledge it first.
    NotAcknowledged,
    /// It is closed.
    Closed,
    /// A silent alarm's person is never called back (E6): someone may be listening.
    Silent,
}

impl AlarmRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AlarmRefusal::HeldBy { holder }, Lang::Zh) => format!("该报警由 {holder} 处理中"),
            (AlarmRefusal::HeldBy { holder }, Lang::En) => {
                format!("{holder} is working this alarm")
            }
            (AlarmRefusal::NotAcknowledged, Lang::Zh) => "请先接警".into(),
            (AlarmRefusal::NotAcknowledged, Lang::En) => "Acknowledge the alarm first".into(),
            (AlarmRefusal::Closed, Lang::Zh) => "该报警已关闭".into(),
            (AlarmRefusal::Closed, Lang::En) => "The alarm is closed".into(),
            (AlarmRefusal::Silent, Lang::Zh) => "静默报警不回拨老人本人，请联系家属或社区".into(),
            (AlarmRefusal::Silent, Lang::En) => {
                "A silent alarm's person is never called back: call the family or the community"
                    .into()
            }
        }
    }
}

impl Alarm {
    /// Whether `user` (by user name; `lead`: may take over any alarm) may take this step
    /// now, and the status it leads to.
    pub fn check(
        &self,
        username: &str,
        lead: bool,
        action: &AlarmAction,
    ) -> Result<AlarmStatus, AlarmRefusal> {
        use AlarmStatus as S;
        if self.status == S::Closed {
            return Err(AlarmRefusal::Closed);
        }
        if let AlarmAction::Acknowledge = action {
            return match &self.holder {
                None => Ok(S::Acknowledged),
                Some(h) => Err(AlarmRefusal::HeldBy { holder: h.clone() }),
            };
        }
        match &self.holder {
            None => return Err(AlarmRefusal::NotAcknowledged),
            Some(h) if h != username && !lead => {
                return Err(AlarmRefusal::HeldBy { holder: h.clone() })
            }
            Some(_) => {}
        }
        if let AlarmAction::Contact {
            rung: ContactRung::Person,
            ..
        } = action
        {
            if !self.kind.may_call_back() {
                return Err(AlarmRefusal::Silent);
            }
        }
        Ok(match action {
            AlarmAction::OnSite { .. } => S::OnSite,
            AlarmAction::Close { .. } => S::Closed,
            _ => self.status,
        })
    }
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

    fn alarm(kind: AlarmKind, status: AlarmStatus, holder: Option<&str>) -> Alarm {
        Alarm {
            id: 1,
            delivery_id: "d".into(),
            kind,
            status,
            caller: None,
            device_id: None,
            elderly_id: None,
            elderly_name: None,
            district_name: None,
            position: None,
            tracking_number: "20261206000001".into(),
            raised_at: DateTime::default(),
            received_at: DateTime::default(),
            holder: holder.map(str::to_string),
            acknowledged_at: None,
            on_site_at: None,
            closed_at: None,
        }
    }

    #[test]
    fn an_alarm_has_one_holder_who_works_it_to_a_close() {
        use AlarmStatus as S;
        let open = alarm(AlarmKind::Fall, S::Open, None);
        assert_eq!(
            open.check("liu", false, &AlarmAction::Acknowledge),
            Ok(S::Acknowledged)
        );
        let close = AlarmAction::Close {
            disposition: Disposition::ByPhone,
            note: None,
        };
        assert_eq!(
            open.check("liu", false, &close),
            Err(AlarmRefusal::NotAcknowledged)
        );
        let held = alarm(AlarmKind::Fall, S::Acknowledged, Some("liu"));
        assert_eq!(
            held.check("wang", false, &AlarmAction::Acknowledge),
            Err(AlarmRefusal::HeldBy {
                holder: "liu".into()
            })
        );
        assert_eq!(
            held.check("wang", false, &close),
            Err(AlarmRefusal::HeldBy {
                holder: "liu".into()
            })
        );
        // A lead may step in.
        assert_eq!(held.check("chen", true, &close), Ok(S::Closed));
        assert_eq!(
            held.check("liu", false, &AlarmAction::OnSite { note: None }),
            Ok(S::OnSite)
        );
        let call = |rung| AlarmAction::Contact {
            rung,
            name: "李明".into(),
            outcome: ContactOutcome::Reached,
            note: None,
        };
        assert_eq!(
            held.check("liu", false, &call(ContactRung::Person)),
            Ok(S::Acknowledged)
        );
        let closed = alarm(AlarmKind::Fall, S::Closed, Some("liu"));
        assert_eq!(
            closed.check("liu", false, &close),
            Err(AlarmRefusal::Closed)
        );
        let silent = alarm(AlarmKind::Silent, S::Acknowledged, Some("liu"));
        assert_eq!(
            silent.check("liu", false, &call(ContactRung::Person)),
            Err(AlarmRefusal::Silent)
        );
        assert_eq!(
            silent.check("liu", false, &call(ContactRung::Family)),
            Ok(S::Acknowledged)
        );
    }

    #[test]
    fn steps_are_checked_by_field() {
        let step = |json: &str| {
            serde_json::from_str::<AlarmActionInput>(json)
                .unwrap()
                .validate()
        };
        assert_eq!(
            step(r#"{"action":"acknowledge"}"#),
            Ok(AlarmAction::Acknowledge)
        );
        assert_eq!(
            step(r#"{"action":"contact","rung":"family","name":"李明","outcome":"no_answer"}"#),
            Ok(AlarmAction::Contact {
                rung: ContactRung::Family,
                name: "李明".into(),
                outcome: ContactOutcome::NoAnswer,
                note: None
            })
        );
        let bad = step(r#"{"action":"contact","rung":"cousin","outcome":""}"#).unwrap_err();
        assert_eq!(bad.0.get("rung"), Some(&Problem::Unknown));
        assert_eq!(bad.0.get("outcome"), Some(&Problem::Required));
        assert_eq!(bad.0.get("name"), Some(&Problem::Required));
        let bad = step(r#"{"action":"close","disposition":"gone"}"#).unwrap_err();
        assert_eq!(bad.0.get("disposition"), Some(&Problem::Unknown));
        let bad = step(r#"{"action":"escalate","service":"999"}"#).unwrap_err();
        assert_eq!(bad.0.get("service"), Some(&Problem::Unknown));
        let bad = step(r#"{"action":"fly"}"#).unwrap_err();
        assert_eq!(bad.0.get("action"), Some(&Problem::Unknown));
        let long = format!(r#"{{"action":"on_site","note":"{}"}}"#, "很".repeat(501));
        assert_eq!(
            step(&long).unwrap_err().0.get("note"),
            Some(&Problem::TooLong { max: 500 })
        );
        assert_eq!(
            step(r#"{"action":"escalate","service":"120","note":"呼吸困难"}"#)
                .unwrap()
                .log_note()
                .as_deref(),
            Some("120 急救：呼吸困难")
        );
    }

    #[test]
    fn figures_count_answers_within_a_minute_and_three() {
        let t0: DateTime<Utc> = "2026-12-06T02:00:00Z".parse().unwrap();
        let timing = |ack: Option<i64>, on_site: Option<i64>| AlarmTiming {
            received_at: t0,
            acknowledged_at: ack.map(|s| t0 + chrono::Duration::seconds(s)),
            on_site_at: on_site.map(|s| t0 + chrono::Duration::seconds(s)),
            acknowledged_by: Some("liu".into()),
        };
        let all = [
            timing(Some(10), None),
            timing(Some(30), Some(1200)),
            timing(Some(60), None),
            timing(Some(120), Some(2400)),
            timing(None, None),
        ];
        let refs: Vec<&AlarmTiming> = all.iter().collect();
        let f = AlarmFigures::of("all", &refs);
        assert_eq!((f.alarms, f.acknowledged), (5, 4));
        assert_eq!(f.within_60s, 0.6);
        assert_eq!(f.within_180s, 0.8);
        assert_eq!((f.ack_p50_s, f.ack_p90_s), (Some(30), Some(120)));
        assert_eq!((f.on_site_p50_s, f.on_site_p90_s), (Some(1200), Some(2400)));
        let none = AlarmFigures::of("2026-12-07", &[]);
        assert_eq!(
            (none.alarms, none.within_60s, none.ack_p50_s),
            (0, 0.0, None)
        );
    }

    #[test]
    fn a_silent_alarm_is_never_called_back_first() {
        assert!(!AlarmKind::Silent.may_call_back());
        assert!(AlarmKind::Fall.may_call_back());
        assert_eq!(AlarmKind::LowBattery.category_code(), "030103");
        assert_eq!(AlarmKind::Smoke.category_code(), "030101");
    }
}
