//! The extensions a profile puts into a certificate.

use der::asn1::{Ia5String, Null, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;

use super::CertificateError;
use crate::crl::CrlName;
use crate::profile::{KeyUsageBit, Profile, ProfileKind};
use crate::serial::Serial;

/// id-ad-caIssuers.
const ID_AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
/// id-ad-ocsp.
const ID_AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");

/// Where verifiers find the issuer certificate, OCSP and the CRL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationUrls {
    /// AIA caIssuers: `{public-url}/ca/{issuer}.crt`.
    pub ca_issuers: String,
    /// AIA OCSP: `{public-url}/ocsp`.
    pub ocsp: String,
    public_url: String,
    issuer_id: String,
    crl_shards: u32,
}

impl RevocationUrls {
    /// The URLs of `issuer_id` under the public base URL, for an issuer with
    /// one CRL (see [`with_crl_shards`](Self::with_crl_shards)).
    pub fn for_issuer(public_url: &str, issuer_id: &str) -> Self {
        let base = public_url.trim_end_matches('/');
        Self {
            ca_issuers: format!("{base}/ca/{issuer_id}.crt"),
            ocsp: format!("{base}/ocsp"),
            public_url: base.to_owned(),
            issuer_id: issuer_id.to_owned(),
            crl_shards: 1,
        }
    }

    /// The same URLs for an issuer whose CRL is split into `shards` shards
    /// (the issuer row's `crl_shards`; 0 or less counts as 1).
    pub fn with_crl_shards(mut self, shards: i32) -> Self {
        self.crl_shards = u32::try_from(shards).unwrap_or(1).max(1);
        self
    }

    /// The CRL distribution point of the certificate with this serial: its
    /// shard's full CRL (see [`crate::crl::CrlName`]).
    pub fn crl_for(&self, serial: &Serial) -> String {
        CrlName::for_serial(&self.issuer_id, serial, self.crl_shards).url(&self.public_url)
    }
}

/// The key identifier of a public key: SHA-1 of the subjectPublicKey BIT
/// STRING (RFC 5280 §4.2.1.2, method 1), what SKI and AKI carry.
pub fn key_identifier(spki_der: &[u8]) -> Result<Vec<u8>, CertificateError> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)?;
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        spki.subject_public_key.raw_bytes(),
    );
    Ok(digest.as_ref().to_vec())
}

/// Everything that decides the extensions of one certificate.
pub(super) struct ExtensionInput<'a> {
    pub(super) profile: &'a Profile,
    pub(super) subject_key_id: Vec<u8>,
    pub(super) authority_key_id: Vec<u8>,
    pub(super) subject_is_rsa: bool,
    pub(super) email: Option<&'a str>,
    pub(super) urls: Option<&'a RevocationUrls>,
    /// The certificate's serial: it picks the CRL shard.
    pub(super) serial: &'a Serial,
    /// Overrides the profile's pathLenConstraint (root certificates: none).
    pub(super) path_len: Option<Option<u8>>,
}

pub(super) fn build(input: &ExtensionInput<'_>) -> Result<Vec<Extension>, CertificateError> {
    let p = input.profile;
    let mut out = Vec::new();
    let path_len = input.path_len.unwrap_or(p.path_len);
    out.push(ext(
        &BasicConstraints {
            ca: p.is_ca(),
            path_len_constraint: if p.is_ca() { path_len } else { None },
        },
        true,
    )?);
    out.push(ext(
        &KeyUsage(key_usages(&p.key_usage_for(input.subject_is_rsa))),
        true,
    )?);
    if !p.extended_key_usage.is_empty() {
        let ekus = p.extended_key_usage.iter().map(|e| e.oid()).collect();
        out.push(ext(&x509_cert::ext::pkix::ExtendedKeyUsage(ekus), false)?);
    }
    out.push(ext(
        &SubjectKeyIdentifier(OctetString::new(input.subject_key_id.clone())?),
        false,
    )?);
    out.push(ext(
        &AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(input.authority_key_id.clone())?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        },
        false,
    )?);
    let policies = p.policy_oids();
    if !policies.is_empty() {
        let infos = policies
            .into_iter()
            .map(|oid| PolicyInformation {
                policy_identifier: oid,
                policy_qualifiers: None,
            })
            .collect();
        out.push(ext(&CertificatePolicies(infos), false)?);
    }
    if let (true, Some(urls)) = (p.revocation_info, input.urls) {
        out.push(ext(
            &AuthorityInfoAccessSyntax(vec![
                AccessDescription {
                    access_method: ID_AD_CA_ISSUERS,
                    access_location: uri(&urls.ca_issuers)?,
                },
                AccessDescription {
                    access_method: ID_AD_OCSP,
                    access_location: uri(&urls.ocsp)?,
                },
            ]),
            false,
        )?);
        out.push(ext(
            &CrlDistributionPoints(vec![DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![uri(
                    &urls.crl_for(input.serial)
                )?])),
                reasons: None,
                crl_issuer: None,
            }]),
            false,
        )?);
    }
    if let Some(email) = input.email {
        let name = GeneralName::Rfc822Name(Ia5String::new(email)?);
        out.push(ext(&SubjectAltName(vec![name]), false)?);
    }
    if p.kind == ProfileKind::OcspSigner {
        out.push(Extension {
            extn_id: ID_PKIX_OCSP_NOCHECK,
            critical: false,
            extn_value: OctetString::new(Null.to_der()?)?,
        });
    }
    Ok(out)
}

fn ext<T: der::oid::AssociatedOid + Encode>(
    value: &T,
    critical: bool,
) -> Result<Extension, CertificateError> {
    Ok(Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

fn uri(s: &str) -> Result<GeneralName, CertificateError> {
    Ok(GeneralName::UniformResourceIdentifier(Ia5String::new(s)?))
}

fn key_usages(bits: &[KeyUsageBit]) -> der::flagset::FlagSet<KeyUsages> {
    bits.iter()
        .map(|b| match b {
            KeyUsageBit::DigitalSignature => KeyUsages::DigitalSignature,
            KeyUsageBit::NonRepudiation => KeyUsages::NonRepudiation,
            KeyUsageBit::KeyEncipherment => KeyUsages::KeyEncipherment,
            KeyUsageBit::DataEncipherment => KeyUsages::DataEncipherment,
            KeyUsageBit::KeyAgreement => KeyUsages::KeyAgreement,
            KeyUsageBit::KeyCertSign => KeyUsages::KeyCertSign,
            KeyUsageBit::CrlSign => KeyUsages::CRLSign,
        })
        .fold(der::flagset::FlagSet::default(), |acc, f| acc | f)
}
