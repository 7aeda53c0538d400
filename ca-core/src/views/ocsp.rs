//! The certificates as the OCSP responder's refresher reads them
//! (`ocsp_responder::store`): those whose status changed since a time, a
//! page at a time, those a status notification names, and a cheap query
//! telling whether the database answers.
//! The stored responses themselves are [`crate::ocsp::responses`].

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::store::models::CertificateRow;
use crate::store::schema::certificates;
use crate::store::DbConnection;

/// Certificates (not pending) whose status changed at or after `since`
/// (all of them when `None`), by id: at most `limit` with an id above
/// `after`.
pub fn changed_since(
    c: &mut DbConnection,
    since: Option<NaiveDateTime>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<CertificateRow>> {
    let mut query = certificates::table
        .filter(certificates::id.gt(after))
        .filter(certificates::status.ne("pending"))
        .order(certificates::id.asc())
        .limit(limit)
        .select(CertificateRow::as_select())
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(certificates::status_changed_at.ge(since));
    }
    query.load(c)
}

/// Reads one certificate id (or none): succeeds when the database answers.
pub fn ping(c: &mut DbConnection) -> QueryResult<()> {
    certificates::table
        .select(certificates::id)
        .limit(1)
        .load::<i64>(c)?;
    Ok(())
}

/// The certificates (not pending) among `ids`, by id: what a status
/// notification names.
pub fn by_ids(c: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<CertificateRow>> {
    certificates::table
        .filter(certificates::id.eq_any(ids))
        .filter(certificates::status.ne("pending"))
        .order(certificates::id.asc())
        .select(CertificateRow::as_select())
        .load(c)
}
