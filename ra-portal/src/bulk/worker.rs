//! Carrying out a bulk job: [`process`] replaces pending items in batches
//! through [`Ca::change_info_batch`] under a lease on the job (so two
//! processes never run one job at once), [`Runner`] runs it on a thread
//! (the CA core is blocking), [`resume`] restarts unfinished jobs when the
//! portal is mounted.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::lifecycle::{CertificateBrief, CertificateRef, ReplaceRequest};
use ca_core::serial::Serial;
use ca_core::status::{CertStatus, RevocationReason};
use ca_core::store::DbConnection;
use ca_core::Ca;

use super::{counts, Counts, ItemRow, DONE, FAILED, PENDING};
use crate::accounts;
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::request_record as requests;
use crate::schema::{bulk_items, bulk_jobs, requests as requests_table};

/// Certificates replaced per batch (one record and one store transaction).
const BATCH: usize = 100;
/// How long a worker's claim on a job lasts without being renewed.
const LEASE_SECONDS: i64 = 60;
/// How long a worker waits before trying a job another worker holds.
const BUSY_WAIT: Duration = Duration::from_secs(5);
/// Failed items' errors quoted in the request's error.
const ERRORS_QUOTED: usize = 3;

/// What a call of [`process`] did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Items it ended (done or failed).
    pub processed: usize,
    /// The job's counts afterwards.
    pub counts: Counts,
    /// Whether the job is finished (no item pending).
    pub finished: bool,
}

