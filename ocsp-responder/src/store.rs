//! The responder's narrow view of the database: the `ocsp_responses` table
//! and the certificates whose status changed since a time.

use ca_core::store::models::{CertificateRow, OcspResponseRow};
use ca_core::store::schema::{certificates, ocsp_responses};
use ca_core::{Ca, CaError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Rows read per query when scanning certificates.
const PAGE: i64 = 1000;

/// Every stored response.
pub(crate) fn load_all(ca: &Ca) -> Result<Vec<OcspResponseRow>, CaError> {
    ca.store().read(|c| -> Result<_, CaError> {
        Ok(ocsp_responses::table
            .select(OcspResponseRow::as_select())
            .load(c)?)
    })
}

/// The stored response for (issuer, serial, hash), if any.
pub(crate) fn find(
    ca: &Ca,
    issuer_id: &str,
    serial: &str,
    hash: &str,
) -> Result<Option<OcspResponseRow>, CaError> {
    ca.store().read(|c| -> Result<_, CaError> {
        Ok(ocsp_responses::table
            .find((issuer_id, serial, hash))
            .select(OcspResponseRow::as_select())
            .first(c)
            .optional()?)
    })
}

/// Replaces the stored response for the row's (issuer, serial, hash):
/// an update, else an insert, and an update again when another responder
/// inserted the row meanwhile (scale-out: several responders store the
/// same responses).
pub(crate) fn save(ca: &Ca, row: &OcspResponseRow) -> Result<(), CaError> {
    ca.store().read(|c| -> Result<_, CaError> {
        let key = (&row.issuer_id, &row.serial, &row.hash_alg);
        if diesel::update(ocsp_responses::table.find(key))
            .set(row)
            .execute(c)?
            > 0
        {
            return Ok(());
        }
        match diesel::insert_into(ocsp_responses::table)
            .values(row)
            .execute(c)
        {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                diesel::update(ocsp_responses::table.find(key))
                    .set(row)
                    .execute(c)?;
                Ok(())
            }
            other => {
                other?;
                Ok(())
            }
        }
    })
}

/// Certificates (not pending) whose status changed at or after `since`
/// (all of them when `None`), `PAGE` at a time after id `after`.
pub(crate) fn changed_since(
    ca: &Ca,
    since: Option<NaiveDateTime>,
    after: i64,
) -> Result<Vec<CertificateRow>, CaError> {
    ca.store().read(|c| -> Result<_, CaError> {
        let mut query = certificates::table
            .filter(certificates::id.gt(after))
            .filter(certificates::status.ne("pending"))
            .order(certificates::id.asc())
            .limit(PAGE)
            .select(CertificateRow::as_select())
            .into_boxed();
        if let Some(since) = since {
            query = query.filter(certificates::status_changed_at.ge(since));
        }
        Ok(query.load(c)?)
    })
}

/// Whether the database answers.
pub(crate) fn ping(ca: &Ca) -> Result<(), CaError> {
    ca.store().read(|c| -> Result<_, CaError> {
        certificates::table
            .select(certificates::id)
            .limit(1)
            .load::<i64>(c)?;
        Ok(())
    })
}
