//! Delegated OCSP signers (RFC 6960 §4.2.2.2): each issuer answers OCSP
//! through a certificate of the `ocsp-signer` profile (id-kp-OCSPSigning,
//! id-pkix-ocsp-nocheck, short validity) on a software key of its own,
//! issued through the recorded issuance cycle and rotated once two thirds
//! of its validity have passed. The issuer's own key only signs these
//! certificates, never an OCSP response. The current delegate of each
//! issuer is the row of `ocsp_signers`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use der::Decode;
use diesel::prelude::*;
use serde_json::json;
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::certificate::from_x509_time;
use crate::hierarchy::KeyLocation;
use crate::lifecycle::{now, parse_cert, whole_seconds, Issuance};
use crate::profile::ProfileKind;
use crate::signer::{KeySpec, Signer, SignerError, PKCS11_BACKEND};
use crate::store::models::{IssuerRow, OcspSignerRow};
use crate::store::schema::ocsp_signers;
use crate::subject::{SubjectInfo, UB_COMMON_NAME};
use crate::{Ca, CaError, SOFTWARE_BACKEND};

/// The profile delegated OCSP-signing certificates are issued with.
pub const OCSP_SIGNER_PROFILE: &str = "ocsp-signer";

/// The common name's prefix: `OCSP Responder – <issuer CN>`.
const CN_PREFIX: &str = "OCSP Responder – ";

impl Ca {
    /// The current OCSP signer of `issuer_id` and its DER certificate.
    ///
    /// The recorded delegate is reused while it is of type `key` and more
    /// than a third of its validity is left; otherwise a new key is made
    /// and a new `ocsp-signer` certificate issued (subject CN `OCSP Responder
    /// – <issuer CN>`, the issuer's O; validity the profile's default, at
    /// most the issuer's), then recorded as the delegate with an
    /// `ocsp.signer-rotate` audit event. Two processes rotating at once each
    /// get a valid delegate; the last one recorded is the one reused.
    ///
    /// Loading a key file is slow (PBKDF2): callers keep the returned signer
    /// and call again only to rotate.
    pub fn ensure_ocsp_signer(
        &self,
        issuer_id: &str,
        key: KeySpec,
        actor: &str,
    ) -> Result<(Arc<dyn Signer>, Vec<u8>), CaError> {
        let (issuer, current) = self.store.read(|c| -> Result<_, CaError> {
            let issuer = crate::hierarchy::usable_issuer(c, issuer_id)?;
            let current: Option<OcspSignerRow> = ocsp_signers::table
                .find(issuer_id)
                .select(OcspSignerRow::as_select())
                .first(c)
                .optional()?;
            Ok((issuer, current))
        })?;
        if let Some(row) = current.filter(|r| reusable(r, key, Utc::now())) {
            let signer = self.load_delegate(&row, key)?;
            return Ok((signer, row.cert_der));
        }
        self.rotate_ocsp_signer(&issuer, key, actor)
    }

    fn load_delegate(&self, row: &OcspSignerRow, key: KeySpec) -> Result<Arc<dyn Signer>, CaError> {
        let signer: Arc<dyn Signer> = if row.key_backend == PKCS11_BACKEND {
            Arc::new(self.hsm()?.load(&row.key_ref, key)?)
        } else {
            Arc::new(self.software_keys()?.load(&row.key_ref, key)?)
        };
        if signer.spki_der() != row.spki_der {
            return Err(SignerError::Mismatch {
                key_ref: row.key_ref.clone(),
                detail: format!("not the key of the OCSP signer of {:?}", row.issuer_id),
            }
            .into());
        }
        Ok(signer)
    }

