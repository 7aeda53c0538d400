//! Row types: what the tables hold, one struct per table (plus insertable
//! forms where the database assigns the id).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::signer::{CaKeyType, SignerError};

use super::schema::{
    audit_events, blocked_keys, certificates, issuers, subscribers, tokens, units,
};

/// A certificate authority of ours: root, subordinate, or one awaiting the
/// certificate an external root will sign.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = issuers)]
pub struct IssuerRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub subject_dn: String,
    pub status: crate::hierarchy::IssuerStatus,
    pub key_spec: String,
    pub key_backend: String,
    pub key_ref: String,
    pub spki_der: Vec<u8>,
    pub cert_der: Option<Vec<u8>>,
    pub csr_der: Option<Vec<u8>>,
    pub allow_suspend: bool,
    pub not_before: Option<NaiveDateTime>,
    pub not_after: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// How many CRL shards its certificates are spread over (1: one CRL).
    pub crl_shards: i32,
    /// What it signs with (`sha256WithRSAEncryption`, `sha384WithRSAEncryption` …).
    pub signature_algorithm: String,
}

impl IssuerRow {
    /// Its key type and signature algorithm, as recorded.
    pub fn key_type(&self) -> Result<CaKeyType, SignerError> {
        CaKeyType::new(self.key_spec.parse()?, self.signature_algorithm.parse()?)
    }
}

/// An agency or department (OU in certificates).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub parent_agency: Option<String>,
    pub province: String,
    pub tax_code: Option<String>,
    pub created_at: NaiveDateTime,
    /// The parent unit (same province).
    pub parent_id: Option<i64>,
    /// The electronic agency code (Quyết định 20/2020/QĐ-TTg).
    pub agency_code: Option<String>,
}

/// A new unit.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnit<'a> {
    pub name: &'a str,
    pub parent_agency: Option<&'a str>,
    pub province: &'a str,
    pub tax_code: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// A subscriber: an individual or an organization holding certificates.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscribers)]
pub struct SubscriberRow {
    pub id: i64,
    pub kind: crate::registry::SubscriberKind,
    pub full_name: String,
    pub uid: Option<String>,
    pub title: Option<String>,
    pub unit_id: Option<i64>,
    pub organization: Option<String>,
    pub locality: Option<String>,
    pub province: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new subscriber.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = subscribers, treat_none_as_null = true)]
pub struct NewSubscriber {
    pub kind: String,
    pub full_name: String,
    /// The folded name searches compare ([`crate::registry::search_key`]).
    pub search_key: Option<String>,
    pub uid: Option<String>,
    pub title: Option<String>,
    pub unit_id: Option<i64>,
    pub organization: Option<String>,
    pub locality: Option<String>,
    pub province: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A signing device (USB token) and who holds it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tokens)]
pub struct TokenRow {
    pub id: i64,
    pub serial: String,
    pub model: Option<String>,
    pub subscriber_id: Option<i64>,
    pub status: crate::token::TokenState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new token.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tokens)]
pub struct NewToken<'a> {
    pub serial: &'a str,
    pub model: Option<&'a str>,
    pub subscriber_id: Option<i64>,
    pub status: crate::token::TokenState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A certificate, from the moment its TBS is recorded (status `pending`) on.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = certificates)]
pub struct CertificateRow {
    pub id: i64,
    pub issuer_id: String,
    pub serial: String,
    pub subscriber_id: Option<i64>,
    pub token_id: Option<i64>,
    pub profile: String,
    pub operation: String,
    pub request_json: String,
    pub replaces_id: Option<i64>,
    pub status: crate::status::CertStatus,
    pub subject_dn: String,
    pub spki_sha256: String,
    pub tbs_der: Vec<u8>,
    pub cert_der: Option<Vec<u8>>,
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revocation_reason: Option<crate::status::RevocationReason>,
    pub invalidity_date: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub issued_at: Option<NaiveDateTime>,
}

/// The durable record made before a certificate is signed.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = certificates)]
pub struct NewCertificate<'a> {
    pub issuer_id: &'a str,
    pub serial: &'a str,
    pub subscriber_id: Option<i64>,
    pub token_id: Option<i64>,
    pub profile: &'a str,
    pub operation: &'a str,
    pub request_json: &'a str,
    pub replaces_id: Option<i64>,
    pub status: &'a str,
    pub subject_dn: &'a str,
    pub spki_sha256: &'a str,
    pub tbs_der: &'a [u8],
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A public key refused in every later request.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = blocked_keys)]
pub struct BlockedKeyRow {
    pub spki_sha256: String,
    pub reason: String,
    pub certificate_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// One event of the hash-chained audit log.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The delegated OCSP signer an issuer answers with now (see
/// [`crate::ocsp`]): its key and its OCSP-signing certificate.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::ocsp_signers)]
pub struct OcspSignerRow {
    pub issuer_id: String,
    pub key_spec: String,
    pub key_backend: String,
    pub key_ref: String,
    pub spki_der: Vec<u8>,
    pub cert_der: Vec<u8>,
    pub not_after: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A pre-signed OCSP response (the `ocsp-responder` service): one per
/// issuer, serial and CertID hash algorithm (`sha1`, `sha256`), with the
/// status it states so that a changed status is noticed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = super::schema::ocsp_responses)]
pub struct OcspResponseRow {
    pub issuer_id: String,
    pub serial: String,
    pub hash_alg: String,
    pub status: String,
    pub der: Vec<u8>,
    pub this_update: NaiveDateTime,
    pub next_update: NaiveDateTime,
}

/// A generated CRL (see [`crate::crl`]), full or delta, kept by number.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::crls)]
pub struct CrlRow {
    pub issuer_id: String,
    pub number: i64,
    pub shard: i32,
    pub delta: bool,
    pub base_number: Option<i64>,
    pub this_update: NaiveDateTime,
    pub next_update: NaiveDateTime,
    pub der: Vec<u8>,
    pub entries: i64,
    pub created_at: NaiveDateTime,
}
