//! The TBS certificate: everything that gets signed.

use chrono::{DateTime, Utc};
use der::Decode;
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::name::Name;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

use super::extensions::{self, ExtensionInput};
use super::{key_identifier, to_x509_time, CertificateError, RevocationUrls};
use crate::profile::Profile;
use crate::serial::Serial;
use crate::signer::SignatureAlgorithm;

/// What the certificate needs to know of its issuer.
#[derive(Debug, Clone)]
pub struct IssuerView<'a> {
    /// The issuer's subject name (the new certificate's issuer name).
    pub name: &'a Name,
    /// The issuer's DER SubjectPublicKeyInfo (for the AKI).
    pub spki_der: &'a [u8],
    /// The algorithm the issuer signs with.
    pub algorithm: SignatureAlgorithm,
}

/// One certificate to build.
#[derive(Debug, Clone)]
pub struct TbsTemplate<'a> {
    /// The serial, already unique for the issuer.
    pub serial: &'a Serial,
    /// The issuer.
    pub issuer: IssuerView<'a>,
    /// The subject name (built by `subject`).
    pub subject: &'a Name,
    /// The subject's DER SubjectPublicKeyInfo (checked by `csr`).
    pub subject_spki_der: &'a [u8],
    /// Whether the subject key is RSA (keyEncipherment).
    pub subject_is_rsa: bool,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The profile.
    pub profile: &'a Profile,
    /// The subscriber e-mail, as rfc822Name in the SAN.
    pub email: Option<&'a str>,
    /// AIA and CRL DP, when the profile writes them.
    pub urls: Option<&'a RevocationUrls>,
    /// Overrides the profile's pathLenConstraint (`Some(None)`: unlimited).
    pub path_len: Option<Option<u8>>,
}

/// Builds the TBS certificate of a template.
pub fn build_tbs(t: &TbsTemplate<'_>) -> Result<TbsCertificate, CertificateError> {
    if t.not_after <= t.not_before {
        return Err(CertificateError::Validity(format!(
            "notAfter {} is not after notBefore {}",
            t.not_after, t.not_before
        )));
    }
    let spki = SubjectPublicKeyInfoOwned::from_der(t.subject_spki_der)?;
    let extensions = extensions::build(&ExtensionInput {
        profile: t.profile,
        subject_key_id: key_identifier(t.subject_spki_der)?,
        authority_key_id: key_identifier(t.issuer.spki_der)?,
        subject_is_rsa: t.subject_is_rsa,
        email: t.email,
        urls: t.urls,
        serial: t.serial,
        path_len: t.path_len,
    })?;
    Ok(TbsCertificate {
        version: Version::V3,
        serial_number: t.serial.to_x509(),
        signature: t.issuer.algorithm.algorithm_identifier(),
        issuer: t.issuer.name.clone(),
        validity: Validity {
            not_before: to_x509_time(t.not_before)?,
            not_after: to_x509_time(t.not_after)?,
        },
        subject: t.subject.clone(),
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    })
}
