//! `/units`, `/subscribers`, `/tokens`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{blocking, body, ApiResult, ApiUser};
use crate::registry::{self, SubscriberJson, TokenInput, UnitInput};
use crate::{PortalError, PortalState};

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

#[rocket::get("/units")]
pub(super) async fn list_units(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::units(&ca, &user)).await?;
    Ok(Json(json!({ "units": v })))
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
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::subscribers(&ca, &user)).await?;
    Ok(Json(json!({ "subscribers": v })))
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
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || registry::tokens(&ca, &user)).await?;
    Ok(Json(json!({ "tokens": v })))
}
