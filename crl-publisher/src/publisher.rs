//! [`Publisher`]: the state the routes and the schedule share.

use std::sync::Arc;

use ca_core::Ca;

use crate::metrics::Metrics;
use crate::PublisherConfig;

/// The CA the publisher serves, its settings and its metrics.
pub struct Publisher {
    ca: Arc<Ca>,
    config: PublisherConfig,
    pub(crate) metrics: Metrics,
}

impl Publisher {
    /// A publisher over `ca` (check the settings first with
    /// [`PublisherConfig::check`]).
    pub fn new(ca: Arc<Ca>, config: PublisherConfig) -> Self {
        Self {
            ca,
            config,
            metrics: Metrics::default(),
        }
    }

    /// The CA.
    pub fn ca(&self) -> &Ca {
        &self.ca
    }

    /// The settings.
    pub fn config(&self) -> &PublisherConfig {
        &self.config
    }

    /// Whether this instance is the active publisher (else on standby
    /// behind another one on the same PostgreSQL database).
    pub fn is_active(&self) -> bool {
        self.metrics.is_active()
    }

    /// Whether the last scheduler run succeeded (true before the first).
    pub fn last_run_ok(&self) -> bool {
        self.metrics.last_run_ok()
    }

    /// The CRL part of `/metrics` (Prometheus text).
    pub fn metrics_text(&self) -> String {
        self.metrics.render(chrono::Utc::now())
    }
}