    fn rotate_ocsp_signer(
        &self,
        issuer: &IssuerRow,
        key: KeySpec,
        actor: &str,
    ) -> Result<(Arc<dyn Signer>, Vec<u8>), CaError> {
        let profile = self.config.profiles.get(OCSP_SIGNER_PROFILE)?;
        if profile.kind != ProfileKind::OcspSigner {
            return Err(CaError::Refused(format!(
                "profile {OCSP_SIGNER_PROFILE:?} is not an OCSP-signer profile"
            )));
        }
        let issuer_cert = parse_cert(issuer.cert_der.as_deref().unwrap_or_default())?;
        let subject = delegate_subject(&issuer_cert.tbs_certificate.subject)?;
        let not_before = whole_seconds(Utc::now());
        let mut not_after = not_before + Duration::days(i64::from(profile.default_days));
        if let Some(limit) = issuer.not_after {
            not_after = not_after.min(limit.and_utc());
        }
        if not_after <= not_before {
            return Err(CaError::IssuerUnavailable {
                id: issuer.id.clone(),
                reason: "its certificate has expired".into(),
            });
        }
        // The delegate's key lives where its issuer's does: on the token
        // for an issuer key on the token.
        let at = if issuer.key_backend == PKCS11_BACKEND {
            KeyLocation::Hsm
        } else {
            KeyLocation::Software
        };
        let (signer, backend, key_ref) =
            self.new_ca_key(&format!("ocsp-{}", issuer.id), key.into(), &at)?;
        let spki = signer.spki_der().to_vec();
        let spki_sha256 = hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &spki));
        let issued = self.run_issuance(Issuance {
            issuer_id: &issuer.id,
            issuer_name: &issuer_cert.tbs_certificate.subject,
            issuer_spki: &issuer.spki_der,
            signer: self.signer_for(issuer)?,
            subject: &subject,
            subject_spki: &spki,
            subject_is_rsa: key.is_rsa(),
            spki_sha256: &spki_sha256,
            not_before,
            not_after,
            profile,
            path_len: None,
            email: None,
            urls: None,
            subscriber_id: None,
            token_id: None,
            operation: "ocsp-signer",
            request: json!({ "issuer": issuer.id, "key": key.as_str(), "key_ref": key_ref }),
            replaces: None,
            new_issuer: None,
            actor,
        })?;
        let row = OcspSignerRow {
            issuer_id: issuer.id.clone(),
            key_spec: key.as_str().to_owned(),
            key_backend: backend.to_owned(),
            key_ref,
            spki_der: spki,
            cert_der: issued.der,
            not_after: not_after.naive_utc(),
            created_at: now(),
        };
        self.store.write(|c| -> Result<(), CaError> {
            diesel::delete(ocsp_signers::table.find(&row.issuer_id)).execute(c)?;
            diesel::insert_into(ocsp_signers::table)
                .values(&row)
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::OcspSignerRotate,
                    object: &format!("ocsp-signer:{}", row.issuer_id),
                    details: json!({
                        "serial": issued.serial.to_hex(),
                        "key": row.key_spec,
                        "key_ref": row.key_ref,
                        "not_after": not_after.to_rfc3339(),
                    }),
                },
            )?;
            Ok(())
        })?;
        Ok((signer, row.cert_der))
    }
}

/// Whether a recorded delegate can go on signing at `now`: a software or
/// token key of the asked type, with more than a third of its validity
/// left.
fn reusable(row: &OcspSignerRow, key: KeySpec, now: DateTime<Utc>) -> bool {
    let known = row.key_backend == SOFTWARE_BACKEND || row.key_backend == PKCS11_BACKEND;
    if !known || row.key_spec != key.as_str() {
        return false;
    }
    let Ok(cert) = Certificate::from_der(&row.cert_der) else {
        return false;
    };
    let validity = &cert.tbs_certificate.validity;
    let total = from_x509_time(&validity.not_after) - from_x509_time(&validity.not_before);
    let left = row.not_after.and_utc() - now;
    left * 3 > total
}

/// `CN=OCSP Responder – <issuer CN>, O=<issuer O>, C=VN`, the CN cut to 64
/// characters.
fn delegate_subject(issuer: &Name) -> Result<Name, CaError> {
    let cn = attribute(issuer, const_oid::db::rfc4519::COMMON_NAME).unwrap_or_default();
    let room = UB_COMMON_NAME - CN_PREFIX.chars().count();
    let cn: String = cn.chars().take(room).collect();
    Ok(SubjectInfo {
        common_name: format!("{CN_PREFIX}{cn}").trim_end().to_owned(),
        organization: attribute(issuer, const_oid::db::rfc4519::ORGANIZATION_NAME),
        ..SubjectInfo::default()
    }
    .to_name()?)
}

/// The first value of a string attribute of a name.
fn attribute(name: &Name, oid: der::asn1::ObjectIdentifier) -> Option<String> {
    use der::{Tag, Tagged};
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == oid)
        .filter(|atv| {
            matches!(
                atv.value.tag(),
                Tag::Utf8String | Tag::PrintableString | Tag::Ia5String
            )
        })
        .find_map(|atv| String::from_utf8(atv.value.value().to_vec()).ok())
}
