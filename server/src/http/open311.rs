//! Open311 GeoReport v2 (SPEC I2) at `/open311/v2/`: the discovery document, the service
//! list and definitions, filing a request with an API key, and the public view of
//! requests; each as `.json` or `.xml`, errors in the spec's `[{code, description}]` form.
//! The rules (what a request may hold, who sees what) are the core's; this is the format.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hotline_core::open311::Open311Service;
use hotline_core::{Hotline, ServiceError};
use hotline_domain::open311::PublicRequestParams;
use hotline_domain::time::to_china;
use hotline_domain::{FieldErrors, Lang, NewRequestInput, PublicRequest};

use super::access::{is_https, Limit, WebConfig};
use axum::Json;
use hotline_app::api::request::{JsonBody, Staff, Visitor};
use hotline_domain::{ApiKeyInput, ApiKeyView, IssuedApiKey};

use super::ApiError;

/// The jurisdiction this server answers for; another `jurisdiction_id` is not ours.
pub const JURISDICTION: &str = "xianyang.12345";
/// Where the interface is mounted.
pub const BASE: &str = "/open311/v2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json); no known extension → `None`.
fn split_format(file: &str) -> Option<(&str, Format)> {
    if let Some(stem) = file.strip_suffix(".json") {
        Some((stem, Format::Json))
    } else {
        file.strip_suffix(".xml").map(|stem| (stem, Format::Xml))
    }
}

/// A value of a response field.
enum Val {
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Null,
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Str(s)
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Str(s.to_string())
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map(Into::into).unwrap_or(Val::Null)
    }
}

type Record = Vec<(&'static str, Val)>;

/// A list answer: `[{…}, …]` in JSON, `<list><item>…</item></list>` in XML.
fn list(format: Format, status: StatusCode, tags: (&str, &str), records: Vec<Record>) -> Response {
    match format {
        Format::Json => {
            let items: Vec<serde_json::Value> = records.into_iter().map(json_object).collect();
            json_response(status, &serde_json::Value::Array(items))
        }
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            out.push_str(&format!("<{}>", tags.0));
            for record in records {
                out.push_str(&format!("<{}>", tags.1));
                xml_fields(&mut out, record);
                out.push_str(&format!("</{}>", tags.1));
            }
            out.push_str(&format!("</{}>", tags.0));
            xml_response(status, out)
        }
    }
}

fn json_object(record: Record) -> serde_json::Value {
    let map = record
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Val::Str(s) => serde_json::Value::String(s),
                Val::Int(n) => serde_json::json!(n),
                Val::Num(n) => serde_json::json!(n),
                Val::Bool(b) => serde_json::Value::Bool(b),
                Val::Null => serde_json::Value::Null,
            };
            (k.to_string(), v)
        })
        .collect();
    serde_json::Value::Object(map)
}

fn xml_fields(out: &mut String, record: Record) {
    for (tag, v) in record {
        match v {
            Val::Str(s) => out.push_str(&format!("<{tag}>{}</{tag}>", xml_escape(&s))),
            Val::Int(n) => out.push_str(&format!("<{tag}>{n}</{tag}>")),
            Val::Num(n) => out.push_str(&format!("<{tag}>{n}</{tag}>")),
            Val::Bool(b) => out.push_str(&format!("<{tag}>{b}</{tag}>")),
            Val::Null => out.push_str(&format!("<{tag}/>")),
        }
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all (stored text refuses them anyway).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

fn xml_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The spec's error answer: one entry per problem.
fn errors(format: Format, status: StatusCode, problems: Vec<String>) -> Response {
    let records = problems
        .into_iter()
        .map(|description| {
            vec![
                ("code", Val::Int(i64::from(status.as_u16()))),
                ("description", Val::Str(description)),
            ]
        })
        .collect();
    list(format, status, ("errors", "error"), records)
}

/// Our field names as the interface spells them.
fn open311_field(field: &str) -> &str {
    match field {
        "category" => "service_code",
        "content" => "description",
        "contact_name" => "first_name",
        "lon" => "long",
        "address" => "address_string",
        "district" => "address_id",
        other => other,
    }
}

fn field_errors(format: Format, fields: &FieldErrors, lang: Lang) -> Response {
    let problems = fields
        .0
        .iter()
        .map(|(field, problem)| format!("{}: {}", open311_field(field), problem.message(lang)))
        .collect();
    errors(format, StatusCode::BAD_REQUEST, problems)
}

fn service_error(format: Format, error: ServiceError, lang: Lang) -> Response {
    match error {
        ServiceError::Invalid(fields) => field_errors(format, &fields, lang),
        ServiceError::NotFound => not_found(format),
        ServiceError::Forbidden => errors(format, StatusCode::FORBIDDEN, vec!["forbidden".into()]),
        other => {
            tracing::error!(error = %other, "open311 request failed");
            errors(
                format,
                StatusCode::INTERNAL_SERVER_ERROR,
                vec!["internal error; try again later".into()],
            )
        }
    }
}

fn not_found(format: Format) -> Response {
    errors(format, StatusCode::NOT_FOUND, vec!["not found".into()])
}

/// A refusal in the interface's error shape, made into a response by the handler.
struct Refusal(Format, StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        errors(self.0, self.1, vec![self.2])
    }
}

/// The query's parameters (last one wins), or a 400 naming the unreadable query.
fn params(format: Format, raw: Option<&str>) -> Result<HashMap<String, String>, Refusal> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .map(|pairs| pairs.into_iter().collect())
        .map_err(|_| Refusal(format, StatusCode::BAD_REQUEST, "unreadable query".into()))
}

