//! The `unit_change` request: a unit renamed (`unit_name`) or merged into
//! another unit of its province (`merge_into`). One approval changes the
//! registry and records a bulk job replacing every active certificate of
//! the unit's subscribers (see [`crate::bulk`]).

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::registry::{apply_unit_change, plan_unit_change, UnitChange};
use ca_core::Ca;

use super::{expect_submitted, load_in, RequestInput, RequestRow, APPROVED, ISSUED, SUBMITTED};
use crate::authz;
use crate::bulk;
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::schema::requests;
use crate::user::User;

/// Records a unit change request after every check.
/// (The caller has authorized the unit's province.)
pub(super) fn submit(
    ca: &Ca,
    user: &User,
    input: &RequestInput,
    change: &UnitChange,
) -> Result<RequestRow, PortalError> {
    let payload = serde_json::to_string(input)
        .map_err(|e| PortalError::Internal(format!("request payload: {e}")))?;
    ca.store().write(|c| -> Result<RequestRow, PortalError> {
        let plan = plan_unit_change(c, change)?;
        // One open change per unit (either side of a merger).
        let open: Vec<String> = requests::table
            .filter(requests::kind.eq(super::Kind::UnitChange.as_str()))
            .filter(requests::state.eq(SUBMITTED))
            .filter(requests::province.eq(&plan.unit.province))
            .select(requests::payload)
            .load(c)?;
        let ours = [plan.unit.id, plan.target.id];
        let busy = open.iter().any(|p| {
            serde_json::from_str::<RequestInput>(p)
                .is_ok_and(|other| other.units().iter().any(|u| ours.contains(u)))
        });
        if busy {
            return Err(PortalError::conflict(
                ErrorCode::DuplicateRequest,
                "a unit_change request for this unit is waiting for a decision already",
            ));
        }
        let id: i64 = diesel::insert_into(requests::table)
            .values((
                requests::kind.eq(super::Kind::UnitChange.as_str()),
                requests::state.eq(SUBMITTED),
                requests::province.eq(&plan.unit.province),
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
                    "kind": super::Kind::UnitChange.as_str(),
                    "province": plan.unit.province,
                    "unit": plan.unit.id,
                    "action": plan.action.as_str(),
                    "name": plan.name,
                    "into": change.merge_into,
                }),
            },
        )?;
        load_in(c, id)
    })
}

/// Approves a unit change: in one transaction the request becomes
/// approved, the unit is renamed or its subscribers moved, and the bulk
/// job is recorded with one item per active certificate. An empty job
/// ends the request `issued` at once; otherwise a worker carries the job
/// out ([`crate::bulk::Runner::spawn`]).
pub(super) fn approve(
    ca: &Ca,
    user: &User,
    id: i64,
    comment: Option<&str>,
) -> Result<RequestRow, PortalError> {
    ca.store().write(|c| -> Result<RequestRow, PortalError> {
        let row = load_in(c, id)?;
        authz::decide(user, id, &row.province, row.submitted_by)?;
        expect_submitted(&row)?;
        let input: RequestInput = serde_json::from_str(&row.payload)
            .map_err(|e| PortalError::Internal(format!("stored request {id}: {e}")))?;
        let change = match input.to_command()? {
            ca_core::command::Command::UnitChange(change) => change,
            _ => {
                return Err(PortalError::Internal(format!(
                    "stored request {id}: not a unit change"
                )))
            }
        };
        let plan = plan_unit_change(c, &change)?;
        let actor = user.actor();
        diesel::update(requests::table.find(id))
            .set((
                requests::state.eq(APPROVED),
                requests::decided_by.eq(user.id),
                requests::decided_at.eq(now()),
                requests::comment.eq(comment),
            ))
            .execute(c)?;
        audit::append(
            c,
            AuditEvent {
                actor: &actor,
                action: AuditAction::RequestApprove,
                object: &format!("request:{id}"),
                details: json!({ "kind": row.kind, "comment": comment }),
            },
        )?;
        // The certificates are chosen before the subscribers move.
        let job = bulk::create_job(c, id, &plan)?;
        apply_unit_change(c, &plan, &actor, id)?;
        audit::append(
            c,
            AuditEvent {
                actor: &actor,
                action: AuditAction::BulkStart,
                object: &format!("request:{id}"),
                details: json!({
                    "items": job.items,
                    "skipped_suspended": job.skipped_suspended,
                }),
            },
        )?;
        if job.items == 0 {
            bulk::finish_empty(c, id)?;
            diesel::update(requests::table.find(id))
                .set((requests::state.eq(ISSUED), requests::finished_at.eq(now())))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor: &actor,
                    action: AuditAction::RequestIssued,
                    object: &format!("request:{id}"),
                    details: json!({ "items": 0 }),
                },
            )?;
        }
        load_in(c, id)
    })
}
