//! `govpki serve` as a child process on a random loopback port, killed
//! when dropped; OCSP and HTTP clients against it; cutting it off its
//! database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::PgConnection;

use super::db::Db;
use super::TestEnv;

/// How long the server gets to print its listening line (a first start
/// creates the demo CA and the OCSP delegates).
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// A running `govpki serve`.
pub(crate) struct Server {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub(crate) port: u16,
}

/// A loopback port free a moment ago (for a server whose public URL must
/// be known before it starts).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a free port")
}

impl Server {
    /// Kills the server at once (SIGKILL), as a crash would.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `GET path` with curl into `file` in the work directory: (HTTP status,
    /// lowercased headers).
    pub(crate) fn download(
        &self,
        env: &TestEnv,
        path: &str,
        file: &str,
        headers: &[&str],
    ) -> (u16, String) {
        // curl writes no file for an empty body: never read an older one.
        let _ = std::fs::remove_file(env.path(file));
        let mut cmd = Command::new("curl");
        cmd.current_dir(env.work_dir()).args([
            "-s",
            "-m",
            "20",
            "-o",
            file,
            "-D",
            "download.headers",
            "-w",
            "%{http_code}",
        ]);
        for h in headers {
            cmd.args(["-H", h]);
        }
        let out = cmd.arg(self.url(path)).output().expect("run curl");
        let code = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        let headers = std::fs::read_to_string(env.path("download.headers")).unwrap_or_default();
        (code, headers.to_lowercase())
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestEnv {
    /// Starts `govpki serve --listen 127.0.0.1:0 EXTRA…` and waits for its
    /// `listening on http://127.0.0.1:PORT` line on stderr. Stderr is then
    /// drained (echoed to the test's stderr) so the server never blocks.
    pub(crate) fn serve(&self, extra: &[&str]) -> Server {
        self.serve_on(0, extra)
    }

    /// As [`serve`](Self::serve) on a given port (0: any free one).
    pub(crate) fn serve_on(&self, port: u16, extra: &[&str]) -> Server {
        let data_dir = self.data_dir().display().to_string();
        let url = self.database_url();
        let listen = format!("127.0.0.1:{port}");
        let mut child = self
            .command()
            .args(["--data-dir", &data_dir, "--database-url", &url])
            .args(["serve", "--listen", &listen])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start govpki serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[serve] {line}");
                if let Some(rest) = line.strip_prefix("listening on http://127.0.0.1:") {
                    let _ = tx.send(rest.trim().parse::<u16>().ok());
                }
            }
        });
        let port = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Some(port)) => port,
            other => {
                let _ = child.kill();
                let status = child.wait();
                panic!("govpki serve did not print a listening line: {other:?}, exit {status:?}");
            }
        };
        Server { child, port }
    }
}

/// How long a status change may take to reach a responder run with a
/// refresh interval of one second.
pub(crate) const PROPAGATION: Duration = Duration::from_secs(20);

impl Server {
    /// `openssl ocsp -url … -CAfile chain.pem ARGS`: stdout and stderr.
    pub(crate) fn ocsp(&self, env: &TestEnv, args: &[&str]) -> String {
        let url = self.url("/ocsp");
        let mut all = vec!["ocsp", "-url", &url, "-CAfile", "chain.pem"];
        all.extend_from_slice(args);
        let out = env.openssl(&all);
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Asks `openssl ocsp` until the answer contains every one of
    /// `needles` (within [`PROPAGATION`]) and checks it verified.
    pub(crate) fn wait_for(&self, env: &TestEnv, args: &[&str], needles: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let out = self.ocsp(env, args);
            if needles.iter().all(|n| out.contains(n)) {
                assert!(out.contains("Response verify OK"), "unverified: {out}");
                return out;
            }
            assert!(
                start.elapsed() < PROPAGATION,
                "openssl ocsp {args:?} never said {needles:?}; last answer:\n{out}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// `GET path` with curl: (HTTP status, body as text).
    pub(crate) fn get_text(&self, path: &str) -> (u16, String) {
        let out = Command::new("curl")
            .args(["-s", "-m", "20", "-w", "\n%{http_code}", &self.url(path)])
            .output()
            .expect("run curl");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
        (code.trim().parse().unwrap_or(0), body.to_owned())
    }

    /// The `/healthz` JSON.
    pub(crate) fn healthz(&self) -> serde_json::Value {
        let (code, body) = self.get_text("/healthz");
        assert_eq!(code, 200, "healthz: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("healthz JSON {body:?}: {e}"))
    }

    /// Waits until `/healthz` says `status` (within [`PROPAGATION`]).
    pub(crate) fn wait_health(&self, status: &str) {
        let start = Instant::now();
        loop {
            let json = self.healthz();
            if json["status"] == status {
                return;
            }
            assert!(
                start.elapsed() < PROPAGATION,
                "healthz never said {status}: {json}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

impl TestEnv {
    /// Starts `govpki serve --ocsp-refresh-secs 1 --crl-tick-secs 1 EXTRA…` (creating the
    /// demo CA on first start), exports the chain to `chain.pem` and
    /// `gov-ca.pem` and registers a subscriber; returns the subscriber id.
    pub(crate) fn serve_ocsp(&self, extra: &[&str]) -> (Server, String) {
        let mut args = vec!["--ocsp-refresh-secs", "1", "--crl-tick-secs", "1"];
        args.extend_from_slice(extra);
        let server = self.serve(&args);
        let root = std::fs::read_to_string(self.export(super::ROOT)).expect("read root.pem");
        let gov = std::fs::read_to_string(self.export(super::GOV_CA)).expect("read gov-ca.pem");
        self.write("chain.pem", format!("{gov}{root}"));
        let id = self.add_individual();
        (server, id)
    }

    /// Takes the database away from every process (`cut`), or gives it
    /// back. PostgreSQL: every connection to the test database is
    /// terminated and new ones refused. SQLite: the database file is renamed
    /// (its `-wal` and `-shm` stay), so pooled connections no longer pass
    /// their validity check and new ones find no file.
    pub(crate) fn cut_database(&self, cut: bool) {
        match &self.db {
            Db::Sqlite(path) => {
                let away = path.with_extension("db.away");
                let (from, to) = if cut { (path, &away) } else { (&away, path) };
                std::fs::rename(from, to).unwrap_or_else(|e| {
                    panic!("rename {} to {}: {e}", from.display(), to.display())
                });
            }
            Db::Postgres {
                admin_url, name, ..
            } => {
                let mut admin = PgConnection::establish(admin_url).expect("admin connection");
                let allow = if cut { "false" } else { "true" };
                diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}"))
                    .execute(&mut admin)
                    .expect("ALTER DATABASE ALLOW_CONNECTIONS");
                if cut {
                    diesel::sql_query(format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                    ))
                    .execute(&mut admin)
                    .expect("pg_terminate_backend");
                }
            }
        }
    }
}

/// The CRL at `path` as `openssl crl -text` prints it, once it verifies
/// under `chain.pem` (the DER is left in `file`).
pub(crate) fn crl_text(env: &TestEnv, server: &Server, path: &str, file: &str) -> String {
    let (code, headers) = server.download(env, path, file, &[]);
    assert_eq!(code, 200, "GET {path}: {headers}");
    let out = env.openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        file,
        "-CAfile",
        "chain.pem",
        "-noout",
        "-text",
        "-verify",
    ]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && all.contains("verify OK"),
        "openssl crl -verify {path}: {all}"
    );
    all
}
