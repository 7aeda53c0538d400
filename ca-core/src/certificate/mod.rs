//! Building and finishing X.509 certificates with `x509-cert` types: the TBS
//! certificate is built and DER-encoded first (so it can be recorded before
//! anything is signed), then signed through a [`Signer`](crate::signer::Signer)
//! and checked: the signed TBS must be byte-for-byte the recorded one, and
//! the signature must verify under the issuer's public key.

mod error;
mod extensions;
mod finish;
mod tbs;
mod time;

pub use error::CertificateError;
pub use extensions::{key_identifier, RevocationUrls};
pub use finish::{finish, verify_signature};
pub use tbs::{build_tbs, IssuerView, TbsTemplate};
pub use time::{from_x509_time, to_x509_time};

/// PEM text of a DER certificate.
pub fn der_to_pem(der: &[u8]) -> String {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).unwrap_or_default()
}

/// The SHA-256 fingerprint of a DER certificate, as `openssl x509
/// -fingerprint -sha256` prints it (uppercase, colon-separated).
pub fn fingerprint(der: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
