//! `govpki serve` as a child process on a random loopback port, killed
//! when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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

impl Server {
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
        let data_dir = self.data_dir().display().to_string();
        let url = self.database_url();
        let mut child = self
            .command()
            .args(["--data-dir", &data_dir, "--database-url", &url])
            .args(["serve", "--listen", "127.0.0.1:0"])
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
