//! Key types for CA keys and the signature algorithms they sign with.

use std::fmt;
use std::str::FromStr;

use aws_lc_rs::signature;
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
    /// sha384WithRSAEncryption (PKCS#1 v1.5).
    RsaPkcs1Sha384,
    /// sha512WithRSAEncryption (PKCS#1 v1.5).
    RsaPkcs1Sha512,
    /// ecdsa-with-SHA256 on P-256.
    EcdsaP256Sha256,
    /// ecdsa-with-SHA384 on P-384.
    EcdsaP384Sha384,
}

const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

impl SignatureAlgorithm {
    /// Every algorithm, in the order help texts list them.
    pub const ALL: [Self; 5] = [
        Self::RsaPkcs1Sha256,
        Self::RsaPkcs1Sha384,
        Self::RsaPkcs1Sha512,
        Self::EcdsaP256Sha256,
        Self::EcdsaP384Sha384,
    ];

    /// The algorithm's name in RFC 4055 / RFC 5758 (and OpenSSL's output),
    /// as recorded in the issuers table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RsaPkcs1Sha256 => "sha256WithRSAEncryption",
            Self::RsaPkcs1Sha384 => "sha384WithRSAEncryption",
            Self::RsaPkcs1Sha512 => "sha512WithRSAEncryption",
            Self::EcdsaP256Sha256 => "ecdsa-with-SHA256",
            Self::EcdsaP384Sha384 => "ecdsa-with-SHA384",
        }
    }

    /// The digest's short name: sha256, sha384 or sha512.
    pub fn digest_name(self) -> &'static str {
        match self {
            Self::RsaPkcs1Sha256 | Self::EcdsaP256Sha256 => "sha256",
            Self::RsaPkcs1Sha384 | Self::EcdsaP384Sha384 => "sha384",
            Self::RsaPkcs1Sha512 => "sha512",
        }
    }

    /// Whether a key of type `spec` signs with this algorithm (RSA keys with
    /// any of the three digests, an ECDSA key with its curve's).
    pub fn fits(self, spec: KeySpec) -> bool {
        match self {
            Self::RsaPkcs1Sha256 | Self::RsaPkcs1Sha384 | Self::RsaPkcs1Sha512 => spec.is_rsa(),
            Self::EcdsaP256Sha256 => spec == KeySpec::P256,
            Self::EcdsaP384Sha384 => spec == KeySpec::P384,
        }
    }

    /// The AlgorithmIdentifier that goes into certificates, CRLs and OCSP
    /// responses (RSA with explicit NULL parameters, ECDSA without, per
    /// RFC 4055 and RFC 5758).
    pub fn algorithm_identifier(self) -> AlgorithmIdentifierOwned {
        let (oid, rsa) = match self {
            Self::RsaPkcs1Sha256 => (SHA256_WITH_RSA, true),
            Self::RsaPkcs1Sha384 => (SHA384_WITH_RSA, true),
            Self::RsaPkcs1Sha512 => (SHA512_WITH_RSA, true),
            Self::EcdsaP256Sha256 => (ECDSA_WITH_SHA256, false),
            Self::EcdsaP384Sha384 => (ECDSA_WITH_SHA384, false),
        };
        AlgorithmIdentifierOwned {
            oid,
            parameters: rsa.then(|| AnyRef::NULL.into()),
        }
    }

    /// The aws-lc-rs algorithm that verifies its signatures.
    pub fn verification(self) -> &'static dyn signature::VerificationAlgorithm {
        match self {
            Self::RsaPkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Self::RsaPkcs1Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Self::RsaPkcs1Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            Self::EcdsaP256Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
            Self::EcdsaP384Sha384 => &signature::ECDSA_P384_SHA384_ASN1,
        }
    }

    /// The matching rcgen algorithm (key generation and loading).
    pub(crate) fn rcgen(self) -> &'static rcgen::SignatureAlgorithm {
        match self {
            Self::RsaPkcs1Sha256 => &rcgen::PKCS_RSA_SHA256,
            Self::RsaPkcs1Sha384 => &rcgen::PKCS_RSA_SHA384,
            Self::RsaPkcs1Sha512 => &rcgen::PKCS_RSA_SHA512,
            Self::EcdsaP256Sha256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            Self::EcdsaP384Sha384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        }
    }
}

impl FromStr for SignatureAlgorithm {
    type Err = SignerError;

