//! `/requests`: submit, list, get, approve, reject.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{body, body_or_default, ApiResult, ApiUser};
use crate::error::PortalError;
use crate::http::blocking;
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

#[rocket::get("/requests?<state>")]
pub(super) async fn list(
    portal: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    state: Option<String>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = portal.ca.store().clone();
    let rows = blocking(move || requests::list(&store, &user, state.as_deref())).await?;
    Ok(Json(json!({
        "requests": rows.iter().map(requests::RequestRow::to_json).collect::<Vec<_>>()
    })))
}

#[rocket::get("/requests/<id>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let row = blocking(move || requests::get(&store, &user, id)).await?;
    Ok(Json(row.to_json()))
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
    let row =
        blocking(move || requests::approve(&ca, &user, id, decision.comment.as_deref())).await?;
    state.start_bulk(&row);
    Ok(Json(row.to_json()))
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
