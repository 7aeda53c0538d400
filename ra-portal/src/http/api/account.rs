//! Client-certificate sign-in (`POST /session/certificate`) and the
//! certificates an account signs in with (`/account/certificates`): see
//! [`crate::client_cert`].

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{ApiResult, ApiUser};
use crate::client_cert::{self, Presented};
use crate::error::PortalError;
use crate::http::{blocking, ClientAddr};
use crate::{accounts, PortalState};

#[rocket::post("/session/certificate")]
pub(super) async fn sign_in(
    state: &State<Arc<PortalState>>,
    client: ClientAddr,
    presented: Option<Presented>,
) -> ApiResult<Json<Value>> {
    state.sign_in_limit.attempt(client.0)?;
    let presented = presented.ok_or(PortalError::CertificateRequired)?;
    let portal = Arc::clone(state.inner());
    let (user, token, expires) = blocking(move || {
        let store = portal.ca.store();
        let (user, certificate) = client_cert::sign_in(store, &presented)?;
        let (token, expires) = accounts::create_api_token(store, &user, Some(certificate))?;
        Ok((user, token, expires))
    })
    .await?;
    Ok(super::session::token_reply(&user, &token, expires))
}

#[rocket::get("/account/certificates")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let bound = blocking(move || client_cert::bound(&store, &user)).await?;
    Ok(Json(json!({ "certificates": bound })))
}

#[rocket::post("/account/certificates")]
pub(super) async fn bind(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    presented: Option<Presented>,
) -> ApiResult<(Status, Json<Value>)> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let bound = blocking(move || client_cert::bind(&store, &user, presented.as_ref())).await?;
    Ok((Status::Created, Json(json!(bound))))
}

#[rocket::delete("/account/certificates/<id>")]
pub(super) async fn unbind(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    id: i64,
) -> ApiResult<Status> {
    let user = user?.0;
    let store = state.ca.store().clone();
    blocking(move || client_cert::unbind(&store, &user, id)).await?;
    Ok(Status::NoContent)
}
