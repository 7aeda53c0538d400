//! Generating CRLs: per issuer, one write transaction reads the
//! certificates, allocates the numbers, signs, checks and stores every CRL
//! of the run, and appends one audit event.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::encode::{self, CrlSpec};
use super::entries::CertState;
use super::history::{self, shard_column};
use super::{entries, CrlKind, CrlName, CrlSettings};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::hierarchy::{usable_issuer, ISSUER_ACTIVE};
use crate::lifecycle::{now, parse_cert, whole_seconds};
use crate::signer::Signer;
use crate::store::models::{CrlRow, IssuerRow};
use crate::store::schema::issuers;
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// One CRL a run generated (or one kept in the history).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CrlSummary {
    /// Where it is published (issuer, shard, full or delta).
    #[serde(skip)]
    pub name: CrlName,
    /// The issuer.
    pub issuer: String,
    /// The shard (0 when the issuer has one CRL).
    pub shard: u32,
    /// The CRL number.
    pub number: i64,
    /// A delta CRL.
    pub delta: bool,
    /// A delta CRL's base (the full CRL number it applies to).
    pub base_number: Option<i64>,
    /// How many certificates it lists.
    pub entries: i64,
    /// thisUpdate.
    pub this_update: DateTime<Utc>,
    /// nextUpdate.
    pub next_update: DateTime<Utc>,
    /// Its URL (what certificates and its issuing distribution point name).
    pub url: String,
}

impl Ca {
    /// Generates CRLs now: for one issuer, or (with `None`) for every
    /// active issuer that has its certificate (external sub-CAs still
    /// awaiting theirs are skipped); for every shard of each, the `kind`
    /// asked. Every CRL is signed by the issuer's key, verified under the
    /// issuer's public key, and stored with a new number in the same
    /// transaction that read the certificates. Returns what was generated.
    pub fn generate_crls(
        &self,
        issuer: Option<&str>,
        kind: CrlKind,
        settings: &CrlSettings,
        actor: &str,
    ) -> Result<Vec<CrlSummary>, CaError> {
        let public_url = self.public_url()?;
        let targets: Vec<IssuerRow> = match issuer {
            Some(id) => vec![self.store.read(|c| usable_issuer(c, id))?],
            None => self.store.read(|c| -> Result<Vec<IssuerRow>, CaError> {
                Ok(issuers::table
                    .filter(issuers::status.eq(ISSUER_ACTIVE))
                    .filter(issuers::cert_der.is_not_null())
                    .order(issuers::id.asc())
                    .select(IssuerRow::as_select())
                    .load(c)?)
            })?,
        };
        let mut out = Vec::new();
        for row in &targets {
            out.extend(self.generate_for(row, kind, settings, &public_url, actor)?);
        }
        Ok(out)
    }

    fn generate_for(
        &self,
        issuer: &IssuerRow,
        kind: CrlKind,
        settings: &CrlSettings,
        public_url: &str,
        actor: &str,
    ) -> Result<Vec<CrlSummary>, CaError> {
        let signer = self.signer_for(issuer)?;
        let cert = parse_cert(issuer.cert_der.as_deref().unwrap_or_default())?;
        let run = Run {
            issuer,
            issuer_name: &cert.tbs_certificate.subject,
            signer: signer.as_ref(),
            settings,
            public_url,
            shards: shard_count(issuer),
            self_signed: cert.tbs_certificate.issuer == cert.tbs_certificate.subject,
        };
        self.store.write(|c| -> Result<Vec<CrlSummary>, CaError> {
            let made = run.all(c, kind)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CrlGenerate,
                    object: &format!("issuer:{}", issuer.id),
                    details: json!({
                        "crls": made.iter().map(|s| json!({
                            "shard": s.shard,
                            "number": s.number,
                            "delta": s.delta,
                            "base": s.base_number,
                            "entries": s.entries,
                        })).collect::<Vec<_>>(),
                    }),
                },
            )?;
            Ok(made)
        })
    }
}

/// The shard count of an issuer row (a row holding less than 1 counts as 1).
pub(super) fn shard_count(issuer: &IssuerRow) -> u32 {
    u32::try_from(issuer.crl_shards).unwrap_or(1).max(1)
}

/// One issuer's generation, inside its write transaction.
struct Run<'a> {
    issuer: &'a IssuerRow,
    issuer_name: &'a x509_cert::name::Name,
    signer: &'a dyn Signer,
    settings: &'a CrlSettings,
    public_url: &'a str,
    shards: u32,
    /// A root: its CRLs carry no issuing distribution point (see
    /// `CrlSpec::scope_url`).
    self_signed: bool,
}

