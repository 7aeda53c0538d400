//! The CA hierarchy as verifiers see it: every issuer's public facts (never
//! its key reference), read in one query per request, with the
//! certificates parsed once. The hierarchy changes rarely (a new sub-CA, an
//! imported certificate) and is a handful of rows, so it is read fresh for
//! each request rather than cached: a download is never stale.

use ca_core::certificate::{fingerprint, from_x509_time, RevocationUrls};
use ca_core::crl::{CrlName, MAX_CRL_SHARDS};
use ca_core::hierarchy::ISSUER_ACTIVE;
use ca_core::store::StoreError;
use ca_core::views::issuers::{public_issuers, PublicIssuer};
use ca_core::{Ca, CaError};
use chrono::{DateTime, Utc};
use der::asn1::{PrintableStringRef, Utf8StringRef};
use der::oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;

use super::name::IssuerId;

/// id-at-commonName (RFC 4519).
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// A chain longer than this is a loop in the parent links (the CA builds
/// root → sub-CA, two levels; cross-certified hierarchies stay far below).
const MAX_CHAIN: usize = 16;

/// Every issuer, parents before their children, and the public base URL.
pub(crate) struct Hierarchy {
    /// The issuers, each after its parent (depth first from the roots).
    pub(crate) issuers: Vec<Issuer>,
    /// The base URL written into certificates (none before `init`).
    pub(crate) public_url: Option<String>,
}

/// One issuer's public facts.
pub(crate) struct Issuer {
    /// The id (`root`, `gov-ca`).
    pub(crate) id: String,
    /// The issuer that certified it, when it is one of ours.
    pub(crate) parent: Option<String>,
    /// The subject DN as the CA records it.
    pub(crate) subject: String,
    /// The status recorded by the CA (`active`, `awaiting-certificate`, …).
    pub(crate) status: String,
    /// The key type (`rsa2048`, `p256`, …).
    pub(crate) key: String,
    /// How many CRL shards its certificates are spread over (1: one CRL).
    pub(crate) crl_shards: u32,
    /// The certificate, when the issuer publishes one (active issuers only).
    pub(crate) cert: Option<Published>,
}

/// Where verifiers fetch what an issuer publishes, as written in the
/// certificates it signs (AIA, CRL distribution points).
pub(crate) struct IssuerUrls {
    /// AIA caIssuers: `{public}/ca/{id}.crt`.
    pub(crate) ca_issuers: String,
    /// AIA OCSP: `{public}/ocsp`.
    pub(crate) ocsp: String,
    /// The full CRL of each shard, shard 0 first (one URL when unsharded).
    pub(crate) crls: Vec<String>,
}

/// A published CA certificate.
pub(crate) struct Published {
    /// The DER.
    pub(crate) der: Vec<u8>,
    /// The parsed certificate.
    pub(crate) parsed: Certificate,
    /// SHA-256 of the DER, `AB:CD:…` as `openssl x509 -fingerprint` prints it.
    pub(crate) fingerprint: String,
    /// Start of validity.
    pub(crate) not_before: DateTime<Utc>,
    /// End of validity.
    pub(crate) not_after: DateTime<Utc>,
    /// The CN of the subject, when it has one.
    pub(crate) common_name: Option<String>,
}

