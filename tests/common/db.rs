//! The test database: a fresh SQLite file or PostgreSQL database per test,
//! and direct SQL for "nothing changed" checks and tampering.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, QueryableByName, SqliteConnection};

use super::TestEnv;

/// Which database a test runs on.
pub(super) enum Db {
    Sqlite(PathBuf),
    Postgres {
        /// The server URL given in `GOVPKI_TEST_PG_URL` (maintenance connection).
        admin_url: String,
        /// The URL of this test's own database.
        url: String,
        /// Its name.
        name: String,
    },
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct TextValue {
    #[diesel(sql_type = Text)]
    s: String,
}

/// Row counts of the tables a refused request must not touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot(Vec<(String, i64)>);

impl TestEnv {
    /// A test on SQLite: `sqlite://{data_dir}/govpki.db`.
    pub(crate) fn sqlite() -> Self {
        Self::with_db(|data_dir| Db::Sqlite(data_dir.join("govpki.db")))
    }

    /// A test on its own fresh PostgreSQL database on the server of
    /// `GOVPKI_TEST_PG_URL`, dropped when the test ends.
    pub(crate) fn postgres() -> Self {
        let admin_url = std::env::var("GOVPKI_TEST_PG_URL").unwrap_or_default();
        assert!(
            !admin_url.trim().is_empty(),
            "GOVPKI_TEST_PG_URL is required: the PostgreSQL suite never passes silently"
        );
        let name = format!("govpki_t_{}", random_hex(8));
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("cannot connect to GOVPKI_TEST_PG_URL: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let url = with_database(&admin_url, &name);
        Self::with_db(|_| Db::Postgres {
            admin_url,
            url,
            name,
        })
    }

    /// The database URL the binary is given.
    pub(crate) fn database_url(&self) -> String {
        match &self.db {
            Db::Sqlite(path) => format!("sqlite://{}", path.display()),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres { .. })
    }

    /// Executes one SQL statement directly on the test database.
    pub(crate) fn sql(&self, statement: &str) -> usize {
        let result = match &self.db {
            Db::Sqlite(path) => diesel::sql_query(statement).execute(&mut sqlite_conn(path)),
            Db::Postgres { url, .. } => diesel::sql_query(statement).execute(&mut pg_conn(url)),
        };
        result.unwrap_or_else(|e| panic!("{statement}: {e}"))
    }

    /// The single BIGINT a query returns as column `n`.
    pub(crate) fn query_i64(&self, query: &str) -> i64 {
        let result = match &self.db {
            Db::Sqlite(path) => {
                diesel::sql_query(query).get_result::<Count>(&mut sqlite_conn(path))
            }
            Db::Postgres { url, .. } => {
                diesel::sql_query(query).get_result::<Count>(&mut pg_conn(url))
            }
        };
        result.unwrap_or_else(|e| panic!("{query}: {e}")).n
    }

    /// The text values a query returns as column `s`.
    pub(crate) fn query_strings(&self, query: &str) -> Vec<String> {
        let result = match &self.db {
            Db::Sqlite(path) => diesel::sql_query(query).load::<TextValue>(&mut sqlite_conn(path)),
            Db::Postgres { url, .. } => {
                diesel::sql_query(query).load::<TextValue>(&mut pg_conn(url))
            }
        };
        result
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .into_iter()
            .map(|v| v.s)
            .collect()
    }

    /// `SELECT COUNT(*)` of a table.
    pub(crate) fn count(&self, table: &str) -> i64 {
        self.query_i64(&format!("SELECT COUNT(*) AS n FROM {table}"))
    }

    /// Row counts of every table a refused request must leave alone, and
    /// certificates by status.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let mut rows = Vec::new();
        for table in [
            "certificates",
            "subscribers",
            "tokens",
            "audit_events",
            "issuers",
            "units",
            "blocked_keys",
            "crls",
        ] {
            rows.push((table.to_owned(), self.count(table)));
        }
        for status in ["good", "suspended", "revoked", "pending"] {
            let n = self.query_i64(&format!(
                "SELECT COUNT(*) AS n FROM certificates WHERE status = '{status}'"
            ));
            rows.push((format!("certificates.{status}"), n));
        }
        for status in ["active", "lost"] {
            let n = self.query_i64(&format!(
                "SELECT COUNT(*) AS n FROM tokens WHERE status = '{status}'"
            ));
            rows.push((format!("tokens.{status}"), n));
        }
        Snapshot(rows)
    }
}

fn sqlite_conn(path: &Path) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(&path.display().to_string())
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    conn.batch_execute("PRAGMA busy_timeout = 10000")
        .expect("set busy_timeout");
    conn
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        if let Db::Postgres {
            admin_url, name, ..
        } = &self.db
        {
            let dropped = PgConnection::establish(admin_url).map(|mut c| {
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c)
            });
            match dropped {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => eprintln!("could not drop test database {name}: {e}"),
                Err(e) => eprintln!("could not drop test database {name}: {e}"),
            }
        }
    }
}

fn pg_conn(url: &str) -> PgConnection {
    PgConnection::establish(url).unwrap_or_else(|e| panic!("connect to the test database: {e}"))
}

/// The same server URL with another database name (query string kept).
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("GOVPKI_TEST_PG_URL {url:?} is not a postgres:// URL"));
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    let mut out = format!("{scheme}://{authority}/{database}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("read /dev/urandom");
    hex::encode(bytes)
}
