//! [`Responder`]: the state every request and the refresher share — the
//! issuers served, their delegated signers, the response cache.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use ca_core::certificate::from_x509_time;
use ca_core::ocsp::{
    build_response_with, find_issuer, CertIdHash, CertIdOwned, IssuerKeyHashes, OcspError,
    OcspResponseStatus, OcspStatus,
};
use ca_core::serial::Serial;
use ca_core::signer::Signer;
use ca_core::status::RevocationReason;
use ca_core::store::models::OcspResponseRow;
use ca_core::Ca;
use chrono::{DateTime, Utc};
use der::Decode;
use rocket::tokio::sync::Semaphore;
use x509_cert::Certificate;

use crate::cache::{CacheKey, CachedResponse, ResponseCache};
use crate::config::{NonIssued, NonceMode};
use crate::metrics::{Gauges, Metrics, Outcome};
use crate::status_key::{hash_text, status_text};
use crate::{store, ResponderConfig, ResponderError};

/// The delegated signer of one issuer, loaded once and replaced when
/// rotated.
pub(crate) struct Delegate {
    signer: Arc<dyn Signer>,
    cert_der: Vec<u8>,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl Delegate {
    fn new(signer: Arc<dyn Signer>, cert_der: Vec<u8>) -> Result<Self, ResponderError> {
        let cert = Certificate::from_der(&cert_der).map_err(OcspError::from)?;
        let validity = &cert.tbs_certificate.validity;
        Ok(Self {
            signer,
            not_before: from_x509_time(&validity.not_before),
            not_after: from_x509_time(&validity.not_after),
            cert_der,
        })
    }

    /// Whether less than a third of its validity is left (the point where
    /// `Ca::ensure_ocsp_signer` issues a new one).
    fn due(&self, now: DateTime<Utc>) -> bool {
        (self.not_after - now) * 3 <= self.not_after - self.not_before
    }
}

/// The OCSP responder's state: built once at start-up (it loads the
/// delegated signers, issuing them when missing, and the stored responses),
/// then shared by the HTTP handlers and the refresher.
pub struct Responder {
    pub(crate) ca: Arc<Ca>,
    pub(crate) config: ResponderConfig,
    /// Replaced whole when the refresher finds a new issuer.
    issuers: RwLock<Arc<Vec<IssuerKeyHashes>>>,
    delegates: RwLock<HashMap<String, Arc<Delegate>>>,
    pub(crate) cache: ResponseCache,
    pub(crate) live: Arc<Semaphore>,
    pub(crate) metrics: Metrics,
    db_ok: AtomicBool,
    /// Held while deciding and signing a certificate's new status (see
    /// `refresh_row`).
    pub(crate) signing: Mutex<()>,
}

/// What the fast path found for a request.
pub(crate) enum Lookup {
    /// A fresh pre-signed response.
    Ready(Arc<CachedResponse>),
    /// An OCSP error status to answer with.
    Refuse(OcspResponseStatus),
    /// Needs the database or a signature: (issuer id, CertID) in request
    /// order.
    Slow(Vec<(String, CertIdOwned)>),
}

/// What the slow path produced.
pub(crate) enum Answer {
    /// A stored or newly stored response (cacheable).
    Stored(Arc<CachedResponse>),
    /// Signed for this request only, and what it says.
    Live(Vec<u8>, Outcome),
}

/// A status to sign and whether it is the RFC 6960 §2.2 "revoked for
/// non-issued" answer (which carries the extended revoke extension).
type Resolved = (OcspStatus, bool);

impl Responder {
    /// Builds the state: every issuer with a certificate is served, each
    /// through a delegated signer of `config.key` (issued now when missing
    /// or due for rotation). An issuer whose delegate cannot be had is
    /// logged and not served (its CertIDs get `unauthorized`). Blocking:
    /// call it before the server starts or inside `spawn_blocking`.
    pub fn new(ca: Arc<Ca>, config: ResponderConfig) -> Result<Self, ResponderError> {
        let mut issuers = Vec::new();
        let mut delegates = HashMap::new();
        for issuer in ca.ocsp_issuers()? {
            match ca.ensure_ocsp_signer(&issuer.issuer_id, config.key, &config.actor) {
                Ok((signer, cert_der)) => {
                    let delegate = Arc::new(Delegate::new(signer, cert_der)?);
                    delegates.insert(issuer.issuer_id.clone(), delegate);
                    issuers.push(issuer);
                }
                Err(e) => tracing::warn!(
                    issuer = %issuer.issuer_id,
                    "not answering OCSP for this issuer: no delegated signer: {e}"
                ),
            }
        }
        let cache = ResponseCache::default();
        for row in store::load_all(&ca)? {
            if let Some((key, entry)) = CachedResponse::from_row(row) {
                cache.insert(key, entry);
            }
        }
        let live = Arc::new(Semaphore::new(config.live_signing_limit.max(1)));
        Ok(Self {
            ca,
            config,
            issuers: RwLock::new(Arc::new(issuers)),
            delegates: RwLock::new(delegates),
            cache,
            live,
            metrics: Metrics::default(),
            db_ok: AtomicBool::new(true),
            signing: Mutex::new(()),
        })
    }

