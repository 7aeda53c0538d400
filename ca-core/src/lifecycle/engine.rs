//! The issuance cycle every certificate goes through, in Boulder's order:
//! pick a random serial, build the TBS, record it durably (with an audit
//! event), sign, check the signed TBS equals the recorded one and the
//! signature verifies, then store the certificate (with an audit event) in
//! one transaction. See `docs/issuance.md`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use der::Encode;
use diesel::prelude::*;
use serde_json::json;
use x509_cert::name::Name;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::certificate::{self, build_tbs, IssuerView, RevocationUrls, TbsTemplate};
use crate::profile::Profile;
use crate::serial::Serial;
use crate::signer::Signer;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::{IssuerRow, NewCertificate};
use crate::store::schema::{certificates, issuers};
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// Attempts at finding a fresh serial before giving up (a collision of two
/// 127-bit random serials means the random source is broken).
const SERIAL_ATTEMPTS: usize = 3;

/// One certificate to issue.
pub(crate) struct Issuance<'a> {
    pub(crate) issuer_id: &'a str,
    pub(crate) issuer_name: &'a Name,
    pub(crate) issuer_spki: &'a [u8],
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) subject: &'a Name,
    pub(crate) subject_spki: &'a [u8],
    pub(crate) subject_is_rsa: bool,
    pub(crate) spki_sha256: &'a str,
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) not_after: DateTime<Utc>,
    pub(crate) profile: &'a Profile,
    pub(crate) path_len: Option<Option<u8>>,
    pub(crate) email: Option<&'a str>,
    pub(crate) urls: Option<RevocationUrls>,
    pub(crate) subscriber_id: Option<i64>,
    pub(crate) token_id: Option<i64>,
    pub(crate) operation: &'a str,
    pub(crate) request: serde_json::Value,
    /// The certificate this one replaces and how the old one ends.
    pub(crate) replaces: Option<(i64, RevocationReason)>,
    /// A new issuer whose own certificate this is: inserted (status
    /// `pending`) with the record, activated with the certificate.
    pub(crate) new_issuer: Option<IssuerRow>,
    pub(crate) actor: &'a str,
}

/// What an issuance produced.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The certificate's id in the store.
    pub id: i64,
    /// The issuer.
    pub issuer_id: String,
    /// The serial.
    pub serial: Serial,
    /// The DER certificate.
    pub der: Vec<u8>,
}

impl Issued {
    /// The certificate as PEM.
    pub fn pem(&self) -> String {
        certificate::der_to_pem(&self.der)
    }
}

impl Ca {
    /// Runs the issuance cycle for one certificate.
    pub(crate) fn run_issuance(&self, i: Issuance<'_>) -> Result<Issued, CaError> {
        self.run_issuances(std::slice::from_ref(&i))
            .pop()
            .unwrap_or_else(|| Err(CaError::Refused("empty issuance batch".into())))
    }