/// A `jurisdiction_id` other than ours is refused (404, as for an unknown endpoint).
fn check_jurisdiction(format: Format, params: &HashMap<String, String>) -> Result<(), Refusal> {
    match params.get("jurisdiction_id").map(|j| j.trim()) {
        None | Some("") => Ok(()),
        Some(j) if j == JURISDICTION => Ok(()),
        Some(_) => Err(Refusal(
            format,
            StatusCode::NOT_FOUND,
            format!("jurisdiction_id: this server answers for {JURISDICTION}"),
        )),
    }
}

/// A read's file name and query, checked: the name's stem, the format, the parameters.
fn read_of(
    file: &str,
    query: Option<&str>,
) -> Result<(String, Format, HashMap<String, String>), Refusal> {
    let (stem, format) = split_format(file).ok_or_else(|| {
        Refusal(
            Format::Json,
            StatusCode::NOT_FOUND,
            "unknown format: use .json or .xml".into(),
        )
    })?;
    let params = params(format, query)?;
    check_jurisdiction(format, &params)?;
    Ok((stem.to_string(), format, params))
}

fn w3c(at: chrono::DateTime<chrono::Utc>) -> String {
    to_china(at).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `GET /open311/v2/{file}`: `discovery`, `services` or `requests`, by extension.
pub async fn get_root(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (stem, format, params) = match read_of(&file, query.as_deref()) {
        Ok(read) => read,
        Err(refused) => return refused.into_response(),
    };
    match stem.as_str() {
        "discovery" => discovery(format, &headers, &web),
        "services" => match hotline.open311_services().await {
            Ok(services) => list(
                format,
                StatusCode::OK,
                ("services", "service"),
                services
                    .iter()
                    .map(|s| service_record(s, visitor.lang))
                    .collect(),
            ),
            Err(e) => service_error(format, e, visitor.lang),
        },
        "requests" => {
            let query = PublicRequestParams {
                service_request_id: params.get("service_request_id").cloned(),
                service_code: params.get("service_code").cloned(),
                start_date: params.get("start_date").cloned(),
                end_date: params.get("end_date").cloned(),
                status: params.get("status").cloned(),
            };
            let query = match query.validate(hotline.now()) {
                Ok(q) => q,
                Err(fields) => return field_errors(format, &fields, visitor.lang),
            };
            match hotline.public_requests(&query).await {
                Ok(found) => requests_list(format, &found, visitor.lang),
                Err(e) => service_error(format, e, visitor.lang),
            }
        }
        _ => not_found(format),
    }
}

fn service_record(s: &Open311Service, lang: Lang) -> Record {
    let name = s.service.name(lang).to_string();
    let group = s.group.as_ref().map(|g| g.name(lang).to_string());
    let description = match &group {
        Some(g) => format!("{g} › {name}"),
        None => name.clone(),
    };
    let keywords = [s.service.name_zh.as_str(), s.service.name_en.as_str()].join(",");
    vec![
        ("service_code", s.service.code.clone().into()),
        ("service_name", name.into()),
        ("description", description.into()),
        ("metadata", Val::Bool(false)),
        ("type", "realtime".into()),
        ("keywords", keywords.into()),
        ("group", group.into()),
    ]
}

fn requests_list(format: Format, found: &[PublicRequest], lang: Lang) -> Response {
    let records = found
        .iter()
        .map(|r| {
            let mut record: Record = vec![
                ("service_request_id", r.tracking_number.as_str().into()),
                (
                    "status",
                    if hotline_domain::open311::is_closed(r.status) {
                        "closed"
                    } else {
                        "open"
                    }
                    .into(),
                ),
                ("status_notes", r.status.for_citizen(lang).into()),
                (
                    "service_name",
                    lang.pick(&r.service_zh, &r.service_en).into(),
                ),
                ("service_code", r.category_code.clone().into()),
                (
                    "agency_responsible",
                    Val::from((!r.agencies.is_empty()).then(|| r.agencies.join("、"))),
                ),
                ("service_notice", Val::Null),
                ("requested_datetime", w3c(r.requested_at).into()),
                ("updated_datetime", w3c(r.updated_at).into()),
                ("expected_datetime", r.expected_at.map(w3c).into()),
                ("address", r.district_name.clone().into()),
                ("address_id", Val::Null),
                ("zipcode", Val::Null),
            ];
            if let Some(p) = r.location {
                record.push(("lat", Val::Num(p.lat)));
                record.push(("long", Val::Num(p.lon)));
            } else {
                record.push(("lat", Val::Null));
                record.push(("long", Val::Null));
            }
            record.push(("media_url", Val::Null));
            record
        })
        .collect();
    list(
        format,
        StatusCode::OK,
        ("service_requests", "request"),
        records,
    )
}

fn discovery(format: Format, headers: &HeaderMap, web: &WebConfig) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if is_https(headers, web.cookie_secure) {
        "https"
    } else {
        "http"
    };
    let url = format!("{scheme}://{host}{BASE}");
    // The interface last changed with this release.
    let changeset = "2026-12-08T00:00:00+08:00";
    let contact = "咸阳市 12345 政务服务便民热线 / Xianyang 12345 citizen hotline: call 12345";
    let key_service =
        "API keys are issued by the hotline's administrators (系统管理 › Open311 接口密钥)";
    match format {
        Format::Json => json_response(
            StatusCode::OK,
            &serde_json::json!({
                "changeset": changeset,
                "contact": contact,
                "key_service": key_service,
                "endpoints": [{
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": url,
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }],
            }),
        ),
        Format::Xml => xml_response(
            StatusCode::OK,
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<discovery>\
                 <changeset>{changeset}</changeset><contact>{}</contact>\
                 <key_service>{}</key_service><endpoints><endpoint>\
                 <specification>http://wiki.open311.org/GeoReport_v2</specification>\
                 <url>{}</url><changeset>{changeset}</changeset><type>production</type>\
                 <formats><format>application/json</format><format>text/xml</format></formats>\
                 </endpoint></endpoints></discovery>",
                xml_escape(contact),
                xml_escape(key_service),
                xml_escape(&url)
            ),
        ),
    }
}

