//! Status-change notifications: how a revocation, suspension or
//! restoration reaches every OCSP responder within seconds instead of one
//! poll interval (DESIGN.md, invariant 8).
//!
//! The one status transition (`lifecycle::change_status`) calls [`record`]
//! inside the changing transaction. That does two things:
//! - it remembers the certificate id for this thread's transaction;
//!   [`crate::store::Store::write`] publishes the ids on the store's
//!   in-process [`StatusBus`] once the transaction committed, and drops
//!   them when it rolled back;
//! - on PostgreSQL it sends `NOTIFY govpki_status, '<id>'`, which the
//!   server delivers to every listening session at commit, and never for a
//!   rolled-back transaction.
//!
//! A responder process follows all of it through one [`watch`]er:
//! same-process changes from the bus, other processes' changes by
//! PostgreSQL `LISTEN`, or on SQLite by a cheap `PRAGMA data_version` check
//! that reads only the certificates changed since its last mark. Polling
//! (the responder's refresher) stays as the safety net.

mod bus;
mod watch;

use std::cell::RefCell;

use diesel::prelude::*;

use crate::store::DbConnection;

pub use bus::{StatusBus, StatusChanges};
pub use watch::{watch, WatchConfig};

/// The PostgreSQL channel status changes are announced on; the payload is
/// the certificate id in decimal.
pub const CHANNEL: &str = "govpki_status";

thread_local! {
    /// Certificate ids changed by the transaction running on this thread.
    static PENDING: RefCell<Vec<i64>> = const { RefCell::new(Vec::new()) };
}

/// Records, inside the caller's transaction, that certificate `id` changed
/// status: announced on PostgreSQL at commit, and on the in-process bus
/// after [`crate::store::Store::write`] committed.
pub(crate) fn record(c: &mut DbConnection, id: i64) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = c {
        // `id` is an integer: nothing to quote.
        diesel::sql_query(format!("SELECT pg_notify('{CHANNEL}', '{id}')")).execute(pg)?;
    }
    PENDING.with(|p| p.borrow_mut().push(id));
    Ok(())
}

/// Forgets what an earlier, unfinished transaction of this thread recorded
/// (called as a write transaction begins).
pub(crate) fn begin() {
    PENDING.with(|p| p.borrow_mut().clear());
}

/// The ids recorded since [`begin`], emptied.
pub(crate) fn take() -> Vec<i64> {
    PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()))
}

#[cfg(test)]
mod tests;
