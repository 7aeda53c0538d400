//! The `crls` table: every CRL generated, by issuer and number, and the
//! per-issuer CRL number sequence on `issuers.crl_number`.

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;

use crate::store::models::CrlRow;
use crate::store::schema::{crls, issuers};
use crate::store::DbConnection;
use crate::CaError;

/// A stored CRL without its bytes: what listings and staleness checks read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crls)]
pub(super) struct CrlHead {
    pub(super) issuer_id: String,
    pub(super) number: i64,
    pub(super) shard: i32,
    pub(super) delta: bool,
    pub(super) base_number: Option<i64>,
    pub(super) this_update: NaiveDateTime,
    pub(super) next_update: NaiveDateTime,
    pub(super) entries: i64,
    pub(super) created_at: NaiveDateTime,
}

/// The next CRL number of an issuer. Must run inside the write
/// transaction that stores the CRL: `Store::write` serialises writers, the
/// guarded UPDATE makes a concurrent allocation fail rather than repeat a
/// number, and the number never falls behind one already stored (a
/// database restored from an older backup keeps counting up).
pub(super) fn allocate_number(c: &mut DbConnection, issuer: &str) -> Result<i64, CaError> {
    let last: i64 = issuers::table
        .find(issuer)
        .select(issuers::crl_number)
        .first(c)?;
    let stored: Option<i64> = crls::table
        .filter(crls::issuer_id.eq(issuer))
        .select(max(crls::number))
        .first(c)?;
    let next = last.max(stored.unwrap_or(0)) + 1;
    let updated = diesel::update(
        issuers::table
            .filter(issuers::id.eq(issuer))
            .filter(issuers::crl_number.eq(last)),
    )
    .set(issuers::crl_number.eq(next))
    .execute(c)?;
    if updated != 1 {
        return Err(CaError::Refused(format!(
            "the CRL number of issuer {issuer:?} moved during allocation; retry"
        )));
    }
    Ok(next)
}

pub(super) fn insert(c: &mut DbConnection, row: &CrlRow) -> Result<(), CaError> {
    diesel::insert_into(crls::table).values(row).execute(c)?;
    Ok(())
}

/// The newest full or delta CRL of a shard.
pub(super) fn latest(
    c: &mut DbConnection,
    issuer: &str,
    shard: u32,
    delta: bool,
) -> Result<Option<CrlRow>, CaError> {
    Ok(crls::table
        .filter(crls::issuer_id.eq(issuer))
        .filter(crls::shard.eq(shard_column(shard)))
        .filter(crls::delta.eq(delta))
        .order(crls::number.desc())
        .select(CrlRow::as_select())
        .first(c)
        .optional()?)
}

/// The newest full or delta CRL of a shard, without its bytes.
pub(super) fn latest_head(
    c: &mut DbConnection,
    issuer: &str,
    shard: u32,
    delta: bool,
) -> Result<Option<CrlHead>, CaError> {
    Ok(crls::table
        .filter(crls::issuer_id.eq(issuer))
        .filter(crls::shard.eq(shard_column(shard)))
        .filter(crls::delta.eq(delta))
        .order(crls::number.desc())
        .select(CrlHead::as_select())
        .first(c)
        .optional()?)
}

pub(super) fn by_number(
    c: &mut DbConnection,
    issuer: &str,
    number: i64,
) -> Result<Option<CrlRow>, CaError> {
    Ok(crls::table
        .find((issuer, number))
        .select(CrlRow::as_select())
        .first(c)
        .optional()?)
}

/// The history of an issuer, newest first.
pub(super) fn list(
    c: &mut DbConnection,
    issuer: &str,
    limit: i64,
) -> Result<Vec<CrlHead>, CaError> {
    Ok(crls::table
        .filter(crls::issuer_id.eq(issuer))
        .order(crls::number.desc())
        .limit(limit)
        .select(CrlHead::as_select())
        .load(c)?)
}

/// A shard index as the column holds it (shards are bounded by
/// `MAX_CRL_SHARDS`, far below `i32::MAX`).
pub(super) fn shard_column(shard: u32) -> i32 {
    i32::try_from(shard).unwrap_or(i32::MAX)
}
