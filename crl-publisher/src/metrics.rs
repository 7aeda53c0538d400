//! What `/metrics` says about CRLs (Prometheus text format): per issuer,
//! shard and kind the last CRL number, its age and entries, and how long
//! its last generation took here; runs by outcome; whether this instance
//! is the active publisher.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use ca_core::crl::CrlSummary;
use chrono::{DateTime, Utc};

/// The latest CRL of one (issuer, shard, kind).
#[derive(Debug, Clone)]
struct Sample {
    issuer: String,
    shard: u32,
    delta: bool,
    number: i64,
    entries: i64,
    this_update: DateTime<Utc>,
    /// Seconds the last generation here took (absent on a standby).
    generation_secs: Option<f64>,
}

/// The publisher's counters and gauges.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    samples: Mutex<BTreeMap<String, Sample>>,
    runs_ok: AtomicU64,
    runs_failed: AtomicU64,
    last_run_failed: AtomicBool,
    active: AtomicBool,
}

impl Metrics {
    /// Records the latest CRLs seen in the database (or just generated,
    /// with how long the run took).
    pub(crate) fn observe(&self, summaries: &[CrlSummary], generation_secs: Option<f64>) {
        let mut samples = self
            .samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for s in summaries {
            let key = s.name.path();
            let newer = samples.get(&key).is_none_or(|old| old.number <= s.number);
            if !newer {
                continue;
            }
            let kept = samples.get(&key).and_then(|old| old.generation_secs);
            samples.insert(
                key,
                Sample {
                    issuer: s.issuer.clone(),
                    shard: s.shard,
                    delta: s.delta,
                    number: s.number,
                    entries: s.entries,
                    this_update: s.this_update,
                    generation_secs: generation_secs.or(kept),
                },
            );
        }
    }

    /// Counts a scheduler run.
    pub(crate) fn run(&self, ok: bool) {
        let counter = if ok { &self.runs_ok } else { &self.runs_failed };
        counter.fetch_add(1, Ordering::Relaxed);
        self.last_run_failed.store(!ok, Ordering::Relaxed);
    }

    /// Whether this instance publishes.
    pub(crate) fn set_active(&self, active: bool) {
        self.active.store(active, Ordering::Relaxed);
    }

    /// Whether the last run succeeded (true before the first).
    pub(crate) fn last_run_ok(&self) -> bool {
        !self.last_run_failed.load(Ordering::Relaxed)
    }

    /// Whether this instance publishes.
    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// The Prometheus text.
    pub(crate) fn render(&self, now: DateTime<Utc>) -> String {
        let samples = self
            .samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let mut out = String::new();
        let mut family =
            |name: &str, help: &str, kind: &str, value: &dyn Fn(&Sample) -> Option<String>| {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
                for s in samples.values() {
                    if let Some(v) = value(s) {
                        let kind = if s.delta { "delta" } else { "full" };
                        let _ = writeln!(
                            out,
                            "{name}{{issuer=\"{}\",shard=\"{}\",kind=\"{kind}\"}} {v}",
                            s.issuer, s.shard
                        );
                    }
                }
            };
        family(
            "govpki_crl_number",
            "Number of the latest CRL.",
            "gauge",
            &|s| Some(s.number.to_string()),
        );
        family(
            "govpki_crl_age_seconds",
            "Seconds since the thisUpdate of the latest CRL.",
            "gauge",
            &|s| Some((now - s.this_update).num_seconds().max(0).to_string()),
        );
        family(
            "govpki_crl_entries",
            "Entries in the latest CRL.",
            "gauge",
            &|s| Some(s.entries.to_string()),
        );
        family(
            "govpki_crl_generation_seconds",
            "Seconds the last generation run of this CRL took in this process.",
            "gauge",
            &|s| s.generation_secs.map(|g| format!("{g:.6}")),
        );
        let _ = writeln!(
            out,
            "# HELP govpki_crl_runs_total Scheduler runs by outcome.\n\
             # TYPE govpki_crl_runs_total counter\n\
             govpki_crl_runs_total{{outcome=\"ok\"}} {}\n\
             govpki_crl_runs_total{{outcome=\"failed\"}} {}",
            self.runs_ok.load(Ordering::Relaxed),
            self.runs_failed.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP govpki_crl_publisher_active Whether this instance is the active CRL publisher.\n\
             # TYPE govpki_crl_publisher_active gauge\n\
             govpki_crl_publisher_active {}",
            u8::from(self.active.load(Ordering::Relaxed))
        );
        out
    }
}
