//! Which certificates a CRL lists: the revoked and suspended certificates
//! of one shard for a full CRL, and what changed against the base for a
//! delta CRL.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};
use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use x509_cert::ext::pkix::CrlReason;

use super::encode::{self, Entry};
use super::history::CrlHead;
use super::name::shard_of_magnitude;
use super::CrlError;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::CrlRow;
use crate::store::schema::certificates;
use crate::store::{DbConnection, StoreError};
use crate::CaError;

/// How far before its base was made a delta CRL looks for status changes:
/// clocks of the machines writing statuses may differ a little. Changes
/// the base already states are recognised and not listed twice.
const DELTA_OVERLAP_SECONDS: i64 = 300;

/// The longest serial magnitude (RFC 5280: at most 20 octets).
const MAX_SERIAL_LEN: usize = 20;

/// A certificate's revocation state as far as CRLs care. Kept small (no
/// heap allocation): a full CRL holds one per listed certificate.
#[derive(Debug, Clone)]
pub(super) struct CertState {
    serial_len: u8,
    serial: [u8; MAX_SERIAL_LEN],
    status: CertStatus,
    reason: Option<RevocationReason>,
    revoked_at: Option<NaiveDateTime>,
    invalidity_date: Option<NaiveDateTime>,
    not_after: NaiveDateTime,
    changed_at: NaiveDateTime,
}

type StateColumns = (
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    NaiveDateTime,
    NaiveDateTime,
);

impl CertState {
    fn from_columns(cols: StateColumns) -> Result<Self, CaError> {
        let (hex_serial, status, reason, revoked_at, invalidity_date, not_after, changed_at) = cols;
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "certificates",
            detail,
        };
        let len = hex_serial.len() / 2;
        let mut serial = [0u8; MAX_SERIAL_LEN];
        let parsed = hex_serial.len() % 2 == 0
            && (1..=MAX_SERIAL_LEN).contains(&len)
            && hex::decode_to_slice(&hex_serial, &mut serial[..len]).is_ok()
            && serial[0] != 0;
        if !parsed {
            return Err(corrupt(format!("serial {hex_serial:?}")).into());
        }
        let status =
            CertStatus::parse(&status).ok_or_else(|| corrupt(format!("status {status:?}")))?;
        let reason = reason
            .map(|r| r.parse::<RevocationReason>())
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(Self {
            // At most MAX_SERIAL_LEN (20), checked above.
            serial_len: u8::try_from(len).unwrap_or(0),
            serial,
            status,
            reason,
            revoked_at,
            invalidity_date,
            not_after,
            changed_at,
        })
    }

    /// The serial's big-endian magnitude.
    pub(super) fn serial(&self) -> &[u8] {
        &self.serial[..usize::from(self.serial_len)]
    }

    /// Whether the certificate is on CRLs now (revoked or on hold).
    fn listed(&self) -> bool {
        matches!(self.status, CertStatus::Revoked | CertStatus::Suspended)
    }

    /// The reason a CRL states now (None: unspecified).
    fn crl_reason(&self) -> Option<CrlReason> {
        if self.status == CertStatus::Suspended {
            return Some(CrlReason::CertificateHold);
        }
        match self.reason.unwrap_or(RevocationReason::Unspecified) {
            RevocationReason::Unspecified => None,
            RevocationReason::KeyCompromise => Some(CrlReason::KeyCompromise),
            RevocationReason::CaCompromise => Some(CrlReason::CaCompromise),
            RevocationReason::AffiliationChanged => Some(CrlReason::AffiliationChanged),
            RevocationReason::Superseded => Some(CrlReason::Superseded),
            RevocationReason::CessationOfOperation => Some(CrlReason::CessationOfOperation),
            RevocationReason::CertificateHold => Some(CrlReason::CertificateHold),
            RevocationReason::PrivilegeWithdrawn => Some(CrlReason::PrivilegeWithdrawn),
            RevocationReason::AaCompromise => Some(CrlReason::AaCompromise),
        }
    }

    /// The CRL entry: revoked or on hold as it is now; a certificate no
    /// longer listed (only ever in a delta CRL: a lifted hold) is
    /// removeFromCRL as of its restoration.
    pub(super) fn entry(&self) -> Entry<'_> {
        if !self.listed() {
            return Entry {
                serial: self.serial(),
                revoked_at: self.changed_at.and_utc(),
                reason: Some(CrlReason::RemoveFromCRL),
                invalidity_date: None,
            };
        }
        Entry {
            serial: self.serial(),
            revoked_at: self.revoked_at.unwrap_or(self.changed_at).and_utc(),
            reason: self.crl_reason(),
            invalidity_date: self.invalidity_date.map(|t| t.and_utc()),
        }
    }
}

