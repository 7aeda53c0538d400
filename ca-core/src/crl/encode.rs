//! Building the TBSCertList of one CRL with `x509-cert` types, signing it
//! through the issuer's signer and checking the result before anyone
//! stores it.

use std::collections::hash_map::Entry as Slot;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use const_oid::db::rfc5280::{
    ID_CE_CRL_REASONS, ID_CE_INVALIDITY_DATE, ID_CE_ISSUING_DISTRIBUTION_POINT,
};
use const_oid::AssociatedOid;
use der::asn1::{BitString, GeneralizedTime, Ia5String, OctetString, Uint, UintRef};
use der::{Decode, Encode, Header, Length, Reader, SliceReader, Tag, TagNumber};
use spki::AlgorithmIdentifierOwned;
use x509_cert::crl::RevokedCert;
use x509_cert::ext::pkix::crl::dp::{DistributionPoint, IssuingDistributionPoint};
use x509_cert::ext::pkix::crl::{BaseCrlNumber, CrlNumber, FreshestCrl};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlReason};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::time::Time;
use x509_cert::Version;

use super::entries::CertState;
use super::CrlError;
use crate::certificate::{key_identifier, to_x509_time, verify_signature};
use crate::signer::Signer;
use crate::CaError;

/// One revoked certificate as the CRL lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry<'a> {
    /// The serial's big-endian magnitude.
    pub(super) serial: &'a [u8],
    pub(super) revoked_at: DateTime<Utc>,
    /// None for unspecified (the reasonCode extension is then omitted, as
    /// RFC 5280 §5.3.1 recommends).
    pub(super) reason: Option<CrlReason>,
    pub(super) invalidity_date: Option<DateTime<Utc>>,
}

/// Everything one CRL states.
pub(super) struct CrlSpec<'a> {
    /// The issuer certificate's subject, as decoded from it.
    pub(super) issuer_name: &'a Name,
    /// The issuer's SubjectPublicKeyInfo (AKI, and the signature check).
    pub(super) issuer_spki: &'a [u8],
    pub(super) number: i64,
    /// Set for a delta CRL: the number of its base full CRL.
    pub(super) base_number: Option<i64>,
    pub(super) this_update: DateTime<Utc>,
    pub(super) next_update: DateTime<Utc>,
    /// The URL of the shard's full CRL: the issuing distribution point of
    /// both its full and its delta CRLs (openssl requires a delta's IDP to
    /// equal its base's, and the IDP to match the certificates' CDP).
    /// `None` for a root: its own certificate, which its CRL covers too,
    /// has no CDP, and any IDP naming a distribution point would put it out
    /// of the CRL's scope ("different CRL scope" with `-crl_check_all`).
    pub(super) scope_url: Option<&'a str>,
    /// The delta CRL's URL, announced by full CRLs as freshestCRL.
    pub(super) freshest_url: Option<&'a str>,
    /// The listed certificates, in the order the CRL lists them.
    pub(super) entries: &'a [&'a CertState],
}

/// Builds, signs and checks a CRL; returns its DER.
pub(super) fn sign(
    spec: &CrlSpec<'_>,
    signer: &dyn Signer,
    issuer_id: &str,
) -> Result<Vec<u8>, CaError> {
    let mut der = tbs_der(spec, signer)?;
    let signature = signer.sign(&der)?;
    let algorithm = signer.algorithm().algorithm_identifier();
    algorithm.encode_to_vec(&mut der).map_err(CrlError::from)?;
    BitString::from_bytes(&signature)
        .and_then(|bits| bits.encode_to_vec(&mut der))
        .map_err(CrlError::from)?;
    insert_header(&mut der, 0, Tag::Sequence)?;
    // The check is on the bytes to be stored: the TBS read back out of
    // them, the signature in them, the issuer's recorded key (not the
    // signer's own idea of it).
    let bad = || CrlError::BadSignature {
        issuer: issuer_id.to_owned(),
        number: spec.number,
    };
    let (signed_tbs, signed_algorithm, signed_signature) = split(&der).map_err(CrlError::from)?;
    if signed_algorithm != algorithm {
        return Err(bad().into());
    }
    verify_signature(
        signer.algorithm(),
        spec.issuer_spki,
        signed_tbs,
        &signed_signature,
    )
    .map_err(|_| bad())?;
    Ok(der)
}

