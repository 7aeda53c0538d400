//! `GET /healthz`: `ok`, or `degraded` while the database does not answer
//! (the responder keeps answering from its cache meanwhile).

use std::sync::Arc;
use std::time::Duration;

use rocket::http::ContentType;
use rocket::State;

use crate::{store, Responder};

/// How long the database gets to answer.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[rocket::get("/healthz")]
pub(crate) async fn healthz(responder: &State<Arc<Responder>>) -> (ContentType, String) {
    let body = health(Arc::clone(responder.inner())).await;
    (ContentType::JSON, body.to_string())
}

/// The `/healthz` JSON: pings the database (2 s at most) and says `ok` or
/// `degraded`, the issuers answered for and the responses held.
pub async fn health(responder: Arc<Responder>) -> serde_json::Value {
    let r = Arc::clone(&responder);
    let ping = rocket::tokio::task::spawn_blocking(move || store::ping(&r.ca));
    let db_ok = matches!(
        rocket::tokio::time::timeout(PING_TIMEOUT, ping).await,
        Ok(Ok(Ok(())))
    );
    responder.set_database_ok(db_ok);
    serde_json::json!({
        "status": if db_ok { "ok" } else { "degraded" },
        "database": if db_ok { "ok" } else { "unreachable" },
        "issuers": responder.issuer_ids(),
        "cached_responses": responder.cache.len(),
    })
}
