//! `/ca/trust.json`: every issuer with what a verifier checks — the SHA-256
//! fingerprint, validity, status — and where to fetch its certificate, CRL
//! and OCSP answers. The shape is documented in `docs/trust-chain.md`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::hierarchy::{Hierarchy, Issuer};

/// The document. It holds no time of its own, so that its ETag changes
/// only when what it says does.
#[derive(Serialize)]
pub(crate) struct TrustList<'a> {
    /// The base URL of the published files (null before `init`).
    public_url: Option<&'a str>,
    /// Every issuer, roots first.
    issuers: Vec<Entry<'a>>,
}

/// One issuer. Certificate fields are null while it has none.
#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    parent: Option<&'a str>,
    subject: &'a str,
    common_name: Option<&'a str>,
    /// The issuer DN of its certificate (its own subject for a root).
    issuer: Option<String>,
    status: &'a str,
    key: &'a str,
    serial: Option<String>,
    not_before: Option<String>,
    not_after: Option<String>,
    /// `AB:CD:…`, as `openssl x509 -fingerprint -sha256` prints it.
    fingerprint_sha256: Option<&'a str>,
    /// Plain lowercase hex, as `sha256sum` prints it.
    fingerprint_sha256_hex: Option<String>,
    /// The AIA caIssuers URL: `{public}/ca/{id}.crt`.
    ca_issuers_url: Option<String>,
    pem_url: Option<String>,
    chain_url: Option<String>,
    p7c_url: Option<String>,
    /// The CRL distribution point of the certificates it issues (null when
    /// its CRL is sharded: see `crl_urls`).
    crl_url: Option<String>,
    /// How many CRL shards it has (1: one CRL).
    crl_shards: u32,
    /// The full CRL of every shard, shard 0 first.
    crl_urls: Vec<String>,
    /// The OCSP responder of the certificates it issues.
    ocsp_url: Option<String>,
}

impl<'a> TrustList<'a> {
    /// The document for `hierarchy` at `now`.
    pub(crate) fn new(hierarchy: &'a Hierarchy, now: DateTime<Utc>) -> Self {
        Self {
            public_url: hierarchy.public_url.as_deref(),
            issuers: hierarchy
                .issuers
                .iter()
                .map(|i| Entry::new(hierarchy, i, now))
                .collect(),
        }
    }
}

impl<'a> Entry<'a> {
    fn new(h: &'a Hierarchy, issuer: &'a Issuer, now: DateTime<Utc>) -> Self {
        let cert = issuer.cert.as_ref();
        // URLs only for issuers that publish: the others have no
        // certificate to fetch and issue nothing to check.
        let urls = cert.and_then(|_| h.urls(issuer));
        let download = |suffix: &str| cert.and_then(|_| h.download_url(issuer, suffix));
        Self {
            id: &issuer.id,
            parent: issuer.parent.as_deref(),
            subject: &issuer.subject,
            common_name: cert.and_then(|c| c.common_name.as_deref()),
            issuer: cert.map(|c| c.issuer_dn()),
            status: issuer.status_at(now),
            key: &issuer.key,
            serial: cert.map(|c| c.serial_hex()),
            not_before: cert.map(|c| rfc3339(c.not_before)),
            not_after: cert.map(|c| rfc3339(c.not_after)),
            fingerprint_sha256: cert.map(|c| c.fingerprint.as_str()),
            fingerprint_sha256_hex: cert.map(|c| c.fingerprint_hex()),
            pem_url: download(".pem"),
            chain_url: download("-chain.pem"),
            p7c_url: download(".p7c"),
            ca_issuers_url: urls.as_ref().map(|u| u.ca_issuers.clone()),
            crl_url: urls
                .as_ref()
                .filter(|u| u.crls.len() == 1)
                .and_then(|u| u.crls.first().cloned()),
            crl_shards: issuer.crl_shards,
            ocsp_url: urls.as_ref().map(|u| u.ocsp.clone()),
            crl_urls: urls.map(|u| u.crls).unwrap_or_default(),
        }
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