/// The DER TBSCertList, built in one buffer: the revoked certificates are
/// encoded one by one straight into it rather than held as
/// `x509_cert::crl::RevokedCert` values, and each SEQUENCE header is put
/// in front of its content once the length is known. A CRL of a million
/// entries costs its DER size, not ten times that.
fn tbs_der(spec: &CrlSpec<'_>, signer: &dyn Signer) -> Result<Vec<u8>, CaError> {
    let mut buf = Vec::with_capacity(spec.entries.len().saturating_mul(56) + 4096);
    Version::V2
        .encode_to_vec(&mut buf)
        .map_err(CrlError::from)?;
    signer
        .algorithm()
        .algorithm_identifier()
        .encode_to_vec(&mut buf)
        .map_err(CrlError::from)?;
    spec.issuer_name
        .encode_to_vec(&mut buf)
        .map_err(CrlError::from)?;
    time(spec.this_update)?
        .encode_to_vec(&mut buf)
        .map_err(CrlError::from)?;
    time(spec.next_update)?
        .encode_to_vec(&mut buf)
        .map_err(CrlError::from)?;
    if !spec.entries.is_empty() {
        let start = buf.len();
        let mut encoder = EntryEncoder::default();
        for state in spec.entries {
            encoder.encode(&state.entry(), &mut buf)?;
        }
        insert_header(&mut buf, start, Tag::Sequence)?;
    }
    let start = buf.len();
    crl_extensions(spec)?
        .encode_to_vec(&mut buf)
        .map_err(CrlError::from)?;
    insert_header(
        &mut buf,
        start,
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber::N0,
        },
    )?;
    insert_header(&mut buf, 0, Tag::Sequence)?;
    Ok(buf)
}

fn crl_extensions(spec: &CrlSpec<'_>) -> Result<Vec<Extension>, CaError> {
    let mut extensions = vec![
        ext(
            AuthorityKeyIdentifier::OID,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(
                    OctetString::new(key_identifier(spec.issuer_spki)?).map_err(CrlError::from)?,
                ),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?,
        ext(CrlNumber::OID, false, &CrlNumber(number(spec.number)?))?,
    ];
    if let Some(base) = spec.base_number {
        extensions.push(ext(
            BaseCrlNumber::OID,
            true,
            &BaseCrlNumber(number(base)?),
        )?);
    }
    if let Some(url) = spec.scope_url {
        // x509-cert 0.2 gives IssuingDistributionPoint the OID of
        // subjectInfoAccess: the extension is assembled with the right one.
        // No onlyContains… flag: an issuer's CRL covers its sub-CAs and its
        // delegated OCSP signers alike.
        extensions.push(ext(
            ID_CE_ISSUING_DISTRIBUTION_POINT,
            true,
            &IssuingDistributionPoint {
                distribution_point: Some(full_name(url)?),
                only_contains_user_certs: false,
                only_contains_ca_certs: false,
                only_some_reasons: None,
                indirect_crl: false,
                only_contains_attribute_certs: false,
            },
        )?);
    }
    if let Some(url) = spec.freshest_url {
        extensions.push(ext(
            FreshestCrl::OID,
            false,
            &FreshestCrl(vec![DistributionPoint {
                distribution_point: Some(full_name(url)?),
                reasons: None,
                crl_issuer: None,
            }]),
        )?);
    }
    Ok(extensions)
}

/// Encodes CRL entries (`SEQUENCE { serial, revocationDate,
/// crlEntryExtensions }`), reusing its buffers and the encoded reasonCode
/// extensions from one entry to the next.
#[derive(Default)]
struct EntryEncoder {
    scratch: Vec<u8>,
    reasons: HashMap<u32, Vec<u8>>,
}

impl EntryEncoder {
    fn encode(&mut self, e: &Entry<'_>, out: &mut Vec<u8>) -> Result<(), CaError> {
        let s = &mut self.scratch;
        s.clear();
        UintRef::new(e.serial)
            .and_then(|serial| serial.encode_to_vec(s))
            .map_err(CrlError::from)?;
        time(e.revoked_at)?
            .encode_to_vec(s)
            .map_err(CrlError::from)?;
        if e.reason.is_some() || e.invalidity_date.is_some() {
            let start = s.len();
            if let Some(reason) = e.reason {
                let encoded = match self.reasons.entry(reason as u32) {
                    Slot::Occupied(e) => e.into_mut(),
                    Slot::Vacant(e) => e.insert(
                        ext(ID_CE_CRL_REASONS, false, &reason)?
                            .to_der()
                            .map_err(CrlError::from)?,
                    ),
                };
                s.extend_from_slice(encoded);
            }
            if let Some(when) = e.invalidity_date {
                let secs = u64::try_from(when.timestamp()).map_err(|_| {
                    CrlError::Time(format!("invalidity date {when} is before 1970"))
                })?;
                let t = GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(secs))
                    .map_err(CrlError::from)?;
                ext(ID_CE_INVALIDITY_DATE, false, &t)?
                    .encode_to_vec(s)
                    .map_err(CrlError::from)?;
            }
            insert_header(s, start, Tag::Sequence)?;
        }
        Header::new(
            Tag::Sequence,
            Length::try_from(s.len()).map_err(CrlError::from)?,
        )
        .and_then(|h| h.encode_to_vec(out))
        .map_err(CrlError::from)?;
        out.extend_from_slice(s);
        Ok(())
    }
}

