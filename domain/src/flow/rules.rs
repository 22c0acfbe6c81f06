//! What is legal when (SPEC W2–W5): per case type, which ways through the flow it takes
//! ([`TypeRules`]), and per state and user, which actions may be taken at all.

use chrono::{DateTime, Duration, Utc};

use super::{
    ActionKind, Assignment, AssignmentStatus, CaseFlow, FlowError, Performer, Refusal,
    SUPPLEMENT_AFTER_DAYS,
};
use crate::{CaseStatus, CaseType, StaffUser};

/// Where a type's cases may be dispatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Not dispatched (handled by the centre or the alarm desk).
    None,
    /// One or more government departments.
    Departments,
    /// Exactly one vendor (派单 of household services).
    OneVendor,
    /// Exactly one vendor, or one individual provider from the registry: a volunteer (义工)
    /// or a skilled person (一技之长者). Home care (E, SPEC H2): "指派义工、志愿者、或者协议企业".
    OneCarer,
}

/// The flow of one case type (W2), in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRules {
    pub answer_at_once: bool,
    pub recommend: bool,
    pub centre_handles: bool,
    pub targets: Targets,
    /// Whether a part must first be confirmed (半小时确认). A simple matter (D) goes to the
    /// centre's own back office (执行部) as a team queue: it is worked on at once.
    pub confirm: bool,
}

impl TypeRules {
    pub fn of(case_type: CaseType) -> TypeRules {
        use CaseType as T;
        let rules = |answer_at_once, recommend, centre_handles, targets| TypeRules {
            answer_at_once,
            recommend,
            centre_handles,
            targets,
            confirm: case_type != T::SimpleMatter,
        };
        match case_type {
            // Answered from the knowledge base, or handed to a department and called back.
            T::Consultation => rules(true, false, false, Targets::Departments),
            // Recommend vendors, or dispatch to one vendor; always called back.
            T::Household => rules(false, true, false, Targets::OneVendor),
            // Answered on the alarm desk; the outcome is recorded and called back.
            T::OneKeyAlarm => rules(false, false, true, Targets::None),
            // Handed to the back office, result fed back.
            T::SimpleMatter => rules(false, false, false, Targets::Departments),
            T::HomeCare => rules(false, false, false, Targets::OneCarer),
            // An enterprise's question answered on the line (consultation), settled by the
            // centre's own contacts with the departments (self-handled), or dispatched.
            T::Enterprise => rules(true, false, true, Targets::Departments),
            T::Complaint | T::PublicAffairs => rules(false, false, false, Targets::Departments),
            // About a vendor or an agent: the centre settles it, or a department does.
            T::Praise => rules(false, false, true, Targets::Departments),
            // Kept by the centre with a reminder time.
            T::Pending => rules(false, false, true, Targets::None),
        }
    }
}

impl CaseFlow {
    /// Whether an action of this kind is legal in this state for this user, apart from the
    /// values it carries.
    pub(super) fn check(
        &self,
        user: &StaffUser,
        kind: ActionKind,
        now: DateTime<Utc>,
    ) -> Result<(), FlowError> {
        // Who: the centre's functions by permission, the departments' by holding an open
        // part of the case.
        match kind.performer() {
            Performer::Centre(permission) => {
                if !user.can(permission) {
                    return Err(FlowError::Forbidden);
                }
            }
            Performer::Assignee => {
                if self.open_assignment_of(user).is_none() {
                    return Err(FlowError::Forbidden);
                }
            }
            Performer::Citizen => return Err(FlowError::Forbidden),
        }
        self.check_state(kind, self.open_assignment_of(user), now)
    }

