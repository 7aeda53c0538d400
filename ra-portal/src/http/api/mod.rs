//! `/api/v1`: the JSON API. Every answer that is not a success is
//! `{"error":{"code":"…","message":"…"}}` with a stable code (and, for
//! invalid input, `"field"`: the input field to fix); every path
//! but `POST /api/v1/session`, `POST /api/v1/session/certificate` and
//! `GET /api/v1/openapi.json` needs a valid bearer token or session,
//! unknown paths included (the fallback routes below answer 401 before
//! they answer 404).

mod account;
mod auth;
mod batches;
mod bulk;
mod certificates;
mod download;
mod fallback;
mod openapi;
mod registry;
mod reports;
mod requests;
mod session;
mod tokens;
mod users;

use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Catcher, Request, Response, Route};
use serde_json::json;

use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::HttpStatus;

pub use auth::{AnyApiUser, ApiUser};

/// The mount point.
pub const BASE: &str = "/api/v1";

/// Every API route (mounted at [`BASE`]).
pub fn routes() -> Vec<Route> {
    let mut r = rocket::routes![
        session::create,
        session::delete,
        session::me,
        session::change_password,
        session::sign_out_everywhere,
        account::sign_in,
        account::list,
        account::bind,
        account::unbind,
        openapi::document,
        registry::add_unit,
        registry::list_units,
        registry::update_unit,
        registry::add_subscriber,
        registry::list_subscribers,
        registry::import_subscribers,
        registry::import_template_xlsx,
        registry::import_template_csv,
        registry::get_subscriber,
        registry::add_token,
        registry::list_tokens,
        requests::submit,
        requests::list,
        requests::get,
        requests::approve,
        requests::reject,
        bulk::get,
        bulk::retry,
        certificates::list,
        certificates::get,
        reports::report,
        reports::audit,
        users::list,
        users::get,
        users::create,
        users::reset,
        users::unlock,
        users::disable,
        users::enable,
        users::set_role,
        tokens::get,
        tokens::emergency_lost,
        tokens::emergencies,
        tokens::acknowledge,
        // Issue 16: batches.
        batches::create,
        batches::list,
        batches::get,
        batches::approve,
        batches::reject,
        batches::certificates,
        batches::unit_change_certificates,
    ];
    r.extend(fallback::routes());
    r
}

/// JSON error bodies for whatever Rocket itself refuses under [`BASE`].
pub fn catchers() -> Vec<Catcher> {
    rocket::catchers![fallback::default_catcher]
}

/// A result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A [`PortalError`] answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub PortalError);

impl<E: Into<PortalError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (status, code) = self.0.status_and_code();
        let message = if status == Status::InternalServerError {
            tracing::error!(error = %self.0, path = %req.uri(), "internal error");
            "internal error; the server log has the details".to_owned()
        } else {
            self.0.to_string()
        };
        // Invalid input names the field to fix, as the pages do.
        let field = match status.code {
            409 | 422 => crate::explain::explain(&self.0).0,
            _ => "",
        };
        let mut res = if let PortalError::BadQuery(q) = &self.0 {
            // A refused list query names the parameter to fix.
            let body = json!({ "error": {
                "code": code, "message": message, "parameter": q.parameter,
            } })
            .to_string();
            Response::build()
                .status(status)
                .header(ContentType::JSON)
                .sized_body(body.len(), std::io::Cursor::new(body))
                .finalize()
        } else if field.is_empty() {
            error_response(status, code, &message)?
        } else {
            let body = json!({ "error": { "code": code, "message": message, "field": field } })
                .to_string();
            Response::build()
                .status(status)
                .header(ContentType::JSON)
                .sized_body(body.len(), std::io::Cursor::new(body))
                .finalize()
        };
        if let Some(secs) = self.0.retry_after() {
            res.set_raw_header("Retry-After", secs.to_string());
        }
        Ok(res)
    }
}

/// The error body with a status.
pub(crate) fn error_response(
    status: Status,
    code: &str,
    message: &str,
) -> response::Result<'static> {
    let body = json!({ "error": { "code": code, "message": message } }).to_string();
    Response::build()
        .status(status)
        .header(ContentType::JSON)
        .sized_body(body.len(), std::io::Cursor::new(body))
        .ok()
}

/// A JSON body, or the error saying why it is not one.
pub(crate) fn body<T>(
    body: Result<Json<T>, rocket::serde::json::Error<'_>>,
) -> Result<T, PortalError> {
    match body {
        Ok(Json(v)) => Ok(v),
        Err(rocket::serde::json::Error::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(PortalError::TooLarge { limit: "1 MiB" })
        }
        Err(rocket::serde::json::Error::Io(e)) => Err(PortalError::invalid(
            ErrorCode::BadBody,
            format!("the body could not be read (at most 1 MiB of JSON): {e}"),
        )),
        Err(rocket::serde::json::Error::Parse(_, e)) => Err(PortalError::invalid(
            ErrorCode::BadJson,
            format!("the body is not the JSON expected: {e}"),
        )),
    }
}

/// As [`body`], an empty body standing for the default value.
pub(crate) fn body_or_default<T: Default>(
    input: Result<Json<T>, rocket::serde::json::Error<'_>>,
) -> Result<T, PortalError> {
    match input {
        Err(rocket::serde::json::Error::Parse(raw, _)) if raw.trim().is_empty() => Ok(T::default()),
        other => body(other),
    }
}
