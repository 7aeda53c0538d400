//! The publisher's settings: the CRL schedule (RFC 5280 §5 leaves it to
//! the CA; these defaults follow common practice) and where files go.

use std::path::PathBuf;
use std::time::Duration;

use ca_core::crl::CrlSettings;

/// Settings of the publisher.
#[derive(Debug, Clone)]
pub struct PublisherConfig {
    /// Validity of full and delta CRLs, and when expired certificates
    /// leave them.
    pub crl: CrlSettings,
    /// A new full CRL this often (default 6 h).
    pub full_interval: Duration,
    /// A new delta CRL this often (default 15 min).
    pub delta_interval: Duration,
    /// A revocation, suspension or restoration is in the CRLs at most this
    /// long after it happened (default 60 s: a revocation is in a delta CRL
    /// within a minute). Changes within the bound are
    /// gathered into one regeneration.
    pub change_bound: Duration,
    /// How often the schedule looks at the database (default 10 s; never
    /// more than the change bound).
    pub tick: Duration,
    /// Where CRL files are written for a plain web server (default
    /// `{data_dir}/crl`); `None` keeps them in the database only.
    pub publish_dir: Option<PathBuf>,
    /// Who the audit log names for generated CRLs.
    pub actor: String,
}

impl Default for PublisherConfig {
    fn default() -> Self {
        Self {
            crl: CrlSettings::default(),
            full_interval: Duration::from_secs(6 * 3600),
            delta_interval: Duration::from_secs(15 * 60),
            change_bound: Duration::from_secs(60),
            tick: Duration::from_secs(10),
            publish_dir: None,
            actor: "crl-publisher".to_owned(),
        }
    }
}

impl PublisherConfig {
    /// Refuses a schedule under which a CRL could lapse: each kind must be
    /// regenerated well before its nextUpdate.
    pub fn check(&self) -> Result<(), String> {
        let lapses = |every: Duration, valid: chrono::Duration| {
            chrono::Duration::from_std(every * 2).map_or(true, |every| every > valid)
        };
        if lapses(self.full_interval, self.crl.full_validity) {
            return Err("the full CRL interval must be under half of the full CRL validity".into());
        }
        if lapses(self.delta_interval, self.crl.delta_validity) {
            return Err(
                "the delta CRL interval must be under half of the delta CRL validity".into(),
            );
        }
        if self.tick.is_zero() || self.change_bound.is_zero() {
            return Err("the tick and the change bound must be positive".into());
        }
        Ok(())
    }

    /// The tick actually used: never longer than the change bound.
    pub(crate) fn effective_tick(&self) -> Duration {
        self.tick.min(self.change_bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_and_lapsing_schedules_are_refused() {
        assert_eq!(PublisherConfig::default().check(), Ok(()));
        let too_slow = PublisherConfig {
            full_interval: Duration::from_secs(4 * 86400),
            ..PublisherConfig::default()
        };
        assert!(too_slow.check().is_err());
        let delta_too_slow = PublisherConfig {
            delta_interval: Duration::from_secs(86400),
            ..PublisherConfig::default()
        };
        assert!(delta_too_slow.check().is_err());
        let no_tick = PublisherConfig {
            tick: Duration::ZERO,
            ..PublisherConfig::default()
        };
        assert!(no_tick.check().is_err());
    }
}
