//! The case life cycle as a service (SPEC W3–W7, N1): applying actions through the state
//! machine in `hotline_domain::flow`, the messages that follow from each step, and where a
//! case may be sent. Reading cases is `cases.rs`, row scope and list filters `scope.rs`,
//! the reminder worker `reminders.rs`.
//!
//! A step is written in one transaction with its history event, reminders, SMS and in-app
//! notices and audit entry, guarded by the case's version: two people acting on the same
//! case at once cannot both win; the second sees the new state and is judged against it.

use chrono::{DateTime, Utc};
use hotline_domain::flow::{apply, FlowContext, Notice, Recipient, Step};
use hotline_domain::{
    Assignee, CaseAction, CaseDetail, CaseStatus, Problem, StaffUser, TrackingNumber,
};

use crate::audit::{NewAuditEntry, Origin};
use crate::scope::{case_scope, in_scope};
use crate::store::{NewNotification, NewSms, StepWrite, StoredCase};
use crate::{Event, Hotline, ServiceError};

/// Sender signature of every SMS (短信签名).
pub const SMS_SIGNATURE: &str = "【咸阳12345】";
/// The confirmation a citizen gets by SMS when a request they filed themselves (on the web
/// or through the API) is stored: the number to track it with.
pub(crate) fn filed_sms(number: &hotline_domain::TrackingNumber) -> String {
    format!(
        "{SMS_SIGNATURE}您的求助已收到，流水号{number}。可凭流水号和联系电话在网站查询办理进度；坐席受理后会再告知您。"
    )
}

/// How many times a step is retried when someone else changed the case meanwhile.
const WRITE_ATTEMPTS: usize = 3;

/// An instant as China local time in `format` (for SMS texts).
pub(crate) fn local(at: DateTime<Utc>, format: &str) -> String {
    hotline_domain::time::to_china(at)
        .format(format)
        .to_string()
}

