//! The schedule: when CRLs are generated and written out.
//!
//! Every tick the active publisher (see [`crate::leader`]) asks the CA
//! which CRLs are stale and which are due:
//! - missing or past their nextUpdate: generated at once;
//! - older than a revocation, suspension or restoration of their issuer's
//!   certificates: generated once the first such change has waited
//!   `change_bound − tick` (so every change is in the CRLs within the
//!   bound, and a burst of revocations makes one run, not hundreds); on the
//!   first pass after start-up, at once;
//! - a full CRL older than `full_interval`: a new full and delta CRL;
//! - a delta CRL older than `delta_interval`: a new delta CRL.
//!
//! Each generated CRL is written into the publishing directory. A standby
//! instance only follows the database for its metrics.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use ca_core::crl::{CrlKind, CrlSummary, StaleReason};
use chrono::{DateTime, Utc};

use crate::leader::Leadership;
use crate::{files, Publisher, PublisherError};

/// What the schedule remembers between ticks.
pub(crate) struct ScheduleState {
    leadership: Leadership,
    /// When a change newer than an issuer's CRLs was first seen.
    pending_since: BTreeMap<String, DateTime<Utc>>,
    /// The first active pass generates outdated CRLs at once.
    first_active_pass: bool,
}

impl Default for ScheduleState {
    fn default() -> Self {
        Self {
            leadership: Leadership::Standby,
            pending_since: BTreeMap::new(),
            first_active_pass: true,
        }
    }
}

/// Runs the schedule forever on the Rocket (tokio) runtime, each pass in
/// `spawn_blocking`. A failed pass is logged and retried at the next tick.
pub async fn run_forever(publisher: Arc<Publisher>) {
    let mut state = Some(ScheduleState::default());
    loop {
        let p = Arc::clone(&publisher);
        let mut s = state.take().unwrap_or_default();
        let pass = rocket::tokio::task::spawn_blocking(move || {
            let result = p.tick(&mut s, Utc::now());
            (s, result)
        })
        .await;
        match pass {
            Ok((s, result)) => {
                state = Some(s);
                match result {
                    Ok(generated) => {
                        publisher.metrics.run(true);
                        if !generated.is_empty() {
                            tracing::info!(crls = generated.len(), "CRLs generated");
                        }
                    }
                    Err(e) => {
                        publisher.metrics.run(false);
                        tracing::warn!("CRL run failed: {e}");
                    }
                }
            }
            Err(e) => tracing::error!("CRL task failed: {e}"),
        }
        rocket::tokio::time::sleep(publisher.config().effective_tick()).await;
    }
}

