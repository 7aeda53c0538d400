//! The responder's counters and their Prometheus text exposition
//! (format 0.0.4), written by hand: atomics, no registry.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How a request was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Good,
    Revoked,
    Unknown,
    Unauthorized,
    Malformed,
    TryLater,
    InternalError,
}

impl Outcome {
    const ALL: [Self; 7] = [
        Self::Good,
        Self::Revoked,
        Self::Unknown,
        Self::Unauthorized,
        Self::Malformed,
        Self::TryLater,
        Self::InternalError,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Revoked => "revoked",
            Self::Unknown => "unknown",
            Self::Unauthorized => "unauthorized",
            Self::Malformed => "malformed",
            Self::TryLater => "try_later",
            Self::InternalError => "internal_error",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The outcome of a response stating `status_text` (see
    /// `status_key::status_text`).
    pub(crate) fn of_status_text(text: &str) -> Self {
        if text == "good" {
            Self::Good
        } else if text.starts_with("revoked") {
            Self::Revoked
        } else {
            Self::Unknown
        }
    }
}

/// The HTTP method a request came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

impl Method {
    const ALL: [Self; 2] = [Self::Get, Self::Post];

    fn label(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Upper bounds (seconds) of the latency histogram buckets (+Inf implied).
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The counters, shared by every request.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    requests: [[AtomicU64; 7]; 2],
    /// Per bucket (not cumulative); the last one is +Inf.
    latency: [AtomicU64; BUCKETS.len() + 1],
    latency_sum_micros: AtomicU64,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    signed: AtomicU64,
    /// Responses signed because a status notification named their certificate.
    notified: AtomicU64,
}

impl Metrics {
    /// Records one answered request and how long it took.
    pub(crate) fn request(&self, method: Method, outcome: Outcome, elapsed: Duration) {
        self.requests[method.index()][outcome.index()].fetch_add(1, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        self.latency[bucket].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub(crate) fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    /// One response signed (pre-signed, refreshed or live).
    pub(crate) fn signed(&self) {
        self.signed.fetch_add(1, Ordering::Relaxed);
    }

    /// `n` responses signed on a status notification.
    pub(crate) fn notified(&self, n: usize) {
        self.notified
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// The exposition, given the gauges read from the responder.
    pub(crate) fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out, gauges);
        out
    }

    fn write(&self, out: &mut String, g: &Gauges) -> std::fmt::Result {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        writeln!(
            out,
            "# HELP govpki_ocsp_requests_total OCSP requests answered, by method and outcome."
        )?;
        writeln!(out, "# TYPE govpki_ocsp_requests_total counter")?;
        for m in Method::ALL {
            for o in Outcome::ALL {
                writeln!(
                    out,
                    "govpki_ocsp_requests_total{{method=\"{}\",outcome=\"{}\"}} {}",
                    m.label(),
                    o.label(),
                    load(&self.requests[m.index()][o.index()])
                )?;
            }
        }
        writeln!(
            out,
            "# HELP govpki_ocsp_request_duration_seconds Time to answer an OCSP request."
        )?;
        writeln!(out, "# TYPE govpki_ocsp_request_duration_seconds histogram")?;
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += load(&self.latency[i]);
            writeln!(
                out,
                "govpki_ocsp_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            )?;
        }
        cumulative += load(&self.latency[BUCKETS.len()]);
        writeln!(
            out,
            "govpki_ocsp_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        )?;
        #[allow(clippy::cast_precision_loss)] // microseconds: exact below 2^53
        let sum = load(&self.latency_sum_micros) as f64 / 1e6;
        writeln!(out, "govpki_ocsp_request_duration_seconds_sum {sum}")?;
        writeln!(
            out,
            "govpki_ocsp_request_duration_seconds_count {cumulative}"
        )?;
        let counters = [
            (
                "govpki_ocsp_cache_hits_total",
                "Requests answered from the in-memory cache.",
                load(&self.cache_hits),
            ),
            (
                "govpki_ocsp_cache_misses_total",
                "Requests that needed the database or a signature.",
                load(&self.cache_misses),
            ),
            (
                "govpki_ocsp_responses_signed_total",
                "OCSP responses signed (pre-signed, refreshed or live).",
                load(&self.signed),
            ),
            (
                "govpki_ocsp_notified_signed_total",
                "OCSP responses signed at once because a status notification named their certificate.",
                load(&self.notified),
            ),
        ];
        for (name, help, value) in counters {
            writeln!(out, "# HELP {name} {help}")?;
            writeln!(out, "# TYPE {name} counter")?;
            writeln!(out, "{name} {value}")?;
        }
        let gauges = [
            (
                "govpki_ocsp_oldest_response_age_seconds",
                "Age of the oldest pre-signed response held (now - thisUpdate).",
                g.oldest_response_age_secs,
            ),
            (
                "govpki_ocsp_cached_responses",
                "Pre-signed responses held in memory.",
                g.cached_responses,
            ),
            (
                "govpki_ocsp_degraded",
                "1 while the database does not answer (serving from the cache).",
                i64::from(g.degraded),
            ),
        ];
        for (name, help, value) in gauges {
            writeln!(out, "# HELP {name} {help}")?;
            writeln!(out, "# TYPE {name} gauge")?;
            writeln!(out, "{name} {value}")?;
        }
        Ok(())
    }
}

/// The values read from the responder at scrape time.
pub(crate) struct Gauges {
    pub(crate) oldest_response_age_secs: i64,
    pub(crate) cached_responses: i64,
    pub(crate) degraded: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_lines_parse_and_count() {
        let m = Metrics::default();
        m.request(Method::Post, Outcome::Good, Duration::from_millis(2));
        m.request(Method::Get, Outcome::Malformed, Duration::from_secs(10));
        m.cache_hit();
        m.signed();
        let text = m.render(&Gauges {
            oldest_response_age_secs: 5,
            cached_responses: 1,
            degraded: true,
        });
        assert!(text.contains("govpki_ocsp_requests_total{method=\"POST\",outcome=\"good\"} 1"));
        assert!(text.contains("govpki_ocsp_request_duration_seconds_bucket{le=\"0.0025\"} 1"));
        assert!(text.contains("govpki_ocsp_request_duration_seconds_bucket{le=\"+Inf\"} 2"));
        assert!(text.contains("govpki_ocsp_degraded 1"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').unwrap();
            value.parse::<f64>().unwrap();
        }
    }
}