/// The condition of a full CRL's rows, word for word the condition of the
/// partial index `certificates_on_crl` (migration 2026-11-26-000010).
const ON_CRL: &str = "certificates.status IN ('revoked', 'suspended')";

/// Every revoked or suspended certificate of an issuer, by shard.
pub(super) fn listed_by_shard(
    c: &mut DbConnection,
    issuer: &str,
    shards: u32,
) -> Result<Vec<Vec<CertState>>, CaError> {
    // The statuses as SQL literals, not bound parameters: only then can the
    // planner prove that the covering partial index `certificates_on_crl`
    // (same condition) applies, and read no table row at all.
    let on_crl = certificates::table
        .filter(certificates::issuer_id.eq(issuer))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(ON_CRL));
    // Sized up front: growing a vector of a million states by doubling
    // would hold two copies for a moment.
    let count: i64 = on_crl.clone().count().get_result(c)?;
    let buckets = usize::try_from(shards).unwrap_or(1).max(1);
    let per_bucket = usize::try_from(count).unwrap_or(0) / buckets;
    let spare = if buckets == 1 { 0 } else { per_bucket / 8 + 16 };
    let mut out: Vec<Vec<CertState>> = (0..buckets)
        .map(|_| Vec::with_capacity(per_bucket + spare))
        .collect();
    let rows = on_crl
        .select(columns())
        .load_iter::<StateColumns, DefaultLoadingMode>(c)?;
    // Row by row: a million text rows never sit in memory at once.
    for cols in rows {
        let state = CertState::from_columns(cols?)?;
        let shard = usize::try_from(shard_of_magnitude(state.serial(), shards)).unwrap_or(0);
        if let Some(bucket) = out.get_mut(shard) {
            bucket.push(state);
        }
    }
    Ok(out)
}

/// The certificates a full CRL of one shard lists: every listed
/// certificate but those that expired and were already listed by an
/// earlier full CRL made after their expiry (plus the grace).
pub(super) fn full_entries<'a>(
    listed: &'a [CertState],
    previous_full: Option<&CrlHead>,
    grace: Duration,
) -> Vec<&'a CertState> {
    let mut out: Vec<&CertState> = listed
        .iter()
        .filter(|s| {
            !previous_full.is_some_and(|p| {
                s.not_after + grace < p.this_update && s.changed_at <= p.created_at
            })
        })
        .collect();
    sort(&mut out);
    out
}

/// The certificates a delta CRL of one shard lists against `base`: those
/// revoked or put on hold since (or whose reason changed, a hold turned
/// into a revocation), and those whose hold in the base was lifted (their
/// entry says removeFromCRL).
pub(super) fn delta_entries(
    c: &mut DbConnection,
    issuer: &str,
    shard: u32,
    shards: u32,
    base: &CrlRow,
) -> Result<Vec<CertState>, CaError> {
    let since = base.created_at - Duration::seconds(DELTA_OVERLAP_SECONDS);
    let rows = certificates::table
        .filter(certificates::issuer_id.eq(issuer))
        .filter(certificates::status.ne(CertStatus::Pending.as_str()))
        .filter(certificates::status_changed_at.gt(since))
        .select(columns())
        .load_iter::<StateColumns, DefaultLoadingMode>(c)?;
    let mut changed = Vec::new();
    for cols in rows {
        let state = CertState::from_columns(cols?)?;
        if shard_of_magnitude(state.serial(), shards) == shard {
            changed.push(state);
        }
    }
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: HashSet<&[u8]> = changed.iter().map(CertState::serial).collect();
    let in_base =
        encode::listed_among(&base.der, &wanted).map_err(|e| CrlError::CorruptStored {
            issuer: issuer.to_owned(),
            number: base.number,
            detail: e.to_string(),
        })?;
    let mut out: Vec<CertState> = changed
        .into_iter()
        .filter(|s| {
            let base_code = in_base.get(s.serial()).copied();
            if s.listed() {
                base_code != Some(s.crl_reason().map_or(0, |r| r as u32))
            } else {
                base_code.is_some()
            }
        })
        .collect();
    out.sort_by(|a, b| order(a.serial(), b.serial()));
    Ok(out)
}

fn sort(states: &mut [&CertState]) {
    states.sort_by(|a, b| order(a.serial(), b.serial()));
}

