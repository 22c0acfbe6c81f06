//! One-key emergency alarms (SPEC E1–E6): a registered elderly person presses the button,
//! the alarm gateway posts it (signed; the HTTP layer checks), and it is stored with the
//! type-C case it is recorded as before anyone is answered. Consoles hear of it on the
//! event bus and can read every step from the durable alarm log (`alarm_events_after`).

use hotline_domain::{
    Alarm, AlarmAction, AlarmActionInput, AlarmCard, AlarmHolder, AlarmInput, AlarmLogEntry,
    FieldErrors, Permission, Problem, StaffUser,
};

use crate::audit::{NewAuditEntry, Origin};
use crate::scope::require;
use crate::store::{AlarmDelivery, AlarmStepWrite};
use crate::{Event, Hotline, ServiceError};

/// What storing a delivery did: the alarm, and whether this delivery created it.
#[derive(Debug, Clone)]
pub struct AlarmReceipt {
    pub alarm: Alarm,
    /// `false` when the delivery id was seen before (a retry): nothing was written.
    pub fresh: bool,
}

pub use hotline_domain::AlarmReport;

/// The most alarm events one read returns (a console catching up reads again).
pub const EVENTS_MAX: u32 = 500;

impl Hotline {
    /// Stores one verified gateway delivery. Committed before it returns, so an answer to
    /// the gateway means the alarm is durable; a retry of the same delivery id returns the
    /// same alarm and writes nothing. A number nobody registered is stored as an
    /// unregistered caller, never dropped.
    pub async fn receive_alarm(
        &self,
        input: &AlarmInput,
        payload: &str,
    ) -> Result<AlarmReceipt, ServiceError> {
        let alarm = input.validate()?;
        let now = self.now();
        let received = self
            .store
            .receive_alarm(&AlarmDelivery {
                alarm,
                payload: payload.to_string(),
                received_at: now,
                local_date: crate::clock::local_date_of(now),
            })
            .await?;
        if let Some(event) = &received.event {
            tracing::warn!(
                alarm = received.alarm.id,
                kind = received.alarm.kind.as_code(),
                registered = received.alarm.elderly_id.is_some(),
                tracking_number = %received.alarm.tracking_number,
                "one-key alarm received"
            );
            self.events.publish(Event::alarm(event)).await;
        }
        Ok(AlarmReceipt {
            alarm: received.alarm,
            fresh: received.fresh,
        })
    }

    /// Alarms not closed, waiting first then oldest first, numbers masked.
    pub async fn open_alarms(&self, user: &StaffUser) -> Result<Vec<Alarm>, ServiceError> {
        require(user, Permission::Alarms)?;
        let mut alarms = self.store.open_alarms().await?;
        for alarm in &mut alarms {
            mask(alarm);
        }
        Ok(alarms)
    }

