//! `/units`, `/subscribers`, `/tokens`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::download::Download;
use super::{body, ApiResult, ApiUser};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::{blocking, RawQuery};
use crate::import;
use crate::listing::{ListQuery, ListSpec, Listed};
use crate::registry::{self, SubscriberJson, TokenInput, UnitChanges, UnitInput};
use crate::sheet::Format;
use crate::user::User;
use crate::PortalState;

type JsonBody<'r, T> = Result<Json<T>, rocket::serde::json::Error<'r>>;

#[rocket::post("/units", data = "<input>")]
pub(super) async fn add_unit(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    input: JsonBody<'_, UnitInput>,
) -> ApiResult<(Status, Json<Value>)> {
    let user = user?.0;
    let input = body(input)?;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::add_unit(&ca, &user, &input)).await?;
    Ok((Status::Created, Json(v)))
}

#[rocket::patch("/units/<id>", data = "<input>")]
pub(super) async fn update_unit(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
    input: JsonBody<'_, UnitChanges>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let input = body(input)?;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::update_unit(&ca, &user, id, &input)).await?;
    Ok(Json(v))
}

#[rocket::get("/units")]
pub(super) async fn list_units(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
    listed(
        state,
        user,
        query,
        registry::UNIT_LIST,
        "units",
        registry::unit_page,
    )
    .await
}

#[rocket::post("/subscribers", data = "<input>")]
pub(super) async fn add_subscriber(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    input: JsonBody<'_, SubscriberJson>,
) -> ApiResult<(Status, Json<Value>)> {
    let user = user?.0;
    let input = body(input)?;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::add_subscriber(&ca, &user, &input)).await?;
    Ok((Status::Created, Json(v)))
}

#[rocket::get("/subscribers")]
pub(super) async fn list_subscribers(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
    listed(
        state,
        user,
        query,
        registry::SUBSCRIBER_LIST,
        "subscribers",
        registry::subscriber_page,
    )
    .await
}

#[rocket::get("/subscribers/<id>")]
pub(super) async fn get_subscriber(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::subscriber(&ca, &user, id)).await?;
    Ok(Json(v))
}

#[rocket::post("/tokens", data = "<input>")]
pub(super) async fn add_token(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    input: JsonBody<'_, TokenInput>,
) -> ApiResult<(Status, Json<Value>)> {
    let user = user?.0;
    let input = body(input)?;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::add_token(&ca, &user, &input)).await?;
    Ok((Status::Created, Json(v)))
}

#[rocket::get("/tokens")]
pub(super) async fn list_tokens(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
    listed(
        state,
        user,
        query,
        registry::TOKEN_LIST,
        "tokens",
        registry::token_page,
    )
    .await
}

/// A paged list: `{"<key>": [...], "total", "limit", "page", "pages",
/// "next", "sort", "dir"}`, the query read against `spec` first.
async fn listed(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    query: RawQuery,
    spec: ListSpec,
    key: &'static str,
    list: fn(&ca_core::Ca, &User, &ListQuery) -> Result<Listed, PortalError>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let query = ListQuery::parse(query.as_deref(), spec)?;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || {
        let (rows, info) = list(&ca, &user, &query)?;
        let mut v = json!({ key: rows });
        info.add_to(&mut v, &query);
        Ok(v)
    })
    .await?;
    Ok(Json(v))
}

/// `POST /subscribers/import[?dry_run=true][&update=true]`: an `.xlsx`
/// workbook or a CSV file of subscribers (docs/import.md). Preview: the
/// report (new rows, rows registered already, updates offered, errors),
/// nothing written. Commit: every new row registered, and with
/// `update=true` every offered update applied, in one transaction (201),
/// or nothing when any row has an error (422 with the report).
#[rocket::post("/subscribers/import?<dry_run>&<update>", data = "<data>")]
pub(super) async fn import_subscribers(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    dry_run: Option<bool>,
    update: Option<bool>,
    content_type: Option<&rocket::http::ContentType>,
    data: rocket::Data<'_>,
) -> ApiResult<(Status, Json<Value>)> {
    use rocket::data::ToByteUnit;
    let user = user?.0;
    let claimed = content_type.and_then(|c| Format::from_name(&c.to_string()));
    let limit = (import::MAX_BYTES + 1).bytes();
    let read = data.open(limit).into_bytes().await.map_err(|e| {
        PortalError::invalid(
            ErrorCode::BadBody,
            format!("the body could not be read: {e}"),
        )
    })?;
    if !read.is_complete() || read.len() > import::MAX_BYTES {
        return Err(PortalError::TooLarge {
            limit: import::MAX_LABEL,
        }
        .into());
    }
    let bytes = read.into_inner();
    let ca = Arc::clone(&state.ca);
    if dry_run.unwrap_or(false) {
        let report = blocking(move || import::check(&ca, &user, &bytes, claimed)).await?;
        return Ok((Status::Ok, Json(report.to_json())));
    }
    let apply = update.unwrap_or(false);
    let done = blocking(move || import::commit(&ca, &user, &bytes, claimed, apply)).await?;
    let report = &done.report;
    let mut v = report.to_json();
    if report.errors.is_empty() {
        v["created"] = json!(done.created.iter().map(|(_, id)| id).collect::<Vec<_>>());
        v["updated"] = json!(done.updated.iter().map(|(_, id)| id).collect::<Vec<_>>());
        Ok((Status::Created, Json(v)))
    } else {
        v["error"] = json!({
            "code": "import_rejected",
            "message": format!(
                "{} of {} rows have errors; nothing was imported",
                report.rows.len() - report.valid(),
                report.rows.len()
            ),
        });
        Ok((Status::UnprocessableEntity, Json(v)))
    }
}

/// `GET /subscribers/import/template.xlsx`: the import template, the
/// Vietnamese headers and one example row.
#[rocket::get("/subscribers/import/template.xlsx")]
pub(super) async fn import_template_xlsx(
    user: Result<ApiUser, PortalError>,
) -> ApiResult<Download> {
    user?;
    let book = blocking(import::template_xlsx).await?;
    Ok(Download::xlsx(book, "govpki-mau-nhap-thue-bao.xlsx"))
}

/// `GET /subscribers/import/template.csv`: the same template as CSV.
#[rocket::get("/subscribers/import/template.csv")]
pub(super) async fn import_template_csv(user: Result<ApiUser, PortalError>) -> ApiResult<Download> {
    user?;
    Ok(Download::attachment(
        import::template_csv().into_bytes(),
        rocket::http::ContentType::CSV,
        "govpki-mau-nhap-thue-bao.csv",
    ))
}
