//! Reading OCSP requests: the DER `OCSPRequest` of a `POST` body, and the
//! base64 of a `GET` path.

use aws_lc_rs::digest;
use base64::Engine;
use der::asn1::{ObjectIdentifier, OctetString};
use der::Decode;
use spki::AlgorithmIdentifierOwned;
use x509_ocsp::{CertId, OcspRequest};

use super::{OcspError, ID_PKIX_OCSP_NONCE};
use crate::serial::Serial;

const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// Longest nonce accepted (RFC 8954 §2.1: 1 to 32 octets).
const MAX_NONCE: usize = 32;

/// The hash a CertID is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertIdHash {
    /// SHA-1: what RFC 5019 clients and `openssl ocsp` send by default.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl CertIdHash {
    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => ID_SHA1,
            Self::Sha256 => ID_SHA256,
        }
    }

    /// The hash of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let alg = match self {
            Self::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => &digest::SHA256,
        };
        digest::digest(alg, data).as_ref().to_vec()
    }

    /// The length of a hash in octets.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }

    fn from_oid(oid: ObjectIdentifier) -> Result<Self, OcspError> {
        match oid {
            ID_SHA1 => Ok(Self::Sha1),
            ID_SHA256 => Ok(Self::Sha256),
            other => Err(OcspError::UnsupportedHash {
                oid: other.to_string(),
            }),
        }
    }
}

/// One CertID (RFC 6960 §4.1.1), checked: a supported hash of the right
/// length and a positive serial of at most 20 octets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertIdOwned {
    /// The hash algorithm of the two issuer hashes.
    pub hash: CertIdHash,
    /// Hash of the DER of the issuer's subject name.
    pub issuer_name_hash: Vec<u8>,
    /// Hash of the issuer's subjectPublicKey BIT STRING contents.
    pub issuer_key_hash: Vec<u8>,
    /// The certificate's serial.
    pub serial: Serial,
}

impl CertIdOwned {
    /// Checks a decoded CertID.
    pub fn from_x509(id: &CertId) -> Result<Self, OcspError> {
        let hash = CertIdHash::from_oid(id.hash_algorithm.oid)?;
        let name = id.issuer_name_hash.as_bytes();
        let key = id.issuer_key_hash.as_bytes();
        if name.len() != hash.output_len() || key.len() != hash.output_len() {
            return Err(OcspError::Malformed(format!(
                "a {hash:?} CertID carries {}- and {}-octet hashes",
                name.len(),
                key.len()
            )));
        }
        let bytes = id.serial_number.as_bytes();
        if bytes.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(OcspError::Malformed("negative serial number".into()));
        }
        let serial = Serial::from_be_bytes(bytes)
            .map_err(|e| OcspError::Malformed(format!("serial number: {e}")))?;
        Ok(Self {
            hash,
            issuer_name_hash: name.to_vec(),
            issuer_key_hash: key.to_vec(),
            serial,
        })
    }

    /// The CertID as it goes into a SingleResponse. The hash algorithm is
    /// written with NULL parameters, as `openssl ocsp` and RFC 5019 clients
    /// send it (clients match on the OID).
    pub fn to_x509(&self) -> Result<CertId, OcspError> {
        Ok(CertId {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: self.hash.oid(),
                parameters: Some(der::asn1::Null.into()),
            },
            issuer_name_hash: OctetString::new(self.issuer_name_hash.as_slice())?,
            issuer_key_hash: OctetString::new(self.issuer_key_hash.as_slice())?,
            serial_number: self.serial.to_x509(),
        })
    }
}

/// What a request asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRequest {
    /// The certificates asked about, in request order (at least one).
    pub cert_ids: Vec<CertIdOwned>,
    /// The value of the nonce extension (the extnValue contents, echoed
    /// byte for byte in a live response), when the request has one.
    pub nonce: Option<Vec<u8>>,
}

/// Decodes a DER `OCSPRequest`. Trailing data, an empty request list, an
/// unsupported hash, a bad serial or an oversized nonce refuse the whole
/// request. A request signature is neither required nor checked.
pub fn parse_request(der: &[u8]) -> Result<ParsedRequest, OcspError> {
    if der.is_empty() {
        return Err(OcspError::Malformed("empty request".into()));
    }
    let req = OcspRequest::from_der(der).map_err(|e| OcspError::Malformed(e.to_string()))?;
    let tbs = &req.tbs_request;
    if tbs.request_list.is_empty() {
        return Err(OcspError::Malformed(
            "the request lists no certificate".into(),
        ));
    }
    let cert_ids = tbs
        .request_list
        .iter()
        .map(|r| CertIdOwned::from_x509(&r.req_cert))
        .collect::<Result<Vec<_>, _>>()?;
    let mut nonces = tbs
        .request_extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == ID_PKIX_OCSP_NONCE);
    let nonce = nonces.next().map(|e| e.extn_value.as_bytes().to_vec());
    if nonces.next().is_some() {
        return Err(OcspError::Malformed("two nonce extensions".into()));
    }
    if let Some(n) = &nonce {
        check_nonce(n)?;
    }
    Ok(ParsedRequest { cert_ids, nonce })
}

/// RFC 8954: the nonce is 1 to 32 octets. It is normally an OCTET STRING
/// inside the extnValue (what OpenSSL sends); a bare value (older clients)
/// is held to the same bounds.
fn check_nonce(value: &[u8]) -> Result<(), OcspError> {
    let inner_len = match OctetString::from_der(value) {
        Ok(inner) => inner.as_bytes().len(),
        Err(_) => value.len(),
    };
    if inner_len == 0 || inner_len > MAX_NONCE {
        return Err(OcspError::Malformed(format!(
            "a nonce of {inner_len} octets (1 to {MAX_NONCE} allowed)"
        )));
    }
    Ok(())
}

/// The DER request in the last path segment of `GET /ocsp/{segment}`
/// (RFC 6960 appendix A.1): percent-decoded, then base64 in the standard or
/// the URL-safe alphabet, padding optional. A space (a `+` that an
/// intermediary form-decoded) counts as `+`. A client that left `/` of the
/// standard alphabet unencoded splits the request over several segments:
/// the service passes them joined with `/`.
pub fn decode_get_path(segment: &str) -> Result<Vec<u8>, OcspError> {
    let text = percent_decode(segment)?;
    let text: String = text
        .chars()
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let url_safe = text.contains(['-', '_']);
    let engine = if url_safe {
        base64::engine::general_purpose::URL_SAFE_PAD_INDIFFERENT
    } else {
        base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT
    };
    let der = engine
        .decode(text.as_bytes())
        .map_err(|e| OcspError::Malformed(format!("base64: {e}")))?;
    if der.is_empty() {
        return Err(OcspError::Malformed("empty request".into()));
    }
    Ok(der)
}

/// `%XX` escapes to bytes; the result must be UTF-8 (base64 is ASCII).
fn percent_decode(s: &str) -> Result<String, OcspError> {
    let bad = || OcspError::Malformed(format!("bad percent-encoding in {s:?}"));
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(bad());
            }
            let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}
