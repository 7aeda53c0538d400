//! The issuance benchmark of issue 2 ("Benchmark (not a test)").
//!
//! For each database (SQLite in a temporary directory; PostgreSQL on a fresh
//! database created on the server of `GOVPKI_TEST_PG_URL` and dropped at the
//! end) and each issuing key type (RSA-2048, P-256), it builds a CA through
//! the public API, registers one subscriber, pre-generates N CSRs, then
//! times, in the same run and on the same issuing key:
//!
//! - end-to-end issuance with [`Ca::issue`] (CSR validation, record, sign,
//!   signed-TBS check, store, audit), on 1 thread and on T threads;
//! - the raw signing rate of the issuing key ([`Signer::sign`] over the TBS
//!   of a certificate it issued), on 1 thread and on T threads;
//!
//! and prints the rates and the ratio issuance / raw signing. The ratio is
//! printed as measured.
//!
//! ```text
//! cargo bench -p ca-core --bench issuance [-- --quick] [-- --sqlite-only] [-- --n N]
//! ```
//!
//! See `bench/README.md`.

#[path = "../examples/support/demo_subscriber.rs"]
mod demo_subscriber;

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ca_core::config::CaConfig;
use ca_core::hierarchy::InitOptions;
use ca_core::lifecycle::IssueRequest;
use ca_core::signer::{KeySpec, Signer};
use ca_core::status::CertStatus;
use ca_core::Ca;
use der::{Decode as _, Encode as _};
use diesel::prelude::*;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The PostgreSQL server used when `GOVPKI_TEST_PG_URL` is not set.
const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The key passphrase of the benchmark CA (never a real one).
const PASSPHRASE: &str = "bench passphrase 0123";
/// N in `--quick` mode.
const QUICK_N: usize = 50;
/// Certificates issued (and signatures made) before any timing starts: the
/// first use decrypts the issuing key and fills the connection pool.
const WARM_UP: usize = 10;
/// The raw signing loop repeats its N signatures until at least this long
/// has passed, so that fast keys are not timed over a few milliseconds.
const MIN_RAW_TIME: Duration = Duration::from_secs(1);

const USAGE: &str = "\
usage: cargo bench -p ca-core --bench issuance [-- OPTIONS]
  --quick          N = 50 for every key, raw signing not repeated (smoke test)
  --n N            certificates per run (default: BENCH_N, else 2000 for p256, 500 for rsa2048)
  --threads T      threads of the parallel runs (default: BENCH_THREADS, else available_parallelism)
  --keys LIST      issuing key types, comma-separated (default: rsa2048,p256)
  --sqlite-only    skip PostgreSQL
environment: GOVPKI_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_N, BENCH_THREADS";

fn main() -> ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("issuance bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("issuance bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What to run.
struct Options {
    quick: bool,
    n: Option<usize>,
    threads: usize,
    keys: Vec<KeySpec>,
    sqlite_only: bool,
    pg_admin_url: String,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Self>, BoxError> {
        let mut quick = false;
        let mut n = env_number("BENCH_N")?;
        let mut threads = env_number("BENCH_THREADS")?;
        let mut keys = vec![KeySpec::Rsa2048, KeySpec::P256];
        let mut sqlite_only = false;
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .ok_or_else(|| BoxError::from(format!("{name} needs a value")))
            };
            match arg.as_str() {
                // `cargo bench` passes --bench to harness = false targets.
                "--bench" => {}
                "--quick" => quick = true,
                "--sqlite-only" => sqlite_only = true,
                "--n" | "-n" => n = Some(positive(&value("--n")?, "--n")?),
                "--threads" => threads = Some(positive(&value("--threads")?, "--threads")?),
                "--keys" => {
                    keys = value("--keys")?
                        .split(',')
                        .map(|k| k.parse::<KeySpec>().map_err(BoxError::from))
                        .collect::<Result<_, _>>()?;
                }
                "--help" | "-h" => return Ok(None),
                other => return Err(format!("unknown argument {other:?}").into()),
            }
        }
        let threads = match threads {
            Some(t) => t,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        let pg_admin_url = std::env::var("GOVPKI_TEST_PG_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_PG_URL.to_owned());
        Ok(Some(Self {
            quick,
            n,
            threads,
            keys,
            sqlite_only,
            pg_admin_url,
        }))
    }

    /// N for one issuing key type.
    fn n_for(&self, key: KeySpec) -> usize {
        if self.quick {
            return QUICK_N;
        }
        self.n.unwrap_or(if key.is_rsa() { 500 } else { 2000 })
    }
}

fn env_number(name: &str) -> Result<Option<usize>, BoxError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(positive(v.trim(), name)?)),
        _ => Ok(None),
    }
}

fn positive(s: &str, what: &str) -> Result<usize, BoxError> {
    match s.parse::<usize>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!("{what} must be a positive integer, not {s:?}").into()),
    }
}

