//! `POST /session` (sign in, bearer token out), `DELETE /session`,
//! `GET /me`, `POST /password` (ends every other session and token of the
//! account), `POST /account/sign-out-everywhere`.

use std::sync::Arc;

use rocket::http::{CookieJar, Status};
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::auth::Credential;
use super::{body, AnyApiUser, ApiResult};
use crate::error::PortalError;
use crate::http::{blocking, ClientAddr};
use crate::{accounts, PortalState, SESSION_COOKIE};

/// Sign-in input.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignIn {
    username: String,
    password: String,
    #[serde(default)]
    totp: Option<String>,
}

/// Password change input.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PasswordChange {
    old: String,
    new: String,
}

#[rocket::post("/session", data = "<input>")]
pub(super) async fn create(
    state: &State<Arc<PortalState>>,
    client: ClientAddr,
    input: Result<Json<SignIn>, rocket::serde::json::Error<'_>>,
) -> ApiResult<Json<Value>> {
    state.sign_in_limit.attempt(client.0)?;
    let input = body(input)?;
    let portal = Arc::clone(state.inner());
    let (user, token, expires) = blocking(move || {
        let store = portal.ca.store();
        let given = accounts::Credentials {
            username: &input.username,
            password: &input.password,
            totp: input.totp.as_deref(),
        };
        let user = accounts::authenticate(store, &portal.totp_key, given, client.0)?;
        let (token, expires) = accounts::create_api_token(store, &user, None)?;
        Ok((user, token, expires))
    })
    .await?;
    Ok(token_reply(&user, &token, expires))
}

/// The answer of a sign-in: the bearer token, its expiry, whether the
/// one-time password must be changed first, and the account.
pub(super) fn token_reply(
    user: &crate::user::User,
    token: &str,
    expires: chrono::NaiveDateTime,
) -> Json<Value> {
    Json(json!({
        "token": token,
        "expires_at": expires.and_utc().to_rfc3339(),
        "must_change_password": user.must_change_password,
        "user": user,
    }))
}

#[rocket::delete("/session")]
pub(super) async fn delete(
    state: &State<Arc<PortalState>>,
    user: Result<AnyApiUser, PortalError>,
    cookies: &CookieJar<'_>,
) -> ApiResult<Status> {
    let user = user?;
    let store = state.ca.store().clone();
    match user.credential {
        Credential::Token(t) => blocking(move || accounts::revoke_api_token(&store, &t)).await?,
        Credential::Session(id) => {
            cookies.remove_private(SESSION_COOKIE);
            blocking(move || accounts::delete_session(&store, &id)).await?
        }
    }
    Ok(Status::NoContent)
}

#[rocket::get("/me")]
pub(super) fn me(user: Result<AnyApiUser, PortalError>) -> ApiResult<Json<Value>> {
    Ok(Json(json!(user?.user)))
}

#[rocket::post("/password", data = "<input>")]
pub(super) async fn change_password(
    state: &State<Arc<PortalState>>,
    user: Result<AnyApiUser, PortalError>,
    input: Result<Json<PasswordChange>, rocket::serde::json::Error<'_>>,
) -> ApiResult<Status> {
    let AnyApiUser { user, credential } = user?;
    let input = body(input)?;
    let store = state.ca.store().clone();
    blocking(move || {
        let current = current(&credential);
        accounts::change_password(&store, &user, &input.old, &input.new, &current)
    })
    .await?;
    Ok(Status::NoContent)
}

/// Ends every other session and bearer token of the caller's account: the
/// one asking stays. Answers how many ended.
#[rocket::post("/account/sign-out-everywhere")]
pub(super) async fn sign_out_everywhere(
    state: &State<Arc<PortalState>>,
    user: Result<AnyApiUser, PortalError>,
) -> ApiResult<Json<Value>> {
    let AnyApiUser { user, credential } = user?;
    let store = state.ca.store().clone();
    let ended = blocking(move || {
        accounts::sign_out::sign_out_everywhere(&store, &user, &current(&credential))
    })
    .await?;
    Ok(Json(json!({ "ended": ended })))
}

/// The session or token a request came with, to keep.
fn current(credential: &Credential) -> accounts::Current<'_> {
    match credential {
        Credential::Token(t) => accounts::Current::Token(t),
        Credential::Session(id) => accounts::Current::Session(id),
    }
}
