//! The end-to-end harness: a fresh data directory and a fresh database per
//! test (SQLite file, or a PostgreSQL database created and dropped around
//! the test), the `govpki` binary run against them, the openssl CLI as the
//! independent client, and direct SQL for "nothing changed" checks and
//! tampering.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod db;
mod server;
mod x509;

use db::Db;
#[allow(unused_imports)]
pub(crate) use db::{random_hex, Snapshot};
#[allow(unused_imports)]
pub(crate) use server::{crl_text, free_port, Server};
#[allow(unused_imports)]
pub(crate) use x509::*;

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

/// One test's world: a temporary directory holding the data directory (keys,
/// demo passphrase, SQLite file) and the working files (CSRs, PEMs), plus
/// the database.
pub(crate) struct TestEnv {
    dir: tempfile::TempDir,
    data_dir: PathBuf,
    work_dir: PathBuf,
    db: Db,
    /// Nguyễn Văn An's subscriber id once registered (a CCCD is
    /// registered once).
    individual: std::cell::OnceCell<String>,
    /// Environment variables every command of this environment gets (the
    /// HSM settings of tests/hsm.rs).
    env: std::cell::RefCell<Vec<(String, String)>>,
}

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
            individual: std::cell::OnceCell::new(),
            env: std::cell::RefCell::new(Vec::new()),
        }
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
            "GOVPKI_HSM_MODULE",
            "GOVPKI_HSM_TOKEN",
            "GOVPKI_HSM_PIN",
            "GOVPKI_HSM_PIN_FILE",
            "SOFTHSM2_CONF",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(self.env.borrow().iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// The binary with this environment's variables, for a caller that
    /// manages the process itself (the crash test kills it).
    pub(crate) fn govpki(&self) -> Command {
        self.command()
    }

    /// Sets `name` for every later command of this environment (replacing
    /// an earlier value); an empty value removes it.
    pub(crate) fn set_env(&self, name: &str, value: &str) {
        let mut env = self.env.borrow_mut();
        env.retain(|(k, _)| k != name);
        if !value.is_empty() {
            env.push((name.to_owned(), value.to_owned()));
        }
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

    /// Registers Nguyễn Văn An (CCCD:001089031733, Cần Thơ) on the first
    /// call; returns the id.
    pub(crate) fn add_individual(&self) -> String {
        self.individual
            .get_or_init(|| self.add_person("Nguyễn Văn An", "CCCD:001089031733"))
            .clone()
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

    /// `cert show --serial S`.
    pub(crate) fn show(&self, serial: &str) -> String {
        self.ok(&["cert", "show", "--serial", serial])
    }

    /// Writes a file in the work directory.
    pub(crate) fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }
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

/// The numbers in a text, as tokens.
pub(crate) fn number_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `cert show` names the revocation reason (any spelling).
pub(crate) fn assert_reason(env: &TestEnv, serial: &str, reason: &str) {
    let show = env.show(serial);
    assert_eq!(
        status_word(&show),
        "revoked",
        "{serial} must be revoked:\n{show}"
    );
    let squashed: String = show
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect();
    assert!(
        squashed.contains(reason),
        "{serial} must be revoked for {reason}:\n{show}"
    );
}

/// `audit verify` says `ok: N events`, N being every row of the log.
pub(crate) fn assert_audit_ok(env: &TestEnv) -> i64 {
    let out = env.ok(&["audit", "verify"]);
    let n: i64 = out
        .split("ok: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("audit verify must say \"ok: N events\", got {out:?}"));
    assert!(out.contains(&format!("ok: {n} events")), "{out:?}");
    assert!(n > 0);
    assert_eq!(
        n,
        env.count("audit_events"),
        "audit verify must cover every event"
    );
    n
}

/// `init --demo`, then a P-256 certificate for a new individual: (id, serial).
pub(crate) fn init_with_certificate(env: &TestEnv, name: &str) -> (String, String) {
    env.init_and_export();
    let id = env.add_individual();
    let csr = env.csr_p256(name);
    let (_, serial) = env.issue(&id, &csr, name, &[]);
    (id, serial)
}
