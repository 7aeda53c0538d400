//! Submitting a request: the fields checked against the kind, the target
//! (subscriber, certificate, token or unit) found by the CA core and the
//! submitter authorized for its province, then the CA core's dry run of
//! the command — the same checks it runs again when the request is
//! approved — and only then is the request recorded.

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditEvent};
use ca_core::command::{Command, TokenChange};
use ca_core::registry::{current_province, UnitChange};
use ca_core::status::RevocationReason;
use ca_core::Ca;

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

impl RequestInput {
    /// The CA core's command for a request of `kind` whose fields passed
    /// [`check_fields`].
    pub fn to_command(&self, kind: Kind) -> Result<Command, PortalError> {
        let serial = || -> Result<ca_core::serial::Serial, PortalError> {
            let text = self.serial.as_deref().ok_or_else(|| missing("serial"))?;
            text.parse().map_err(|e: ca_core::serial::SerialError| {
                PortalError::invalid("invalid_serial", e.to_string())
            })
        };
        let reason = self
            .reason
            .as_deref()
            .map(str::parse::<RevocationReason>)
            .transpose()?;
        let token = |change| -> Result<Command, PortalError> {
            Ok(Command::Token {
                serial: self.token.clone().ok_or_else(|| missing("token"))?,
                change,
            })
        };
        Ok(match kind {
            Kind::Issue => Command::Issue {
                subscriber_id: self.subscriber_id.ok_or_else(|| missing("subscriber_id"))?,
                profile: self.profile.clone(),
                csr: self.csr.clone().ok_or_else(|| missing("csr"))?,
                token: self.token.clone(),
                days: self.days,
            },
            Kind::Renew => Command::Renew {
                serial: serial()?,
                csr: self.csr.clone(),
                days: self.days,
            },
            Kind::ChangeInfo => Command::ChangeInfo {
                serial: serial()?,
                changes: self
                    .changes
                    .as_ref()
                    .map(ChangesInput::to_core)
                    .unwrap_or_default(),
                csr: self.csr.clone(),
                days: self.days,
                reason,
            },
            Kind::Reissue => Command::Reissue {
                serial: serial()?,
                csr: self.csr.clone().ok_or_else(|| missing("csr"))?,
                token: self.token.clone(),
                days: self.days,
                reason,
            },
            Kind::Suspend => Command::Suspend { serial: serial()? },
            Kind::Restore => Command::Restore { serial: serial()? },
            Kind::Revoke => Command::Revoke {
                serial: serial()?,
                reason: reason.ok_or_else(|| missing("reason"))?,
            },
            Kind::TokenLost => token(TokenChange::Lost)?,
            Kind::TokenFound => token(TokenChange::Found)?,
            Kind::TokenDamaged => token(TokenChange::Damaged)?,
            Kind::TokenSuspend => token(TokenChange::Suspend)?,
            Kind::TokenRetire => token(TokenChange::Retire)?,
            Kind::UnitChange => Command::UnitChange(UnitChange {
                unit_id: self.unit_id.ok_or_else(|| missing("unit_id"))?,
                unit_name: self.unit_name.clone(),
                merge_into: self.merge_into,
            }),
        })
    }
}

/// Records a request after every check.
pub fn submit(ca: &Ca, user: &User, input: &RequestInput) -> Result<RequestRow, PortalError> {
    let kind: Kind = input.kind.parse()?;
    check_fields(kind, input)?;
    let command = input.to_command(kind)?;
    let target = ca.target(&command)?;
    authz::authorize(user, Action::Submit, &target.province)?;
    // Moving a subscriber to another province takes the right to submit
    // there as well.
    if let Some(p) = input.changes.as_ref().and_then(|c| c.province.as_deref()) {
        let (moved_to, _) = current_province(p)?;
        authz::authorize(user, Action::Submit, &moved_to)?;
    }
    if let Command::UnitChange(change) = &command {
        return super::unit_change::submit(ca, user, input, change);
    }
    ca.check(&command)?;
    let payload = serde_json::to_string(input)
        .map_err(|e| PortalError::Internal(format!("request payload: {e}")))?;
    let certificate_id = target.certificate.as_ref().map(|c| c.0);
    let token_id = target.token.as_ref().map(|t| t.0);
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
                requests::subscriber_id.eq(target.subscriber_id),
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
                    "subscriber": target.subscriber_id,
                    "certificate": target.certificate.as_ref().map(|c| &c.1),
                    "token": target.token.as_ref().map(|t| &t.1),
                }),
            },
        )?;
        load_in(c, id)
    })
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

fn missing(field: &str) -> PortalError {
    PortalError::invalid("missing_field", format!("the request needs {field}"))
}
