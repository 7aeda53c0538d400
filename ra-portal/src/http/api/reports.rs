//! `/reports/<name>` (JSON, CSV with `.csv`, Excel with `.xlsx`) and
//! `/audit`.

use std::sync::Arc;

use rocket::http::{ContentType, Cookie, CookieJar};
use rocket::serde::json::Json;
use rocket::State;
use serde_json::Value;

use super::download::Download;
use super::{ApiResult, ApiUser};
use crate::audit_view::{self, AuditFilters};
use crate::error::PortalError;
use crate::http::query::{AuditQuery, ReportQuery};
use crate::http::web::LANG_COOKIE;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::reports::{self, CsvLanguage, ReportFilters};
use crate::PortalState;

/// A report as JSON or as a CSV or `.xlsx` download.
#[derive(rocket::Responder)]
pub(super) enum ReportReply {
    Json(Json<Value>),
    File(Box<Download>),
}

/// The forms of a report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Json,
    Csv,
    Xlsx,
}

/// The names of the reports.
pub(crate) const REPORTS: [&str; 4] = ["status", "expiring", "units", "turnaround"];

/// The language of a CSV's headers: `?lang=vi|en`, else the language the
/// pages were switched to (their cookie), else Vietnamese.
fn csv_language(lang: Option<&str>, cookies: &CookieJar<'_>) -> CsvLanguage {
    let chosen = lang.or_else(|| cookies.get(LANG_COOKIE).map(Cookie::value));
    match chosen {
        Some("en") => CsvLanguage::En,
        _ => CsvLanguage::Vi,
    }
}

#[rocket::get("/reports/<name>?<lang>&<filters..>")]
pub(super) async fn report(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    name: &str,
    lang: Option<&str>,
    cookies: &CookieJar<'_>,
    filters: ReportQuery,
) -> ApiResult<ReportReply> {
    let filters = ReportFilters::from(filters);
    let language = csv_language(lang, cookies);
    let user = user?.0;
    let (stem, form) = match name.rsplit_once('.') {
        Some((s, "csv")) => (s, Form::Csv),
        Some((s, "xlsx")) => (s, Form::Xlsx),
        Some((s, "json")) => (s, Form::Json),
        Some(_) | None => (name, Form::Json),
    };
    let Some(stem) = REPORTS.iter().copied().find(|r| *r == stem) else {
        return Err(PortalError::NotFound(format!(
            "no report {name:?}; use {} (add .csv for CSV, .xlsx for Excel)",
            REPORTS.join(", ")
        ))
        .into());
    };
    let ca = Arc::clone(&state.ca);
    let (json, text) = blocking(move || -> Result<(Value, String), PortalError> {
        let to_json = |v: Result<Value, serde_json::Error>| {
            v.map_err(|e| PortalError::Internal(format!("report as JSON: {e}")))
        };
        Ok(match stem {
            "status" => {
                let r = reports::status(&ca, &user, &filters)?;
                (
                    to_json(serde_json::to_value(&r))?,
                    reports::status_csv(&r, language),
                )
            }
            "expiring" => {
                let r = reports::expiring(&ca, &user, &filters)?;
                (
                    to_json(serde_json::to_value(&r))?,
                    reports::expiring_csv(&r, language),
                )
            }
            "units" => {
                let r = reports::units(&ca, &user, &filters)?;
                (
                    to_json(serde_json::to_value(&r))?,
                    reports::units_csv(&r, language),
                )
            }
            _ => {
                let r = reports::turnaround(&ca, &user, &filters)?;
                (
                    to_json(serde_json::to_value(&r))?,
                    reports::turnaround_csv(&r, language),
                )
            }
        })
    })
    .await?;
    let date = crate::vn_time::local(chrono::Utc::now().naive_utc()).format("%Y%m%d");
    let file = match form {
        Form::Json => return Ok(ReportReply::Json(Json(json))),
        Form::Csv => Download::attachment(
            text.into_bytes(),
            ContentType::CSV,
            &format!("govpki-{stem}-{date}.csv"),
        ),
        // The workbook holds the CSV's table, header and cells alike.
        Form::Xlsx => {
            let book = blocking(move || crate::xlsx_file::from_csv(stem, &text)).await?;
            Download::xlsx(book, &format!("govpki-{stem}-{date}.xlsx"))
        }
    };
    Ok(ReportReply::File(Box::new(file)))
}

#[rocket::get("/audit?<filters..>")]
pub(super) async fn audit(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    filters: AuditQuery,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
    let filters = AuditFilters::from(filters);
    let user = user?.0;
    // Refuses what the audit list does not know (the typed filters above
    // would ignore it).
    ListQuery::parse(query.as_deref(), audit_view::AUDIT_LIST)?;
    let ca = Arc::clone(&state.ca);
    let page = blocking(move || audit_view::view(&ca, &user, &filters)).await?;
    let v = serde_json::to_value(&page)
        .map_err(|e| PortalError::Internal(format!("audit page as JSON: {e}")))?;
    Ok(Json(v))
}