    /// The ids of the issuers answered for.
    pub fn issuer_ids(&self) -> Vec<String> {
        self.issuers().iter().map(|i| i.issuer_id.clone()).collect()
    }

    fn issuers(&self) -> Arc<Vec<IssuerKeyHashes>> {
        // Writers replace the whole list: a poisoned lock is consistent.
        Arc::clone(
            &self
                .issuers
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Starts answering for issuers that gained a certificate since start-up
    /// (a sub-CA created, an external sub-CA's certificate imported),
    /// issuing their delegated signers (blocking). Returns how many were
    /// added; one whose delegate cannot be had is logged and tried again at
    /// the next call.
    pub(crate) fn add_new_issuers(&self) -> Result<usize, ResponderError> {
        let known = self.issuers();
        let mut added = Vec::new();
        for issuer in self.ca.ocsp_issuers()? {
            if known.iter().any(|k| k.issuer_id == issuer.issuer_id) {
                continue;
            }
            let delegate = self
                .ca
                .ensure_ocsp_signer(&issuer.issuer_id, self.config.key, &self.config.actor)
                .map_err(ResponderError::from)
                .and_then(|(signer, der)| Delegate::new(signer, der));
            match delegate {
                Ok(d) => {
                    tracing::info!(issuer = %issuer.issuer_id, "answering OCSP for a new issuer");
                    self.write_delegates()
                        .insert(issuer.issuer_id.clone(), Arc::new(d));
                    added.push(issuer);
                }
                Err(e) => tracing::warn!(
                    issuer = %issuer.issuer_id,
                    "not answering OCSP for this new issuer yet: no delegated signer: {e}"
                ),
            }
        }
        if added.is_empty() {
            return Ok(0);
        }
        let count = added.len();
        let mut all = known.as_ref().clone();
        all.extend(added);
        *self
            .issuers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(all);
        Ok(count)
    }

    /// The DER certificate of an issuer's delegated signer.
    pub fn delegate_cert(&self, issuer_id: &str) -> Option<Vec<u8>> {
        self.delegate(issuer_id).map(|d| d.cert_der.clone())
    }

    /// Replaces the delegates that are due for rotation (blocking: issues
    /// a certificate and writes a key). A failure is logged and the old
    /// delegate kept; responses never outlive it (see `sign`).
    pub(crate) fn rotate_due_delegates(&self) {
        let now = Utc::now();
        let due: Vec<String> = self
            .read_delegates()
            .iter()
            .filter(|(_, d)| d.due(now))
            .map(|(id, _)| id.clone())
            .collect();
        for issuer_id in due {
            let rotated = self
                .ca
                .ensure_ocsp_signer(&issuer_id, self.config.key, &self.config.actor)
                .map_err(ResponderError::from)
                .and_then(|(signer, der)| Delegate::new(signer, der));
            match rotated {
                Ok(d) => {
                    tracing::info!(issuer = %issuer_id, "OCSP delegate rotated");
                    self.write_delegates().insert(issuer_id, Arc::new(d));
                }
                Err(e) => tracing::warn!(issuer = %issuer_id, "OCSP delegate rotation failed: {e}"),
            }
        }
    }

    fn delegate(&self, issuer_id: &str) -> Option<Arc<Delegate>> {
        self.read_delegates().get(issuer_id).cloned()
    }

    fn read_delegates(&self) -> RwLockReadGuard<'_, HashMap<String, Arc<Delegate>>> {
        // Writers only insert whole entries: a poisoned lock is consistent.
        self.delegates
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write_delegates(&self) -> RwLockWriteGuard<'_, HashMap<String, Arc<Delegate>>> {
        // See `read_delegates`.
        self.delegates
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the last contact with the database succeeded.
    pub fn database_ok(&self) -> bool {
        self.db_ok.load(Ordering::Relaxed)
    }

    pub(crate) fn set_database_ok(&self, ok: bool) {
        self.db_ok.store(ok, Ordering::Relaxed);
    }

    /// The OCSP part of `/metrics` (Prometheus text).
    pub fn metrics_text(&self) -> String {
        self.metrics.render(&self.gauges())
    }

    /// The gauges of `/metrics`.
    pub(crate) fn gauges(&self) -> Gauges {
        let oldest = self
            .cache
            .oldest_this_update()
            .map_or(0, |t| (Utc::now() - t).num_seconds().max(0));
        Gauges {
            oldest_response_age_secs: oldest,
            cached_responses: i64::try_from(self.cache.len()).unwrap_or(i64::MAX),
            degraded: !self.database_ok(),
        }
    }

    /// Whether a request with this nonce is signed live (`--ocsp-nonce
    /// live` and a nonce present).
    pub(crate) fn signs_live(&self, nonce: Option<&[u8]>) -> bool {
        self.config.nonce == NonceMode::Live && nonce.is_some()
    }

    /// A fresh cached response for a single CertID, if any.
    pub(crate) fn cached(&self, targets: &[(String, CertIdOwned)]) -> Option<Arc<CachedResponse>> {
        let [(issuer_id, id)] = targets else {
            return None;
        };
        self.cache
            .get(&cache_key(issuer_id, id))
            .filter(|e| e.next_update > Utc::now())
    }

    /// The fast path, with no database and no signature: a single CertID
    /// with a fresh pre-signed response is answered from the cache (a nonce
    /// is ignored, as RFC 5019 allows, unless `live` asks for a live
    /// signature).
    pub(crate) fn lookup(&self, cert_ids: Vec<CertIdOwned>, live: bool) -> Lookup {
        if cert_ids.len() > self.config.max_cert_ids {
            return Lookup::Refuse(OcspResponseStatus::MalformedRequest);
        }
        let issuers = self.issuers();
        let mut targets = Vec::with_capacity(cert_ids.len());
        for id in cert_ids {
            match find_issuer(&issuers, &id) {
                Ok(issuer) => targets.push((issuer.issuer_id.clone(), id)),
                Err(e) => return Lookup::Refuse(e.response_status()),
            }
        }
        if !live {
            if let Some(entry) = self.cached(&targets) {
                return Lookup::Ready(entry);
            }
        }
        Lookup::Slow(targets)
    }

    /// The slow path (blocking): one CertID without a nonce to echo is
    /// answered from the table, else signed and stored (an answer for a
    /// serial never issued is signed but not stored); several CertIDs, or a
    /// nonce to echo, are signed together for this request.
    pub(crate) fn answer(
        &self,
        targets: &[(String, CertIdOwned)],
        nonce: Option<&[u8]>,
    ) -> Result<Answer, ResponderError> {
        if let ([(issuer_id, id)], None) = (targets, nonce) {
            let key = cache_key(issuer_id, id);
            let found = store::find(&self.ca, issuer_id, &key.1, hash_text(id.hash))?;
            self.set_database_ok(true);
            if let Some(row) = found.filter(|r| r.next_update.and_utc() > Utc::now()) {
                if let Some((key, entry)) = CachedResponse::from_row(row) {
                    return Ok(Answer::Stored(self.cache.insert(key, entry)));
                }
            }
            let (status, non_issued) = self.resolve(issuer_id, &id.serial)?;
            if status == OcspStatus::Unknown || non_issued {
                let der = self
                    .sign(issuer_id, &[(id.clone(), status)], None, non_issued)?
                    .0;
                return Ok(Answer::Live(der, outcome_of(&[status])));
            }
            return Ok(Answer::Stored(self.sign_and_store(issuer_id, id, status)?));
        }
        let Some((issuer_id, _)) = targets.first() else {
            return Err(ResponderError::Task("no CertID to answer".into()));
        };
        // One response has one signer, the delegate of one issuer: a
        // request mixing issuers is refused.
        if !targets.iter().all(|(i, _)| i == issuer_id) {
            return Err(ResponderError::MixedIssuers);
        }
        let mut entries = Vec::with_capacity(targets.len());
        let mut extended = false;
        for (issuer, id) in targets {
            let (status, non_issued) = self.resolve(issuer, &id.serial)?;
            extended |= non_issued;
            entries.push((id.clone(), status));
        }
        let statuses: Vec<OcspStatus> = entries.iter().map(|(_, s)| *s).collect();
        let der = self.sign(issuer_id, &entries, nonce, extended)?.0;
        Ok(Answer::Live(der, outcome_of(&statuses)))
    }

    /// The status to state for `serial` of `issuer_id`: the stored one, and
    /// for a serial never issued `unknown` or (`--ocsp-non-issued revoked`)
    /// revoked at the epoch with `certificateHold` (RFC 6960 §2.2).
    fn resolve(&self, issuer_id: &str, serial: &Serial) -> Result<Resolved, ResponderError> {
        let status = self.ca.ocsp_status(issuer_id, serial)?;
        if status == OcspStatus::Unknown && self.config.non_issued == NonIssued::Revoked {
            let revoked = OcspStatus::Revoked {
                at: DateTime::<Utc>::UNIX_EPOCH,
                reason: Some(RevocationReason::CertificateHold),
            };
            return Ok((revoked, true));
        }
        Ok((status, false))
    }

    /// Signs `status` for `id` of `issuer_id`, stores it and caches it.
    pub(crate) fn sign_and_store(
        &self,
        issuer_id: &str,
        id: &CertIdOwned,
        status: OcspStatus,
    ) -> Result<Arc<CachedResponse>, ResponderError> {
        let (der, this_update, next_update) =
            self.sign(issuer_id, &[(id.clone(), status)], None, false)?;
        let key = cache_key(issuer_id, id);
        let row = OcspResponseRow {
            issuer_id: key.0.clone(),
            serial: key.1.clone(),
            hash_alg: hash_text(id.hash).to_owned(),
            status: status_text(status),
            der,
            this_update: this_update.naive_utc(),
            next_update: next_update.naive_utc(),
        };
        store::save(&self.ca, &row)?;
        let entry = CachedResponse::new(row.der, row.status, this_update, next_update);
        Ok(self.cache.insert(key, entry))
    }

    /// The CertID of `serial` under `issuer_id` in `hash`, when we serve
    /// that issuer.
    pub(crate) fn cert_id(
        &self,
        issuer_id: &str,
        hash: CertIdHash,
        serial: Serial,
    ) -> Option<CertIdOwned> {
        self.issuers()
            .iter()
            .find(|i| i.issuer_id == issuer_id)
            .map(|i| i.cert_id(hash, serial))
    }

    fn sign(
        &self,
        issuer_id: &str,
        entries: &[(CertIdOwned, OcspStatus)],
        nonce: Option<&[u8]>,
        extended_revoke: bool,
    ) -> Result<Signed, ResponderError> {
        let delegate = self
            .delegate(issuer_id)
            .ok_or_else(|| ResponderError::NoSigner(issuer_id.to_owned()))?;
        let this_update = whole_seconds(Utc::now());
        let validity = chrono::Duration::from_std(self.config.validity)
            .unwrap_or_else(|_| chrono::Duration::days(4));
        // A response is worth nothing once its signer's certificate expired.
        let next_update = (this_update + validity).min(delegate.not_after);
        let der = build_response_with(
            delegate.signer.as_ref(),
            &delegate.cert_der,
            entries,
            this_update,
            next_update,
            nonce,
            extended_revoke,
        )?;
        self.metrics.signed();
        Ok((der, this_update, next_update))
    }
}

/// A signed response: DER, thisUpdate, nextUpdate.
type Signed = (Vec<u8>, DateTime<Utc>, DateTime<Utc>);

/// What a live response says, for the metrics: revoked when any entry is,
/// else unknown when any is, else good.
fn outcome_of(statuses: &[OcspStatus]) -> Outcome {
    if statuses
        .iter()
        .any(|s| matches!(s, OcspStatus::Revoked { .. }))
    {
        Outcome::Revoked
    } else if statuses.contains(&OcspStatus::Unknown) {
        Outcome::Unknown
    } else {
        Outcome::Good
    }
}

/// The cache key of a CertID of `issuer_id`.
pub(crate) fn cache_key(issuer_id: &str, id: &CertIdOwned) -> CacheKey {
    (issuer_id.to_owned(), id.serial.to_hex(), id.hash)
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}
