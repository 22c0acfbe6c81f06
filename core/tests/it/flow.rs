//! The case life cycle through the service and storage, on SQLite and on PostgreSQL: every
//! step stored with who and when, refused steps changing nothing, lights and overdue
//! counters at their boundaries, reminders across a restart, the SMS outbox.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::sms::{OutboxOnly, SmsProvider};
use hotline_core::store::NoticeTarget;
use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::flow::Refusal;
use hotline_domain::{
    ActionKind, Assignee, AssignmentStatus, CalendarDay, CaseAction, CaseDetail, CaseQuery,
    CaseStatus, CaseType, CategoryLimits, Channel, CodeEntry, DayKind, DepartmentInput, FlowError,
    FlowPolicy, Lang, Light, Limit, NewRequestInput, PartAnswer, Priority, RatingInput, Role,
    Satisfaction, StaffUser, TrackingNumber, TrackingQuery, UserInput,
};

fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

fn t0() -> DateTime<Utc> {
    at("2026-11-23T03:00:00Z")
}

struct Centre {
    h: Hotline,
    clock: Arc<FixedClock>,
    agent: StaffUser,
    lead: StaffUser,
    d1: i64,
    d2: i64,
}

impl Centre {
    fn dept(&self, id: i64) -> StaffUser {
        let mut u = staff(Role::Department, Some(id), None);
        u.username = format!("dept{id}");
        u
    }

    fn origin(user: &StaffUser) -> Origin {
        Origin {
            actor: user.actor(),
            address: Some("10.0.0.5".into()),
        }
    }

    async fn act(
        &self,
        user: &StaffUser,
        number: &str,
        action: CaseAction,
    ) -> Result<CaseDetail, ServiceError> {
        self.h.act(user, number, &action, &Self::origin(user)).await
    }

    async fn ok(&self, user: &StaffUser, number: &str, action: CaseAction) -> CaseDetail {
        let label = format!("{action:?}");
        self.act(user, number, action)
            .await
            .unwrap_or_else(|e| panic!("{label} by {}: {e:?}", user.username))
    }

    /// An agent with a stored account (what a step owned by a person, such as a pending
    /// matter's reminder, refers to).
    async fn agent_account(&self, username: &str) -> StaffUser {
        let id = self
            .h
            .add_user(
                &UserInput {
                    username: username.into(),
                    display_name: username.into(),
                    role: "agent".into(),
                    department_id: String::new(),
                    vendor_id: String::new(),
                    password: "hotline-test-2026".into(),
                    active: true,
                },
                &Origin::system(),
            )
            .await
            .unwrap();
        let mut user = staff(Role::Agent, None, None);
        user.id = id;
        user.username = username.into();
        user
    }

    fn advance(&self, by: Duration) {
        self.clock.set(self.h.now() + by);
    }

    /// A web request filed now; returns its tracking number.
    async fn file(&self) -> String {
        let input = NewRequestInput {
            category: "1001".into(),
            content: "小区门口路灯不亮已经一周".into(),
            contact_name: "王女士".into(),
            phone: "13812345678".into(),
            district: "610402".into(),
            address: "人民路 12 号".into(),
            anonymous: false,
            ..Default::default()
        };
        self.h
            .file_request(
                &input,
                Channel::Web,
                &Origin::citizen(Channel::Web, Some("203.0.113.7".into())),
            )
            .await
            .unwrap()
            .tracking_number
            .to_string()
    }

    /// Filed, accepted and classified as a complaint.
    async fn classified(&self, case_type: CaseType) -> String {
        let n = self.file().await;
        self.ok(&self.agent, &n, CaseAction::Accept).await;
        let category = self.category().await;
        self.ok(
            &self.agent,
            &n,
            CaseAction::Classify {
                case_type,
                category_code: category,
                remind_at: None,
                priority: None,
            },
        )
        .await;
        n
    }

    async fn category(&self) -> String {
        let options = self.h.form_options().await.unwrap();
        options
            .categories
            .iter()
            .find(|c| c.level == 2)
            .unwrap()
            .code
            .clone()
    }

    async fn dispatched(&self, to: Vec<Assignee>) -> String {
        let n = self.classified(CaseType::Complaint).await;
        self.ok(&self.agent, &n, dispatch(to)).await;
        n
    }

    async fn events_of(&self, number: &str) -> usize {
        self.h
            .case_for(&self.lead, number)
            .await
            .unwrap()
            .events
            .len()
    }
}

fn dispatch(to: Vec<Assignee>) -> CaseAction {
    CaseAction::Dispatch {
        to,
        note: "请按时办结".into(),
        limit: None,
    }
}

fn feedback() -> CaseAction {
    CaseAction::Feedback {
        result: "已修复路灯，已电话告知来电人".into(),
        disposition_code: Some("01".into()),
    }
}

