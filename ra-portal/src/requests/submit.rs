//! Submitting a request: the fields checked against the kind, the target
//! (subscriber, certificate, token or unit) found by the CA core and the
//! submitter authorized for its province, then the CA core's dry run of
//! the command — the same checks it runs again when the request is
//! approved — and only then is the request recorded.

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::command::Command;
use ca_core::registry::current_province;
use ca_core::{Ca, CaError};

use super::{load_in, Kind, RequestInput, RequestRow, SUBMITTED};
use crate::authz::{self, Action};
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::schema::requests;
use crate::user::User;

/// Records a request after every check.
pub fn submit(ca: &Ca, user: &User, input: &RequestInput) -> Result<RequestRow, PortalError> {
    let kind = input.kind();
    let command = input.to_command()?;
    let target = ca.target(&command)?;
    // Another province's target is a missing one, said the same way.
    authz::authorize_object(user, Action::Submit, &target.province, || {
        match &command {
            Command::Token { serial, .. } => CaError::UnknownToken {
                serial: serial.clone(),
            },
            Command::UnitChange(change) => CaError::UnknownUnit { id: change.unit_id },
            _ => match &target.certificate {
                Some((_, serial)) => CaError::UnknownCertificate {
                    serial: serial.clone(),
                },
                None => CaError::UnknownSubscriber {
                    id: target.subscriber_id.unwrap_or_default(),
                },
            },
        }
        .into()
    })?;
    // Moving a subscriber to another province takes the right to submit
    // there as well.
    if let Some(p) = input.moves_to_province() {
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
                    ErrorCode::DuplicateRequest,
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
                action: AuditAction::RequestSubmit,
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
