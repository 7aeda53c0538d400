//! The HTTP routes, one handler per file, and the answering path they
//! share.

mod get;
mod health;
mod post;

use std::sync::Arc;
use std::time::Instant;

use ca_core::ocsp::{parse_request, OcspResponseStatus};
use rocket::Route;

use crate::metrics::{Method, Outcome};
use crate::reply::Reply;
use crate::responder::{Answer, Lookup};
use crate::{Responder, ResponderError};

/// `POST /ocsp` and `GET /ocsp/<base64>`; they need a
/// `State<Arc<Responder>>` (see the responder's `Service::mount`).
/// `/healthz` and `/metrics` are served over every service of the process
/// (`ca_core::service::compose`).
pub(crate) fn routes() -> Vec<Route> {
    rocket::routes![post::post, get::get]
}

pub(crate) use health::health;

/// Answers a DER request and counts it in the metrics.
async fn respond(responder: &Arc<Responder>, der: &[u8], method: Method) -> Reply {
    let started = Instant::now();
    let (reply, outcome) = answer(responder, der, method == Method::Get).await;
    responder
        .metrics
        .request(method, outcome, started.elapsed());
    reply
}

/// Records a request refused before it reached [`respond`] (HTTP 413/415).
fn refused(responder: &Responder, method: Method, started: Instant) {
    responder
        .metrics
        .request(method, Outcome::Malformed, started.elapsed());
}

/// Answers a DER request: from the cache when it can, else on a blocking
/// thread (database, signature) within the live-signing limit. While the
/// database does not answer, a fresh cached response is served even to a
/// request that asked for a live signature.
async fn answer(responder: &Arc<Responder>, der: &[u8], cacheable: bool) -> (Reply, Outcome) {
    let parsed = match parse_request(der) {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!("refused OCSP request: {e}");
            return error(e.response_status());
        }
    };
    let live = responder.signs_live(parsed.nonce.as_deref());
    let targets = match responder.lookup(parsed.cert_ids, live) {
        Lookup::Ready(entry) => {
            responder.metrics.cache_hit();
            return stored(entry, cacheable);
        }
        Lookup::Refuse(status) => return error(status),
        Lookup::Slow(targets) => targets,
    };
    responder.metrics.cache_miss();
    let Ok(permit) = Arc::clone(&responder.live).try_acquire_owned() else {
        return error(OcspResponseStatus::TryLater);
    };
    let r = Arc::clone(responder);
    let nonce = if live { parsed.nonce } else { None };
    let asked = targets.clone();
    let answer = rocket::tokio::task::spawn_blocking(move || {
        let _permit = permit;
        r.answer(&targets, nonce.as_deref())
    })
    .await;
    match answer {
        Ok(Ok(Answer::Stored(entry))) => stored(entry, cacheable),
        Ok(Ok(Answer::Live(der, outcome))) => (Reply::Bytes(der), outcome),
        Ok(Err(ResponderError::MixedIssuers)) => error(OcspResponseStatus::MalformedRequest),
        Ok(Err(ResponderError::Ca(e))) => {
            tracing::warn!("OCSP answer needs the database: {e}");
            responder.set_database_ok(false);
            match responder.cached(&asked) {
                Some(entry) => stored(entry, cacheable),
                None => error(OcspResponseStatus::TryLater),
            }
        }
        Ok(Err(e)) => {
            tracing::error!("OCSP answer failed: {e}");
            error(OcspResponseStatus::InternalError)
        }
        Err(e) => {
            tracing::error!("OCSP answer task failed: {e}");
            error(OcspResponseStatus::InternalError)
        }
    }
}

fn stored(entry: Arc<crate::cache::CachedResponse>, cacheable: bool) -> (Reply, Outcome) {
    let outcome = Outcome::of_status_text(&entry.status);
    (Reply::Stored { entry, cacheable }, outcome)
}

fn error(status: OcspResponseStatus) -> (Reply, Outcome) {
    let outcome = match status {
        OcspResponseStatus::MalformedRequest | OcspResponseStatus::SigRequired => {
            Outcome::Malformed
        }
        OcspResponseStatus::TryLater => Outcome::TryLater,
        OcspResponseStatus::Unauthorized => Outcome::Unauthorized,
        OcspResponseStatus::InternalError | OcspResponseStatus::Successful => {
            Outcome::InternalError
        }
    };
    (Reply::error(status), outcome)
}
