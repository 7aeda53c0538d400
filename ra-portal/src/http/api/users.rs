//! `/users` (administrators only): list and create accounts, reset a
//! password (a one-time password in the answer, once), unlock sign-in,
//! disable, enable, change the role or province. See
//! [`crate::accounts::listing`].

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{body, ApiResult, ApiUser};
use crate::accounts::listing;
use crate::accounts::NewAccount;
use crate::error::PortalError;
use crate::http::blocking;
use crate::user::User;
use crate::{totp, PortalState};

type JsonBody<'r, T> = Result<Json<T>, rocket::serde::json::Error<'r>>;

/// `POST /users`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateInput {
    username: String,
    role: String,
    #[serde(default)]
    province: Option<String>,
    #[serde(default)]
    department: Option<String>,
}

/// `POST /users/<username>/role`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleInput {
    role: String,
    #[serde(default)]
    province: Option<String>,
}

#[rocket::get("/users")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let all = blocking(move || listing::list(&store, &user)).await?;
    Ok(Json(json!({ "users": all })))
}

#[rocket::get("/users/<username>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let name = username.to_owned();
    let one = blocking(move || listing::account(&store, &user, &name)).await?;
    Ok(Json(json!(one)))
}

#[rocket::post("/users", data = "<input>")]
pub(super) async fn create(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    input: JsonBody<'_, CreateInput>,
) -> ApiResult<(Status, Json<Value>)> {
    let user = user?.0;
    let input = body(input)?;
    let portal = Arc::clone(state.inner());
    let created = blocking(move || {
        let role = input.role.parse()?;
        listing::create_by(
            portal.ca.store(),
            &portal.totp_key,
            &user,
            &NewAccount {
                username: &input.username,
                role,
                province: input.province.as_deref(),
                department: input.department.as_deref(),
            },
        )
    })
    .await?;
    let mut v = json!({
        "user": created.user,
        "one_time_password": created.one_time_password,
        "province_note": created.province_note,
    });
    add_totp(&mut v, &created.user, created.totp_secret.as_deref());
    Ok((Status::Created, Json(v)))
}

#[rocket::post("/users/<username>/reset")]
pub(super) async fn reset(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let name = username.to_owned();
    let done = blocking(move || listing::reset_by(&store, &user, &name)).await?;
    Ok(Json(json!({
        "user": done.user,
        "one_time_password": done.one_time_password,
    })))
}

#[rocket::post("/users/<username>/unlock")]
pub(super) async fn unlock(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let name = username.to_owned();
    let one = blocking(move || {
        listing::unlock_by(&store, &user, &name)?;
        listing::account(&store, &user, &name)
    })
    .await?;
    Ok(Json(json!(one)))
}

#[rocket::post("/users/<username>/disable")]
pub(super) async fn disable(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
) -> ApiResult<Json<Value>> {
    set_disabled(state, user, username, true).await
}

#[rocket::post("/users/<username>/enable")]
pub(super) async fn enable(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
) -> ApiResult<Json<Value>> {
    set_disabled(state, user, username, false).await
}

#[rocket::post("/users/<username>/role", data = "<input>")]
pub(super) async fn set_role(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
    input: JsonBody<'_, RoleInput>,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let input = body(input)?;
    let portal = Arc::clone(state.inner());
    let name = username.to_owned();
    let (changed, secret) = blocking(move || {
        listing::set_role_by(
            portal.ca.store(),
            &portal.totp_key,
            &user,
            &name,
            &input.role,
            input.province.as_deref(),
        )
    })
    .await?;
    let mut v = json!({ "user": changed });
    add_totp(&mut v, &changed, secret.as_deref());
    Ok(Json(v))
}

async fn set_disabled(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    username: &str,
    disabled: bool,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let store = state.ca.store().clone();
    let name = username.to_owned();
    let one = blocking(move || {
        listing::set_disabled_by(&store, &user, &name, disabled)?;
        listing::account(&store, &user, &name)
    })
    .await?;
    Ok(Json(json!(one)))
}

/// A new TOTP secret (base32 and `otpauth://` URI), shown once.
fn add_totp(v: &mut Value, user: &User, secret: Option<&str>) {
    if let Some(secret) = secret {
        v["totp_secret"] = json!(secret);
        v["totp_uri"] = json!(totp::otpauth_uri("govpki", &user.username, secret));
    }
}
