//! The schedule's command-line flags, shared by the `crl-publisher` binary
//! and `govpki serve`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ca_core::crl::CrlSettings;

use crate::{PublisherConfig, PublisherError};

/// The CRL schedule and publishing directory.
#[derive(Debug, Clone, clap::Args)]
pub struct ScheduleArgs {
    /// Seconds between two full CRLs.
    #[arg(long, env = "GOVPKI_CRL_FULL_SECS", default_value_t = 6 * 3600)]
    pub crl_full_secs: u64,
    /// Seconds a full CRL is valid (nextUpdate − thisUpdate).
    #[arg(long, env = "GOVPKI_CRL_FULL_VALIDITY_SECS", default_value_t = 7 * 86400)]
    pub crl_full_validity_secs: u64,
    /// Seconds between two delta CRLs.
    #[arg(long, env = "GOVPKI_CRL_DELTA_SECS", default_value_t = 15 * 60)]
    pub crl_delta_secs: u64,
    /// Seconds a delta CRL is valid.
    #[arg(long, env = "GOVPKI_CRL_DELTA_VALIDITY_SECS", default_value_t = 86400)]
    pub crl_delta_validity_secs: u64,
    /// A revocation, suspension or restoration is in the CRLs at most this
    /// many seconds later (changes within it make one run).
    #[arg(long, env = "GOVPKI_CRL_CHANGE_BOUND_SECS", default_value_t = 60)]
    pub crl_change_bound_secs: u64,
    /// An expired revoked certificate leaves the full CRL once a full CRL
    /// dated this many seconds past its notAfter has listed it (0: listed
    /// once past expiry, then gone).
    #[arg(long, env = "GOVPKI_CRL_EXPIRED_GRACE_SECS", default_value_t = 0)]
    pub crl_expired_grace_secs: u64,
    /// Seconds between two looks at the database.
    #[arg(long, env = "GOVPKI_CRL_TICK_SECS", default_value_t = 10)]
    pub crl_tick_secs: u64,
    /// Directory CRL files are written to (default DATA_DIR/crl).
    #[arg(long, env = "GOVPKI_CRL_DIR")]
    pub crl_dir: Option<PathBuf>,
}

impl ScheduleArgs {
    /// The publisher settings these flags give, checked.
    pub fn to_config(&self, data_dir: &Path) -> Result<PublisherConfig, PublisherError> {
        let seconds = |s: u64| {
            i64::try_from(s)
                .ok()
                .and_then(chrono::Duration::try_seconds)
                .ok_or_else(|| PublisherError::Config(format!("{s} seconds is too long")))
        };
        let config = PublisherConfig {
            crl: CrlSettings {
                full_validity: seconds(self.crl_full_validity_secs)?,
                delta_validity: seconds(self.crl_delta_validity_secs)?,
                expired_grace: seconds(self.crl_expired_grace_secs)?,
            },
            full_interval: Duration::from_secs(self.crl_full_secs),
            delta_interval: Duration::from_secs(self.crl_delta_secs),
            change_bound: Duration::from_secs(self.crl_change_bound_secs),
            tick: Duration::from_secs(self.crl_tick_secs),
            publish_dir: Some(self.crl_dir.clone().unwrap_or_else(|| data_dir.join("crl"))),
            ..PublisherConfig::default()
        };
        config.check().map_err(PublisherError::Config)?;
        Ok(config)
    }
}
