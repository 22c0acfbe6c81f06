//! Calls (SPEC I3, A1, R4): events from the telephone system's webhook, and the caller
//! card an agent's screen pops when a call rings for them.

use hotline_domain::{
    mask_phone, AgentState, AgentStatus, Badge, CallEventInput, CallEventKind, CallerCard,
    CaseFilter, ClientMark, Lang, MissedCall, Permission, StaffUser,
};

use crate::store::CaseScope;
use crate::{Event, Hotline, ServiceError};

/// How many earlier cases the caller card lists.
pub const HISTORY_MAX: u32 = 20;
/// How often an open desk says it is there.
pub const PRESENCE_HEARTBEAT_SECONDS: u64 = 30;
/// An agent not heard from for this long is offline (three heartbeats missed).
pub const PRESENCE_SECONDS: i64 = 90;

impl Hotline {
    /// Stores one verified webhook event (the HTTP layer checked its signature) and applies
    /// it to its call. `Ok(false)` for an event id seen before: nothing changes and no
    /// screen pops twice. A ringing call offered to an agent pops their caller card.
    pub async fn telephony_event(
        &self,
        input: &CallEventInput,
        payload: &str,
    ) -> Result<bool, ServiceError> {
        let event = input.validate()?;
        let fresh = self
            .store
            .record_call_event(&event, payload, self.now())
            .await?;
        if !fresh {
            return Ok(false);
        }
        let now = self.now();
        match (event.kind, &event.agent) {
            (CallEventKind::Ringing, Some(agent)) => {
                self.events
                    .publish(Event::IncomingCall {
                        agent: agent.clone(),
                        call_id: event.call_id.clone(),
                    })
                    .await;
            }
            // On a call: busy; the call over: idle again (unless they went away).
            (CallEventKind::Answered, Some(agent)) => {
                self.store
                    .set_agent_status(agent, AgentStatus::Busy, now)
                    .await?;
            }
            (CallEventKind::Ended, Some(agent)) => {
                let busy = self
                    .store
                    .agent_states()
                    .await?
                    .iter()
                    .any(|s| s.username == *agent && s.status == AgentStatus::Busy);
                if busy {
                    self.store
                        .set_agent_status(agent, AgentStatus::Idle, now)
                        .await?;
                }
            }
            _ => {}
        }
        if event.kind == CallEventKind::Missed {
            // In turn to the idle agents; with none idle it waits for a lead.
            let seen_since = now - chrono::Duration::seconds(PRESENCE_SECONDS);
            if let Some(agent) = self
                .store
                .assign_missed_call(&event.call_id, now, seen_since)
                .await?
            {
                self.events
                    .publish(Event::MissedCall {
                        agent,
                        call_id: event.call_id.clone(),
                    })
                    .await;
            }
        }
        Ok(true)
    }

