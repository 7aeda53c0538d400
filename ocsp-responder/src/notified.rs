//! Status notifications: the responder follows ca-core's status watcher
//! ([`ca_core::status_events::watch`]) and re-signs the responses of the
//! certificates it names at once, so a revocation, suspension or
//! restoration is answered within a second in the process that made it and
//! within two in any other. The refresher's polling stays as the safety
//! net.

use std::sync::Arc;

use ca_core::status_events::{self, WatchConfig};

use crate::{store, Responder, ResponderError};

/// Most certificates read in one query.
const BATCH: usize = 500;

/// Starts the watcher and the thread that signs what it reports. A
/// watcher that cannot start is logged: polling still answers, later.
pub(crate) fn start(responder: Arc<Responder>) {
    let changes = match status_events::watch(responder.ca.store(), WatchConfig::default()) {
        Ok(rx) => rx,
        Err(e) => {
            tracing::warn!("no status notifications (polling only): {e}");
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("govpki-ocsp-notified".into())
        .spawn(move || {
            while let Ok(first) = changes.recv() {
                // Everything already waiting goes in the same round.
                let mut ids = first;
                while let Ok(more) = changes.try_recv() {
                    ids.extend(more);
                }
                ids.sort_unstable();
                ids.dedup();
                for chunk in ids.chunks(BATCH) {
                    match responder.apply_notified(chunk) {
                        Ok(signed) if signed > 0 => {
                            tracing::debug!(signed, "OCSP responses signed on notification");
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(
                            "OCSP re-signing on notification failed (the refresher will retry): {e}"
                        ),
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no status notifications (polling only): {e}");
    }
}

impl Responder {
    /// Signs the responses of the certificates `ids` whose status changed
    /// (blocking); returns how many were signed.
    pub fn apply_notified(&self, ids: &[i64]) -> Result<usize, ResponderError> {
        let rows = store::by_ids(&self.ca, ids)?;
        self.set_database_ok(true);
        let mut signed = 0;
        for row in &rows {
            signed += self.refresh_row(row, true)?;
        }
        if signed > 0 {
            self.metrics.notified(signed);
        }
        Ok(signed)
    }
}
