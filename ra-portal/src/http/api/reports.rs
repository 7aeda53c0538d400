//! `/reports/<name>` (JSON, or CSV with `.csv`) and `/audit`.

use std::sync::Arc;

use rocket::http::{ContentType, Header};
use rocket::serde::json::Json;
use rocket::State;
use serde_json::Value;

use super::{ApiResult, ApiUser};
use crate::audit_view::{self, AuditFilters};
use crate::error::PortalError;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::reports::{self, ReportFilters};
use crate::PortalState;

/// A report as JSON or as a CSV download.
#[derive(rocket::Responder)]
pub(super) enum ReportReply {
    Json(Json<Value>),
    Csv(Box<CsvFile>),
}

/// A CSV download.
#[derive(rocket::Responder)]
pub(super) struct CsvFile {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

/// The names of the reports.
pub(crate) const REPORTS: [&str; 4] = ["status", "expiring", "units", "turnaround"];

#[rocket::get("/reports/<name>?<filters..>")]
pub(super) async fn report(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    name: &str,
    filters: ReportFilters,
) -> ApiResult<ReportReply> {
    let user = user?.0;
    let (stem, csv) = match name.rsplit_once('.') {
        Some((s, "csv")) => (s, true),
        Some((s, "json")) => (s, false),
        Some(_) | None => (name, false),
    };
    let Some(stem) = REPORTS.iter().copied().find(|r| *r == stem) else {
        return Err(PortalError::NotFound(format!(
            "no report {name:?}; use {} (add .csv for CSV)",
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
                (to_json(serde_json::to_value(&r))?, reports::status_csv(&r))
            }
            "expiring" => {
                let r = reports::expiring(&ca, &user, &filters)?;
                (
                    to_json(serde_json::to_value(&r))?,
                    reports::expiring_csv(&r),
                )
            }
            "units" => {
                let r = reports::units(&ca, &user, &filters)?;
                (to_json(serde_json::to_value(&r))?, reports::units_csv(&r))
            }
            _ => {
                let r = reports::turnaround(&ca, &user, &filters)?;
                (
                    to_json(serde_json::to_value(&r))?,
                    reports::turnaround_csv(&r),
                )
            }
        })
    })
    .await?;
    if !csv {
        return Ok(ReportReply::Json(Json(json)));
    }
    let date = chrono::Utc::now().format("%Y%m%d");
    Ok(ReportReply::Csv(Box::new(CsvFile {
        body: text,
        content_type: ContentType::CSV,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"govpki-{stem}-{date}.csv\""),
        ),
    })))
}

#[rocket::get("/audit?<filters..>")]
pub(super) async fn audit(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    filters: AuditFilters,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
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