    /// The caller card of a call: for the agent it was offered to, or a lead.
    pub async fn caller_card(
        &self,
        user: &StaffUser,
        call_id: &str,
    ) -> Result<CallerCard, ServiceError> {
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let call = self
            .store
            .call(call_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if call.agent.as_deref() != Some(user.username.as_str()) && !user.can(Permission::Approve) {
            return Err(ServiceError::NotFound);
        }
        let mut card = CallerCard {
            call_id: call.call_id.clone(),
            phone: call.caller.as_deref().map(mask_phone),
            name: None,
            badges: Vec::new(),
            note: None,
            elderly_id: None,
            history: Vec::new(),
            rang_at: call.started_at,
        };
        let Some(phone) = call.caller else {
            return Ok(card);
        };
        let elderly = self.store.elderly_by_phone(&phone).await?;
        if let Some((id, _)) = elderly.first() {
            card.badges.push(Badge::Elderly);
            card.elderly_id = Some(*id);
        }
        if elderly.iter().any(|(_, one_key)| *one_key) {
            card.badges.push(Badge::OneKey);
        }
        if let Some(client) = self.store.client(&phone).await? {
            // The card shows each mark with why it was given, then the agents' note.
            let mut lines = Vec::new();
            for (mark, reason) in client.marks.given() {
                card.badges.push(match mark {
                    ClientMark::Vip => Badge::Vip,
                    ClientMark::Important => Badge::Important,
                    ClientMark::Blacklist => Badge::Blacklist,
                });
                if !reason.is_empty() {
                    lines.push(format!("{}：{reason}", mark.label(Lang::Zh)));
                }
            }
            lines.extend(client.note);
            card.name = client.name;
            card.note = (!lines.is_empty()).then(|| lines.join("；"));
        }
        let filter = CaseFilter {
            phone: Some(phone),
            ..CaseFilter::default()
        };
        let clock = self.filter_clock();
        let mut history = self
            .store
            .cases(
                CaseScope::All,
                &filter,
                clock,
                &hotline_domain::CaseWindow::first(HISTORY_MAX),
            )
            .await?;
        self.present_list(&mut history);
        if card.name.is_none() {
            card.name = history.iter().find_map(|c| c.contact_name.clone());
        }
        card.history = history;
        Ok(card)
    }

    /// An agent sets their own status (A4).
    pub async fn set_my_status(
        &self,
        user: &StaffUser,
        status: AgentStatus,
    ) -> Result<(), ServiceError> {
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let now = self.now();
        self.store
            .set_agent_status(&user.username, status, now)
            .await?;
        // Setting a status is done at the desk: the agent is there.
        Ok(self.store.agent_seen(&user.username, now).await?)
    }

    /// The agent's desk is open (its event stream calls this every
    /// [`PRESENCE_HEARTBEAT_SECONDS`]); a no-op for anyone who takes no calls.
    pub async fn agent_present(&self, user: &StaffUser) -> Result<(), ServiceError> {
        if user.can(Permission::Intake) {
            self.store.agent_seen(&user.username, self.now()).await?;
        }
        Ok(())
    }

    /// The agent's own status, if they set one.
    pub async fn my_status(&self, user: &StaffUser) -> Result<Option<AgentStatus>, ServiceError> {
        Ok(self
            .store
            .agent_states()
            .await?
            .into_iter()
            .find(|s| s.username == user.username)
            .map(|s| s.status))
    }

    /// Every agent's status (leads).
    pub async fn agent_states(&self, user: &StaffUser) -> Result<Vec<AgentState>, ServiceError> {
        if !user.can(Permission::Approve) {
            return Err(ServiceError::Forbidden);
        }
        let online_since = self.now() - chrono::Duration::seconds(PRESENCE_SECONDS);
        let mut states = self.store.agent_states().await?;
        for s in &mut states {
            s.online = s.seen_at.is_some_and(|t| t >= online_since);
        }
        Ok(states)
    }

    /// Missed calls to call back: an agent's own, or every open one for a lead.
    pub async fn missed_calls(&self, user: &StaffUser) -> Result<Vec<MissedCall>, ServiceError> {
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let own = (!user.can(Permission::Approve)).then_some(user.username.as_str());
        let mut list = self.store.missed_calls(own).await?;
        for call in &mut list {
            call.phone = call.phone.as_deref().map(mask_phone);
        }
        Ok(list)
    }

    /// A lead gives a missed call to an agent.
    pub async fn reassign_missed_call(
        &self,
        user: &StaffUser,
        call_id: &str,
        agent: &str,
    ) -> Result<(), ServiceError> {
        if !user.can(Permission::Approve) {
            return Err(ServiceError::Forbidden);
        }
        let record = self
            .store
            .users()
            .await?
            .into_iter()
            .find(|u| u.username == agent && u.active);
        let known = match record {
            Some(r) => self
                .store
                .staff_user(r.id)
                .await?
                .is_some_and(|s| s.can(Permission::Intake)),
            None => false,
        };
        if !known {
            let mut errors = hotline_domain::FieldErrors::new();
            errors.add("agent", hotline_domain::Problem::Unknown);
            return Err(ServiceError::Invalid(errors));
        }
        if !self
            .store
            .reassign_missed_call(call_id, agent, self.now())
            .await?
        {
            return Err(ServiceError::NotFound);
        }
        self.events
            .publish(Event::MissedCall {
                agent: agent.to_string(),
                call_id: call_id.to_string(),
            })
            .await;
        Ok(())
    }

    /// The agent (or a lead) called the missed caller back.
    pub async fn close_missed_call(
        &self,
        user: &StaffUser,
        call_id: &str,
    ) -> Result<(), ServiceError> {
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let own = (!user.can(Permission::Approve)).then_some(user.username.as_str());
        if self
            .store
            .close_missed_call(call_id, &user.actor(), own, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }
}

/// What an agent types while on the line (SPEC A2): one form for every case type.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CallIntake {
    /// `A`…`J`.
    pub case_type: String,
    pub category: String,
    pub content: String,
    pub contact_name: String,
    /// Only for a withheld number: the number the caller gives for the callback.
    pub phone: String,
    pub district: String,
    pub address: String,
    /// A consultation (`A`) is answered and closed at once with this reply.
    pub reply: String,
    /// An earlier case about the same matter (W8), e.g. from the caller's history.
    pub link_to: String,
    /// `normal` or `urgent` (W9); empty: as the category says.
    pub priority: String,
}

impl Hotline {
    /// Registers the call as a case (SPEC A2): filed on the phone channel with the caller's
    /// number from the telephone system, accepted and classified by the agent; a
    /// consultation with a reply is answered and closed in the same step. Everything is
    /// checked before anything is written.
    pub async fn register_call(
        &self,
        user: &StaffUser,
        call_id: &str,
        intake: &CallIntake,
        origin: &crate::Origin,
    ) -> Result<hotline_domain::TrackingNumber, ServiceError> {
        use hotline_domain::{CaseAction, CaseType, Channel, FieldErrors, Problem};
        if !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let call = self
            .store
            .call(call_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if call.agent.as_deref() != Some(user.username.as_str()) && !user.can(Permission::Approve) {
            return Err(ServiceError::NotFound);
        }
        let mut errors = FieldErrors::new();
        let case_type = match intake.case_type.trim() {
            "" => {
                errors.add("case_type", Problem::Required);
                None
            }
            code => {
                let t = CaseType::from_code(code);
                if t.is_none() {
                    errors.add("case_type", Problem::Unknown);
                }
                t
            }
        };
        let priority = match intake.priority.trim() {
            "" => None,
            code => {
                let p = hotline_domain::Priority::from_code(code);
                if p.is_none() {
                    errors.add("priority", Problem::Unknown);
                }
                p
            }
        };
        let reply = intake.reply.trim();
        let answer = case_type == Some(CaseType::Consultation) && !reply.is_empty();
        let request = hotline_domain::NewRequestInput {
            category: intake.category.clone(),
            content: intake.content.clone(),
            contact_name: intake.contact_name.clone(),
            phone: call.caller.clone().unwrap_or_else(|| intake.phone.clone()),
            district: intake.district.clone(),
            address: intake.address.clone(),
            anonymous: false,
            ..Default::default()
        };
        if let Err(more) = request.validate() {
            for (field, problem) in more.0 {
                errors.add(&field, problem);
            }
        }
        if reply.chars().count() > 2_000 {
            errors.add("reply", Problem::TooLong { max: 2_000 });
        }
        let link_to = match intake.link_to.trim() {
            "" => None,
            raw => match hotline_domain::TrackingNumber::parse(raw) {
                None => {
                    errors.add("link_to", Problem::BadTrackingNumber);
                    None
                }
                Some(n) => {
                    if self.store.request(&n).await?.is_none() {
                        errors.add("link_to", Problem::Unknown);
                    }
                    Some(n)
                }
            },
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let filed = self.file_request(&request, Channel::Phone, origin).await?;
        let number = filed.tracking_number.to_string();
        self.store
            .attach_call(call_id, &filed.tracking_number)
            .await?;
        self.act(user, &number, &CaseAction::Accept, origin).await?;
        self.act(
            user,
            &number,
            &CaseAction::Classify {
                case_type: case_type.expect("checked"),
                category_code: intake.category.trim().to_string(),
                remind_at: None,
                priority,
            },
            origin,
        )
        .await?;
        if answer {
            self.act(
                user,
                &number,
                &CaseAction::Answer {
                    reply: reply.to_string(),
                },
                origin,
            )
            .await?;
        }
        if let Some(other) = link_to {
            self.link_cases(
                user,
                &number,
                &hotline_domain::LinkInput {
                    other: other.to_string(),
                    note: String::new(),
                },
                origin,
            )
            .await?;
        }
        Ok(filed.tracking_number)
    }
}
