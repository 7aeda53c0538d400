//! The background refresher: every `refresh_interval` it rotates delegated
//! signers that are due, signs responses
//! for certificates whose status changed since its last pass (newly issued
//! ones included) and re-signs responses older than half their validity.
//! Its first pass looks at every certificate, so responses missing or
//! stale after a stop are made then.

use std::sync::Arc;
use std::time::Duration;

use ca_core::ocsp::{status_from_row, CertIdHash};
use ca_core::serial::Serial;
use ca_core::store::models::CertificateRow;
use chrono::{NaiveDateTime, Utc};

use crate::status_key::status_text;
use crate::{store, Responder, ResponderError};

/// Changes are looked for this far before the last pass started: a
/// transaction stamps its change before it commits.
const OVERLAP: Duration = Duration::from_secs(10);

/// What one pass did.
#[derive(Debug, Default, Clone, Copy)]
pub struct RefreshReport {
    /// Responses signed because a status changed or none existed.
    pub changed: usize,
    /// Responses re-signed because they aged.
    pub aged: usize,
}

/// Runs passes forever on the Rocket (tokio) runtime, each in
/// `spawn_blocking`. A failed pass marks the database unreachable and is
/// retried at the next tick; the cache keeps serving meanwhile.
pub async fn run_forever(responder: Arc<Responder>) {
    let mut since: Option<NaiveDateTime> = None;
    loop {
        let started = Utc::now().naive_utc();
        let r = Arc::clone(&responder);
        let pass = rocket::tokio::task::spawn_blocking(move || r.refresh_once(since)).await;
        match pass {
            Ok(Ok(report)) => {
                responder.set_database_ok(true);
                since = Some(started);
                if report.changed + report.aged > 0 {
                    tracing::info!(
                        changed = report.changed,
                        aged = report.aged,
                        "OCSP responses signed"
                    );
                }
            }
            Ok(Err(e)) => {
                responder.set_database_ok(false);
                tracing::warn!("OCSP refresh failed: {e}");
            }
            Err(e) => tracing::error!("OCSP refresh task failed: {e}"),
        }
        rocket::tokio::time::sleep(responder.config.refresh_interval).await;
    }
}

impl Responder {
    /// One pass (blocking): signs what changed at or after `since` (every
    /// certificate when `None`), then what aged.
    pub fn refresh_once(
        &self,
        since: Option<NaiveDateTime>,
    ) -> Result<RefreshReport, ResponderError> {
        self.add_new_issuers()?;
        self.rotate_due_delegates();
        let mut report = RefreshReport::default();
        let overlap = chrono::Duration::from_std(OVERLAP).unwrap_or_default();
        let since = since.map(|s| s - overlap);
        let mut after = 0;
        loop {
            let rows = store::changed_since(&self.ca, since, after)?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            for row in &rows {
                report.changed += self.refresh_row(row, false)?;
            }
        }
        let half = chrono::Duration::from_std(self.config.validity / 2).unwrap_or_default();
        let cutoff = Utc::now() - half;
        for (issuer_id, serial_hex, hash) in self.cache.older_than(cutoff) {
            let Ok(serial) = serial_hex.parse::<Serial>() else {
                continue;
            };
            let Some(id) = self.cert_id(&issuer_id, hash, serial.clone()) else {
                continue;
            };
            let status = self.ca.ocsp_status(&issuer_id, &serial)?;
            self.sign_and_store(&issuer_id, &id, status)?;
            report.aged += 1;
        }
        Ok(report)
    }

    /// Signs the responses of `row`'s certificate (its SHA-1 one and any
    /// other held) whose status differs from the certificate's; returns
    /// how many were signed. The refresher and the status notifications
    /// both come here, one at a time: a row read by a long pass may be
    /// older than a notification handled meanwhile, so unless `fresh` it
    /// is read again before anything is signed from it.
    pub(crate) fn refresh_row(
        &self,
        row: &CertificateRow,
        fresh: bool,
    ) -> Result<usize, ResponderError> {
        if !self.needs_signing(row) {
            return Ok(0);
        }
        let _one_at_a_time = self
            .signing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let reread;
        let row = if fresh {
            row
        } else {
            match store::by_ids(&self.ca, &[row.id])?.pop() {
                Some(r) => {
                    reread = r;
                    &reread
                }
                None => return Ok(0),
            }
        };
        let Ok(serial) = row.serial.parse::<Serial>() else {
            return Ok(0);
        };
        let status = status_from_row(row);
        let text = status_text(status);
        let mut hashes = self.cache.hashes_of(&row.issuer_id, &row.serial);
        if !hashes.contains(&CertIdHash::Sha1) {
            hashes.push(CertIdHash::Sha1);
        }
        let mut signed = 0;
        for hash in hashes {
            let Some(id) = self.cert_id(&row.issuer_id, hash, serial.clone()) else {
                continue;
            };
            let key = (row.issuer_id.clone(), row.serial.clone(), hash);
            if self.cache.get(&key).is_some_and(|e| e.status == text) {
                continue;
            }
            self.sign_and_store(&row.issuer_id, &id, status)?;
            signed += 1;
        }
        Ok(signed)
    }

    /// Whether some response of `row`'s certificate is missing or states
    /// another status.
    fn needs_signing(&self, row: &CertificateRow) -> bool {
        let text = status_text(status_from_row(row));
        let sha1 = (row.issuer_id.clone(), row.serial.clone(), CertIdHash::Sha1);
        if self.cache.get(&sha1).is_none_or(|e| e.status != text) {
            return true;
        }
        self.cache
            .hashes_of(&row.issuer_id, &row.serial)
            .into_iter()
            .any(|hash| {
                let key = (row.issuer_id.clone(), row.serial.clone(), hash);
                self.cache.get(&key).is_none_or(|e| e.status != text)
            })
    }
}
