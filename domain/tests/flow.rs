//! The case state machine (SPEC W2–W7): every legal step, a representative set of refused
//! ones, deadlines, lights and reminders, without storage.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use hotline_domain::flow::{
    apply, FlowContext, Notice, Recipient, Refusal, Step, Targets, TypeRules,
};
use hotline_domain::{
    ActionKind, Assignee, AssignmentStatus, CaseAction, CaseFlow, CaseStatus, CaseType, FlowError,
    FlowPolicy, Lang, Light, Limit, LimitUnit, Overdue, PartAnswer, PartRating, Permission,
    Priority, ReminderKind, Role, Satisfaction, StaffUser, VendorScores, WorkCalendar,
};

fn t0() -> DateTime<Utc> {
    "2026-11-23T02:00:00Z".parse().unwrap()
}

fn user(name: &str, role: Role, department: Option<i64>, vendor: Option<i64>) -> StaffUser {
    StaffUser {
        id: 1,
        username: name.into(),
        display_name: name.into(),
        role,
        department_id: department,
        department_name: None,
        vendor_id: vendor,
        vendor_name: None,
        permissions: role.default_permissions().to_vec(),
    }
}

fn agent() -> StaffUser {
    user("agent", Role::Agent, None, None)
}
fn lead() -> StaffUser {
    user("lead", Role::ShiftLead, None, None)
}
fn dept(id: i64) -> StaffUser {
    user(&format!("dept{id}"), Role::Department, Some(id), None)
}
fn vendor(id: i64) -> StaffUser {
    user(&format!("vendor{id}"), Role::Vendor, None, Some(id))
}

const D1: Assignee = Assignee::Department(1);
const D2: Assignee = Assignee::Department(2);

/// The rules with no holiday entered: working days are Monday to Friday.
fn context(policy: &FlowPolicy) -> FlowContext<'_> {
    static PLAIN: std::sync::LazyLock<WorkCalendar> =
        std::sync::LazyLock::new(WorkCalendar::default);
    static URGENT: std::sync::LazyLock<BTreeSet<String>> =
        std::sync::LazyLock::new(|| BTreeSet::from(["080301".to_string(), "0811".to_string()]));
    FlowContext {
        policy,
        calendar: &PLAIN,
        urgent_categories: &URGENT,
        limits: Default::default(),
    }
}

/// Applies and stamps ids on new assignments, as storage would.
fn step(flow: &CaseFlow, who: &StaffUser, action: CaseAction, at: DateTime<Utc>) -> Step {
    let mut s = apply(flow, who, &action, at, context(&FlowPolicy::default()))
        .unwrap_or_else(|e| panic!("{action:?} by {}: {e:?}", who.username));
    for (i, a) in s.flow.assignments.iter_mut().enumerate() {
        a.id.get_or_insert(100 + i as i64);
    }
    s
}

fn refuse(flow: &CaseFlow, who: &StaffUser, action: CaseAction, at: DateTime<Utc>) -> FlowError {
    match apply(flow, who, &action, at, context(&FlowPolicy::default())) {
        Ok(s) => panic!("{action:?} should be refused, went to {:?}", s.to),
        Err(e) => e,
    }
}

fn classified(case_type: CaseType) -> CaseFlow {
    let f = CaseFlow::new("0101", CaseStatus::Submitted, t0());
    let f = step(&f, &agent(), CaseAction::Accept, t0()).flow;
    step(
        &f,
        &agent(),
        CaseAction::Classify {
            case_type,
            category_code: "0101".into(),
            remind_at: None,
            priority: None,
        },
        t0(),
    )
    .flow
}

fn dispatch(to: Vec<Assignee>) -> CaseAction {
    CaseAction::Dispatch {
        to,
        note: String::new(),
        limit: None,
    }
}

/// A complaint dispatched at `t0` to `to`.
fn dispatched_to(to: Vec<Assignee>) -> CaseFlow {
    step(
        &classified(CaseType::Complaint),
        &agent(),
        dispatch(to),
        t0(),
    )
    .flow
}

fn feedback() -> CaseAction {
    CaseAction::Feedback {
        result: "已处理".into(),
        disposition_code: None,
    }
}

fn illegal(e: FlowError) -> Refusal {
    match e {
        FlowError::Illegal { reason, .. } => reason,
        other => panic!("expected an illegal-step refusal, got {other:?}"),
    }
}

#[test]
fn a_complaint_goes_the_whole_way() {
    let h = Duration::hours(1);
    let f = CaseFlow::new("0101", CaseStatus::Submitted, t0());
    let s = step(&f, &agent(), CaseAction::Accept, t0());
    assert_eq!(
        (s.from, s.to),
        (CaseStatus::Submitted, CaseStatus::Accepted)
    );
    assert_eq!(s.notices.len(), 1, "the citizen hears it was accepted");
    let s = step(
        &s.flow,
        &agent(),
        CaseAction::Classify {
            case_type: CaseType::Complaint,
            category_code: "1203".into(),
            remind_at: None,
            priority: None,
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::Classified);
    assert_eq!(s.category_code.as_deref(), Some("1203"));
    let s = step(&s.flow, &agent(), dispatch(vec![D1]), t0() + h);
    assert_eq!(s.to, CaseStatus::Dispatched);
    let a = &s.flow.assignments[0];
    assert_eq!(a.confirm_due_at, t0() + h + Duration::minutes(30));
    assert_eq!(a.due_at, t0() + h + Duration::days(7));
    assert_eq!(s.flow.dispatched_at, Some(t0() + h));
    let kinds: Vec<ReminderKind> = s.reminders.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [ReminderKind::Confirm, ReminderKind::Feedback]);
    assert_eq!(
        s.notices.len(),
        2,
        "the department and the citizen are told"
    );
    let s = step(&s.flow, &dept(1), CaseAction::Confirm, t0() + h * 2);
    assert_eq!(s.to, CaseStatus::Confirmed);
    let s = step(&s.flow, &dept(1), feedback(), t0() + h * 3);
    assert_eq!(s.to, CaseStatus::FedBack);
    assert_eq!(s.flow.handled_at, Some(t0() + h * 3));
    assert_eq!(s.flow.callback_due_at, Some(t0() + h * 27));
    assert_eq!(s.reminders[0].kind, ReminderKind::Callback);
    let fed_back = s.flow.clone();
    let s = step(
        &s.flow,
        &agent(),
        CaseAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            note: String::new(),
            parts: Vec::new(),
        },
        t0() + h * 4,
    );
    // Satisfied: archived at once, as the seed's flow has it.
    assert_eq!(s.to, CaseStatus::Archived);
    assert!(s.flow.available_actions(&lead(), t0() + h * 5).is_empty());
    // A centre that archives by hand: called back, then archived.
    let by_hand = FlowPolicy {
        archive_when_satisfied: false,
        ..FlowPolicy::default()
    };
    let satisfied = CaseAction::Callback {
        satisfaction: Satisfaction::Satisfied,
        note: String::new(),
        parts: Vec::new(),
    };
    let called = apply(
        &fed_back,
        &agent(),
        &satisfied,
        t0() + h * 4,
        context(&by_hand),
    )
    .unwrap();
    assert_eq!(called.to, CaseStatus::CalledBack);
    let s = step(&called.flow, &agent(), CaseAction::Archive, t0() + h * 5);
    assert_eq!(s.to, CaseStatus::Archived);
}

