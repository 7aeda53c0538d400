//! Key types for CA keys and the signature algorithms they sign with.

use std::fmt;
use std::str::FromStr;

use der::asn1::{AnyRef, ObjectIdentifier};
use spki::AlgorithmIdentifierOwned;

use super::SignerError;

/// A CA key type: RSA 2048/3072/4096 or ECDSA P-256/P-384.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySpec {
    /// RSA, 2048-bit modulus: what Vietnamese verifiers expect today.
    Rsa2048,
    /// RSA, 3072-bit modulus.
    Rsa3072,
    /// RSA, 4096-bit modulus (root CAs).
    Rsa4096,
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
}

impl KeySpec {
    /// Every key type, in the order help texts list them.
    pub const ALL: [Self; 5] = [
        Self::Rsa2048,
        Self::Rsa3072,
        Self::Rsa4096,
        Self::P256,
        Self::P384,
    ];

    /// The short name used in the CLI, config and database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa2048",
            Self::Rsa3072 => "rsa3072",
            Self::Rsa4096 => "rsa4096",
            Self::P256 => "p256",
            Self::P384 => "p384",
        }
    }

    /// The signature algorithm a key of this type signs with.
    pub fn signature_algorithm(self) -> SignatureAlgorithm {
        match self {
            Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096 => SignatureAlgorithm::RsaPkcs1Sha256,
            Self::P256 => SignatureAlgorithm::EcdsaP256Sha256,
            Self::P384 => SignatureAlgorithm::EcdsaP384Sha384,
        }
    }

    /// Whether this is an RSA key.
    pub fn is_rsa(self) -> bool {
        matches!(self, Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096)
    }
}

impl FromStr for KeySpec {
    type Err = SignerError;

    fn from_str(s: &str) -> Result<Self, SignerError> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect();
        let spec = match norm.as_str() {
            "rsa2048" => Self::Rsa2048,
            "rsa3072" => Self::Rsa3072,
            "rsa4096" => Self::Rsa4096,
            "p256" | "ecdsap256" | "ecp256" | "secp256r1" | "prime256v1" => Self::P256,
            "p384" | "ecdsap384" | "ecp384" | "secp384r1" => Self::P384,
            _ => {
                return Err(SignerError::UnknownKeySpec {
                    given: s.to_owned(),
                })
            }
        };
        Ok(spec)
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signature algorithm the CA signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// sha256WithRSAEncryption (PKCS#1 v1.5), as real Vietnamese certificates use.
    RsaPkcs1Sha256,
    /// ecdsa-with-SHA256 on P-256.
    EcdsaP256Sha256,
    /// ecdsa-with-SHA384 on P-384.
    EcdsaP384Sha384,
}

const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

impl SignatureAlgorithm {
    /// The AlgorithmIdentifier that goes into certificates, CRLs and OCSP
    /// responses (RSA with explicit NULL parameters, ECDSA without, per
    /// RFC 4055 and RFC 5758).
    pub fn algorithm_identifier(self) -> AlgorithmIdentifierOwned {
        match self {
            Self::RsaPkcs1Sha256 => AlgorithmIdentifierOwned {
                oid: SHA256_WITH_RSA,
                parameters: Some(AnyRef::NULL.into()),
            },
            Self::EcdsaP256Sha256 => AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA256,
                parameters: None,
            },
            Self::EcdsaP384Sha384 => AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA384,
                parameters: None,
            },
        }
    }

    /// The matching rcgen algorithm (key generation and loading).
    pub(crate) fn rcgen(self) -> &'static rcgen::SignatureAlgorithm {
        match self {
            Self::RsaPkcs1Sha256 => &rcgen::PKCS_RSA_SHA256,
            Self::EcdsaP256Sha256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            Self::EcdsaP384Sha384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_spec_round_trip_and_aliases() {
        for spec in KeySpec::ALL {
            assert_eq!(spec.as_str().parse::<KeySpec>().unwrap(), spec);
        }
        assert_eq!("RSA-3072".parse::<KeySpec>().unwrap(), KeySpec::Rsa3072);
        assert_eq!("ecdsa-p384".parse::<KeySpec>().unwrap(), KeySpec::P384);
        let err = "rsa1024".parse::<KeySpec>().unwrap_err().to_string();
        assert!(err.contains("rsa1024") && err.contains("p256"), "{err}");
    }
}
