//! The OCSP response builder fed arbitrary entries (serials, statuses,
//! revocation times and reasons, nonces): never a panic; what it builds is
//! a DER OCSPResponse that decodes again.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

use std::sync::OnceLock;

use ca_core::ocsp::{build_response, CertIdHash, CertIdOwned, OcspStatus};
use ca_core::serial::Serial;
use ca_core::signer::{SignatureAlgorithm, Signer, SignerError};
use ca_core::status::RevocationReason;
use der::Decode;

/// A responder key and its self-signed certificate, made once.
struct Responder {
    key: rcgen::KeyPair,
    spki: Vec<u8>,
    cert: Vec<u8>,
}

impl Signer for Responder {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::EcdsaP256Sha256
    }
    fn spki_der(&self) -> &[u8] {
        &self.spki
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        use rcgen::SigningKey;
        self.key.sign(message).map_err(|_| SignerError::Crypto {
            operation: "signing",
        })
    }
}

fn responder() -> &'static Responder {
    static R: OnceLock<Responder> = OnceLock::new();
    R.get_or_init(|| {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let cert = rcgen::CertificateParams::new(vec!["ocsp.test".into()])
            .expect("params")
            .self_signed(&key)
            .expect("certificate");
        let spki = rcgen::PublicKeyData::subject_public_key_info(&key);
        Responder {
            key,
            spki,
            cert: cert.der().to_vec(),
        }
    })
}

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    let names = RevocationReason::names();
    let (nonce, rest) = match data.split_first() {
        Some((&n, rest)) => rest.split_at(usize::from(n).min(rest.len()).min(40)),
        None => return,
    };
    let mut entries = Vec::new();
    for chunk in rest.chunks(14).take(20) {
        let Ok(serial) = Serial::from_be_bytes(&chunk[..chunk.len().min(9)]) else {
            continue;
        };
        let pick = chunk.get(9).copied().unwrap_or(0);
        let seconds = chunk
            .get(10..14)
            .map(|b| i64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
            .unwrap_or(0);
        let status = match pick % 3 {
            0 => OcspStatus::Good,
            1 => OcspStatus::Unknown,
            _ => OcspStatus::Revoked {
                at: chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default(),
                reason: names
                    .get(usize::from(pick / 3) % (names.len() + 1))
                    .and_then(|n| n.parse().ok()),
            },
        };
        let hash = if pick & 1 == 0 {
            CertIdHash::Sha1
        } else {
            CertIdHash::Sha256
        };
        let len = if hash == CertIdHash::Sha1 { 20 } else { 32 };
        entries.push((
            CertIdOwned {
                hash,
                issuer_name_hash: vec![pick; len],
                issuer_key_hash: vec![!pick; len],
                serial,
            },
            status,
        ));
    }
    let r = responder();
    let now = chrono::Utc::now();
    let nonce = (!nonce.is_empty()).then_some(nonce);
    if let Ok(der) = build_response(
        r,
        &r.cert,
        &entries,
        now,
        now + chrono::Duration::days(1),
        nonce,
    ) {
        der::asn1::Any::from_der(&der).expect("a DER structure");
    }
}
