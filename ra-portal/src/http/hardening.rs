//! [`Hardening`]: the headers every answer of the portal carries — a
//! Content-Security-Policy that allows nothing but this origin's
//! stylesheet and forms (the pages have no script and no inline style),
//! `Cache-Control: no-store` unless a route chose its own caching (pages
//! and API answers show CCCD numbers and other personal data), and the
//! headers that keep a browser from sniffing types, framing the pages or
//! sending page addresses to other sites. Rocket's default `Shield` sets
//! some of these less strictly; ours replace them.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

/// The Content-Security-Policy of every answer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The fairing adding the headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hardening;

#[rocket::async_trait]
impl Fairing for Hardening {
    fn info(&self) -> Info {
        Info {
            name: "portal security headers",
            kind: Kind::Response | Kind::Singleton,
        }
    }

    async fn on_response<'r>(&self, _req: &'r Request<'_>, res: &mut Response<'r>) {
        res.set_header(Header::new(
            "Content-Security-Policy",
            CONTENT_SECURITY_POLICY,
        ));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        // OCSP, CRLs and the trust chain (mounted beside the portal by
        // `govpki serve`) set their own caching: kept.
        if !res.headers().contains("Cache-Control") {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
    }
}
