//! The responder's settings.

use std::time::Duration;

use ca_core::signer::KeySpec;

/// What the responder is told at start-up.
#[derive(Debug, Clone)]
pub struct ResponderConfig {
    /// Largest accepted `POST` body, in bytes (larger: HTTP 413).
    pub body_limit: u64,
    /// Most CertIDs answered in one request (more: `malformedRequest`).
    pub max_cert_ids: usize,
    /// nextUpdate − thisUpdate of every response.
    pub validity: Duration,
    /// How often the refresher polls for changed statuses and ageing
    /// responses.
    pub refresh_interval: Duration,
    /// The key type of the delegated signers (RSA-2048 or ECDSA P-256).
    pub key: KeySpec,
    /// Most signatures made at once for requests (more: `tryLater`).
    pub live_signing_limit: usize,
    /// The actor recorded in the audit log when a delegate is issued.
    pub actor: String,
    /// What a request carrying a nonce gets.
    pub nonce: NonceMode,
    /// What a serial the issuer never issued gets.
    pub non_issued: NonIssued,
}

/// The nonce policy (`--ocsp-nonce`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum NonceMode {
    /// RFC 5019: the pre-signed response is served, the nonce ignored.
    #[default]
    Ignore,
    /// A request with a nonce is signed live with the nonce echoed, within
    /// `live_signing_limit` signatures at once (more: `tryLater`).
    Live,
}

/// The answer for a serial the issuer never issued (`--ocsp-non-issued`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum NonIssued {
    /// `unknown`.
    #[default]
    Unknown,
    /// RFC 6960 §2.2: `revoked` at 1970-01-01T00:00:00Z with reason
    /// `certificateHold` and the extended revoke extension.
    Revoked,
}

impl Default for ResponderConfig {
    fn default() -> Self {
        Self {
            body_limit: 64 * 1024,
            max_cert_ids: 10,
            validity: Duration::from_secs(4 * 24 * 3600),
            refresh_interval: Duration::from_secs(60),
            key: KeySpec::Rsa2048,
            live_signing_limit: 4,
            actor: "ocsp-responder".to_owned(),
            nonce: NonceMode::Ignore,
            non_issued: NonIssued::Unknown,
        }
    }
}