/// The reason codes a stored CRL gives the serials in `wanted` (0 when
/// its entry has no reasonCode); serials it does not list are absent. The
/// entries are read one at a time: a delta CRL against a base of a million
/// entries looks up its few changed serials without decoding them all.
pub(super) fn listed_among(
    der: &[u8],
    wanted: &HashSet<&[u8]>,
) -> Result<HashMap<Vec<u8>, u32>, der::Error> {
    let mut out = HashMap::new();
    let mut outer = SliceReader::new(der)?;
    Header::decode(&mut outer)?.tag.assert_eq(Tag::Sequence)?;
    let mut tbs = SliceReader::new(outer.tlv_bytes()?)?;
    Header::decode(&mut tbs)?.tag.assert_eq(Tag::Sequence)?;
    if tbs.peek_tag()? == Tag::Integer {
        tbs.tlv_bytes()?; // version
    }
    tbs.tlv_bytes()?; // signature algorithm
    tbs.tlv_bytes()?; // issuer
    tbs.tlv_bytes()?; // thisUpdate
    if !tbs.is_finished() && matches!(tbs.peek_tag()?, Tag::UtcTime | Tag::GeneralizedTime) {
        tbs.tlv_bytes()?; // nextUpdate
    }
    if tbs.is_finished() || tbs.peek_tag()? != Tag::Sequence {
        return Ok(out);
    }
    let header = Header::decode(&mut tbs)?;
    let mut entries = SliceReader::new(tbs.read_slice(header.length)?)?;
    while !entries.is_finished() {
        let rc = RevokedCert::decode(&mut entries)?;
        let serial = strip_sign(rc.serial_number.as_bytes());
        if !wanted.contains(serial) {
            continue;
        }
        let mut code = 0;
        for x in rc.crl_entry_extensions.iter().flatten() {
            if x.extn_id == ID_CE_CRL_REASONS {
                code = CrlReason::from_der(x.extn_value.as_bytes())? as u32;
            }
        }
        out.insert(serial.to_vec(), code);
    }
    Ok(out)
}

/// The serial magnitude without the DER sign octet.
pub(super) fn strip_sign(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Puts the header of `tag` in front of `buf[start..]`, which becomes
/// that element's content.
fn insert_header(buf: &mut Vec<u8>, start: usize, tag: Tag) -> Result<(), CrlError> {
    let length = Length::try_from(buf.len().saturating_sub(start))?;
    let header = Header::new(tag, length)?.to_der()?;
    buf.reserve_exact(header.len());
    buf.splice(start..start, header);
    Ok(())
}

/// The three parts of a DER CertificateList: the TBS bytes as signed, the
/// signature algorithm, the signature.
fn split(der: &[u8]) -> Result<(&[u8], AlgorithmIdentifierOwned, Vec<u8>), der::Error> {
    let mut outer = SliceReader::new(der)?;
    let header = Header::decode(&mut outer)?;
    header.tag.assert_eq(Tag::Sequence)?;
    let body = outer.read_slice(header.length)?;
    outer.finish(())?;
    let mut inner = SliceReader::new(body)?;
    let tbs = inner.tlv_bytes()?;
    let algorithm = AlgorithmIdentifierOwned::decode(&mut inner)?;
    let signature = BitString::decode(&mut inner)?;
    inner.finish(())?;
    Ok((tbs, algorithm, signature.raw_bytes().to_vec()))
}

fn time(t: DateTime<Utc>) -> Result<Time, CrlError> {
    to_x509_time(t).map_err(|e| CrlError::Time(e.to_string()))
}

fn number(n: i64) -> Result<Uint, CrlError> {
    Ok(Uint::new(&n.to_be_bytes())?)
}

fn full_name(url: &str) -> Result<DistributionPointName, CrlError> {
    Ok(DistributionPointName::FullName(vec![
        GeneralName::UniformResourceIdentifier(Ia5String::new(url)?),
    ]))
}

fn ext<T: Encode>(
    oid: der::asn1::ObjectIdentifier,
    critical: bool,
    value: &T,
) -> Result<Extension, CrlError> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}
