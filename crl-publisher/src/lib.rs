//! The CRL publisher of govpki (RFC 5280 §5: full, delta and sharded CRLs)
//! and the trust chain verifiers download (`/ca/…`), as a Rocket service.
//!
//! It depends on `ca-core` only: CRLs are built, signed, numbered and
//! stored by `ca_core::crl`; this crate owns what is service: the schedule
//! ([`schedule`]), the single active publisher on PostgreSQL (`leader`),
//! the publishing directory (`files`), HTTP (`/crl/…` and the trust chain
//! under `/ca/…`), metrics and the standalone binary ([`run`]).

mod args;
mod config;
mod error;
mod files;
mod leader;
mod metrics;
mod publisher;
mod routes;
mod run;
pub mod schedule;
pub mod trust;

pub use args::ScheduleArgs;
pub use config::PublisherConfig;
pub use error::PublisherError;
pub use publisher::Publisher;
pub use run::{run, RunConfig};