    fn from_str(s: &str) -> Result<Self, SignerError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| SignerError::UnknownAlgorithm {
                given: s.to_owned(),
            })
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a new CA key is: its type and the algorithm it signs with, written
/// `rsa3072` (the key type's default: SHA-256 for RSA, the curve's digest
/// for ECDSA) or `rsa3072-sha384` / `rsa4096-sha512` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaKeyType {
    spec: KeySpec,
    algorithm: SignatureAlgorithm,
}

impl CaKeyType {
    /// A key of type `spec` signing with `algorithm`, if they fit together.
    pub fn new(spec: KeySpec, algorithm: SignatureAlgorithm) -> Result<Self, SignerError> {
        if algorithm.fits(spec) {
            Ok(Self { spec, algorithm })
        } else {
            Err(SignerError::AlgorithmMismatch { spec, algorithm })
        }
    }

    /// The key type.
    pub fn spec(self) -> KeySpec {
        self.spec
    }

    /// The signature algorithm.
    pub fn algorithm(self) -> SignatureAlgorithm {
        self.algorithm
    }
}

impl From<KeySpec> for CaKeyType {
    fn from(spec: KeySpec) -> Self {
        Self {
            spec,
            algorithm: spec.signature_algorithm(),
        }
    }
}

impl FromStr for CaKeyType {
    type Err = SignerError;

    fn from_str(s: &str) -> Result<Self, SignerError> {
        let lower = s.trim().to_ascii_lowercase();
        let split = lower
            .rsplit_once(['-', ':', '/'])
            .filter(|(_, digest)| digest.starts_with("sha"));
        let Some((key, digest)) = split else {
            return Ok(lower.parse::<KeySpec>()?.into());
        };
        let spec: KeySpec = key.parse()?;
        let algorithm = SignatureAlgorithm::ALL
            .into_iter()
            .find(|a| a.fits(spec) && a.digest_name() == digest)
            .ok_or_else(|| SignerError::UnknownAlgorithm {
                given: s.to_owned(),
            })?;
        Self::new(spec, algorithm)
    }
}

impl fmt::Display for CaKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.algorithm == self.spec.signature_algorithm() {
            write!(f, "{}", self.spec)
        } else {
            write!(f, "{}-{}", self.spec, self.algorithm.digest_name())
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

    #[test]
    fn ca_key_types_name_their_digest() {
        for spec in KeySpec::ALL {
            let plain: CaKeyType = spec.as_str().parse().unwrap();
            assert_eq!(plain, CaKeyType::from(spec));
            assert_eq!(plain.to_string(), spec.as_str());
        }
        let rsa384: CaKeyType = "rsa3072-sha384".parse().unwrap();
        assert_eq!(rsa384.spec(), KeySpec::Rsa3072);
        assert_eq!(rsa384.algorithm(), SignatureAlgorithm::RsaPkcs1Sha384);
        assert_eq!(rsa384.to_string(), "rsa3072-sha384");
        let rsa512: CaKeyType = "RSA-4096:SHA512".parse().unwrap();
        assert_eq!(rsa512.algorithm(), SignatureAlgorithm::RsaPkcs1Sha512);
        assert_eq!(
            "p384-sha384".parse::<CaKeyType>().unwrap(),
            CaKeyType::from(KeySpec::P384)
        );
        for bad in ["p256-sha384", "p384-sha512", "rsa2048-sha1", "rsa2048-sha"] {
            let err = bad.parse::<CaKeyType>().unwrap_err().to_string();
            assert!(err.contains(bad) || err.contains("p256"), "{bad}: {err}");
        }
        assert!(CaKeyType::new(KeySpec::P256, SignatureAlgorithm::RsaPkcs1Sha256).is_err());
    }

    #[test]
    fn algorithm_names_and_identifiers() {
        for alg in SignatureAlgorithm::ALL {
            assert_eq!(alg.as_str().parse::<SignatureAlgorithm>().unwrap(), alg);
            let id = alg.algorithm_identifier();
            let rsa = alg.as_str().ends_with("RSAEncryption");
            assert_eq!(id.parameters.is_some(), rsa, "{alg}");
        }
        assert_eq!(
            SignatureAlgorithm::RsaPkcs1Sha384
                .algorithm_identifier()
                .oid,
            ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12")
        );
        assert_eq!(
            SignatureAlgorithm::RsaPkcs1Sha512
                .algorithm_identifier()
                .oid,
            ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13")
        );
        assert!("md5WithRSAEncryption"
            .parse::<SignatureAlgorithm>()
            .is_err());
    }
}
