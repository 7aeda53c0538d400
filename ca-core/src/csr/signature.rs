//! Verification of the request's self-signature (proof of possession).

use aws_lc_rs::signature::{
    EcdsaVerificationAlgorithm, RsaParameters, UnparsedPublicKey, VerificationAlgorithm,
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA384_ASN1, ECDSA_P256_SHA512_ASN1, ECDSA_P384_SHA256_ASN1,
    ECDSA_P384_SHA384_ASN1, ECDSA_P384_SHA512_ASN1, RSA_PKCS1_2048_8192_SHA256,
    RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512, RSA_PSS_2048_8192_SHA256,
    RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512,
};
use const_oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, ID_MGF_1, ID_RSASSA_PSS,
    ID_SHA_256, ID_SHA_384, ID_SHA_512, SHA_256_WITH_RSA_ENCRYPTION, SHA_384_WITH_RSA_ENCRYPTION,
    SHA_512_WITH_RSA_ENCRYPTION,
};
use der::asn1::AnyRef;
use pkcs1::RsaPssParams;
use spki::AlgorithmIdentifierRef;

use super::key::CheckedKey;
use super::{CsrError, PublicKeyKind};

/// Verifies `signature` over `message` (the exact `CertificationRequestInfo`
/// DER) with the request's own public key.
pub(super) fn verify(
    key: &CheckedKey<'_>,
    algorithm: &AlgorithmIdentifierRef<'_>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CsrError> {
    let verification = select(key.kind, algorithm)?;
    UnparsedPublicKey::new(verification, key.key_bytes)
        .verify(message, signature)
        .map_err(|_| CsrError::BadSignature)
}

/// The signature algorithm families the CA verifies.
enum Family {
    RsaPkcs1(&'static RsaParameters),
    RsaPss,
    Ecdsa {
        p256: &'static EcdsaVerificationAlgorithm,
        p384: &'static EcdsaVerificationAlgorithm,
    },
}

fn select(
    kind: PublicKeyKind,
    algorithm: &AlgorithmIdentifierRef<'_>,
) -> Result<&'static dyn VerificationAlgorithm, CsrError> {
    let oid = algorithm.oid;
    let family = if oid == SHA_256_WITH_RSA_ENCRYPTION {
        Family::RsaPkcs1(&RSA_PKCS1_2048_8192_SHA256)
    } else if oid == SHA_384_WITH_RSA_ENCRYPTION {
        Family::RsaPkcs1(&RSA_PKCS1_2048_8192_SHA384)
    } else if oid == SHA_512_WITH_RSA_ENCRYPTION {
        Family::RsaPkcs1(&RSA_PKCS1_2048_8192_SHA512)
    } else if oid == ID_RSASSA_PSS {
        Family::RsaPss
    } else if oid == ECDSA_WITH_SHA_256 {
        Family::Ecdsa {
            p256: &ECDSA_P256_SHA256_ASN1,
            p384: &ECDSA_P384_SHA256_ASN1,
        }
    } else if oid == ECDSA_WITH_SHA_384 {
        Family::Ecdsa {
            p256: &ECDSA_P256_SHA384_ASN1,
            p384: &ECDSA_P384_SHA384_ASN1,
        }
    } else if oid == ECDSA_WITH_SHA_512 {
        Family::Ecdsa {
            p256: &ECDSA_P256_SHA512_ASN1,
            p384: &ECDSA_P384_SHA512_ASN1,
        }
    } else {
        return Err(CsrError::UnsupportedSignatureAlgorithm {
            oid: oid.to_string(),
        });
    };

    let mismatch = || CsrError::SignatureKeyMismatch {
        oid: oid.to_string(),
        key: kind,
    };
    let is_rsa = matches!(kind, PublicKeyKind::Rsa { .. });
    match family {
        Family::RsaPkcs1(params) => {
            if !is_rsa {
                return Err(mismatch());
            }
            // RFC 4055 requires NULL; some encoders omit it.
            require_null_or_absent(algorithm.parameters, "RSA PKCS#1 v1.5")?;
            Ok(params)
        }
        Family::RsaPss => {
            if !is_rsa {
                return Err(mismatch());
            }
            pss_parameters(algorithm.parameters).map(|params| params as _)
        }
        Family::Ecdsa { p256, p384 } => {
            // RFC 5758 requires the parameters to be absent; a NULL is
            // harmless and tolerated.
            require_null_or_absent(algorithm.parameters, "ECDSA")?;
            match kind {
                PublicKeyKind::EcP256 => Ok(p256),
                PublicKeyKind::EcP384 => Ok(p384),
                PublicKeyKind::Rsa { .. } => Err(mismatch()),
            }
        }
    }
}

fn require_null_or_absent(parameters: Option<AnyRef<'_>>, what: &str) -> Result<(), CsrError> {
    match parameters {
        None => Ok(()),
        Some(params) if params.is_null() => Ok(()),
        Some(_) => Err(CsrError::Malformed {
            detail: format!("{what} signature algorithm parameters must be NULL or absent"),
        }),
    }
}

/// Maps RSASSA-PSS parameters to an AWS-LC algorithm. AWS-LC verifies with
/// MGF1 over the message hash and a salt as long as the hash, so exactly
/// those parameters are accepted.
fn pss_parameters(parameters: Option<AnyRef<'_>>) -> Result<&'static RsaParameters, CsrError> {
    let unsupported = |detail: String| CsrError::UnsupportedPssParameters { detail };
    let parameters = parameters.ok_or_else(|| {
        unsupported("parameters are absent (the SHA-1 defaults are not accepted)".to_owned())
    })?;
    let params: RsaPssParams<'_> = parameters.decode_as().map_err(|err| CsrError::Malformed {
        detail: format!("RSASSA-PSS parameters: {err}"),
    })?;

    let hash = params.hash.oid;
    let (algorithm, hash_len) = if hash == ID_SHA_256 {
        (&RSA_PSS_2048_8192_SHA256, 32)
    } else if hash == ID_SHA_384 {
        (&RSA_PSS_2048_8192_SHA384, 48)
    } else if hash == ID_SHA_512 {
        (&RSA_PSS_2048_8192_SHA512, 64)
    } else {
        return Err(unsupported(format!(
            "hash algorithm {hash}{} (SHA-256, SHA-384 or SHA-512 required)",
            super::oid_suffix(&hash.to_string())
        )));
    };
    require_null_or_absent(params.hash.parameters, "RSASSA-PSS hash")?;

    if params.mask_gen.oid != ID_MGF_1 {
        return Err(unsupported(format!(
            "mask generation function {} (MGF1 required)",
            params.mask_gen.oid
        )));
    }
    let mgf_hash = params
        .mask_gen
        .parameters
        .ok_or_else(|| unsupported("MGF1 without a hash algorithm".to_owned()))?;
    if mgf_hash.oid != hash {
        return Err(unsupported(format!(
            "MGF1 hash {} differs from the message hash {hash}",
            mgf_hash.oid
        )));
    }
    require_null_or_absent(mgf_hash.parameters, "RSASSA-PSS MGF1 hash")?;

    if usize::from(params.salt_len) != hash_len {
        return Err(unsupported(format!(
            "salt length {} (must equal the hash length, {hash_len})",
            params.salt_len
        )));
    }
    // The trailer field can only be 1 (0xBC): its decoder refuses other values.
    Ok(algorithm)
}
