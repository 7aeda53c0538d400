//! What the handlers send: DER OCSP responses (with RFC 5019 §6 caching
//! headers on `GET`) and JSON problems for HTTP-level refusals.

use std::io::Cursor;
use std::sync::Arc;

use ca_core::ocsp::{error_response, OcspResponseStatus};
use chrono::{DateTime, Utc};
use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Response};
use rocket::Request;

use crate::cache::CachedResponse;

/// An HTTP answer of the OCSP routes.
pub(crate) enum Reply {
    /// A response from the cache or the table; `cacheable` adds the caching
    /// headers (`GET` only: POST responses are not cached by HTTP caches).
    Stored {
        entry: Arc<CachedResponse>,
        cacheable: bool,
    },
    /// Response bytes made for this request only (errors, live answers).
    Bytes(Vec<u8>),
    /// An HTTP-level refusal with a JSON body `{"error", "message"}`.
    Problem {
        status: Status,
        code: &'static str,
        message: String,
    },
}

impl Reply {
    /// The unsigned OCSP error response `status` (HTTP 200, RFC 6960 A.1).
    pub(crate) fn error(status: OcspResponseStatus) -> Self {
        Self::Bytes(error_response(status))
    }
}

impl<'r> response::Responder<'r, 'static> for Reply {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let ocsp = ContentType::new("application", "ocsp-response");
        match self {
            Self::Stored { entry, cacheable } => {
                let mut b = Response::build();
                b.header(ocsp);
                if cacheable {
                    let max_age = (entry.next_update - Utc::now()).num_seconds().max(0);
                    b.raw_header(
                        "Cache-Control",
                        format!("max-age={max_age}, public, no-transform, must-revalidate"),
                    );
                    b.raw_header("Last-Modified", http_date(entry.this_update));
                    b.raw_header("Expires", http_date(entry.next_update));
                    b.header(Header::new("ETag", entry.etag.clone()));
                    let if_none_match = request.headers().get("If-None-Match");
                    if if_none_match
                        .into_iter()
                        .any(|v| matches_etag(v, &entry.etag))
                    {
                        // RFC 9110 §15.4.5: the same validators, no body.
                        return b.status(Status::NotModified).ok();
                    }
                }
                let len = entry.der.len();
                b.sized_body(len, Cursor::new(Der(entry))).ok()
            }
            Self::Bytes(der) => Response::build()
                .header(ocsp)
                .sized_body(der.len(), Cursor::new(der))
                .ok(),
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

/// The DER of a cached response, sent without a copy.
struct Der(Arc<CachedResponse>);

impl AsRef<[u8]> for Der {
    fn as_ref(&self) -> &[u8] {
        &self.0.der
    }
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, RFC
/// 9110 §13.1.2: a `W/` prefix is ignored), or is `*`.
fn matches_etag(if_none_match: &str, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

/// IMF-fixdate (RFC 9110 §5.6.7).
fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::matches_etag;

    #[test]
    fn if_none_match_weak_comparison() {
        assert!(matches_etag("\"abc\"", "\"abc\""));
        assert!(matches_etag("W/\"abc\"", "\"abc\""));
        assert!(matches_etag("\"x\", \"abc\"", "\"abc\""));
        assert!(matches_etag("*", "\"abc\""));
        assert!(!matches_etag("\"abd\"", "\"abc\""));
        assert!(!matches_etag("abc", "\"abc\""));
        assert!(!matches_etag("", "\"abc\""));
    }
}
