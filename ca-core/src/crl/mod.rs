//! Certificate revocation lists (RFC 5280 §5): full and delta CRLs per
//! issuer and per shard, built with `x509-cert` types (rcgen has no delta
//! indicator), signed through the issuer's [`Signer`](crate::signer::Signer),
//! verified, and kept by number in the `crls` table.
//!
//! This module decides what a CRL says and signs it; the `crl-publisher`
//! service decides when to call it and where the bytes go. The file names
//! and URLs both sides use come from [`CrlName`]. See `docs/crl.md`.

mod encode;
mod entries;
mod error;
mod generate;
mod history;
mod listing;
mod name;
mod query;
#[cfg(test)]
mod tests;

use chrono::Duration;

pub use error::CrlError;
pub use generate::CrlSummary;
pub use name::{check_shard_count, shard_of, CrlName, MAX_CRL_SHARDS};
pub use query::{StaleCrl, StaleReason, StoredCrl};

/// Which CRLs a run generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlKind {
    /// Full CRLs only.
    Full,
    /// Delta CRLs only, against the latest full CRL of each shard (a shard
    /// without a full CRL gets its first full CRL instead).
    Delta,
    /// A full CRL, then a delta CRL against it, for each shard.
    Both,
}

/// How long CRLs are valid and when expired certificates leave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlSettings {
    /// nextUpdate − thisUpdate of full CRLs (default 7 days).
    pub full_validity: Duration,
    /// nextUpdate − thisUpdate of delta CRLs (default 1 day).
    pub delta_validity: Duration,
    /// An expired revoked certificate leaves the full CRL once a full CRL
    /// of its shard with a thisUpdate later than its notAfter plus this
    /// grace has listed it (default 0: listed once past expiry, then gone).
    pub expired_grace: Duration,
}

impl Default for CrlSettings {
    fn default() -> Self {
        Self {
            full_validity: Duration::days(7),
            delta_validity: Duration::days(1),
            expired_grace: Duration::zero(),
        }
    }
}