    /// Whether an action of this kind is legal in this state, by whoever may take it at all;
    /// `mine` is the acting department's or vendor's open part, which its own actions need.
    pub(super) fn check_state(
        &self,
        kind: ActionKind,
        mine: Option<usize>,
        now: DateTime<Utc>,
    ) -> Result<(), FlowError> {
        use ActionKind as K;
        use CaseStatus as S;
        let illegal = |reason: Refusal| FlowError::Illegal {
            action: kind,
            status: self.status,
            reason,
        };
        let case_type = self.case_type;
        let rules = case_type.map(TypeRules::of);
        match kind {
            K::Accept => (self.status == S::Submitted)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Classify => matches!(self.status, S::Accepted | S::Classified)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Answer | K::Recommend | K::HandleInCentre => {
                if self.status != S::Classified {
                    return Err(illegal(Refusal::WrongStatus));
                }
                let rules = rules.ok_or(illegal(Refusal::NotClassified))?;
                let allowed = match kind {
                    K::Answer => rules.answer_at_once,
                    K::Recommend => rules.recommend,
                    _ => rules.centre_handles,
                };
                allowed.then_some(()).ok_or(illegal(Refusal::NotForType))
            }
            K::Dispatch => {
                let from_here = self.status == S::Classified
                    || (self.status == S::Returned
                        && !self.assignments.iter().any(Assignment::return_pending));
                if !from_here {
                    return Err(illegal(if self.status == S::Returned {
                        Refusal::ReturnNotReviewed
                    } else {
                        Refusal::WrongStatus
                    }));
                }
                let rules = rules.ok_or(illegal(Refusal::NotClassified))?;
                (rules.targets != Targets::None)
                    .then_some(())
                    .ok_or(illegal(Refusal::NotForType))
            }
            K::Confirm => {
                let a = &self.assignments[mine.expect("checked")];
                (a.status == AssignmentStatus::Dispatched)
                    .then_some(())
                    .ok_or(illegal(Refusal::AssignmentState(a.status)))
            }
            K::Return => {
                let a = &self.assignments[mine.expect("checked")];
                a.working()
                    .then_some(())
                    .ok_or(illegal(Refusal::AssignmentState(a.status)))
            }
            K::RequestExtension => {
                let a = &self.assignments[mine.expect("checked")];
                if a.status != AssignmentStatus::Confirmed {
                    return Err(illegal(Refusal::AssignmentState(a.status)));
                }
                // "More than" the limit is late, as for the light.
                if now > a.due_at {
                    return Err(illegal(Refusal::DeadlinePassed));
                }
                (!a.extension_pending())
                    .then_some(())
                    .ok_or(illegal(Refusal::ExtensionPending))
            }
            K::Feedback => {
                let a = &self.assignments[mine.expect("checked")];
                (a.status == AssignmentStatus::Confirmed)
                    .then_some(())
                    .ok_or(illegal(Refusal::AssignmentState(a.status)))
            }
            K::ReviewReturn => self
                .assignments
                .iter()
                .any(Assignment::return_pending)
                .then_some(())
                .ok_or(illegal(Refusal::NothingToDecide)),
            K::GrantExtension => self
                .assignments
                .iter()
                .any(|a| a.working() && !a.extension_pending())
                .then_some(())
                .ok_or(illegal(Refusal::NothingToDecide)),
            K::DecideExtension => self
                .assignments
                .iter()
                .any(Assignment::extension_pending)
                .then_some(())
                .ok_or(illegal(Refusal::NothingToDecide)),
            // The citizen rates instead of being called: the same moment, once per round.
            K::Callback | K::Rate => matches!(self.status, S::FedBack | S::Handled)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Archive => (self.status == S::CalledBack)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Reclassify | K::Reassign | K::AddAssignee | K::ClosePart => {
                if !matches!(self.status, S::Dispatched | S::Confirmed | S::Returned) {
                    return Err(illegal(Refusal::WrongStatus));
                }
                let rules = rules.ok_or(illegal(Refusal::NotClassified))?;
                let parts = self.assignments.iter();
                match kind {
                    K::Reassign => parts
                        .clone()
                        .any(|a| a.working() || a.return_pending())
                        .then_some(())
                        .ok_or(illegal(Refusal::NothingToDecide)),
                    K::ClosePart => parts
                        .clone()
                        .any(Assignment::working)
                        .then_some(())
                        .ok_or(illegal(Refusal::NothingToDecide)),
                    K::AddAssignee => (rules.targets == Targets::Departments)
                        .then_some(())
                        .ok_or(illegal(Refusal::NotForType)),
                    _ => Ok(()),
                }
            }
            // While something can be chased: parts out, or the callback due.
            K::PlanReminders => matches!(
                self.status,
                S::Dispatched | S::Confirmed | S::Returned | S::FedBack | S::Handled
            )
            .then_some(())
            .ok_or(illegal(Refusal::WrongStatus)),
            // A consultation waits for an expert while it is not yet answered or sent on.
            K::AwaitExpert => {
                if self.status != S::Classified {
                    return Err(illegal(Refusal::WrongStatus));
                }
                (case_type == Some(CaseType::Consultation))
                    .then_some(())
                    .ok_or(illegal(Refusal::NotForType))
            }
            // A praise or complaint records whom it is about until it is archived.
            K::RecordSubject => {
                if matches!(self.status, S::Submitted | S::Archived) {
                    return Err(illegal(Refusal::WrongStatus));
                }
                (case_type == Some(CaseType::Praise))
                    .then_some(())
                    .ok_or(illegal(Refusal::NotForType))
            }
            K::Supplement => {
                if self.status == S::Submitted {
                    return Err(illegal(Refusal::WrongStatus));
                }
                (now - self.created_at >= Duration::days(SUPPLEMENT_AFTER_DAYS))
                    .then_some(())
                    .ok_or(illegal(Refusal::TooEarlyToSupplement))
            }
        }
    }
}
