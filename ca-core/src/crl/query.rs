//! Reading CRLs back: the latest of a shard, one by number, the history,
//! the names to publish, and which CRLs are missing or out of date.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::max;
use diesel::prelude::*;

use super::generate::shard_count;
use super::history::{self, CrlHead};
use super::{CrlError, CrlName, CrlSummary};
use crate::hierarchy::ISSUER_ACTIVE;
use crate::status::CertStatus;
use crate::store::models::{CrlRow, IssuerRow};
use crate::store::schema::{certificates, issuers};
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// A stored CRL with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCrl {
    /// Where it is published.
    pub name: CrlName,
    /// The CRL number.
    pub number: i64,
    /// A delta CRL's base number.
    pub base_number: Option<i64>,
    /// thisUpdate (Last-Modified).
    pub this_update: DateTime<Utc>,
    /// nextUpdate (cache until then).
    pub next_update: DateTime<Utc>,
    /// How many certificates it lists.
    pub entries: i64,
    /// When it was generated.
    pub created_at: DateTime<Utc>,
    /// The DER CRL.
    pub der: Vec<u8>,
}

impl StoredCrl {
    /// The CRL as PEM (`X509 CRL`).
    pub fn pem(&self) -> String {
        der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, &self.der).unwrap_or_default()
    }

    fn from_row(row: CrlRow, shards: u32) -> Self {
        let shard = u32::try_from(row.shard).unwrap_or(0);
        Self {
            name: CrlName::new(&row.issuer_id, shard, shards, row.delta),
            number: row.number,
            base_number: row.base_number,
            this_update: row.this_update.and_utc(),
            next_update: row.next_update.and_utc(),
            entries: row.entries,
            created_at: row.created_at.and_utc(),
            der: row.der,
        }
    }
}

/// A CRL the publisher should generate now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleCrl {
    /// Which one (issuer, shard, full or delta).
    pub name: CrlName,
    /// Why.
    pub reason: StaleReason,
}

/// Why a CRL is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleReason {
    /// None was ever generated.
    Missing,
    /// A certificate was revoked, suspended or restored after it was made.
    Outdated,
    /// Its nextUpdate has passed.
    Expired,
}

impl Ca {
    /// How many CRL shards an issuer has.
    pub fn crl_shards(&self, issuer: &str) -> Result<u32, CaError> {
        Ok(shard_count(&self.issuer(issuer)?))
    }

    /// The newest full (or delta) CRL of a shard (0 for an unsharded
    /// issuer); `None` when none was generated yet. Unknown issuer and
    /// shard out of range are errors.
    pub fn latest_crl(
        &self,
        issuer: &str,
        shard: u32,
        delta: bool,
    ) -> Result<Option<StoredCrl>, CaError> {
        let shards = self.checked_shard(issuer, shard)?;
        let row = self
            .store
            .read(|c| history::latest(c, issuer, shard, delta))?;
        Ok(row.map(|r| StoredCrl::from_row(r, shards)))
    }

    /// A CRL of an issuer by its number (full or delta, any shard).
    pub fn crl_by_number(&self, issuer: &str, number: i64) -> Result<Option<StoredCrl>, CaError> {
        let shards = self.crl_shards(issuer)?;
        let row = self.store.read(|c| history::by_number(c, issuer, number))?;
        Ok(row.map(|r| StoredCrl::from_row(r, shards)))
    }

    /// The CRL published at `path` (`gov-ca.crl`, `gov-ca/3-delta.crl`,
    /// optionally after `/crl/`): its newest version. `Ok(None)` when the
    /// path names a CRL not generated yet; an error for a path that is not
    /// a CRL name (`Refused`), an unknown issuer, a shard the issuer does
    /// not have, or a shard number on an unsharded issuer (and the reverse).
    pub fn crl_for_path(&self, path: &str) -> Result<Option<StoredCrl>, CaError> {
        let name = CrlName::parse(path)
            .ok_or_else(|| CaError::Refused(format!("{path:?} is not the name of a CRL")))?;
        let shards = self.crl_shards(&name.issuer)?;
        if name != CrlName::new(&name.issuer, name.shard_index(), shards, name.delta) {
            return Err(CrlError::NoSuchShard {
                issuer: name.issuer.clone(),
                shard: name.shard_index(),
                shards,
            }
            .into());
        }
        self.latest_crl(&name.issuer, name.shard_index(), name.delta)
    }

    /// The history of an issuer's CRLs, newest first (at most `limit`).
    pub fn crl_history(&self, issuer: &str, limit: i64) -> Result<Vec<CrlSummary>, CaError> {
        let shards = self.crl_shards(issuer)?;
        let public_url = self.public_url()?;
        let heads = self.store.read(|c| history::list(c, issuer, limit))?;
        Ok(heads
            .into_iter()
            .map(|h| summary(h, shards, &public_url))
            .collect())
    }

