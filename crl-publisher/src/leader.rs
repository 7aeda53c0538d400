//! One active publisher at a time. On PostgreSQL the publisher that holds
//! a session-level advisory lock on a connection of its own is the active
//! one; another instance finds the lock taken, stays on standby (it still
//! serves CRLs over HTTP) and takes over when the holder's session ends —
//! when that process dies, PostgreSQL releases the lock. On SQLite (one
//! host, one file) every publisher is active. Either way CRL numbers are
//! allocated in the database inside the transaction that stores the CRL,
//! so even two active publishers could never repeat one: the lock keeps
//! them from doing the work twice.

use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel::{PgConnection, QueryableByName};

use ca_core::store::DatabaseUrl;

/// The advisory lock key: "govpki-crl" in ASCII, as a bigint.
pub(crate) const LOCK_KEY: i64 = 0x676f_7670_6b69_636c;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Whether this process may publish, and the connection that holds its lock.
pub(crate) enum Leadership {
    /// SQLite: always active.
    Alone,
    /// PostgreSQL: active while `conn` holds the lock.
    Holder(PgConnection),
    /// PostgreSQL: another instance holds it (or the database is away).
    Standby,
}

impl Leadership {
    /// Tries to become (or stay) the active publisher.
    pub(crate) fn acquire(self, url: &DatabaseUrl) -> Self {
        match (self, url) {
            (_, DatabaseUrl::Sqlite(_)) => Self::Alone,
            (Self::Holder(mut conn), DatabaseUrl::Postgres(_)) => {
                // The lock lives as long as the session: check the session.
                if diesel::sql_query("SELECT 1").execute(&mut conn).is_ok() {
                    Self::Holder(conn)
                } else {
                    tracing::warn!("CRL publisher lost its database session: standing by");
                    Self::Standby
                }
            }
            (_, DatabaseUrl::Postgres(url)) => match try_lock(url) {
                Ok(Some(conn)) => {
                    tracing::info!("this CRL publisher is now the active one");
                    Self::Holder(conn)
                }
                Ok(None) => Self::Standby,
                Err(e) => {
                    tracing::warn!("CRL publisher cannot reach the database: {e}");
                    Self::Standby
                }
            },
        }
    }

    /// Whether this process publishes now.
    pub(crate) fn is_active(&self) -> bool {
        !matches!(self, Self::Standby)
    }
}

fn try_lock(url: &str) -> Result<Option<PgConnection>, String> {
    let mut conn = PgConnection::establish(url).map_err(|e| e.to_string())?;
    let row: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<diesel::sql_types::BigInt, _>(LOCK_KEY)
        .get_result(&mut conn)
        .map_err(|e| e.to_string())?;
    Ok(row.locked.then_some(conn))
}
