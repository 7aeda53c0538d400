//! `/tokens/<serial>` (a token with its certificates and the requests its
//! state allows), the administrators' emergency revocation of a lost
//! token's certificates (`POST /tokens/<serial>/emergency-lost`), and the
//! emergency actions approvers acknowledge (`/emergencies`). See
//! [`crate::tokens`].

use std::sync::Arc;

use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{ApiResult, ApiUser};
use crate::error::PortalError;
use crate::http::blocking;
use crate::{tokens, PortalState};

#[rocket::get("/tokens/<serial>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    serial: &str,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let serial = serial.to_owned();
    let v = blocking(move || tokens::token(&ca, &user, &serial)).await?;
    Ok(Json(json!(v)))
}

#[rocket::post("/tokens/<serial>/emergency-lost")]
pub(super) async fn emergency_lost(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    serial: &str,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let serial = serial.to_owned();
    let v = blocking(move || tokens::emergency_lost(&ca, &user, &serial)).await?;
    Ok(Json(json!(v)))
}

#[rocket::get("/emergencies")]
pub(super) async fn emergencies(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || tokens::unacknowledged(&ca, &user)).await?;
    Ok(Json(json!({ "emergencies": v })))
}

#[rocket::post("/emergencies/<id>/acknowledge")]
pub(super) async fn acknowledge(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || tokens::acknowledge(&ca, &user, id)).await?;
    Ok(Json(json!(v)))
}
