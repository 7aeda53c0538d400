//! What the trust-chain tests stand on: a real CA on a fresh SQLite data
//! directory or a fresh PostgreSQL database (dropped afterwards), a small
//! hierarchy in it, the publisher mounted on Rocket's local client, and the
//! real `openssl` command.

// The subscriber ca-core's benches and examples issue to (one file).
#[path = "../../../ca-core/examples/support/demo_subscriber.rs"]
mod demo_subscriber;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ca_core::config::CaConfig;
use ca_core::hierarchy::{InitOptions, KeyLocation, SubCaOptions};
use ca_core::lifecycle::IssueRequest;
use ca_core::signer::KeySpec;
use ca_core::Ca;
use crl_publisher::{Publisher, PublisherConfig};
use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use rocket::local::blocking::Client;

/// The PostgreSQL server used when `GOVPKI_TEST_PG_URL` is not set.
const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The public base URL written into the test certificates.
pub(crate) const PUBLIC_URL: &str = "http://pki.example.gov.vn";
/// The key passphrase of the test CA (never a real one).
const PASSPHRASE: &str = "trust chain test passphrase 0123";
/// The name of the second sub-CA: markup and quotes the page must escape.
pub(crate) const PARTY_NAME: &str = "CA phục vụ các cơ quan Đảng <thử> & \"kiểm tra\"";

/// A CA with the test hierarchy, its files and its database.
pub(crate) struct TestCa {
    pub(crate) ca: Arc<Ca>,
    /// Scratch space for openssl input and output.
    pub(crate) work: PathBuf,
    /// The leaf certificate issued by `gov-ca`, PEM.
    pub(crate) leaf_pem: String,
    dir: tempfile::TempDir,
    pg: Option<PgDatabase>,
}

impl TestCa {
    /// On SQLite in a temporary data directory.
    pub(crate) fn sqlite() -> Self {
        let dir = tempdir();
        let url = format!("sqlite://{}", dir.path().join("data/govpki.db").display());
        Self::build(dir, &url, None)
    }

    /// On a fresh PostgreSQL database; panics (the test fails) when the
    /// server cannot be reached: this suite never passes silently.
    pub(crate) fn postgres() -> Self {
        let pg = PgDatabase::create();
        let url = pg.url.clone();
        Self::build(tempdir(), &url, Some(pg))
    }

    /// `root` → `gov-ca` (issues one leaf) and `party-ca` (4 CRL shards),
    /// plus `ext-ca` awaiting the certificate of an external root.
    fn build(dir: tempfile::TempDir, url: &str, pg: Option<PgDatabase>) -> Self {
        let data = dir.path().join("data");
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).expect("create the work directory");
        let config = CaConfig::load(
            &data,
            Some(url),
            Some(PUBLIC_URL),
            None,
            Some(PASSPHRASE.into()),
            None,
        )
        .expect("CA configuration");
        let ca = Ca::open(config).expect("open the CA");
        ca.init(
            &InitOptions {
                demo: false,
                root_key: KeySpec::P256.into(),
                issuing_key: KeySpec::P256.into(),
                ..InitOptions::demo()
            },
            "test",
        )
        .expect("init");
        ca.create_sub(
            &SubCaOptions {
                parent: "root".into(),
                id: "party-ca".into(),
                name: PARTY_NAME.into(),
                organization: Some("Ban Cơ yếu Chính phủ".into()),
                key: KeySpec::P256.into(),
                days: Some(3650),
                path_len: None,
                allow_suspend: true,
                crl_shards: 4,
                key_at: KeyLocation::Software,
            },
            "test",
        )
        .expect("create party-ca");
        ca.request_external_sub(
            "ext-ca",
            "CA ngoài (chờ cấp)",
            None,
            KeySpec::P256.into(),
            &KeyLocation::Software,
            "test",
        )
        .expect("request ext-ca");
        let leaf_pem = issue_leaf(&ca, &work);
        Self {
            ca: Arc::new(ca),
            work,
            leaf_pem,
            dir,
            pg,
        }
    }

    /// The publisher mounted as `govpki serve` and the standalone binary
    /// mount it, behind Rocket's local client.
    pub(crate) fn client(&self) -> Client {
        let publisher = Arc::new(Publisher::new(
            Arc::clone(&self.ca),
            PublisherConfig::default(),
        ));
        let config = ca_core::service::rocket_config("127.0.0.1:0".parse().expect("address"));
        Client::tracked(ca_core::service::compose(
            rocket::custom(config),
            vec![publisher],
        ))
        .expect("a valid Rocket")
    }

    /// Runs one SQL statement on the CA's database, outside the CA.
    pub(crate) fn sql(&self, statement: &str) {
        let result = match &self.pg {
            Some(pg) => diesel::sql_query(statement).execute(&mut pg_connect(&pg.url)),
            None => {
                let path = self.dir.path().join("data/govpki.db");
                let mut conn = SqliteConnection::establish(&path.display().to_string())
                    .expect("open the SQLite database");
                // The publisher's schedule may be writing a CRL right now.
                conn.batch_execute("PRAGMA busy_timeout = 10000")
                    .expect("set busy_timeout");
                diesel::sql_query(statement).execute(&mut conn)
            }
        };
        result.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }

    /// Writes `bytes` into the work directory; returns the path.
    pub(crate) fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.work.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {name}: {e}"));
        path
    }
}

/// Runs `openssl` in `dir`: (success, stdout + stderr).
pub(crate) fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command is installed");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Runs `openssl` and returns its output, failing the test if it fails.
pub(crate) fn openssl_ok(dir: &Path, args: &[&str]) -> String {
    let (ok, text) = openssl(dir, args);
    assert!(ok, "openssl {}: {text}", args.join(" "));
    text
}

/// A CSR made by openssl on a fresh P-256 key, issued by `gov-ca`.
fn issue_leaf(ca: &Ca, work: &Path) -> String {
    openssl_ok(
        work,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-subj",
            "/CN=leaf",
            "-out",
            "leaf.csr",
        ],
    );
    let csr = std::fs::read(work.join("leaf.csr")).expect("read leaf.csr");
    let subscriber = ca
        .add_subscriber(&demo_subscriber::nguyen_van_an(), "test")
        .expect("add a subscriber")
        .id;
    ca.issue(&IssueRequest {
        subscriber_id: subscriber,
        profile: "individual",
        csr: &csr,
        issuer: Some("gov-ca"),
        token: None,
        days: None,
        actor: "test",
    })
    .expect("issue a leaf")
    .pem()
}

/// A database of its own on the PostgreSQL test server, dropped on drop.
struct PgDatabase {
    admin_url: String,
    url: String,
    name: String,
}

impl PgDatabase {
    fn create() -> Self {
        let admin_url = std::env::var("GOVPKI_TEST_PG_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_PG_URL.to_owned());
        let name = format!("govpki_trust_{}", random_hex(6));
        let mut admin = pg_connect(&admin_url);
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let url = with_database(&admin_url, &name);
        Self {
            admin_url,
            url,
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.admin_url).map(|mut c| {
            diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut c)
        });
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

fn pg_connect(url: &str) -> PgConnection {
    PgConnection::establish(url).unwrap_or_else(|e| {
        panic!("PostgreSQL is required for this test and unreachable at GOVPKI_TEST_PG_URL or {DEFAULT_PG_URL}: {e}")
    })
}

/// The same server URL with another database name (query string kept).
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    match query {
        Some(q) => format!("{scheme}://{authority}/{database}?{q}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("govpki-trust-")
        .tempdir()
        .expect("a temporary directory")
}

fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("read /dev/urandom");
    hex::encode(bytes)
}