    /// One step on an alarm by a coordinator (or a lead, who may step in on any): checked
    /// against the alarm as it stands, written only if nobody changed it meanwhile
    /// (`Conflict`: read it again), announced to every console. Closing it also handles its
    /// type-C case in the centre, which schedules the follow-up call (E4).
    pub async fn alarm_act(
        &self,
        user: &StaffUser,
        alarm_id: i64,
        input: &AlarmActionInput,
        origin: &Origin,
    ) -> Result<Alarm, ServiceError> {
        require(user, Permission::Alarms)?;
        let action = input.validate()?;
        if let AlarmAction::HandOver { to } = &action {
            self.check_alarm_holder(to).await?;
        }
        let alarm = self.stored_alarm(alarm_id).await?;
        let status = alarm
            .check(&user.username, user.can(Permission::Approve), &action)
            .map_err(ServiceError::AlarmRefused)?;
        let holder = match &action {
            AlarmAction::Acknowledge => Some(user.username.clone()),
            AlarmAction::HandOver { to } => Some(to.clone()),
            _ => alarm.holder.clone(),
        };
        let disposition = match &action {
            AlarmAction::Close { disposition, .. } => Some(disposition.as_code().to_string()),
            _ => None,
        };
        let now = self.now();
        let written = self
            .store
            .alarm_step(&AlarmStepWrite {
                alarm_id,
                seen_status: alarm.status,
                seen_holder: alarm.holder.clone(),
                status,
                holder,
                disposition,
                at: now,
                kind: action.kind().to_string(),
                note: action.log_note(),
                audit: NewAuditEntry {
                    at: now,
                    origin: origin.clone(),
                    action: format!("alarm_{}", action.kind()),
                    object_type: "alarm".into(),
                    object_id: alarm_id.to_string(),
                    before: Some(
                        serde_json::json!({
                            "status": alarm.status.as_code(), "holder": alarm.holder,
                        })
                        .to_string(),
                    ),
                    after: Some(
                        serde_json::json!({ "status": status.as_code(), "action": action })
                            .to_string(),
                    ),
                },
            })
            .await?
            .ok_or(ServiceError::Conflict)?;
        self.events.publish(Event::alarm(&written)).await;
        if let AlarmAction::Close { disposition, note } = &action {
            // The alarm desk handles its own case: the coordinator acts for the centre on
            // this one step (their role has no case desk otherwise).
            let desk = StaffUser {
                permissions: vec![Permission::Intake, Permission::CasesAll],
                ..user.clone()
            };
            let result = match note {
                Some(n) => format!("{}：{n}", disposition.label(hotline_domain::Lang::Zh)),
                None => disposition.label(hotline_domain::Lang::Zh).to_string(),
            };
            if let Err(e) = self
                .act(
                    &desk,
                    &alarm.tracking_number,
                    &hotline_domain::CaseAction::HandleInCentre { result },
                    origin,
                )
                .await
            {
                // The alarm is closed either way; the case waits on the desk for a person.
                tracing::error!(alarm = alarm_id, error = %e, "the closed alarm's case was not handled");
            }
        }
        let mut alarm = self.stored_alarm(alarm_id).await?;
        mask(&mut alarm);
        Ok(alarm)
    }

    /// A hand-over goes to an active account that answers alarms.
    async fn check_alarm_holder(&self, username: &str) -> Result<(), ServiceError> {
        let refuse = || {
            let mut errors = FieldErrors::new();
            errors.add("to", Problem::Unknown);
            ServiceError::Invalid(errors)
        };
        let record = self
            .store
            .users()
            .await?
            .into_iter()
            .find(|u| u.username == username && u.active)
            .ok_or_else(refuse)?;
        let staff = self.store.staff_user(record.id).await?.ok_or_else(refuse)?;
        if !staff.can(Permission::Alarms) {
            return Err(refuse());
        }
        Ok(())
    }

    /// Records that these alarms are on `user`'s console: the first console to list an
    /// alarm writes its `shown` step (the timeline's second), announced to every console.
    /// At most 100 ids at a time; the rest are left for the next call.
    pub async fn alarms_shown(&self, user: &StaffUser, ids: &[i64]) -> Result<(), ServiceError> {
        require(user, Permission::Alarms)?;
        let now = self.now();
        for &id in ids.iter().take(100) {
            if let Some(event) = self.store.alarm_shown(id, &user.actor(), now).await? {
                self.events.publish(Event::alarm(&event)).await;
            }
        }
        Ok(())
    }

