//! [`Gzip`]: the portal's pages and API answers compressed with gzip for
//! clients that accept it (`Accept-Encoding`), with `Vary:
//! Accept-Encoding` on every answer that could have been. Only text the
//! portal writes is compressed — HTML, JSON, CSS, CSV, SVG — and only from
//! [`MIN_BYTES`] on (a small body gains nothing). The answers of the
//! services mounted beside the portal by `govpki serve` are left alone:
//! OCSP responses, CRLs and certificates are DER that clients and caches
//! expect byte for byte (RFC 5019), and their paths are not touched even
//! when their type is JSON (`/ca/trust.json`).

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{ContentType, Header, Method, Status};
use rocket::{Request, Response};

/// Bodies shorter than this are sent as they are.
pub const MIN_BYTES: usize = 1024;

/// The most `Accept-Encoding` items looked at.
pub const MAX_CODINGS: usize = 32;

/// Path prefixes of the services `govpki serve` mounts beside the portal:
/// never compressed.
const OTHER_SERVICES: [&str; 6] = ["/ocsp", "/crl/", "/ca/", "/healthz", "/metrics", "/tsa"];

/// The fairing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gzip;

#[rocket::async_trait]
impl Fairing for Gzip {
    fn info(&self) -> Info {
        Info {
            name: "portal gzip",
            kind: Kind::Response | Kind::Singleton,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let path = req.uri().path().as_str();
        if OTHER_SERVICES
            .iter()
            .any(|p| path == p.trim_end_matches('/') || path.starts_with(p))
        {
            return;
        }
        if !res.content_type().as_ref().is_some_and(compressible) {
            return;
        }
        res.adjoin_header(Header::new("Vary", "Accept-Encoding"));
        if res.headers().contains("Content-Encoding")
            || req.method() == Method::Head
            || matches!(res.status(), Status::NoContent | Status::NotModified)
            || !accepts_gzip(req.headers().get("Accept-Encoding"))
        {
            return;
        }
        let body = match res.body_mut().to_bytes().await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "reading an answer to compress it");
                res.set_status(Status::InternalServerError);
                res.set_sized_body(0, std::io::Cursor::new(Vec::new()));
                return;
            }
        };
        if body.len() < MIN_BYTES {
            res.set_sized_body(body.len(), std::io::Cursor::new(body));
            return;
        }
        match gzip(&body) {
            Ok(packed) => {
                res.set_header(Header::new("Content-Encoding", "gzip"));
                res.set_sized_body(packed.len(), std::io::Cursor::new(packed));
            }
            Err(e) => {
                tracing::warn!(error = %e, "gzip failed; sending the answer as it is");
                res.set_sized_body(body.len(), std::io::Cursor::new(body));
            }
        }
    }
}

/// Whether an `Accept-Encoding` header value (all of them, joined) accepts
/// gzip: `gzip`, `x-gzip` or `*` with a quality above 0. At most
/// [`MAX_CODINGS`] items are read.
pub fn accepts_gzip<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    let mut gzip: Option<bool> = None;
    let mut any: Option<bool> = None;
    for item in values.flat_map(|v| v.split(',')).take(MAX_CODINGS) {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let mut quality_ok = true;
        for param in parts {
            if let Some((k, v)) = param.split_once('=') {
                if k.trim().eq_ignore_ascii_case("q") {
                    quality_ok = v.trim().parse::<f32>().is_ok_and(|q| q > 0.0);
                }
            }
        }
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(quality_ok);
        } else if coding == "*" {
            any = Some(quality_ok);
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// Whether the portal compresses an answer of this type.
fn compressible(ct: &ContentType) -> bool {
    let (top, sub) = (ct.top().as_str(), ct.sub().as_str());
    top.eq_ignore_ascii_case("text")
        || (top.eq_ignore_ascii_case("application")
            && (sub.eq_ignore_ascii_case("json") || sub.eq_ignore_ascii_case("problem+json")))
        || (top.eq_ignore_ascii_case("image") && sub.eq_ignore_ascii_case("svg+xml"))
}

/// `data` as a gzip member.
fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4 + 64),
        flate2::Compression::default(),
    );
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::accepts_gzip;

    fn accepts(v: &str) -> bool {
        accepts_gzip(std::iter::once(v))
    }

    #[test]
    fn reads_accept_encoding() {
        assert!(accepts("gzip"));
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(accepts("x-gzip"));
        assert!(!accepts(""));
        assert!(!accepts("identity"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip;q=0.0, *;q=1"));
        assert!(!accepts("*;q=0"));
        assert!(!accepts("gzip;q=abc"));
        assert!(accepts_gzip(["deflate", "gzip"].into_iter()));
    }
}
