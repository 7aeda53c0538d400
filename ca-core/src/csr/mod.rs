//! PKCS#10 certificate requests made on a subscriber's USB token.
//!
//! The CA takes exactly one thing from a certificate request: the public key.
//! Everything else a request may carry (subject, requested extensions, CA
//! flags, challenge passwords) is ignored, because the registry and the
//! certificate profile decide what goes into the certificate.
//!
//! [`parse_csr`] therefore does three things:
//!
//! 1. decodes the request (PEM or DER) strictly, without re-encoding it;
//! 2. applies the key policy to the SubjectPublicKeyInfo
//!    ([`SubscriberKey::from_spki_der`]);
//! 3. verifies the request's self-signature over the exact DER of the
//!    `CertificationRequestInfo` it received, which proves that the requester
//!    holds the private key (proof of possession).

mod input;
mod key;
mod signature;
#[cfg(test)]
mod tests;
mod weak_key;

use std::fmt;

use aws_lc_rs::digest;
use der::asn1::{AnyRef, BitStringRef};
use der::{Reader, SliceReader, Tag, TagNumber, Tagged};
use spki::AlgorithmIdentifierRef;

/// Smallest RSA modulus, in bits, that the key policy accepts.
pub const RSA_MIN_BITS: usize = 2048;

/// Largest RSA modulus, in bits, that the key policy accepts (also the largest
/// that the signature verifier supports).
pub const RSA_MAX_BITS: usize = 8192;

/// Why a certificate request or a subscriber public key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsrError {
    /// The input is empty, or is neither DER (first byte 0x30) nor text
    /// containing a PEM `-----BEGIN ...-----` block.
    #[error("the certificate request is neither DER nor PEM")]
    NotPemOrDer,

    /// The input is PEM, but of something other than a certificate request
    /// (for example a certificate or a private key was uploaded by mistake).
    #[error(
        "PEM block labelled \"{label}\" is not a certificate request \
         (expected \"CERTIFICATE REQUEST\" or \"NEW CERTIFICATE REQUEST\")"
    )]
    UnexpectedPemLabel {
        /// The label found after `-----BEGIN `.
        label: String,
    },

    /// The PEM armour or the DER structure is broken: truncated, not DER,
    /// trailing data, wrong ASN.1 types and the like.
    #[error("malformed certificate request: {detail}")]
    Malformed {
        /// What was wrong and where.
        detail: String,
    },

    /// The `CertificationRequestInfo` version is not v1 (encoded as 0), the
    /// only version PKCS#10 defines.
    #[error("unsupported certificate request version {version} (only v1, encoded as 0, exists)")]
    UnsupportedVersion {
        /// The version number found in the request.
        version: i64,
    },

    /// The request is signed with an algorithm the CA does not verify.
    #[error("unsupported signature algorithm {oid}{}", oid_suffix(.oid))]
    UnsupportedSignatureAlgorithm {
        /// Dotted OID of the signature algorithm.
        oid: String,
    },

    /// The request is signed with RSASSA-PSS, but with parameters the CA does
    /// not accept (the hash must be SHA-256/384/512, MGF1 must use the same
    /// hash, and the salt length must equal the hash length).
    #[error("unsupported RSASSA-PSS parameters: {detail}")]
    UnsupportedPssParameters {
        /// Which parameter was refused and its value.
        detail: String,
    },

    /// The signature algorithm does not fit the key type (for example an
    /// ECDSA signature with an RSA key).
    #[error("signature algorithm {oid}{} cannot be used with a {key} key", oid_suffix(.oid))]
    SignatureKeyMismatch {
        /// Dotted OID of the signature algorithm.
        oid: String,
        /// The key type found in the request.
        key: PublicKeyKind,
    },

    /// The self-signature does not verify: the request was altered, or was
    /// not signed with the private key that belongs to its public key.
    #[error(
        "the certificate request signature is invalid (no proof of possession of the private key)"
    )]
    BadSignature,

    /// The public key is of a type the key policy does not accept (only RSA
    /// with the rsaEncryption OID and ECDSA P-256/P-384 are accepted).
    #[error("unsupported public key algorithm {oid}{}", oid_suffix(.oid))]
    UnsupportedKeyAlgorithm {
        /// Dotted OID of the key algorithm.
        oid: String,
    },

    /// The EC public key is on a curve other than P-256 or P-384.
    #[error("unsupported elliptic curve {oid}{} (only P-256 and P-384 are accepted)", oid_suffix(.oid))]
    UnsupportedCurve {
        /// Dotted OID of the named curve.
        oid: String,
    },

    /// The public key is of an accepted type but badly encoded: wrong
    /// algorithm parameters, compressed or invalid EC point, unparsable RSA
    /// key, ...
    #[error("invalid public key: {detail}")]
    InvalidPublicKey {
        /// What was wrong with the key.
        detail: String,
    },

    /// The RSA modulus is shorter than the policy minimum.
    #[error("RSA key of {bits} bits is too small (minimum {min} bits)")]
    RsaKeyTooSmall {
        /// Modulus length found, in bits.
        bits: usize,
        /// Policy minimum, in bits.
        min: usize,
    },

    /// The RSA modulus is longer than the policy maximum.
    #[error("RSA key of {bits} bits is too large (maximum {max} bits)")]
    RsaKeyTooLarge {
        /// Modulus length found, in bits.
        bits: usize,
        /// Policy maximum, in bits.
        max: usize,
    },

    /// The RSA public exponent is not 65537, the only one accepted.
    #[error("RSA public exponent not allowed (it must be 65537)")]
    RsaExponentNotAllowed,

    /// The key is weak: its private key can be computed from the public
    /// key (a small factor, close primes, the ROCA fingerprint).
    #[error("weak public key: {weakness}")]
    WeakKey {
        /// What makes it weak.
        weakness: String,
    },
}

