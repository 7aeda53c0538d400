//! The `unit_change` request: a unit renamed (`unit_name`) or merged into
//! another unit of its province (`merge_into`). One approval changes the
//! registry and records a bulk job replacing every active certificate of
//! the unit's subscribers (see [`crate::bulk`]).

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditEvent};
use ca_core::store::models::UnitRow;
use ca_core::store::schema::{subscribers, units};
use ca_core::store::DbConnection;
use ca_core::Ca;

use super::{expect_submitted, load_in, RequestInput, RequestRow, APPROVED, ISSUED, SUBMITTED};
use crate::accounts::now;
use crate::authz::{self, Action};
use crate::bulk::{self, Action as JobAction};
use crate::schema::requests;
use crate::{PortalError, User};

/// Longest unit name (as when a unit is registered).
const MAX_NAME: usize = 200;

/// A checked unit change.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// The unit renamed, or merged away.
    pub(super) unit: UnitRow,
    /// Rename or merge.
    pub(super) action: JobAction,
    /// The unit the subscribers belong to afterwards.
    pub(super) target: UnitRow,
    /// The name the new certificates carry.
    pub(super) name: String,
}

/// Checks the fields and the units (inside `c`'s transaction).
pub(super) fn plan(c: &mut DbConnection, input: &RequestInput) -> Result<Plan, PortalError> {
    let unit_id = input.unit_id.ok_or_else(|| {
        PortalError::invalid("missing_field", "a unit_change request needs unit_id")
    })?;
    let unit = load_unit(c, unit_id)?;
    match (&input.unit_name, input.merge_into) {
        (Some(_), Some(_)) | (None, None) => Err(PortalError::invalid(
            "invalid_unit_change",
            "give either unit_name (a rename) or merge_into (a merger), not both",
        )),
        (Some(name), None) => {
            let name = clean(name);
            if name.is_empty() || name.chars().count() > MAX_NAME {
                return Err(PortalError::invalid(
                    "invalid_unit_name",
                    format!("the unit name must have 1-{MAX_NAME} characters"),
                ));
            }
            let taken: i64 = units::table
                .filter(units::province.eq(&unit.province))
                .filter(units::name.eq(&name))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(PortalError::conflict(
                    "unit_name_taken",
                    format!("{} has a unit named {name:?} already", unit.province),
                ));
            }
            Ok(Plan {
                target: unit.clone(),
                unit,
                action: JobAction::Rename,
                name,
            })
        }
        (None, Some(into)) => {
            if into == unit.id {
                return Err(PortalError::invalid(
                    "self_merge",
                    "a unit cannot be merged into itself",
                ));
            }
            let target = load_unit(c, into)?;
            if target.province != unit.province {
                return Err(PortalError::invalid(
                    "other_province",
                    format!(
                        "unit {} is in {}, not in {}: a unit merges into a unit of its own province",
                        target.id, target.province, unit.province
                    ),
                ));
            }
            Ok(Plan {
                name: target.name.clone(),
                target,
                unit,
                action: JobAction::Merge,
            })
        }
    }
}

/// Records a unit change request after every check.
pub(super) fn submit(
    ca: &Ca,
    user: &User,
    input: &RequestInput,
) -> Result<RequestRow, PortalError> {
    let payload = serde_json::to_string(input)
        .map_err(|e| PortalError::Internal(format!("request payload: {e}")))?;
    ca.store().write(|c| -> Result<RequestRow, PortalError> {
        if let Some(unit) = input.unit_id {
            authz::authorize(user, Action::Submit, &load_unit(c, unit)?.province)?;
        }
        let plan = plan(c, input)?;
        // One open change per unit (either side of a merger).
        let open: Vec<String> = requests::table
            .filter(requests::kind.eq(super::Kind::UnitChange.as_str()))
            .filter(requests::state.eq(SUBMITTED))
            .filter(requests::province.eq(&plan.unit.province))
            .select(requests::payload)
            .load(c)?;
        let ours = [plan.unit.id, plan.target.id];
        let busy = open.iter().any(|p| {
            serde_json::from_str::<RequestInput>(p).is_ok_and(|other| {
                other.unit_id.is_some_and(|u| ours.contains(&u))
                    || other.merge_into.is_some_and(|u| ours.contains(&u))
            })
        });
        if busy {
            return Err(PortalError::conflict(
                "duplicate_request",
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
                action: "request.submit",
                object: &format!("request:{id}"),
                details: json!({
                    "kind": super::Kind::UnitChange.as_str(),
                    "province": plan.unit.province,
                    "unit": plan.unit.id,
                    "action": plan.action.as_str(),
                    "name": plan.name,
                    "into": input.merge_into,
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
        authz::decide(user, &row.province, row.submitted_by)?;
        expect_submitted(&row)?;
        let input: RequestInput = serde_json::from_str(&row.payload)
            .map_err(|e| PortalError::Internal(format!("stored request {id}: {e}")))?;
        let plan = plan(c, &input)?;
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
                action: "request.approve",
                object: &format!("request:{id}"),
                details: json!({ "kind": row.kind, "comment": comment }),
            },
        )?;
        // The certificates are chosen before the subscribers move.
        let job = bulk::create_job(c, id, plan.action, &plan.unit, &plan.target, &plan.name)?;
        match plan.action {
            JobAction::Rename => {
                diesel::update(units::table.find(plan.unit.id))
                    .set(units::name.eq(&plan.name))
                    .execute(c)?;
                audit::append(
                    c,
                    AuditEvent {
                        actor: &actor,
                        action: "unit.rename",
                        object: &format!("unit:{}", plan.unit.id),
                        details: json!({
                            "from": plan.unit.name,
                            "to": plan.name,
                            "request": id,
                        }),
                    },
                )?;
            }
            JobAction::Merge => {
                let moved = diesel::update(
                    subscribers::table.filter(subscribers::unit_id.eq(plan.unit.id)),
                )
                .set((
                    subscribers::unit_id.eq(plan.target.id),
                    subscribers::updated_at.eq(now()),
                ))
                .execute(c)?;
                audit::append(
                    c,
                    AuditEvent {
                        actor: &actor,
                        action: "unit.merge",
                        object: &format!("unit:{}", plan.unit.id),
                        details: json!({
                            "into": plan.target.id,
                            "name": plan.target.name,
                            "subscribers": moved,
                            "request": id,
                        }),
                    },
                )?;
            }
        }
        audit::append(
            c,
            AuditEvent {
                actor: &actor,
                action: "bulk.start",
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
                    action: "request.issued",
                    object: &format!("request:{id}"),
                    details: json!({ "items": 0 }),
                },
            )?;
        }
        load_in(c, id)
    })
}

fn load_unit(c: &mut DbConnection, id: i64) -> Result<UnitRow, PortalError> {
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| PortalError::NotFound(format!("no unit {id}")))
}

/// NFC, single spaces, trimmed (as unit names are registered).
fn clean(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}
