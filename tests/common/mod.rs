//! The end-to-end harness: a fresh data directory and a fresh database per
//! test (SQLite file, or a PostgreSQL database created and dropped around
//! the test), the `govpki` binary run against them, the openssl CLI as the
//! independent client, and direct SQL for "nothing changed" checks and
//! tampering.

#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, QueryableByName, SqliteConnection};

/// Generates `mod $name { #[test] fn sqlite() … #[test] fn postgres() … }`
/// around one shared test body, so every test runs on both databases.
macro_rules! both_databases {
    ($name:ident, |$env:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($env: &$crate::common::TestEnv) $body

            #[test]
            fn sqlite() {
                body(&$crate::common::TestEnv::sqlite());
            }

            #[test]
            fn postgres() {
                body(&$crate::common::TestEnv::postgres());
            }
        }
    };
}

/// The fixed name of the demo issuing CA.
pub(crate) const GOV_CA: &str = "gov-ca";
/// The fixed name of the demo root.
pub(crate) const ROOT: &str = "root";

/// Which database a test runs on.
enum Db {
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

/// One test's world: a temporary directory holding the data directory (keys,
/// demo passphrase, SQLite file) and the working files (CSRs, PEMs), plus
/// the database.
pub(crate) struct TestEnv {
    dir: tempfile::TempDir,
    data_dir: PathBuf,
    work_dir: PathBuf,
    db: Db,
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
    fn with_db(make: impl FnOnce(&Path) -> Db) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("govpki-e2e-")
            .tempdir()
            .expect("create a temporary directory");
        let data_dir = dir.path().join("data");
        let work_dir = dir.path().join("work");
        fs::create_dir_all(&data_dir).expect("create the data directory");
        fs::create_dir_all(&work_dir).expect("create the work directory");
        let db = make(&data_dir);
        Self {
            dir,
            data_dir,
            work_dir,
            db,
        }
    }

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

    pub(crate) fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn work_dir(&self) -> &Path {
        &self.work_dir
    }