impl Run<'_> {
    fn all(&self, c: &mut DbConnection, kind: CrlKind) -> Result<Vec<CrlSummary>, CaError> {
        // Read under the write lock: every status change committed before
        // `now` is seen, every later one gets a later status_changed_at.
        let now = now();
        let listed = match kind {
            CrlKind::Delta => None,
            CrlKind::Full | CrlKind::Both => {
                Some(entries::listed_by_shard(c, &self.issuer.id, self.shards)?)
            }
        };
        let mut out = Vec::new();
        for shard in 0..self.shards {
            let base = match &listed {
                Some(by_shard) => {
                    // The previous full CRL's dates only: its bytes (49 MB
                    // for 10^6 entries) are not needed to make the next.
                    let previous = history::latest_head(c, &self.issuer.id, shard, false)?;
                    let bucket = by_shard
                        .get(usize::try_from(shard).unwrap_or(usize::MAX))
                        .map_or(&[][..], Vec::as_slice);
                    let list = entries::full_entries(
                        bucket,
                        previous.as_ref(),
                        self.settings.expired_grace,
                    );
                    let row = self.store(c, shard, now, None, &list)?;
                    out.push(self.summary(&row));
                    Some(row)
                }
                // A delta alone is made against the latest full CRL, whose
                // bytes tell which serials it lists.
                None => match history::latest(c, &self.issuer.id, shard, false)? {
                    Some(previous) => Some(previous),
                    None => {
                        // A delta needs a base: the shard gets its first full CRL.
                        let by_shard = entries::listed_by_shard(c, &self.issuer.id, self.shards)?;
                        let bucket = by_shard
                            .get(usize::try_from(shard).unwrap_or(usize::MAX))
                            .map_or(&[][..], Vec::as_slice);
                        let list = entries::full_entries(bucket, None, self.settings.expired_grace);
                        let row = self.store(c, shard, now, None, &list)?;
                        out.push(self.summary(&row));
                        None
                    }
                },
            };
            if let (CrlKind::Delta | CrlKind::Both, Some(base)) = (kind, base) {
                let changed =
                    entries::delta_entries(c, &self.issuer.id, shard, self.shards, &base)?;
                let list: Vec<&CertState> = changed.iter().collect();
                let row = self.store(c, shard, now, Some(base.number), &list)?;
                out.push(self.summary(&row));
            }
        }
        Ok(out)
    }

    /// Numbers, signs, checks and stores one CRL.
    fn store(
        &self,
        c: &mut DbConnection,
        shard: u32,
        now: chrono::NaiveDateTime,
        base_number: Option<i64>,
        list: &[&CertState],
    ) -> Result<CrlRow, CaError> {
        let delta = base_number.is_some();
        let number = history::allocate_number(c, &self.issuer.id)?;
        let this_update = whole_seconds(now.and_utc());
        let validity = if delta {
            self.settings.delta_validity
        } else {
            self.settings.full_validity
        };
        let next_update = this_update + validity;
        let full = CrlName::new(&self.issuer.id, shard, self.shards, false);
        let scope_url = full.url(self.public_url);
        let delta_url = full.with_delta(true).url(self.public_url);
        let der = encode::sign(
            &CrlSpec {
                issuer_name: self.issuer_name,
                issuer_spki: &self.issuer.spki_der,
                number,
                base_number,
                this_update,
                next_update,
                scope_url: (!self.self_signed).then_some(scope_url.as_str()),
                freshest_url: (!delta).then_some(delta_url.as_str()),
                entries: list,
            },
            self.signer,
            &self.issuer.id,
        )?;
        let row = CrlRow {
            issuer_id: self.issuer.id.clone(),
            number,
            shard: shard_column(shard),
            delta,
            base_number,
            this_update: this_update.naive_utc(),
            next_update: next_update.naive_utc(),
            der,
            entries: i64::try_from(list.len()).unwrap_or(i64::MAX),
            created_at: now,
        };
        history::insert(c, &row)?;
        Ok(row)
    }

    fn summary(&self, row: &CrlRow) -> CrlSummary {
        let shard = u32::try_from(row.shard).unwrap_or(0);
        let name = CrlName::new(&row.issuer_id, shard, self.shards, row.delta);
        CrlSummary {
            url: name.url(self.public_url),
            name,
            issuer: row.issuer_id.clone(),
            shard,
            number: row.number,
            delta: row.delta,
            base_number: row.base_number,
            entries: row.entries,
            this_update: row.this_update.and_utc(),
            next_update: row.next_update.and_utc(),
        }
    }
}
