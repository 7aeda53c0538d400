//! The OCSP responder of govpki (RFC 6960, profiled by RFC 5019) as a
//! Rocket service: `POST /ocsp`, `GET /ocsp/{base64}`, `GET /healthz` and
//! `GET /metrics`.
//!
//! It depends on `ca-core` only. Requests are parsed and answered by
//! `ca_core::ocsp`; this crate owns what is service: the delegated signers
//! kept in memory ([`Responder`]), the pre-signed responses (the
//! `ocsp_responses` table and an in-memory cache, [`cache`]), the background
//! refresher that re-signs what changed or ages ([`refresher`]), the
//! status notifications that re-sign a changed certificate at once
//! (`notified`), HTTP
//! (limits, content types, caching headers) and the standalone binary
//! ([`run`]).
//!
//! Pre-signed responses are kept per (issuer, serial, CertID hash): a
//! response repeats the request's CertID, so SHA-1 and SHA-256 requests
//! need different bytes. The SHA-1 variant (what RFC 5019 clients send) is
//! signed ahead for every certificate; a SHA-256 variant is signed on its
//! first request and then kept fresh like the others.

mod cache;
mod config;
mod error;
mod handlers;
mod metrics;
mod notified;
pub mod refresher;
mod reply;
mod responder;
mod run;
mod status_key;
mod store;

pub use config::{NonIssued, NonceMode, ResponderConfig};
pub use error::ResponderError;
pub use responder::Responder;
pub use run::{run, OcspArgs, RunConfig};