impl Hotline {
    /// Applies `action` to a case on behalf of `user`, writes the step with its messages,
    /// reminders and audit entry, and returns the case as the user now sees it.
    pub async fn act(
        &self,
        user: &StaffUser,
        tracking_number: &str,
        action: &CaseAction,
        origin: &Origin,
    ) -> Result<CaseDetail, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let codes = self.code_tables_now().await?;
        self.check_references(action, &codes).await?;
        let audited = serde_json::json!(action);
        self.step_case(
            &number,
            origin,
            Some(user.id),
            &audited,
            |case, now, context| {
                if !in_scope(scope, &case.flow) {
                    return Err(ServiceError::NotFound);
                }
                Ok(apply(&case.flow, user, action, now, context)?)
            },
        )
        .await?;
        self.case_for(user, number.as_str()).await
    }

    /// Takes one step of a case as `decide` judges it on the case's current state: writes
    /// it with its messages, reminders and audit entry (`audited` is what was asked for),
    /// and announces it. Judged again on the new state when someone else changed the case
    /// meanwhile.
    pub(crate) async fn step_case<F>(
        &self,
        number: &TrackingNumber,
        origin: &Origin,
        user_id: Option<i64>,
        audited: &serde_json::Value,
        decide: F,
    ) -> Result<Step, ServiceError>
    where
        F: Fn(&StoredCase, DateTime<Utc>, FlowContext) -> Result<Step, ServiceError>,
    {
        let codes = self.code_tables_now().await?;
        let calendar = self.work_calendar().await?;
        for _ in 0..WRITE_ATTEMPTS {
            let case = self
                .store
                .stored_case(number)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let context = FlowContext {
                policy: &self.flow,
                calendar: &calendar,
                urgent_categories: &codes.urgent,
                limits: case.limits,
            };
            let now = self.now();
            let step = decide(&case, now, context)?;
            let (sms, notifications) = self.messages_for(&case, &step).await?;
            let audit = NewAuditEntry {
                at: now,
                origin: origin.clone(),
                action: format!("case_{}", step.kind.as_code()),
                object_type: "case".into(),
                object_id: number.to_string(),
                before: Some(serde_json::json!({ "status": step.from.as_code() }).to_string()),
                after: Some(
                    serde_json::json!({
                        "status": step.to.as_code(),
                        "action": audited,
                    })
                    .to_string(),
                ),
            };
            let written = self
                .store
                .write_step(&StepWrite {
                    case: &case,
                    step: &step,
                    at: now,
                    actor: &origin.actor,
                    user_id,
                    sms: &sms,
                    notifications: &notifications,
                    audit: &audit,
                })
                .await?;
            if written.is_some() {
                tracing::info!(
                    case = %number,
                    action = step.kind.as_code(),
                    from = step.from.as_code(),
                    to = step.to.as_code(),
                    actor = %origin.actor,
                    "case step"
                );
                for n in &notifications {
                    self.events.publish(Event::notice(n, Some(number))).await;
                }
                self.events
                    .publish(Event::CaseChanged {
                        tracking_number: number.to_string(),
                        status: step.to,
                    })
                    .await;
                return Ok(step);
            }
            tracing::debug!(case = %number, "case changed meanwhile; judging the action again");
        }
        Err(ServiceError::Conflict)
    }

    /// Codes and ids an action names must exist (and departments be active) before the
    /// state machine sees them; a wrong one is refused by field, nothing is written.
    async fn check_references(
        &self,
        action: &CaseAction,
        codes: &crate::cache::CodeTables,
    ) -> Result<(), ServiceError> {
        match action {
            CaseAction::Classify { category_code, .. }
            | CaseAction::Reclassify { category_code, .. } => {
                let code = category_code.trim();
                if !code.is_empty() && !codes.categories.iter().any(|c| c.code == code) {
                    return Err(ServiceError::field("category_code", Problem::Unknown));
                }
            }
            CaseAction::Dispatch { to, .. } => {
                for assignee in to.iter().take(hotline_domain::flow::MAX_TARGETS) {
                    let contact = self.store.assignee_contact(*assignee).await?;
                    if !contact.is_some_and(|c| c.active) {
                        return Err(ServiceError::field("to", Problem::Unknown));
                    }
                }
            }
            CaseAction::Reassign { to, .. } | CaseAction::AddAssignee { to, .. } => {
                let contact = self.store.assignee_contact(*to).await?;
                if !contact.is_some_and(|c| c.active) {
                    return Err(ServiceError::field("to", Problem::Unknown));
                }
            }
            CaseAction::RecordSubject { subject } => {
                if let Some(id) = subject.vendor_id {
                    let contact = self.store.assignee_contact(Assignee::Vendor(id)).await?;
                    if contact.is_none() {
                        return Err(ServiceError::field("subject.vendor_id", Problem::Unknown));
                    }
                }
            }
            CaseAction::Recommend { vendors, .. } => {
                for id in vendors.iter().take(hotline_domain::flow::MAX_TARGETS) {
                    let contact = self.store.assignee_contact(Assignee::Vendor(*id)).await?;
                    if !contact.is_some_and(|c| c.active) {
                        return Err(ServiceError::field("vendors", Problem::Unknown));
                    }
                }
            }
            CaseAction::Feedback {
                disposition_code: Some(code),
                ..
            } if !code.trim().is_empty() => {
                let known = self
                    .store
                    .dispositions()
                    .await?
                    .iter()
                    .any(|d| d.active && d.code == code.trim());
                if !known {
                    return Err(ServiceError::field("disposition_code", Problem::Unknown));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The SMS and in-app notices a step sends (SPEC N1, N2).
    async fn messages_for(
        &self,
        case: &StoredCase,
        step: &Step,
    ) -> Result<(Vec<NewSms>, Vec<NewNotification>), ServiceError> {
        let number = &case.tracking_number;
        let mut sms = Vec::new();
        let mut notes = Vec::new();
        let mut names = Vec::new();
        for a in step.flow.assignments.iter().filter(|a| a.is_open()) {
            if let Some(c) = self.store.assignee_contact(a.assignee).await? {
                names.push(c.name);
            }
        }
        for (recipient, notice) in &step.notices {
            match (recipient, notice) {
                (Recipient::Citizen, notice) => {
                    let (purpose, body) = match notice {
                        Notice::Accepted => (
                            "accepted",
                            format!(
                                "{SMS_SIGNATURE}您的诉求已受理，流水号{number}。可凭流水号和来电号码在网站查询办理进度。"
                            ),
                        ),
                        Notice::Dispatched => (
                            "dispatched",
                            format!(
                                "{SMS_SIGNATURE}您的诉求{number}已转交{}办理，办结后我们将回访。",
                                names.join("、")
                            ),
                        ),
                        Notice::Completed => (
                            "completed",
                            format!(
                                "{SMS_SIGNATURE}您的诉求{number}已办理完毕，可凭流水号和来电号码在网站查看答复并评价；未评价的，我们将回访了解您是否满意。"
                            ),
                        ),
                    };
                    sms.push(NewSms {
                        to_phone: case.phone.clone(),
                        recipient: "citizen".into(),
                        body,
                        purpose: purpose.into(),
                    });
                }
                (Recipient::Assignee(assignee), Notice::Dispatched) => {
                    let Some(part) = step
                        .flow
                        .assignments
                        .iter()
                        .rev()
                        .find(|a| a.is_open() && a.assignee == *assignee)
                    else {
                        continue;
                    };
                    let message = format!(
                        "{SMS_SIGNATURE}新派单{number}（{}），请于{}前确认，{}前办结反馈。",
                        case.category_zh,
                        local(part.confirm_due_at, "%H:%M"),
                        local(part.due_at, "%m月%d日")
                    );
                    self.to_assignee(*assignee, "dispatched", &message, &mut sms, &mut notes)
                        .await?;
                }
                (Recipient::Assignee(_), _) => {}
            }
        }
        // The centre hears of what waits for it.
        let centre = match step.kind {
            hotline_domain::ActionKind::Return => Some(("return", "退单待审")),
            hotline_domain::ActionKind::RequestExtension => Some(("extension", "延期待批")),
            hotline_domain::ActionKind::Rate if step.to == CaseStatus::Classified => {
                Some(("reopened", "市民网上评价不满意，已重开待派"))
            }
            _ if step.to == CaseStatus::FedBack && step.from != CaseStatus::FedBack => {
                Some(("callback", "已反馈，待回访"))
            }
            _ => None,
        };
        if let Some((kind, what)) = centre {
            notes.push(NewNotification {
                department_id: None,
                vendor_id: None,
                user_id: None,
                kind: kind.into(),
                message: format!("案件{number}{what}"),
            });
        }
        Ok((sms, notes))
    }

    pub(crate) async fn to_assignee(
        &self,
        assignee: Assignee,
        kind: &str,
        message: &str,
        sms: &mut Vec<NewSms>,
        notes: &mut Vec<NewNotification>,
    ) -> Result<(), ServiceError> {
        // A provider has no account: the centre, which answers for them, gets the notice.
        let (department_id, vendor_id, recipient) = match assignee {
            Assignee::Department(id) => (Some(id), None, format!("department:{id}")),
            Assignee::Vendor(id) => (None, Some(id), format!("vendor:{id}")),
            Assignee::Provider(id) => (None, None, format!("provider:{id}")),
        };
        notes.push(NewNotification {
            department_id,
            vendor_id,
            user_id: None,
            kind: kind.into(),
            message: message.to_string(),
        });
        let phone = self
            .store
            .assignee_contact(assignee)
            .await?
            .and_then(|c| c.phone)
            .filter(|p| !p.trim().is_empty());
        if let Some(phone) = phone {
            sms.push(NewSms {
                to_phone: phone,
                recipient,
                body: message.to_string(),
                purpose: kind.into(),
            });
        }
        Ok(())
    }

    /// Where cases may be sent: active departments and vendors, by id and name.
    pub async fn dispatch_targets(
        &self,
        user: &StaffUser,
    ) -> Result<hotline_domain::DispatchTargets, ServiceError> {
        if !user.can(hotline_domain::Permission::Dispatch)
            && !user.can(hotline_domain::Permission::Intake)
        {
            return Err(ServiceError::Forbidden);
        }
        let departments = self
            .store
            .departments()
            .await?
            .into_iter()
            .filter(|d| d.active)
            .map(|d| (d.id, d.name))
            .collect();
        let vendors = self.store.vendor_names().await?;
        let dispositions = self
            .store
            .dispositions()
            .await?
            .into_iter()
            .filter(|d| d.active)
            .map(|d| (d.code, d.name_zh))
            .collect();
        Ok(hotline_domain::DispatchTargets {
            departments,
            vendors,
            dispositions,
            default_limit: self.flow.handling,
        })
    }

    /// Stores every unarchived case's light times again if the light thresholds changed
    /// since they were last worked out (or never were: a database from before they were
    /// stored). Run at start; returns how many cases it wrote.
    pub async fn refresh_lights(&self) -> Result<usize, crate::store::StoreError> {
        const SETTING: &str = "light_policy";
        let current = format!(
            "yellow_after_hours={} red_after_hours={}",
            self.flow.yellow_after_hours, self.flow.red_after_hours
        );
        if self.store.setting(SETTING).await?.as_deref() == Some(current.as_str()) {
            return Ok(0);
        }
        let ids = self.store.unarchived_case_ids().await?;
        for &id in &ids {
            if let Some(case) = self.store.stored_case_by_id(id).await? {
                let lights = case.flow.lights(&self.flow);
                self.store.write_lights(&case, &lights).await?;
            }
        }
        self.store
            .put_setting(SETTING, &current, self.now())
            .await?;
        tracing::info!(cases = ids.len(), policy = %current, "light times worked out again");
        Ok(ids.len())
    }
}
