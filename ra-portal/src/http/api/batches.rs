//! `/batches`: a batch of issuance requests made from one `.zip` of CSRs
//! (the body, `application/zip`), listed, read, approved or rejected in
//! one decision, and its certificates as one `.zip`; and the `.zip` of a
//! unit change's certificates (`/bulk/<id>/certificates.zip`).

use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::requests::Decision;
use super::{body_or_default, ApiResult, ApiUser};
use crate::batches::{self, files, BatchView, CsrFile, NewBatch};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::blocking;
use crate::PortalState;

/// A `.zip` download.
#[derive(rocket::Responder)]
pub(super) struct ZipFile {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[rocket::post("/batches?<unit_id>&<filter>&<days>", data = "<data>")]
pub(super) async fn create(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    unit_id: Option<i64>,
    filter: Option<String>,
    days: Option<u32>,
    data: rocket::Data<'_>,
) -> ApiResult<(Status, Json<Value>)> {
    use rocket::data::ToByteUnit;
    let user = user?.0;
    // Optional in the route so that a request without it is answered
    // after authentication (401 first), then refused here.
    let unit_id = unit_id.ok_or_else(|| {
        PortalError::invalid(
            ErrorCode::MissingField,
            "unit_id is required: the unit whose people the batch is for (?unit_id=…)",
        )
    })?;
    let read = data
        .open((files::MAX_ARCHIVE + 1).bytes())
        .into_bytes()
        .await
        .map_err(|e| {
            PortalError::invalid(
                ErrorCode::BadBody,
                format!("the body could not be read: {e}"),
            )
        })?;
    if !read.is_complete() || read.len() > files::MAX_ARCHIVE {
        return Err(PortalError::TooLarge {
            limit: files::MAX_ARCHIVE_LABEL,
        }
        .into());
    }
    let bytes = read.into_inner();
    if !files::is_zip(&bytes) {
        return Err(PortalError::invalid(
            ErrorCode::InvalidZip,
            "the body is not a .zip of CSR files",
        )
        .into());
    }
    let ca = Arc::clone(&state.ca);
    let input = NewBatch {
        unit_id,
        filter,
        days,
        files: vec![CsrFile {
            name: "batch.zip".into(),
            bytes,
        }],
    };
    match blocking(move || batches::create(&ca, &user, input)).await? {
        Ok(view) => Ok((Status::Created, Json(view_json(&view)))),
        Err(refusal) => {
            let mut v = serde_json::to_value(&refusal).unwrap_or_default();
            v["error"] = json!({
                "code": "batch_refused",
                "message": "the batch was not recorded: the files and the people do not match, or requests were refused; nothing was submitted",
            });
            Ok((Status::UnprocessableEntity, Json(v)))
        }
    }
}

#[rocket::get("/batches")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let rows = blocking(move || batches::list(&ca, &user)).await?;
    Ok(Json(json!({
        "batches": rows.iter().map(|(b, unit, count)| json!({
            "id": b.id, "state": b.state, "province": b.province, "unit_id": b.unit_id,
            "unit_name": unit, "requests": count, "submitted_by": b.submitted_by,
            "submitted_at": b.submitted_at.and_utc().to_rfc3339(),
        })).collect::<Vec<_>>()
    })))
}

#[rocket::get("/batches/<id>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let view = blocking(move || batches::get(&ca, &user, id)).await?;
    Ok(Json(view_json(&view)))
}

#[rocket::post("/batches/<id>/approve", data = "<input>")]
pub(super) async fn approve(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
    input: Result<Json<Decision>, rocket::serde::json::Error<'_>>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let decision = body_or_default(input)?;
    let ca = Arc::clone(&state.ca);
    let view =
        blocking(move || batches::approve(&ca, &user, id, decision.comment.as_deref())).await?;
    Ok(Json(view_json(&view)))
}

#[rocket::post("/batches/<id>/reject", data = "<input>")]
pub(super) async fn reject(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
    input: Result<Json<Decision>, rocket::serde::json::Error<'_>>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let decision = body_or_default(input)?;
    let ca = Arc::clone(&state.ca);
    let view =
        blocking(move || batches::reject(&ca, &user, id, decision.comment.as_deref())).await?;
    Ok(Json(view_json(&view)))
}

#[rocket::get("/batches/<id>/certificates.zip")]
pub(super) async fn certificates(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<ZipFile> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let body = blocking(move || batches::certificates_zip(&ca, &user, id)).await?;
    Ok(zip_file(body, &format!("batch-{id}.zip")))
}

#[rocket::get("/bulk/<id>/certificates.zip")]
pub(super) async fn unit_change_certificates(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<ZipFile> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let body = blocking(move || batches::unit_change_zip(&ca, &user, id)).await?;
    Ok(zip_file(body, &format!("unit-change-{id}.zip")))
}

/// A `.zip` answer named `name`.
pub(crate) fn zip_file(body: Vec<u8>, name: &str) -> ZipFile {
    ZipFile {
        body,
        content_type: ContentType::ZIP,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ),
    }
}

/// A batch as the API shows it.
pub(crate) fn view_json(view: &BatchView) -> Value {
    let b = &view.batch;
    let t = |d: chrono::NaiveDateTime| d.and_utc().to_rfc3339();
    json!({
        "id": b.id,
        "state": b.state,
        "province": b.province,
        "unit_id": b.unit_id,
        "unit_name": view.unit_name,
        "submitted_by": b.submitted_by,
        "submitted_at": t(b.submitted_at),
        "decided_by": b.decided_by,
        "decided_at": b.decided_at.map(t),
        "comment": b.comment,
        "finished_at": b.finished_at.map(t),
        "items": view.items,
    })
}
