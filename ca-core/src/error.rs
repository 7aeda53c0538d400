//! The error of CA operations: what a caller (CLI, portal, services) gets
//! back from anything in [`crate::Ca`]. Each variant says what to fix.

use crate::certificate::CertificateError;
use crate::crl::CrlError;
use crate::csr::CsrError;
use crate::ocsp::OcspError;
use crate::profile::ProfileError;
use crate::serial::SerialError;
use crate::signer::SignerError;
use crate::store::StoreError;
use crate::subject::SubjectError;

/// Why a CA operation was refused or failed. Refusals change nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A CA key.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// Building or checking a certificate.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// A certificate request.
    #[error("certificate request refused: {0}")]
    Csr(#[from] CsrError),
    /// A subscriber's identity.
    #[error(transparent)]
    Subject(#[from] SubjectError),
    /// A profile.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A serial number.
    #[error(transparent)]
    Serial(#[from] SerialError),
    /// A CRL.
    #[error(transparent)]
    Crl(#[from] CrlError),
    /// An OCSP response (reading a stored one back).
    #[error(transparent)]
    Ocsp(#[from] OcspError),
    /// The configuration.
    #[error("configuration: {0}")]
    Config(String),
    /// `init` has not been run on this database.
    #[error("no CA hierarchy yet: run `govpki init` (or `govpki init --demo`) first")]
    NotInitialized,
    /// `init` ran before.
    #[error("the CA hierarchy exists already (issuers: {existing})")]
    AlreadyInitialized {
        /// The issuers found.
        existing: String,
    },
    /// No such issuer.
    #[error("unknown issuer {id:?}")]
    UnknownIssuer {
        /// The id asked for.
        id: String,
    },
    /// An issuer id already taken or malformed.
    #[error("issuer id {id:?}: {reason}")]
    BadIssuerId {
        /// The id.
        id: String,
        /// Why.
        reason: &'static str,
    },
    /// The issuer cannot sign now (awaiting its certificate, or expired).
    #[error("issuer {id:?} cannot issue: {reason}")]
    IssuerUnavailable {
        /// The issuer.
        id: String,
        /// Why.
        reason: String,
    },
    /// No such subscriber.
    #[error("unknown subscriber {id}")]
    UnknownSubscriber {
        /// The id.
        id: i64,
    },
    /// No such unit.
    #[error("no unit {id}")]
    UnknownUnit {
        /// The id.
        id: i64,
    },
    /// No certificate with this serial.
    #[error("no certificate with serial {serial}")]
    UnknownCertificate {
        /// The serial.
        serial: String,
    },
    /// The serial exists under several issuers: name the issuer.
    #[error("serial {serial} exists under several issuers ({issuers}); name the issuer too")]
    AmbiguousSerial {
        /// The serial.
        serial: String,
        /// The issuers.
        issuers: String,
    },
    /// No such token.
    #[error("unknown token {serial:?}")]
    UnknownToken {
        /// The token serial.
        serial: String,
    },
    /// A token serial registered already.
    #[error("token {serial:?} is registered already")]
    DuplicateToken {
        /// The token serial.
        serial: String,
    },
    /// A subscriber with this identifier (an individual's CCCD, CMND or
    /// passport, an organization's MST) is registered already.
    #[error("{uid} is registered already{}", duplicate_of(.existing))]
    DuplicateSubscriber {
        /// The identifier, normalised (`CCCD:…`, `MST:…`).
        uid: String,
        /// The subscriber holding it (`None`: an earlier entry of the
        /// same batch).
        existing: Option<i64>,
    },
    /// The token cannot be used for this.
    #[error("token {serial:?}: {reason}")]
    TokenUnusable {
        /// The token serial.
        serial: String,
        /// Why.
        reason: String,
    },
    /// The operation does not apply to the certificate in its current state.
    #[error("cannot {operation} certificate {serial}: it is {status}")]
    InvalidTransition {
        /// The certificate.
        serial: String,
        /// What was asked.
        operation: &'static str,
        /// Its state.
        status: String,
    },
    /// Suspension is switched off for this issuer.
    #[error("issuer {issuer:?} does not allow suspension")]
    SuspendDisabled {
        /// The issuer.
        issuer: String,
    },
    /// The public key belongs to a compromised key or a lost token.
    #[error("public key {spki_sha256} is blocked ({reason}); the subscriber needs a new key")]
    KeyBlocked {
        /// SHA-256 of the SubjectPublicKeyInfo.
        spki_sha256: String,
        /// Why it was blocked.
        reason: String,
    },
    /// The request contradicts the profile or the rules of the operation.
    #[error("{0}")]
    Refused(String),
    /// A rule with a stable code refused the request.
    #[error("{message}")]
    Rule {
        /// Which rule.
        rule: crate::rule::Rule,
        /// What to fix.
        message: String,
    },
}

fn duplicate_of(existing: &Option<i64>) -> String {
    match existing {
        Some(id) => format!(" (subscriber {id})"),
        None => " (twice in the same batch)".to_owned(),
    }
}