    /// The alarm card (E3): the alarm, the number it came from in full, the registered
    /// person's record with health notes and medicines (an audited look), the contact
    /// ladder, the timeline and the person's earlier alarms.
    pub async fn alarm_card(
        &self,
        user: &StaffUser,
        alarm_id: i64,
        origin: &Origin,
    ) -> Result<AlarmCard, ServiceError> {
        require(user, Permission::Alarms)?;
        let mut alarm = self.stored_alarm(alarm_id).await?;
        let caller = alarm.caller.clone();
        mask(&mut alarm);
        // Whoever works an alarm sees the person's record with health notes, medicines and
        // every number to call (an ambulance asks for them), whether or not their role reads
        // the registry otherwise; the full ID number only with the ID permission. The look
        // is audited against the person, naming the alarm.
        let person = match alarm.elderly_id {
            Some(elderly_id) => match self.store.elderly(elderly_id).await? {
                Some(mut detail) => {
                    let full_id = user.can(Permission::IdReveal);
                    if !full_id {
                        detail.summary.id_number =
                            hotline_domain::mask_id_number(&detail.summary.id_number);
                    }
                    detail.health_shown = true;
                    detail.id_revealed = full_id;
                    self.store
                        .append_audit(&self.audit_entry(
                            origin,
                            "view_for_alarm",
                            "elderly",
                            &elderly_id.to_string(),
                            None,
                            Some(serde_json::json!({ "alarm_id": alarm_id }).to_string()),
                        ))
                        .await?;
                    Some(detail)
                }
                None => None,
            },
            None => None,
        };
        if caller.is_some() && person.is_none() {
            // The full number of an unregistered caller is a look at personal data too.
            self.store
                .append_audit(&self.audit_entry(
                    origin,
                    "view_caller",
                    "alarm",
                    &alarm_id.to_string(),
                    None,
                    None,
                ))
                .await?;
        }
        let earlier = match alarm.elderly_id {
            Some(id) => {
                let mut earlier = self.store.alarms_of_person(id, alarm_id, 10).await?;
                earlier.iter_mut().for_each(mask);
                earlier
            }
            None => Vec::new(),
        };
        let ladder = AlarmCard::ladder(&alarm, caller.as_deref(), person.as_ref());
        Ok(AlarmCard {
            timeline: self.store.alarm_events_of(alarm_id).await?,
            alarm,
            caller,
            person,
            ladder,
            earlier,
        })
    }

    /// The coordinators an alarm can be handed over to: active accounts whose role works
    /// alarms.
    pub async fn alarm_holders(&self, user: &StaffUser) -> Result<Vec<AlarmHolder>, ServiceError> {
        require(user, Permission::Alarms)?;
        let mut holders = Vec::new();
        for record in self.store.users().await?.into_iter().filter(|u| u.active) {
            if let Some(staff) = self.store.staff_user(record.id).await? {
                if staff.can(Permission::Alarms) {
                    holders.push(AlarmHolder {
                        username: record.username,
                        display_name: record.display_name,
                    });
                }
            }
        }
        Ok(holders)
    }

    /// One alarm (caller masked), for its card.
    pub async fn alarm_for(&self, user: &StaffUser, alarm_id: i64) -> Result<Alarm, ServiceError> {
        require(user, Permission::Alarms)?;
        let mut alarm = self.stored_alarm(alarm_id).await?;
        mask(&mut alarm);
        Ok(alarm)
    }