#[test]
fn a_consultation_can_be_answered_and_closed_at_once() {
    let f = classified(CaseType::Consultation);
    let s = step(
        &f,
        &agent(),
        CaseAction::Answer {
            reply: "社保卡在市民中心办理".into(),
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::Archived);
    assert_eq!(s.note.as_deref(), Some("社保卡在市民中心办理"));
    // Or handed to a department like any other.
    assert_eq!(
        step(&f, &agent(), dispatch(vec![D1, D2]), t0()).to,
        CaseStatus::Dispatched
    );
    // Other types are not answered at once.
    let g = classified(CaseType::Complaint);
    let e = refuse(&g, &agent(), CaseAction::Answer { reply: "x".into() }, t0());
    assert_eq!(illegal(e), Refusal::NotForType);
}

#[test]
fn household_services_are_recommended_or_sent_to_one_vendor() {
    let f = classified(CaseType::Household);
    let s = step(
        &f,
        &agent(),
        CaseAction::Recommend {
            vendors: vec![7, 8, 9],
            note: "三家可上门".into(),
        },
        t0(),
    );
    assert_eq!(
        s.to,
        CaseStatus::Handled,
        "then called back, rating the vendor"
    );
    assert!(s
        .flow
        .available_actions(&agent(), t0())
        .contains(&ActionKind::Callback));

    let e = refuse(&f, &agent(), dispatch(vec![D1]), t0());
    assert!(matches!(e, FlowError::Invalid(ref f) if f.get("to").is_some()));
    let two = vec![Assignee::Vendor(7), Assignee::Vendor(8)];
    assert!(matches!(
        refuse(&f, &agent(), dispatch(two), t0()),
        FlowError::Invalid(_)
    ));
    let s = step(&f, &agent(), dispatch(vec![Assignee::Vendor(7)]), t0());
    // The vendor takes the department's steps on its order; another vendor cannot.
    assert_eq!(
        refuse(&s.flow, &vendor(8), CaseAction::Confirm, t0()),
        FlowError::Forbidden
    );
    let s = step(&s.flow, &vendor(7), CaseAction::Confirm, t0());
    let s = step(&s.flow, &vendor(7), feedback(), t0());
    assert_eq!(s.to, CaseStatus::FedBack);
}

#[test]
fn the_centre_handles_alarms_praise_and_pending_matters() {
    for t in [CaseType::OneKeyAlarm, CaseType::Praise] {
        let f = classified(t);
        let s = step(
            &f,
            &agent(),
            CaseAction::HandleInCentre {
                result: "已处理".into(),
            },
            t0(),
        );
        assert_eq!(s.to, CaseStatus::Handled);
    }
    // Alarms and pending matters are never dispatched through the case flow.
    for t in [CaseType::OneKeyAlarm, CaseType::Pending] {
        assert_eq!(TypeRules::of(t).targets, Targets::None);
    }
    let f = classified(CaseType::OneKeyAlarm);
    assert_eq!(
        illegal(refuse(&f, &agent(), dispatch(vec![D1]), t0())),
        Refusal::NotForType
    );
    // A complaint is not closed by the centre without a department.
    let f = classified(CaseType::Complaint);
    let e = refuse(
        &f,
        &agent(),
        CaseAction::HandleInCentre { result: "x".into() },
        t0(),
    );
    assert_eq!(illegal(e), Refusal::NotForType);
}

#[test]
fn a_pending_matter_needs_a_future_reminder_time() {
    let f = CaseFlow::new("0101", CaseStatus::Accepted, t0());
    let classify = |remind_at| CaseAction::Classify {
        case_type: CaseType::Pending,
        category_code: "0101".into(),
        remind_at,
        priority: None,
    };
    let e = refuse(&f, &agent(), classify(None), t0());
    assert!(matches!(e, FlowError::Invalid(ref f) if f.get("remind_at").is_some()));
    let e = refuse(&f, &agent(), classify(Some(t0())), t0());
    assert!(matches!(e, FlowError::Invalid(_)));
    let s = step(
        &f,
        &agent(),
        classify(Some(t0() + Duration::hours(3))),
        t0(),
    );
    assert_eq!(s.reminders[0].kind, ReminderKind::Pending);
    assert_eq!(
        s.flow.reminder_due(ReminderKind::Pending, None),
        Some(t0() + Duration::hours(3))
    );
}

#[test]
fn returns_are_reviewed_before_the_case_is_dispatched_again() {
    let f = classified(CaseType::PublicAffairs);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let e = refuse(
        &f,
        &dept(1),
        CaseAction::Return { reason: " ".into() },
        t0(),
    );
    assert!(matches!(e, FlowError::Invalid(ref f) if f.get("reason").is_some()));
    let s = step(
        &f,
        &dept(1),
        CaseAction::Return {
            reason: "不属于本部门职责".into(),
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::Returned);
    let returned = s.flow;
    let id = returned.assignments[0].id.unwrap();
    // Not re-dispatched before the review; agents may not review.
    assert_eq!(
        illegal(refuse(&returned, &lead(), dispatch(vec![D2]), t0())),
        Refusal::ReturnNotReviewed
    );
    let review = |justified| CaseAction::ReviewReturn {
        assignment_id: id,
        justified,
        note: String::new(),
    };
    assert_eq!(
        refuse(&returned, &agent(), review(true), t0()),
        FlowError::Forbidden
    );

    // Justified: their part is closed, and the case goes to the right department.
    let s = step(&returned, &lead(), review(true), t0());
    assert_eq!(s.to, CaseStatus::Returned);
    assert!(s.flow.assignments[0].closed);
    let s = step(
        &s.flow,
        &lead(),
        dispatch(vec![D2]),
        t0() + Duration::hours(1),
    );
    assert_eq!(s.to, CaseStatus::Dispatched);
    assert_eq!(
        s.flow.assignments.len(),
        2,
        "the whole chain stays in the history"
    );
    assert_eq!(s.flow.assignments[0].return_justified, Some(true));
    assert_eq!(s.flow.dispatched_at, Some(t0() + Duration::hours(1)));
    assert_eq!(
        refuse(&s.flow, &dept(1), CaseAction::Confirm, t0()),
        FlowError::Forbidden
    );

    // Wrong: back to the same department, with a new half hour to confirm.
    let later = t0() + Duration::hours(2);
    let s = step(&returned, &lead(), review(false), later);
    assert_eq!(s.to, CaseStatus::Dispatched);
    let a = &s.flow.assignments[0];
    assert_eq!(a.status, AssignmentStatus::Dispatched);
    assert_eq!(a.return_justified, Some(false));
    assert_eq!(a.confirm_due_at, later + Duration::minutes(30));
    assert_eq!(
        step(&s.flow, &dept(1), CaseAction::Confirm, later).to,
        CaseStatus::Confirmed
    );
    // A reviewed return cannot be reviewed again.
    let e = refuse(&s.flow, &lead(), review(true), later);
    assert_eq!(illegal(e), Refusal::NothingToDecide);
}

#[test]
fn extensions_move_the_deadline_only_when_approved() {
    let f = classified(CaseType::Enterprise);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let ask = CaseAction::RequestExtension {
        days: 5,
        reason: "需要现场勘查".into(),
    };
    // Only once confirmed.
    assert_eq!(
        illegal(refuse(&f, &dept(1), ask.clone(), t0())),
        Refusal::AssignmentState(AssignmentStatus::Dispatched)
    );
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let f = step(&f, &dept(1), ask.clone(), t0()).flow;
    assert_eq!(
        illegal(refuse(&f, &dept(1), ask.clone(), t0())),
        Refusal::ExtensionPending
    );
    let id = f.assignments[0].id.unwrap();
    let decide = |approve| CaseAction::DecideExtension {
        assignment_id: id,
        approve,
        note: String::new(),
    };
    assert_eq!(
        refuse(&f, &agent(), decide(true), t0()),
        FlowError::Forbidden
    );
    let approved = step(&f, &lead(), decide(true), t0()).flow;
    assert_eq!(approved.assignments[0].due_at, t0() + Duration::days(12));
    assert_eq!(
        approved.reminder_due(ReminderKind::Feedback, Some(0)),
        Some(t0() + Duration::days(12)),
        "the feedback reminder follows the new deadline"
    );
    let rejected = step(&f, &lead(), decide(false), t0()).flow;
    assert_eq!(rejected.assignments[0].due_at, t0() + Duration::days(7));
    // After a decision the department may ask again.
    step(&rejected, &dept(1), ask, t0());
    let e = refuse(
        &f,
        &dept(1),
        CaseAction::RequestExtension {
            days: 0,
            reason: "x".into(),
        },
        t0(),
    );
    assert_eq!(
        e,
        FlowError::Illegal {
            action: ActionKind::RequestExtension,
            status: CaseStatus::Confirmed,
            reason: Refusal::ExtensionPending
        }
    );
}

#[test]
fn an_extension_is_asked_for_in_time_and_withdrawn_when_moot() {
    let f = classified(CaseType::Complaint);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let ask = CaseAction::RequestExtension {
        days: 3,
        reason: "需要协调多个部门".into(),
    };
    // Up to the deadline itself; after it, only the centre can give more days.
    let due = f.assignments[0].due_at;
    step(&f, &dept(1), ask.clone(), due);
    assert_eq!(
        illegal(refuse(
            &f,
            &dept(1),
            ask.clone(),
            due + Duration::microseconds(1)
        )),
        Refusal::DeadlinePassed
    );
    // Returned while the request waits: withdrawn, not left open for the centre.
    let asked = step(&f, &dept(1), ask.clone(), t0() + Duration::days(1)).flow;
    let returned = step(
        &asked,
        &dept(1),
        CaseAction::Return {
            reason: "不属于本单位职责".into(),
        },
        t0() + Duration::days(2),
    )
    .flow;
    let e = returned.assignments[0].extension.as_ref().unwrap();
    assert_eq!(
        (e.approved, e.withdrawn_at),
        (None, Some(t0() + Duration::days(2)))
    );
    assert!(!returned.assignments[0].extension_pending());
    assert_eq!(
        illegal(refuse(
            &returned,
            &lead(),
            CaseAction::DecideExtension {
                assignment_id: returned.assignments[0].id.unwrap(),
                approve: true,
                note: String::new(),
            },
            t0() + Duration::days(2),
        )),
        Refusal::NothingToDecide
    );
    // Fed back while it waits: withdrawn too, not recorded as refused.
    let done = step(&asked, &dept(1), feedback(), t0() + Duration::days(2)).flow;
    let e = done.assignments[0].extension.as_ref().unwrap();
    assert_eq!((e.approved, e.decided_at), (None, None));
    assert_eq!(e.withdrawn_at, Some(t0() + Duration::days(2)));
}

#[test]
fn after_the_deadline_the_centre_extends_it() {
    let f = classified(CaseType::Complaint);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let late = f.assignments[0].due_at + Duration::hours(2);
    let id = f.assignments[0].id.unwrap();
    let grant = |days: u32, reason: &str| CaseAction::GrantExtension {
        assignment_id: id,
        days,
        reason: reason.into(),
    };
    // Only the centre's approvers.
    assert_eq!(
        refuse(&f, &dept(1), grant(3, "现场施工"), late),
        FlowError::Forbidden
    );
    assert_eq!(
        refuse(&f, &agent(), grant(3, "现场施工"), late),
        FlowError::Forbidden
    );
    // Days and a reason are required.
    match refuse(&f, &lead(), grant(0, " "), late) {
        FlowError::Invalid(e) => {
            assert!(
                e.get("days").is_some() && e.get("reason").is_some(),
                "{e:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    let s = step(&f, &lead(), grant(3, "需等待管网施工"), late);
    let part = &s.flow.assignments[0];
    assert_eq!(part.due_at, f.assignments[0].due_at + Duration::days(3));
    let e = part.extension.as_ref().unwrap();
    assert_eq!(
        (e.days, e.approved, e.decided_at),
        (3, Some(true), Some(late))
    );
    assert_eq!(s.note.as_deref(), Some("+3 需等待管网施工"));
    // The light follows the 10-day limit: 7 days 2 hours in is green again, not red.
    assert_eq!(
        s.flow.light(late, &FlowPolicy::default()),
        Some(Light::Green)
    );
}

#[test]
fn several_departments_each_confirm_and_feed_back() {
    let f = classified(CaseType::PublicAffairs);
    let f = step(&f, &agent(), dispatch(vec![D1, D2]), t0()).flow;
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    assert_eq!(
        f.status,
        CaseStatus::Dispatched,
        "waiting for the second department"
    );
    let f = step(&f, &dept(2), CaseAction::Confirm, t0()).flow;
    assert_eq!(f.status, CaseStatus::Confirmed);
    let f = step(&f, &dept(1), feedback(), t0()).flow;
    assert_eq!(f.status, CaseStatus::Confirmed);
    assert_eq!(f.handled_at, None);
    // The second returns it: the first department's feedback stands once the return is
    // accepted as justified.
    let s = step(
        &f,
        &dept(2),
        CaseAction::Return {
            reason: "非本部门".into(),
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::Dispatched, "a return waits for review");
    let id = s.flow.assignments[1].id.unwrap();
    let s = step(
        &s.flow,
        &lead(),
        CaseAction::ReviewReturn {
            assignment_id: id,
            justified: true,
            note: String::new(),
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::FedBack);
}

#[test]
fn a_dissatisfied_callback_reopens_the_case() {
    let f = classified(CaseType::Complaint);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let f = step(&f, &dept(1), feedback(), t0()).flow;
    let s = step(
        &f,
        &agent(),
        CaseAction::Callback {
            satisfaction: Satisfaction::Dissatisfied,
            note: "问题没有解决".into(),
            parts: Vec::new(),
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::Classified);
    assert!(s.flow.assignments.iter().all(|a| a.closed));
    // The citizen's wait counts from the first dispatch: reopening does not reset it.
    assert_eq!(
        s.flow
            .light(t0() + Duration::days(8), &FlowPolicy::default()),
        Some(Light::Red)
    );
    assert_eq!(
        refuse(&s.flow, &dept(1), feedback(), t0()),
        FlowError::Forbidden
    );
    let s = step(&s.flow, &agent(), dispatch(vec![D1]), t0());
    assert_eq!(s.to, CaseStatus::Dispatched);
}

fn callback(satisfaction: Satisfaction, parts: Vec<PartAnswer>) -> CaseAction {
    CaseAction::Callback {
        satisfaction,
        note: String::new(),
        parts,
    }
}

fn answer(assignment_id: i64) -> PartAnswer {
    PartAnswer {
        assignment_id,
        outcome: None,
        handler: None,
        vendor: None,
    }
}

fn invalid_fields(e: FlowError) -> Vec<String> {
    match e {
        FlowError::Invalid(f) => f.0.into_keys().collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn each_part_is_rated_and_a_new_round_keeps_the_old_one() {
    let day = Duration::days(1);
    let f = dispatched_to(vec![D1, D2]);
    let (p1, p2) = (f.assignments[0].id.unwrap(), f.assignments[1].id.unwrap());
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let f = step(&f, &dept(2), CaseAction::Confirm, t0()).flow;
    let f = step(&f, &dept(1), feedback(), t0() + day).flow;
    // The second department feeds back three days after its five: late.
    let f = step(&f, &dept(2), feedback(), t0() + day * 10).flow;
    assert!(!f.assignments[0].late() && f.assignments[1].late());

    // Wrong answers are refused by field: a part not fed back this round (or named
    // twice), "could not confirm" as a verdict, vendor scores for a department, and any
    // verdict on a call that did not get through.
    let wrong = callback(
        Satisfaction::Dissatisfied,
        vec![
            PartAnswer {
                outcome: Some(Satisfaction::Unconfirmed),
                ..answer(p1)
            },
            PartAnswer {
                vendor: Some(VendorScores {
                    price: 5,
                    punctuality: 5,
                    attitude: 5,
                }),
                ..answer(p2)
            },
            answer(p2),
            answer(999),
        ],
    );
    assert_eq!(
        invalid_fields(refuse(&f, &agent(), wrong, t0() + day * 10)),
        [
            "parts.0.outcome",
            "parts.1.vendor",
            "parts.2.assignment_id",
            "parts.3.assignment_id"
        ]
    );
    assert_eq!(
        invalid_fields(refuse(
            &f,
            &agent(),
            callback(Satisfaction::Unconfirmed, vec![answer(p1)]),
            t0() + day * 10
        )),
        ["parts"]
    );

    // The citizen is unhappy, but not with the first department or its handler: that is
    // kept apart; the second takes the case's answer.
    let s = step(
        &f,
        &agent(),
        callback(
            Satisfaction::Dissatisfied,
            vec![PartAnswer {
                outcome: Some(Satisfaction::Satisfied),
                handler: Some(Satisfaction::Satisfied),
                ..answer(p1)
            }],
        ),
        t0() + day * 10,
    );
    let rating = |f: &CaseFlow, i: usize| f.assignments[i].rating.unwrap();
    assert_eq!(s.flow.round, 2);
    assert_eq!(
        rating(&s.flow, 0),
        PartRating {
            outcome: Satisfaction::Satisfied,
            handler: Some(Satisfaction::Satisfied),
            vendor: None
        }
    );
    assert_eq!(rating(&s.flow, 1).outcome, Satisfaction::Dissatisfied);
    assert_eq!(rating(&s.flow, 1).handler, None);

    // The second round: a new part in round 2; the first round's parts keep their times,
    // lateness and verdicts, and take no new verdict.
    let f = step(&s.flow, &lead(), dispatch(vec![D2]), t0() + day * 11).flow;
    assert_eq!(f.assignments[2].round, 2);
    let p3 = f.assignments[2].id.unwrap();
    let f = step(&f, &dept(2), CaseAction::Confirm, t0() + day * 11).flow;
    let f = step(&f, &dept(2), feedback(), t0() + day * 12).flow;
    assert_eq!(
        invalid_fields(refuse(
            &f,
            &agent(),
            callback(Satisfaction::Satisfied, vec![answer(p2)]),
            t0() + day * 12
        )),
        ["parts.0.assignment_id"]
    );
    let s = step(
        &f,
        &agent(),
        callback(Satisfaction::Satisfied, vec![answer(p3)]),
        t0() + day * 12,
    );
    assert_eq!(s.to, CaseStatus::Archived);
    let rounds: Vec<(u32, bool, Satisfaction)> = s
        .flow
        .assignments
        .iter()
        .map(|a| (a.round, a.late(), a.rating.unwrap().outcome))
        .collect();
    assert_eq!(
        rounds,
        [
            (1, false, Satisfaction::Satisfied),
            (1, true, Satisfaction::Dissatisfied),
            (2, false, Satisfaction::Satisfied)
        ]
    );
}

#[test]
fn a_vendors_work_is_scored_from_one_to_five() {
    let f = classified(CaseType::Household);
    let f = step(&f, &agent(), dispatch(vec![Assignee::Vendor(7)]), t0()).flow;
    let id = f.assignments[0].id.unwrap();
    let f = step(&f, &vendor(7), CaseAction::Confirm, t0()).flow;
    let f = step(&f, &vendor(7), feedback(), t0()).flow;
    let scored = |price, punctuality, attitude| {
        callback(
            Satisfaction::Satisfied,
            vec![PartAnswer {
                handler: Some(Satisfaction::Dissatisfied),
                vendor: Some(VendorScores {
                    price,
                    punctuality,
                    attitude,
                }),
                ..answer(id)
            }],
        )
    };
    assert_eq!(
        invalid_fields(refuse(&f, &agent(), scored(0, 5, 6), t0())),
        ["parts.0.attitude", "parts.0.price"]
    );
    let s = step(&f, &agent(), scored(3, 5, 4), t0());
    assert_eq!(
        s.flow.assignments[0].rating,
        Some(PartRating {
            outcome: Satisfaction::Satisfied,
            handler: Some(Satisfaction::Dissatisfied),
            vendor: Some(VendorScores {
                price: 3,
                punctuality: 5,
                attitude: 4
            })
        })
    );
}

#[test]
fn home_care_goes_to_a_vendor_or_a_volunteer_whose_steps_the_centre_records() {
    let f = classified(CaseType::HomeCare);
    let volunteer = Assignee::Provider(31);
    // One carer: a department, two carers, or a volunteer on a household order are refused.
    for to in [vec![D1], vec![volunteer, Assignee::Vendor(7)]] {
        assert_eq!(
            invalid_fields(refuse(&f, &agent(), dispatch(to), t0())),
            ["to"]
        );
    }
    assert_eq!(
        invalid_fields(refuse(
            &classified(CaseType::Household),
            &agent(),
            dispatch(vec![volunteer]),
            t0()
        )),
        ["to"]
    );
    let f = step(&f, &agent(), dispatch(vec![volunteer]), t0()).flow;
    assert_eq!(f.assignments[0].assignee, volunteer);
    // A volunteer has no account: the centre's dispatchers confirm and record the service
    // done; a department's or vendor's staff cannot, nor can an agent without the right.
    for outsider in [dept(1), vendor(7)] {
        assert_eq!(
            refuse(&f, &outsider, CaseAction::Confirm, t0()),
            FlowError::Forbidden
        );
    }
    let mut no_dispatch = agent();
    no_dispatch
        .permissions
        .retain(|p| *p != hotline_domain::Permission::Dispatch);
    assert_eq!(
        refuse(&f, &no_dispatch, CaseAction::Confirm, t0()),
        FlowError::Forbidden
    );
    let f = step(&f, &agent(), CaseAction::Confirm, t0()).flow;
    let s = step(&f, &agent(), feedback(), t0() + Duration::hours(3));
    assert_eq!(s.to, CaseStatus::FedBack);
    // The citizen scores the volunteer's work as a vendor's.
    let id = s.flow.assignments[0].id.unwrap();
    let scores = VendorScores {
        price: 5,
        punctuality: 4,
        attitude: 5,
    };
    let s = step(
        &s.flow,
        &agent(),
        callback(
            Satisfaction::Satisfied,
            vec![PartAnswer {
                vendor: Some(scores),
                ..answer(id)
            }],
        ),
        t0() + Duration::hours(5),
    );
    assert_eq!(
        s.flow.assignments[0].rating.and_then(|r| r.vendor),
        Some(scores)
    );
}

#[test]
fn agents_plan_reminders_while_something_can_be_chased() {
    let plan = |amount, unit| CaseAction::PlanReminders {
        every: Some(Limit::new(amount, unit)),
        until: None,
        sms: true,
    };
    let f = classified(CaseType::Complaint);
    assert_eq!(
        illegal(refuse(&f, &agent(), plan(30, LimitUnit::Minutes), t0())),
        Refusal::WrongStatus
    );
    let f = dispatched_to(vec![D1]);
    assert_eq!(
        refuse(&f, &dept(1), plan(30, LimitUnit::Minutes), t0()),
        FlowError::Forbidden
    );
    for (amount, unit) in [
        (9, LimitUnit::Minutes),
        (169, LimitUnit::Hours),
        (8, LimitUnit::Days),
        (1, LimitUnit::WorkingDays),
    ] {
        assert_eq!(
            invalid_fields(refuse(&f, &agent(), plan(amount, unit), t0())),
            ["every"]
        );
    }
    let s = step(&f, &agent(), plan(2, LimitUnit::Hours), t0());
    let p = s.flow.reminder_plan.unwrap();
    assert_eq!(p.interval(), Duration::hours(2));
    assert_eq!(s.note.as_deref(), Some("每2小时催办，短信及站内"));
    // Fed back, the callback can still be chased; archived, nothing is.
    let f = step(&s.flow, &dept(1), CaseAction::Confirm, t0()).flow;
    let f = step(&f, &dept(1), feedback(), t0()).flow;
    step(&f, &agent(), plan(1, LimitUnit::Days), t0());
    let done = step(
        &f,
        &agent(),
        callback(Satisfaction::Satisfied, vec![]),
        t0(),
    )
    .flow;
    assert_eq!(
        illegal(refuse(&done, &agent(), plan(1, LimitUnit::Days), t0())),
        Refusal::WrongStatus
    );
}

#[test]
fn an_enterprise_is_answered_helped_by_the_centre_or_dispatched() {
    let f = classified(CaseType::Enterprise);
    let offered = f.available_actions(&agent(), t0());
    for kind in [
        ActionKind::Answer,
        ActionKind::HandleInCentre,
        ActionKind::Dispatch,
    ] {
        assert!(offered.contains(&kind), "{kind:?} in {offered:?}");
    }
    let s = step(
        &f,
        &agent(),
        CaseAction::Answer {
            reply: "已告知小微企业税费减免的申报渠道".into(),
        },
        t0(),
    );
    assert_eq!(s.to, CaseStatus::Archived);
    let s = step(
        &f,
        &agent(),
        CaseAction::HandleInCentre {
            result: "已联系区行政审批局，企业次日办结开户".into(),
        },
        t0(),
    );
    assert_eq!(
        s.to,
        CaseStatus::Handled,
        "then called back, rating the departments' help"
    );
}

#[test]
fn a_praise_or_complaint_records_whom_it_is_about() {
    use hotline_domain::{Subject, SubjectKind};
    let record = |about, vendor_id, name: &str| CaseAction::RecordSubject {
        subject: Subject {
            about,
            praise: false,
            vendor_id,
            name: name.into(),
        },
    };
    let complaint = classified(CaseType::Complaint);
    assert_eq!(
        illegal(refuse(
            &complaint,
            &agent(),
            record(SubjectKind::Agent, None, "座席007号"),
            t0()
        )),
        Refusal::NotForType
    );
    let f = classified(CaseType::Praise);
    for (action, fields) in [
        (
            record(SubjectKind::Vendor, None, ""),
            vec!["subject.vendor_id"],
        ),
        (
            record(SubjectKind::VendorEmployee, Some(7), " "),
            vec!["subject.name"],
        ),
        (
            record(SubjectKind::Agent, Some(7), ""),
            vec!["subject.name", "subject.vendor_id"],
        ),
    ] {
        assert_eq!(invalid_fields(refuse(&f, &agent(), action, t0())), fields);
    }
    let s = step(
        &f,
        &agent(),
        record(SubjectKind::VendorEmployee, Some(7), " 王师傅 "),
        t0(),
    );
    let subject = s.flow.subject.unwrap();
    assert_eq!(
        (subject.vendor_id, subject.name.as_str()),
        (Some(7), "王师傅")
    );
    assert_eq!(s.note.as_deref(), Some("投诉企业员工：王师傅"));
    assert_eq!(s.to, CaseStatus::Classified, "the case moves on as before");
}

#[test]
fn a_consultation_waits_for_an_expert_then_is_answered() {
    let ask = |expert: &str, within| CaseAction::AwaitExpert {
        expert: expert.into(),
        note: "灵活就业人员社保补贴的申领条件".into(),
        reply_within: within,
    };
    let complaint = classified(CaseType::Complaint);
    assert_eq!(
        illegal(refuse(
            &complaint,
            &agent(),
            ask("人社局政策科", None),
            t0()
        )),
        Refusal::NotForType
    );
    let f = classified(CaseType::Consultation);
    assert_eq!(
        invalid_fields(refuse(&f, &agent(), ask(" ", Some(Limit::hours(0))), t0())),
        ["expert", "reply_within"]
    );
    // Monday 10:00 China time: one working day runs to the end of Tuesday.
    let s = step(&f, &agent(), ask("人社局政策科", None), t0());
    assert_eq!(s.to, CaseStatus::Classified);
    let due: DateTime<Utc> = "2026-11-24T16:00:00Z".parse().unwrap();
    assert_eq!(s.flow.remind_at, Some(due));
    assert_eq!(s.flow.reminder_due(ReminderKind::Pending, None), Some(due));
    assert_eq!(
        s.note.as_deref(),
        Some("请教人社局政策科，1个工作日内答复：灵活就业人员社保补贴的申领条件")
    );
    // The agent replies with the expert's answer: archived, nothing left to remind.
    let s = step(
        &s.flow,
        &agent(),
        CaseAction::Answer {
            reply: "经人社局答复：需在社区登记灵活就业并按月缴费满6个月".into(),
        },
        t0() + Duration::hours(20),
    );
    assert_eq!(s.to, CaseStatus::Archived);
    assert_eq!(s.flow.reminder_due(ReminderKind::Pending, None), None);
}

#[test]
fn a_callback_that_does_not_reach_the_citizen_is_tried_again() {
    let h = Duration::hours(1);
    let f = dispatched_to(vec![D1]);
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let mut f = step(&f, &dept(1), feedback(), t0()).flow;
    let no_answer = CaseAction::Callback {
        satisfaction: Satisfaction::Unconfirmed,
        note: String::new(),
        parts: Vec::new(),
    };
    // Two calls that do not get through: recorded, and the next is due four hours later.
    for attempt in 1..=2 {
        let at = t0() + h * attempt;
        let s = step(&f, &agent(), no_answer.clone(), at);
        assert_eq!(s.to, CaseStatus::FedBack, "attempt {attempt}");
        assert_eq!(s.flow.callback_attempts, attempt as u32);
        assert_eq!(s.flow.callback_due_at, Some(at + h * 4));
        assert_eq!(s.flow.satisfaction, None);
        assert_eq!(
            s.note.as_deref(),
            Some(format!("未接通（第{attempt}次）").as_str())
        );
        f = s.flow;
    }
    // The third closes the callback as "could not confirm".
    let s = step(&f, &agent(), no_answer, t0() + h * 3);
    assert_eq!(s.to, CaseStatus::CalledBack);
    assert_eq!(s.flow.satisfaction, Some(Satisfaction::Unconfirmed));
    // A new round starts counting again.
    let reopened = step(
        &f,
        &agent(),
        CaseAction::Callback {
            satisfaction: Satisfaction::Dissatisfied,
            note: "问题没有解决".into(),
            parts: Vec::new(),
        },
        t0() + h * 3,
    )
    .flow;
    let again = step(&reopened, &agent(), dispatch(vec![D1]), t0() + h * 4).flow;
    let again = step(&again, &dept(1), CaseAction::Confirm, t0() + h * 4).flow;
    let again = step(&again, &dept(1), feedback(), t0() + h * 5).flow;
    assert_eq!(again.callback_attempts, 0);
}

#[test]
fn steps_out_of_order_are_refused_by_name() {
    let f = CaseFlow::new("0101", CaseStatus::Submitted, t0());
    let e = refuse(&f, &agent(), CaseAction::Archive, t0());
    assert_eq!(e.message(Lang::Zh), "案件处于「待受理」状态，不能「归档」");
    assert_eq!(
        e.message(Lang::En),
        "Cannot archive a case that is awaiting intake"
    );
    let accepted = step(&f, &agent(), CaseAction::Accept, t0()).flow;
    assert_eq!(
        illegal(refuse(&accepted, &agent(), CaseAction::Accept, t0())),
        Refusal::WrongStatus
    );
    assert_eq!(
        illegal(refuse(&accepted, &agent(), dispatch(vec![D1]), t0())),
        Refusal::WrongStatus
    );
    let f = classified(CaseType::Complaint);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    // Feedback before confirming; a second dispatch; callback before feedback.
    assert_eq!(
        illegal(refuse(&f, &dept(1), feedback(), t0())),
        Refusal::AssignmentState(AssignmentStatus::Dispatched)
    );
    assert_eq!(
        illegal(refuse(&f, &agent(), dispatch(vec![D2]), t0())),
        Refusal::WrongStatus
    );
    let cb = CaseAction::Callback {
        satisfaction: Satisfaction::Satisfied,
        note: String::new(),
        parts: Vec::new(),
    };
    assert_eq!(
        illegal(refuse(&f, &agent(), cb, t0())),
        Refusal::WrongStatus
    );
    // Departments do not dispatch; the centre does not confirm for them.
    assert_eq!(
        refuse(&f, &dept(1), dispatch(vec![D2]), t0()),
        FlowError::Forbidden
    );
    assert_eq!(
        refuse(&f, &agent(), CaseAction::Confirm, t0()),
        FlowError::Forbidden
    );
    assert_eq!(
        refuse(&f, &dept(2), CaseAction::Confirm, t0()),
        FlowError::Forbidden
    );
}

#[test]
fn values_are_checked_by_field() {
    let f = classified(CaseType::Complaint);
    let e = refuse(
        &f,
        &agent(),
        CaseAction::Dispatch {
            to: vec![D1, D1],
            note: String::new(),
            limit: Some(Limit::days(0)),
        },
        t0(),
    );
    let FlowError::Invalid(fields) = e else {
        panic!()
    };
    assert!(fields.get("to").is_some() && fields.get("limit").is_some());
    let e = refuse(&f, &agent(), dispatch(vec![]), t0());
    assert!(matches!(e, FlowError::Invalid(ref f) if f.get("to").is_some()));
    let e = refuse(
        &CaseFlow::new("0101", CaseStatus::Accepted, t0()),
        &agent(),
        CaseAction::Classify {
            case_type: CaseType::Complaint,
            category_code: "01;drop".into(),
            remind_at: None,
            priority: None,
        },
        t0(),
    );
    assert!(matches!(e, FlowError::Invalid(ref f) if f.get("category_code").is_some()));
}

#[test]
fn supplements_open_seven_days_after_filing() {
    let f = classified(CaseType::Complaint);
    let text = || CaseAction::Supplement {
        text: "来电人补充：楼下也有积水".into(),
    };
    let early = t0() + Duration::days(7) - Duration::seconds(1);
    assert_eq!(
        illegal(refuse(&f, &agent(), text(), early)),
        Refusal::TooEarlyToSupplement
    );
    let s = step(&f, &agent(), text(), t0() + Duration::days(7));
    assert_eq!(s.from, s.to, "a supplement does not move the case");
    assert!(s.note.is_some());
}

#[test]
fn the_handling_light_switches_just_past_five_and_seven_days_from_the_first_dispatch() {
    let policy = FlowPolicy::default();
    let tick = Duration::microseconds(1);
    let f = classified(CaseType::Complaint);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let f = step(
        &f,
        &dept(1),
        CaseAction::Confirm,
        t0() + Duration::minutes(5),
    )
    .flow;
    let at = |d: Duration| f.light(t0() + d, &policy).unwrap();
    assert_eq!(at(Duration::days(3)), Light::Green);
    assert_eq!(at(Duration::days(5)), Light::Green);
    assert_eq!(at(Duration::days(5) + tick), Light::Yellow);
    assert_eq!(at(Duration::days(7)), Light::Yellow);
    assert_eq!(at(Duration::days(7) + tick), Light::Red);
    assert_eq!(
        f.light_times(&policy).unwrap().red_at,
        t0() + Duration::days(7)
    );
    // Thresholds are settings: yellow after 1 of 2 hours is after half of any limit.
    let half = FlowPolicy {
        yellow_after_hours: 1,
        red_after_hours: 2,
        ..FlowPolicy::default()
    };
    assert_eq!(
        f.light(t0() + Duration::hours(84), &half),
        Some(Light::Green)
    );
    assert_eq!(
        f.light(t0() + Duration::hours(84) + tick, &half),
        Some(Light::Yellow)
    );
    assert!(FlowPolicy {
        yellow_after_hours: 9,
        red_after_hours: 9,
        ..FlowPolicy::default()
    }
    .validate()
    .is_err());
    // Not dispatched: no light.
    assert_eq!(classified(CaseType::Complaint).light(t0(), &policy), None);
}

#[test]
fn the_light_follows_each_parts_own_limit_and_its_extensions() {
    let policy = FlowPolicy::default();
    let tick = Duration::microseconds(1);
    let dispatch_for = |days| CaseAction::Dispatch {
        to: vec![D1],
        note: String::new(),
        limit: Some(Limit::days(days)),
    };
    let confirmed = |days| {
        let f = step(
            &classified(CaseType::Complaint),
            &agent(),
            dispatch_for(days),
            t0(),
        )
        .flow;
        step(&f, &dept(1), CaseAction::Confirm, t0()).flow
    };
    // A one-day limit four days late is red; a thirty-day one on day 7 is green.
    assert_eq!(
        confirmed(1).light(t0() + Duration::days(4), &policy),
        Some(Light::Red)
    );
    assert_eq!(
        confirmed(1).light(t0() + Duration::days(1), &policy),
        Some(Light::Yellow)
    );
    assert_eq!(
        confirmed(30).light(t0() + Duration::days(7), &policy),
        Some(Light::Green)
    );
    assert_eq!(
        confirmed(30).light(t0() + Duration::days(30) + tick, &policy),
        Some(Light::Red)
    );
    // Three more days approved: red after ten.
    let f = confirmed(7);
    let f = step(
        &f,
        &dept(1),
        CaseAction::RequestExtension {
            days: 3,
            reason: "需要协调".into(),
        },
        t0() + Duration::days(1),
    )
    .flow;
    let id = f.assignments[0].id.unwrap();
    let f = step(
        &f,
        &lead(),
        CaseAction::DecideExtension {
            assignment_id: id,
            approve: true,
            note: String::new(),
        },
        t0() + Duration::days(1),
    )
    .flow;
    assert_eq!(
        f.light(t0() + Duration::days(8), &policy),
        Some(Light::Yellow)
    );
    assert_eq!(
        f.light(t0() + Duration::days(10), &policy),
        Some(Light::Yellow)
    );
    assert_eq!(
        f.light(t0() + Duration::days(10) + tick, &policy),
        Some(Light::Red)
    );
}

#[test]
fn an_unconfirmed_part_turns_the_light_red_after_half_an_hour() {
    let policy = FlowPolicy::default();
    let tick = Duration::microseconds(1);
    let f = dispatched_to(vec![D1]);
    // 5/7 of 30 minutes.
    let yellow = t0() + Duration::microseconds(30 * 60 * 1_000_000 * 5 / 7);
    assert_eq!(f.light(yellow, &policy), Some(Light::Green));
    assert_eq!(f.light(yellow + tick, &policy), Some(Light::Yellow));
    assert_eq!(
        f.light(t0() + Duration::minutes(30), &policy),
        Some(Light::Yellow)
    );
    assert_eq!(
        f.light(t0() + Duration::minutes(30) + tick, &policy),
        Some(Light::Red)
    );
    // Still unconfirmed three days on: red, not green.
    assert_eq!(f.light(t0() + Duration::days(3), &policy), Some(Light::Red));
    // Confirmed: only the handling limit runs.
    let f = step(
        &f,
        &dept(1),
        CaseAction::Confirm,
        t0() + Duration::minutes(20),
    )
    .flow;
    assert_eq!(
        f.light(t0() + Duration::days(3), &policy),
        Some(Light::Green)
    );
}

#[test]
fn a_redispatch_does_not_start_the_light_green_again() {
    let policy = FlowPolicy::default();
    let day = Duration::days(1);
    let f = dispatched_to(vec![D1]);
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let f = step(
        &f,
        &dept(1),
        CaseAction::Return {
            reason: "不属于本单位职责".into(),
        },
        t0() + day * 4,
    )
    .flow;
    // Returned and waiting for the review: the citizen's wait goes on.
    assert_eq!(f.light(t0() + day * 6, &policy), Some(Light::Yellow));
    let id = f.assignments[0].id.unwrap();
    let f = step(
        &f,
        &lead(),
        CaseAction::ReviewReturn {
            assignment_id: id,
            justified: true,
            note: String::new(),
        },
        t0() + day * 6,
    )
    .flow;
    let f = step(&f, &lead(), dispatch(vec![D2]), t0() + day * 6).flow;
    let f = step(&f, &dept(2), CaseAction::Confirm, t0() + day * 6).flow;
    assert_eq!(f.first_dispatched_at(), Some(t0()));
    assert_eq!(f.light(t0() + day * 8, &policy), Some(Light::Red));
}

#[test]
fn once_handled_the_callback_limit_runs_and_a_closed_case_has_no_light() {
    let policy = FlowPolicy::default();
    let f = dispatched_to(vec![D1]);
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let handled = t0() + Duration::days(6);
    let f = step(&f, &dept(1), feedback(), handled).flow;
    let due = f.callback_due_at.expect("a callback is due");
    assert_eq!(f.light_times(&policy).unwrap().red_at, due);
    assert_eq!(
        f.light(handled + Duration::hours(1), &policy),
        Some(Light::Green)
    );
    assert_eq!(
        f.light(due + Duration::microseconds(1), &policy),
        Some(Light::Red)
    );
    let f = step(
        &f,
        &agent(),
        CaseAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            note: String::new(),
            parts: Vec::new(),
        },
        handled + Duration::hours(2),
    )
    .flow;
    assert_eq!(f.light(handled + Duration::days(30), &policy), None);
}

#[test]
fn overdue_confirmation_completion_and_callback() {
    let f = classified(CaseType::Complaint);
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    let half = Duration::minutes(30);
    let tick = Duration::microseconds(1);
    assert!(f.overdue(t0() + half).is_empty());
    assert_eq!(f.overdue(t0() + half + tick), [Overdue::Confirmation]);
    assert_eq!(
        f.overdue(t0() + Duration::days(7) + tick),
        [Overdue::Confirmation, Overdue::Completion]
    );
    let c = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    assert_eq!(c.reminder_due(ReminderKind::Confirm, Some(0)), None);
    assert_eq!(
        c.overdue(t0() + Duration::days(7) + tick),
        [Overdue::Completion]
    );
    let d = step(&c, &dept(1), feedback(), t0()).flow;
    assert_eq!(d.reminder_due(ReminderKind::Feedback, Some(0)), None);
    assert!(d.overdue(t0() + Duration::hours(24)).is_empty());
    assert_eq!(
        d.overdue(t0() + Duration::hours(24) + tick),
        [Overdue::Callback]
    );
}

#[test]
fn actions_offered_match_what_apply_accepts() {
    let f = classified(CaseType::Complaint);
    let offered = f.available_actions(&agent(), t0());
    assert!(offered.contains(&ActionKind::Dispatch));
    assert!(offered.contains(&ActionKind::Classify));
    assert!(!offered.contains(&ActionKind::Answer));
    assert!(f.available_actions(&dept(1), t0()).is_empty());
    let f = step(&f, &agent(), dispatch(vec![D1]), t0()).flow;
    assert_eq!(
        f.available_actions(&dept(1), t0()),
        [ActionKind::Confirm, ActionKind::Return]
    );
    assert!(f.available_actions(&dept(2), t0()).is_empty());
    // Coordinators and admins take no step in the case flow.
    let admin = user("admin", Role::Admin, None, None);
    assert!(f.available_actions(&admin, t0()).is_empty());
    assert!(!admin.can(Permission::Intake));
}

#[test]
fn actions_read_as_tagged_json() {
    let a: CaseAction = serde_json::from_str(
        r#"{"action":"dispatch","to":[{"kind":"department","id":3}],"limit":{"amount":5,"unit":"working_days"}}"#,
    )
    .unwrap();
    assert_eq!(
        a,
        CaseAction::Dispatch {
            to: vec![Assignee::Department(3)],
            note: String::new(),
            limit: Some(Limit::working_days(5))
        }
    );
    let a: CaseAction =
        serde_json::from_str(r#"{"action":"callback","satisfaction":"dissatisfied"}"#).unwrap();
    assert_eq!(a.kind(), ActionKind::Callback);
    assert!(serde_json::from_str::<CaseAction>(r#"{"action":"delete"}"#).is_err());
}

#[test]
fn each_part_has_its_own_light_and_the_case_the_worst() {
    let policy = FlowPolicy::default();
    let f = dispatched_to(vec![D1, D2]);
    let f = step(&f, &dept(1), CaseAction::Confirm, t0()).flow;
    let later = t0() + Duration::days(3);
    let lights = f.lights(&policy);
    let part = |i: usize| lights.parts[i].map(|t| t.at(later));
    assert_eq!(
        part(0),
        Some(Light::Green),
        "D1 confirmed, two days from yellow"
    );
    assert_eq!(
        part(1),
        Some(Light::Red),
        "D2 has not confirmed for three days"
    );
    assert_eq!(lights.case.map(|t| t.at(later)), Some(Light::Red));
    // D1 feeds back: its part has no light any more; the case goes by D2's.
    let f = step(&f, &dept(1), feedback(), t0() + Duration::days(1)).flow;
    let lights = f.lights(&policy);
    assert_eq!(lights.parts[0], None);
    assert_eq!(lights.case, lights.parts[1]);
}

#[test]
fn working_day_limits_run_on_the_holiday_calendar() {
    let calendar = WorkCalendar::new(&hotline_domain::calendar::official_days_2026());
    let policy = FlowPolicy {
        handling: Limit::working_days(3),
        ..FlowPolicy::default()
    };
    let none = BTreeSet::new();
    let rules = FlowContext {
        policy: &policy,
        calendar: &calendar,
        urgent_categories: &none,
        limits: Default::default(),
    };
    let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().to_utc();
    let run = |f: &CaseFlow, who: &StaffUser, action: CaseAction, when: DateTime<Utc>| {
        let mut s = apply(f, who, &action, when, rules).unwrap();
        for (i, a) in s.flow.assignments.iter_mut().enumerate() {
            a.id.get_or_insert(100 + i as i64);
        }
        s
    };
    // Dispatched on Friday 13 Feb 2026 at 10:00, the eve of the Spring Festival: Saturday
    // 14th is a make-up working day (1), 15–23 are the holiday, 24th and 25th count (2, 3).
    let friday = at("2026-02-13T10:00:00+08:00");
    let f = run(
        &classified(CaseType::Complaint),
        &agent(),
        dispatch(vec![D1]),
        friday,
    );
    let part = &f.flow.assignments[0];
    assert_eq!(part.handling, Some(Limit::working_days(3)));
    assert_eq!(part.confirm_due_at, at("2026-02-13T10:30:00+08:00"));
    assert_eq!(part.due_at, at("2026-02-26T00:00:00+08:00"));
    let f = run(
        &f.flow,
        &dept(1),
        CaseAction::Confirm,
        friday + Duration::minutes(5),
    );
    // The light is red only after the end of the 25th, not at 3 calendar days.
    assert_eq!(
        f.flow.light(at("2026-02-25T23:59:00+08:00"), &policy),
        Some(Light::Yellow)
    );
    assert_eq!(
        f.flow.light(at("2026-02-26T00:00:01+08:00"), &policy),
        Some(Light::Red)
    );
    // Two more working days, asked for in time, count on from the deadline: 26th, 27th.
    let asked = run(
        &f.flow,
        &dept(1),
        CaseAction::RequestExtension {
            days: 2,
            reason: "节后需现场核实".into(),
        },
        at("2026-02-24T09:00:00+08:00"),
    );
    let id = asked.flow.assignments[0].id.unwrap();
    let approved = run(
        &asked.flow,
        &lead(),
        CaseAction::DecideExtension {
            assignment_id: id,
            approve: true,
            note: String::new(),
        },
        at("2026-02-24T10:00:00+08:00"),
    );
    assert_eq!(
        approved.flow.assignments[0].due_at,
        at("2026-02-28T00:00:00+08:00")
    );
    // A dispatcher may give calendar days or hours instead of the default.
    let urgent = run(
        &classified(CaseType::Complaint),
        &agent(),
        CaseAction::Dispatch {
            to: vec![D1],
            note: String::new(),
            limit: Some(Limit::hours(24)),
        },
        friday,
    );
    assert_eq!(
        urgent.flow.assignments[0].due_at,
        friday + Duration::hours(24)
    );
    // A limit in hours is extended in calendar days.
    assert_eq!(
        urgent.flow.assignments[0].extension_unit(),
        hotline_domain::LimitUnit::Days
    );
    let e = apply(
        &classified(CaseType::Complaint),
        &agent(),
        &CaseAction::Dispatch {
            to: vec![D1],
            note: String::new(),
            limit: Some(Limit::working_days(61)),
        },
        friday,
        rules,
    )
    .unwrap_err();
    let FlowError::Invalid(fields) = e else {
        panic!("{e:?}")
    };
    assert!(fields.get("limit").is_some());
}

#[test]
fn urgent_cases_get_short_limits_from_their_category_or_the_agent() {
    let accepted = step(
        &CaseFlow::new("0803", CaseStatus::Submitted, t0()),
        &agent(),
        CaseAction::Accept,
        t0(),
    )
    .flow;
    let classify = |code: &str, priority| CaseAction::Classify {
        case_type: CaseType::PublicAffairs,
        category_code: code.into(),
        remind_at: None,
        priority,
    };
    // A gas leak is urgent by its category (a child of an urgent code counts too); the
    // history says so.
    let leak = step(&accepted, &agent(), classify("080301", None), t0());
    assert_eq!(leak.flow.priority, Priority::Urgent);
    assert_eq!(leak.note.as_deref(), Some("H 080301 urgent"));
    let flood = step(&accepted, &agent(), classify("081101", None), t0()).flow;
    assert_eq!(flood.priority, Priority::Urgent);
    // The agent may say otherwise either way.
    let bill = step(&accepted, &agent(), classify("080303", None), t0()).flow;
    assert_eq!(bill.priority, Priority::Normal);
    let marked = step(
        &accepted,
        &agent(),
        classify("080303", Some(Priority::Urgent)),
        t0(),
    );
    assert_eq!(marked.flow.priority, Priority::Urgent);
    let calmed = step(
        &accepted,
        &agent(),
        classify("080301", Some(Priority::Normal)),
        t0(),
    );
    assert_eq!(calmed.flow.priority, Priority::Normal);
    // Re-classified without a word, an urgent case stays urgent.
    let again = step(&marked.flow, &agent(), classify("080303", None), t0()).flow;
    assert_eq!(again.priority, Priority::Urgent);
    // Dispatched: 10 minutes to confirm, 24 hours to handle, unless the dispatcher says.
    let policy = FlowPolicy::default();
    let sent = step(&leak.flow, &agent(), dispatch(vec![D1]), t0()).flow;
    let part = &sent.assignments[0];
    assert_eq!(part.confirm_due_at, t0() + Duration::minutes(10));
    assert_eq!(part.due_at, t0() + Duration::hours(24));
    assert_eq!(part.handling, Some(Limit::hours(24)));
    assert_eq!(
        sent.light(t0() + Duration::minutes(10) + Duration::seconds(1), &policy),
        Some(Light::Red)
    );
    // A wrong return sent back gets the urgent ten minutes again.
    let confirmed = step(
        &sent,
        &dept(1),
        CaseAction::Confirm,
        t0() + Duration::minutes(5),
    )
    .flow;
    let returned = step(
        &confirmed,
        &dept(1),
        CaseAction::Return {
            reason: "非本单位职责".into(),
        },
        t0() + Duration::minutes(20),
    )
    .flow;
    let back = step(
        &returned,
        &lead(),
        CaseAction::ReviewReturn {
            assignment_id: returned.assignments[0].id.unwrap(),
            justified: false,
            note: String::new(),
        },
        t0() + Duration::minutes(30),
    )
    .flow;
    assert_eq!(
        back.assignments[0].confirm_due_at,
        t0() + Duration::minutes(40)
    );
    assert_eq!(
        policy.reminder_repeat_for(Priority::Urgent),
        Duration::minutes(15)
    );
    assert_eq!(policy.escalate_at_round(Priority::Urgent), 1);
    assert_eq!(policy.escalate_at_round(Priority::Normal), 3);
}

#[test]
fn the_lead_corrects_a_case_in_flight() {
    let tick = Duration::minutes(1);
    let f = dispatched_to(vec![D1, D2]);
    // Only the lead (the Approve right), and only while the case is with departments.
    for kind in [
        ActionKind::Reclassify,
        ActionKind::Reassign,
        ActionKind::AddAssignee,
        ActionKind::ClosePart,
    ] {
        assert!(
            f.available_actions(&lead(), t0()).contains(&kind),
            "{kind:?}"
        );
        assert!(
            !f.available_actions(&agent(), t0()).contains(&kind),
            "{kind:?}"
        );
    }
    let e = refuse(
        &classified(CaseType::Complaint),
        &lead(),
        CaseAction::ClosePart {
            assignment_id: 100,
            reason: "无".into(),
        },
        t0(),
    );
    assert!(matches!(
        e,
        FlowError::Illegal {
            reason: Refusal::WrongStatus,
            ..
        }
    ));
    // Re-classified: a misfiled complaint is public affairs about gas; the parts stay, the
    // history says what it was and why.
    let s = step(
        &f,
        &lead(),
        CaseAction::Reclassify {
            case_type: CaseType::PublicAffairs,
            category_code: "080301".into(),
            priority: None,
            reason: "实为燃气泄漏".into(),
        },
        t0() + tick,
    );
    assert_eq!(s.to, CaseStatus::Dispatched);
    assert_eq!(s.flow.case_type, Some(CaseType::PublicAffairs));
    assert_eq!(s.flow.priority, Priority::Urgent);
    assert_eq!(s.category_code.as_deref(), Some("080301"));
    assert_eq!(
        s.note.as_deref(),
        Some("G 0101 → H 080301 urgent：实为燃气泄漏")
    );
    assert_eq!(s.flow.assignments, f.assignments);
    // A household service goes to one vendor: not with two departments holding it.
    let e = refuse(
        &f,
        &lead(),
        CaseAction::Reclassify {
            case_type: CaseType::Household,
            category_code: "0101".into(),
            priority: None,
            reason: "家政".into(),
        },
        t0() + tick,
    );
    assert!(matches!(e, FlowError::Invalid(ref x) if x.get("case_type").is_some()));
    // Reassigned: D1's part ends with the reason, D3 gets a fresh one with its own half
    // hour; D2 is untouched.
    let d1_part = f.assignments[0].id.unwrap();
    let s = step(
        &f,
        &lead(),
        CaseAction::Reassign {
            assignment_id: d1_part,
            to: Assignee::Department(3),
            limit: None,
            reason: "辖区调整，转秦都区".into(),
        },
        t0() + tick * 10,
    );
    let parts = &s.flow.assignments;
    assert_eq!(parts.len(), 3);
    assert!(parts[0].closed && parts[0].close_reason.as_deref() == Some("辖区调整，转秦都区"));
    assert_eq!(parts[0].closed_at, Some(t0() + tick * 10));
    assert!(!parts[1].closed);
    assert_eq!(parts[2].assignee, Assignee::Department(3));
    assert_eq!(parts[2].confirm_due_at, t0() + tick * 40);
    assert!(s.notices.contains(&(
        Recipient::Assignee(Assignee::Department(3)),
        Notice::Dispatched
    )));
    // Reassigning a returned part answers the return: accepted, not left waiting.
    let returned = step(
        &f,
        &dept(1),
        CaseAction::Return {
            reason: "非本单位职责".into(),
        },
        t0() + tick * 2,
    )
    .flow;
    let moved = step(
        &returned,
        &lead(),
        CaseAction::Reassign {
            assignment_id: d1_part,
            to: Assignee::Department(3),
            limit: None,
            reason: "转秦都区".into(),
        },
        t0() + tick * 3,
    );
    assert_eq!(moved.flow.assignments[0].return_justified, Some(true));
    assert!(!moved.flow.assignments.iter().any(|a| a.return_pending()));
    // Not to a department that already holds a part.
    let e = refuse(
        &f,
        &lead(),
        CaseAction::Reassign {
            assignment_id: d1_part,
            to: D2,
            limit: None,
            reason: "改派".into(),
        },
        t0() + tick,
    );
    assert!(matches!(e, FlowError::Invalid(ref x) if x.get("to").is_some()));
    // A department added.
    let added = step(
        &s.flow,
        &lead(),
        CaseAction::AddAssignee {
            to: Assignee::Department(4),
            limit: Some(Limit::working_days(3)),
            reason: "涉及市场监管".into(),
        },
        t0() + tick * 11,
    );
    assert_eq!(added.flow.assignments.len(), 4);
    assert_eq!(
        added.flow.assignments[3].handling,
        Some(Limit::working_days(3))
    );
    // The others feed back; D4 stays silent; the lead withdraws its part: the case is
    // handled and the callback falls due.
    let mut flow = added.flow;
    for (who, at) in [(dept(2), 20), (dept(3), 21)] {
        flow = step(&flow, &who, CaseAction::Confirm, t0() + tick * at).flow;
        flow = step(&flow, &who, feedback(), t0() + tick * (at + 30)).flow;
    }
    assert_eq!(flow.status, CaseStatus::Dispatched);
    let d4_part = flow.assignments[3].id.unwrap();
    let closed = step(
        &flow,
        &lead(),
        CaseAction::ClosePart {
            assignment_id: d4_part,
            reason: "多次催办无回应，由中心协调".into(),
        },
        t0() + tick * 100,
    );
    assert_eq!(closed.to, CaseStatus::FedBack);
    assert!(closed.flow.callback_due_at.is_some());
    assert!(closed
        .reminders
        .iter()
        .any(|r| r.kind == ReminderKind::Callback));
    // Withdrawing the only part leaves the case to be dispatched again.
    let single = dispatched_to(vec![D1]);
    let alone = step(
        &single,
        &lead(),
        CaseAction::ClosePart {
            assignment_id: single.assignments[0].id.unwrap(),
            reason: "派错".into(),
        },
        t0() + tick,
    );
    assert_eq!(alone.to, CaseStatus::Returned);
    assert!(alone
        .flow
        .available_actions(&agent(), t0() + tick)
        .contains(&ActionKind::Dispatch));
}

#[test]
fn a_simple_matter_goes_to_work_at_once_and_an_alarm_is_followed_up_within_two_hours() {
    // D: the back office works on it at once; no half hour to confirm, no confirm
    // reminder, no confirmation light.
    let f = step(
        &classified(CaseType::SimpleMatter),
        &agent(),
        dispatch(vec![D1]),
        t0(),
    );
    assert_eq!(f.to, CaseStatus::Confirmed);
    let part = &f.flow.assignments[0];
    assert_eq!(part.status, AssignmentStatus::Confirmed);
    assert_eq!(part.confirmed_at, Some(t0()));
    assert!(f.reminders.iter().all(|r| r.kind != ReminderKind::Confirm));
    assert_eq!(
        f.flow
            .light(t0() + Duration::hours(1), &FlowPolicy::default()),
        Some(Light::Green)
    );
    assert!(!f
        .flow
        .available_actions(&dept(1), t0())
        .contains(&ActionKind::Confirm));
    let done = step(&f.flow, &dept(1), feedback(), t0() + Duration::hours(3));
    assert_eq!(done.to, CaseStatus::FedBack);
    // C: a one-key alarm handled on the desk is followed up within 2 hours, not 24.
    let alarm = step(
        &classified(CaseType::OneKeyAlarm),
        &agent(),
        CaseAction::HandleInCentre {
            result: "已联系家属上门查看，老人无碍".into(),
        },
        t0(),
    );
    assert_eq!(alarm.flow.callback_due_at, Some(t0() + Duration::hours(2)));
    // Anything else: the general 24 hours.
    assert_eq!(
        done.flow.callback_due_at,
        Some(t0() + Duration::hours(3) + Duration::hours(24))
    );
}
