//! Building OCSP responses: a signed `BasicOCSPResponse` for one or more
//! CertIDs, and the unsigned error responses.

use std::time::Duration;

use chrono::{DateTime, Utc};
use der::asn1::{BitString, GeneralizedTime, Null, OctetString};
use der::{Decode, Encode};
use x509_cert::ext::pkix::CrlReason;
use x509_cert::ext::Extension;
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertStatus, OcspGeneralizedTime, OcspResponse, OcspResponseStatus,
    ResponderId, ResponseData, RevokedInfo, SingleResponse, Version,
};

use super::{CertIdOwned, OcspError, OcspStatus, ID_PKIX_OCSP_EXTENDED_REVOKE, ID_PKIX_OCSP_NONCE};
use crate::certificate::{key_identifier, verify_signature};
use crate::signer::Signer;
use crate::status::RevocationReason;

/// Signs a successful response stating `entries`, each with `this_update`
/// and `next_update`:
///
/// - responder ID by key: SHA-1 of the signer's subjectPublicKey;
/// - producedAt: now;
/// - revokedInfo with the revocationReason when one is known;
/// - the nonce, when given, echoed as a response extension (its extnValue
///   exactly as the request carried it);
/// - the delegated responder certificate `responder_cert_der` in `certs`,
///   which must be the certificate of `signer`'s key.
///
/// The DER tbsResponseData is signed through `signer` and the signature is
/// checked before the response is returned.
pub fn build_response(
    signer: &dyn Signer,
    responder_cert_der: &[u8],
    entries: &[(CertIdOwned, OcspStatus)],
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>, OcspError> {
    build_response_with(
        signer,
        responder_cert_der,
        entries,
        this_update,
        next_update,
        nonce,
        false,
    )
}

/// [`build_response`], and with `extended_revoke` the RFC 6960 §2.2
/// extended revoke extension (id-pkix-ocsp-extended-revoke, NULL) in
/// responseExtensions: the answer of a responder that says "revoked" for
/// serials its issuer never issued.
pub fn build_response_with(
    signer: &dyn Signer,
    responder_cert_der: &[u8],
    entries: &[(CertIdOwned, OcspStatus)],
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    nonce: Option<&[u8]>,
    extended_revoke: bool,
) -> Result<Vec<u8>, OcspError> {
    if entries.is_empty() {
        return Err(OcspError::Malformed(
            "a response needs at least one CertID".into(),
        ));
    }
    let responder = Certificate::from_der(responder_cert_der)?;
    if responder.tbs_certificate.subject_public_key_info.to_der()? != signer.spki_der() {
        return Err(OcspError::Signer(
            "the signing key is not the key of the responder certificate".into(),
        ));
    }
    let this_update = generalized(this_update)?;
    let next_update = generalized(next_update)?;
    let responses = entries
        .iter()
        .map(|(id, status)| {
            Ok(SingleResponse {
                cert_id: id.to_x509()?,
                cert_status: cert_status(*status)?,
                this_update,
                next_update: Some(next_update),
                single_extensions: None,
            })
        })
        .collect::<Result<Vec<_>, OcspError>>()?;
    let mut extensions = Vec::new();
    if let Some(n) = nonce {
        extensions.push(Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(n)?,
        });
    }
    if extended_revoke {
        extensions.push(Extension {
            extn_id: ID_PKIX_OCSP_EXTENDED_REVOKE,
            critical: false,
            extn_value: OctetString::new(Null.to_der()?)?,
        });
    }
    let response_extensions = (!extensions.is_empty()).then_some(extensions);
    let tbs = ResponseData {
        version: Version::V1,
        responder_id: ResponderId::ByKey(OctetString::new(key_identifier(signer.spki_der())?)?),
        produced_at: generalized(Utc::now())?,
        responses,
        response_extensions,
    };
    let tbs_der = tbs.to_der()?;
    let signature = signer.sign(&tbs_der)?;
    verify_signature(signer.algorithm(), signer.spki_der(), &tbs_der, &signature)?;
    let basic = BasicOcspResponse {
        tbs_response_data: tbs,
        signature_algorithm: signer.algorithm().algorithm_identifier(),
        signature: BitString::from_bytes(&signature)?,
        certs: Some(vec![responder]),
    };
    Ok(OcspResponse::successful(basic)?.to_der()?)
}

/// An unsigned error response (RFC 6960 §4.2.1): `malformedRequest`,
/// `internalError`, `tryLater`, `sigRequired` or `unauthorized`.
/// `successful` carries a signed response and is never an error: it is
/// answered as `internalError`.
pub fn error_response(status: OcspResponseStatus) -> Vec<u8> {
    let code = match status {
        OcspResponseStatus::MalformedRequest => 1,
        OcspResponseStatus::Successful | OcspResponseStatus::InternalError => 2,
        OcspResponseStatus::TryLater => 3,
        OcspResponseStatus::SigRequired => 5,
        OcspResponseStatus::Unauthorized => 6,
    };
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED }, in DER.
    vec![0x30, 0x03, 0x0a, 0x01, code]
}

fn cert_status(status: OcspStatus) -> Result<CertStatus, OcspError> {
    Ok(match status {
        OcspStatus::Good => CertStatus::Good(Null),
        OcspStatus::Unknown => CertStatus::Unknown(Null),
        OcspStatus::Revoked { at, reason } => CertStatus::Revoked(RevokedInfo {
            revocation_time: generalized(at)?,
            revocation_reason: reason.map(crl_reason),
        }),
    })
}

fn crl_reason(r: RevocationReason) -> CrlReason {
    match r {
        RevocationReason::Unspecified => CrlReason::Unspecified,
        RevocationReason::KeyCompromise => CrlReason::KeyCompromise,
        RevocationReason::CaCompromise => CrlReason::CaCompromise,
        RevocationReason::AffiliationChanged => CrlReason::AffiliationChanged,
        RevocationReason::Superseded => CrlReason::Superseded,
        RevocationReason::CessationOfOperation => CrlReason::CessationOfOperation,
        RevocationReason::CertificateHold => CrlReason::CertificateHold,
        RevocationReason::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
        RevocationReason::AaCompromise => CrlReason::AaCompromise,
    }
}

/// A time as GeneralizedTime, whole seconds (RFC 5019 §2.2.4: no fractions).
fn generalized(t: DateTime<Utc>) -> Result<OcspGeneralizedTime, OcspError> {
    let secs =
        u64::try_from(t.timestamp()).map_err(|_| OcspError::Time(format!("{t} is before 1970")))?;
    Ok(OcspGeneralizedTime(GeneralizedTime::from_unix_duration(
        Duration::from_secs(secs),
    )?))
}