/// The figures of one (database, key) run.
struct Figures {
    database: &'static str,
    key: KeySpec,
    n: usize,
    tbs_len: usize,
    issue_1: Rate,
    issue_t: Rate,
    issue_batch: Rate,
    sign_1: Rate,
    sign_t: Rate,
}

/// `count` operations in `elapsed`.
#[derive(Clone, Copy)]
struct Rate {
    count: usize,
    elapsed: Duration,
}

impl Rate {
    fn per_second(self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
}

fn run(opts: &Options) -> Result<(), BoxError> {
    if !opts.sqlite_only {
        if let Err(e) = PgConnection::establish(&opts.pg_admin_url) {
            return Err(format!(
                "PostgreSQL at {} is unreachable ({e}); set GOVPKI_TEST_PG_URL, or run with --sqlite-only",
                redact(&opts.pg_admin_url)
            )
            .into());
        }
    }
    println!(
        "govpki issuance benchmark: threads T = {}, {} mode, keys {}",
        opts.threads,
        if opts.quick { "quick" } else { "full" },
        opts.keys
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !opts.sqlite_only {
        println!("PostgreSQL server: {}", redact(&opts.pg_admin_url));
    }
    let mut all = Vec::new();
    for &key in &opts.keys {
        all.push(run_sqlite(opts, key)?);
        if !opts.sqlite_only {
            all.push(run_postgres(opts, key)?);
        }
    }
    println!();
    print_table(&all, opts.threads);
    Ok(())
}

fn run_sqlite(opts: &Options, key: KeySpec) -> Result<Figures, BoxError> {
    let dir = tempfile::Builder::new().prefix("govpki-bench-").tempdir()?;
    let data_dir = dir.path().join("data");
    let url = format!("sqlite://{}", data_dir.join("govpki.db").display());
    println!("\n== sqlite ({}), issuing key {key}", data_dir.display());
    bench_one(opts, "sqlite", &data_dir, &url, key)
}

fn run_postgres(opts: &Options, key: KeySpec) -> Result<Figures, BoxError> {
    let db = PgDatabase::create(&opts.pg_admin_url)?;
    let dir = tempfile::Builder::new().prefix("govpki-bench-").tempdir()?;
    let data_dir = dir.path().join("data");
    println!("\n== postgres (database {}), issuing key {key}", db.name);
    let figures = bench_one(opts, "postgres", &data_dir, &db.url, key);
    drop(db);
    figures
}

/// Builds the CA, issues and signs, checks what was stored.
fn bench_one(
    opts: &Options,
    database: &'static str,
    data_dir: &Path,
    url: &str,
    key: KeySpec,
) -> Result<Figures, BoxError> {
    let n = opts.n_for(key);
    let t = opts.threads;

    std::fs::create_dir_all(data_dir)?;
    let config = CaConfig::load(
        data_dir,
        Some(url),
        None,
        None,
        Some(PASSPHRASE.into()),
        None,
    )?;
    let ca = Ca::open(config)?;
    let started = Instant::now();
    ca.init(
        &InitOptions {
            demo: false,
            root_key: KeySpec::P256.into(),
            issuing_key: key.into(),
            ..InitOptions::demo()
        },
        "bench",
    )?;
    let subscriber = ca
        .add_subscriber(&demo_subscriber::nguyen_van_an(), "bench")?
        .id;
    let issuer = ca.issuer("gov-ca")?;
    println!(
        "CA ready in {:.2} s (root p256, gov-ca {key}); subscriber {subscriber}",
        started.elapsed().as_secs_f64()
    );

    // Every CSR is made before any timing: one per certificate, fresh P-256 keys.
    let started = Instant::now();
    let csrs = make_csrs(WARM_UP + 3 * n)?;
    println!(
        "{} CSRs (P-256) generated in {:.2} s",
        csrs.len(),
        started.elapsed().as_secs_f64()
    );
    let (warm, rest) = csrs.split_at(WARM_UP);
    let (single, rest) = rest.split_at(n);
    let (parallel, batched) = rest.split_at(n);

    // Warm-up (untimed): decrypts the issuing key, opens pool connections.
    let warm_certs = issue_all(&ca, subscriber, warm, t.min(warm.len()))?.1;
    let tbs = tbs_of(&warm_certs[0])?;
    let signer = ca.signer_for(&issuer)?;
    for _ in 0..WARM_UP {
        signer.sign(&tbs)?;
    }
    println!(
        "raw signing message: the {}-byte TBSCertificate of an issued certificate",
        tbs.len()
    );

    let min_raw = if opts.quick {
        Duration::ZERO
    } else {
        MIN_RAW_TIME
    };
    let sign_1 = sign_loop(signer.as_ref(), &tbs, n, 1, min_raw)?;
    report("raw sign", 1, sign_1);
    let issue_1 = issue_all(&ca, subscriber, single, 1)?.0;
    report("issuance", 1, issue_1);
    let sign_t = sign_loop(signer.as_ref(), &tbs, n, t, min_raw)?;
    report("raw sign", t, sign_t);
    let issue_t = issue_all(&ca, subscriber, parallel, t)?.0;
    report("issuance", t, issue_t);
    let issue_batch = issue_batched(&ca, subscriber, batched, BATCH)?;
    report(&format!("batch/{BATCH}"), 1, issue_batch);

    // Untimed checks: every issuance stored a good certificate, the audit
    // chain is intact.
    let expected = i64::try_from(WARM_UP + 3 * n)?;
    let stored: i64 = ca.store().read(|c| {
        ca_core::views::bench::count_certificates(c, "gov-ca", CertStatus::Good)
            .map_err(ca_core::store::StoreError::from)
    })?;
    if stored != expected {
        return Err(format!("{stored} good certificates stored, {expected} expected").into());
    }
    let audit = ca
        .store()
        .read(|c| ca_core::audit::verify(c).map_err(ca_core::store::StoreError::from))?;
    if !audit.is_ok() {
        return Err(format!("after the run: {audit}").into());
    }
    println!("checked: {stored} good certificates stored, {audit}");

    Ok(Figures {
        database,
        key,
        n,
        tbs_len: tbs.len(),
        issue_1,
        issue_t,
        issue_batch,
        sign_1,
        sign_t,
    })
}

/// Certificates per `Ca::issue_batch` call in the batched run.
const BATCH: usize = 100;

/// Issues one certificate per CSR with `Ca::issue_batch`, `batch` at a
/// time, on one thread: the path of bulk registrations and unit mergers.
fn issue_batched(
    ca: &Ca,
    subscriber: i64,
    csrs: &[Vec<u8>],
    batch: usize,
) -> Result<Rate, BoxError> {
    let started = Instant::now();
    let mut count = 0;
    for chunk in csrs.chunks(batch) {
        let reqs: Vec<IssueRequest<'_>> = chunk
            .iter()
            .map(|csr| IssueRequest {
                subscriber_id: subscriber,
                profile: "individual",
                csr,
                issuer: Some("gov-ca"),
                token: None,
                days: None,
                actor: "bench",
            })
            .collect();
        for result in ca.issue_batch(&reqs) {
            result.map_err(|e| format!("batch issuance: {e}"))?;
            count += 1;
        }
    }
    Ok(Rate {
        count,
        elapsed: started.elapsed(),
    })
}

fn report(what: &str, threads: usize, rate: Rate) {
    println!(
        "  {what:<9} {threads} thread(s): {:>6} in {:>7.3} s = {:>9.1}/s",
        rate.count,
        rate.elapsed.as_secs_f64(),
        rate.per_second()
    );
}

/// `count` DER CSRs on fresh P-256 keys.
fn make_csrs(count: usize) -> Result<Vec<Vec<u8>>, BoxError> {
    (0..count)
        .map(|_| {
            let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
            let csr = rcgen::CertificateParams::default().serialize_request(&key)?;
            Ok(csr.der().to_vec())
        })
        .collect()
}

/// Issues one certificate per CSR on `threads` threads; returns the rate and
/// the certificates (DER).
fn issue_all(
    ca: &Ca,
    subscriber: i64,
    csrs: &[Vec<u8>],
    threads: usize,
) -> Result<(Rate, Vec<Vec<u8>>), BoxError> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<String>> = Mutex::new(None);
    let started = Instant::now();
    let issued: Vec<Vec<Vec<u8>>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(csr) = csrs.get(i) else { break };
                        let req = IssueRequest {
                            subscriber_id: subscriber,
                            profile: "individual",
                            csr,
                            issuer: Some("gov-ca"),
                            token: None,
                            days: None,
                            actor: "bench",
                        };
                        match ca.issue(&req) {
                            Ok(cert) => mine.push(cert.der),
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                let mut slot =
                                    first_error.lock().unwrap_or_else(|p| p.into_inner());
                                slot.get_or_insert_with(|| format!("issuing certificate {i}: {e}"));
                                break;
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed();
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e.into());
    }
    let certs: Vec<Vec<u8>> = issued.into_iter().flatten().collect();
    if certs.len() != csrs.len() {
        return Err(format!(
            "{} certificates issued, {} expected (a worker panicked?)",
            certs.len(),
            csrs.len()
        )
        .into());
    }
    Ok((
        Rate {
            count: certs.len(),
            elapsed,
        },
        certs,
    ))
}