/// `GET /open311/v2/services/{file}`: a service's definition (no attributes: every
/// service takes only the standard fields).
pub async fn get_service(
    State(hotline): State<Hotline>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (code, format, _) = match read_of(&file, query.as_deref()) {
        Ok(read) => read,
        Err(refused) => return refused.into_response(),
    };
    match hotline.open311_service(&code).await {
        Ok(Some(s)) => match format {
            Format::Json => json_response(
                StatusCode::OK,
                &serde_json::json!({ "service_code": s.service.code, "attributes": [] }),
            ),
            Format::Xml => xml_response(
                StatusCode::OK,
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition>\
                     <service_code>{}</service_code><attributes/></service_definition>",
                    xml_escape(&s.service.code)
                ),
            ),
        },
        Ok(None) => not_found(format),
        Err(e) => service_error(format, e, Lang::default()),
    }
}

/// `GET /open311/v2/requests/{file}`: one request's public view.
pub async fn get_request(
    State(hotline): State<Hotline>,
    visitor: Visitor,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (id, format, _) = match read_of(&file, query.as_deref()) {
        Ok(read) => read,
        Err(refused) => return refused.into_response(),
    };
    let query = PublicRequestParams {
        service_request_id: Some(id),
        ..Default::default()
    };
    let query = match query.validate(hotline.now()) {
        // A malformed id names no request.
        Err(_) => return not_found(format),
        Ok(q) if q.ids.len() != 1 => return not_found(format),
        Ok(q) => q,
    };
    match hotline.public_requests(&query).await {
        Ok(found) if found.is_empty() => not_found(format),
        Ok(found) => requests_list(format, &found, visitor.lang),
        Err(e) => service_error(format, e, visitor.lang),
    }
}