/// Appends the registered name of a dotted OID, if it has one, for messages.
fn oid_suffix(oid: &str) -> String {
    oid.parse::<der::asn1::ObjectIdentifier>()
        .ok()
        .and_then(|oid| const_oid::db::DB.by_oid(&oid))
        .map(|name| format!(" ({name})"))
        .unwrap_or_default()
}

/// A `Malformed` error with some context in front of the DER error.
fn malformed(context: &'static str) -> impl FnOnce(der::Error) -> CsrError {
    move |err| CsrError::Malformed {
        detail: format!("{context}: {err}"),
    }
}

/// The type and size of a subscriber public key that passed the key policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKeyKind {
    /// RSA (rsaEncryption) with a modulus of `bits` bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// ECDSA on NIST P-256 (secp256r1).
    EcP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EcP384,
}

impl fmt::Display for PublicKeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA-{bits}"),
            Self::EcP256 => f.write_str("ECDSA P-256"),
            Self::EcP384 => f.write_str("ECDSA P-384"),
        }
    }
}

/// A subscriber public key that passed the key policy.
///
/// The DER it holds is canonical: RSA keys always carry explicit NULL
/// algorithm parameters (some encoders omit them), so one key has one
/// encoding and one [`spki_sha256`](Self::spki_sha256) identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberKey {
    spki_der: Vec<u8>,
    kind: PublicKeyKind,
}

impl SubscriberKey {
    /// Checks a DER SubjectPublicKeyInfo against the key policy: RSA of
    /// 2048..=8192 bits with the rsaEncryption OID, NULL or absent parameters
    /// the exponent 65537 and no known weakness (small factor, close
    /// primes, ROCA); or ECDSA P-256/P-384 with
    /// id-ecPublicKey, a named curve and an uncompressed point that lies on
    /// the curve.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CsrError> {
        let checked = key::check_spki(der)?;
        Ok(Self {
            spki_der: checked.canonical_spki,
            kind: checked.kind,
        })
    }

    /// The canonical DER SubjectPublicKeyInfo, ready to go into a certificate.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The key type and size.
    pub fn kind(&self) -> PublicKeyKind {
        self.kind
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo: the key's identity in the
    /// blocked-keys list.
    pub fn spki_sha256(&self) -> [u8; 32] {
        let digest = digest::digest(&digest::SHA256, &self.spki_der);
        let mut out = [0u8; 32];
        // A SHA-256 digest is always 32 bytes, so this cannot panic.
        out.copy_from_slice(digest.as_ref());
        out
    }

    /// [`spki_sha256`](Self::spki_sha256) in lowercase hexadecimal.
    pub fn spki_sha256_hex(&self) -> String {
        hex::encode(self.spki_sha256())
    }
}

/// The key identity of a stored SubjectPublicKeyInfo (a CA's or a
/// delegate's): SHA-256 of its canonical DER in lowercase hexadecimal, as
/// [`SubscriberKey::spki_sha256_hex`] gives it for a subscriber's key; the
/// hash of the bytes as stored when they do not parse. No key policy is
/// applied.
pub(crate) fn spki_identity(spki_der: &[u8]) -> String {
    let canonical = key::canonical_spki(spki_der);
    let bytes = canonical.as_deref().unwrap_or(spki_der);
    hex::encode(digest::digest(&digest::SHA256, bytes))
}

