//! Submitting a request: the target (subscriber, certificate or token) is
//! resolved, the submitter authorized for its province, every field and
//! the target's state checked — the same checks run again at approval —
//! and only then is the request recorded.

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditEvent};
use ca_core::csr::parse_csr;
use ca_core::registry::{
    check_token_transition, current_province, TOKEN_ACTIVE, TOKEN_DAMAGED, TOKEN_LOST,
    TOKEN_RETIRED, TOKEN_SUSPENDED,
};
use ca_core::serial::Serial;
use ca_core::status::{CertStatus, RevocationReason};
use ca_core::store::models::{CertificateRow, SubscriberRow, TokenRow};
use ca_core::store::schema::{blocked_keys, certificates, subscribers, tokens};
use ca_core::{Ca, CaError};

use super::{load_in, Kind, RequestRow, SUBMITTED};
use crate::accounts::now;
use crate::authz::{self, Action};
use crate::schema::requests;
use crate::{PortalError, User};

/// Largest CSR accepted (PEM text).
const MAX_CSR: usize = 64 * 1024;

/// A request as submitted (`POST /api/v1/requests`), stored as its
/// payload. Which fields apply depends on the kind.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// issue, renew, change_info, reissue, suspend, restore, revoke,
    /// token_suspend, token_found, token_lost, token_damaged, token_retire, unit_change.
    pub kind: String,
    /// issue: the subscriber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber_id: Option<i64>,
    /// issue: the profile (default: the subscriber's kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// issue, reissue (required); renew, change_info (optional new key):
    /// the PKCS#10 request as PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr: Option<String>,
    /// issue, reissue: the token the key is on; token_*: the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// issue, renew, change_info, reissue: validity in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// renew … revoke: the certificate's serial (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// revoke (required), reissue, change_info: the RFC 5280 reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// change_info: the new registry data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesInput>,
    /// unit_change: the unit renamed or merged away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<i64>,
    /// unit_change (rename): the unit's new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_name: Option<String>,
    /// unit_change (merger): the unit of the same province it merges into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_into: Option<i64>,
}

/// The registry changes of a change of information.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesInput {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// New parent agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// New locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// New province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// New e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ChangesInput {
    /// The CA core's form.
    pub fn to_core(&self) -> ca_core::registry::SubscriberChanges {
        ca_core::registry::SubscriberChanges {
            name: self.name.clone(),
            title: self.title.clone(),
            unit: self.unit.clone(),
            organization: self.organization.clone(),
            locality: self.locality.clone(),
            province: self.province.clone(),
            email: self.email.clone(),
        }
    }
}

/// What a request is about.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub(super) province: String,
    pub(super) subscriber: SubscriberRow,
    pub(super) certificate: Option<CertificateRow>,
    pub(super) token: Option<TokenRow>,
}

