//! The trust chain: `/ca/{issuer}.crt`, `.pem`, `-chain.pem`, `.p7c`,
//! `/ca/trust.json` and the page `/ca/`.
//!
//! Everything here is public data read from the issuers table (never a key
//! reference): the `.crt` URL is the AIA caIssuers target written into every
//! certificate an issuer signs, so it must answer for every issuer that
//! publishes a certificate, and refuse everything else with a JSON 404.
//! See `docs/trust-chain.md`.

mod error;
mod handlers;
mod hierarchy;
mod listing;
mod name;
mod page;
mod pkcs7;
mod reply;

use rocket::Route;

/// The routes under `/ca`.
pub fn routes() -> Vec<Route> {
    rocket::routes![
        handlers::index,
        handlers::trust_json,
        handlers::download,
        handlers::fallback
    ]
}
