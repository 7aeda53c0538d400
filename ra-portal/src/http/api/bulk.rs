//! `/bulk/<request id>`: a unit change's bulk re-issue job (progress and
//! items), and the retry of its failed items.

use std::sync::Arc;

use rocket::serde::json::Json;
use rocket::State;
use serde_json::Value;

use super::{ApiResult, ApiUser};
use crate::error::PortalError;
use crate::http::blocking;
use crate::{bulk, PortalState};

#[rocket::get("/bulk/<id>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let view = blocking(move || bulk::view(&store, &user, id)).await?;
    let v = serde_json::to_value(view)
        .map_err(|e| PortalError::Internal(format!("bulk job {id}: {e}")))?;
    Ok(Json(v))
}

#[rocket::post("/bulk/<id>/retry")]
pub(super) async fn retry(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let row = blocking(move || bulk::retry(&store, &user, id)).await?;
    state.start_bulk(&row);
    Ok(Json(row.to_json()))
}
