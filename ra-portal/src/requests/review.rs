//! What an approver sees before deciding a request: what will be issued
//! (`Ca::preview`: the subject as the certificate will carry it, validity,
//! key and its SHA-256 fingerprint, the CSR's own subject and its
//! differences), the dry run's verdict (`Ca::check`: accepted, or the
//! refusal), for a unit change the units by name and the certificates it
//! will replace; and, once carried out, the resulting certificate's serial.

use serde_json::{json, Value};

use ca_core::views::certificates as view;
use ca_core::Ca;

use super::{RequestInput, RequestRow, SUBMITTED};
use crate::error::PortalError;

/// Most certificates a unit change's review lists (the count is always
/// the whole).
const LISTED: usize = 1000;

/// A request's review: its JSON (merged into the request's API
/// representation) and, for a request waiting for a decision that the CA
/// would refuse now, the refusal.
#[derive(Debug)]
pub struct Review {
    /// `result_serial`, and `check`, `preview`, `unit_change` where they
    /// apply.
    pub json: Value,
    /// What the dry run refuses, if it does.
    pub refusal: Option<PortalError>,
}

/// The review of request `row` (already authorized for reading).
pub fn review(ca: &Ca, row: &RequestRow) -> Result<Review, PortalError> {
    let mut out = json!({ "result_serial": result_serial(ca, row)? });
    let Ok(input) = serde_json::from_str::<RequestInput>(&row.payload) else {
        return Ok(Review {
            json: out,
            refusal: None,
        });
    };
    if let RequestInput::UnitChange {
        unit_id,
        merge_into,
        unit_name,
    } = &input
    {
        out["unit_change"] = unit_change(ca, row, *unit_id, *merge_into, unit_name.as_deref())?;
    }
    if row.state != SUBMITTED {
        return Ok(Review {
            json: out,
            refusal: None,
        });
    }
    let command = input.to_command()?;
    let refused = ca.check(&command).err().map(PortalError::from);
    out["check"] = match &refused {
        None => json!({ "accepted": true }),
        Some(e) => refusal(e),
    };
    if let Ok(Some(preview)) = ca.preview(&command) {
        out["preview"] = json!(preview);
    }
    Ok(Review {
        json: out,
        refusal: refused,
    })
}

/// The serials of the certificates requests produced, by request id.
pub fn result_serials(ca: &Ca, rows: &[RequestRow]) -> Result<Vec<Option<String>>, PortalError> {
    rows.iter().map(|r| result_serial(ca, r)).collect()
}

fn result_serial(ca: &Ca, row: &RequestRow) -> Result<Option<String>, PortalError> {
    let Some(id) = row.result_certificate_id else {
        return Ok(None);
    };
    Ok(ca
        .store()
        .read(|c| -> Result<_, PortalError> { Ok(view::by_id(c, id)?) })?
        .map(|cert| cert.serial))
}

/// A refusal as the API words it.
fn refusal(e: &PortalError) -> Value {
    let (status, code) = e.code();
    json!({ "accepted": false, "status": status, "code": code, "message": e.to_string() })
}

/// The units of a unit change by name, and (while it waits for a
/// decision) the certificates it will replace.
fn unit_change(
    ca: &Ca,
    row: &RequestRow,
    unit_id: i64,
    merge_into: Option<i64>,
    new_name: Option<&str>,
) -> Result<Value, PortalError> {
    let name = |id: i64| ca.unit(id).map(|u| u.name).ok();
    let mut out = json!({
        "unit": { "id": unit_id, "name": name(unit_id) },
        "merge_into": merge_into.map(|id| json!({ "id": id, "name": name(id) })),
        "new_name": new_name,
    });
    if row.state != SUBMITTED {
        return Ok(out);
    }
    let (count, suspended, listed) = ca.store().read(|c| -> Result<_, PortalError> {
        let planned = ca_core::registry::unit_certificates(c, unit_id)?;
        let mut list = Vec::new();
        for id in planned.good.iter().take(LISTED) {
            if let Some(cert) = view::by_id(c, *id)? {
                list.push(json!({
                    "serial": cert.serial,
                    "subject": cert.subject_dn,
                    "not_after": cert.not_after.and_utc().to_rfc3339(),
                }));
            }
        }
        Ok((planned.good.len(), planned.suspended, list))
    })?;
    out["replaced_count"] = json!(count);
    out["suspended_left"] = json!(suspended);
    out["replaced"] = json!(listed);
    Ok(out)
}