    /// An alarm as stored (caller unmasked), or not found.
    async fn stored_alarm(&self, alarm_id: i64) -> Result<Alarm, ServiceError> {
        self.store
            .alarm(alarm_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// One alarm's log, in order: its timeline.
    pub async fn alarm_timeline(
        &self,
        user: &StaffUser,
        alarm_id: i64,
    ) -> Result<Vec<AlarmLogEntry>, ServiceError> {
        require(user, Permission::Alarms)?;
        Ok(self.store.alarm_events_of(alarm_id).await?)
    }

    /// One pass of the escalation worker (E5): every alarm nobody has acknowledged for the
    /// policy's time is taken to the lead, in-app with the escalation sound and by SMS to
    /// the duty phone, and again at the policy's interval until someone acknowledges it.
    /// Due times come from the alarm rows, so a restart loses none; several instances
    /// send each alert once. Returns how many alerts went out.
    pub async fn process_alarm_escalations(&self) -> Result<usize, ServiceError> {
        let now = self.now();
        let policy = self.alarm_policy;
        let due = self
            .store
            .alarms_to_escalate(now - policy.escalate_after, now - policy.repeat_every)
            .await?;
        let mut sent = 0;
        for (alarm_id, seen) in due {
            let Some(alarm) = self.store.alarm(alarm_id).await? else {
                continue;
            };
            let waited = (now - alarm.received_at).num_seconds();
            let who = alarm.elderly_name.as_deref().unwrap_or("未登记来电");
            let text = format!(
                "{}一键通报警无人接警：{who}（{}）已等待{waited}秒，第{}次提醒，请值班长立即处理。事务号{}",
                crate::flow::SMS_SIGNATURE,
                alarm.kind.label(hotline_domain::Lang::Zh),
                seen + 1,
                alarm.tracking_number,
            );
            let notice = crate::store::NewNotification {
                department_id: None,
                vendor_id: None,
                user_id: None,
                kind: "escalation".into(),
                message: text.clone(),
            };
            let sms: Vec<crate::store::NewSms> = self
                .duty_phone
                .iter()
                .map(|phone| crate::store::NewSms {
                    to_phone: phone.clone(),
                    recipient: "duty_lead".into(),
                    body: text.clone(),
                    purpose: "alarm_escalation".into(),
                })
                .collect();
            let note = format!("第{}次提醒值班长（已等待{waited}秒）", seen + 1);
            let written = self
                .store
                .escalate_alarm(
                    alarm_id,
                    seen,
                    now,
                    &note,
                    &sms,
                    std::slice::from_ref(&notice),
                )
                .await?;
            if let Some(event) = written {
                tracing::warn!(
                    alarm = alarm_id,
                    waited,
                    round = seen + 1,
                    "unacknowledged alarm escalated"
                );
                let number = hotline_domain::TrackingNumber::parse(&alarm.tracking_number);
                self.events
                    .publish(Event::notice(&notice, number.as_ref()))
                    .await;
                self.events.publish(Event::alarm(&event)).await;
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// How fast alarms were answered over the last `days` (1–366): the share acknowledged
    /// within 60 and 180 s, median and 90th percentile times to acknowledge and to a
    /// helper on site; overall, per day (the centre's calendar) and per coordinator.
    pub async fn alarm_report(
        &self,
        user: &StaffUser,
        days: u32,
    ) -> Result<AlarmReport, ServiceError> {
        use hotline_domain::{AlarmFigures, AlarmTiming};
        use std::collections::BTreeMap;
        require(user, Permission::Alarms)?;
        if !(1..=366).contains(&days) {
            return Err(ServiceError::field(
                "days",
                Problem::OutOfRange { min: 1, max: 366 },
            ));
        }
        let now = self.now();
        let today = crate::clock::local_date_of(now);
        let first = today - chrono::Duration::days(i64::from(days) - 1);
        let since = crate::clock::local_midnight(first);
        let timings = self.store.alarm_timings(since).await?;
        let mut by_day: BTreeMap<String, Vec<&AlarmTiming>> = BTreeMap::new();
        let mut by_coordinator: BTreeMap<String, Vec<&AlarmTiming>> = BTreeMap::new();
        for t in &timings {
            by_day
                .entry(crate::clock::local_date_of(t.received_at).to_string())
                .or_default()
                .push(t);
            by_coordinator
                .entry(t.acknowledged_by.clone().unwrap_or_else(|| "-".into()))
                .or_default()
                .push(t);
        }
        let all: Vec<&AlarmTiming> = timings.iter().collect();
        Ok(AlarmReport {
            days,
            overall: AlarmFigures::of("all", &all),
            by_day: by_day.iter().map(|(k, v)| AlarmFigures::of(k, v)).collect(),
            by_coordinator: by_coordinator
                .iter()
                .map(|(k, v)| AlarmFigures::of(k, v))
                .collect(),
        })
    }

    /// The alarm log after `after` (a console's last seen event id), in order.
    pub async fn alarm_events_after(
        &self,
        user: &StaffUser,
        after: i64,
    ) -> Result<Vec<AlarmLogEntry>, ServiceError> {
        require(user, Permission::Alarms)?;
        Ok(self.store.alarm_events_after(after, EVENTS_MAX).await?)
    }
}

/// Screens show the caller's number masked (the full one is on the audited card).
pub(crate) fn mask(alarm: &mut Alarm) {
    alarm.caller = alarm.caller.as_deref().map(hotline_domain::mask_phone);
}