    /// Runs the issuance cycle for several certificates at once: one
    /// transaction records them all, each is signed and checked, one
    /// transaction stores them all. Each certificate keeps every guarantee
    /// of the single cycle (record before sign, its own audit events); the
    /// batch only shares the commits. Results come in the order given.
    pub(crate) fn run_issuances(&self, batch: &[Issuance<'_>]) -> Vec<Result<Issued, CaError>> {
        let recorded = match self.record(batch) {
            Ok(r) => r,
            Err(e) => return batch_failure(batch.len(), e),
        };
        let mut results = Vec::with_capacity(batch.len());
        let mut signed = Vec::with_capacity(batch.len());
        for (i, (id, serial, tbs_der)) in batch.iter().zip(recorded) {
            match certificate::finish(&tbs_der, i.signer.as_ref()) {
                Ok(der) => {
                    signed.push((i, id, serial, der));
                    results.push(None);
                }
                Err(e) => {
                    self.abandon(id, &serial, i.issuer_id, i.actor, &e.to_string());
                    results.push(Some(Err(e.into())));
                }
            }
        }
        let stored = self.store_issued(&signed);
        let mut signed = signed.into_iter();
        let mut stored_error = stored.err().map(|e| e.to_string());
        results
            .into_iter()
            .map(|r| match r {
                Some(err) => err,
                None => {
                    let Some((i, id, serial, der)) = signed.next() else {
                        return Err(CaError::Refused("issuance batch out of step".into()));
                    };
                    match &mut stored_error {
                        Some(e) => Err(CaError::Refused(format!(
                            "certificate {serial} was signed but not stored ({e}); run govpki doctor"
                        ))),
                        None => Ok(Issued {
                            id,
                            issuer_id: i.issuer_id.to_owned(),
                            serial,
                            der,
                        }),
                    }
                }
            })
            .collect()
    }

    /// Picks serials, builds the TBS certificates and records them all
    /// durably in one transaction.
    fn record(&self, batch: &[Issuance<'_>]) -> Result<Vec<(i64, Serial, Vec<u8>)>, CaError> {
        let mut last_error = None;
        for _ in 0..SERIAL_ATTEMPTS {
            let mut built = Vec::with_capacity(batch.len());
            for i in batch {
                let serial = Serial::random()?;
                let tbs = build_tbs(&TbsTemplate {
                    serial: &serial,
                    issuer: IssuerView {
                        name: i.issuer_name,
                        spki_der: i.issuer_spki,
                        algorithm: i.signer.algorithm(),
                    },
                    subject: i.subject,
                    subject_spki_der: i.subject_spki,
                    subject_is_rsa: i.subject_is_rsa,
                    not_before: i.not_before,
                    not_after: i.not_after,
                    profile: i.profile,
                    email: i.email,
                    urls: i.urls.as_ref(),
                    path_len: i.path_len,
                })?;
                let tbs_der = tbs.to_der().map_err(certificate::CertificateError::from)?;
                built.push((serial, tbs_der));
            }
            let now = now();
            let result = self.store.write(|c| -> Result<Vec<i64>, CaError> {
                let mut ids = Vec::with_capacity(batch.len());
                for (i, (serial, tbs_der)) in batch.iter().zip(&built) {
                    ids.push(record_one(c, i, serial, tbs_der, now)?);
                }
                Ok(ids)
            });
            match result {
                Ok(ids) => {
                    return Ok(ids
                        .into_iter()
                        .zip(built)
                        .map(|(id, (serial, tbs))| (id, serial, tbs))
                        .collect())
                }
                Err(e)
                    if is_unique_violation(&e) && batch.iter().all(|i| i.new_issuer.is_none()) =>
                {
                    last_error = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| CaError::Refused("no free serial".into())))
    }

    /// Stores signed certificates, ends the ones they replace, and
    /// activates new issuers, in one transaction.
    fn store_issued(
        &self,
        signed: &[(&Issuance<'_>, i64, Serial, Vec<u8>)],
    ) -> Result<(), CaError> {
        if signed.is_empty() {
            return Ok(());
        }
        let now = now();
        self.store.write(|c| -> Result<(), CaError> {
            for (i, id, serial, cert_der) in signed {
                store_one(c, i, *id, serial, cert_der, now)?;
            }
            Ok(())
        })
    }

    /// Marks a recorded serial whose signing failed as revoked
    /// (cessationOfOperation): nobody holds a certificate for it, and OCSP
    /// must not call it good. Best effort: if this fails too, `govpki
    /// doctor` finds the pending record.
    fn abandon(&self, id: i64, serial: &Serial, issuer_id: &str, actor: &str, why: &str) {
        let now = now();
        let result = self.store.write(|c| -> Result<(), CaError> {
            super::change_status(
                c,
                id,
                super::StatusChange::Abandoned { cert_der: None },
                now,
            )?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CertificateAbandon,
                    object: &format!("certificate:{issuer_id}/{serial}"),
                    details: json!({ "error": why }),
                },
            )?;
            Ok(())
        });
        if let Err(e) = result {
            tracing::error!(%serial, error = %e, "could not mark a failed issuance; run govpki doctor");
        }
    }
}

/// The same error for every member of a batch that failed as a whole.
fn batch_failure(n: usize, e: CaError) -> Vec<Result<Issued, CaError>> {
    let text = e.to_string();
    let mut out = vec![Err(e)];
    out.extend((1..n).map(|_| Err(CaError::Refused(format!("issuance batch failed: {text}")))));
    out
}

/// Inserts the pending row (and a new issuer) with its audit event.
fn record_one(
    c: &mut DbConnection,
    i: &Issuance<'_>,
    serial: &Serial,
    tbs_der: &[u8],
    now: chrono::NaiveDateTime,
) -> Result<i64, CaError> {
    let subject_dn = i.subject.to_string();
    let serial_hex = serial.to_hex();
    if let Some(row) = &i.new_issuer {
        diesel::insert_into(issuers::table).values(row).execute(c)?;
    }
    let request_json = i.request.to_string();
    let id = diesel::insert_into(certificates::table)
        .values(NewCertificate {
            issuer_id: i.issuer_id,
            serial: &serial_hex,
            subscriber_id: i.subscriber_id,
            token_id: i.token_id,
            profile: i.profile.name.as_str(),
            operation: i.operation,
            request_json: &request_json,
            replaces_id: i.replaces.map(|r| r.0),
            status: CertStatus::Pending.as_str(),
            subject_dn: &subject_dn,
            spki_sha256: i.spki_sha256,
            tbs_der,
            not_before: i.not_before.naive_utc(),
            not_after: i.not_after.naive_utc(),
            created_at: now,
        })
        .returning(certificates::id)
        .get_result(c)?;
    audit::append(
        c,
        AuditEvent {
            actor: i.actor,
            action: AuditAction::CertificateRecord,
            object: &format!("certificate:{}/{serial_hex}", i.issuer_id),
            details: json!({
                "operation": i.operation,
                "profile": i.profile.name.as_str(),
                "subscriber": i.subscriber_id,
                "subject": subject_dn,
                "not_after": i.not_after.to_rfc3339(),
            }),
        },
    )?;
    Ok(id)
}

/// Sets a pending row to good with its certificate, activates a new
/// issuer, revokes what it replaces, and audits.
fn store_one(
    c: &mut DbConnection,
    i: &Issuance<'_>,
    id: i64,
    serial: &Serial,
    cert_der: &[u8],
    now: chrono::NaiveDateTime,
) -> Result<(), CaError> {
    let stored = super::change_status(c, id, super::StatusChange::Issued { cert_der }, now)?;
    if !stored {
        return Err(CaError::Refused(format!(
            "certificate {serial} was resolved by someone else (govpki doctor?) while it was being signed"
        )));
    }
    if let Some(row) = &i.new_issuer {
        diesel::update(issuers::table.filter(issuers::id.eq(&row.id)))
            .set((
                issuers::status.eq(crate::hierarchy::ISSUER_ACTIVE),
                issuers::cert_der.eq(cert_der),
                issuers::not_before.eq(i.not_before.naive_utc()),
                issuers::not_after.eq(i.not_after.naive_utc()),
            ))
            .execute(c)?;
    }
    let mut replaced = None;
    if let Some((old_id, reason)) = i.replaces {
        replaced = Some(super::revoke::revoke_row(
            c, old_id, reason, None, "replace", i.actor,
        )?);
    }
    audit::append(
        c,
        AuditEvent {
            actor: i.actor,
            action: AuditAction::CertificateIssue,
            object: &format!("certificate:{}/{serial}", i.issuer_id),
            details: json!({
                "operation": i.operation,
                "profile": i.profile.name.as_str(),
                "subscriber": i.subscriber_id,
                "token": i.token_id,
                "replaces": replaced,
                "replaced_reason": i.replaces.map(|r| r.1.as_str()),
                "sha256": hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, cert_der)),
            }),
        },
    )?;
    Ok(())
}

/// Now, in the precision both databases keep (microseconds).
pub(crate) fn now() -> chrono::NaiveDateTime {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros())
        .unwrap_or(t)
        .naive_utc()
}

fn is_unique_violation(e: &CaError) -> bool {
    matches!(
        e,
        CaError::Store(crate::store::StoreError::Query(
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            )
        ))
    )
}

/// A whole-second UTC time for certificate validity.
pub(crate) fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// Parses a stored certificate.
pub(crate) fn parse_cert(der: &[u8]) -> Result<x509_cert::Certificate, CaError> {
    use der::Decode;
    x509_cert::Certificate::from_der(der)
        .map_err(|e| certificate::CertificateError::Parse(e.to_string()).into())
}
