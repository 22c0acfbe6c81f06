//! The portal's two forms posted the plain way: by a phone still loading the page's script,
//! or by a browser without one (SPEC P1, P2, P6). The JavaScript path calls the server
//! functions; these answer the same forms as a web page:
//! - `POST /` files the request. Filed, the browser is sent on to `/?filed=<number>` (the
//!   confirmation, safe to reload: a reload does not file twice); refused, the form's page is
//!   rendered again with what was typed and what to fix.
//! - `POST /track` renders the tracking page with its answer. The page's rating form posts
//!   here too (`intent=rate`, with or without the script, so the address stays the page's):
//!   it rates a handled request and shows the request as it is now with the rating's answer.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hotline_app::api::{FormOutcome, PostedRequest, PostedTrack};
use hotline_core::{Hotline, ServiceError};
use hotline_domain::{Channel, FieldErrors, NewRequestInput, RatingInput, TrackingQuery};
use leptos::config::LeptosOptions;
use serde::Deserialize;

use super::{ApiError, Visitor};

/// A form body larger than this is refused (the request's text is at most 2,000 characters).
const FORM_MAX_BYTES: usize = 64 * 1024;

/// The request form's fields, as a browser posts them (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RequestFields {
    category: String,
    content: String,
    contact_name: String,
    phone: String,
    district: String,
    address: String,
    anonymous: Option<String>,
    lon: String,
    lat: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TrackFields {
    tracking_number: String,
    phone: String,
    /// `rate` for the rating form, else a lookup.
    intent: String,
    satisfaction: String,
    comment: String,
}

/// `POST /`: files the portal's request form.
pub async fn file_request(
    State(hotline): State<Hotline>,
    State(options): State<LeptosOptions>,
    visitor: Visitor,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let fields: RequestFields = match read_form(body).await {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let input = NewRequestInput {
        category: fields.category,
        content: fields.content,
        contact_name: fields.contact_name,
        phone: fields.phone,
        district: fields.district,
        address: fields.address,
        anonymous: fields.anonymous.is_some_and(|v| !v.is_empty()),
        lon: hotline_domain::coordinate_field(&fields.lon),
        lat: hotline_domain::coordinate_field(&fields.lat),
    };
    let origin = visitor.citizen(Channel::Web);
    let (status, posted) = match hotline.file_request(&input, Channel::Web, &origin).await {
        Ok(filed) => {
            return (
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    format!("/?filed={}", filed.tracking_number),
                )],
            )
                .into_response()
        }
        Err(ServiceError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            PostedRequest {
                input,
                errors,
                failed: false,
            },
        ),
        Err(error) => (
            failure_status(error),
            PostedRequest {
                input,
                errors: FieldErrors::new(),
                failed: true,
            },
        ),
    };
    render(parts, status, hotline, options, posted).await
}

/// `POST /track`: looks a request up by number and phone, or rates it.
pub async fn track_request(
    State(hotline): State<Hotline>,
    State(options): State<LeptosOptions>,
    visitor: Visitor,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let fields: TrackFields = match read_form(body).await {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    if fields.intent == "rate" {
        return rate_request(hotline, options, visitor, parts, fields).await;
    }
    let query = TrackingQuery {
        tracking_number: fields.tracking_number,
        phone: fields.phone,
    };
    let (status, answer) = match hotline.track_request(&query).await {
        Ok(found) => (StatusCode::OK, Some(FormOutcome::Done(found))),
        Err(ServiceError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(FormOutcome::Invalid(errors)),
        ),
        Err(error) => (failure_status(error), None),
    };
    let posted = PostedTrack {
        tracking_number: query.tracking_number,
        phone: query.phone,
        answer,
        rated: None,
        rating_typed: None,
    };
    render(parts, status, hotline, options, posted).await
}

/// The citizen's rating of a handled request. Whatever the answer, the page shows the
/// request as it is now, so a refused rating still shows where it stands.
async fn rate_request(
    hotline: Hotline,
    options: LeptosOptions,
    visitor: Visitor,
    parts: axum::http::request::Parts,
    fields: TrackFields,
) -> Response {
    let input = RatingInput {
        tracking_number: fields.tracking_number,
        phone: fields.phone,
        satisfaction: fields.satisfaction,
        comment: fields.comment,
    };
    let origin = visitor.citizen(Channel::Web);
    let typed = (input.satisfaction.clone(), input.comment.clone());
    let (status, rated) = match hotline.rate_request(&input, &origin).await {
        Ok(Some(_)) => (StatusCode::OK, FormOutcome::Done(())),
        Ok(None) => (StatusCode::NOT_FOUND, FormOutcome::Done(())),
        Err(ServiceError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormOutcome::Invalid(errors),
        ),
        Err(error) => {
            let error = ApiError::from(error);
            let status = error.clone().into_response().status();
            (status, FormOutcome::Refused(error.text(visitor.lang)))
        }
    };
    let query = TrackingQuery {
        tracking_number: input.tracking_number,
        phone: input.phone,
    };
    let answer = hotline
        .track_request(&query)
        .await
        .ok()
        .map(FormOutcome::Done);
    let refused = !matches!(rated, FormOutcome::Done(()));
    let posted = PostedTrack {
        tracking_number: query.tracking_number,
        phone: query.phone,
        rated: (status != StatusCode::NOT_FOUND).then_some(rated),
        rating_typed: refused.then_some(typed),
        answer,
    };
    render(parts, status, hotline, options, posted).await
}

/// The form's fields; a body too large or not a form is refused with a plain answer.
async fn read_form<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, Response> {
    let bytes = axum::body::to_bytes(body, FORM_MAX_BYTES)
        .await
        .map_err(|_| {
            ApiError::BadBody(StatusCode::PAYLOAD_TOO_LARGE, "form too large".into())
                .into_response()
        })?;
    serde_urlencoded::from_bytes(&bytes).map_err(|e| {
        ApiError::BadBody(StatusCode::BAD_REQUEST, format!("not a form: {e}")).into_response()
    })
}

/// The status of a failure that is ours, as the JSON API would answer it.
fn failure_status(error: ServiceError) -> StatusCode {
    ApiError::from(error).into_response().status()
}

/// Renders the page at the request's address with `posted` in its context.
async fn render<T: Clone + Send + Sync + 'static>(
    mut parts: axum::http::request::Parts,
    status: StatusCode,
    hotline: Hotline,
    options: LeptosOptions,
    posted: T,
) -> Response {
    // The page is rendered as if fetched: the router and the page see an ordinary visit,
    // streamed in order as the route is (its content in place, no script needed).
    parts.method = Method::GET;
    let page = leptos_axum::render_app_to_stream_in_order_with_context(
        move || {
            leptos::context::provide_context(hotline.clone());
            leptos::context::provide_context(posted.clone());
        },
        move || hotline_app::shell(options.clone()),
    );
    let mut response = page(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    response
}
