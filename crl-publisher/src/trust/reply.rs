//! What the trust-chain routes send: a body with its media type, an `ETag`
//! (a hash of the body), `Cache-Control`, and `304 Not Modified` when the
//! client already holds that body (`If-None-Match`).

use std::io::Cursor;

use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder, Response};
use rocket::Request;

/// How long caches may keep a certificate download: CA certificates change
/// only when the hierarchy does.
const CERTIFICATE_MAX_AGE: u32 = 3600;
/// How long caches may keep the list and the page: statuses change with time.
const LISTING_MAX_AGE: u32 = 300;
/// The page loads nothing and runs nothing; its only style is inline.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
                           form-action 'none'; frame-ancestors 'none'";

/// A successful answer.
pub(crate) struct Reply {
    body: Vec<u8>,
    content_type: ContentType,
    etag: String,
    max_age: u32,
    file_name: Option<String>,
    page: bool,
}

impl Reply {
    /// A certificate download, offered as `file_name`.
    pub(crate) fn certificate(
        body: Vec<u8>,
        (top, sub): (&'static str, &'static str),
        file_name: String,
    ) -> Self {
        Self {
            etag: etag(&body),
            body,
            content_type: ContentType::new(top, sub),
            max_age: CERTIFICATE_MAX_AGE,
            file_name: Some(file_name),
            page: false,
        }
    }

    /// `trust.json`.
    pub(crate) fn json(body: String) -> Self {
        Self {
            etag: etag(body.as_bytes()),
            body: body.into_bytes(),
            content_type: ContentType::JSON,
            max_age: LISTING_MAX_AGE,
            file_name: None,
            page: false,
        }
    }

    /// The HTML page.
    pub(crate) fn page(body: String) -> Self {
        Self {
            etag: etag(body.as_bytes()),
            body: body.into_bytes(),
            content_type: ContentType::HTML,
            max_age: LISTING_MAX_AGE,
            file_name: None,
            page: true,
        }
    }
}

impl<'r> Responder<'r, 'static> for Reply {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let mut response = Response::build();
        response
            .raw_header("ETag", self.etag.clone())
            .raw_header("Cache-Control", format!("public, max-age={}", self.max_age))
            .raw_header("X-Content-Type-Options", "nosniff");
        if !self.page {
            // Public data meant for any verifier, browser-based ones too.
            response.raw_header("Access-Control-Allow-Origin", "*");
        }
        let fresh = request
            .headers()
            .get("If-None-Match")
            .any(|h| etag_matches(h, &self.etag));
        if fresh {
            return response.status(Status::NotModified).ok();
        }
        response.header(self.content_type);
        if let Some(name) = &self.file_name {
            // The name is an issuer id and a fixed suffix: no quoting issues.
            response.raw_header(
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            );
        }
        if self.page {
            response.raw_header("Content-Security-Policy", PAGE_POLICY);
        }
        let len = self.body.len();
        response.sized_body(len, Cursor::new(self.body)).ok()
    }
}

/// A strong entity tag: the first 128 bits of the body's SHA-256, hex.
fn etag(body: &[u8]) -> String {
    let hex = ca_core::certificate::fingerprint(body).replace(':', "");
    let short = hex.get(..32).unwrap_or(&hex);
    format!("\"{}\"", short.to_ascii_lowercase())
}

/// `If-None-Match` (RFC 9110 §13.1.2): `*` or a list of tags, compared
/// weakly (a `W/` prefix is ignored).
fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_hashes_and_match_weakly() {
        let tag = etag(b"abc");
        assert_eq!(tag, "\"ba7816bf8f01cfea414140de5dae2223\"");
        assert!(etag_matches(&tag, &tag));
        assert!(etag_matches(&format!("\"x\", W/{tag}"), &tag));
        assert!(etag_matches("*", &tag));
        assert!(!etag_matches("\"ba7816bf\"", &tag));
        assert!(!etag_matches("", &tag));
    }
}
