//! The watcher: one thread per responder process that turns every
//! committed status change into a batch of certificate ids, from three
//! sources — the store's in-process [`StatusBus`], PostgreSQL `LISTEN` on a
//! dedicated connection, or SQLite's `PRAGMA data_version` on a dedicated
//! connection (it changes when another connection commits; only then are
//! the certificates changed since the last mark read).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::{StatusChanges, CHANNEL};
use crate::status::CertStatus;
use crate::store::schema::certificates;
use crate::store::{DatabaseUrl, DbConnection, Store};

/// How often the watcher looks outside the process.
#[derive(Debug, Clone, Copy)]
pub struct WatchConfig {
    /// SQLite: between two `PRAGMA data_version` checks (at most 250 ms
    /// for the 2 s goal of other processes).
    pub sqlite_interval: Duration,
    /// PostgreSQL: between two reads of the listening socket (the
    /// notifications are already there; this is only how soon they are
    /// picked up).
    pub pg_interval: Duration,
    /// Changes stamped this long before the last one seen are looked at
    /// again (a transaction stamps its change before it commits).
    pub overlap: Duration,
    /// After a lost PostgreSQL connection, the next attempt this much later.
    pub reconnect: Duration,
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            sqlite_interval: Duration::from_millis(200),
            pg_interval: Duration::from_millis(50),
            overlap: Duration::from_secs(5),
            reconnect: Duration::from_secs(1),
        }
    }
}

/// Starts the watcher of `store` on its own thread and returns the
/// batches of changed certificate ids (a certificate may come more than
/// once: the caller compares with what it holds). The thread ends when
/// the receiver is dropped.
pub fn watch(store: &Store, config: WatchConfig) -> std::io::Result<Receiver<StatusChanges>> {
    let bus = store.status_bus().subscribe();
    let (tx, rx) = mpsc::channel();
    let external = External::new(store.url());
    std::thread::Builder::new()
        .name("govpki-status-watch".into())
        .spawn(move || run(bus, external, tx, config))?;
    Ok(rx)
}