/// Serials in numeric order.
fn order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[allow(clippy::type_complexity)]
fn columns() -> (
    certificates::serial,
    certificates::status,
    certificates::revocation_reason,
    certificates::revoked_at,
    certificates::invalidity_date,
    certificates::not_after,
    certificates::status_changed_at,
) {
    (
        certificates::serial,
        certificates::status,
        certificates::revocation_reason,
        certificates::revoked_at,
        certificates::invalidity_date,
        certificates::not_after,
        certificates::status_changed_at,
    )
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use diesel::sql_types::Text;

    use super::*;
    use crate::store::{DatabaseUrl, Store};

    #[derive(QueryableByName)]
    struct PlanRow {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    /// A full CRL reads the covering index only, never a table row (which
    /// would walk past the DER blobs): SQLite's plan of the same query.
    #[test]
    fn full_crl_rows_come_from_the_covering_index() {
        assert_eq!(
            ON_CRL,
            format!(
                "certificates.status IN ('{}', '{}')",
                CertStatus::Revoked.as_str(),
                CertStatus::Suspended.as_str()
            )
        );
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("t.db"))).unwrap();
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT serial, status, revocation_reason, revoked_at, \
             invalidity_date, not_after, status_changed_at FROM certificates \
             WHERE certificates.issuer_id = 'gov-ca' AND {ON_CRL}"
        );
        let plan: Vec<PlanRow> = store
            .read(|c| diesel::sql_query(&sql).load(c).map_err(StoreError::from))
            .unwrap();
        let plan: Vec<&str> = plan.iter().map(|r| r.detail.as_str()).collect();
        assert_eq!(
            plan,
            ["SEARCH certificates USING COVERING INDEX certificates_on_crl (issuer_id=? AND status=?)"]
        );
    }

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, day)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap()
    }

    fn revoked(serial: &str, not_after: u32, changed: u32) -> CertState {
        CertState::from_columns((
            serial.to_owned(),
            "revoked".to_owned(),
            Some("key-compromise".to_owned()),
            Some(at(changed)),
            None,
            at(not_after),
            at(changed),
        ))
        .unwrap()
    }

    fn full_crl(this_update: u32) -> CrlHead {
        CrlHead {
            issuer_id: "gov-ca".into(),
            number: 1,
            shard: 0,
            delta: false,
            base_number: None,
            this_update: at(this_update),
            next_update: at(this_update + 7),
            entries: 0,
            created_at: at(this_update),
        }
    }

    fn serials(states: &[&CertState]) -> Vec<String> {
        states.iter().map(|s| hex::encode(s.serial())).collect()
    }

    #[test]
    fn expired_certificates_leave_after_one_listing_past_expiry() {
        let listed = [
            revoked("01", 20, 2), // valid until the 20th
            revoked("02", 5, 2),  // expired on the 5th
            revoked("03", 5, 9),  // expired, revoked after the previous CRL
        ];
        // No earlier CRL: everything is listed.
        assert_eq!(
            serials(&full_entries(&listed, None, Duration::zero())),
            ["01", "02", "03"]
        );
        // The previous CRL (the 4th) predates the expiry: still listed.
        assert_eq!(
            serials(&full_entries(&listed, Some(&full_crl(4)), Duration::zero())),
            ["01", "02", "03"]
        );
        // The previous CRL (the 8th) listed 02 past its expiry: it leaves;
        // 03 was revoked after that CRL and was never listed: it stays.
        assert_eq!(
            serials(&full_entries(&listed, Some(&full_crl(8)), Duration::zero())),
            ["01", "03"]
        );
        // With a grace of 7 days 02 stays until a CRL after the 12th.
        assert_eq!(
            serials(&full_entries(
                &listed,
                Some(&full_crl(8)),
                Duration::days(7)
            )),
            ["01", "02", "03"]
        );
    }

    #[test]
    fn reasons_as_crls_state_them() {
        let mut s = revoked("01", 20, 2);
        assert_eq!(s.crl_reason(), Some(CrlReason::KeyCompromise));
        s.reason = Some(RevocationReason::Unspecified);
        assert_eq!(s.entry().reason, None, "unspecified is left out");
        s.status = CertStatus::Suspended;
        assert_eq!(s.crl_reason(), Some(CrlReason::CertificateHold));
        s.status = CertStatus::Good;
        assert_eq!(s.entry().reason, Some(CrlReason::RemoveFromCRL));
    }

    #[test]
    fn stored_serials_are_checked() {
        let mut cols = (
            "7f01".to_owned(),
            "revoked".to_owned(),
            None,
            Some(at(1)),
            None,
            at(2),
            at(1),
        );
        assert_eq!(
            CertState::from_columns(cols.clone()).unwrap().serial(),
            [0x7f, 1]
        );
        for bad in ["", "7", "zz", "0001", &"01".repeat(21)] {
            cols.0 = bad.to_owned();
            assert!(CertState::from_columns(cols.clone()).is_err(), "{bad}");
        }
    }
}
