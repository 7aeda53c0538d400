//! Signing a recorded TBS certificate and checking the result.

use aws_lc_rs::signature::UnparsedPublicKey;
use der::asn1::BitString;
use der::{Decode, Encode};
use x509_cert::certificate::TbsCertificate;
use x509_cert::Certificate;

use super::CertificateError;
use crate::signer::{SignatureAlgorithm, Signer};

/// Signs the recorded DER TBS certificate with `signer`, then checks the
/// assembled certificate: its TBS must re-encode to exactly `recorded_tbs`
/// and its signature must verify under the signer's public key. Returns the
/// DER certificate.
pub fn finish(recorded_tbs: &[u8], signer: &dyn Signer) -> Result<Vec<u8>, CertificateError> {
    let tbs = TbsCertificate::from_der(recorded_tbs)?;
    if tbs.signature != signer.algorithm().algorithm_identifier() {
        return Err(CertificateError::TbsMismatch);
    }
    let signature = signer.sign(recorded_tbs)?;
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: signer.algorithm().algorithm_identifier(),
        signature: BitString::from_bytes(&signature)?,
    };
    let der = cert.to_der()?;
    let reparsed = Certificate::from_der(&der)?;
    if reparsed.tbs_certificate.to_der()? != recorded_tbs {
        return Err(CertificateError::TbsMismatch);
    }
    verify_signature(
        signer.algorithm(),
        signer.spki_der(),
        recorded_tbs,
        &signature,
    )?;
    Ok(der)
}

/// Verifies `sig` over `message` under the DER SubjectPublicKeyInfo
/// `spki_der`, for a signature made with `alg`.
pub fn verify_signature(
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    message: &[u8],
    sig: &[u8],
) -> Result<(), CertificateError> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)?;
    UnparsedPublicKey::new(alg.verification(), spki.subject_public_key.raw_bytes())
        .verify(message, sig)
        .map_err(|_| CertificateError::BadSignature)
}
