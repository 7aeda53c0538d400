//! What can go wrong inside the responder.

use ca_core::ocsp::OcspError;
use ca_core::CaError;

/// A fault of the responder (never of a request: bad requests are answered
/// with an OCSP error status, not with this type).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResponderError {
    /// The CA (database, keys) failed.
    #[error(transparent)]
    Ca(#[from] CaError),
    /// Building or signing a response failed.
    #[error(transparent)]
    Ocsp(#[from] OcspError),
    /// No delegated signer is loaded for an issuer we answer for.
    #[error("no OCSP signer for issuer {0:?}")]
    NoSigner(String),
    /// A request names certificates of several issuers: one response has
    /// one signer, so it is refused (`malformedRequest`).
    #[error("the CertIDs name several issuers")]
    MixedIssuers,
    /// A background task died.
    #[error("task failed: {0}")]
    Task(String),
    /// The responder's settings are not usable.
    #[error("configuration: {0}")]
    Config(String),
    /// The HTTP server failed to start or stopped with an error.
    #[error("HTTP server: {0}")]
    Server(String),
}
