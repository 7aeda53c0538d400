//! `GET /crl/{issuer}.crl`, `/crl/{issuer}-delta.crl`,
//! `/crl/{issuer}/{shard}.crl`, `/crl/{issuer}/{shard}-delta.crl`: the
//! newest CRL of that name from the database, `application/pkix-crl`, with
//! `Last-Modified` (thisUpdate), `ETag`, `Expires` and `Cache-Control` up to
//! nextUpdate; `If-None-Match` gets 304. Older CRLs by number:
//! `/crl/{issuer}/number/{n}.crl`.

use std::io::Cursor;
use std::sync::Arc;

use ca_core::crl::{CrlError, StoredCrl};
use ca_core::CaError;
use chrono::{DateTime, Utc};
use rocket::http::uri::fmt::Path;
use rocket::http::uri::Segments;
use rocket::http::{ContentType, Status};
use rocket::response::{self, Response};
use rocket::{Request, Route, State};

use crate::Publisher;

/// The routes under `/crl`.
pub(crate) fn routes() -> Vec<Route> {
    rocket::routes![by_number, latest]
}

#[rocket::get("/<issuer>/number/<number>", rank = 1)]
async fn by_number(publisher: &State<Arc<Publisher>>, issuer: &str, number: &str) -> CrlReply {
    let Some(n) = number
        .strip_suffix(".crl")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
    else {
        return CrlReply::problem(
            Status::NotFound,
            "unknown_crl",
            format!("{number:?} is not a CRL number followed by .crl"),
        );
    };
    let p = Arc::clone(publisher.inner());
    let issuer = issuer.to_owned();
    blocking(move || p.ca().crl_by_number(&issuer, n)).await
}

#[rocket::get("/<path..>", rank = 2)]
async fn latest(publisher: &State<Arc<Publisher>>, path: Segments<'_, Path>) -> CrlReply {
    let path = path.collect::<Vec<_>>().join("/");
    let p = Arc::clone(publisher.inner());
    blocking(move || p.ca().crl_for_path(&path)).await
}

async fn blocking(
    f: impl FnOnce() -> Result<Option<StoredCrl>, CaError> + Send + 'static,
) -> CrlReply {
    match rocket::tokio::task::spawn_blocking(f).await {
        Ok(Ok(Some(crl))) => CrlReply::Crl(crl),
        Ok(Ok(None)) => CrlReply::problem(
            Status::NotFound,
            "not_generated",
            "this CRL has not been generated yet".into(),
        ),
        Ok(Err(e)) => from_ca_error(&e),
        Err(e) => {
            tracing::error!("CRL lookup task failed: {e}");
            CrlReply::problem(
                Status::ServiceUnavailable,
                "unavailable",
                "try again later".into(),
            )
        }
    }
}

/// Unknown names are 404 with what was wrong; a database failure is 503.
fn from_ca_error(e: &CaError) -> CrlReply {
    match e {
        CaError::Refused(_)
        | CaError::UnknownIssuer { .. }
        | CaError::Crl(CrlError::NoSuchShard { .. }) => {
            CrlReply::problem(Status::NotFound, "unknown_crl", e.to_string())
        }
        other => {
            tracing::warn!("CRL lookup failed: {other}");
            CrlReply::problem(
                Status::ServiceUnavailable,
                "unavailable",
                "the CRL store cannot be read now; try again later".into(),
            )
        }
    }
}

/// A CRL or a JSON problem.
pub(crate) enum CrlReply {
    Crl(StoredCrl),
    Problem {
        status: Status,
        code: &'static str,
        message: String,
    },
}

impl CrlReply {
    fn problem(status: Status, code: &'static str, message: String) -> Self {
        Self::Problem {
            status,
            code,
            message,
        }
    }
}

impl<'r> response::Responder<'r, 'static> for CrlReply {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        match self {
            Self::Crl(crl) => {
                let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &crl.der);
                let etag = format!("\"{}\"", hex::encode(&digest.as_ref()[..16]));
                let max_age = (crl.next_update - Utc::now()).num_seconds().max(0);
                let mut b = Response::build();
                b.header(ContentType::new("application", "pkix-crl"))
                    .raw_header(
                        "Cache-Control",
                        format!("max-age={max_age}, public, no-transform, must-revalidate"),
                    )
                    .raw_header("Last-Modified", http_date(crl.this_update))
                    .raw_header("Expires", http_date(crl.next_update))
                    .raw_header("ETag", etag.clone());
                let revalidated = request.headers().get("If-None-Match").any(|v| {
                    v.split(',')
                        .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*")
                });
                if revalidated {
                    return b.status(Status::NotModified).ok();
                }
                let der = crl.der;
                b.sized_body(der.len(), Cursor::new(der)).ok()
            }
            Self::Problem {
                status,
                code,
                message,
            } => {
                let body = serde_json::json!({ "error": code, "message": message }).to_string();
                Response::build()
                    .status(status)
                    .header(ContentType::JSON)
                    .sized_body(body.len(), Cursor::new(body))
                    .ok()
            }
        }
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7).
fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}