    /// A path in the work directory.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.work_dir.join(name)
    }

    /// A path in the work directory, as a string for command lines.
    pub(crate) fn p(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// The binary with a clean environment, run from the work directory.
    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_govpki"));
        cmd.current_dir(&self.work_dir);
        for var in [
            "GOVPKI_KEY_PASSPHRASE",
            "GOVPKI_KEY_PASSPHRASE_FILE",
            "GOVPKI_DATA_DIR",
            "GOVPKI_DATABASE_URL",
            "GOVPKI_PUBLIC_URL",
            "GOVPKI_CONFIG",
            "GOVPKI_ACTOR",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs `govpki --data-dir … --database-url … ARGS`.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        let data_dir = self.data_dir.display().to_string();
        let url = self.database_url();
        self.command()
            .args(["--data-dir", &data_dir, "--database-url", &url])
            .args(args)
            .output()
            .expect("run govpki")
    }

    /// Runs `govpki --data-dir … ARGS` (the caller gives the database URL).
    pub(crate) fn run_without_database(&self, args: &[&str]) -> Output {
        let data_dir = self.data_dir.display().to_string();
        self.command()
            .args(["--data-dir", &data_dir])
            .args(args)
            .output()
            .expect("run govpki")
    }

    /// Runs the binary, asserts success, returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        expect_success(&format!("govpki {}", args.join(" ")), &self.run(args))
    }

    /// Runs the binary, asserts failure with exactly one non-empty line on
    /// stderr (and no panic), returns that line.
    pub(crate) fn fail(&self, args: &[&str]) -> String {
        expect_one_line_failure(&format!("govpki {}", args.join(" ")), &self.run(args))
    }

    /// [`fail`](Self::fail), and asserts the database did not change.
    pub(crate) fn fail_unchanged(&self, args: &[&str]) -> String {
        let before = self.snapshot();
        let line = self.fail(args);
        assert_eq!(
            before,
            self.snapshot(),
            "`govpki {}` failed but changed the database",
            args.join(" ")
        );
        line
    }

    /// `init --demo`; returns its stdout.
    pub(crate) fn init(&self) -> String {
        self.ok(&["init", "--demo"])
    }

    /// Exports an issuer's certificate to `{id}.pem` in the work directory.
    pub(crate) fn export(&self, id: &str) -> PathBuf {
        let pem = self.ok(&["ca", "export", id]);
        assert!(
            pem.contains("-----BEGIN CERTIFICATE-----"),
            "ca export {id} printed no certificate: {pem}"
        );
        self.write(&format!("{id}.pem"), &pem)
    }

    /// `init --demo` and exports `root.pem` and `gov-ca.pem`.
    pub(crate) fn init_and_export(&self) -> String {
        let out = self.init();
        self.export(ROOT);
        self.export(GOV_CA);
        out
    }

    /// Registers Nguyễn Văn An (CCCD:001089031733, Cần Thơ); returns the id.
    pub(crate) fn add_individual(&self) -> String {
        self.add_person("Nguyễn Văn An", "CCCD:001089031733")
    }

    /// Registers an individual in Cần Thơ; returns the id.
    pub(crate) fn add_person(&self, name: &str, national_id: &str) -> String {
        let out = self.ok(&[
            "subscriber",
            "add",
            "--kind",
            "individual",
            "--name",
            name,
            "--national-id",
            national_id,
            "--province",
            "Cần Thơ",
            "--unit",
            "Sở Khoa học và Công nghệ",
            "--email",
            "an.nv@cantho.gov.vn",
        ]);
        subscriber_id(&out)
    }

    /// Issues an individual certificate for `subscriber` from `csr` (plus
    /// `extra` arguments), saves it as `{name}.pem`, checks its chain with
    /// openssl, and returns (path, lowercase serial).
    pub(crate) fn issue(
        &self,
        subscriber: &str,
        csr: &Path,
        name: &str,
        extra: &[&str],
    ) -> (PathBuf, String) {
        let csr = csr.display().to_string();
        let mut args = vec![
            "cert",
            "issue",
            "--subscriber",
            subscriber,
            "--profile",
            "individual",
            "--csr",
            &csr,
        ];
        args.extend_from_slice(extra);
        let pem = self.ok(&args);
        self.save_leaf(name, &pem)
    }

    /// Saves a certificate printed by the binary as `{name}.pem`, verifies
    /// its chain up to the demo root, returns (path, lowercase serial).
    pub(crate) fn save_leaf(&self, name: &str, pem: &str) -> (PathBuf, String) {
        assert_eq!(
            pem.matches("-----BEGIN CERTIFICATE-----").count(),
            1,
            "expected one certificate PEM on stdout, got: {pem}"
        );
        let path = self.write(&format!("{name}.pem"), pem);
        self.verify_chain(&path, &[GOV_CA]);
        let serial = self.serial_of(&path);
        (path, serial)
    }

    /// `openssl verify -CAfile root.pem [-untrusted each.pem] cert`: asserts OK.
    pub(crate) fn verify_chain(&self, cert: &Path, intermediates: &[&str]) {
        self.verify_chain_to(cert, &self.path("root.pem"), intermediates);
    }

    /// `openssl verify -CAfile ANCHOR [-untrusted each.pem] cert`: asserts OK.
    pub(crate) fn verify_chain_to(&self, cert: &Path, anchor: &Path, intermediates: &[&str]) {
        let anchor = anchor.display().to_string();
        let cert = cert.display().to_string();
        let untrusted: Vec<String> = intermediates
            .iter()
            .map(|id| self.p(&format!("{id}.pem")))
            .collect();
        let mut args = vec!["verify", "-CAfile", &anchor];
        for u in &untrusted {
            args.extend_from_slice(&["-untrusted", u]);
        }
        args.push(&cert);
        let out = self.openssl_ok(&args);
        assert!(
            out.trim_end().ends_with(": OK"),
            "openssl verify did not say OK: {out}"
        );
    }

    /// The serial of a certificate, lowercase hex as openssl prints it.
    pub(crate) fn serial_of(&self, cert: &Path) -> String {
        self.openssl_serial(cert).to_lowercase()
    }

    /// The serial as `openssl x509 -serial` prints it (uppercase hex).
    pub(crate) fn openssl_serial(&self, cert: &Path) -> String {
        let cert = cert.display().to_string();
        let out = self.openssl_ok(&["x509", "-in", &cert, "-noout", "-serial"]);
        out.trim()
            .strip_prefix("serial=")
            .unwrap_or_else(|| panic!("unexpected openssl -serial output {out:?}"))
            .to_owned()
    }

    /// `openssl x509 -noout -text`.
    pub(crate) fn cert_text(&self, cert: &Path) -> String {
        let cert = cert.display().to_string();
        self.openssl_ok(&["x509", "-in", &cert, "-noout", "-text"])
    }

    /// The subject, one `ATTR=value` per line (`-nameopt utf8,sep_multiline`).
    pub(crate) fn subject_lines(&self, cert: &Path) -> Vec<String> {
        let cert = cert.display().to_string();
        let out = self.openssl_ok(&[
            "x509",
            "-in",
            &cert,
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,sep_multiline",
        ]);
        out.lines()
            .skip(1)
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The public key PEM of a certificate.
    pub(crate) fn pubkey_of_cert(&self, cert: &Path) -> String {
        let cert = cert.display().to_string();
        self.openssl_ok(&["x509", "-in", &cert, "-noout", "-pubkey"])
    }

    /// The public key PEM of a private key file.
    pub(crate) fn pubkey_of_key(&self, key: &Path) -> String {
        let key = key.display().to_string();
        self.openssl_ok(&["pkey", "-in", &key, "-pubout"])
    }

    /// (notBefore, notAfter) as Unix seconds.
    pub(crate) fn validity(&self, cert: &Path) -> (i64, i64) {
        let cert = cert.display().to_string();
        let out = self.openssl_ok(&[
            "x509", "-in", &cert, "-noout", "-dates", "-dateopt", "iso_8601",
        ]);
        let field = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(unix_seconds)
                .unwrap_or_else(|| panic!("no {name} in {out:?}"))
        };
        (field("notBefore="), field("notAfter="))
    }

    /// Validity length in seconds.
    pub(crate) fn validity_seconds(&self, cert: &Path) -> i64 {
        let (from, to) = self.validity(cert);
        assert!(to > from, "notAfter before notBefore");
        to - from
    }

    /// `cert show --serial S`.
    pub(crate) fn show(&self, serial: &str) -> String {
        self.ok(&["cert", "show", "--serial", serial])
    }

    /// Runs openssl in the work directory.
    pub(crate) fn openssl(&self, args: &[&str]) -> Output {
        Command::new("openssl")
            .current_dir(&self.work_dir)
            .args(args)
            .output()
            .expect("run openssl")
    }

    /// Runs openssl, asserts success, returns stdout.
    pub(crate) fn openssl_ok(&self, args: &[&str]) -> String {
        expect_success(&format!("openssl {}", args.join(" ")), &self.openssl(args))
    }

    /// A new P-256 key `{name}.key` and its CSR `{name}.csr`; returns the CSR.
    pub(crate) fn csr_p256(&self, name: &str) -> PathBuf {
        self.new_key_csr(
            name,
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        )
    }

    /// A new RSA-2048 key `{name}.key` and its CSR `{name}.csr`.
    pub(crate) fn csr_rsa2048(&self, name: &str) -> PathBuf {
        self.csr_rsa(name, 2048)
    }

    /// A new RSA key of `bits` and its CSR.
    pub(crate) fn csr_rsa(&self, name: &str, bits: u32) -> PathBuf {
        self.new_key_csr(name, &["-newkey", &format!("rsa:{bits}")])
    }

    fn new_key_csr(&self, name: &str, key_args: &[&str]) -> PathBuf {
        let key = self.p(&format!("{name}.key"));
        let csr = self.p(&format!("{name}.csr"));
        let mut args = vec!["req", "-new"];
        args.extend_from_slice(key_args);
        args.extend_from_slice(&[
            "-nodes",
            "-keyout",
            &key,
            "-subj",
            "/CN=ignored",
            "-out",
            &csr,
        ]);
        self.openssl_ok(&args);
        PathBuf::from(csr)
    }

    /// A new CSR `{name}.csr` for the existing key `{key}.key`, with its own
    /// subject.
    pub(crate) fn csr_for_key(&self, key: &str, name: &str, subject: &str) -> PathBuf {
        let key = self.p(&format!("{key}.key"));
        let csr = self.p(&format!("{name}.csr"));
        self.openssl_ok(&[
            "req", "-new", "-utf8", "-key", &key, "-subj", subject, "-out", &csr,
        ]);
        PathBuf::from(csr)
    }

    /// The private key file made with a CSR.
    pub(crate) fn key_path(&self, name: &str) -> PathBuf {
        self.path(&format!("{name}.key"))
    }

    /// Writes a file in the work directory.
    pub(crate) fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
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