/// Processes at most `max` pending items of the job of request
/// `request_id` (all when `None`), then, when none is pending any more,
/// ends the request: `issued` when every item is done, `failed` (with the
/// count and the first errors) otherwise. Refused with `job_busy` while
/// another worker holds the job.
pub fn process(ca: &Ca, request_id: i64, max: Option<usize>) -> Result<Progress, PortalError> {
    let store = ca.store();
    let token = crate::random::secret_256()?;
    let claimed = store.write(|c| claim(c, request_id, &token))?;
    if !claimed {
        let job = store.read(|c| super::load_job(c, request_id))?;
        if job.finished_at.is_some() {
            let counts = store.read(|c| counts(c, request_id))?;
            return Ok(Progress {
                processed: 0,
                counts,
                finished: true,
            });
        }
        return Err(PortalError::conflict(
            ErrorCode::JobBusy,
            format!("another worker is carrying out the job of request {request_id}"),
        ));
    }
    let outcome = run_batches(ca, request_id, max, &token);
    let released = store.write(|c| -> Result<(), PortalError> {
        diesel::update(
            bulk_jobs::table
                .find(request_id)
                .filter(bulk_jobs::claimed_by.eq(&token)),
        )
        .set((
            bulk_jobs::claimed_by.eq(None::<String>),
            bulk_jobs::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(c)?;
        Ok(())
    });
    let (processed, actor) = outcome?;
    released?;
    let counts = store.read(|c| counts(c, request_id))?;
    let finished = counts.pending == 0;
    if finished {
        finish(ca, request_id, &actor)?;
    }
    Ok(Progress {
        processed,
        counts,
        finished,
    })
}

/// The batches of one claim: (items ended, the approver's actor).
fn run_batches(
    ca: &Ca,
    request_id: i64,
    max: Option<usize>,
    token: &str,
) -> Result<(usize, String), PortalError> {
    let store = ca.store();
    let request = store.read(|c| requests::load_in(c, request_id))?;
    let approver = request.decided_by.ok_or_else(|| {
        PortalError::Internal(format!("request {request_id} has a job but no approver"))
    })?;
    let actor = accounts::user_by_id(store, approver)?.actor();
    let mut processed = 0;
    loop {
        let room = max.map_or(BATCH, |m| m.saturating_sub(processed).min(BATCH));
        if room == 0 {
            break;
        }
        let items: Vec<ItemRow> = store.read(|c| -> Result<_, PortalError> {
            Ok(bulk_items::table
                .filter(bulk_items::request_id.eq(request_id))
                .filter(bulk_items::state.eq(PENDING))
                .select(ItemRow::as_select())
                .order(bulk_items::id.asc())
                .limit(i64::try_from(room).unwrap_or(i64::MAX))
                .load(c)?)
        })?;
        if items.is_empty() {
            break;
        }
        let outcomes = replace_items(ca, &items, &actor)?;
        let kept = store.write(|c| -> Result<bool, PortalError> {
            let at = now();
            for (item, outcome) in items.iter().zip(&outcomes) {
                let (state, new_id, error) = match outcome {
                    Ok(id) => (DONE, Some(*id), None),
                    Err(e) => (FAILED, None, Some(e.as_str())),
                };
                diesel::update(
                    bulk_items::table
                        .find(item.id)
                        .filter(bulk_items::state.eq(PENDING)),
                )
                .set((
                    bulk_items::state.eq(state),
                    bulk_items::new_certificate_id.eq(new_id),
                    bulk_items::error.eq(error),
                    bulk_items::updated_at.eq(at),
                ))
                .execute(c)?;
            }
            Ok(diesel::update(
                bulk_jobs::table
                    .find(request_id)
                    .filter(bulk_jobs::claimed_by.eq(token)),
            )
            .set(bulk_jobs::claimed_until.eq(lease_end(at)))
            .execute(c)?
                == 1)
        })?;
        processed += items.len();
        if !kept {
            return Err(PortalError::conflict(
                ErrorCode::JobBusy,
                format!("the worker lost its claim on the job of request {request_id}"),
            ));
        }
    }
    Ok((processed, actor))
}

/// Replaces the certificates of `items`: the new certificate's id, or
/// why not. A certificate replaced already (a worker stopped between the
/// CA's commit and its own) counts as done with that replacement.
fn replace_items(
    ca: &Ca,
    items: &[ItemRow],
    actor: &str,
) -> Result<Vec<Result<i64, String>>, PortalError> {
    let store = ca.store();
    let ids: Vec<i64> = items.iter().map(|i| i.certificate_id).collect();
    let (olds, replaced) = store.read(|c| -> Result<_, PortalError> {
        let olds = ca_core::lifecycle::briefs(c, &ids)?;
        Ok((olds, ca_core::lifecycle::replacements(c, &ids)?))
    })?;
    let mut outcomes: Vec<Option<Result<i64, String>>> = Vec::with_capacity(items.len());
    let mut todo: Vec<(usize, ReplaceRequest<'_>)> = Vec::new();
    for (n, item) in items.iter().enumerate() {
        if let Some(new_id) = replaced.get(&item.certificate_id) {
            outcomes.push(Some(Ok(*new_id)));
            continue;
        }
        let Some(CertificateBrief {
            issuer_id: issuer,
            serial,
            status,
        }) = olds.get(&item.certificate_id)
        else {
            outcomes.push(Some(Err(format!(
                "certificate {} no longer exists",
                item.certificate_id
            ))));
            continue;
        };
        if *status != CertStatus::Good {
            outcomes.push(Some(Err(format!(
                "certificate {serial} is {status} now: only a good certificate is replaced"
            ))));
            continue;
        }
        let serial: Serial = match serial.parse() {
            Ok(s) => s,
            Err(e) => {
                outcomes.push(Some(Err(format!("certificate {serial}: {e}"))));
                continue;
            }
        };
        outcomes.push(None);
        todo.push((
            n,
            ReplaceRequest {
                cert: CertificateRef {
                    serial,
                    issuer: Some(issuer.clone()),
                },
                csr: None,
                days: None,
                reason: Some(RevocationReason::Superseded),
                token: None,
                // The registry was changed with the approval: the subject
                // comes from it as it is now.
                changes: ca_core::registry::SubscriberChanges::default(),
                actor,
            },
        ));
    }
    if !todo.is_empty() {
        let reqs: Vec<ReplaceRequest<'_>> = todo.iter().map(|(_, r)| r.clone()).collect();
        let results = ca.change_info_batch(&reqs);
        let issued_ids: Vec<i64> = todo.iter().map(|(n, _)| items[*n].certificate_id).collect();
        let now_replaced = store.read(|c| ca_core::lifecycle::replacements(c, &issued_ids))?;
        for ((n, _), result) in todo.iter().zip(results) {
            let old = items[*n].certificate_id;
            outcomes[*n] = Some(match (result, now_replaced.get(&old)) {
                (Ok(_), Some(new_id)) => Ok(*new_id),
                (Ok(issued), None) => Err(format!(
                    "certificate {} was issued but is not found as the replacement",
                    issued.serial
                )),
                (Err(e), _) => Err(e.to_string()),
            });
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err("not processed".into())))
        .collect())
}

/// Takes the job's lease when it is free or has lapsed.
fn claim(c: &mut DbConnection, request_id: i64, token: &str) -> Result<bool, PortalError> {
    let at = now();
    let n = diesel::update(
        bulk_jobs::table
            .find(request_id)
            .filter(bulk_jobs::finished_at.is_null())
            .filter(
                bulk_jobs::claimed_until
                    .is_null()
                    .or(bulk_jobs::claimed_until.lt(at)),
            ),
    )
    .set((
        bulk_jobs::claimed_by.eq(token),
        bulk_jobs::claimed_until.eq(lease_end(at)),
    ))
    .execute(c)?;
    Ok(n == 1)
}

fn lease_end(at: NaiveDateTime) -> NaiveDateTime {
    at + chrono::Duration::seconds(LEASE_SECONDS)
}

/// Ends a job with no pending item, and its request if still approved.
fn finish(ca: &Ca, request_id: i64, actor: &str) -> Result<(), PortalError> {
    ca.store().write(|c| -> Result<(), PortalError> {
        let counts = counts(c, request_id)?;
        if counts.pending > 0 {
            return Ok(());
        }
        let at = now();
        diesel::update(
            bulk_jobs::table
                .find(request_id)
                .filter(bulk_jobs::finished_at.is_null()),
        )
        .set(bulk_jobs::finished_at.eq(at))
        .execute(c)?;
        let row = requests::load_in(c, request_id)?;
        if row.state != requests::APPROVED {
            return Ok(());
        }
        let error = if counts.failed == 0 {
            None
        } else {
            let quoted: Vec<String> = bulk_items::table
                .filter(bulk_items::request_id.eq(request_id))
                .filter(bulk_items::state.eq(FAILED))
                .select(bulk_items::error)
                .order(bulk_items::id.asc())
                .limit(i64::try_from(ERRORS_QUOTED).unwrap_or(3))
                .load::<Option<String>>(c)?
                .into_iter()
                .flatten()
                .collect();
            Some(format!(
                "{} of {} certificates could not be replaced: {}",
                counts.failed,
                counts.total,
                quoted.join("; ")
            ))
        };
        let state = if error.is_none() {
            requests::ISSUED
        } else {
            requests::FAILED
        };
        diesel::update(requests_table::table.find(request_id))
            .set((
                requests_table::state.eq(state),
                requests_table::error.eq(&error),
                requests_table::finished_at.eq(at),
            ))
            .execute(c)?;
        audit::append(
            c,
            AuditEvent {
                actor,
                action: if error.is_none() {
                    AuditAction::RequestIssued
                } else {
                    AuditAction::RequestFailed
                },
                object: &format!("request:{request_id}"),
                details: json!({
                    "items": counts.total,
                    "done": counts.done,
                    "failed": counts.failed,
                    "error": error,
                }),
            },
        )?;
        Ok(())
    })
}

/// The jobs this process runs, each on its own thread.
#[derive(Debug, Default, Clone)]
pub struct Runner {
    running: Arc<Mutex<HashSet<i64>>>,
}

impl Runner {
    /// Runs the job of request `request_id` on a thread until no item is
    /// pending, unless this process runs it already.
    pub fn spawn(&self, ca: Arc<Ca>, request_id: i64) {
        if !self.lock().insert(request_id) {
            return;
        }
        let runner = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("bulk-{request_id}"))
            .spawn(move || runner.run(&ca, request_id));
        if let Err(e) = spawned {
            tracing::error!(request_id, error = %e, "cannot start the bulk worker");
            self.lock().remove(&request_id);
        }
    }

    fn run(&self, ca: &Ca, request_id: i64) {
        loop {
            match process(ca, request_id, None) {
                Ok(_) => {}
                Err(PortalError::Conflict {
                    code: ErrorCode::JobBusy,
                    ..
                }) => std::thread::sleep(BUSY_WAIT),
                Err(e) => {
                    // Left for the next start (or a retry) to pick up.
                    tracing::error!(request_id, error = %e, "bulk job stopped");
                    self.lock().remove(&request_id);
                    return;
                }
            }
            let mut running = self.lock();
            let unfinished = ca.store().read(|c| -> Result<bool, PortalError> {
                Ok(bulk_jobs::table
                    .find(request_id)
                    .filter(bulk_jobs::finished_at.is_null())
                    .count()
                    .get_result::<i64>(c)?
                    > 0)
            });
            // More work appeared meanwhile (a retry): go on.
            if !matches!(unfinished, Ok(true)) {
                running.remove(&request_id);
                return;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts a worker for every unfinished job (a process stopped while it
/// ran, or before it started); returns how many.
pub fn resume(ca: &Arc<Ca>, runner: &Runner) -> Result<usize, PortalError> {
    let jobs: Vec<i64> = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(bulk_jobs::table
            .filter(bulk_jobs::finished_at.is_null())
            .select(bulk_jobs::request_id)
            .order(bulk_jobs::request_id.asc())
            .load(c)?)
    })?;
    for &id in &jobs {
        runner.spawn(Arc::clone(ca), id);
    }
    Ok(jobs.len())
}
