//! `govpki doctor`: finds what a crash or an operator's hand left behind and
//! resolves what can be resolved safely.
//!
//! An interrupted issuance leaves a `pending` row: serial and TBS recorded,
//! maybe signed, never handed out. Nobody holds that certificate, so the
//! doctor finishes it from the recorded TBS (so the record is complete and
//! matches anything that might have been signed) and revokes it with
//! cessationOfOperation; OCSP and CRLs then answer for the serial. The
//! request can simply be made again.
//!
//! It also finds certificates that break the key policy because they were
//! issued before it ([`shared_keys`]).

mod shared_keys;

pub use shared_keys::{KeyFinding, KeyFindingKind};

use chrono::{Duration, Utc};
use der::{Decode, Encode};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditAction, AuditEvent, Verification};
use crate::certificate;
use crate::hierarchy::{ISSUER_ABORTED, ISSUER_PENDING};
use crate::lifecycle::now;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::{CertificateRow, IssuerRow};
use crate::store::schema::{certificates, issuers};
use crate::{Ca, CaError};

/// What the doctor found and did.
#[derive(Debug, Clone)]
pub struct DoctorReport {
    /// Interrupted issuances resolved (issuer/serial).
    pub resolved: Vec<String>,
    /// Problems it cannot fix, one line each.
    pub problems: Vec<String>,
    /// The audit chain.
    pub audit: Verification,
    /// Certificates checked.
    pub checked: usize,
}

impl DoctorReport {
    /// Whether everything is in order (after the resolutions).
    pub fn healthy(&self) -> bool {
        self.problems.is_empty() && self.audit.is_ok()
    }
}

impl Ca {
    /// Resolves issuances pending for longer than `older_than` and checks
    /// every stored certificate against its recorded TBS.
    pub fn doctor(&self, older_than: Duration, actor: &str) -> Result<DoctorReport, CaError> {
        let cutoff = (Utc::now() - older_than).naive_utc();
        let pending: Vec<CertificateRow> = self.store.read(|c| {
            certificates::table
                .filter(certificates::status.eq(CertStatus::Pending.as_str()))
                .filter(certificates::created_at.le(cutoff))
                .select(CertificateRow::as_select())
                .load(c)
                .map_err(CaError::from)
        })?;
        let mut resolved = Vec::new();
        let mut problems = Vec::new();
        for row in pending {
            match self.resolve_pending(&row, actor) {
                Ok(()) => resolved.push(format!("{}/{}", row.issuer_id, row.serial)),
                Err(e) => problems.push(format!(
                    "pending certificate {}/{} could not be resolved: {e}",
                    row.issuer_id, row.serial
                )),
            }
        }
        let checked = self.check_stored(&mut problems)?;
        let audit = self
            .store
            .read(|c| audit::verify(c).map_err(CaError::from))?;
        Ok(DoctorReport {
            resolved,
            problems,
            audit,
            checked,
        })
    }

    fn resolve_pending(&self, row: &CertificateRow, actor: &str) -> Result<(), CaError> {
        let issuer: IssuerRow = self.store.read(|c| {
            issuers::table
                .find(&row.issuer_id)
                .select(IssuerRow::as_select())
                .first(c)
                .map_err(CaError::from)
        })?;
        let signed = self
            .signer_for(&issuer)
            .and_then(|s| Ok(certificate::finish(&row.tbs_der, s.as_ref())?));
        let (cert_der, note) = match signed {
            Ok(der) => (Some(der), None),
            Err(e) => (None, Some(e.to_string())),
        };
        self.store.write(|c| -> Result<(), CaError> {
            let updated = crate::lifecycle::change_status(
                c,
                row.id,
                crate::lifecycle::StatusChange::Abandoned {
                    cert_der: cert_der.as_deref(),
                },
                now(),
            )?;
            if !updated {
                return Ok(());
            }
            // A CA whose own certificate was being issued never became usable.
            diesel::update(
                issuers::table
                    .filter(issuers::status.eq(ISSUER_PENDING))
                    .filter(issuers::spki_der.eq(spki_of(&row.tbs_der)?)),
            )
            .set(issuers::status.eq(ISSUER_ABORTED))
            .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CertificateResolveInterrupted,
                    object: &format!("certificate:{}/{}", row.issuer_id, row.serial),
                    details: json!({
                        "operation": row.operation,
                        "revoked": RevocationReason::CessationOfOperation.as_str(),
                        "signing_error": note,
                    }),
                },
            )?;
            Ok(())
        })
    }

    /// Every stored certificate must be its recorded TBS, signed.
    fn check_stored(&self, problems: &mut Vec<String>) -> Result<usize, CaError> {
        let mut checked = 0;
        let mut after = 0i64;
        loop {
            let batch: Vec<CertificateRow> = self.store.read(|c| {
                certificates::table
                    .filter(certificates::id.gt(after))
                    .order(certificates::id.asc())
                    .limit(1000)
                    .select(CertificateRow::as_select())
                    .load(c)
                    .map_err(CaError::from)
            })?;
            let Some(last) = batch.last() else {
                return Ok(checked);
            };
            after = last.id;
            for row in &batch {
                checked += 1;
                let name = format!("{}/{}", row.issuer_id, row.serial);
                match (&row.cert_der, row.status.as_str()) {
                    (None, "good" | "suspended") => {
                        problems.push(format!(
                            "certificate {name} is {} but has no DER",
                            row.status
                        ));
                    }
                    (Some(der), _) => {
                        let same = x509_cert::Certificate::from_der(der)
                            .ok()
                            .and_then(|c| c.tbs_certificate.to_der().ok())
                            .is_some_and(|tbs| tbs == row.tbs_der);
                        if !same {
                            problems.push(format!(
                                "certificate {name}: stored DER does not match the recorded TBS"
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn spki_of(tbs_der: &[u8]) -> Result<Vec<u8>, CaError> {
    let tbs = x509_cert::certificate::TbsCertificate::from_der(tbs_der)
        .map_err(certificate::CertificateError::from)?;
    Ok(tbs
        .subject_public_key_info
        .to_der()
        .map_err(certificate::CertificateError::from)?)
}