/// Parses a PKCS#10 request, verifies its self-signature (proof of
/// possession) and applies the key policy; returns the only thing the CA uses
/// from it, the public key.
///
/// The input is DER if it starts with byte 0x30, and PEM otherwise (labels
/// `CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`; surrounding
/// whitespace, explanatory text before the block, CRLF line endings and any
/// line width are tolerated). DER must be strict and followed by nothing.
///
/// The signature is checked over the `CertificationRequestInfo` bytes exactly
/// as received. Accepted signature algorithms: sha256/384/512WithRSAEncryption,
/// RSASSA-PSS with SHA-256/384/512 (MGF1 with the same hash, salt length equal
/// to the hash length), and ecdsa-with-SHA256/384/512 on P-256 and P-384.
pub fn parse_csr(input: &[u8]) -> Result<SubscriberKey, CsrError> {
    let der = input::request_der(input)?;
    let request = RawRequest::decode(&der)?;
    if request.version != 0 {
        return Err(CsrError::UnsupportedVersion {
            version: request.version,
        });
    }
    // Key policy first: a refused key gets a precise error rather than a
    // signature failure from a verifier that would not take it either.
    let key = key::check_spki(request.spki_der)?;
    signature::verify(
        &key,
        &request.algorithm,
        request.info_der,
        request.signature,
    )?;
    Ok(SubscriberKey {
        spki_der: key.canonical_spki,
        kind: key.kind,
    })
}

/// The subject a PKCS#10 request names for itself (RFC 4514 text), which
/// the CA ignores: the certificate's subject comes from the registry. Shown
/// to approvers next to the subject the certificate will carry. The
/// signature is not checked here ([`parse_csr`] does).
pub fn csr_subject(input: &[u8]) -> Result<String, CsrError> {
    let der = input::request_der(input)?;
    let (info_der, _, _) = decode_outer(&der).map_err(malformed("CertificationRequest"))?;
    let subject = decode_subject(info_der).map_err(malformed("CertificationRequestInfo"))?;
    let name = <x509_cert::name::Name as der::Decode>::from_der(subject)
        .map_err(malformed("subject Name"))?;
    Ok(name.to_string())
}

/// The full TLV of the subject of a `CertificationRequestInfo`.
fn decode_subject(der: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(der)?;
    let subject = reader.sequence(|seq| {
        let _version: i64 = seq.decode()?;
        let subject = seq.tlv_bytes()?;
        let rest = seq.remaining_len();
        seq.read_slice(rest)?;
        Ok(subject)
    })?;
    reader.finish(subject)
}

/// The parts of a `CertificationRequest` the CA looks at, borrowed from the
/// input so that the signed bytes are exactly the received ones (decoding and
/// re-encoding could reorder SET OF elements and break the signature).
struct RawRequest<'a> {
    /// Full TLV of `CertificationRequestInfo`: the signed message.
    info_der: &'a [u8],
    version: i64,
    /// Full TLV of `subjectPKInfo`.
    spki_der: &'a [u8],
    algorithm: AlgorithmIdentifierRef<'a>,
    /// Contents of the signature BIT STRING.
    signature: &'a [u8],
}

impl<'a> RawRequest<'a> {
    fn decode(der: &'a [u8]) -> Result<Self, CsrError> {
        let (info_der, algorithm, signature) =
            decode_outer(der).map_err(malformed("CertificationRequest"))?;
        let (version, spki_der) =
            decode_info(info_der).map_err(malformed("CertificationRequestInfo"))?;
        let signature = signature.as_bytes().ok_or_else(|| CsrError::Malformed {
            detail: "signature BIT STRING has unused bits".to_owned(),
        })?;
        Ok(Self {
            info_der,
            version,
            spki_der,
            algorithm,
            signature,
        })
    }
}

/// `CertificationRequest ::= SEQUENCE { certificationRequestInfo,
/// signatureAlgorithm, signature BIT STRING }`, with nothing after it.
fn decode_outer(der: &[u8]) -> der::Result<(&[u8], AlgorithmIdentifierRef<'_>, BitStringRef<'_>)> {
    let mut reader = SliceReader::new(der)?;
    let parts = reader.sequence(|seq| {
        let info = seq.tlv_bytes()?;
        let algorithm = seq.decode()?;
        let signature = seq.decode()?;
        Ok((info, algorithm, signature))
    })?;
    reader.finish(parts)
}

/// `CertificationRequestInfo ::= SEQUENCE { version INTEGER, subject Name,
/// subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute }`.
///
/// Subject and attributes are ignored, so only their outer tags are checked;
/// an omitted attributes field (seen in some old encoders) is tolerated.
fn decode_info(der: &[u8]) -> der::Result<(i64, &[u8])> {
    let mut reader = SliceReader::new(der)?;
    let parts = reader.sequence(|seq| {
        let version: i64 = seq.decode()?;
        let subject: AnyRef<'_> = seq.decode()?;
        if subject.tag() != Tag::Sequence {
            return Err(subject.tag().unexpected_error(Some(Tag::Sequence)));
        }
        let spki = seq.tlv_bytes()?;
        if !seq.is_finished() {
            let attributes: AnyRef<'_> = seq.decode()?;
            let expected = Tag::ContextSpecific {
                constructed: true,
                number: TagNumber::N0,
            };
            if attributes.tag() != expected {
                return Err(attributes.tag().unexpected_error(Some(expected)));
            }
        }
        Ok((version, spki))
    })?;
    reader.finish(parts)
}
