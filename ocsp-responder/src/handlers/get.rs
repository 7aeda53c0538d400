//! `GET /ocsp/{base64}`: the request in the URL (RFC 6960 A.1.1,
//! RFC 5019 §5), answered with HTTP caching headers.

use std::sync::Arc;

use ca_core::ocsp::decode_get_path;
use rocket::http::uri::fmt::Path;
use rocket::http::uri::{Origin, Segments};
use rocket::State;

use crate::metrics::Method;
use crate::reply::Reply;
use crate::Responder;

/// The raw (still percent-encoded) path after `/ocsp/` is decoded, so that
/// the `/` of standard base64, even doubled, survives.
#[rocket::get("/ocsp/<_path..>")]
pub(crate) async fn get(
    responder: &State<Arc<Responder>>,
    uri: &Origin<'_>,
    _path: Segments<'_, Path>,
) -> Reply {
    let raw = uri.path().as_str();
    let encoded = raw
        .find("/ocsp/")
        .map_or("", |at| &raw[at + "/ocsp/".len()..]);
    match decode_get_path(encoded) {
        Ok(der) => super::respond(responder.inner(), &der, Method::Get).await,
        Err(e) => {
            let started = std::time::Instant::now();
            let (reply, outcome) = super::error(e.response_status());
            responder
                .metrics
                .request(Method::Get, outcome, started.elapsed());
            reply
        }
    }
}
