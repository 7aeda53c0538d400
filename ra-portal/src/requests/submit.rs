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
use ca_core::store::DbConnection;
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
    if let Command::UnitChange(change) = &input.to_command()? {
        // Authorized like any other target, then recorded with its plan.
        authorize(ca, user, input)?;
        return super::unit_change::submit(ca, user, input, change);
    }
    let checked = check(ca, user, input)?;
    ca.store().write(|c| record(c, user, &checked))
}

/// A request that passed every check of [`submit`], ready to be recorded
/// ([`record`]); a batch (`crate::batches`) checks all of its requests
/// before recording any.
#[derive(Debug)]
pub(crate) struct Checked {
    kind: Kind,
    payload: String,
    province: String,
    subscriber_id: Option<i64>,
    certificate: Option<(i64, String)>,
    token: Option<(i64, String)>,
}

/// The checks of [`submit`] (target, authorization, the CA core's dry
/// run) without recording anything. Not for unit changes, which are
/// recorded with their plan.
pub(crate) fn check(ca: &Ca, user: &User, input: &RequestInput) -> Result<Checked, PortalError> {
    let command = input.to_command()?;
    if matches!(command, Command::UnitChange(_)) {
        return Err(PortalError::Internal(
            "a unit change is submitted with its plan".into(),
        ));
    }
    let target = authorize(ca, user, input)?;
    ca.check(&command)?;
    let payload = serde_json::to_string(input)
        .map_err(|e| PortalError::Internal(format!("request payload: {e}")))?;
    Ok(Checked {
        kind: input.kind(),
        payload,
        province: target.province,
        subscriber_id: target.subscriber_id,
        certificate: target.certificate,
        token: target.token,
    })
}

/// The target of `input`, found by the CA core, if `user` may submit
/// about it.
fn authorize(
    ca: &Ca,
    user: &User,
    input: &RequestInput,
) -> Result<ca_core::command::Target, PortalError> {
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
    Ok(target)
}

/// Records a checked request in the caller's transaction, with its audit
/// event; refused when a request of the same kind for the same target
/// waits for a decision (issuances excepted).
pub(crate) fn record(
    c: &mut DbConnection,
    user: &User,
    checked: &Checked,
) -> Result<RequestRow, PortalError> {
    let kind = checked.kind;
    let certificate_id = checked.certificate.as_ref().map(|c| c.0);
    let token_id = checked.token.as_ref().map(|t| t.0);
    {
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
                requests::province.eq(&checked.province),
                requests::subscriber_id.eq(checked.subscriber_id),
                requests::token_id.eq(token_id),
                requests::certificate_id.eq(certificate_id),
                requests::payload.eq(&checked.payload),
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
                    "province": checked.province,
                    "subscriber": checked.subscriber_id,
                    "certificate": checked.certificate.as_ref().map(|c| &c.1),
                    "token": checked.token.as_ref().map(|t| &t.1),
                }),
            },
        )?;
        load_in(c, id)
    }
}
