//! The HTTP routes, one handler per file, and the answering path they
//! share.

mod get;
mod healthz;
mod post;

use std::sync::Arc;

use ca_core::ocsp::{parse_request, OcspResponseStatus};
use rocket::Route;

use crate::reply::Reply;
use crate::responder::{Answer, Lookup};
use crate::{Responder, ResponderError};

/// `POST /ocsp`, `GET /ocsp/<base64>`, `GET /healthz`. They need a
/// `State<Arc<Responder>>` (see [`mount`](crate::mount)).
pub fn routes() -> Vec<Route> {
    rocket::routes![post::post, get::get, healthz::healthz]
}

/// Answers a DER request: from the cache when it can, else on a blocking
/// thread (database, signature) within the live-signing limit.
async fn respond(responder: &Arc<Responder>, der: &[u8], cacheable: bool) -> Reply {
    let parsed = match parse_request(der) {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!("refused OCSP request: {e}");
            return Reply::error(e.response_status());
        }
    };
    let targets = match responder.lookup(parsed.cert_ids) {
        Lookup::Ready(entry) => return Reply::Stored { entry, cacheable },
        Lookup::Refuse(status) => return Reply::error(status),
        Lookup::Slow(targets) => targets,
    };
    let Ok(permit) = Arc::clone(&responder.live).try_acquire_owned() else {
        return Reply::error(OcspResponseStatus::TryLater);
    };
    let r = Arc::clone(responder);
    let answer = rocket::tokio::task::spawn_blocking(move || {
        let _permit = permit;
        r.answer(&targets)
    })
    .await;
    match answer {
        Ok(Ok(Answer::Stored(entry))) => Reply::Stored { entry, cacheable },
        Ok(Ok(Answer::Live(der))) => Reply::Bytes(der),
        Ok(Err(ResponderError::MixedIssuers)) => Reply::error(OcspResponseStatus::MalformedRequest),
        Ok(Err(ResponderError::Ca(e))) => {
            tracing::warn!("OCSP answer needs the database: {e}");
            responder.set_database_ok(false);
            Reply::error(OcspResponseStatus::TryLater)
        }
        Ok(Err(e)) => {
            tracing::error!("OCSP answer failed: {e}");
            Reply::error(OcspResponseStatus::InternalError)
        }
        Err(e) => {
            tracing::error!("OCSP answer task failed: {e}");
            Reply::error(OcspResponseStatus::InternalError)
        }
    }
}