/// Asserts a process succeeded; returns its stdout.
pub(crate) fn expect_success(what: &str, out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "`{what}` failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    stdout
}

/// Asserts a process failed with one non-empty stderr line and no panic;
/// returns the line.
pub(crate) fn expect_one_line_failure(what: &str, out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "`{what}` should have failed but succeeded:\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        out.status.code().is_some(),
        "`{what}` was killed by a signal: {}\nstderr:\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "`{what}` panicked:\n{stderr}");
    let body = stderr.strip_suffix('\n').unwrap_or(&stderr);
    assert!(
        !body.trim().is_empty() && !body.contains('\n'),
        "`{what}` must fail with exactly one non-empty line on stderr, got:\n{stderr}"
    );
    body.to_owned()
}

/// The id `subscriber add` printed: alone on stdout.
pub(crate) fn subscriber_id(stdout: &str) -> String {
    let id = stdout.trim();
    assert!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) && stdout.lines().count() == 1,
        "subscriber add must print the new id alone, got {stdout:?}"
    );
    id.to_owned()
}

/// Whether `text` mentions any of `words` (case-insensitive).
pub(crate) fn mentions(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(&w.to_lowercase()))
}

/// Whether `text` has `word` as a whole word (case-insensitive).
pub(crate) fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|t| t.eq_ignore_ascii_case(word))
}

