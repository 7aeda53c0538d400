//! `POST /ocsp`: a DER request in the body (RFC 6960 A.1.1).

use std::sync::Arc;

use rocket::data::{Data, ToByteUnit};
use rocket::http::{ContentType, Status};
use rocket::State;

use crate::metrics::Method;
use crate::reply::Reply;
use crate::Responder;

/// Requires `Content-Type: application/ocsp-request` (else 415) and a body
/// within the configured limit (else 413).
#[rocket::post("/ocsp", data = "<body>")]
pub(crate) async fn post(
    responder: &State<Arc<Responder>>,
    content_type: Option<&ContentType>,
    body: Data<'_>,
) -> Reply {
    let started = std::time::Instant::now();
    let is_ocsp =
        content_type.is_some_and(|ct| ct.top() == "application" && ct.sub() == "ocsp-request");
    if !is_ocsp {
        super::refused(responder, Method::Post, started);
        return Reply::Problem {
            status: Status::UnsupportedMediaType,
            code: "unsupported_media_type",
            message: "send the DER OCSP request as application/ocsp-request".into(),
        };
    }
    let limit = responder.config.body_limit;
    let bytes = match body.open(limit.bytes()).into_bytes().await {
        Ok(b) => b,
        Err(e) => {
            super::refused(responder, Method::Post, started);
            return Reply::Problem {
                status: Status::BadRequest,
                code: "bad_body",
                message: format!("cannot read the request body: {e}"),
            };
        }
    };
    if !bytes.is_complete() {
        super::refused(responder, Method::Post, started);
        return Reply::Problem {
            status: Status::PayloadTooLarge,
            code: "payload_too_large",
            message: format!("an OCSP request is at most {limit} bytes"),
        };
    }
    super::respond(responder.inner(), &bytes.value, Method::Post).await
}