impl Publisher {
    /// One pass of the schedule at `now` (blocking). Returns the CRLs
    /// generated.
    pub(crate) fn tick(
        &self,
        state: &mut ScheduleState,
        now: DateTime<Utc>,
    ) -> Result<Vec<CrlSummary>, PublisherError> {
        let leadership = std::mem::replace(&mut state.leadership, Leadership::Standby);
        state.leadership = leadership.acquire(self.ca().store().url());
        let active = state.leadership.is_active();
        self.metrics.set_active(active);
        if !active {
            state.first_active_pass = true;
            self.observe_database()?;
            return Ok(Vec::new());
        }
        let plan = self.plan(state, now)?;
        let mut generated = Vec::new();
        // One issuer failing (its key unavailable, say) does not hold back
        // the others; the first failure is reported after the run.
        let mut failure = None;
        for (issuer, kind) in plan {
            let started = Instant::now();
            let config = self.config();
            match self
                .ca()
                .generate_crls(Some(&issuer), kind, &config.crl, &config.actor)
            {
                Ok(summaries) => {
                    self.metrics
                        .observe(&summaries, Some(started.elapsed().as_secs_f64()));
                    state.pending_since.remove(&issuer);
                    generated.extend(summaries);
                }
                Err(e) => {
                    tracing::warn!(issuer = %issuer, "CRL generation failed: {e}");
                    failure.get_or_insert(e);
                }
            }
        }
        self.write_files(&generated, state.first_active_pass)?;
        state.first_active_pass = false;
        self.observe_database()?;
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(generated),
        }
    }

    /// Which issuers get which CRLs now.
    fn plan(
        &self,
        state: &mut ScheduleState,
        now: DateTime<Utc>,
    ) -> Result<BTreeMap<String, CrlKind>, PublisherError> {
        let config = self.config();
        let tick = chrono::Duration::from_std(config.effective_tick()).unwrap_or_default();
        let bound = chrono::Duration::from_std(config.change_bound).unwrap_or_default();
        let wait = (bound - tick).max(chrono::Duration::zero());
        let mut plan: BTreeMap<String, CrlKind> = BTreeMap::new();
        let add = |plan: &mut BTreeMap<String, CrlKind>, issuer: &str, kind: CrlKind| {
            let merged = match (plan.get(issuer), kind) {
                (None, k) => k,
                (Some(CrlKind::Delta), CrlKind::Delta) => CrlKind::Delta,
                _ => CrlKind::Both,
            };
            plan.insert(issuer.to_owned(), merged);
        };

        let mut outdated = BTreeSet::new();
        for stale in self.ca().stale_crls(now)? {
            let issuer = stale.name.issuer.clone();
            match stale.reason {
                StaleReason::Missing | StaleReason::Expired => {
                    add(&mut plan, &issuer, CrlKind::Both);
                }
                StaleReason::Outdated => {
                    outdated.insert(issuer);
                }
            }
        }
        state
            .pending_since
            .retain(|issuer, _| outdated.contains(issuer));
        for issuer in outdated {
            let since = *state.pending_since.entry(issuer.clone()).or_insert(now);
            if state.first_active_pass || now - since >= wait {
                add(&mut plan, &issuer, CrlKind::Both);
            }
        }

        let full_every = chrono::Duration::from_std(config.full_interval).unwrap_or_default();
        let delta_every = chrono::Duration::from_std(config.delta_interval).unwrap_or_default();
        for (issuer, latest) in self.latest_by_issuer()? {
            if latest.full.is_some_and(|t| now - t >= full_every) {
                add(&mut plan, &issuer, CrlKind::Both);
            } else if latest.delta.is_some_and(|t| now - t >= delta_every) {
                add(&mut plan, &issuer, CrlKind::Delta);
            }
        }
        Ok(plan)
    }

    /// The oldest "latest thisUpdate" over the shards of each issuer, for
    /// full and delta CRLs (an issuer is due when any shard is).
    fn latest_by_issuer(&self) -> Result<BTreeMap<String, Latest>, PublisherError> {
        let mut out: BTreeMap<String, Latest> = BTreeMap::new();
        for head in self.ca().latest_crl_heads()? {
            let latest = out.entry(head.issuer.clone()).or_default();
            let slot = if head.delta {
                &mut latest.delta
            } else {
                &mut latest.full
            };
            *slot = Some(slot.map_or(head.this_update, |t| t.min(head.this_update)));
        }
        Ok(out)
    }

    /// Writes what was generated into the publishing directory; on the
    /// first active pass also every latest CRL whose file is missing (a new
    /// or emptied directory).
    fn write_files(
        &self,
        generated: &[CrlSummary],
        first_pass: bool,
    ) -> Result<(), PublisherError> {
        let Some(dir) = self.config().publish_dir.as_deref() else {
            return Ok(());
        };
        let mut written = BTreeSet::new();
        for s in generated {
            if let Some(crl) = self.ca().crl_by_number(&s.issuer, s.number)? {
                files::write_atomically(dir, &s.name.path(), &crl.der)?;
                written.insert(s.name.path());
            }
        }
        if first_pass {
            for name in self.ca().crl_names()? {
                let path = name.path();
                if written.contains(&path) || dir.join(&path).exists() {
                    continue;
                }
                if let Some(crl) =
                    self.ca()
                        .latest_crl(&name.issuer, name.shard_index(), name.delta)?
                {
                    files::write_atomically(dir, &path, &crl.der)?;
                }
            }
        }
        Ok(())
    }

    /// Follows the newest CRLs in the database for the metrics.
    fn observe_database(&self) -> Result<(), PublisherError> {
        self.metrics.observe(&self.ca().latest_crl_heads()?, None);
        Ok(())
    }
}

/// When the newest full and delta CRLs of an issuer were made.
#[derive(Debug, Default, Clone, Copy)]
struct Latest {
    full: Option<DateTime<Utc>>,
    delta: Option<DateTime<Utc>>,
}
