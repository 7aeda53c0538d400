//! The connection enum over both backends and the pool that hands them out.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::{DatabaseUrl, StoreError};
use crate::status_events::{self, StatusBus};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// SQLite: WAL for concurrent readers, a busy timeout instead of immediate
/// "database is locked", full fsync on commit because a recorded serial must
/// survive a power cut, and foreign keys enforced.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

/// One connection, to whichever backend the URL named.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL.
    Pg(PgConnection),
    /// SQLite.
    Sqlite(SqliteConnection),
}

/// The r2d2 pool of [`DbConnection`]s.
pub type Pool = r2d2::Pool<Manager>;

/// The handle every part of the CA uses to reach the database.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    url: DatabaseUrl,
    /// Committed status changes, for this process's watchers.
    status_bus: StatusBus,
}

impl Store {
    /// Connects, runs the embedded migrations of the backend and returns the
    /// pool. An SQLite file and its directory are created when missing, here
    /// and only here: the pool never creates one (see [`Manager`]).
    pub fn open(url: &DatabaseUrl) -> Result<Self, StoreError> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Connect(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            if !path.exists() {
                SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(|e| StoreError::Connect(e.to_string()))?;
            }
        }
        let max_size = match url {
            DatabaseUrl::Sqlite(_) => 8,
            DatabaseUrl::Postgres(_) => 16,
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            // No idle connections kept warm: r2d2 would open them on a background
            // thread, and a CLI process exiting while libpq (OpenSSL) is mid-connect
            // on that thread crashes in the atexit handlers.
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build(Manager {
                url: url.clone(),
                sqlite_file: OnceLock::new(),
            })
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        let store = Self {
            pool,
            url: url.clone(),
            status_bus: StatusBus::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The URL this store was opened with.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The in-process broadcast of committed status changes (see
    /// [`crate::status_events`]).
    pub fn status_bus(&self) -> &StatusBus {
        &self.status_bus
    }

    /// A connection from the pool.
    pub fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` in one write transaction. The transaction begins by taking the
    /// audit chain's head row for update: that serialises writers on both
    /// backends (on SQLite the first statement being a write makes the
    /// busy timeout apply, as `BEGIN IMMEDIATE` would), so the audit event
    /// each change appends always extends the head it read. Status changes
    /// recorded inside are published on the status bus once it committed.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut conn = self.conn()?;
        status_events::begin();
        let result = conn.transaction(|conn| {
            use super::schema::audit_head::dsl as head;
            diesel::update(head::audit_head.filter(head::id.eq(1)))
                .set(head::seq.eq(head::seq))
                .execute(conn)?;
            f(conn)
        });
        // Taken either way: a rolled-back change announces nothing.
        let changed = status_events::take();
        if result.is_ok() {
            self.status_bus.publish(changed);
        }
        result
    }

    /// Runs `f` on a pooled connection without a transaction (reads).
    pub fn read<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.conn()?;
        f(&mut conn)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let result = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(drop),
            DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop),
        };
        result.map_err(|e| StoreError::Migration(e.to_string()))?;
        // Rows written before the subscribers' search key existed get
        // theirs now (SQL cannot fold Vietnamese on both backends).
        crate::registry::search_key::fill_missing(&mut conn)
            .map(drop)
            .map_err(|e| StoreError::Migration(format!("filling the search keys: {e}")))
    }
}

/// Opens connections to the backend the URL named, and only to it.
///
/// SQLite: a connection holds its file open, so one that outlives a rename
/// or deletion of the database would go on reading and writing an orphaned
/// file nobody else sees. The manager remembers which file it first
/// connected to; a pooled connection is valid only while that same file is
/// still at the path, and a new one is refused when no file is there (the
/// pool never creates an empty database in place of a missing one).
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    /// The identity of the SQLite file first connected to.
    sqlite_file: OnceLock<FileId>,
}

/// What tells one file from another at the same path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Self {
                device: meta.dev(),
                inode: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(Self {
                device: 0,
                inode: 0,
            })
        }
    }
}

impl Manager {
    /// The file at `path` if it is the one this manager's connections use.
    fn check_sqlite_file(&self, path: &Path) -> Result<(), r2d2::Error> {
        let missing = || {
            r2d2::Error::ConnectionError(ConnectionError::BadConnection(format!(
                "the SQLite database {} is missing or was replaced",
                path.display()
            )))
        };
        let now = FileId::of(path).ok_or_else(missing)?;
        let first = *self.sqlite_file.get_or_init(|| now);
        if first == now {
            Ok(())
        } else {
            Err(missing())
        }
    }
}

fn sqlite_path(url: &DatabaseUrl) -> Option<&PathBuf> {
    match url {
        DatabaseUrl::Sqlite(path) => Some(path),
        DatabaseUrl::Postgres(_) => None,
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                self.check_sqlite_file(path)?;
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        if let Some(path) = sqlite_path(&self.url) {
            self.check_sqlite_file(path)?;
        }
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}