async fn centre(db: &TestDatabase) -> Centre {
    let clock = Arc::new(FixedClock::new(t0()));
    let h = db.open(clock.clone()).await;
    let admin = staff(Role::Admin, None, None);
    let mut ids = Vec::new();
    for (code, name, phone) in [
        ("D01", "市城市管理局", "029-33211601"),
        ("D02", "秦都区人民政府", ""),
    ] {
        let id = h
            .save_department(
                &admin,
                None,
                &DepartmentInput {
                    code: code.into(),
                    name: name.into(),
                    phone: phone.into(),
                    active: true,
                },
                &Origin::system(),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    Centre {
        h,
        clock,
        agent: staff(Role::Agent, None, None),
        lead: staff(Role::ShiftLead, None, None),
        d1: ids[0],
        d2: ids[1],
    }
}

// ---- the tests, each written once -------------------------------------------------------

async fn a_complaint_goes_the_whole_way_with_every_step_stored(db: TestDatabase) {
    let c = centre(&db).await;
    let d1 = Assignee::Department(c.d1);
    let n = c.file().await;
    let case = c.ok(&c.agent, &n, CaseAction::Accept).await;
    assert_eq!(case.item.status, CaseStatus::Accepted);
    assert!(case.actions.contains(&ActionKind::Classify));
    // Filed with a district and no point: the map looks around the district's centre.
    let qindu = hotline_core::seed::district_shapes()
        .unwrap()
        .into_iter()
        .find(|d| d.code == "610402")
        .unwrap();
    assert_eq!(
        case.position,
        Some(hotline_domain::Coordinates {
            lon: qindu.center.lon,
            lat: qindu.center.lat
        })
    );
    let category = c.category().await;
    c.ok(
        &c.agent,
        &n,
        CaseAction::Classify {
            case_type: CaseType::Complaint,
            category_code: category.clone(),
            remind_at: None,
            priority: None,
        },
    )
    .await;
    c.advance(Duration::minutes(3));
    let case = c.ok(&c.agent, &n, dispatch(vec![d1])).await;
    assert_eq!(case.item.status, CaseStatus::Dispatched);
    assert_eq!(case.item.case_type, Some(CaseType::Complaint));
    assert_eq!(case.category_code, category);
    assert_eq!(case.item.assigned_to, ["市城市管理局"]);
    assert_eq!(case.item.light, Some(Light::Green));
    let part = &case.assignments[0].part;
    assert_eq!(part.confirm_due_at, c.h.now() + Duration::minutes(30));
    assert_eq!(part.due_at, c.h.now() + Duration::days(7));

    // The department sees it in its inbox and takes its steps; the other does not see it.
    let dept = c.dept(c.d1);
    let inbox =
        c.h.cases_for(
            &dept,
            &CaseQuery {
                queue: Some("todo".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert!(matches!(
        c.act(&c.dept(c.d2), &n, CaseAction::Confirm).await,
        Err(ServiceError::NotFound)
    ));
    c.advance(Duration::minutes(10));
    let case = c.ok(&dept, &n, CaseAction::Confirm).await;
    assert_eq!(case.item.status, CaseStatus::Confirmed);
    assert_eq!(
        case.actions,
        [
            ActionKind::Return,
            ActionKind::RequestExtension,
            ActionKind::Feedback
        ]
    );
    c.advance(Duration::hours(20));
    let case = c.ok(&dept, &n, feedback()).await;
    assert_eq!(case.item.status, CaseStatus::FedBack);
    assert_eq!(
        case.assignments[0].part.disposition_code.as_deref(),
        Some("01")
    );
    c.advance(Duration::hours(2));
    let case = c
        .ok(
            &c.agent,
            &n,
            CaseAction::Callback {
                satisfaction: Satisfaction::Satisfied,
                note: "来电人表示满意".into(),
                parts: Vec::new(),
            },
        )
        .await;
    assert_eq!(case.satisfaction, Some(Satisfaction::Satisfied));
    // Satisfied: archived at once.
    assert_eq!(case.item.status, CaseStatus::Archived);
    assert!(case.actions.is_empty());

    // Every step: who, when, from, to.
    let steps: Vec<(String, String, Option<CaseStatus>)> = case
        .events
        .iter()
        .map(|e| (e.kind.clone(), e.actor.clone(), e.to_status))
        .collect();
    let kinds: Vec<&str> = steps.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "accept",
            "classify",
            "dispatch",
            "confirm",
            "feedback",
            "callback"
        ]
    );
    assert_eq!(steps[4].1, "user:dept1");
    assert_eq!(steps[3].1, "user:test.agent");
    assert_eq!(
        case.events[5].at,
        t0() + Duration::minutes(13) + Duration::hours(20)
    );
    // Audited with the actor's address.
    let audit =
        c.h.audit_entries(&hotline_core::audit::AuditFilter {
            object_id: Some(n.clone()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(
        actions.contains(&"case_dispatch") && actions.contains(&"case_callback"),
        "{actions:?}"
    );
    assert!(audit
        .iter()
        .filter(|a| a.action.starts_with("case_"))
        .all(|a| a.address.as_deref() == Some("10.0.0.5")));

    // Messages: the citizen on filing (the number), acceptance, dispatch and completion;
    // the department by SMS (it has a phone) and in the app.
    let outbox = c.h.store.sms_outbox(50).await.unwrap();
    let purposes: Vec<(&str, &str)> = outbox
        .iter()
        .rev()
        .map(|m| (m.recipient.as_str(), m.purpose.as_str()))
        .collect();
    let dept_recipient = format!("department:{}", c.d1);
    assert_eq!(
        purposes,
        [
            ("citizen", "filed"),
            ("citizen", "accepted"),
            (dept_recipient.as_str(), "dispatched"),
            ("citizen", "dispatched"),
            ("citizen", "completed"),
        ]
    );
    assert!(outbox
        .iter()
        .all(|m| m.tracking_number.as_deref() == Some(n.as_str())));
    let to_dept = outbox
        .iter()
        .find(|m| m.recipient == dept_recipient)
        .unwrap();
    assert_eq!(to_dept.to_phone, "029-33211601");
    assert!(to_dept.body.contains(&n) && to_dept.body.starts_with("【咸阳12345】"));
    let notes =
        c.h.store
            .notifications(NoticeTarget::Department(c.d1), 0, 10)
            .await
            .unwrap();
    assert_eq!(notes.len(), 1);
    let centre_notes =
        c.h.store
            .notifications(NoticeTarget::Centre, 0, 10)
            .await
            .unwrap();
    assert_eq!(centre_notes[0].kind, "callback");
    c.h.store.close().await;
}

async fn refused_steps_change_nothing(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.file().await;
    let before =
        c.h.store
            .stored_case(&TrackingNumber::parse(&n).unwrap())
            .await
            .unwrap()
            .unwrap();
    // Out of order: refused by name, nothing written.
    match c.act(&c.agent, &n, CaseAction::Archive).await {
        Err(ServiceError::Flow(FlowError::Illegal {
            action,
            status,
            reason,
        })) => {
            assert_eq!(
                (action, status, reason),
                (
                    ActionKind::Archive,
                    CaseStatus::Submitted,
                    Refusal::WrongStatus
                )
            );
        }
        other => panic!("{other:?}"),
    }
    c.ok(&c.agent, &n, CaseAction::Accept).await;
    // Unknown category, unknown department, inactive department: refused by field.
    let bad = c
        .act(
            &c.agent,
            &n,
            CaseAction::Classify {
                case_type: CaseType::Complaint,
                category_code: "9999".into(),
                remind_at: None,
                priority: None,
            },
        )
        .await;
    assert!(matches!(bad, Err(ServiceError::Invalid(ref f)) if f.get("category_code").is_some()));
    let n2 = c.classified(CaseType::PublicAffairs).await;
    let bad = c
        .act(&c.agent, &n2, dispatch(vec![Assignee::Department(999_999)]))
        .await;
    assert!(matches!(bad, Err(ServiceError::Invalid(ref f)) if f.get("to").is_some()));
    // A department cannot dispatch; an admin has no case list at all.
    let bad = c
        .act(
            &c.dept(c.d1),
            &n2,
            dispatch(vec![Assignee::Department(c.d1)]),
        )
        .await;
    assert!(matches!(bad, Err(ServiceError::NotFound)), "{bad:?}");
    let admin = staff(Role::Admin, None, None);
    assert!(matches!(
        c.act(&admin, &n2, CaseAction::Archive).await,
        Err(ServiceError::Forbidden)
    ));
    // Unknown tracking number.
    assert!(matches!(
        c.act(&c.agent, "20261123999999", CaseAction::Accept).await,
        Err(ServiceError::NotFound)
    ));
    // The first case moved only by its one accepted step.
    let after =
        c.h.store
            .stored_case(&before.tracking_number)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(after.version, before.version + 1);
    assert_eq!(after.flow.status, CaseStatus::Accepted);
    assert_eq!(c.events_of(&n).await, 2);
    c.h.store.close().await;
}

async fn returns_extensions_and_reopening(db: TestDatabase) {
    let c = centre(&db).await;
    let (d1, d2) = (Assignee::Department(c.d1), Assignee::Department(c.d2));
    let n = c.dispatched(vec![d1]).await;
    let dept1 = c.dept(c.d1);
    let case = c
        .ok(
            &dept1,
            &n,
            CaseAction::Return {
                reason: "不属于本部门职责".into(),
            },
        )
        .await;
    assert_eq!(case.item.status, CaseStatus::Returned);
    let returns =
        c.h.cases_for(
            &c.lead,
            &CaseQuery {
                queue: Some("returns".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(returns.len(), 1);
    let id = case.assignments[0].part.id.unwrap();
    // Agents do not review returns; the lead does, then re-dispatches.
    assert!(matches!(
        c.act(
            &c.agent,
            &n,
            CaseAction::ReviewReturn {
                assignment_id: id,
                justified: true,
                note: String::new()
            }
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    c.ok(
        &c.lead,
        &n,
        CaseAction::ReviewReturn {
            assignment_id: id,
            justified: true,
            note: "同意退单".into(),
        },
    )
    .await;
    let case = c.ok(&c.lead, &n, dispatch(vec![d2])).await;
    assert_eq!(case.item.status, CaseStatus::Dispatched);
    assert_eq!(
        case.assignments.len(),
        2,
        "the returned part stays in the history"
    );
    assert_eq!(case.assignments[0].part.return_justified, Some(true));
    assert!(case.assignments[0].part.closed);
    // The first department still sees the case (history), but takes no step on it.
    let seen = c.h.case_for(&dept1, &n).await.unwrap();
    assert!(seen.actions.is_empty());

    // Extension: asked, approved, the deadline moves by the days asked.
    let dept2 = c.dept(c.d2);
    c.ok(&dept2, &n, CaseAction::Confirm).await;
    let case = c
        .ok(
            &dept2,
            &n,
            CaseAction::RequestExtension {
                days: 4,
                reason: "需要现场勘查".into(),
            },
        )
        .await;
    let part = &case.assignments[1].part;
    let due = part.due_at;
    let pending = c.h.case_counts(&c.lead).await.unwrap();
    assert_eq!(pending.extensions, 1);
    let case = c
        .ok(
            &c.lead,
            &n,
            CaseAction::DecideExtension {
                assignment_id: part.id.unwrap(),
                approve: true,
                note: String::new(),
            },
        )
        .await;
    assert_eq!(case.assignments[1].part.due_at, due + Duration::days(4));
    assert_eq!(c.h.case_counts(&c.lead).await.unwrap().extensions, 0);

    // A second request, then the feedback: the request is withdrawn (stored so), not
    // refused, and leaves the centre's queue.
    c.ok(
        &dept2,
        &n,
        CaseAction::RequestExtension {
            days: 2,
            reason: "等待配件".into(),
        },
    )
    .await;
    assert_eq!(c.h.case_counts(&c.lead).await.unwrap().extensions, 1);
    let case = c.ok(&dept2, &n, feedback()).await;
    let e = case.assignments[1].part.extension.clone().unwrap();
    assert_eq!((e.days, e.approved), (2, None));
    assert_eq!(e.withdrawn_at, Some(c.h.now()));
    assert_eq!(c.h.case_counts(&c.lead).await.unwrap().extensions, 0);

    // A dissatisfied callback reopens the case for another round.
    let case = c
        .ok(
            &c.agent,
            &n,
            CaseAction::Callback {
                satisfaction: Satisfaction::Dissatisfied,
                note: "路灯仍不亮".into(),
                parts: Vec::new(),
            },
        )
        .await;
    assert_eq!(case.item.status, CaseStatus::Classified);
    assert!(case.item.assigned_to.is_empty());
    let case = c.ok(&c.agent, &n, dispatch(vec![d2])).await;
    assert_eq!(case.item.status, CaseStatus::Dispatched);
    assert_eq!(
        case.assignments.iter().filter(|a| !a.part.closed).count(),
        1
    );
    c.h.store.close().await;
}

async fn lights_and_overdue_counters_switch_at_their_boundaries(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let start = c.h.now();
    let tick = Duration::microseconds(1);
    let count = |light: Light| {
        let c = &c;
        async move {
            let list =
                c.h.cases_for(
                    &c.lead,
                    &CaseQuery {
                        light: Some(light.as_code().into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let counts = c.h.case_counts(&c.lead).await.unwrap();
            let counted = match light {
                Light::Green => counts.green,
                Light::Yellow => counts.yellow,
                Light::Red => counts.red,
            };
            assert_eq!(counted as usize, list.len(), "list and counter agree");
            if let Some(item) = list.first() {
                assert_eq!(item.light, Some(light), "the list item shows its light");
            }
            list.len()
        }
    };
    let expect = |offset: Duration, expected: Option<Light>| {
        let (c, n) = (&c, &n);
        async move {
            c.clock.set(start + offset);
            for light in [Light::Green, Light::Yellow, Light::Red] {
                assert_eq!(
                    count(light).await,
                    usize::from(Some(light) == expected),
                    "{light:?} at {offset}"
                );
            }
            let case = c.h.case_for(&c.lead, n).await.unwrap();
            assert_eq!(case.item.light, expected, "the case page at {offset}");
        }
    };
    // Unconfirmed: yellow after 5/7 of the half hour, red (and overdue) after it.
    let yellow = Duration::microseconds(30 * 60 * 1_000_000 * 5 / 7);
    expect(yellow, Some(Light::Green)).await;
    expect(yellow + tick, Some(Light::Yellow)).await;
    expect(Duration::minutes(30), Some(Light::Yellow)).await;
    assert_eq!(
        c.h.case_counts(&c.lead).await.unwrap().overdue_confirmation,
        0
    );
    expect(Duration::minutes(30) + tick, Some(Light::Red)).await;
    let counts = c.h.case_counts(&c.lead).await.unwrap();
    assert_eq!(
        (counts.overdue_confirmation, counts.overdue_completion),
        (1, 0)
    );
    // Still unconfirmed after three days: red, not green.
    expect(Duration::days(3), Some(Light::Red)).await;
    // Confirmed: the handling limit, from the dispatch: 5 and 7 days.
    c.ok(&c.dept(c.d1), &n, CaseAction::Confirm).await;
    expect(Duration::days(5), Some(Light::Green)).await;
    expect(Duration::days(5) + tick, Some(Light::Yellow)).await;
    expect(Duration::days(7), Some(Light::Yellow)).await;
    expect(Duration::days(7) + tick, Some(Light::Red)).await;
    // Handled a day late: the callback limit runs from the handling; overdue a day later.
    c.clock.set(start + Duration::days(8));
    c.ok(&c.dept(c.d1), &n, feedback()).await;
    expect(Duration::days(8) + Duration::hours(1), Some(Light::Green)).await;
    expect(Duration::days(9) + tick, Some(Light::Red)).await;
    let counts = c.h.case_counts(&c.lead).await.unwrap();
    assert_eq!(
        (
            counts.overdue_confirmation,
            counts.overdue_completion,
            counts.overdue_callback,
            counts.callbacks
        ),
        (0, 0, 1, 1)
    );
    let overdue =
        c.h.cases_for(
            &c.lead,
            &CaseQuery {
                overdue: Some("callback".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(overdue.len(), 1);
    // Called back: nothing runs, so no light and no counter (not "red 1" for a done case).
    c.ok(
        &c.agent,
        &n,
        CaseAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            note: String::new(),
            parts: Vec::new(),
        },
    )
    .await;
    expect(Duration::days(30), None).await;
    // Filters by unknown codes are refused by field.
    let bad =
        c.h.cases_for(
            &c.lead,
            &CaseQuery {
                light: Some("blue".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(ServiceError::Invalid(ref f)) if f.get("light").is_some()));
    c.h.store.close().await;
}

async fn new_light_thresholds_are_applied_to_stored_cases_at_start(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    c.ok(&c.dept(c.d1), &n, CaseAction::Confirm).await;
    let start = c.h.now();
    c.clock.set(start + Duration::days(4));
    let light = |h: &Hotline| {
        let (h, lead, n) = (h.clone(), c.lead.clone(), n.clone());
        async move { h.case_for(&lead, &n).await.unwrap().item.light }
    };
    let counted_yellow = |h: &Hotline| {
        let (h, lead) = (h.clone(), c.lead.clone());
        async move { h.case_counts(&lead).await.unwrap().yellow }
    };
    assert_eq!(light(&c.h).await, Some(Light::Green));
    assert_eq!(counted_yellow(&c.h).await, 0);
    // The centre restarts with yellow after half of a limit: the stored light times are
    // worked out again, once.
    let half = c.h.clone().with_flow_policy(FlowPolicy {
        yellow_after_hours: 1,
        red_after_hours: 2,
        ..FlowPolicy::default()
    });
    half.prepare().await.unwrap();
    assert_eq!(light(&half).await, Some(Light::Yellow));
    assert_eq!(counted_yellow(&half).await, 1);
    assert_eq!(
        half.refresh_lights().await.unwrap(),
        0,
        "unchanged: nothing to do"
    );
    c.h.store.close().await;
}

async fn a_departments_counters_go_by_its_own_parts(db: TestDatabase) {
    let c = centre(&db).await;
    let (d1, d2) = (c.dept(c.d1), c.dept(c.d2));
    let both = vec![Assignee::Department(c.d1), Assignee::Department(c.d2)];
    let n = c.dispatched(both.clone()).await;
    c.ok(&d1, &n, CaseAction::Confirm).await;
    let start = c.h.now();
    c.clock.set(start + Duration::days(3));
    // D2 has not confirmed for three days: the case is red for the centre and for D2; D1,
    // confirmed and two days from yellow, sees it green.
    let lead = c.h.case_counts(&c.lead).await.unwrap();
    assert_eq!((lead.green, lead.red, lead.overdue_confirmation), (0, 1, 1));
    let mine = c.h.case_counts(&d1).await.unwrap();
    assert_eq!((mine.green, mine.red, mine.overdue_confirmation), (1, 0, 0));
    let theirs = c.h.case_counts(&d2).await.unwrap();
    assert_eq!(
        (theirs.green, theirs.red, theirs.overdue_confirmation),
        (0, 1, 1)
    );
    let red_for_d1 =
        c.h.cases_for(
            &d1,
            &CaseQuery {
                light: Some("red".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(red_for_d1.is_empty(), "the list agrees with the counter");
    let green_for_d1 =
        c.h.cases_for(
            &d1,
            &CaseQuery {
                light: Some("green".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(green_for_d1.len(), 1);
    assert_eq!(
        green_for_d1[0].light,
        Some(Light::Green),
        "the row shows D1's light"
    );
    let page = |who: &StaffUser| {
        let (h, who, n) = (c.h.clone(), who.clone(), n.clone());
        async move { h.case_for(&who, &n).await.unwrap().item.light }
    };
    assert_eq!(page(&d1).await, Some(Light::Green));
    assert_eq!(page(&d2).await, Some(Light::Red));
    assert_eq!(page(&c.lead).await, Some(Light::Red));

    // D1 returns its part and the centre accepts it; then D2 returns too. D1's return is
    // done with: D2's pending return is not D1's to count.
    let m = c.dispatched(both).await;
    c.ok(
        &d1,
        &m,
        CaseAction::Return {
            reason: "不属于本单位职责".into(),
        },
    )
    .await;
    let part = |case: &CaseDetail, department: i64| {
        case.assignments
            .iter()
            .find(|a| a.part.assignee == Assignee::Department(department) && !a.part.closed)
            .and_then(|a| a.part.id)
            .unwrap()
    };
    let case = c.h.case_for(&c.lead, &m).await.unwrap();
    c.ok(
        &c.lead,
        &m,
        CaseAction::ReviewReturn {
            assignment_id: part(&case, c.d1),
            justified: true,
            note: String::new(),
        },
    )
    .await;
    c.ok(
        &d2,
        &m,
        CaseAction::Return {
            reason: "需市级部门牵头".into(),
        },
    )
    .await;
    assert_eq!(c.h.case_counts(&c.lead).await.unwrap().returns, 1);
    assert_eq!(c.h.case_counts(&d2).await.unwrap().returns, 1);
    let mine = c.h.case_counts(&d1).await.unwrap();
    // Its to-do list holds the first case only.
    assert_eq!((mine.returns, mine.todo), (0, 1), "{mine:?}");
    // The callback is the centre's limit, never a department's.
    assert_eq!((mine.callbacks, mine.overdue_callback), (0, 0));
    c.h.store.close().await;
}

async fn a_part_has_one_open_reminder_of_each_kind(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let dept = c.dept(c.d1);
    c.ok(&dept, &n, CaseAction::Confirm).await;
    let case = c
        .ok(
            &dept,
            &n,
            CaseAction::Return {
                reason: "不属于本单位职责".into(),
            },
        )
        .await;
    // The centre finds the return wrong: the part goes back with fresh reminders, which
    // supersede the ones scheduled at the dispatch.
    c.ok(
        &c.lead,
        &n,
        CaseAction::ReviewReturn {
            assignment_id: case.assignments[0].part.id.unwrap(),
            justified: false,
            note: "属于贵单位职责范围".into(),
        },
    )
    .await;
    let open =
        c.h.store
            .due_reminders(c.h.now() + Duration::days(60), 100)
            .await
            .unwrap();
    let mut kinds: Vec<_> = open.iter().map(|r| (r.assignment_id, r.kind)).collect();
    kinds.sort_by_key(|(a, k)| (*a, k.as_code()));
    let before = kinds.len();
    kinds.dedup();
    assert_eq!(
        before,
        kinds.len(),
        "one open reminder per part and kind: {open:?}"
    );
    // Past the half hour the department hears once, not twice.
    c.clock.set(c.h.now() + Duration::minutes(31));
    assert_eq!(c.h.process_reminders().await.unwrap(), 1);
    c.h.store.close().await;
}

async fn an_unanswered_callback_is_recorded_and_tried_again(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let dept = c.dept(c.d1);
    c.ok(&dept, &n, CaseAction::Confirm).await;
    c.ok(&dept, &n, feedback()).await;
    let no_answer = || CaseAction::Callback {
        satisfaction: Satisfaction::Unconfirmed,
        note: "无人接听".into(),
        parts: Vec::new(),
    };
    c.clock.set(c.h.now() + Duration::hours(1));
    let case = c.ok(&c.agent, &n, no_answer()).await;
    assert_eq!(case.item.status, CaseStatus::FedBack);
    assert_eq!(case.satisfaction, None);
    assert_eq!(case.callback_due_at, Some(c.h.now() + Duration::hours(4)));
    assert_eq!(
        case.events.last().unwrap().note.as_deref(),
        Some("未接通（第1次）无人接听")
    );
    let stored =
        c.h.store
            .stored_case(&TrackingNumber::parse(&n).unwrap())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(stored.flow.callback_attempts, 1);
    // Still the centre's callback to make; not overdue before the next call is due.
    let counts = c.h.case_counts(&c.lead).await.unwrap();
    assert_eq!((counts.callbacks, counts.overdue_callback), (1, 0));
    c.ok(&c.agent, &n, no_answer()).await;
    let case = c.ok(&c.agent, &n, no_answer()).await;
    assert_eq!(case.item.status, CaseStatus::CalledBack);
    assert_eq!(case.satisfaction, Some(Satisfaction::Unconfirmed));
    c.h.store.close().await;
}

async fn after_the_deadline_only_the_centre_extends_it(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let dept = c.dept(c.d1);
    let case = c.ok(&dept, &n, CaseAction::Confirm).await;
    let part = case.assignments[0].part.clone();
    c.clock.set(part.due_at + Duration::hours(1));
    assert_eq!(
        c.h.case_counts(&c.lead).await.unwrap().overdue_completion,
        1
    );
    match c
        .act(
            &dept,
            &n,
            CaseAction::RequestExtension {
                days: 2,
                reason: "等待配件".into(),
            },
        )
        .await
    {
        Err(ServiceError::Flow(FlowError::Illegal { reason, .. })) => {
            assert_eq!(reason, Refusal::DeadlinePassed)
        }
        other => panic!("{other:?}"),
    }
    let case = c
        .ok(
            &c.lead,
            &n,
            CaseAction::GrantExtension {
                assignment_id: part.id.unwrap(),
                days: 2,
                reason: "配件缺货，中心同意延期".into(),
            },
        )
        .await;
    assert_eq!(
        case.assignments[0].part.due_at,
        part.due_at + Duration::days(2)
    );
    assert_eq!(
        c.h.case_counts(&c.lead).await.unwrap().overdue_completion,
        0
    );
    assert_eq!(case.events.last().unwrap().kind, "grant_extension");
    c.h.store.close().await;
}

async fn reminders_survive_a_restart_and_go_out_once(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let start = c.h.now();
    let reminders = |h: &Hotline| {
        let h = h.clone();
        async move {
            h.store
                .sms_outbox(100)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.purpose.starts_with("reminder"))
                .count()
        }
    };
    // Before the deadline nothing goes out.
    c.clock.set(start + Duration::minutes(30));
    assert_eq!(c.h.process_reminders().await.unwrap(), 0);
    // The server restarts: a new instance on the same database picks the reminder up.
    c.h.store.close().await;
    let clock = Arc::new(FixedClock::new(start + Duration::minutes(31)));
    let h = db.open(clock.clone()).await;
    let second = db.open(clock.clone()).await;
    // Two workers at once (two instances): the reminder goes out once.
    let (a, b) = tokio::join!(h.process_reminders(), second.process_reminders());
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(reminders(&h).await, 1);
    let sms = h.store.sms_outbox(1).await.unwrap().remove(0);
    assert_eq!(sms.purpose, "reminder_confirm");
    assert_eq!(sms.to_phone, "029-33211601");
    assert!(sms.body.contains("第1次"), "{}", sms.body);
    // Run again at once: nothing new. Past the hour: the second round.
    assert_eq!(h.process_reminders().await.unwrap(), 0);
    clock.set(start + Duration::minutes(31) + Duration::minutes(59));
    assert_eq!(h.process_reminders().await.unwrap(), 0);
    clock.set(start + Duration::minutes(31) + Duration::minutes(61));
    assert_eq!(h.process_reminders().await.unwrap(), 1);
    assert!(h.store.sms_outbox(1).await.unwrap()[0]
        .body
        .contains("第2次"));
    // Confirmed: the confirm reminder ends; the feedback one waits for its deadline, which
    // an approved extension moves.
    let dept = c.dept(c.d1);
    let origin = Origin {
        actor: dept.actor(),
        address: None,
    };
    h.act(&dept, &n, &CaseAction::Confirm, &origin)
        .await
        .unwrap();
    clock.set(start + Duration::days(3));
    assert_eq!(h.process_reminders().await.unwrap(), 0);
    let case = h
        .act(
            &dept,
            &n,
            &CaseAction::RequestExtension {
                days: 2,
                reason: "等待配件".into(),
            },
            &origin,
        )
        .await
        .unwrap();
    let id = case.assignments[0].part.id.unwrap();
    h.act(
        &c.lead,
        &n,
        &CaseAction::DecideExtension {
            assignment_id: id,
            approve: true,
            note: String::new(),
        },
        &origin,
    )
    .await
    .unwrap();
    clock.set(start + Duration::days(7) + Duration::minutes(1));
    assert_eq!(
        h.process_reminders().await.unwrap(),
        0,
        "the deadline moved by two days"
    );
    clock.set(start + Duration::days(9) + Duration::minutes(1));
    assert_eq!(h.process_reminders().await.unwrap(), 1);
    assert_eq!(
        h.store.sms_outbox(1).await.unwrap()[0].purpose,
        "reminder_feedback"
    );
    // Fed back: no more feedback reminders; the centre is reminded of the callback.
    h.act(&dept, &n, &feedback(), &origin).await.unwrap();
    clock.set(start + Duration::days(11));
    assert_eq!(h.process_reminders().await.unwrap(), 1);
    let centre = h
        .store
        .notifications(NoticeTarget::Centre, 0, 1)
        .await
        .unwrap();
    assert_eq!(centre[0].kind, "reminder_callback");
    assert_eq!(reminders(&h).await, 3, "callback reminders are in-app only");
    h.store.close().await;
    second.store.close().await;
}

async fn the_sms_worker_hands_messages_to_the_provider(db: TestDatabase) {
    struct Failing;
    #[async_trait::async_trait]
    impl SmsProvider for Failing {
        fn name(&self) -> &'static str {
            "failing"
        }
        async fn send(&self, _: &str, _: &str) -> Result<Option<String>, String> {
            Err("gateway unreachable".into())
        }
    }
    let c = centre(&db).await;
    let n = c.file().await;
    // The filing's confirmation is queued with the filing.
    let filed = c.h.store.queued_sms(10).await.unwrap();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].purpose, "filed");
    assert_eq!(filed[0].to_phone, "13812345678");
    assert!(filed[0].body.contains(&n), "{}", filed[0].body);
    c.ok(&c.agent, &n, CaseAction::Accept).await;
    assert_eq!(c.h.store.queued_sms(10).await.unwrap().len(), 2);
    assert_eq!(c.h.deliver_sms(&Failing).await.unwrap(), 0);
    let failed = &c.h.store.sms_outbox(1).await.unwrap()[0];
    assert_eq!(
        (failed.status.as_str(), failed.error.as_deref()),
        ("failed", Some("gateway unreachable"))
    );
    c.ok(
        &c.agent,
        &n,
        CaseAction::Classify {
            case_type: CaseType::Complaint,
            category_code: c.category().await,
            remind_at: None,
            priority: None,
        },
    )
    .await;
    c.ok(&c.agent, &n, dispatch(vec![Assignee::Department(c.d1)]))
        .await;
    assert_eq!(c.h.deliver_sms(&OutboxOnly).await.unwrap(), 2);
    assert!(c.h.store.queued_sms(10).await.unwrap().is_empty());
    let sent = &c.h.store.sms_outbox(1).await.unwrap()[0];
    assert_eq!(
        (sent.status.as_str(), sent.provider.as_deref()),
        ("sent", Some("outbox"))
    );
    assert!(sent.sent_at.is_some());
    c.h.store.close().await;
}

async fn simultaneous_steps_on_one_case_do_not_both_win(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let dept = c.dept(c.d1);
    let (a, b) = tokio::join!(
        c.act(&dept, &n, CaseAction::Confirm),
        c.act(&dept, &n, CaseAction::Confirm)
    );
    let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{a:?} / {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(loser, Err(ServiceError::Flow(FlowError::Illegal { .. }))),
        "{loser:?}"
    );
    let confirms =
        c.h.case_for(&c.lead, &n)
            .await
            .unwrap()
            .events
            .iter()
            .filter(|e| e.kind == "confirm")
            .count();
    assert_eq!(confirms, 1);
    c.h.store.close().await;
}

async fn the_demo_cases_follow_the_rules_in_storage(db: TestDatabase) {
    let clock = Arc::new(FixedClock::new(t0()));
    let h = db.open(clock).await;
    h.load_demo_if_empty(hotline_core::seed::demo::DemoSize {
        vendors: 30,
        providers: 20,
        elderly: 0,
        past_cases: 150,
        waiting_requests: 2,
    })
    .await
    .unwrap();
    let lead = staff(Role::ShiftLead, None, None);
    let counts = h.case_counts(&lead).await.unwrap();
    assert!(counts.green > 0 && counts.todo > 0, "{counts:?}");
    // Every stored case reads back and its offered actions apply.
    let all = CaseQuery {
        limit: Some(200),
        ..CaseQuery::default()
    };
    let list = h.cases_for(&lead, &all).await.unwrap();
    assert!(list.len() > 100);
    for item in list.iter().take(60) {
        let case = h
            .case_for(&lead, item.tracking_number.as_str())
            .await
            .unwrap();
        let stored = h
            .store
            .stored_case(&item.tracking_number)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.flow.status, case.item.status);
        assert_eq!(
            case.events.last().unwrap().to_status,
            Some(case.item.status)
        );
    }
    // The demo's callbacks stored their verdicts: vendors' scores, and rounds kept.
    let mut scored = 0;
    let mut second_rounds = 0;
    let mut with_volunteers = 0;
    for item in &list {
        let flow = h
            .store
            .stored_case(&item.tracking_number)
            .await
            .unwrap()
            .unwrap()
            .flow;
        for a in &flow.assignments {
            if let Assignee::Provider(id) = a.assignee {
                assert_eq!(flow.case_type, Some(CaseType::HomeCare));
                assert!(
                    h.store
                        .assignee_contact(a.assignee)
                        .await
                        .unwrap()
                        .is_some(),
                    "{id}"
                );
                with_volunteers += 1;
            }
            if let Some(v) = a.rating.and_then(|r| r.vendor) {
                assert!([v.price, v.punctuality, v.attitude]
                    .iter()
                    .all(|s| (1..=5).contains(s)));
                scored += 1;
            }
        }
        if flow.round == 2 {
            second_rounds += 1;
            // The part that fed back in the first round (a part returned in it has no
            // verdict).
            let first = flow
                .assignments
                .iter()
                .find(|a| a.round == 1 && a.fed_back_at.is_some())
                .unwrap();
            assert!(first.closed);
            assert_eq!(
                first.rating.map(|r| r.outcome),
                Some(Satisfaction::Dissatisfied)
            );
        }
    }
    assert!(
        scored > 0 && second_rounds > 0 && with_volunteers > 0,
        "{scored} {second_rounds} {with_volunteers}"
    );
    // Each praise or complaint names whom it is about, a vendor by its stored id.
    let mut about_vendors = 0;
    for item in list
        .iter()
        .filter(|i| i.case_type == Some(CaseType::Praise))
    {
        let case = h
            .case_for(&lead, item.tracking_number.as_str())
            .await
            .unwrap();
        let subject = case.subject.clone().expect("recorded");
        if subject.vendor_id.is_some() {
            assert!(case.subject_vendor.is_some(), "{case:?}");
            about_vendors += 1;
        }
    }
    assert!(about_vendors > 0);
    h.store.close().await;
}

async fn callback_verdicts_and_rounds_are_stored(db: TestDatabase) {
    let c = centre(&db).await;
    let (d1, d2) = (Assignee::Department(c.d1), Assignee::Department(c.d2));
    let n = c.dispatched(vec![d1, d2]).await;
    for d in [c.d1, c.d2] {
        c.ok(&c.dept(d), &n, CaseAction::Confirm).await;
    }
    c.ok(&c.dept(c.d1), &n, feedback()).await;
    c.advance(Duration::days(9));
    let case = c.ok(&c.dept(c.d2), &n, feedback()).await;
    let ids: Vec<i64> = case
        .assignments
        .iter()
        .map(|a| a.part.id.unwrap())
        .collect();
    let verdict = |id, outcome, handler| PartAnswer {
        assignment_id: id,
        outcome,
        handler,
        vendor: None,
    };
    // A refused callback stores nothing.
    let events = c.events_of(&n).await;
    let refused = c
        .act(
            &c.agent,
            &n,
            CaseAction::Callback {
                satisfaction: Satisfaction::Dissatisfied,
                note: String::new(),
                parts: vec![verdict(ids[0], Some(Satisfaction::Unconfirmed), None)],
            },
        )
        .await;
    match refused {
        Err(ServiceError::Invalid(f)) => assert!(f.get("parts.0.outcome").is_some()),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.events_of(&n).await, events);

    c.ok(
        &c.agent,
        &n,
        CaseAction::Callback {
            satisfaction: Satisfaction::Dissatisfied,
            note: "灯还是不亮".into(),
            parts: vec![verdict(
                ids[0],
                Some(Satisfaction::Satisfied),
                Some(Satisfaction::Satisfied),
            )],
        },
    )
    .await;
    let case = c.ok(&c.lead, &n, dispatch(vec![d2])).await;
    c.ok(&c.dept(c.d2), &n, CaseAction::Confirm).await;
    c.ok(&c.dept(c.d2), &n, feedback()).await;
    let new_part = case.assignments[2].part.id.unwrap();
    c.ok(
        &c.agent,
        &n,
        CaseAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            note: String::new(),
            parts: vec![verdict(new_part, None, Some(Satisfaction::Dissatisfied))],
        },
    )
    .await;
    // Read back from storage: both rounds, with their times, lateness and verdicts.
    let flow =
        c.h.store
            .stored_case(&TrackingNumber::parse(&n).unwrap())
            .await
            .unwrap()
            .unwrap()
            .flow;
    let seen: Vec<(u32, bool, Satisfaction, Option<Satisfaction>)> = flow
        .assignments
        .iter()
        .map(|a| {
            let r = a.rating.unwrap();
            (a.round, a.late(), r.outcome, r.handler)
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                1,
                false,
                Satisfaction::Satisfied,
                Some(Satisfaction::Satisfied)
            ),
            (1, true, Satisfaction::Dissatisfied, None),
            (
                2,
                false,
                Satisfaction::Satisfied,
                Some(Satisfaction::Dissatisfied)
            ),
        ]
    );
    assert_eq!(flow.round, 2);
    assert_eq!(flow.status, CaseStatus::Archived);
    c.h.store.close().await;
}

async fn working_day_limits_follow_the_calendar_administrators_keep(db: TestDatabase) {
    let c = centre(&db).await;
    let admin = staff(Role::Admin, None, None);
    let origin = Centre::origin(&admin);
    // A new database has the official 2026 schedule, and says 2027 is missing.
    let year = c.h.calendar_year(&admin, 2026).await.unwrap();
    assert_eq!(year.days.len(), 39);
    assert!(!year.days.is_empty() && year.next_year_empty);
    assert!(year
        .days
        .iter()
        .any(|d| d.date.to_string() == "2026-02-14" && d.kind == DayKind::Workday));
    assert!(matches!(
        c.h.calendar_year(&c.agent, 2026).await,
        Err(ServiceError::Forbidden)
    ));
    let h = c.h.clone().with_flow_policy(FlowPolicy {
        handling: Limit::working_days(4),
        ..FlowPolicy::default()
    });
    let act = |user: &StaffUser, n: &str, action: CaseAction| {
        let (h, user, n) = (h.clone(), user.clone(), n.to_string());
        async move {
            h.act(&user, &n, &action, &Centre::origin(&user))
                .await
                .unwrap_or_else(|e| panic!("{action:?}: {e:?}"))
        }
    };
    let d1 = Assignee::Department(c.d1);
    // Monday 23 Nov 2026, 11:00 in Xianyang: Tuesday to Friday are the 4 working days.
    let before = c.classified(CaseType::Complaint).await;
    let case = act(&c.agent, &before, dispatch(vec![d1])).await;
    let part = &case.assignments[0].part;
    assert_eq!(part.due_at, at("2026-11-28T00:00:00+08:00"));
    assert_eq!(part.handling, Some(Limit::working_days(4)));
    // The centre learns of a local holiday on Wednesday and a make-up Saturday.
    let day = |date: &str, kind, name: &str| CalendarDay {
        date: date.parse().unwrap(),
        kind,
        name: name.into(),
    };
    c.h.put_calendar_day(
        &admin,
        &day("2026-11-25", DayKind::Holiday, "测试放假"),
        &origin,
    )
    .await
    .unwrap();
    c.h.put_calendar_day(
        &admin,
        &day("2026-11-28", DayKind::Workday, "测试调休"),
        &origin,
    )
    .await
    .unwrap();
    // A make-up day on a weekday is refused by field, nothing written.
    match c
        .h
        .put_calendar_day(&admin, &day("2026-11-26", DayKind::Workday, "错"), &origin)
        .await
    {
        Err(ServiceError::Invalid(fields)) => assert!(fields.get("date").is_some()),
        other => panic!("{other:?}"),
    }
    // Dispatched now: Tuesday, Thursday, Friday and the make-up Saturday.
    let after = c.classified(CaseType::Complaint).await;
    let case = act(&c.agent, &after, dispatch(vec![d1])).await;
    let part = case.assignments[0].part.clone();
    assert_eq!(part.due_at, at("2026-11-29T00:00:00+08:00"));
    // A deadline is fixed when it is set: the earlier case keeps the date its department
    // was sent.
    let earlier = c.h.case_for(&c.lead, &before).await.unwrap();
    assert_eq!(
        earlier.assignments[0].part.due_at,
        at("2026-11-28T00:00:00+08:00")
    );
    // An extension of a working-day limit counts working days from the day it ended on:
    // Sunday is off, Monday 30 Nov is the one more day.
    let dept = c.dept(c.d1);
    act(&dept, &after, CaseAction::Confirm).await;
    let asked = act(
        &dept,
        &after,
        CaseAction::RequestExtension {
            days: 1,
            reason: "需协调供水企业".into(),
        },
    )
    .await;
    let id = asked.assignments[0].part.id.unwrap();
    let case = act(
        &c.lead,
        &after,
        CaseAction::DecideExtension {
            assignment_id: id,
            approve: true,
            note: String::new(),
        },
    )
    .await;
    let due = case.assignments[0].part.due_at;
    assert_eq!(due, at("2026-12-01T00:00:00+08:00"));
    // The light turns red just after that, not at the calendar-day limit.
    c.clock.set(due);
    let light_at = |n: String| {
        let h = h.clone();
        let lead = c.lead.clone();
        async move { h.case_for(&lead, &n).await.unwrap().item.light }
    };
    assert_eq!(light_at(after.clone()).await, Some(Light::Yellow));
    c.clock.set(due + Duration::seconds(1));
    assert_eq!(light_at(after.clone()).await, Some(Light::Red));
    // Removing a date makes it an ordinary day again; removing it twice finds nothing.
    let wednesday = "2026-11-25".parse().unwrap();
    c.h.remove_calendar_day(&admin, wednesday, &origin)
        .await
        .unwrap();
    assert!(matches!(
        c.h.remove_calendar_day(&admin, wednesday, &origin).await,
        Err(ServiceError::NotFound)
    ));
    // Every change is audited with before and after.
    let entries =
        c.h.audit_entries(&AuditFilter {
            object_type: Some("calendar".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["delete", "create", "create", "load"]);
    assert!(entries[0].before.as_deref().unwrap().contains("测试放假"));
    c.h.store.close().await;
}

async fn urgent_cases_come_first_move_faster_and_reach_the_lead(db: TestDatabase) {
    let c = centre(&db).await;
    let h = c.h.clone().with_duty_phone(Some("13900001111".into()));
    let origin = Origin::citizen(Channel::Web, Some("203.0.113.7".into()));
    let file = |category: &str| {
        let (h, origin) = (h.clone(), origin.clone());
        let input = NewRequestInput {
            category: category.into(),
            content: "单元门口闻到很浓的煤气味".into(),
            contact_name: "李先生".into(),
            phone: "13812345678".into(),
            district: "610402".into(),
            address: "渭阳西路 8 号".into(),
            anonymous: false,
            ..Default::default()
        };
        async move {
            h.file_request(&input, Channel::Web, &origin)
                .await
                .unwrap()
                .tracking_number
                .to_string()
        }
    };
    // A gas leak filed on the web is urgent by its category and heads the agents' queue,
    // ahead of an ordinary request filed after it.
    let leak = file("080301").await;
    c.advance(Duration::minutes(1));
    let lamp = file("080303").await;
    let queue = h.new_requests(&c.agent).await.unwrap();
    let order: Vec<_> = queue
        .iter()
        .map(|r| (r.tracking_number.to_string(), r.priority))
        .collect();
    assert_eq!(
        order,
        [
            (leak.clone(), Priority::Urgent),
            (lamp.clone(), Priority::Normal)
        ]
    );
    // Classified without a word it stays urgent; dispatched, the department has ten
    // minutes to confirm and a day to handle.
    let act = |user: &StaffUser, n: &str, action: CaseAction| {
        let (h, user, n) = (h.clone(), user.clone(), n.to_string());
        async move {
            h.act(&user, &n, &action, &Centre::origin(&user))
                .await
                .unwrap_or_else(|e| panic!("{action:?}: {e:?}"))
        }
    };
    for n in [&leak, &lamp] {
        act(&c.agent, n, CaseAction::Accept).await;
        act(
            &c.agent,
            n,
            CaseAction::Classify {
                case_type: CaseType::PublicAffairs,
                category_code: if n == &leak { "080301" } else { "080303" }.into(),
                remind_at: None,
                priority: None,
            },
        )
        .await;
    }
    let start = h.now();
    let case = act(&c.agent, &leak, dispatch(vec![Assignee::Department(c.d1)])).await;
    assert_eq!(case.item.priority, Priority::Urgent);
    let part = &case.assignments[0].part;
    assert_eq!(part.confirm_due_at, start + Duration::minutes(10));
    assert_eq!(part.due_at, start + Duration::hours(24));
    act(&c.agent, &lamp, dispatch(vec![Assignee::Department(c.d1)])).await;
    // Every list shows the urgent case in hand first, though it is older.
    let list = h.cases_for(&c.lead, &CaseQuery::default()).await.unwrap();
    assert_eq!(list[0].tracking_number.to_string(), leak);
    assert_eq!(list[0].priority, Priority::Urgent);
    let department = h
        .cases_for(&c.dept(c.d1), &CaseQuery::default())
        .await
        .unwrap();
    assert_eq!(department[0].tracking_number.to_string(), leak);
    // Eleven minutes on, unconfirmed: the department is reminded, and at this first round
    // of an urgent case the shift lead hears of it in-app and on the duty phone.
    c.clock.set(start + Duration::minutes(11));
    assert_eq!(h.process_reminders().await.unwrap(), 1);
    let escalations = |h: &Hotline| {
        let h = h.clone();
        async move {
            h.store
                .sms_outbox(100)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.purpose == "escalation")
                .collect::<Vec<_>>()
        }
    };
    let sent = escalations(&h).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to_phone, "13900001111");
    assert!(
        sent[0].body.contains(&leak) && sent[0].body.contains("紧急件"),
        "{}",
        sent[0].body
    );
    let notices = h.notifications_for(&c.lead).await.unwrap();
    assert!(notices.iter().any(|n| n.kind == "escalation"));
    // The next round comes 15 minutes later, not an hour; the lead is not told twice.
    c.clock.set(start + Duration::minutes(25));
    assert_eq!(h.process_reminders().await.unwrap(), 0);
    c.clock.set(start + Duration::minutes(27));
    assert_eq!(h.process_reminders().await.unwrap(), 1);
    assert_eq!(escalations(&h).await.len(), 1);
    // The ordinary case is escalated only at its third round (1, 2, 3 hours after its
    // confirmation deadline), and reminders stop after the last round.
    let ordinary = c.h.clone().with_flow_policy(FlowPolicy {
        reminder_max_rounds: 4,
        ..FlowPolicy::default()
    });
    let lamp_due = start + Duration::minutes(30);
    let mut rounds = 0;
    for minutes in [1, 62, 123, 184, 245, 306] {
        c.clock.set(lamp_due + Duration::minutes(minutes));
        let sent = ordinary.process_reminders().await.unwrap();
        rounds += sent;
    }
    let lamp_sms: Vec<_> = h
        .store
        .sms_outbox(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.body.contains(&lamp))
        .collect();
    let lamp_escalations = lamp_sms
        .iter()
        .filter(|m| m.purpose == "escalation")
        .count();
    assert_eq!(lamp_escalations, 0, "no duty phone on this instance");
    let lamp_notices = h
        .notifications_for(&c.lead)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == "escalation" && n.message.contains(&lamp))
        .count();
    assert_eq!(lamp_notices, 1);
    // Urgent reminders were sent meanwhile too, but the lamp's stopped at round 4.
    let lamp_rounds = lamp_sms
        .iter()
        .filter(|m| m.purpose == "reminder_confirm")
        .count();
    assert_eq!(lamp_rounds, 4);
    assert!(rounds >= 4);
    c.h.store.close().await;
}

async fn the_lead_reassigns_adds_and_withdraws_parts(db: TestDatabase) {
    let c = centre(&db).await;
    let admin = staff(Role::Admin, None, None);
    let d3 =
        c.h.save_department(
            &admin,
            None,
            &DepartmentInput {
                code: "D03".into(),
                name: "渭城区人民政府".into(),
                phone: "029-33215678".into(),
                active: true,
            },
            &Origin::system(),
        )
        .await
        .unwrap();
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let todo = |user: StaffUser| {
        let h = c.h.clone();
        async move {
            h.cases_for(
                &user,
                &CaseQuery {
                    queue: Some("todo".into()),
                    ..CaseQuery::default()
                },
            )
            .await
            .unwrap()
            .len()
        }
    };
    assert_eq!(todo(c.dept(c.d1)).await, 1);
    // The agent may not; the lead may, with a reason, to an active department only.
    let part = c.h.case_for(&c.lead, &n).await.unwrap().assignments[0]
        .part
        .id
        .unwrap();
    let reassign = |to: i64, reason: &str| CaseAction::Reassign {
        assignment_id: part,
        to: Assignee::Department(to),
        limit: None,
        reason: reason.into(),
    };
    assert!(matches!(
        c.act(&c.agent, &n, reassign(d3, "改派")).await,
        Err(ServiceError::Forbidden | ServiceError::Flow(FlowError::Forbidden))
    ));
    match c.act(&c.lead, &n, reassign(9_999, "改派")).await {
        Err(ServiceError::Invalid(f)) => assert!(f.get("to").is_some()),
        other => panic!("{other:?}"),
    }
    match c.act(&c.lead, &n, reassign(d3, " ")).await {
        Err(ServiceError::Invalid(f)) => assert!(f.get("reason").is_some()),
        other => panic!("{other:?}"),
    }
    c.advance(Duration::minutes(5));
    let case = c.ok(&c.lead, &n, reassign(d3, "属渭城区辖区")).await;
    // Stored: the old part closed with when and why, the new one with its own deadlines.
    let old = &case.assignments[0].part;
    assert!(old.closed);
    assert_eq!(old.close_reason.as_deref(), Some("属渭城区辖区"));
    assert_eq!(old.closed_at, Some(c.h.now()));
    let new = &case.assignments[1].part;
    assert_eq!(new.assignee, Assignee::Department(d3));
    assert_eq!(new.confirm_due_at, c.h.now() + Duration::minutes(30));
    assert_eq!(case.events.last().unwrap().kind, "reassign");
    assert_eq!(
        case.events.last().unwrap().note.as_deref(),
        Some("属渭城区辖区")
    );
    // The work moved: out of the first department's queue, into the new one's, which
    // was told by SMS.
    assert_eq!(todo(c.dept(c.d1)).await, 0);
    assert_eq!(todo(c.dept(d3)).await, 1);
    let sms = c.h.store.sms_outbox(5).await.unwrap();
    assert!(sms
        .iter()
        .any(|m| m.to_phone == "029-33215678" && m.body.contains(&n)));
    // A second department added, then withdrawn when it stays silent; the first feeds back.
    c.ok(
        &c.lead,
        &n,
        CaseAction::AddAssignee {
            to: Assignee::Department(c.d2),
            limit: None,
            reason: "涉及秦都区".into(),
        },
    )
    .await;
    let dept3 = c.dept(d3);
    c.ok(&dept3, &n, CaseAction::Confirm).await;
    c.ok(&dept3, &n, feedback()).await;
    let silent = c.h.case_for(&c.lead, &n).await.unwrap().assignments[2]
        .part
        .id
        .unwrap();
    let case = c
        .ok(
            &c.lead,
            &n,
            CaseAction::ClosePart {
                assignment_id: silent,
                reason: "多次督办无回应".into(),
            },
        )
        .await;
    assert_eq!(case.item.status, CaseStatus::FedBack);
    assert!(case.callback_due_at.is_some());
    let stored =
        c.h.store
            .stored_case(&TrackingNumber::parse(&n).unwrap())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        stored.flow.assignments[2].close_reason.as_deref(),
        Some("多次督办无回应")
    );
    // The re-classification of a case in flight is the lead's too, recorded with why.
    let m = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let case = c
        .ok(
            &c.lead,
            &m,
            CaseAction::Reclassify {
                case_type: CaseType::PublicAffairs,
                category_code: "080301".into(),
                priority: None,
                reason: "实为燃气泄漏".into(),
            },
        )
        .await;
    assert_eq!(case.item.case_type, Some(CaseType::PublicAffairs));
    assert_eq!(case.item.priority, Priority::Urgent);
    assert_eq!(case.category_code, "080301");
    assert!(case
        .events
        .last()
        .unwrap()
        .note
        .as_deref()
        .unwrap()
        .ends_with("实为燃气泄漏"));
    c.h.store.close().await;
}

async fn type_paths_a_back_office_queue_and_a_short_alarm_follow_up(db: TestDatabase) {
    let c = centre(&db).await;
    // D: dispatched to the back office, worked on at once; nothing chases a confirmation.
    let n = c.classified(CaseType::SimpleMatter).await;
    let case = c
        .ok(&c.agent, &n, dispatch(vec![Assignee::Department(c.d1)]))
        .await;
    assert_eq!(case.item.status, CaseStatus::Confirmed);
    assert_eq!(case.assignments[0].part.status, AssignmentStatus::Confirmed);
    c.clock.set(c.h.now() + Duration::hours(1));
    assert_eq!(c.h.process_reminders().await.unwrap(), 0);
    assert_eq!(
        c.h.case_counts(&c.lead).await.unwrap().overdue_confirmation,
        0
    );
    // C: an alarm handled on the desk is followed up within two hours.
    let alarm = c.classified(CaseType::OneKeyAlarm).await;
    let case = c
        .ok(
            &c.agent,
            &alarm,
            CaseAction::HandleInCentre {
                result: "已联系家属上门，老人安全".into(),
            },
        )
        .await;
    assert_eq!(case.callback_due_at, Some(c.h.now() + Duration::hours(2)));
    c.h.store.close().await;
}

async fn a_pending_matter_reminds_its_owner_who_marks_notices_read(db: TestDatabase) {
    let c = centre(&db).await;
    let (owner, other) = (
        &c.agent_account("agent.li").await,
        &c.agent_account("agent.wang").await,
    );
    let n = c.file().await;
    c.ok(owner, &n, CaseAction::Accept).await;
    let category = c.category().await;
    c.ok(
        owner,
        &n,
        CaseAction::Classify {
            case_type: CaseType::Pending,
            category_code: category,
            remind_at: Some(c.h.now() + Duration::hours(2)),
            priority: None,
        },
    )
    .await;
    c.advance(Duration::hours(2) + Duration::minutes(1));
    assert_eq!(c.h.process_reminders().await.unwrap(), 1);
    let pending = |list: &[hotline_domain::Notification]| {
        list.iter()
            .filter(|m| m.kind == "reminder_pending")
            .cloned()
            .collect::<Vec<_>>()
    };
    // The owner hears of it, unread; the other agent does not.
    let mine = pending(&c.h.notifications_for(owner).await.unwrap());
    assert_eq!(mine.len(), 1);
    assert!(mine[0].unread && mine[0].tracking_number.as_deref() == Some(n.as_str()));
    assert!(pending(&c.h.notifications_for(other).await.unwrap()).is_empty());
    assert!(pending(&c.h.notifications_for(&c.agent).await.unwrap()).is_empty());

    // Read up to it: no longer unread for the owner. An id that is not among theirs is
    // refused by field, and reading never goes back.
    match c.h.mark_notices_read(other, mine[0].id).await {
        Err(ServiceError::Invalid(f)) => assert!(f.get("up_to").is_some()),
        r => panic!("{r:?}"),
    }
    c.h.mark_notices_read(owner, mine[0].id).await.unwrap();
    let read = c.h.notifications_for(owner).await.unwrap();
    assert!(read.iter().all(|m| !m.unread), "{read:?}");
    // A later centre notice is unread for both agents.
    let d = Assignee::Department(c.d1);
    let m = c.dispatched(vec![d]).await;
    c.ok(&c.dept(c.d1), &m, CaseAction::Confirm).await;
    c.ok(&c.dept(c.d1), &m, feedback()).await;
    for agent in [owner, other] {
        let list = c.h.notifications_for(agent).await.unwrap();
        assert!(list[0].unread && list[0].kind == "callback", "{list:?}");
    }
    let list = c.h.notifications_for(owner).await.unwrap();
    let (newest, oldest) = (list[0].id, list.last().unwrap().id);
    c.h.mark_notices_read(owner, newest).await.unwrap();
    c.h.mark_notices_read(owner, oldest).await.unwrap();
    assert!(!c.h.notifications_for(owner).await.unwrap()[0].unread);
    assert!(c.h.notifications_for(other).await.unwrap()[0].unread);
    c.h.store.close().await;
}

async fn the_agent_sets_how_often_and_until_when_a_case_is_chased(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let start = c.h.now();
    let plan = |every, until| CaseAction::PlanReminders {
        every,
        until,
        sms: false,
    };
    // Refused by field, nothing stored: too often, in working days, an end already past.
    let events = c.events_of(&n).await;
    for (action, field) in [
        (plan(Some(Limit::minutes(5)), None), "every"),
        (plan(Some(Limit::working_days(1)), None), "every"),
        (plan(Some(Limit::minutes(10)), Some(start)), "until"),
    ] {
        match c.act(&c.agent, &n, action).await {
            Err(ServiceError::Invalid(f)) => assert!(f.get(field).is_some(), "{f:?}"),
            r => panic!("{r:?}"),
        }
    }
    assert_eq!(c.events_of(&n).await, events);
    // Every 10 minutes until 55 minutes after dispatch, in-app only.
    let case = c
        .ok(
            &c.agent,
            &n,
            plan(
                Some(Limit::minutes(10)),
                Some(start + Duration::minutes(55)),
            ),
        )
        .await;
    let stored = case.reminder_plan.unwrap();
    assert_eq!((stored.every, stored.sms), (Limit::minutes(10), false));
    assert_eq!(
        case.events.last().unwrap().note.as_deref(),
        Some("每10分钟催办，至11月23日 11:55，仅站内")
    );
    // The confirmation reminder first fires at the half hour, then every 10 minutes, and
    // stops at the end set: three rounds, each in-app, none by SMS.
    let mut fired = Vec::new();
    for minutes in [31, 42, 53, 64, 75] {
        c.clock.set(start + Duration::minutes(minutes));
        fired.push(c.h.process_reminders().await.unwrap());
    }
    assert_eq!(fired, [1, 1, 1, 0, 0]);
    let reminded =
        c.h.store
            .notifications(NoticeTarget::Department(c.d1), 0, 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.kind == "reminder_confirm")
            .count();
    assert_eq!(reminded, 3);
    let by_sms =
        c.h.store
            .sms_outbox(100)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.purpose.starts_with("reminder"))
            .count();
    assert_eq!(by_sms, 0);
    // Back to the defaults: the plan is gone.
    let case = c.ok(&c.agent, &n, plan(None, None)).await;
    assert_eq!(case.reminder_plan, None);
    c.h.store.close().await;
}

async fn whom_a_complaint_is_about_is_stored(db: TestDatabase) {
    use hotline_domain::{Subject, SubjectKind};
    let c = centre(&db).await;
    let n = c.classified(CaseType::Praise).await;
    let record = |about, vendor_id| CaseAction::RecordSubject {
        subject: Subject {
            about,
            praise: false,
            vendor_id,
            name: "座席012号".into(),
        },
    };
    match c
        .act(
            &c.agent,
            &n,
            record(SubjectKind::VendorEmployee, Some(424242)),
        )
        .await
    {
        Err(ServiceError::Invalid(f)) => assert!(f.get("subject.vendor_id").is_some()),
        r => panic!("{r:?}"),
    }
    let case = c.ok(&c.agent, &n, record(SubjectKind::Agent, None)).await;
    let subject = case.subject.unwrap();
    assert_eq!(
        (subject.about, subject.praise, subject.name.as_str()),
        (SubjectKind::Agent, false, "座席012号")
    );
    assert_eq!(case.subject_vendor, None);
    c.h.store.close().await;
}

async fn a_category_keeps_its_own_limits_for_its_children(db: TestDatabase) {
    let c = centre(&db).await;
    let admin = staff(Role::Admin, None, None);
    let child = c.category().await;
    let parent_code = child[..2].to_string();
    let (categories, _) = c.h.code_tables(&admin).await.unwrap();
    let parent = categories
        .iter()
        .find(|e| e.code == parent_code)
        .unwrap()
        .clone();
    let with = |limits| CodeEntry {
        limits,
        ..parent.clone()
    };
    // A limit of nothing is refused by field; nothing is stored.
    let zero = CategoryLimits {
        handling: Some(Limit::days(0)),
        ..Default::default()
    };
    match c
        .h
        .save_category(&admin, &with(zero), &Origin::system())
        .await
    {
        Err(ServiceError::Invalid(f)) => assert!(f.get("handling_amount").is_some()),
        r => panic!("{r:?}"),
    }
    let own = CategoryLimits {
        confirm: Some(Limit::hours(2)),
        handling: Some(Limit::working_days(3)),
        callback: Some(Limit::hours(48)),
    };
    c.h.save_category(&admin, &with(own), &Origin::system())
        .await
        .unwrap();
    let (categories, _) = c.h.code_tables(&admin).await.unwrap();
    assert_eq!(
        categories
            .iter()
            .find(|e| e.code == parent_code)
            .unwrap()
            .limits,
        own
    );
    // A case in the child category takes the parent's limits (shown to the dispatcher).
    let n = c.classified(CaseType::Complaint).await;
    assert_eq!(
        c.h.case_for(&c.agent, &n).await.unwrap().handling_limit,
        Some(Limit::working_days(3))
    );
    let start = c.h.now();
    let case = c
        .ok(&c.agent, &n, dispatch(vec![Assignee::Department(c.d1)]))
        .await;
    let part = &case.assignments[0].part;
    assert_eq!(part.handling, Some(Limit::working_days(3)));
    assert_eq!(part.confirm_due_at, start + Duration::hours(2));
    c.ok(&c.dept(c.d1), &n, CaseAction::Confirm).await;
    let case = c.ok(&c.dept(c.d1), &n, feedback()).await;
    assert_eq!(case.callback_due_at, Some(start + Duration::hours(48)));
    c.h.store.close().await;
}

async fn a_consultation_waits_for_an_expert_and_its_agent_is_reminded(db: TestDatabase) {
    let c = centre(&db).await;
    let agent = c.agent_account("agent.zhou").await;
    let n = c.classified(CaseType::Consultation).await;
    let case = c
        .ok(
            &agent,
            &n,
            CaseAction::AwaitExpert {
                expert: "市人社局政策科".into(),
                note: String::new(),
                reply_within: Some(Limit::hours(2)),
            },
        )
        .await;
    assert_eq!(case.remind_at, Some(c.h.now() + Duration::hours(2)));
    c.advance(Duration::hours(2) + Duration::minutes(1));
    assert_eq!(c.h.process_reminders().await.unwrap(), 1);
    let mine = c.h.notifications_for(&agent).await.unwrap();
    assert_eq!(mine[0].kind, "reminder_pending");
    assert!(mine[0].message.contains("专家答复时限"), "{:?}", mine[0]);
    // Answered: archived, and the reminder does not come again.
    let case = c
        .ok(
            &agent,
            &n,
            CaseAction::Answer {
                reply: "经市人社局答复，可在社区服务中心办理。".into(),
            },
        )
        .await;
    assert_eq!(case.item.status, CaseStatus::Archived);
    c.advance(Duration::hours(2));
    assert_eq!(c.h.process_reminders().await.unwrap(), 0);
    c.h.store.close().await;
}

async fn home_care_reaches_a_volunteer_by_sms_and_the_agent_records_the_service(db: TestDatabase) {
    use hotline_core::store::NewProvider;
    let c = centre(&db).await;
    let skill = c.category().await;
    let mut load = c.h.store.begin_load().await.unwrap();
    let provider = |name: &str, kind: &str, district: &str, phone: &str| NewProvider {
        name: name.into(),
        kind: kind.into(),
        service_mode: "free".into(),
        support_system: "volunteer".into(),
        district_code: district.into(),
        phone: phone.into(),
        skill_code: skill.clone(),
        lon: 108.7,
        lat: 34.33,
        created_at: t0(),
        status: "active".into(),
    };
    let far = load
        .insert_provider(&provider("赵师傅", "skilled", "610404", "13900000002"))
        .await
        .unwrap();
    let near = load
        .insert_provider(&provider("李阿姨", "volunteer", "610402", "13900000001"))
        .await
        .unwrap();
    load.commit().await.unwrap();

    // The dispatcher's choice lists the case's district first.
    let choices =
        c.h.provider_choices(&c.agent, Some("610402"))
            .await
            .unwrap();
    let order: Vec<(i64, bool, bool)> = choices
        .iter()
        .map(|p| (p.id, p.near, p.volunteer))
        .collect();
    assert_eq!(order, [(near, true, true), (far, false, false)]);
    assert!(matches!(
        c.h.provider_choices(&c.dept(c.d1), None).await,
        Err(ServiceError::Forbidden)
    ));

    let n = c.classified(CaseType::HomeCare).await;
    // Someone not in the registry, or a department, is refused by field; nothing is stored.
    let events = c.events_of(&n).await;
    for to in [Assignee::Provider(near + 1000), Assignee::Department(c.d1)] {
        match c.act(&c.agent, &n, dispatch(vec![to])).await {
            Err(ServiceError::Invalid(f)) => assert!(f.get("to").is_some(), "{to:?}"),
            other => panic!("{to:?}: {other:?}"),
        }
    }
    assert_eq!(c.events_of(&n).await, events);

    let case = c
        .ok(&c.agent, &n, dispatch(vec![Assignee::Provider(near)]))
        .await;
    assert_eq!(case.assignments[0].name, "李阿姨");
    // The nearest lookup shows her as busy with one order, not yet rated.
    let standing = |c: &Centre| {
        let (h, agent, skill) = (c.h.clone(), c.agent.clone(), skill.clone());
        async move {
            let question = hotline_domain::NearestInput {
                lon: "108.7".into(),
                lat: "34.33".into(),
                category: skill,
                kinds: "volunteer".into(),
                ..Default::default()
            };
            let found = h.nearest_providers(&agent, &question).await.unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!((found[0].id, found[0].distance_m), (near, 0));
            (found[0].open_orders, found[0].rated, found[0].rating)
        }
    };
    assert_eq!(standing(&c).await, (1, 0, None));
    // The volunteer gets the order by SMS; the centre, which answers for them, in the app.
    let recipient = format!("provider:{near}");
    let sms = c.h.store.sms_outbox(10).await.unwrap();
    let to_her = sms.iter().find(|m| m.recipient == recipient).expect("SMS");
    assert_eq!(
        (to_her.to_phone.as_str(), to_her.purpose.as_str()),
        ("13900000001", "dispatched")
    );
    let listed = c.h.cases_for(&c.lead, &CaseQuery::default()).await.unwrap();
    let item = listed
        .iter()
        .find(|i| i.tracking_number.as_str() == n)
        .unwrap();
    assert_eq!(item.assigned_to, ["李阿姨"]);

    // Her steps are recorded by the centre's dispatchers; a department does not even see
    // the case.
    assert!(matches!(
        c.act(&c.dept(c.d1), &n, CaseAction::Confirm).await,
        Err(ServiceError::NotFound)
    ));
    c.ok(&c.agent, &n, CaseAction::Confirm).await;
    c.advance(Duration::hours(3));
    let case = c.ok(&c.agent, &n, feedback()).await;
    assert_eq!(case.item.status, CaseStatus::FedBack);
    let id = case.assignments[0].part.id.unwrap();
    let scores = hotline_domain::VendorScores {
        price: 5,
        punctuality: 4,
        attitude: 5,
    };
    let case = c
        .ok(
            &c.agent,
            &n,
            CaseAction::Callback {
                satisfaction: Satisfaction::Satisfied,
                note: String::new(),
                parts: vec![PartAnswer {
                    assignment_id: id,
                    outcome: None,
                    handler: None,
                    vendor: Some(scores),
                }],
            },
        )
        .await;
    let stored =
        c.h.store
            .stored_case(&case.item.tracking_number)
            .await
            .unwrap()
            .unwrap();
    let part = &stored.flow.assignments[0];
    assert_eq!(part.assignee, Assignee::Provider(near));
    assert_eq!(part.rating.and_then(|r| r.vendor), Some(scores));
    // Done and scored: no open order, rated (5 + 4 + 5) / 3.
    assert_eq!(standing(&c).await, (0, 1, Some(14.0 / 3.0)));
    c.h.store.close().await;
}

/// The citizen rates their handled request on the web (SPEC P2): not before it is handled,
/// only with the number and phone it was filed with, once per round; "dissatisfied" reopens
/// it as a callback would (the centre is told), "fairly satisfied" closes it, and the
/// agent's callback is then no longer due. What the departments answered is shown.
async fn a_citizen_rates_their_handled_request_on_the_web(db: TestDatabase) {
    let c = centre(&db).await;
    let n = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let web = Origin::citizen(Channel::Web, Some("203.0.113.7".into()));
    let rating = |phone: &str, satisfaction: &str, comment: &str| RatingInput {
        tracking_number: n.clone(),
        phone: phone.into(),
        satisfaction: satisfaction.into(),
        comment: comment.into(),
    };
    let query = TrackingQuery {
        tracking_number: n.clone(),
        phone: "13812345678".into(),
    };
    // Not handled yet: refused by the state machine, nothing written.
    let events = c.events_of(&n).await;
    match c
        .h
        .rate_request(&rating("13812345678", "satisfied", ""), &web)
        .await
    {
        Err(ServiceError::Flow(FlowError::Illegal { action, reason, .. })) => {
            assert_eq!((action, reason), (ActionKind::Rate, Refusal::WrongStatus));
        }
        other => panic!("{other:?}"),
    }
    let tracked = c.h.track_request(&query).await.unwrap().unwrap();
    assert!(!tracked.can_rate);
    assert!(tracked.replies.is_empty());
    c.ok(&c.dept(c.d1), &n, CaseAction::Confirm).await;
    c.ok(&c.dept(c.d1), &n, feedback()).await;
    let tracked = c.h.track_request(&query).await.unwrap().unwrap();
    assert!(tracked.can_rate);
    assert_eq!(tracked.satisfaction, None);
    let replies: Vec<(Option<&str>, &str)> = tracked
        .replies
        .iter()
        .map(|r| (r.by.as_deref(), r.text.as_str()))
        .collect();
    assert_eq!(
        replies,
        [(Some("市城市管理局"), "已修复路灯，已电话告知来电人")]
    );

    // Wrong phone: the same as no such request. Bad values: refused by field.
    assert_eq!(
        c.h.rate_request(&rating("13900000000", "satisfied", ""), &web)
            .await
            .unwrap(),
        None
    );
    for (satisfaction, comment) in [("", ""), ("unconfirmed", ""), ("happy", "")] {
        match c
            .h
            .rate_request(&rating("13812345678", satisfaction, comment), &web)
            .await
        {
            Err(ServiceError::Invalid(f)) => assert!(f.get("satisfaction").is_some(), "{f:?}"),
            other => panic!("{satisfaction}: {other:?}"),
        }
    }
    let long = "长".repeat(501);
    match c
        .h
        .rate_request(&rating("13812345678", "fair", &long), &web)
        .await
    {
        Err(ServiceError::Invalid(f)) => assert!(f.get("comment").is_some(), "{f:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.events_of(&n).await, events + 2);

    // Dissatisfied: reopened for a new round, the round's part rated, the centre told.
    let tracked =
        c.h.rate_request(
            &rating("13812345678", "dissatisfied", " 路灯还是不亮 "),
            &web,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tracked.status, CaseStatus::Classified);
    assert!(!tracked.can_rate);
    let case = c.h.case_for(&c.lead, &n).await.unwrap();
    let last = case.events.last().unwrap();
    assert_eq!(
        (
            last.actor.as_str(),
            last.kind.as_str(),
            last.note.as_deref()
        ),
        ("citizen:web", "rate", Some("不满意：路灯还是不亮"))
    );
    assert_eq!(case.satisfaction, Some(Satisfaction::Dissatisfied));
    let part = &case.assignments[0].part;
    assert_eq!(
        part.rating.map(|r| r.outcome),
        Some(Satisfaction::Dissatisfied)
    );
    assert!(part.closed);
    let notices = c.h.notifications_for(&c.lead).await.unwrap();
    assert!(
        notices
            .iter()
            .any(|x| x.kind == "reopened" && x.message.contains(&n)),
        "{notices:?}"
    );
    let audit =
        c.h.audit_search(
            &staff(Role::Admin, None, None),
            &AuditFilter {
                object_id: Some(n.clone()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "case_rate" && e.actor == "citizen:web"));
    // Once per round.
    match c
        .h
        .rate_request(&rating("13812345678", "satisfied", ""), &web)
        .await
    {
        Err(ServiceError::Flow(FlowError::Illegal { reason, .. })) => {
            assert_eq!(reason, Refusal::WrongStatus)
        }
        other => panic!("{other:?}"),
    }

    // The second round: fairly satisfied closes it; no callback is due any more.
    c.ok(&c.lead, &n, dispatch(vec![Assignee::Department(c.d2)]))
        .await;
    c.ok(&c.dept(c.d2), &n, CaseAction::Confirm).await;
    c.ok(&c.dept(c.d2), &n, feedback()).await;
    let tracked =
        c.h.rate_request(&rating("138 1234 5678", "fair", ""), &web)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(tracked.status, CaseStatus::Archived);
    assert_eq!(tracked.satisfaction, Some(Satisfaction::Fair));
    assert_eq!(tracked.replies.len(), 2);
    let callback = c
        .act(
            &c.agent,
            &n,
            CaseAction::Callback {
                satisfaction: Satisfaction::Satisfied,
                note: String::new(),
                parts: vec![],
            },
        )
        .await;
    assert!(
        matches!(callback, Err(ServiceError::Flow(_))),
        "{callback:?}"
    );
    let flow =
        c.h.store
            .stored_case(&TrackingNumber::parse(&n).unwrap())
            .await
            .unwrap()
            .unwrap()
            .flow;
    let verdicts: Vec<(u32, Satisfaction)> = flow
        .assignments
        .iter()
        .map(|a| (a.round, a.rating.unwrap().outcome))
        .collect();
    assert_eq!(
        verdicts,
        [(1, Satisfaction::Dissatisfied), (2, Satisfaction::Fair)]
    );
    c.h.store.close().await;
}

/// The history names who acted: a staff member by their account's name, a citizen by the
/// channel they used; the recorded actor stays as it was written.
async fn the_history_names_who_acted(db: TestDatabase) {
    let c = centre(&db).await;
    let agent = c.agent_account("wangjing").await;
    let n = c.file().await;
    c.ok(&agent, &n, CaseAction::Accept).await;
    let category = c.category().await;
    c.ok(
        &agent,
        &n,
        CaseAction::Classify {
            case_type: CaseType::Complaint,
            category_code: category.clone(),
            remind_at: None,
            priority: Some(Priority::Urgent),
        },
    )
    .await;
    let case = c.h.case_for(&c.lead, &n).await.unwrap();
    // The classification reads as words: the type, the category's path, urgent.
    let classify = &case.events[2];
    assert_eq!(
        classify.note.as_deref(),
        Some(format!("G {category} urgent").as_str())
    );
    let options = c.h.form_options().await.unwrap();
    let name = |code: &str| {
        options
            .categories
            .iter()
            .find(|c| c.code == code)
            .unwrap()
            .name_zh
            .clone()
    };
    assert_eq!(
        classify.classified.as_ref().unwrap().label(Lang::Zh),
        format!(
            "投诉建议 · {} › {} · 紧急",
            name(&category[..2]),
            name(&category)
        )
    );
    // The audit log names the account too.
    let entries =
        c.h.audit_entries(&AuditFilter {
            actor: Some("user:wangjing".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!entries.is_empty());
    assert!(entries
        .iter()
        .all(|e| e.actor_name.as_deref() == Some("wangjing")));
    let case = CaseDetail {
        events: case.events[..2].to_vec(),
        ..case
    };
    let seen: Vec<(String, Option<String>, String)> = case
        .events
        .iter()
        .map(|e| {
            (
                e.actor.clone(),
                e.actor_name.clone(),
                e.actor_label(Lang::Zh),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("citizen:web".into(), None, "市民（网上求助）".into()),
            (
                "user:wangjing".into(),
                Some("wangjing".into()),
                "wangjing".into()
            ),
        ]
    );
    c.h.store.close().await;
}

async fn the_case_list_pages_and_sorts_with_its_total(db: TestDatabase) {
    let c = centre(&db).await;
    let minutes = |m: i64| t0() + Duration::minutes(m);
    // Five requests filed a minute apart, then two dispatched to D01 ten minutes apart (the
    // earlier dispatch has the earlier deadline).
    let mut filed = Vec::new();
    for m in 0..5 {
        c.clock.set(minutes(m));
        filed.push(c.file().await);
    }
    c.clock.set(minutes(10));
    let a = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    c.clock.set(minutes(20));
    let b = c.dispatched(vec![Assignee::Department(c.d1)]).await;
    let q = |set: &dyn Fn(&mut CaseQuery)| {
        let mut q = CaseQuery {
            limit: Some(3),
            ..CaseQuery::default()
        };
        set(&mut q);
        q
    };
    let page = |query: CaseQuery| {
        let h = &c.h;
        let lead = &c.lead;
        async move { h.case_page(lead, &query).await.unwrap() }
    };
    let numbers = |p: &hotline_domain::CasePage| {
        p.items
            .iter()
            .map(|i| i.tracking_number.to_string())
            .collect::<Vec<_>>()
    };

    // By default the newest filed first, three a page, with the total of all pages.
    let first = page(q(&|_| {})).await;
    assert_eq!((first.total, first.page, first.pages()), (7, 1, 3));
    assert_eq!(numbers(&first), [b.clone(), a.clone(), filed[4].clone()]);
    let last = page(q(&|q| q.page = Some("3".into()))).await;
    assert_eq!(numbers(&last), [filed[0].clone()]);
    let beyond = page(q(&|q| q.page = Some("9".into()))).await;
    assert_eq!((beyond.total, beyond.items.len()), (7, 0));

    // Sorted by filing time the other way: the oldest first, and page 2 goes on from there.
    let oldest = |p: &str| {
        q(&|q| {
            q.sort = Some("filed".into());
            q.order = Some("asc".into());
            q.page = Some(p.into());
        })
    };
    assert_eq!(numbers(&page(oldest("1")).await), filed[..3]);
    assert_eq!(
        numbers(&page(oldest("2")).await),
        [filed[3].clone(), filed[4].clone(), a.clone()]
    );

    // Walking every page by number gives each case once, in order.
    let mut walked = Vec::new();
    for p in 1..=3 {
        walked.extend(numbers(
            &page(q(&|q| {
                q.sort = Some("number".into());
                q.page = Some(p.to_string());
            }))
            .await,
        ));
    }
    let mut expected: Vec<String> = filed.iter().chain([&a, &b]).cloned().collect();
    expected.sort();
    expected.reverse();
    assert_eq!(walked, expected);

    // By status in the life cycle's order (waiting for intake before dispatched), and by
    // deadline: the nearest first, cases without one last.
    let by_status = page(q(&|q| {
        q.sort = Some("status".into());
        q.limit = Some(5);
        q.page = Some("2".into());
    }))
    .await;
    assert_eq!(numbers(&by_status), [b.clone(), a.clone()]);
    let due = page(q(&|q| q.sort = Some("due".into()))).await;
    assert_eq!(numbers(&due), [a.clone(), b.clone(), filed[0].clone()]);
    let due_last = page(q(&|q| {
        q.sort = Some("due".into());
        q.order = Some("desc".into());
    }))
    .await;
    assert_eq!(numbers(&due_last)[..2], [b.clone(), a.clone()]);

    // The filter and the pages together: the total is the filter's.
    let waiting = page(q(&|q| {
        q.status = Some("submitted".into());
        q.limit = Some(2);
        q.page = Some("2".into());
    }))
    .await;
    assert_eq!(waiting.total, 5);
    assert_eq!(numbers(&waiting), [filed[2].clone(), filed[1].clone()]);
    // A department counts and pages its own cases only.
    let dept = c.h.case_page(&c.dept(c.d1), &q(&|_| {})).await.unwrap();
    assert_eq!(
        (dept.total, numbers(&dept)),
        (2, vec![b.clone(), a.clone()])
    );

    // Every mistake is named by its field, all at once.
    let bad =
        c.h.case_page(
            &c.lead,
            &q(&|q| {
                q.sort = Some("colour".into());
                q.order = Some("up".into());
                q.page = Some("0".into());
            }),
        )
        .await;
    let Err(ServiceError::Invalid(fields)) = bad else {
        panic!("expected field errors, got {bad:?}");
    };
    for field in ["sort", "order", "page"] {
        assert!(fields.get(field).is_some(), "{field} not named: {fields:?}");
    }
    let words =
        c.h.case_page(&c.lead, &q(&|q| q.page = Some("two".into())))
            .await;
    assert!(matches!(words, Err(ServiceError::Invalid(ref f)) if f.get("page").is_some()));
    c.h.store.close().await;
}

hotline_core::on_both_backends!(
    the_case_list_pages_and_sorts_with_its_total,
    the_history_names_who_acted,
    a_citizen_rates_their_handled_request_on_the_web,
    home_care_reaches_a_volunteer_by_sms_and_the_agent_records_the_service,
    a_consultation_waits_for_an_expert_and_its_agent_is_reminded,
    a_category_keeps_its_own_limits_for_its_children,
    whom_a_complaint_is_about_is_stored,
    the_agent_sets_how_often_and_until_when_a_case_is_chased,
    a_pending_matter_reminds_its_owner_who_marks_notices_read,
    callback_verdicts_and_rounds_are_stored,
    type_paths_a_back_office_queue_and_a_short_alarm_follow_up,
    the_lead_reassigns_adds_and_withdraws_parts,
    urgent_cases_come_first_move_faster_and_reach_the_lead,
    working_day_limits_follow_the_calendar_administrators_keep,
    a_complaint_goes_the_whole_way_with_every_step_stored,
    refused_steps_change_nothing,
    returns_extensions_and_reopening,
    lights_and_overdue_counters_switch_at_their_boundaries,
    new_light_thresholds_are_applied_to_stored_cases_at_start,
    a_departments_counters_go_by_its_own_parts,
    reminders_survive_a_restart_and_go_out_once,
    a_part_has_one_open_reminder_of_each_kind,
    an_unanswered_callback_is_recorded_and_tried_again,
    after_the_deadline_only_the_centre_extends_it,
    the_sms_worker_hands_messages_to_the_provider,
    simultaneous_steps_on_one_case_do_not_both_win,
    the_demo_cases_follow_the_rules_in_storage,
);