fn run(
    bus: Receiver<StatusChanges>,
    mut external: External,
    tx: Sender<StatusChanges>,
    config: WatchConfig,
) {
    let interval = match external {
        External::Sqlite(_) => config.sqlite_interval,
        External::Pg(_) => config.pg_interval,
    };
    let mut next_check = Instant::now();
    loop {
        let wait = next_check.saturating_duration_since(Instant::now());
        match bus.recv_timeout(wait) {
            Ok(ids) => {
                if tx.send(ids).is_err() {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            // The bus lives as long as the store this thread was given.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
        if Instant::now() < next_check {
            continue;
        }
        next_check = Instant::now() + interval;
        let ids = external.poll(&config);
        if !ids.is_empty() && tx.send(ids).is_err() {
            return;
        }
    }
}

/// Where changes made by other processes are seen.
enum External {
    Sqlite(SqliteSource),
    Pg(PgSource),
}

impl External {
    fn new(url: &DatabaseUrl) -> Self {
        match url {
            DatabaseUrl::Sqlite(path) => Self::Sqlite(SqliteSource {
                path: path.clone(),
                conn: None,
                version: None,
                mark: Utc::now().naive_utc(),
                seen: HashSet::new(),
            }),
            DatabaseUrl::Postgres(url) => Self::Pg(PgSource {
                url: url.clone(),
                conn: None,
                lost_at: None,
                retry_at: Instant::now(),
            }),
        }
    }

    /// The ids changed since the last call (none on a failure, which is
    /// logged and retried; the responder's polling covers the gap).
    fn poll(&mut self, config: &WatchConfig) -> StatusChanges {
        let result = match self {
            Self::Sqlite(s) => s.poll(config),
            Self::Pg(p) => p.poll(config),
        };
        result.unwrap_or_else(|e| {
            tracing::debug!("status watcher: {e}");
            Vec::new()
        })
    }
}

/// SQLite: `PRAGMA data_version` on a connection of its own.
struct SqliteSource {
    path: PathBuf,
    conn: Option<DbConnection>,
    version: Option<i64>,
    /// The newest `status_changed_at` seen.
    mark: NaiveDateTime,
    /// (id, stamp) already reported within the overlap.
    seen: HashSet<(i64, NaiveDateTime)>,
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

impl SqliteSource {
    fn poll(&mut self, config: &WatchConfig) -> Result<StatusChanges, String> {
        let conn = match &mut self.conn {
            Some(c) => c,
            None => {
                // Never create a database file in place of a missing one.
                if !self.path.exists() {
                    return Err(format!("{} is missing", self.path.display()));
                }
                let mut c = SqliteConnection::establish(&self.path.to_string_lossy())
                    .map_err(|e| e.to_string())?;
                c.batch_execute("PRAGMA busy_timeout = 10000;")
                    .map_err(|e| e.to_string())?;
                self.conn.insert(DbConnection::Sqlite(c))
            }
        };
        let version = match diesel::sql_query("PRAGMA data_version").get_result::<DataVersion>(conn)
        {
            Ok(v) => v.data_version,
            Err(e) => {
                self.conn = None;
                return Err(e.to_string());
            }
        };
        let first = self.version.is_none();
        if self.version.replace(version) == Some(version) || first {
            return Ok(Vec::new());
        }
        let overlap = chrono::Duration::from_std(config.overlap).unwrap_or_default();
        let rows = changed_since(conn, self.mark - overlap).map_err(|e| e.to_string())?;
        let mut ids = Vec::new();
        for (id, stamp) in rows {
            if self.seen.insert((id, stamp)) {
                ids.push(id);
            }
            self.mark = self.mark.max(stamp);
        }
        let keep_from = self.mark - overlap;
        self.seen.retain(|(_, stamp)| *stamp >= keep_from);
        Ok(ids)
    }
}

/// PostgreSQL: `LISTEN govpki_status` on a connection of its own.
struct PgSource {
    url: String,
    conn: Option<DbConnection>,
    /// When the listening connection was lost (changes since then are read
    /// once it is back).
    lost_at: Option<NaiveDateTime>,
    retry_at: Instant,
}

impl PgSource {
    fn poll(&mut self, config: &WatchConfig) -> Result<StatusChanges, String> {
        let mut ids = Vec::new();
        if self.conn.is_none() {
            if Instant::now() < self.retry_at {
                return Ok(ids);
            }
            self.retry_at = Instant::now() + config.reconnect;
            let mut c = PgConnection::establish(&self.url).map_err(|e| e.to_string())?;
            c.batch_execute(&format!("LISTEN {CHANNEL}"))
                .map_err(|e| e.to_string())?;
            let mut c = DbConnection::Pg(c);
            if let Some(lost) = self.lost_at.take() {
                let overlap = chrono::Duration::from_std(config.overlap).unwrap_or_default();
                match changed_since(&mut c, lost - overlap) {
                    Ok(rows) => ids.extend(rows.into_iter().map(|(id, _)| id)),
                    Err(e) => {
                        self.lost_at = Some(lost);
                        return Err(e.to_string());
                    }
                }
            }
            self.conn = Some(c);
        }
        let Some(DbConnection::Pg(pg)) = &mut self.conn else {
            return Ok(ids);
        };
        let mut failed = None;
        for n in pg.notifications_iter() {
            match n {
                Ok(n) if n.channel == CHANNEL => {
                    if let Ok(id) = n.payload.parse::<i64>() {
                        ids.push(id);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    failed = Some(e.to_string());
                    break;
                }
            }
        }
        if let Some(e) = failed {
            self.conn = None;
            self.lost_at = Some(Utc::now().naive_utc());
            self.retry_at = Instant::now() + config.reconnect;
            if ids.is_empty() {
                return Err(format!("listening connection lost: {e}"));
            }
        }
        Ok(ids)
    }
}

/// (id, status_changed_at) of the certificates (not pending) whose status
/// changed at or after `since`.
fn changed_since(
    c: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    certificates::table
        .filter(certificates::status_changed_at.ge(since))
        .filter(certificates::status.ne(CertStatus::Pending.as_str()))
        .select((certificates::id, certificates::status_changed_at))
        .load(c)
}