/// Records a request after every check.
pub fn submit(ca: &Ca, user: &User, input: &RequestInput) -> Result<RequestRow, PortalError> {
    let kind: Kind = input.kind.parse()?;
    check_fields(kind, input)?;
    if kind == Kind::UnitChange {
        return super::unit_change::submit(ca, user, input);
    }
    let target = resolve(ca, kind, input)?;
    authz::authorize(user, Action::Submit, &target.province)?;
    // Moving a subscriber to another province takes the right to submit
    // there as well.
    if let Some(p) = input.changes.as_ref().and_then(|c| c.province.as_deref()) {
        let (moved_to, _) = current_province(p)?;
        authz::authorize(user, Action::Submit, &moved_to)?;
    }
    check(ca, kind, input, &target)?;
    let payload = serde_json::to_string(input)
        .map_err(|e| PortalError::Internal(format!("request payload: {e}")))?;
    let certificate_id = target.certificate.as_ref().map(|c| c.id);
    let token_id = target.token.as_ref().map(|t| t.id);
    ca.store().write(|c| -> Result<RequestRow, PortalError> {
        if kind != Kind::Issue {
            let mut q = requests::table
                .filter(requests::kind.eq(kind.as_str()))
                .filter(requests::state.eq(SUBMITTED))
                .count()
                .into_boxed();
            if let Some(id) = certificate_id {
                q = q.filter(requests::certificate_id.eq(id));
            }
            if let Some(id) = token_id {
                q = q.filter(requests::token_id.eq(id));
            }
            let open: i64 = q.get_result(c)?;
            if open > 0 {
                return Err(PortalError::conflict(
                    "duplicate_request",
                    format!("a {kind} request for this target is waiting for a decision already"),
                ));
            }
        }
        let id: i64 = diesel::insert_into(requests::table)
            .values((
                requests::kind.eq(kind.as_str()),
                requests::state.eq(SUBMITTED),
                requests::province.eq(&target.province),
                requests::subscriber_id.eq(target.subscriber.id),
                requests::token_id.eq(token_id),
                requests::certificate_id.eq(certificate_id),
                requests::payload.eq(&payload),
                requests::submitted_by.eq(user.id),
                requests::submitted_at.eq(now()),
            ))
            .returning(requests::id)
            .get_result(c)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: "request.submit",
                object: &format!("request:{id}"),
                details: json!({
                    "kind": kind.as_str(),
                    "province": target.province,
                    "subscriber": target.subscriber.id,
                    "certificate": target.certificate.as_ref().map(|c| &c.serial),
                    "token": target.token.as_ref().map(|t| &t.serial),
                }),
            },
        )?;
        load_in(c, id)
    })
}

/// Resolves and checks the target again (approval).
pub(super) fn check_target(ca: &Ca, kind: Kind, input: &RequestInput) -> Result<(), PortalError> {
    let target = resolve(ca, kind, input)?;
    check(ca, kind, input, &target)
}

/// Refuses fields the kind does not use, and missing required ones.
fn check_fields(kind: Kind, input: &RequestInput) -> Result<(), PortalError> {
    let given: [(&str, bool); 11] = [
        ("subscriber_id", input.subscriber_id.is_some()),
        ("profile", input.profile.is_some()),
        ("csr", input.csr.is_some()),
        ("token", input.token.is_some()),
        ("days", input.days.is_some()),
        ("serial", input.serial.is_some()),
        ("reason", input.reason.is_some()),
        ("changes", input.changes.is_some()),
        ("unit_id", input.unit_id.is_some()),
        ("unit_name", input.unit_name.is_some()),
        ("merge_into", input.merge_into.is_some()),
    ];
    let (required, optional): (&[&str], &[&str]) = match kind {
        Kind::Issue => (&["subscriber_id", "csr"], &["profile", "token", "days"]),
        Kind::Renew => (&["serial"], &["csr", "days"]),
        Kind::ChangeInfo => (&["serial", "changes"], &["csr", "days", "reason"]),
        Kind::Reissue => (&["serial", "csr"], &["token", "days", "reason"]),
        Kind::Suspend | Kind::Restore => (&["serial"], &[]),
        Kind::Revoke => (&["serial", "reason"], &[]),
        Kind::TokenLost
        | Kind::TokenFound
        | Kind::TokenDamaged
        | Kind::TokenSuspend
        | Kind::TokenRetire => (&["token"], &[]),
        Kind::UnitChange => (&["unit_id"], &["unit_name", "merge_into"]),
    };
    for (field, present) in given {
        if present && !required.contains(&field) && !optional.contains(&field) {
            return Err(PortalError::invalid(
                "field_not_allowed",
                format!("{field} does not apply to a {kind} request"),
            ));
        }
        if !present && required.contains(&field) {
            return Err(PortalError::invalid(
                "missing_field",
                format!("a {kind} request needs {field}"),
            ));
        }
    }
    if let Some(csr) = &input.csr {
        if csr.len() > MAX_CSR {
            return Err(PortalError::invalid(
                "csr_too_large",
                format!("the CSR is larger than {} KiB", MAX_CSR / 1024),
            ));
        }
    }
    Ok(())
}

