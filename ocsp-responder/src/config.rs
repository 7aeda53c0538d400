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
        }
    }
}
