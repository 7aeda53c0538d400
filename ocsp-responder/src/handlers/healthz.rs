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
    let r = Arc::clone(responder.inner());
    let ping = rocket::tokio::task::spawn_blocking(move || store::ping(&r.ca));
    let db_ok = matches!(
        rocket::tokio::time::timeout(PING_TIMEOUT, ping).await,
        Ok(Ok(Ok(())))
    );
    responder.set_database_ok(db_ok);
    let body = serde_json::json!({
        "status": if db_ok { "ok" } else { "degraded" },
        "database": if db_ok { "ok" } else { "unreachable" },
        "issuers": responder.issuer_ids(),
        "cached_responses": responder.cache.len(),
    });
    (ContentType::JSON, body.to_string())
}