impl Hierarchy {
    /// Reads the hierarchy (blocking: call it off the async executor).
    pub(crate) fn load(ca: &Ca) -> Result<Self, CaError> {
        let rows = ca
            .store()
            .read(|c| -> Result<_, CaError> { Ok(public_issuers(c)?) })?;
        let public_url = match ca.public_url() {
            Ok(url) => Some(url),
            Err(CaError::NotInitialized) => None,
            Err(e) => return Err(e),
        };
        let issuers = rows
            .into_iter()
            .map(Issuer::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            issuers: tree_order(issuers),
            public_url,
        })
    }

    /// The issuer with this id, published or not.
    pub(crate) fn find(&self, id: &str) -> Option<&Issuer> {
        self.issuers.iter().find(|i| i.id == id)
    }

    /// The published certificates from `id` up to its root, `id` first. It
    /// stops at a root, at a parent that is not ours (external root), or at
    /// a parent that publishes nothing.
    pub(crate) fn chain(&self, id: &IssuerId) -> Vec<&Issuer> {
        let mut out: Vec<&Issuer> = Vec::new();
        let mut next = self.find(id.as_str());
        while let Some(issuer) = next {
            if issuer.cert.is_none()
                || out.len() >= MAX_CHAIN
                || out.iter().any(|i| i.id == issuer.id)
            {
                break;
            }
            out.push(issuer);
            next = issuer.parent.as_deref().and_then(|p| self.find(p));
        }
        out
    }

    /// The issuers directly under `parent` (`None`: the top level, which
    /// includes sub-CAs certified by an external root).
    pub(crate) fn children(&self, parent: Option<&str>) -> Vec<&Issuer> {
        self.issuers
            .iter()
            .filter(|i| match parent {
                Some(p) => i.parent.as_deref() == Some(p),
                None => i.parent.as_deref().is_none_or(|p| self.find(p).is_none()),
            })
            .collect()
    }

    /// The AIA / CDP URLs of an issuer, as written in the certificates it
    /// issues (none before `init` recorded a public URL).
    pub(crate) fn urls(&self, issuer: &Issuer) -> Option<IssuerUrls> {
        let base = self.public_url.as_deref()?;
        let aia = RevocationUrls::for_issuer(base, &issuer.id);
        let crls = (0..issuer.crl_shards)
            .map(|shard| CrlName::new(&issuer.id, shard, issuer.crl_shards, false).url(base))
            .collect();
        Some(IssuerUrls {
            ca_issuers: aia.ca_issuers,
            ocsp: aia.ocsp,
            crls,
        })
    }

    /// `{public-url}/ca/{id}{suffix}`: where a download of ours is published.
    pub(crate) fn download_url(&self, issuer: &Issuer, suffix: &str) -> Option<String> {
        self.public_url
            .as_deref()
            .map(|base| format!("{}/ca/{}{suffix}", base.trim_end_matches('/'), issuer.id))
    }
}

impl Issuer {
    fn from_row(row: PublicIssuer) -> Result<Self, CaError> {
        let cert = match row.cert_der {
            Some(der) if row.status == ISSUER_ACTIVE => Some(Published::parse(&row.id, der)?),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            parent: row.parent_id,
            subject: row.subject_dn,
            status: row.status.to_string(),
            key: row.key_spec,
            // The CA bounds it to 1..=MAX_CRL_SHARDS; anything else reads as 1.
            crl_shards: u32::try_from(row.crl_shards)
                .unwrap_or(1)
                .clamp(1, MAX_CRL_SHARDS),
            cert,
        })
    }

    /// The status verifiers see: the recorded one, except that an active
    /// issuer outside its validity is `expired` or `not-yet-valid`.
    pub(crate) fn status_at(&self, now: DateTime<Utc>) -> &str {
        match &self.cert {
            Some(c) if now > c.not_after => "expired",
            Some(c) if now < c.not_before => "not-yet-valid",
            _ => &self.status,
        }
    }

    /// The name to show: the CN, else the whole subject DN.
    pub(crate) fn display_name(&self) -> &str {
        self.cert
            .as_ref()
            .and_then(|c| c.common_name.as_deref())
            .unwrap_or(&self.subject)
    }
}

impl Published {
    fn parse(id: &str, der: Vec<u8>) -> Result<Self, CaError> {
        let parsed = Certificate::from_der(&der).map_err(|e| {
            CaError::from(StoreError::Corrupt {
                table: "issuers",
                detail: format!("the certificate of issuer {id:?} does not parse: {e}"),
            })
        })?;
        let validity = &parsed.tbs_certificate.validity;
        Ok(Self {
            fingerprint: fingerprint(&der),
            not_before: from_x509_time(&validity.not_before),
            not_after: from_x509_time(&validity.not_after),
            common_name: common_name(&parsed),
            der,
            parsed,
        })
    }