/// Asserts `line` mentions one of `words`.
pub(crate) fn assert_mentions(line: &str, words: &[&str]) {
    assert!(
        mentions(line, words),
        "error line {line:?} should name the problem (one of {words:?})"
    );
}

/// The lines of `openssl x509 -text` following a heading (the extension
/// values), up to the next heading.
pub(crate) fn extension_value(text: &str, heading: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|l| l.trim_start().starts_with(heading))?;
    let value: Vec<&str> = lines
        .take_while(|l| !l.trim_start().starts_with("X509v3") && !l.contains("Signature Algorithm"))
        .map(str::trim)
        .collect();
    Some(value.join("\n"))
}

/// The heading line itself (to check `critical`).
pub(crate) fn extension_heading<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find(|l| l.starts_with(heading))
}

/// Colons removed, lowercase: to compare fingerprints printed either way.
pub(crate) fn normalize_hex(s: &str) -> String {
    s.chars()
        .filter(|c| *c != ':')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `openssl x509 -fingerprint -sha256` of a certificate, normalised.
pub(crate) fn fingerprint(env: &TestEnv, cert: &Path) -> String {
    let cert = cert.display().to_string();
    let out = env.openssl_ok(&["x509", "-in", &cert, "-noout", "-fingerprint", "-sha256"]);
    let value = out
        .trim()
        .split_once('=')
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("unexpected fingerprint output {out:?}"));
    normalize_hex(value)
}