/// `POST /open311/v2/requests.{json,xml}` (form-encoded): files a request for the holder of
/// `api_key`. 403 without a valid key, 429 past the key's budget, 400 naming each bad field.
pub async fn post_requests(
    State(app): State<super::AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let (hotline, web, limiter) = (app.hotline, app.web, app.limiter);
    // The key may come in the body (the spec) or the query string.
    let (stem, format, mut fields) = match read_of(&file, query.as_deref()) {
        Ok(read) => read,
        Err(refused) => return refused.into_response(),
    };
    if stem != "requests" {
        return not_found(format);
    }
    let form_typed = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_typed {
        return errors(
            format,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            vec!["send the request as application/x-www-form-urlencoded".into()],
        );
    }
    match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) {
        Ok(pairs) => fields.extend(pairs),
        Err(_) => {
            return errors(
                format,
                StatusCode::BAD_REQUEST,
                vec!["unreadable form body".into()],
            )
        }
    }
    // A jurisdiction in the body is checked as one in the query is.
    if let Err(refused) = check_jurisdiction(format, &fields) {
        return refused.into_response();
    }
    let key = fields.get("api_key").map(String::as_str).unwrap_or("");
    let key_id = match hotline.open311_key(key).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            return errors(
                format,
                StatusCode::FORBIDDEN,
                vec!["api_key: missing, unknown or revoked".into()],
            )
        }
        Err(e) => return service_error(format, e, visitor.lang),
    };
    if let Some(budget) = web.limits.get(&Limit::Open311Key) {
        if let Err(wait) = limiter.check_key(Limit::Open311Key, key_id, *budget) {
            let secs = wait.as_secs().max(1);
            let mut response = errors(
                format,
                StatusCode::TOO_MANY_REQUESTS,
                vec![format!(
                    "too many requests for this key; try again in {secs} s"
                )],
            );
            if let Ok(v) = secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return response;
        }
    }
    let input = request_input(&fields);
    let origin = visitor.citizen(hotline_domain::Channel::Open311);
    match hotline.open311_file(key_id, &input, &origin).await {
        Ok(filed) => list(
            format,
            StatusCode::CREATED,
            ("service_requests", "request"),
            vec![vec![
                ("service_request_id", filed.tracking_number.as_str().into()),
                (
                    "service_notice",
                    visitor
                        .lang
                        .pick(
                            "已收到，坐席将尽快受理；查询号码已短信发送给来电人。",
                            "Received; an agent will take it on shortly. The tracking number was sent by SMS.",
                        )
                        .into(),
                ),
                ("account_id", Val::Null),
            ]],
        ),
        Err(e) => service_error(format, e, visitor.lang),
    }
}

/// The form's fields as a request: a name from `first_name`/`last_name` (none: anonymous),
/// `lat`/`long` as the point (text that is no number is refused by the request's checks),
/// `address_id` as a district code.
fn request_input(fields: &HashMap<String, String>) -> NewRequestInput {
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or("");
    let (first, last) = (get("first_name"), get("last_name"));
    let name = match (first.is_empty(), last.is_empty()) {
        (true, true) => String::new(),
        (false, true) => first.to_string(),
        (true, false) => last.to_string(),
        // Chinese names are written family name first, without a space.
        _ if !first.is_ascii() || !last.is_ascii() => format!("{last}{first}"),
        _ => format!("{first} {last}"),
    };
    NewRequestInput {
        category: get("service_code").to_string(),
        content: get("description").to_string(),
        anonymous: name.is_empty(),
        contact_name: name,
        phone: get("phone").to_string(),
        district: get("address_id").to_string(),
        address: get("address_string").to_string(),
        lon: hotline_domain::coordinate_field(get("long")),
        lat: hotline_domain::coordinate_field(get("lat")),
    }
}

/// `GET /api/v1/api-keys`: every Open311 key issued, newest first (administrators).
pub async fn api_keys(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<ApiKeyView>>, ApiError> {
    Ok(Json(hotline.api_keys(&staff.user).await?))
}

/// `POST /api/v1/api-keys` `{"label"}`: issues a key; 201 with the key, shown this once.
pub async fn issue_api_key(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<ApiKeyInput>,
) -> Result<(StatusCode, Json<IssuedApiKey>), ApiError> {
    let issued = hotline
        .issue_api_key(&staff.user, &input, &staff.origin)
        .await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// `POST /api/v1/api-keys/{id}/revoke`: the key files nothing more.
pub async fn revoke_api_key(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<ApiKeyView>, ApiError> {
    Ok(Json(
        hotline
            .revoke_api_key(&staff.user, id, &staff.origin)
            .await?,
    ))
}
