//! What answers when no route does: 401 without credentials, else 404
//! `unknown_path`; and the JSON catcher for Rocket's own refusals.

use rocket::http::Status;
use rocket::{response, Request, Route};

use super::{error_response, AnyApiUser, ApiError, ApiResult};
use crate::error::PortalError;

/// Catch-all routes for every method, ranked after every real route.
pub(super) fn routes() -> Vec<Route> {
    rocket::routes![get, post, put, patch, delete]
}

fn unknown(user: Result<AnyApiUser, PortalError>) -> ApiResult<()> {
    user?;
    Err(ApiError(PortalError::invalid_path(
        "no such API path (see /api/v1/openapi.json)",
    )))
}

#[rocket::get("/<_..>", rank = 100)]
fn get(user: Result<AnyApiUser, PortalError>) -> ApiResult<()> {
    unknown(user)
}

#[rocket::post("/<_..>", rank = 100)]
fn post(user: Result<AnyApiUser, PortalError>) -> ApiResult<()> {
    unknown(user)
}

#[rocket::put("/<_..>", rank = 100)]
fn put(user: Result<AnyApiUser, PortalError>) -> ApiResult<()> {
    unknown(user)
}

#[rocket::patch("/<_..>", rank = 100)]
fn patch(user: Result<AnyApiUser, PortalError>) -> ApiResult<()> {
    unknown(user)
}

#[rocket::delete("/<_..>", rank = 100)]
fn delete(user: Result<AnyApiUser, PortalError>) -> ApiResult<()> {
    unknown(user)
}

/// Rocket's own refusals (a guard failing, a body too large) as JSON.
#[rocket::catch(default)]
pub(super) fn default_catcher(status: Status, _req: &Request<'_>) -> UnknownResponse {
    UnknownResponse(status)
}

/// The catcher's answer.
pub(super) struct UnknownResponse(Status);

impl<'r> response::Responder<'r, 'static> for UnknownResponse {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let code = match self.0.code {
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "unknown_path",
            413 => "too_large",
            400 | 422 => "bad_request",
            _ if self.0.code >= 500 => "internal",
            _ => "error",
        };
        error_response(self.0, code, self.0.reason_lossy())
    }
}