/// Unix seconds of `YYYY-MM-DD HH:MM:SSZ`.
pub(crate) fn unix_seconds(iso: &str) -> i64 {
    let iso = iso.trim().trim_end_matches('Z');
    let (date, time) = iso
        .split_once(' ')
        .or_else(|| iso.split_once('T'))
        .unwrap_or_else(|| panic!("bad date {iso:?}"));
    let num = |s: &str| -> i64 { s.parse().unwrap_or_else(|_| panic!("bad date {iso:?}")) };
    let d: Vec<i64> = date.split('-').map(num).collect();
    let t: Vec<i64> = time.split(':').map(num).collect();
    assert!(d.len() == 3 && t.len() == 3, "bad date {iso:?}");
    days_from_civil(d[0], d[1], d[2]) * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One day in seconds.
pub(crate) const DAY: i64 = 86_400;

/// The status word `cert show` prints (on its `status` line when it has
/// one), checked to be exactly one of good, revoked, suspended, pending.
pub(crate) fn status_word(show: &str) -> &'static str {
    let status_line = show.lines().find(|l| l.to_lowercase().contains("status"));
    let text = status_line.unwrap_or(show);
    let words: Vec<&'static str> = ["good", "revoked", "suspended", "pending"]
        .into_iter()
        .filter(|w| {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .any(|t| t.eq_ignore_ascii_case(w))
        })
        .collect();
    assert_eq!(
        words.len(),
        1,
        "cert show must name exactly one status, got {words:?} in:\n{show}"
    );
    words[0]
}

/// The PEM blocks of a text.
pub(crate) fn pem_blocks(text: &str, label: &str) -> Vec<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start..];
        let stop = after
            .find(&end)
            .unwrap_or_else(|| panic!("unterminated {label} PEM in {text:?}"))
            + end.len();
        out.push(format!("{}\n", &after[..stop]));
        rest = &after[stop..];
    }
    out
}

/// The numbers in a text, as tokens.
pub(crate) fn number_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Subject Key Identifier in `openssl x509 -text`, normalised.
pub(crate) fn ski(text: &str) -> String {
    normalize_hex(&extension_value(text, "X509v3 Subject Key Identifier").unwrap_or_default())
}

/// The Authority Key Identifier (key id) in `openssl x509 -text`, normalised.
pub(crate) fn aki(text: &str) -> String {
    let value = extension_value(text, "X509v3 Authority Key Identifier").unwrap_or_default();
    let first = value.lines().next().unwrap_or_default();
    normalize_hex(first.trim_start_matches("keyid:"))
}

/// Every DN string attribute of a certificate is a UTF8String except
/// countryName (PrintableString).
pub(crate) fn check_string_types(env: &TestEnv, cert: &Path) {
    let cert = cert.display().to_string();
    let parsed = env.openssl_ok(&["asn1parse", "-in", &cert]);
    let lines: Vec<&str> = parsed.lines().collect();
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.contains("prim: OBJECT") {
            continue;
        }
        let Some(attr) = line.rsplit_once(':').map(|(_, a)| a.trim()) else {
            continue;
        };
        let expected = match attr {
            "countryName" => "PRINTABLESTRING",
            "commonName"
            | "organizationName"
            | "organizationalUnitName"
            | "stateOrProvinceName"
            | "localityName"
            | "title"
            | "userId" => "UTF8STRING",
            _ => continue,
        };
        seen += 1;
        assert!(
            lines.get(i + 1).is_some_and(|next| next.contains(expected)),
            "{attr} must be a {expected} in {cert}:\n{parsed}"
        );
    }
    assert!(seen >= 4, "expected subject and issuer names in {cert}");
}
