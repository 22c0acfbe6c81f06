//! The elderly registry as a file (SPEC R3): export of any search to CSV or XLSX, an empty
//! template, and imports: raw bytes to the JSON API, or a file chosen on the registry page
//! (a multipart form, which then shows the report on the page).

use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use hotline_core::tabular::{content_type, write_csv, write_xlsx};
use hotline_core::Hotline;
use hotline_domain::registry_io::ELDERLY_COLUMNS;
use hotline_domain::{ElderlyQuery, FieldErrors, FileFormat, ImportMode, ImportReport, Problem};
use serde::Deserialize;

use super::request::{QueryParams, RecordId, Staff};
use super::ApiError;

/// The largest file an import takes: 100,000 people of a full row each fit well inside.
pub const IMPORT_BODY_MAX: usize = 64 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportParams {
    /// `csv` (the default) or `xlsx`.
    format: String,
    #[serde(flatten)]
    search: ElderlyQuery,
}

fn format_of(text: &str) -> Result<FileFormat, ApiError> {
    FileFormat::parse(text).map_err(|problem| {
        let mut errors = FieldErrors::new();
        errors.add("format", problem);
        ApiError::Invalid(errors)
    })
}

fn download(format: FileFormat, file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(format)),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VendorExportParams {
    /// `csv` (the default) or `xlsx`.
    format: String,
    #[serde(flatten)]
    search: hotline_domain::VendorQuery,
}

/// `GET /api/v1/vendors/export?format=csv|xlsx&q=&district=…`: every vendor the list's
/// search finds, as a file (at most 100,000). Audited.
pub async fn export_vendors(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(params): QueryParams<VendorExportParams>,
) -> Result<Response, ApiError> {
    let format = format_of(&params.format)?;
    let file = hotline
        .export_vendors(&staff.user, &params.search, format, &staff.origin)
        .await?;
    Ok(download(file.format, &file.file_name, file.bytes))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProviderExportParams {
    /// `csv` (the default) or `xlsx`.
    format: String,
    #[serde(flatten)]
    search: hotline_domain::ProviderQuery,
}

/// `GET /api/v1/providers/export?format=csv|xlsx&q=&kind=…`: every skilled individual or
/// volunteer the list's search finds, as a file (at most 100,000). Audited.
pub async fn export_providers(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(params): QueryParams<ProviderExportParams>,
) -> Result<Response, ApiError> {
    let format = format_of(&params.format)?;
    let file = hotline
        .export_providers(&staff.user, &params.search, format, &staff.origin)
        .await?;
    Ok(download(file.format, &file.file_name, file.bytes))
}

/// `GET /api/v1/elderly/export?format=csv|xlsx&q=&district=…`: every person the registry
/// search finds, as a file (at most 100,000; more is a 422 on `q`). Audited.
pub async fn export(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(params): QueryParams<ExportParams>,
) -> Result<Response, ApiError> {
    let format = format_of(&params.format)?;
    let file = hotline
        .export_elderly(&staff.user, &params.search, format, &staff.origin)
        .await?;
    Ok(download(file.format, &file.file_name, file.bytes))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateParams {
    format: String,
}

/// `GET /api/v1/elderly/template?format=csv|xlsx`: an empty file with the import's columns.
pub async fn template(
    _staff: Staff,
    QueryParams(params): QueryParams<TemplateParams>,
) -> Result<Response, ApiError> {
    let format = format_of(&params.format)?;
    let header: Vec<&str> = ELDERLY_COLUMNS.iter().map(|c| c.heading).collect();
    let bytes = match format {
        FileFormat::Csv => write_csv(&header, &[]),
        FileFormat::Xlsx => write_xlsx("老年人档案", &header, &[]),
    }
    .map_err(ApiError::Internal)?;
    let name = format!("elderly-import-template.{}", format.as_code());
    Ok(download(format, &name, bytes))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportParams {
    /// `all` (the default: any bad row stores nothing) or `skip`.
    mode: String,
    /// The file's name, for the report.
    file_name: String,
}

fn mode_of(text: &str) -> Result<ImportMode, ApiError> {
    ImportMode::parse(text).map_err(|problem| {
        let mut errors = FieldErrors::new();
        errors.add("mode", problem);
        ApiError::Invalid(errors)
    })
}

/// `POST /api/v1/elderly/import?mode=all|skip&file_name=…` with the CSV or XLSX file as the
/// body: `200` with the report when people were stored, `422` with the report when nothing
/// was (its issues name row, column and reason).
pub async fn import(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(params): QueryParams<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mode = mode_of(&params.mode)?;
    let report = hotline
        .import_elderly(&staff.user, &params.file_name, &body, mode, &staff.origin)
        .await?;
    let status = if report.committed {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// `GET /api/v1/elderly/imports/{id}`: one import's report.
pub async fn report(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<ImportReport>, ApiError> {
    Ok(Json(hotline.import_report(&staff.user, id).await?))
}

/// `POST /care/elderly/imports`: the registry page's import form (`multipart/form-data`
/// with `file` and `mode`). Answers `303` to the page showing the report.
pub async fn import_form(
    State(hotline): State<Hotline>,
    staff: Staff,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let unreadable =
        |e: axum::extract::multipart::MultipartError| ApiError::BadBody(e.status(), e.body_text());
    let (mut file, mut mode) = (None, String::new());
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                file = Some((name, field.bytes().await.map_err(unreadable)?));
            }
            Some("mode") => mode = field.text().await.map_err(unreadable)?,
            _ => {}
        }
    }
    let mode = mode_of(&mode)?;
    let Some((name, bytes)) = file.filter(|(name, bytes)| !name.is_empty() || !bytes.is_empty())
    else {
        let mut errors = FieldErrors::new();
        errors.add("file", Problem::Required);
        return Err(ApiError::Invalid(errors));
    };
    let report = hotline
        .import_elderly(&staff.user, &name, &bytes, mode, &staff.origin)
        .await?;
    Ok(Redirect::to(&format!("/care/elderly?import={}", report.id)).into_response())
}
