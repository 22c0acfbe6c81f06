//! The reminder worker (SPEC W6): reminders stored with each step fire when due, are
//! judged against the case as it is then, and repeat until what they chase is done.

use chrono::{DateTime, Utc};
use hotline_domain::ReminderKind;

use crate::flow::{local, SMS_SIGNATURE};
use crate::store::{DueReminder, NewNotification};
use crate::{Event, Hotline, ServiceError};

impl Hotline {
    /// One pass of the reminder worker: every reminder whose time has come is checked
    /// against the case as it is now, then closed (answered), moved (the deadline moved)
    /// or sent and scheduled again. Returns how many were sent.
    pub async fn process_reminders(&self) -> Result<usize, ServiceError> {
        let now = self.now();
        let mut sent = 0;
        for r in self.store.due_reminders(now, 500).await? {
            match self.process_reminder(&r, now).await {
                Ok(true) => sent += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!(reminder = r.id, error = %e, "reminder failed"),
            }
        }
        Ok(sent)
    }

    async fn process_reminder(
        &self,
        r: &DueReminder,
        now: DateTime<Utc>,
    ) -> Result<bool, ServiceError> {
        let Some(case) = self.store.stored_case_by_id(r.case_id).await? else {
            self.store.close_reminder(r.id, now).await?;
            return Ok(false);
        };
        let index = r
            .assignment_id
            .and_then(|id| case.flow.assignments.iter().position(|a| a.id == Some(id)));
        let plan = case.flow.reminder_plan;
        match case.flow.reminder_due(r.kind, index) {
            None => {
                self.store.close_reminder(r.id, now).await?;
                Ok(false)
            }
            Some(due) if due >= now => {
                self.store.move_reminder(r, due).await?;
                Ok(false)
            }
            // Past the end the agent set: nothing more goes out.
            Some(_) if plan.and_then(|p| p.until).is_some_and(|u| u < now) => {
                self.store.close_reminder(r.id, now).await?;
                Ok(false)
            }
            Some(_) => {
                let number = &case.tracking_number;
                let round = r.attempts + 1;
                let mut sms = Vec::new();
                let mut notes = Vec::new();
                let assignee = index.map(|i| case.flow.assignments[i].assignee);
                match (r.kind, assignee) {
                    (ReminderKind::Confirm, Some(a)) => {
                        let text = format!(
                            "{SMS_SIGNATURE}督办（第{round}次）：派单{number}已超过确认时限，请立即确认。"
                        );
                        self.to_assignee(a, "reminder_confirm", &text, &mut sms, &mut notes)
                            .await?;
                    }
                    (ReminderKind::Feedback, Some(a)) => {
                        let due = case.flow.assignments[index.expect("assignee")].due_at;
                        let text = format!(
                            "{SMS_SIGNATURE}督办（第{round}次）：案件{number}已超过办结时限（{}），请尽快办结反馈。",
                            local(due, "%m月%d日 %H:%M")
                        );
                        self.to_assignee(a, "reminder_feedback", &text, &mut sms, &mut notes)
                            .await?;
                    }
                    (ReminderKind::Callback, _) => notes.push(NewNotification {
                        department_id: None,
                        vendor_id: None,
                        user_id: None,
                        kind: "reminder_callback".into(),
                        message: format!("案件{number}已超过回访时限，请回访（第{round}次提醒）"),
                    }),
                    // The agent who owns the pending matter, not every agent (the centre's
                    // list when no owner is known, as for the demo's cases).
                    (ReminderKind::Pending, _) => notes.push(NewNotification {
                        department_id: None,
                        vendor_id: None,
                        user_id: r.user_id,
                        kind: "reminder_pending".into(),
                        message: match case.flow.case_type {
                            Some(hotline_domain::CaseType::Consultation) => {
                                format!("咨询{number}已到专家答复时限，请答复来电人")
                            }
                            _ => format!("待办事务{number}已到提醒时间"),
                        },
                    }),
                    (_, None) => {
                        self.store.close_reminder(r.id, now).await?;
                        return Ok(false);
                    }
                }
                // In-app only, if the agent said so.
                if plan.is_some_and(|p| !p.sms) {
                    sms.clear();
                }
                let priority = case.flow.priority;
                // Nobody answered: the shift lead hears of it at the policy's round (the
                // first for an urgent case), in-app (with sound) and by SMS to the duty
                // phone; after the last round the reminder stops, the lead has it.
                let round = i64::from(round);
                if round == self.flow.escalate_at_round(priority) {
                    let urgent = match priority {
                        hotline_domain::Priority::Urgent => "紧急件",
                        hotline_domain::Priority::Normal => "案件",
                    };
                    let text = format!(
                        "{SMS_SIGNATURE}升级督办：{urgent}{number}{}已督办{round}次仍未处理，请值班长跟进。",
                        r.kind.label(hotline_domain::Lang::Zh)
                    );
                    notes.push(NewNotification {
                        department_id: None,
                        vendor_id: None,
                        user_id: None,
                        kind: "escalation".into(),
                        message: text.clone(),
                    });
                    if let Some(phone) = &self.duty_phone {
                        sms.push(crate::store::NewSms {
                            to_phone: phone.clone(),
                            recipient: "duty_lead".into(),
                            body: text,
                            purpose: "escalation".into(),
                        });
                    }
                }
                let every = plan.map_or(self.flow.reminder_repeat_for(priority), |p| p.interval());
                let next = Some(now + every)
                    .filter(|_| round < self.flow.reminder_max_rounds)
                    .filter(|next| plan.and_then(|p| p.until).is_none_or(|u| *next <= u));
                let fired = self.store.fire_reminder(r, next, now, &sms, &notes).await?;
                if fired {
                    tracing::info!(case = %number, kind = r.kind.as_code(), round, "reminder sent");
                    for n in &notes {
                        self.events.publish(Event::notice(n, Some(number))).await;
                    }
                }
                Ok(fired)
            }
        }
    }
}
