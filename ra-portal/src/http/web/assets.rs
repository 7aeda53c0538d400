//! The portal's static assets (the stylesheet), cacheable: pages link it
//! by a versioned URL (`/static/style.css?v=<hash of its bytes>`), which a
//! browser or proxy may keep for a year (`Cache-Control: public,
//! max-age=31536000, immutable`); without the current version it may be
//! kept an hour. Both carry an `ETag`, and `If-None-Match` with it is
//! answered `304 Not Modified` without the body.

use std::convert::Infallible;
use std::sync::OnceLock;

use rocket::http::{ContentType, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};

/// The stylesheet.
const STYLE: &str = include_str!("../../../static/style.css");

/// How long the versioned stylesheet may be kept (a year).
const VERSIONED_MAX_AGE: u32 = 31_536_000;

/// How long the stylesheet asked for without its current version may be
/// kept (an hour).
const UNVERSIONED_MAX_AGE: u32 = 3600;

/// The stylesheet's version: the first 16 hex digits of its SHA-256.
pub(super) fn style_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, STYLE.as_bytes());
        hex::encode(&digest.as_ref()[..8])
    })
}

/// The URL pages link the stylesheet by.
pub(super) fn style_url() -> String {
    format!("/static/style.css?v={}", style_version())
}

#[rocket::get("/static/style.css?<v>")]
pub(super) fn stylesheet(v: Option<&str>, cached: IfNoneMatch) -> Asset {
    let etag = format!("\"{}\"", style_version());
    Asset {
        body: STYLE,
        content_type: ContentType::CSS,
        not_modified: cached.matches(&etag),
        max_age: if v == Some(style_version()) {
            VERSIONED_MAX_AGE
        } else {
            UNVERSIONED_MAX_AGE
        },
        etag,
    }
}

/// A static asset and how it may be cached.
#[derive(Debug)]
pub(super) struct Asset {
    body: &'static str,
    content_type: ContentType,
    etag: String,
    max_age: u32,
    not_modified: bool,
}

impl<'r> Responder<'r, 'static> for Asset {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let immutable = if self.max_age == VERSIONED_MAX_AGE {
            ", immutable"
        } else {
            ""
        };
        let mut res = Response::build();
        res.raw_header(
            "Cache-Control",
            format!("public, max-age={}{immutable}", self.max_age),
        )
        .raw_header("ETag", self.etag)
        .header(self.content_type);
        if self.not_modified {
            res.status(Status::NotModified);
        } else {
            res.sized_body(self.body.len(), std::io::Cursor::new(self.body));
        }
        res.ok()
    }
}

/// The `If-None-Match` header of a request.
#[derive(Debug, Default)]
pub(super) struct IfNoneMatch(Option<String>);

impl IfNoneMatch {
    /// Whether it names `etag` (weak comparison) or is `*`.
    fn matches(&self, etag: &str) -> bool {
        self.0.as_deref().is_some_and(|v| {
            v.split(',').take(32).any(|t| {
                let t = t.trim();
                t == "*" || t.trim_start_matches("W/") == etag
            })
        })
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfNoneMatch {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Infallible> {
        Outcome::Success(Self(
            req.headers().get_one("If-None-Match").map(str::to_owned),
        ))
    }
}
