//! [`StatusBus`]: the in-process broadcast of committed status changes,
//! one per store (so `govpki serve`'s portal, API and responder share it).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};

/// The ids of the certificates whose status one committed transaction
/// changed.
pub type StatusChanges = Vec<i64>;

/// Delivers committed status changes to every subscriber in this process.
#[derive(Debug, Clone, Default)]
pub struct StatusBus {
    subscribers: Arc<Mutex<Vec<Sender<StatusChanges>>>>,
}

impl StatusBus {
    /// A receiver of every change published from now on.
    pub fn subscribe(&self) -> Receiver<StatusChanges> {
        let (tx, rx) = mpsc::channel();
        self.lock().push(tx);
        rx
    }

    /// Sends `ids` to every live subscriber; forgets the ones that hung up.
    pub(crate) fn publish(&self, ids: StatusChanges) {
        if ids.is_empty() {
            return;
        }
        self.lock().retain(|s| s.send(ids.clone()).is_ok());
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Sender<StatusChanges>>> {
        // A send cannot leave the list half-updated: a poisoned lock is
        // consistent.
        self.subscribers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