/// The subscriber, certificate or token a request is about, and its
/// province.
fn resolve(ca: &Ca, kind: Kind, input: &RequestInput) -> Result<Target, PortalError> {
    ca.store().read(|c| -> Result<Target, PortalError> {
        let (subscriber_id, certificate, token) = if kind == Kind::Issue {
            let token = match input.token.as_deref() {
                Some(serial) => Some(token_row(c, serial)?),
                None => None,
            };
            let id = input
                .subscriber_id
                .ok_or_else(|| PortalError::invalid("missing_field", "subscriber_id"))?;
            (id, None, token)
        } else if kind.on_certificate() {
            let serial = input.serial.as_deref().unwrap_or_default();
            let serial: Serial = serial.parse().map_err(|e: ca_core::serial::SerialError| {
                PortalError::invalid("invalid_serial", e.to_string())
            })?;
            let mut rows: Vec<CertificateRow> = certificates::table
                .filter(certificates::serial.eq(serial.to_hex()))
                .select(CertificateRow::as_select())
                .limit(2)
                .load(c)?;
            if rows.len() > 1 {
                return Err(CaError::AmbiguousSerial {
                    serial: serial.to_hex(),
                    issuers: rows
                        .iter()
                        .map(|r| r.issuer_id.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
                .into());
            }
            let row = rows.pop().ok_or_else(|| {
                PortalError::NotFound(format!("no certificate with serial {}", serial.to_hex()))
            })?;
            let id = row.subscriber_id.ok_or_else(|| {
                PortalError::invalid(
                    "not_a_subscriber_certificate",
                    format!(
                        "certificate {} is a CA certificate, not a subscriber's",
                        row.serial
                    ),
                )
            })?;
            (id, Some(row), None)
        } else {
            let token = token_row(c, input.token.as_deref().unwrap_or_default())?;
            let id = token.subscriber_id.ok_or_else(|| {
                PortalError::invalid(
                    "token_without_holder",
                    format!("token {} has no holder", token.serial),
                )
            })?;
            (id, None, Some(token))
        };
        let subscriber: SubscriberRow = subscribers::table
            .find(subscriber_id)
            .select(SubscriberRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| PortalError::NotFound(format!("no subscriber {subscriber_id}")))?;
        Ok(Target {
            province: subscriber.province.clone(),
            subscriber,
            certificate,
            token,
        })
    })
}

/// The fields and the target's state allow the request.
fn check(ca: &Ca, kind: Kind, input: &RequestInput, target: &Target) -> Result<(), PortalError> {
    if let Some(csr) = &input.csr {
        let key = parse_csr(csr.as_bytes()).map_err(CaError::from)?;
        let spki = key.spki_sha256_hex();
        let blocked: Option<String> = ca.store().read(|c| -> Result<_, PortalError> {
            Ok(blocked_keys::table
                .find(&spki)
                .select(blocked_keys::reason)
                .first(c)
                .optional()?)
        })?;
        if let Some(reason) = blocked {
            return Err(CaError::KeyBlocked {
                spki_sha256: spki,
                reason,
            }
            .into());
        }
    }
    if let Some(days) = input.days {
        let profile_name = match &target.certificate {
            Some(cert) => cert.profile.clone(),
            None => input
                .profile
                .clone()
                .unwrap_or_else(|| target.subscriber.kind.clone()),
        };
        let profile = ca.profiles().get(&profile_name).map_err(CaError::from)?;
        let max = if kind == Kind::Renew {
            profile.max_renewal_days
        } else {
            profile.max_days
        };
        if days == 0 || days > max {
            return Err(PortalError::invalid(
                "invalid_days",
                format!("days must be 1-{max} for a {kind} with profile {profile_name:?}"),
            ));
        }
    }
    let reason = input
        .reason
        .as_deref()
        .map(str::parse::<RevocationReason>)
        .transpose()?;
    match kind {
        Kind::Issue => {
            let profile = input
                .profile
                .clone()
                .unwrap_or_else(|| target.subscriber.kind.clone());
            ca.profiles().get(&profile).map_err(CaError::from)?;
            if let Some(token) = &target.token {
                if token.subscriber_id != Some(target.subscriber.id) {
                    return Err(CaError::TokenUnusable {
                        serial: token.serial.clone(),
                        reason: format!("it is not held by subscriber {}", target.subscriber.id),
                    }
                    .into());
                }
                expect_token(token, TOKEN_ACTIVE, "be used for a new certificate")?;
            }
        }
        Kind::Renew => expect_cert(target, &[CertStatus::Good], "renew")?,
        Kind::ChangeInfo => {
            expect_cert(
                target,
                &[CertStatus::Good, CertStatus::Suspended],
                "change-info",
            )?;
            let changes = input.changes.as_ref().map(ChangesInput::to_core);
            if changes.as_ref().is_none_or(|c| c.is_empty()) {
                return Err(PortalError::invalid(
                    "missing_field",
                    "a change_info request needs at least one change",
                ));
            }
            if let Some(p) = input.changes.as_ref().and_then(|c| c.province.as_deref()) {
                current_province(p)?;
            }
            check_reason(
                reason,
                &[
                    RevocationReason::Superseded,
                    RevocationReason::AffiliationChanged,
                ],
            )?;
        }
        Kind::Reissue => {
            expect_cert(
                target,
                &[CertStatus::Good, CertStatus::Suspended],
                "reissue",
            )?;
            check_reason(
                reason,
                &[
                    RevocationReason::Superseded,
                    RevocationReason::KeyCompromise,
                ],
            )?;
        }
        Kind::Suspend => expect_cert(target, &[CertStatus::Good], "suspend")?,
        Kind::Restore => expect_cert(target, &[CertStatus::Suspended], "restore")?,
        Kind::Revoke => {
            expect_cert(target, &[CertStatus::Good, CertStatus::Suspended], "revoke")?;
            if reason == Some(RevocationReason::CertificateHold) {
                return Err(PortalError::invalid(
                    "invalid_reason",
                    "certificate-hold is a suspension: submit a suspend request",
                ));
            }
        }
        Kind::TokenSuspend
        | Kind::TokenFound
        | Kind::TokenLost
        | Kind::TokenDamaged
        | Kind::TokenRetire => {
            let token = target.token.as_ref().ok_or_else(missing_token)?;
            let to = match kind {
                Kind::TokenSuspend => TOKEN_SUSPENDED,
                Kind::TokenFound => TOKEN_ACTIVE,
                Kind::TokenLost => TOKEN_LOST,
                Kind::TokenDamaged => TOKEN_DAMAGED,
                _ => TOKEN_RETIRED,
            };
            check_token_transition(token, to)?;
        }
        // Checked by `unit_change::plan`, never through a target.
        Kind::UnitChange => {}
    }
    Ok(())
}

fn check_reason(
    reason: Option<RevocationReason>,
    allowed: &[RevocationReason],
) -> Result<(), PortalError> {
    match reason {
        Some(r) if !allowed.contains(&r) => Err(PortalError::invalid(
            "invalid_reason",
            format!(
                "the reason must be one of {}",
                allowed
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

fn expect_cert(
    target: &Target,
    allowed: &[CertStatus],
    operation: &'static str,
) -> Result<(), PortalError> {
    let cert = target
        .certificate
        .as_ref()
        .ok_or_else(|| PortalError::invalid("missing_field", "serial"))?;
    if CertStatus::parse(&cert.status).is_some_and(|s| allowed.contains(&s)) {
        return Ok(());
    }
    let mut status = cert.status.clone();
    if let Some(r) = &cert.revocation_reason {
        status = format!("{status} ({r})");
    }
    Err(CaError::InvalidTransition {
        serial: cert.serial.clone(),
        operation,
        status,
    }
    .into())
}

fn expect_token(token: &TokenRow, status: &str, what: &str) -> Result<(), PortalError> {
    if token.status == status {
        return Ok(());
    }
    Err(CaError::TokenUnusable {
        serial: token.serial.clone(),
        reason: format!("it is {}: only a {status} token can {what}", token.status),
    }
    .into())
}

fn missing_token() -> PortalError {
    PortalError::invalid("missing_field", "token")
}

fn token_row(c: &mut ca_core::store::DbConnection, serial: &str) -> Result<TokenRow, PortalError> {
    tokens::table
        .filter(tokens::serial.eq(serial.trim()))
        .select(TokenRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| PortalError::NotFound(format!("no token {:?}", serial.trim())))
}