    /// The fingerprint as plain lowercase hex (what `sha256sum` prints).
    pub(crate) fn fingerprint_hex(&self) -> String {
        self.fingerprint.replace(':', "").to_ascii_lowercase()
    }

    /// The serial number, uppercase hex as `openssl x509 -serial` prints it.
    pub(crate) fn serial_hex(&self) -> String {
        hex::encode_upper(self.parsed.tbs_certificate.serial_number.as_bytes())
    }

    /// Whether the certificate is self-issued (a root).
    pub(crate) fn self_issued(&self) -> bool {
        self.parsed.tbs_certificate.issuer == self.parsed.tbs_certificate.subject
    }

    /// The issuer DN of the certificate.
    pub(crate) fn issuer_dn(&self) -> String {
        self.parsed.tbs_certificate.issuer.to_string()
    }
}

/// Depth first from each top-level issuer (a root, or a sub-CA certified
/// outside), children in creation order: each issuer follows its parent.
/// Issuers caught in a loop of parent links (only a hand-edited database
/// has one) come last.
fn tree_order(issuers: Vec<Issuer>) -> Vec<Issuer> {
    let n = issuers.len();
    let position = |id: &str| issuers.iter().position(|i| i.id == id);
    let parent_of = |k: usize| issuers[k].parent.as_deref().and_then(position);
    let mut order: Vec<usize> = Vec::with_capacity(n);
    let mut stack: Vec<usize> = (0..n).rev().filter(|&k| parent_of(k).is_none()).collect();
    while let Some(k) = stack.pop() {
        if order.contains(&k) {
            continue;
        }
        order.push(k);
        stack.extend((0..n).rev().filter(|&c| parent_of(c) == Some(k)));
    }
    let stranded: Vec<usize> = (0..n).filter(|k| !order.contains(k)).collect();
    order.extend(stranded);
    let mut slots: Vec<Option<Issuer>> = issuers.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|k| slots.get_mut(k).and_then(Option::take))
        .collect()
}

/// The first CN of the subject, decoded (UTF8String or PrintableString).
fn common_name(cert: &Certificate) -> Option<String> {
    cert.tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == COMMON_NAME)
        .and_then(|atv| {
            atv.value
                .decode_as::<Utf8StringRef<'_>>()
                .map(|s| s.as_str().to_owned())
                .or_else(|_| {
                    atv.value
                        .decode_as::<PrintableStringRef<'_>>()
                        .map(|s| s.as_str().to_owned())
                })
                .ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(id: &str, parent: Option<&str>) -> Issuer {
        Issuer {
            id: id.to_owned(),
            parent: parent.map(str::to_owned),
            subject: format!("CN={id}"),
            status: "active".to_owned(),
            key: "p256".to_owned(),
            crl_shards: 1,
            cert: None,
        }
    }

    fn ids(issuers: &[Issuer]) -> Vec<&str> {
        issuers.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn each_issuer_follows_its_parent_depth_first() {
        let ordered = tree_order(vec![
            issuer("root", None),
            issuer("ext", Some("outside")),
            issuer("a", Some("root")),
            issuer("a1", Some("a")),
            issuer("b", Some("root")),
        ]);
        assert_eq!(ids(&ordered), ["root", "a", "a1", "b", "ext"]);
    }

    #[test]
    fn a_loop_of_parent_links_neither_hangs_nor_drops_issuers() {
        let ordered = tree_order(vec![
            issuer("root", None),
            issuer("x", Some("y")),
            issuer("y", Some("x")),
        ]);
        assert_eq!(ids(&ordered), ["root", "x", "y"]);
        let h = Hierarchy {
            issuers: ordered,
            public_url: None,
        };
        let top: Vec<&str> = h.children(None).iter().map(|i| i.id.as_str()).collect();
        assert_eq!(top, ["root"]);
    }
}
