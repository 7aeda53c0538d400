//! Errors of certificate building and finishing.

use crate::signer::SignerError;

/// What went wrong building, signing or checking a certificate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// DER encoding or decoding failed.
    #[error("DER encoding: {0}")]
    Der(#[from] der::Error),
    /// The requested validity is empty or outside what X.509 can express.
    #[error("invalid validity: {0}")]
    Validity(String),
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// The signed certificate's TBS differs from the recorded one: the
    /// signature is discarded and nothing is stored.
    #[error("the signed TBS certificate differs from the recorded one")]
    TbsMismatch,
    /// The signature does not verify under the issuer's public key.
    #[error("the signature does not verify under the issuer's public key")]
    BadSignature,
    /// A stored certificate could not be parsed.
    #[error("stored certificate does not parse: {0}")]
    Parse(String),
}
