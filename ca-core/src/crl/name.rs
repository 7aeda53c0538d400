//! Where each CRL lives: the shard of a certificate, the file name under
//! the publishing directory and the URL under `{public_url}/crl/`. Pure
//! functions, shared by the CA (CRL distribution points, issuing
//! distribution points) and the HTTP side (routes, files).

use std::fmt;

use super::CrlError;
use crate::serial::Serial;

/// The most shards an issuer may have.
pub const MAX_CRL_SHARDS: u32 = 256;

/// Refuses a shard count of 0 or above [`MAX_CRL_SHARDS`].
pub fn check_shard_count(shards: u32) -> Result<(), CrlError> {
    if (1..=MAX_CRL_SHARDS).contains(&shards) {
        Ok(())
    } else {
        Err(CrlError::BadShardCount {
            given: shards,
            max: MAX_CRL_SHARDS,
        })
    }
}

/// The shard (0-based) of a certificate: its serial as a big-endian
/// unsigned integer, modulo the issuer's shard count. Fixed at issuance,
/// since the shard count of an issuer never changes.
pub fn shard_of(serial: &Serial, shards: u32) -> u32 {
    shard_of_magnitude(serial.as_bytes(), shards)
}

/// [`shard_of`] over a serial's big-endian magnitude.
pub(super) fn shard_of_magnitude(serial: &[u8], shards: u32) -> u32 {
    let n = u64::from(shards.max(1));
    let rem = serial
        .iter()
        .fold(0u64, |acc, &b| ((acc << 8) | u64::from(b)) % n);
    // The remainder is below `shards`, a u32.
    u32::try_from(rem).unwrap_or(0)
}

/// One published CRL: an issuer's full or delta CRL of one shard.
///
/// | shards | full | delta |
/// |---|---|---|
/// | 1 | `{issuer}.crl` | `{issuer}-delta.crl` |
/// | N > 1 | `{issuer}/{shard}.crl` | `{issuer}/{shard}-delta.crl` |
///
/// The URL is `{public_url}/crl/` followed by that path; shards are
/// numbered from 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CrlName {
    /// The issuer id.
    pub issuer: String,
    /// The shard, 0-based; `None` for an unsharded issuer.
    pub shard: Option<u32>,
    /// The delta CRL rather than the full one.
    pub delta: bool,
}

impl CrlName {
    /// The CRL of `shard` of an issuer with `shards` shards (`shard` is
    /// ignored when `shards` is 1).
    pub fn new(issuer: &str, shard: u32, shards: u32, delta: bool) -> Self {
        Self {
            issuer: issuer.to_owned(),
            shard: (shards > 1).then_some(shard),
            delta,
        }
    }

    /// The full CRL covering the certificate with this serial.
    pub fn for_serial(issuer: &str, serial: &Serial, shards: u32) -> Self {
        Self::new(issuer, shard_of(serial, shards), shards, false)
    }

    /// The shard index (0 when unsharded).
    pub fn shard_index(&self) -> u32 {
        self.shard.unwrap_or(0)
    }

    /// The same scope's delta (or full) CRL.
    pub fn with_delta(&self, delta: bool) -> Self {
        Self {
            delta,
            ..self.clone()
        }
    }

    /// The path under the publishing directory and under `/crl/`, e.g.
    /// `gov-ca.crl` or `gov-ca/3-delta.crl`.
    pub fn path(&self) -> String {
        let suffix = if self.delta { "-delta" } else { "" };
        match self.shard {
            None => format!("{}{suffix}.crl", self.issuer),
            Some(s) => format!("{}/{s}{suffix}.crl", self.issuer),
        }
    }

    /// The URL under the public base URL: `{public_url}/crl/{path}`.
    pub fn url(&self, public_url: &str) -> String {
        format!("{}/crl/{}", public_url.trim_end_matches('/'), self.path())
    }

    /// Reads a path as [`path`](Self::path) writes it (a leading `/crl/` or
    /// `/` is accepted). `None` for anything else. Whether the issuer
    /// exists and has this shard is for the caller to check
    /// ([`Ca::crl_for_path`](crate::Ca::crl_for_path) does).
    pub fn parse(path: &str) -> Option<Self> {
        let path = path.trim_start_matches('/');
        let path = path.strip_prefix("crl/").unwrap_or(path);
        let stem = path.strip_suffix(".crl")?;
        let (stem, delta) = match stem.strip_suffix("-delta") {
            Some(s) => (s, true),
            None => (stem, false),
        };
        let (issuer, shard) = match stem.split_once('/') {
            Some((issuer, shard)) => {
                let digits_only = !shard.is_empty() && shard.bytes().all(|b| b.is_ascii_digit());
                // "07" would be a second name for shard 7.
                if !digits_only || (shard.len() > 1 && shard.starts_with('0')) {
                    return None;
                }
                (issuer, Some(shard.parse().ok()?))
            }
            None => (stem, None),
        };
        let valid_issuer = !issuer.is_empty()
            && issuer
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        valid_issuer.then(|| Self {
            issuer: issuer.to_owned(),
            shard,
            delta,
        })
    }
}

impl fmt::Display for CrlName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}
