//! Which of our issuers a CertID names: the name and key hashes of every
//! issuer certificate, in both hash algorithms.

use der::{Decode, Encode};
use diesel::prelude::*;
use x509_cert::Certificate;

use super::{CertIdHash, CertIdOwned, OcspError};
use crate::certificate::CertificateError;
use crate::serial::Serial;
use crate::store::models::IssuerRow;
use crate::store::schema::issuers;
use crate::{Ca, CaError};

/// An issuer as CertIDs name it (RFC 6960 §4.1.1): the hash of the DER of
/// its subject name and of its subjectPublicKey BIT STRING contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerKeyHashes {
    /// Our id of the issuer.
    pub issuer_id: String,
    /// SHA-1 of the subject name.
    pub name_sha1: Vec<u8>,
    /// SHA-1 of the public key.
    pub key_sha1: Vec<u8>,
    /// SHA-256 of the subject name.
    pub name_sha256: Vec<u8>,
    /// SHA-256 of the public key.
    pub key_sha256: Vec<u8>,
}

impl IssuerKeyHashes {
    /// The hashes of the issuer certificate `cert_der`.
    pub fn from_cert_der(issuer_id: &str, cert_der: &[u8]) -> Result<Self, OcspError> {
        let cert = Certificate::from_der(cert_der)?;
        let name = cert.tbs_certificate.subject.to_der()?;
        let key = cert
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        Ok(Self {
            issuer_id: issuer_id.to_owned(),
            name_sha1: CertIdHash::Sha1.digest(&name),
            key_sha1: CertIdHash::Sha1.digest(key),
            name_sha256: CertIdHash::Sha256.digest(&name),
            key_sha256: CertIdHash::Sha256.digest(key),
        })
    }

    /// Whether `id` names this issuer (both hashes must match).
    pub fn matches(&self, id: &CertIdOwned) -> bool {
        let (name, key) = self.hashes(id.hash);
        id.issuer_name_hash == name && id.issuer_key_hash == key
    }

    /// The CertID of one of this issuer's certificates, for responses
    /// signed ahead of any request.
    pub fn cert_id(&self, hash: CertIdHash, serial: Serial) -> CertIdOwned {
        let (name, key) = self.hashes(hash);
        CertIdOwned {
            hash,
            issuer_name_hash: name.to_vec(),
            issuer_key_hash: key.to_vec(),
            serial,
        }
    }

    fn hashes(&self, hash: CertIdHash) -> (&[u8], &[u8]) {
        match hash {
            CertIdHash::Sha1 => (&self.name_sha1, &self.key_sha1),
            CertIdHash::Sha256 => (&self.name_sha256, &self.key_sha256),
        }
    }
}

/// The issuer of ours that `id` names, or [`OcspError::Unauthorized`]
/// (RFC 6960 §2.3: a responder answers only for the issuers it serves).
pub fn find_issuer<'a>(
    issuers: &'a [IssuerKeyHashes],
    id: &CertIdOwned,
) -> Result<&'a IssuerKeyHashes, OcspError> {
    issuers
        .iter()
        .find(|i| i.matches(id))
        .ok_or(OcspError::Unauthorized)
}

impl Ca {
    /// The hashes of every issuer that has a certificate (roots included:
    /// they answer for the sub-CA certificates they signed).
    pub fn ocsp_issuers(&self) -> Result<Vec<IssuerKeyHashes>, CaError> {
        let rows: Vec<IssuerRow> = self.store.read(|c| -> Result<_, CaError> {
            Ok(issuers::table
                .filter(issuers::cert_der.is_not_null())
                .order(issuers::created_at.asc())
                .select(IssuerRow::as_select())
                .load(c)?)
        })?;
        rows.iter()
            .filter_map(|r| r.cert_der.as_deref().map(|der| (r, der)))
            .map(|(r, der)| {
                IssuerKeyHashes::from_cert_der(&r.id, der)
                    .map_err(|e| CertificateError::Parse(format!("issuer {}: {e}", r.id)).into())
            })
            .collect()
    }
}
