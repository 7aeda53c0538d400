//! The issuers as verifiers may see them, for the crl-publisher's trust
//! chain downloads (`/ca/…`, `crl_publisher::trust`): the public columns
//! only, never the key reference, key backend or CSR.

use diesel::prelude::*;

use crate::store::schema::issuers;
use crate::store::DbConnection;

/// An issuer's public columns.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = issuers)]
pub struct PublicIssuer {
    /// The id (`root`, `gov-ca`).
    pub id: String,
    /// The issuer that certified it, when it is one of ours.
    pub parent_id: Option<String>,
    /// The subject DN as recorded.
    pub subject_dn: String,
    /// The recorded status.
    pub status: crate::hierarchy::IssuerStatus,
    /// The key type (`rsa2048`, `p256`, …).
    pub key_spec: String,
    /// Its certificate, once it has one.
    pub cert_der: Option<Vec<u8>>,
    /// How many CRL shards its certificates are spread over.
    pub crl_shards: i32,
}

/// Every issuer, oldest first (then by id).
pub fn public_issuers(c: &mut DbConnection) -> QueryResult<Vec<PublicIssuer>> {
    issuers::table
        .order((issuers::created_at.asc(), issuers::id.asc()))
        .select(PublicIssuer::as_select())
        .load(c)
}
