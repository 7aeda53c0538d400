//! `GET /metrics`: the Prometheus text exposition of the responder's
//! counters (see `crate::metrics`).

use std::sync::Arc;

use rocket::http::ContentType;
use rocket::State;

use crate::Responder;

#[rocket::get("/metrics")]
pub(crate) fn metrics(responder: &State<Arc<Responder>>) -> (ContentType, String) {
    let text = responder.metrics_text();
    let content_type =
        ContentType::new("text", "plain").with_params([("version", "0.0.4"), ("charset", "utf-8")]);
    (content_type, text)
}
