//! Crash safety, on SQLite and PostgreSQL: `govpki cert issue-dir` issues
//! certificates in a loop and is killed with SIGKILL at a random moment of
//! its work, again and again (every third round a `govpki crl generate` is
//! killed instead). After every kill, `govpki doctor` resolves what the
//! kill left and must find the store healthy (every stored certificate
//! matches its recorded TBS, the audit chain is intact), and a checker
//! confirms with SQL: no serial twice, no certificate row without its
//! recorded TBS, no issuance left pending, no CRL number twice. At the end
//! `govpki serve` answers OCSP for every recorded serial (good or revoked,
//! never unknown).
//!
//! Rounds: `GOVPKI_CRASH_KILLS` (default 10, the CI run);
//! `bash bench/crash.sh` runs 100. The random moments come from a seed
//! printed at the start (`GOVPKI_CRASH_SEED` replays one).

#[macro_use]
mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// A small deterministic generator (xorshift64*), seeded per run.
struct Random(u64);

impl Random {
    fn new() -> Self {
        let seed = std::env::var("GOVPKI_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            })
            | 1;
        eprintln!("crash test seed: {seed} (GOVPKI_CRASH_SEED={seed} replays it)");
        Self(seed)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

fn kills() -> usize {
    std::env::var("GOVPKI_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

/// `count` fresh P-256 CSRs in `csrs/`.
fn make_csrs(env: &TestEnv, count: usize) {
    let dir = env.path("csrs");
    std::fs::create_dir_all(&dir).expect("csr dir");
    for i in 0..count {
        let name = format!("k{i:04}");
        let csr = env.csr_p256(&name);
        std::fs::rename(&csr, dir.join(format!("{name}.csr"))).expect("move the CSR");
    }
}

/// Starts `govpki ARGS`, waits until it printed a first line on stdout
/// (or `wait_for_output` is false), lets it run `ms` more milliseconds,
/// and kills it (SIGKILL). Returns whether it was still running.
fn kill_during(env: &TestEnv, args: &[&str], wait_for_output: bool, ms: u64) -> bool {
    let data_dir = env.data_dir().display().to_string();
    let url = env.database_url();
    let mut child = env
        .govpki()
        .args(["--data-dir", &data_dir, "--database-url", &url])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start govpki");
    if wait_for_output {
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next().is_some());
            // Keep draining so the child never blocks on a full pipe.
            for _ in lines {}
        });
        let _ = rx.recv_timeout(Duration::from_secs(60));
    }
    std::thread::sleep(Duration::from_millis(ms));
    let running = child.try_wait().ok().flatten().is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// The invariants after a kill (and `doctor`).
fn check(env: &TestEnv, round: usize) {
    let zero = |what: &str, query: &str| {
        let n = env.query_i64(query);
        assert_eq!(n, 0, "round {round}: {what} ({n})");
    };
    zero(
        "a serial recorded twice",
        "SELECT COUNT(*) AS n FROM (SELECT issuer_id, serial FROM certificates \
         GROUP BY issuer_id, serial HAVING COUNT(*) > 1) AS t",
    );
    zero(
        "a certificate row without its recorded TBS",
        "SELECT COUNT(*) AS n FROM certificates WHERE tbs_der IS NULL OR length(tbs_der) = 0",
    );
    zero(
        "a certificate issued but not stored",
        "SELECT COUNT(*) AS n FROM certificates WHERE status <> 'pending' AND cert_der IS NULL",
    );
    zero(
        "an issuance left pending after doctor",
        "SELECT COUNT(*) AS n FROM certificates WHERE status = 'pending'",
    );
    zero(
        "a CRL number used twice",
        "SELECT COUNT(*) AS n FROM (SELECT issuer_id, number FROM crls \
         GROUP BY issuer_id, number HAVING COUNT(*) > 1) AS t",
    );
}

both_databases!(killed_at_random_moments_the_store_stays_whole, |env| {
    env.init_and_export();
    let subscriber = env.add_individual();
    let rounds = kills();
    // Enough CSRs that no round runs out of work.
    make_csrs(env, 40 + rounds * 12);
    let (csr_dir, out_dir) = (env.p("csrs"), env.p("certs"));
    let issue = [
        "cert",
        "issue-dir",
        "--subscriber",
        &subscriber,
        "--profile",
        "individual",
        "--csr-dir",
        &csr_dir,
        "--out-dir",
        &out_dir,
    ];
    let mut random = Random::new();
    let mut killed_running = 0;
    let started = Instant::now();
    for round in 0..rounds {
        let running = if round % 3 == 2 {
            // A CRL run killed at some point of its (short) life.
            kill_during(env, &["crl", "generate"], false, 150 + random.below(400))
        } else {
            kill_during(env, &issue, true, random.below(120))
        };
        killed_running += usize::from(running);
        let report = env.ok(&["doctor", "--older-than", "0"]);
        assert!(report.trim_end().ends_with("ok"), "round {round}: {report}");
        check(env, round);
    }
    eprintln!(
        "{rounds} kills ({killed_running} while running) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        killed_running * 2 >= rounds,
        "most kills must hit a running process ({killed_running} of {rounds})"
    );
    // Issued after the kills: the run goes on where it stopped.
    env.ok(&issue);
    env.ok(&["crl", "generate"]);
    check(env, rounds);
    let numbers = env.query_strings(
        "SELECT CAST(number AS TEXT) AS s FROM crls WHERE issuer_id = 'gov-ca' ORDER BY created_at, number",
    );
    let numbers: Vec<i64> = numbers
        .iter()
        .map(|n| n.parse().expect("a number"))
        .collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "CRL numbers strictly increase in creation order: {numbers:?}"
    );

    // OCSP answers for every recorded serial: good, or revoked for the
    // issuances the doctor finished and revoked.
    let (server, _) = env.serve_ocsp(&[]);
    let serials = env.query_strings(
        "SELECT serial AS s FROM certificates WHERE issuer_id = 'gov-ca' ORDER BY id",
    );
    assert!(serials.len() > rounds, "{} certificates", serials.len());
    let resolved = env.query_i64(
        "SELECT COUNT(*) AS n FROM certificates WHERE issuer_id = 'gov-ca' \
         AND revocation_reason = 'cessation-of-operation'",
    );
    eprintln!(
        "{} certificates of gov-ca, {resolved} interrupted issuances finished and revoked by doctor",
        serials.len()
    );
    for chunk in serials.chunks(10) {
        let mut args = vec!["-issuer", "gov-ca.pem"];
        let hex: Vec<String> = chunk.iter().map(|s| format!("0x{s}")).collect();
        for h in &hex {
            args.extend_from_slice(&["-serial", h]);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = server.ocsp(env, &args);
            let answered = answer.matches(": good").count() + answer.matches(": revoked").count();
            if answered == chunk.len() && answer.contains("Response verify OK") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "OCSP does not answer every serial of {chunk:?}:\n{answer}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }
    assert_audit_ok(env);
});
