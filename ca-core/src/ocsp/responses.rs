//! The stored (pre-signed) OCSP responses, as the `ocsp-responder` service
//! keeps them in the `ocsp_responses` table: one per issuer, serial and
//! CertID hash algorithm. The responder loads them all at start, looks one
//! up on a cache miss, and saves what it signs; [`ServedOcsp`](super::ServedOcsp)
//! reads them back for pages.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::store::models::OcspResponseRow;
use crate::store::schema::ocsp_responses;
use crate::store::DbConnection;

/// Every stored response.
pub fn all(c: &mut DbConnection) -> QueryResult<Vec<OcspResponseRow>> {
    ocsp_responses::table
        .select(OcspResponseRow::as_select())
        .load(c)
}

/// The stored response for (`issuer_id`, `serial` in hex, CertID `hash`
/// `sha1` or `sha256`), if any.
pub fn find(
    c: &mut DbConnection,
    issuer_id: &str,
    serial: &str,
    hash: &str,
) -> QueryResult<Option<OcspResponseRow>> {
    ocsp_responses::table
        .find((issuer_id, serial, hash))
        .select(OcspResponseRow::as_select())
        .first(c)
        .optional()
}

/// Replaces the stored response for the row's (issuer, serial, hash): an
/// update, else an insert, and an update again when another responder
/// inserted the row meanwhile (scale-out: several responders store the
/// same responses).
///
/// Call it outside a transaction: on PostgreSQL the failed insert of a
/// lost race would abort an enclosing transaction, and the update that
/// follows it with it.
pub fn save(c: &mut DbConnection, row: &OcspResponseRow) -> QueryResult<()> {
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
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
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
}
