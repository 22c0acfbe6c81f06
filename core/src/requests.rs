//! Online help requests (SPEC P1, P2, P5): filing one, the agents' list of new ones, and a
//! citizen tracking their own.

use hotline_domain::{
    ActionKind, CaseDetail, CaseStatus, Channel, FieldErrors, FiledRequest, FormOptions,
    NewRequestInput, PhoneNumber, Problem, RatingInput, RequestSummary, Satisfaction, TrackedReply,
    TrackedRequest, TrackedStep, TrackingNumber, TrackingQuery,
};

use crate::store::CaseScope;
use crate::{Hotline, Origin, ServiceError};

/// How many new requests the agents' list shows at most.
pub const NEW_REQUESTS_LIMIT: u32 = 200;

impl Hotline {
    /// Validates, stores (with its audit entry) and announces a request. On any error
    /// nothing is stored. The answer comes once the filing is durable; filings arriving
    /// together share a commit (see [`crate::filing_writer`]).
    pub async fn file_request(
        &self,
        input: &NewRequestInput,
        channel: Channel,
        origin: &Origin,
    ) -> Result<FiledRequest, ServiceError> {
        self.file_request_with(input, channel, origin, None).await
    }

    /// [`Hotline::file_request`], recording the Open311 key it came with.
    pub(crate) async fn file_request_with(
        &self,
        input: &NewRequestInput,
        channel: Channel,
        origin: &Origin,
        api_key: Option<i64>,
    ) -> Result<FiledRequest, ServiceError> {
        let mut request = input.validate()?;

        let mut errors = FieldErrors::new();
        let codes = self.code_tables_now().await?;
        // A pin without a district: the district is the one the pin lies in; a pin outside
        // every district of the city is refused. An address typed without either: the
        // district it names, if it names one.
        if let Some(point) = request.location {
            match crate::places::district_at(point) {
                Some(code) => {
                    request.district.get_or_insert(code);
                }
                None => {
                    errors.add("lon", Problem::OutsideCity);
                    errors.add("lat", Problem::OutsideCity);
                }
            }
        } else if request.district.is_none() {
            request.district = request
                .address
                .as_deref()
                .and_then(|a| codes.places.district_of(a));
        }
        let category_known = codes
            .categories
            .iter()
            .any(|c| c.code == request.category && c.level >= 2);
        if !category_known {
            errors.add("category", Problem::Unknown);
        }
        if let Some(district) = &request.district {
            if !codes.districts.iter().any(|d| &d.code == district) {
                errors.add("district", Problem::Unknown);
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }

        // One reading of the clock: the tracking number's date and `created_at` must agree,
        // also at midnight.
        let now = self.now();
        // A gas leak filed on the web is urgent from the start (W9): first in the agents'
        // queue.
        let priority = if hotline_domain::urgent_by_default(&request.category, &codes.urgent) {
            hotline_domain::Priority::Urgent
        } else {
            hotline_domain::Priority::Normal
        };
        let summary = self
            .filings
            .file(crate::store::NewFiling {
                request,
                channel,
                local_date: crate::clock::local_date_of(now),
                at: now,
                priority,
                origin: origin.clone(),
                api_key,
            })
            .await?;
        Ok(FiledRequest {
            tracking_number: summary.tracking_number,
            status: summary.status,
            created_at: summary.created_at,
        })
    }

    /// Requests waiting for an agent to accept them, newest first, phones masked.
    pub async fn new_requests(
        &self,
        user: &hotline_domain::StaffUser,
    ) -> Result<Vec<RequestSummary>, ServiceError> {
        if !user.can(hotline_domain::Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let mut list = self
            .store
            .requests_by_status(CaseStatus::Submitted, NEW_REQUESTS_LIMIT)
            .await?;
        for r in &mut list {
            r.phone = hotline_domain::mask_phone(&r.phone);
        }
        Ok(list)
    }

    pub async fn form_options(&self) -> Result<FormOptions, ServiceError> {
        let codes = self.code_tables_now().await?;
        Ok(FormOptions {
            categories: codes
                .categories
                .iter()
                .filter(|c| c.level <= 2)
                .cloned()
                .collect(),
            districts: codes.districts.clone(),
        })
    }

    /// The choices of the staff's forms (intake, classification): the catalogue down to its
    /// sub-categories (燃气泄漏, not only 燃气), which the public form does not need.
    pub async fn staff_form_options(
        &self,
        user: &hotline_domain::StaffUser,
    ) -> Result<FormOptions, ServiceError> {
        crate::scope::case_scope(user).ok_or(ServiceError::Forbidden)?;
        let codes = self.code_tables_now().await?;
        Ok(FormOptions {
            categories: codes
                .categories
                .iter()
                .filter(|c| c.level <= 3)
                .cloned()
                .collect(),
            districts: codes.districts.clone(),
        })
    }

    /// A citizen's look at their own request (SPEC P2): the tracking number and the phone it
    /// was filed with must both match; any mismatch is `None`, the same as no such request.
    pub async fn track_request(
        &self,
        query: &TrackingQuery,
    ) -> Result<Option<TrackedRequest>, ServiceError> {
        let mut errors = FieldErrors::new();
        let found = self.citizens_case(query, &mut errors).await?;
        Ok(found.map(|detail| tracked(&detail)))
    }

    /// The citizen rates their handled request (SPEC P2) instead of waiting for the
    /// callback: the same number and phone as to track it; the rating is the callback's
    /// (same figures; "dissatisfied" reopens the case). `None`: no such request for this
    /// phone. A request that is not waiting for its rating is refused as the state machine
    /// refuses (already rated, or not handled yet).
    pub async fn rate_request(
        &self,
        input: &RatingInput,
        origin: &Origin,
    ) -> Result<Option<TrackedRequest>, ServiceError> {
        let mut errors = FieldErrors::new();
        let satisfaction = match input.satisfaction.trim() {
            "" => {
                errors.add("satisfaction", Problem::Required);
                None
            }
            code => Satisfaction::from_code(code)
                .filter(|s| *s != Satisfaction::Unconfirmed)
                .or_else(|| {
                    errors.add("satisfaction", Problem::Unknown);
                    None
                }),
        };
        let query = TrackingQuery {
            tracking_number: input.tracking_number.clone(),
            phone: input.phone.clone(),
        };
        let Some(detail) = self.citizens_case(&query, &mut errors).await? else {
            return Ok(None);
        };
        let satisfaction = satisfaction.expect("refused above when missing");
        let number = detail.item.tracking_number;
        let audited = serde_json::json!({
            "satisfaction": satisfaction.as_code(),
            "comment": input.comment.trim(),
        });
        self.step_case(&number, origin, None, &audited, |case, now, context| {
            Ok(hotline_domain::flow::rate(
                &case.flow,
                &origin.actor,
                satisfaction,
                &input.comment,
                now,
                context,
            )?)
        })
        .await?;
        let detail = self.store.case_detail(CaseScope::All, &number).await?;
        Ok(detail.map(|d| tracked(&d)))
    }

    /// The case a citizen names by number and phone, or `None` when the pair matches none.
    /// Refuses by field (with whatever `errors` already holds) when a value is missing or
    /// malformed.
    async fn citizens_case(
        &self,
        query: &TrackingQuery,
        errors: &mut FieldErrors,
    ) -> Result<Option<CaseDetail>, ServiceError> {
        let number = if query.tracking_number.trim().is_empty() {
            errors.add("tracking_number", Problem::Required);
            None
        } else {
            let n = TrackingNumber::parse(&query.tracking_number);
            if n.is_none() {
                errors.add("tracking_number", Problem::BadTrackingNumber);
            }
            n
        };
        let phone = match PhoneNumber::parse(&query.phone) {
            Ok(p) => Some(p),
            Err(problem) => {
                errors.add("phone", problem);
                None
            }
        };
        let (Some(number), Some(phone), true) = (number, phone, errors.is_empty()) else {
            return Err(std::mem::take(errors).into());
        };
        let Some(detail) = self.store.case_detail(CaseScope::All, &number).await? else {
            return Ok(None);
        };
        let same_phone = PhoneNumber::parse(&detail.item.phone)
            .map(|stored| stored.as_str() == phone.as_str())
            .unwrap_or(false);
        Ok(same_phone.then_some(detail))
    }
}

/// What the citizen sees of a case: status changes, the answers given (by the departments
/// and vendors, or by the centre), and the verdict; never staff names or notes.
fn tracked(detail: &CaseDetail) -> TrackedRequest {
    let timeline = detail
        .events
        .iter()
        .filter(|e| e.to_status != e.from_status)
        .filter_map(|e| e.to_status.map(|status| TrackedStep { at: e.at, status }))
        .collect();
    let centre = [ActionKind::Answer, ActionKind::HandleInCentre];
    let mut replies: Vec<TrackedReply> = detail
        .events
        .iter()
        .filter(|e| centre.iter().any(|k| k.as_code() == e.kind))
        .filter_map(|e| {
            let text = e.note.as_deref()?.trim();
            (!text.is_empty()).then(|| TrackedReply {
                by: None,
                at: e.at,
                text: text.to_string(),
            })
        })
        .collect();
    replies.extend(detail.assignments.iter().filter_map(|a| {
        let text = a.part.feedback.as_deref()?.trim();
        Some(TrackedReply {
            by: Some(a.name.clone()),
            at: a.part.fed_back_at?,
            text: text.to_string(),
        })
    }));
    replies.sort_by_key(|r| r.at);
    let can_rate = matches!(
        detail.item.status,
        CaseStatus::FedBack | CaseStatus::Handled
    );
    TrackedRequest {
        tracking_number: detail.item.tracking_number.clone(),
        status: detail.item.status,
        category_zh: detail.item.category_zh.clone(),
        category_en: detail.item.category_en.clone(),
        created_at: detail.item.created_at,
        timeline,
        replies,
        satisfaction: if can_rate { None } else { detail.satisfaction },
        can_rate,
    }
}
