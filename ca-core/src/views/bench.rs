//! What the benchmarks (`benches/issuance.rs`) and the RA seeding example
//! (`examples/ra_seed.rs`) read: they live outside the crate's sources and
//! check or pick certificates and subscribers through these functions.

use diesel::prelude::*;

use crate::status::CertStatus;
use crate::store::schema::{certificates, subscribers, units};
use crate::store::DbConnection;

/// How many certificates of issuer `issuer_id` have status `status`.
pub fn count_certificates(
    c: &mut DbConnection,
    issuer_id: &str,
    status: CertStatus,
) -> QueryResult<i64> {
    certificates::table
        .filter(certificates::issuer_id.eq(issuer_id))
        .filter(certificates::status.eq(status.as_str()))
        .count()
        .get_result(c)
}

/// The ids of the subscribers of every unit named exactly `unit_name`,
/// ascending.
pub fn subscribers_of_unit_named(c: &mut DbConnection, unit_name: &str) -> QueryResult<Vec<i64>> {
    let unit_ids = units::table
        .filter(units::name.eq(unit_name))
        .select(units::id.nullable());
    subscribers::table
        .filter(subscribers::unit_id.eq_any(unit_ids))
        .select(subscribers::id)
        .order(subscribers::id.asc())
        .load(c)
}

/// The TBSCertificate of one signed certificate of issuer `issuer_id`
/// (diesel's `NotFound` when it has signed none).
pub fn signed_tbs(c: &mut DbConnection, issuer_id: &str) -> QueryResult<Vec<u8>> {
    certificates::table
        .filter(certificates::issuer_id.eq(issuer_id))
        .filter(certificates::cert_der.is_not_null())
        .select(certificates::tbs_der)
        .first(c)
}