/// Signs `message` `n` times spread over `threads` threads, repeated until
/// `min_time` has passed.
fn sign_loop(
    signer: &dyn Signer,
    message: &[u8],
    n: usize,
    threads: usize,
    min_time: Duration,
) -> Result<Rate, BoxError> {
    let started = Instant::now();
    let mut count = 0;
    loop {
        let next = AtomicUsize::new(0);
        let results: Vec<Result<usize, String>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut done = 0;
                        while next.fetch_add(1, Ordering::Relaxed) < n {
                            let signature = signer.sign(message).map_err(|e| e.to_string())?;
                            std::hint::black_box(signature);
                            done += 1;
                        }
                        Ok(done)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|_| Err("a signing thread panicked".into()))
                })
                .collect()
        });
        for r in results {
            count += r?;
        }
        if started.elapsed() >= min_time {
            break;
        }
    }
    Ok(Rate {
        count,
        elapsed: started.elapsed(),
    })
}

/// The DER TBSCertificate of a certificate.
fn tbs_of(cert_der: &[u8]) -> Result<Vec<u8>, BoxError> {
    let cert = x509_cert::Certificate::from_der(cert_der)?;
    Ok(cert.tbs_certificate.to_der()?)
}

fn print_table(all: &[Figures], t: usize) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<9} {:<8} {:>5} {:>12} {:>12} {:>12} {:>12} {:>12} {:>9} {:>9} {:>11}",
        "database",
        "key",
        "N",
        "issue/s 1t",
        format!("issue/s {t}t"),
        format!("batch{BATCH}/s 1t"),
        "sign/s 1t",
        format!("sign/s {t}t"),
        "ratio 1t",
        format!("ratio {t}t"),
        "ratio batch",
    );
    for f in all {
        let _ = writeln!(
            out,
            "{:<9} {:<8} {:>5} {:>12.1} {:>12.1} {:>12.1} {:>12.1} {:>12.1} {:>8.3}x {:>8.3}x {:>10.3}x",
            f.database,
            f.key.as_str(),
            f.n,
            f.issue_1.per_second(),
            f.issue_t.per_second(),
            f.issue_batch.per_second(),
            f.sign_1.per_second(),
            f.sign_t.per_second(),
            f.issue_1.per_second() / f.sign_1.per_second(),
            f.issue_t.per_second() / f.sign_t.per_second(),
            f.issue_batch.per_second() / f.sign_1.per_second(),
        );
    }
    print!("{out}");
    println!(
        "ratio = issuance/s ÷ raw sign/s of the same key with the same thread count \
         (raw sign message: {} bytes)",
        all.first().map_or(0, |f| f.tbs_len)
    );
    for f in all.iter().filter(|f| f.key == KeySpec::Rsa2048) {
        let r1 = f.issue_1.per_second() / f.sign_1.per_second();
        let rt = f.issue_t.per_second() / f.sign_t.per_second();
        let rb = f.issue_batch.per_second() / f.sign_1.per_second();
        let verdict = |r: f64| if r >= 0.7 { "met" } else { "NOT met" };
        println!(
            "goal issuance >= 0.70x raw RSA-2048 signing on {}: 1 thread {r1:.2}x ({}), {t} threads {rt:.2}x ({}), batches of {BATCH} on 1 thread {rb:.2}x ({})",
            f.database,
            verdict(r1),
            verdict(rt),
            verdict(rb)
        );
    }
    // One line per run for scripts (bench/issuance.sh reads these).
    for f in all {
        println!(
            "RESULT db={} key={} n={} threads={t} issue_1t={:.1} issue_nt={:.1} issue_batch={:.1} sign_1t={:.1} sign_nt={:.1}",
            f.database,
            f.key.as_str(),
            f.n,
            f.issue_1.per_second(),
            f.issue_t.per_second(),
            f.issue_batch.per_second(),
            f.sign_1.per_second(),
            f.sign_t.per_second(),
        );
    }
}

/// A PostgreSQL database of its own, dropped when this goes out of scope.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(admin_url: &str) -> Result<Self, BoxError> {
        let name = format!("govpki_bench_{}", random_hex(6)?);
        let mut admin = PgConnection::establish(admin_url)
            .map_err(|e| format!("PostgreSQL at {} is unreachable: {e}", redact(admin_url)))?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name)?,
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .execute(&mut c)
                .map_err(|e| e.to_string())
            });
        match dropped {
            Ok(_) => println!("dropped database {}", self.name),
            Err(e) => eprintln!("could not drop database {}: {e}", self.name),
        }
    }
}

/// The URL of database `database` on the server of `url`.
fn with_database(url: &str, database: &str) -> Result<String, BoxError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{:?} is not a postgres:// URL", redact(url)))?;
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
    Ok(out)
}

/// The URL without its password.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{}", &rest[authority_end..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn random_hex(bytes: usize) -> Result<String, BoxError> {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(hex::encode(buf))
}
