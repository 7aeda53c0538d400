//! The in-memory copy of the pre-signed responses: serving a request is a
//! lookup here. Filled from the `ocsp_responses` table at start and kept
//! in step by the refresher and by live signing; it outlives a database
//! outage.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use ca_core::ocsp::CertIdHash;
use ca_core::store::models::OcspResponseRow;
use chrono::{DateTime, Utc};

use crate::status_key::hash_from_text;

/// Which response: (issuer id, serial in lowercase hex, CertID hash).
pub(crate) type CacheKey = (String, String, CertIdHash);

/// A signed response ready to send.
#[derive(Debug)]
pub(crate) struct CachedResponse {
    /// The DER `OCSPResponse`.
    pub(crate) der: Vec<u8>,
    /// The status it states (see `status_key::status_text`).
    pub(crate) status: String,
    /// Its thisUpdate.
    pub(crate) this_update: DateTime<Utc>,
    /// Its nextUpdate.
    pub(crate) next_update: DateTime<Utc>,
    /// A strong ETag: the quoted hex of the first 16 octets of SHA-256(DER).
    pub(crate) etag: String,
}

impl CachedResponse {
    /// A cache entry for a stored row.
    pub(crate) fn from_row(row: OcspResponseRow) -> Option<(CacheKey, Self)> {
        let hash = hash_from_text(&row.hash_alg)?;
        let key = (row.issuer_id, row.serial, hash);
        let entry = Self::new(
            row.der,
            row.status,
            row.this_update.and_utc(),
            row.next_update.and_utc(),
        );
        Some((key, entry))
    }

    /// An entry for freshly signed bytes.
    pub(crate) fn new(
        der: Vec<u8>,
        status: String,
        this_update: DateTime<Utc>,
        next_update: DateTime<Utc>,
    ) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &der);
        let etag = format!("\"{}\"", hex::encode(&digest.as_ref()[..16]));
        Self {
            der,
            status,
            this_update,
            next_update,
            etag,
        }
    }
}

/// The responses, shared between request handlers and the refresher.
#[derive(Debug, Default)]
pub(crate) struct ResponseCache {
    map: RwLock<HashMap<CacheKey, Arc<CachedResponse>>>,
}

impl ResponseCache {
    /// The entry for `key`, if any (fresh or not: the caller decides).
    pub(crate) fn get(&self, key: &CacheKey) -> Option<Arc<CachedResponse>> {
        self.read().get(key).cloned()
    }

    /// Stores or replaces an entry.
    pub(crate) fn insert(&self, key: CacheKey, entry: CachedResponse) -> Arc<CachedResponse> {
        let entry = Arc::new(entry);
        self.write().insert(key, Arc::clone(&entry));
        entry
    }

    /// Number of responses held.
    pub(crate) fn len(&self) -> usize {
        self.read().len()
    }

    /// The hash algorithms held for (issuer, serial).
    pub(crate) fn hashes_of(&self, issuer_id: &str, serial: &str) -> Vec<CertIdHash> {
        let map = self.read();
        [CertIdHash::Sha1, CertIdHash::Sha256]
            .into_iter()
            .filter(|h| map.contains_key(&(issuer_id.to_owned(), serial.to_owned(), *h)))
            .collect()
    }

    /// The earliest thisUpdate held, if any.
    pub(crate) fn oldest_this_update(&self) -> Option<DateTime<Utc>> {
        self.read().values().map(|e| e.this_update).min()
    }

    /// The keys of the responses whose thisUpdate is before `cutoff`.
    pub(crate) fn older_than(&self, cutoff: DateTime<Utc>) -> Vec<CacheKey> {
        self.read()
            .iter()
            .filter(|(_, e)| e.this_update < cutoff)
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<CacheKey, Arc<CachedResponse>>> {
        // A panic while holding the lock cannot leave the map half-updated
        // (inserts are single calls), so a poisoned lock is still usable.
        self.map
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<CacheKey, Arc<CachedResponse>>> {
        // See `read`.
        self.map
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_key_and_age() {
        let cache = ResponseCache::default();
        let t = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let key = ("gov-ca".to_owned(), "01ab".to_owned(), CertIdHash::Sha1);
        let entry = cache.insert(
            key.clone(),
            CachedResponse::new(vec![1, 2], "good".into(), t, t),
        );
        assert!(entry.etag.starts_with('"') && entry.etag.len() == 34);
        assert_eq!(cache.get(&key).unwrap().der, vec![1, 2]);
        assert_eq!(cache.hashes_of("gov-ca", "01ab"), vec![CertIdHash::Sha1]);
        assert_eq!(cache.older_than(t).len(), 0);
        assert_eq!(
            cache.older_than(t + chrono::Duration::seconds(1)),
            vec![key]
        );
        assert_eq!(cache.len(), 1);
    }
}
