//! Sign-in with a client certificate issued by this CA (mutual TLS).
//!
//! When the portal serves HTTPS ([`crate::tls`]), the TLS layer asks the
//! browser for a certificate and accepts only one chaining to an issuer of
//! this CA. The portal then finds that exact certificate in the store and
//! reads its status on **every** request: a certificate revoked or
//! suspended a moment ago (its officer dismissed, its token lost) signs no
//! one in any more, whatever the TLS session or cookie says.
//!
//! A certificate signs in the account it is bound to. The account holder
//! binds it by presenting it in a session opened with their password (and
//! TOTP) — proof of both the account and the key; a certificate belongs to
//! one account. Sessions and bearer tokens opened with a certificate keep
//! its id and are refused the moment a request does not present that same
//! certificate, still good.

use chrono::NaiveDateTime;
use der::Decode;
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::serial::Serial;
use ca_core::status::CertStatus;
use ca_core::store::{DbConnection, Store};
use ca_core::views::client_certs;
use ca_core::Ca;

use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::schema::user_certificates;
use crate::user::User;

/// The DER of the end-entity certificate the client presented in the TLS
/// handshake (already chained by the TLS layer to one of our issuers).
#[derive(Debug, Clone)]
pub struct Presented(pub Vec<u8>);

impl Presented {
    /// The subject (RFC 4514), for the sign-in page.
    pub fn subject(&self) -> Option<String> {
        let cert = x509_cert::Certificate::from_der(&self.0).ok()?;
        Some(cert.tbs_certificate.subject.to_string())
    }
}

/// A certificate bound to an account, as listed on the account's page and
/// by `GET /api/v1/account/certificates`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoundCertificate {
    /// The certificate's id in the store.
    pub certificate_id: i64,
    /// Its serial (lowercase hex).
    pub serial: String,
    /// Its issuer's id.
    pub issuer: String,
    /// Its subject.
    pub subject: String,
    /// good, suspended, revoked or expired: whether it signs in now.
    pub status: String,
    /// Its notAfter (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub not_after: NaiveDateTime,
    /// When it was bound.
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub bound_at: NaiveDateTime,
}

/// The PEM of every issuer certificate of this CA: the trust anchors the
/// TLS layer checks client certificates against.
pub fn trust_anchors_pem(ca: &Ca) -> Result<String, PortalError> {
    let ders: Vec<Option<Vec<u8>>> = ca
        .store()
        .read(|c| -> Result<_, PortalError> { Ok(client_certs::issuer_certificates(c)?) })?;
    let pem: String = ders
        .into_iter()
        .flatten()
        .map(|der| ca_core::certificate::der_to_pem(&der))
        .collect();
    if pem.is_empty() {
        return Err(PortalError::Internal(
            "client certificates: this CA has no issuer certificate yet".into(),
        ));
    }
    Ok(pem)
}

/// The store's row for a presented certificate: (id, status word).
struct Found {
    id: i64,
    status: &'static str,
}

/// Finds the presented certificate in the store (same serial, same bytes)
/// and says whether it is usable now.
fn find(c: &mut DbConnection, presented: &Presented) -> Result<Found, PortalError> {
    let unknown = || PortalError::CertificateUnknown;
    let cert = x509_cert::Certificate::from_der(&presented.0).map_err(|_| unknown())?;
    let serial = Serial::from_be_bytes(cert.tbs_certificate.serial_number.as_bytes())
        .map_err(|_| unknown())?;
    let found = client_certs::with_serial(c, &serial)?
        .into_iter()
        .find(|m| m.cert_der.as_deref() == Some(presented.0.as_slice()))
        .ok_or_else(unknown)?;
    Ok(Found {
        id: found.id,
        status: status_word(found.status, found.not_after),
    })
}

/// good, suspended, revoked, pending or expired.
fn status_word(status: CertStatus, not_after: NaiveDateTime) -> &'static str {
    match status {
        CertStatus::Good if not_after <= now() => "expired",
        s => s.as_str(),
    }
}

/// Refuses a certificate that is not good now.
fn usable(found: &Found) -> Result<(), PortalError> {
    if found.status == "good" {
        return Ok(());
    }
    Err(PortalError::CertificateUnusable {
        status: found.status,
    })
}

