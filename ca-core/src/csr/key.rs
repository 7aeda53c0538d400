//! The key policy applied to a SubjectPublicKeyInfo.

use aws_lc_rs::signature::{
    EcdsaVerificationAlgorithm, ParsedPublicKey, ECDSA_P256_SHA256_ASN1, ECDSA_P384_SHA384_ASN1,
    RSA_PKCS1_2048_8192_SHA256,
};
use const_oid::db::rfc5912::{ID_EC_PUBLIC_KEY, RSA_ENCRYPTION, SECP_256_R_1, SECP_384_R_1};
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use super::{malformed, CsrError, PublicKeyKind, RSA_MAX_BITS, RSA_MIN_BITS};

/// The only RSA public exponent accepted (Boulder's rule: smaller ones
/// have broken padding-less and badly padded schemes, larger ones buy
/// nothing).
const RSA_EXPONENT: [u8; 3] = [0x01, 0x00, 0x01];

/// A public key that passed the policy.
pub(super) struct CheckedKey<'a> {
    pub(super) kind: PublicKeyKind,
    /// What the signature verifier takes: the PKCS#1 `RSAPublicKey` DER for
    /// RSA, the uncompressed point for EC (the subjectPublicKey contents).
    pub(super) key_bytes: &'a [u8],
    /// The SubjectPublicKeyInfo re-encoded canonically.
    pub(super) canonical_spki: Vec<u8>,
}

fn invalid(detail: impl Into<String>) -> CsrError {
    CsrError::InvalidPublicKey {
        detail: detail.into(),
    }
}

/// Applies the key policy to a DER SubjectPublicKeyInfo.
pub(super) fn check_spki(der: &[u8]) -> Result<CheckedKey<'_>, CsrError> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(malformed("SubjectPublicKeyInfo"))?;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| invalid("subjectPublicKey BIT STRING has unused bits"))?;
    let oid = spki.algorithm.oid;

    let (kind, parameters) = if oid == RSA_ENCRYPTION {
        match spki.algorithm.parameters {
            None => {}
            Some(params) if params.is_null() => {}
            Some(_) => return Err(invalid("rsaEncryption parameters must be NULL or absent")),
        }
        (check_rsa(key_bytes)?, AnyRef::NULL)
    } else if oid == ID_EC_PUBLIC_KEY {
        let params = spki
            .algorithm
            .parameters
            .ok_or_else(|| invalid("id-ecPublicKey without curve parameters"))?;
        let curve: ObjectIdentifier = params.decode_as().map_err(|_| {
            invalid(
                "EC key parameters must be a named curve (explicit or implicit curves are refused)",
            )
        })?;
        let kind = if curve == SECP_256_R_1 {
            check_ec_point(key_bytes, 65, &ECDSA_P256_SHA256_ASN1, "P-256")?;
            PublicKeyKind::EcP256
        } else if curve == SECP_384_R_1 {
            check_ec_point(key_bytes, 97, &ECDSA_P384_SHA384_ASN1, "P-384")?;
            PublicKeyKind::EcP384
        } else {
            return Err(CsrError::UnsupportedCurve {
                oid: curve.to_string(),
            });
        };
        (kind, params)
    } else {
        return Err(CsrError::UnsupportedKeyAlgorithm {
            oid: oid.to_string(),
        });
    };

    let canonical_spki = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid,
            parameters: Some(parameters),
        },
        subject_public_key: spki.subject_public_key,
    }
    .to_der()
    .map_err(malformed("re-encoding SubjectPublicKeyInfo"))?;

    Ok(CheckedKey {
        kind,
        key_bytes,
        canonical_spki,
    })
}

/// The canonical DER of a SubjectPublicKeyInfo (RSA parameters an explicit
/// NULL), re-encoded without applying the key policy: how a stored CA key
/// is compared with a subscriber's.
pub(super) fn canonical_spki(der: &[u8]) -> Result<Vec<u8>, CsrError> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(malformed("SubjectPublicKeyInfo"))?;
    let parameters = if spki.algorithm.oid == RSA_ENCRYPTION {
        Some(AnyRef::NULL)
    } else {
        spki.algorithm.parameters
    };
    SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: spki.algorithm.oid,
            parameters,
        },
        subject_public_key: spki.subject_public_key,
    }
    .to_der()
    .map_err(malformed("re-encoding SubjectPublicKeyInfo"))
}

/// Number of significant bits in a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    match bytes.iter().position(|&b| b != 0) {
        None => 0,
        Some(first) => {
            let significant = &bytes[first..];
            // `leading_zeros` of a u8 is at most 8, so the cast is lossless.
            significant.len() * 8 - significant[0].leading_zeros() as usize
        }
    }
}

fn check_rsa(key_bytes: &[u8]) -> Result<PublicKeyKind, CsrError> {
    let key = pkcs1::RsaPublicKey::from_der(key_bytes)
        .map_err(|err| invalid(format!("RSAPublicKey: {err}")))?;

    let bits = bit_length(key.modulus.as_bytes());
    if bits < RSA_MIN_BITS {
        return Err(CsrError::RsaKeyTooSmall {
            bits,
            min: RSA_MIN_BITS,
        });
    }
    if bits > RSA_MAX_BITS {
        return Err(CsrError::RsaKeyTooLarge {
            bits,
            max: RSA_MAX_BITS,
        });
    }

    let exponent = key.public_exponent.as_bytes();
    let first = exponent
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(exponent.len());
    if exponent[first..] != RSA_EXPONENT {
        return Err(CsrError::RsaExponentNotAllowed);
    }
    super::weak_key::check_modulus(key.modulus.as_bytes())?;

    // Let the verifier check the key as well (an even modulus, for example).
    ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key_bytes)
        .map_err(|err| invalid(format!("RSA key rejected: {err}")))?;
    Ok(PublicKeyKind::Rsa { bits })
}

fn check_ec_point(
    point: &[u8],
    expected_len: usize,
    algorithm: &'static EcdsaVerificationAlgorithm,
    curve: &str,
) -> Result<(), CsrError> {
    if point.first() != Some(&0x04) {
        return Err(invalid(format!(
            "the {curve} point must be uncompressed (first byte 0x04)"
        )));
    }
    if point.len() != expected_len {
        return Err(invalid(format!(
            "an uncompressed {curve} point is {expected_len} bytes, found {}",
            point.len()
        )));
    }
    ParsedPublicKey::new(algorithm, point)
        .map_err(|_| invalid(format!("the point is not on curve {curve}")))?;
    Ok(())
}
