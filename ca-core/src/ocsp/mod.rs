//! OCSP (RFC 6960, profiled by RFC 5019) as a library: everything the
//! `ocsp-responder` service needs that is not HTTP.
//!
//! This module owns:
//! - reading requests: [`parse_request`] (DER `OCSPRequest` → the CertIDs
//!   and the nonce) and [`decode_get_path`] (the base64 of a `GET` URL);
//! - knowing which issuer a CertID names: [`IssuerKeyHashes`], and
//!   [`find_issuer`] which says `unauthorized` for issuers we do not serve;
//! - what a certificate's row means to OCSP: [`OcspStatus`],
//!   [`status_from_row`];
//! - signed answers: [`build_response`] (a `BasicOCSPResponse` signed through
//!   a [`Signer`](crate::signer::Signer), responder ID by key hash) and
//!   [`error_response`] (the unsigned error statuses);
//! - the stored pre-signed responses: [`responses`] loads, finds and saves
//!   them (the responder's only access to the `ocsp_responses` table);
//! - what the responder serves now: [`Ca::served_ocsp`](crate::Ca::served_ocsp)
//!   reads a stored pre-signed response back ([`ServedOcsp`]);
//! - the delegated signers: [`Ca::ensure_ocsp_signer`](crate::Ca::ensure_ocsp_signer)
//!   issues and rotates each issuer's OCSP-signing certificate and records it
//!   in the `ocsp_signers` table. An issuer's own key never signs OCSP.
//!
//! Caching, pre-signing, nonce policy, limits and HTTP belong to the service.

mod delegate;
mod error;
mod issuer;
mod request;
mod response;
pub mod responses;
mod served;
mod status;

pub use delegate::OCSP_SIGNER_PROFILE;
pub use error::OcspError;
pub use issuer::{find_issuer, IssuerKeyHashes};
pub use request::{decode_get_path, parse_request, CertIdHash, CertIdOwned, ParsedRequest};
pub use response::{build_response, build_response_with, error_response};
pub use served::ServedOcsp;
pub use status::{status_from_row, OcspStatus};
pub use x509_ocsp::OcspResponseStatus;

/// id-pkix-ocsp-nonce (RFC 6960 §4.4.1).
pub const ID_PKIX_OCSP_NONCE: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");

/// id-pkix-ocsp-extended-revoke (RFC 6960 §4.4.8).
pub const ID_PKIX_OCSP_EXTENDED_REVOKE: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.9");

#[cfg(test)]
mod tests;
