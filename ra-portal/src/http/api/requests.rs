//! `/requests`: submit, list, get, approve, reject.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{body, body_or_default, ApiResult, ApiUser};
use crate::error::PortalError;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::requests::{self, RequestInput};
use crate::PortalState;

/// An approval's or rejection's body.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Decision {
    #[serde(default)]
    pub(super) comment: Option<String>,
}

#[rocket::post("/requests", data = "<input>")]
pub(super) async fn submit(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    input: Result<Json<Value>, rocket::serde::json::Error<'_>>,
) -> ApiResult<(Status, Json<Value>)> {
    let user = user?.0;
    let input = RequestInput::from_json(body(input)?)?;
    let ca = Arc::clone(&state.ca);
    let row = blocking(move || requests::submit(&ca, &user, &input)).await?;
    Ok((Status::Created, Json(row.to_json())))
}

#[rocket::get("/requests")]
pub(super) async fn list(
    portal: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let query = ListQuery::parse(query.as_deref(), requests::REQUEST_LIST)?;
    let ca = Arc::clone(&portal.ca);
    let v = blocking(move || {
        let (rows, info) = requests::page(ca.store(), &user, &query)?;
        let listed: Vec<requests::RequestRow> = rows.iter().map(|r| r.row.clone()).collect();
        let serials = requests::review::result_serials(&ca, &listed)?;
        let requests: Vec<Value> = rows
            .iter()
            .zip(serials)
            .map(|(r, serial)| {
                let mut v = r.to_json();
                v["result_serial"] = json!(serial);
                v
            })
            .collect();
        let mut v = json!({ "requests": requests });
        info.add_to(&mut v, &query);
        Ok(v)
    })
    .await?;
    Ok(Json(v))
}

#[rocket::get("/requests/<id>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || {
        let row = requests::get(ca.store(), &user, id)?;
        with_review(&ca, &row)
    })
    .await?;
    Ok(Json(v))
}

#[rocket::post("/requests/<id>/approve", data = "<input>")]
pub(super) async fn approve(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
    input: Result<Json<Decision>, rocket::serde::json::Error<'_>>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let decision = body_or_default(input)?;
    let ca = Arc::clone(&state.ca);
    let (row, v) = blocking(move || {
        let row = requests::approve(&ca, &user, id, decision.comment.as_deref())?;
        let v = with_review(&ca, &row)?;
        Ok((row, v))
    })
    .await?;
    state.start_bulk(&row);
    Ok(Json(v))
}

#[rocket::post("/requests/<id>/reject", data = "<input>")]
pub(super) async fn reject(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
    input: Result<Json<Decision>, rocket::serde::json::Error<'_>>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let decision = body_or_default(input)?;
    let store = state.ca.store().clone();
    let row =
        blocking(move || requests::reject(&store, &user, id, decision.comment.as_deref())).await?;
    Ok(Json(row.to_json()))
}

/// A request's JSON with its review (what it will issue or change, the
/// dry run's verdict, the resulting certificate's serial).
fn with_review(ca: &ca_core::Ca, row: &requests::RequestRow) -> Result<Value, PortalError> {
    let mut v = row.to_json();
    let review = requests::review::review(ca, row)?;
    if let (Some(o), Value::Object(r)) = (v.as_object_mut(), review.json) {
        o.extend(r);
    }
    Ok(v)
}
