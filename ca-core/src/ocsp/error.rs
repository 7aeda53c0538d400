//! What can go wrong reading an OCSP request or building a response.

use crate::certificate::CertificateError;
use crate::signer::SignerError;

/// Why an OCSP request was refused or a response could not be built. The
/// responder answers the first three with an OCSP error status
/// ([`OcspError::response_status`]); the others are its own faults.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// The request is not a well-formed OCSPRequest (bad DER, trailing data,
    /// no CertID, a bad serial or hash length, a bad nonce, bad base64):
    /// answered `malformedRequest`.
    #[error("malformed OCSP request: {0}")]
    Malformed(String),
    /// A CertID hashed with something other than SHA-1 or SHA-256: answered
    /// `malformedRequest`.
    #[error("unsupported CertID hash algorithm {oid}")]
    UnsupportedHash {
        /// The algorithm's OID.
        oid: String,
    },
    /// The CertID names an issuer this responder does not serve: answered
    /// `unauthorized`.
    #[error("no issuer of ours matches the CertID")]
    Unauthorized,
    /// The signing key failed, or is not the key of the responder
    /// certificate.
    #[error("OCSP signer: {0}")]
    Signer(String),
    /// Encoding or decoding a structure we built or stored.
    #[error("OCSP encoding: {0}")]
    Der(#[from] der::Error),
    /// A time that cannot be written as GeneralizedTime (before 1970).
    #[error("OCSP time out of range: {0}")]
    Time(String),
}

impl OcspError {
    /// The OCSP response status the responder answers this error with.
    pub fn response_status(&self) -> x509_ocsp::OcspResponseStatus {
        use x509_ocsp::OcspResponseStatus as S;
        match self {
            Self::Malformed(_) | Self::UnsupportedHash { .. } => S::MalformedRequest,
            Self::Unauthorized => S::Unauthorized,
            Self::Signer(_) | Self::Der(_) | Self::Time(_) => S::InternalError,
        }
    }
}

impl From<SignerError> for OcspError {
    fn from(e: SignerError) -> Self {
        Self::Signer(e.to_string())
    }
}

impl From<CertificateError> for OcspError {
    fn from(e: CertificateError) -> Self {
        Self::Signer(e.to_string())
    }
}
