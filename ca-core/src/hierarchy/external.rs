//! Sub-CAs signed by an external root: the CA makes the key and a CSR, the
//! external root signs it, and `import_certificate` installs what comes back
//! after checking it belongs to that key and is a CA certificate.

use der::asn1::BitString;
use der::{Decode, Encode};
use diesel::prelude::*;
use serde_json::json;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::request::{CertReq, CertReqInfo, Version};
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;

use super::create::{ca_subject, new_issuer_row, KeyLocation};
use super::{check_issuer_id, query, IssuerInfo, ISSUER_ACTIVE, ISSUER_AWAITING};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::certificate::{from_x509_time, CertificateError};
use crate::signer::CaKeyType;
use crate::store::schema::issuers;
use crate::{Ca, CaError};

impl Ca {
    /// Generates the key of a sub-CA to be certified by an external root
    /// (where `key_at` says: a software key, or on the token for a key
    /// ceremony) and returns its PKCS#10 request (PEM). The issuer waits,
    /// unable to sign, until [`Ca::import_certificate`].
    pub fn request_external_sub(
        &self,
        id: &str,
        name: &str,
        organization: Option<&str>,
        key: CaKeyType,
        key_at: &KeyLocation,
        actor: &str,
    ) -> Result<String, CaError> {
        check_issuer_id(id)?;
        if self.store.read(|c| query::load(c, id)).is_ok() {
            return Err(CaError::BadIssuerId {
                id: id.to_owned(),
                reason: "an issuer with this id exists already",
            });
        }
        let subject = ca_subject(name, organization)?;
        let (signer, backend, key_ref) = self.new_ca_key(id, key, key_at)?;
        let info = CertReqInfo {
            version: Version::V1,
            subject: subject.clone(),
            public_key: SubjectPublicKeyInfoOwned::from_der(signer.spki_der())
                .map_err(CertificateError::from)?,
            attributes: Default::default(),
        };
        let info_der = info.to_der().map_err(CertificateError::from)?;
        let signature = signer.sign(&info_der)?;
        let csr = CertReq {
            info,
            algorithm: signer.algorithm().algorithm_identifier(),
            signature: BitString::from_bytes(&signature).map_err(CertificateError::from)?,
        };
        let csr_der = csr.to_der().map_err(CertificateError::from)?;
        let mut row = new_issuer_row(
            id,
            None,
            &subject,
            (key, backend, &key_ref),
            signer.spki_der().to_vec(),
            true,
        );
        row.status = ISSUER_AWAITING.to_owned();
        row.csr_der = Some(csr_der.clone());
        self.store.write(|c| -> Result<(), CaError> {
            diesel::insert_into(issuers::table)
                .values(&row)
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CaRequestExternal,
                    object: &format!("issuer:{id}"),
                    details: json!({ "subject": row.subject_dn, "key": key.to_string(), "backend": backend }),
                },
            )?;
            Ok(())
        })?;
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &csr_der)
            .map_err(|e| CertificateError::from(der::Error::from(e)).into())
    }

    /// Installs the certificate an external root issued for a waiting
    /// sub-CA: its public key must be the issuer's, it must be a CA
    /// certificate (basicConstraints cA) and currently valid.
    pub fn import_certificate(
        &self,
        id: &str,
        cert_input: &[u8],
        actor: &str,
    ) -> Result<IssuerInfo, CaError> {
        let der = pem_or_der(cert_input)?;
        let cert = Certificate::from_der(&der)
            .map_err(|e| CaError::Refused(format!("the certificate does not parse: {e}")))?;
        let row = self.issuer(id)?;
        if row.status != ISSUER_AWAITING {
            return Err(CaError::IssuerUnavailable {
                id: id.to_owned(),
                reason: format!("it is {}, not awaiting a certificate", row.status),
            });
        }
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(CertificateError::from)?;
        if spki != row.spki_der {
            return Err(CaError::Refused(format!(
                "the certificate is for another key than issuer {id:?}'s"
            )));
        }
        let is_ca = cert
            .tbs_certificate
            .get::<BasicConstraints>()
            .ok()
            .flatten()
            .is_some_and(|(_, bc)| bc.ca);
        if !is_ca {
            return Err(CaError::Refused(
                "the certificate is not a CA certificate (basicConstraints cA is not set)".into(),
            ));
        }
        let not_before = from_x509_time(&cert.tbs_certificate.validity.not_before);
        let not_after = from_x509_time(&cert.tbs_certificate.validity.not_after);
        if not_after <= chrono::Utc::now() {
            return Err(CaError::Refused("the certificate has expired".into()));
        }
        self.store.write(|c| -> Result<(), CaError> {
            diesel::update(issuers::table.find(id))
                .set((
                    issuers::status.eq(ISSUER_ACTIVE),
                    issuers::cert_der.eq(&der),
                    issuers::subject_dn.eq(cert.tbs_certificate.subject.to_string()),
                    issuers::not_before.eq(not_before.naive_utc()),
                    issuers::not_after.eq(not_after.naive_utc()),
                ))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CaImportCertificate,
                    object: &format!("issuer:{id}"),
                    details: json!({
                        "issuer_dn": cert.tbs_certificate.issuer.to_string(),
                        "sha256": crate::certificate::fingerprint(&der),
                    }),
                },
            )?;
            Ok(())
        })?;
        self.issuers()?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| CaError::UnknownIssuer { id: id.to_owned() })
    }
}

/// DER from PEM ("CERTIFICATE") or DER input.
fn pem_or_der(input: &[u8]) -> Result<Vec<u8>, CaError> {
    if input.first() == Some(&0x30) {
        return Ok(input.to_vec());
    }
    let (label, der) = der::pem::decode_vec(input)
        .map_err(|_| CaError::Refused("the certificate is neither PEM nor DER".into()))?;
    if label != "CERTIFICATE" {
        return Err(CaError::Refused(format!(
            "expected a CERTIFICATE, found {label}"
        )));
    }
    Ok(der)
}