    /// The newest full and delta CRL of every shard of every active issuer
    /// that has one, without their bytes (what a scheduler or a metrics
    /// page needs, at the cost of one indexed lookup per CRL name).
    pub fn latest_crl_heads(&self) -> Result<Vec<CrlSummary>, CaError> {
        let public_url = self.public_url()?;
        self.store.read(|c| -> Result<Vec<CrlSummary>, CaError> {
            let mut out = Vec::new();
            for row in active_issuers(c)? {
                let shards = shard_count(&row);
                for shard in 0..shards {
                    for delta in [false, true] {
                        if let Some(h) = history::latest_head(c, &row.id, shard, delta)? {
                            out.push(summary(h, shards, &public_url));
                        }
                    }
                }
            }
            Ok(out)
        })
    }

    /// Every CRL name to publish: full and delta of every shard of every
    /// active issuer that has its certificate.
    pub fn crl_names(&self) -> Result<Vec<CrlName>, CaError> {
        let mut out = Vec::new();
        for row in self.store.read(active_issuers)? {
            let shards = shard_count(&row);
            for shard in 0..shards {
                for delta in [false, true] {
                    out.push(CrlName::new(&row.id, shard, shards, delta));
                }
            }
        }
        Ok(out)
    }

    /// The CRLs to generate now: missing ones, ones older than the newest
    /// revocation, suspension or restoration of their issuer's
    /// certificates, and ones past their nextUpdate at `now`. Full and
    /// delta CRLs are judged separately.
    pub fn stale_crls(&self, now: DateTime<Utc>) -> Result<Vec<StaleCrl>, CaError> {
        self.store.read(|c| -> Result<Vec<StaleCrl>, CaError> {
            let mut out = Vec::new();
            for row in active_issuers(c)? {
                let newest = newest_change(c, &row.id)?;
                let shards = shard_count(&row);
                for shard in 0..shards {
                    for delta in [false, true] {
                        let head = history::latest_head(c, &row.id, shard, delta)?;
                        let reason = match head {
                            None => Some(StaleReason::Missing),
                            Some(h) if h.next_update.and_utc() <= now => Some(StaleReason::Expired),
                            Some(h) if newest.is_some_and(|n| n > h.created_at) => {
                                Some(StaleReason::Outdated)
                            }
                            Some(_) => None,
                        };
                        if let Some(reason) = reason {
                            out.push(StaleCrl {
                                name: CrlName::new(&row.id, shard, shards, delta),
                                reason,
                            });
                        }
                    }
                }
            }
            Ok(out)
        })
    }

    /// The shard count of an issuer, refusing a shard it does not have.
    fn checked_shard(&self, issuer: &str, shard: u32) -> Result<u32, CaError> {
        let shards = self.crl_shards(issuer)?;
        if shard >= shards {
            return Err(CrlError::NoSuchShard {
                issuer: issuer.to_owned(),
                shard,
                shards,
            }
            .into());
        }
        Ok(shards)
    }
}

fn active_issuers(c: &mut DbConnection) -> Result<Vec<IssuerRow>, CaError> {
    Ok(issuers::table
        .filter(issuers::status.eq(ISSUER_ACTIVE))
        .filter(issuers::cert_der.is_not_null())
        .order(issuers::id.asc())
        .select(IssuerRow::as_select())
        .load(c)?)
}

/// When a certificate of the issuer last entered or left a CRL: revoked or
/// suspended (status_changed_at of those), or restored (a good certificate
/// whose status changed after it was issued; issuance sets both at once).
fn newest_change(c: &mut DbConnection, issuer: &str) -> Result<Option<NaiveDateTime>, CaError> {
    let listed: Option<NaiveDateTime> = certificates::table
        .filter(certificates::issuer_id.eq(issuer))
        .filter(
            certificates::status
                .eq_any([CertStatus::Revoked.as_str(), CertStatus::Suspended.as_str()]),
        )
        .select(max(certificates::status_changed_at))
        .first(c)?;
    let restored: Option<NaiveDateTime> = certificates::table
        .filter(certificates::issuer_id.eq(issuer))
        .filter(certificates::status.eq(CertStatus::Good.as_str()))
        .filter(
            certificates::status_changed_at
                .nullable()
                .gt(certificates::issued_at),
        )
        .select(max(certificates::status_changed_at))
        .first(c)?;
    Ok(listed.max(restored))
}

pub(super) fn summary(h: CrlHead, shards: u32, public_url: &str) -> CrlSummary {
    let shard = u32::try_from(h.shard).unwrap_or(0);
    let name = CrlName::new(&h.issuer_id, shard, shards, h.delta);
    CrlSummary {
        url: name.url(public_url),
        name,
        issuer: h.issuer_id,
        shard,
        number: h.number,
        delta: h.delta,
        base_number: h.base_number,
        entries: h.entries,
        this_update: h.this_update.and_utc(),
        next_update: h.next_update.and_utc(),
    }
}