/// The account a presented certificate signs in, with the certificate's
/// id: refused when the certificate is not ours, not good now, bound to no
/// account, or its account is disabled.
pub fn sign_in(store: &Store, presented: &Presented) -> Result<(User, i64), PortalError> {
    store.read(|c| -> Result<(User, i64), PortalError> {
        let found = find(c, presented)?;
        usable(&found)?;
        let user_id: Option<i64> = user_certificates::table
            .find(found.id)
            .select(user_certificates::user_id)
            .first(c)
            .optional()?;
        let user_id = user_id.ok_or(PortalError::CertificateNotBound)?;
        let user = super::active_user(c, user_id)?;
        Ok((user, found.id))
    })
}

/// Checks, for a session or token opened with certificate `id`, that this
/// request presents that same certificate and that it is still good.
pub(crate) fn check_still_good(
    c: &mut DbConnection,
    id: i64,
    presented: Option<&Presented>,
) -> Result<(), PortalError> {
    let presented = presented.ok_or(PortalError::CertificateRequired)?;
    let found = find(c, presented)?;
    if found.id != id {
        return Err(PortalError::CertificateMismatch);
    }
    usable(&found)
}

/// Binds the presented certificate to `user` (audited). Refused when it is
/// not ours, not good, or already bound (to anyone).
pub fn bind(
    store: &Store,
    user: &User,
    presented: Option<&Presented>,
) -> Result<BoundCertificate, PortalError> {
    let presented = presented.ok_or(PortalError::CertificateRequired)?;
    let id = store.write(|c| -> Result<i64, PortalError> {
        let found = find(c, presented)?;
        usable(&found)?;
        let owner: Option<i64> = user_certificates::table
            .find(found.id)
            .select(user_certificates::user_id)
            .first(c)
            .optional()?;
        if let Some(owner) = owner {
            let whose = if owner == user.id {
                "this account"
            } else {
                "another account"
            };
            return Err(PortalError::conflict(
                ErrorCode::CertificateBound,
                format!("this certificate is already bound to {whose}"),
            ));
        }
        diesel::insert_into(user_certificates::table)
            .values((
                user_certificates::certificate_id.eq(found.id),
                user_certificates::user_id.eq(user.id),
                user_certificates::bound_at.eq(now()),
            ))
            .execute(c)?;
        record(c, user, AuditAction::UserCertificateBound, found.id)?;
        Ok(found.id)
    })?;
    bound(store, user)?
        .into_iter()
        .find(|b| b.certificate_id == id)
        .ok_or_else(|| PortalError::Internal("bound certificate vanished".into()))
}

/// Unbinds certificate `id` from `user` (audited); its sessions and tokens
/// end with it.
pub fn unbind(store: &Store, user: &User, id: i64) -> Result<(), PortalError> {
    store.write(|c| -> Result<(), PortalError> {
        let gone = diesel::delete(
            user_certificates::table
                .find(id)
                .filter(user_certificates::user_id.eq(user.id)),
        )
        .execute(c)?;
        if gone == 0 {
            return Err(PortalError::NotFound(format!(
                "no certificate {id} is bound to this account"
            )));
        }
        super::end_certificate_sessions(c, user.id, id)?;
        record(c, user, AuditAction::UserCertificateUnbound, id)
    })
}

/// The certificates bound to `user`, newest first.
pub fn bound(store: &Store, user: &User) -> Result<Vec<BoundCertificate>, PortalError> {
    store.read(|c| -> Result<_, PortalError> {
        let links: Vec<(i64, NaiveDateTime)> = user_certificates::table
            .filter(user_certificates::user_id.eq(user.id))
            .select((
                user_certificates::certificate_id,
                user_certificates::bound_at,
            ))
            .order(user_certificates::bound_at.desc())
            .load(c)?;
        let mut out = Vec::with_capacity(links.len());
        for (id, bound_at) in links {
            let facts = client_certs::facts(c, id)?;
            out.push(BoundCertificate {
                certificate_id: id,
                status: status_word(facts.status, facts.not_after).to_owned(),
                serial: facts.serial,
                issuer: facts.issuer_id,
                subject: facts.subject_dn,
                not_after: facts.not_after,
                bound_at,
            });
        }
        Ok(out)
    })
}

fn record(
    c: &mut DbConnection,
    user: &User,
    action: AuditAction,
    id: i64,
) -> Result<(), PortalError> {
    audit::append(
        c,
        AuditEvent {
            actor: &user.actor(),
            action,
            object: &format!("user:{}", user.username),
            details: json!({ "certificate_id": id }),
        },
    )?;
    Ok(())
}
