//! The responder's part of `/healthz`: `degraded` while the database does
//! not answer (the responder keeps answering from its cache meanwhile).

use std::time::Duration;

use ca_core::service::Health;

use crate::{store, Responder};

/// How long the database gets to answer.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Pings the database (2 s at most); reports it, the issuers answered for
/// and the responses held.
pub(crate) async fn health(responder: &Responder) -> Health {
    let ca = std::sync::Arc::clone(&responder.ca);
    let ping = rocket::tokio::task::spawn_blocking(move || store::ping(&ca));
    let db_ok = matches!(
        rocket::tokio::time::timeout(PING_TIMEOUT, ping).await,
        Ok(Ok(Ok(())))
    );
    responder.set_database_ok(db_ok);
    let mut details = serde_json::Map::new();
    details.insert(
        "database".into(),
        if db_ok { "ok" } else { "unreachable" }.into(),
    );
    details.insert("issuers".into(), responder.issuer_ids().into());
    details.insert("cached_responses".into(), responder.cache.len().into());
    Health {
        degraded: !db_ok,
        details,
    }
}
