//! The revocation → OCSP latency benchmark's client (`bench/notify.sh`):
//! revokes certificates one after another through the CA and measures,
//! for each, the time from the revocation's commit to the first OCSP answer
//! saying `revoked`, while load threads keep the responder busy with other
//! requests. Not a test.
//!
//! `--mode same`: the responder runs in this process (the change reaches
//! it through the in-process notification, as in `govpki serve`'s portal);
//! `--mode other`: the responder is another process at `--url` (LISTEN on
//! PostgreSQL, `PRAGMA data_version` on SQLite).
//!
//! usage: cargo run --release -p ocsp-responder --example notify_latency -- \
//!            --data-dir DIR [--database-url URL] --leaves DIR --requests DIR \
//!            --from N --count M --mode same|other [--url URL] [--listen ADDR] \
//!            [--load-threads T]
//! Each revocation comes after a random pause of up to 250 ms.
//! The key passphrase comes from `GOVPKI_KEY_PASSPHRASE`. Leaves are
//! `DIR/NNNNNNN.pem`, their OCSP requests (`openssl ocsp -reqout`)
//! `REQUESTS/NNNNNNN.der`; the M leaves from the N-th are revoked.
//! Prints one line per percentile and a `RESULT` line.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ca_core::config::CaConfig;
use ca_core::lifecycle::CertificateRef;
use ca_core::serial::Serial;
use ca_core::signer::KeySpec;
use ca_core::status::RevocationReason;
use ca_core::Ca;
use der::{Decode, DecodePem};
use ocsp_responder::{Responder, ResponderConfig};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An answer that never comes counts as this.
const GIVE_UP: Duration = Duration::from_secs(30);
/// A random pause of at most this before each revocation.
const JITTER: Duration = Duration::from_millis(250);

struct Options {
    data_dir: PathBuf,
    database_url: Option<String>,
    leaves: PathBuf,
    requests: PathBuf,
    from: usize,
    count: usize,
    same: bool,
    url: Option<String>,
    listen: SocketAddr,
    load_threads: usize,
}

fn parse() -> Result<Options, BoxError> {
    let mut o = Options {
        data_dir: PathBuf::new(),
        database_url: None,
        leaves: PathBuf::new(),
        requests: PathBuf::new(),
        from: 0,
        count: 1000,
        same: true,
        url: None,
        listen: "127.0.0.1:18490".parse()?,
        load_threads: 2,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data-dir" => o.data_dir = value.into(),
            "--database-url" => o.database_url = Some(value),
            "--leaves" => o.leaves = value.into(),
            "--requests" => o.requests = value.into(),
            "--from" => o.from = value.parse()?,
            "--count" => o.count = value.parse()?,
            "--mode" => o.same = value == "same",
            "--url" => o.url = Some(value),
            "--listen" => o.listen = value.parse()?,
            "--load-threads" => o.load_threads = value.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(o)
}

fn main() -> Result<(), BoxError> {
    let o = parse()?;
    let passphrase =
        std::env::var("GOVPKI_KEY_PASSPHRASE").map_err(|_| "set GOVPKI_KEY_PASSPHRASE")?;
    let config = CaConfig::load(
        &o.data_dir,
        o.database_url.as_deref(),
        None,
        None,
        Some(passphrase),
        None,
    )?;
    let ca = Arc::new(Ca::open(config)?);
    let target = if o.same {
        let responder = Arc::new(Responder::new(
            Arc::clone(&ca),
            ResponderConfig {
                key: KeySpec::P256,
                actor: "bench-notify".into(),
                ..ResponderConfig::default()
            },
        )?);
        let signed = responder.refresh_once(None)?;
        eprintln!("responses signed before serving: {}", signed.changed);
        let listen = o.listen;
        std::thread::spawn(move || {
            let figment = ca_core::service::rocket_config(listen);
            if let Err(e) = ca_core::service::serve(figment, vec![responder]) {
                eprintln!("responder: {e}");
            }
        });
        listen
    } else {
        let url = o.url.clone().ok_or("--mode other needs --url")?;
        let hostport = url
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .ok_or("--url must be http://HOST:PORT/…")?;
        hostport.parse()?
    };

    // The leaves to revoke and their requests.
    let mut work = Vec::new();
    for k in o.from..o.from + o.count {
        let name = format!("{k:07}");
        let pem = std::fs::read_to_string(o.leaves.join(format!("{name}.pem")))?;
        let cert = x509_cert::Certificate::from_pem(pem.as_bytes())?;
        let serial = Serial::from_be_bytes(cert.tbs_certificate.serial_number.as_bytes())?;
        let request = std::fs::read(o.requests.join(format!("{name}.der")))?;
        work.push((serial, request));
    }
    // Load: every other request of the set, round-robin, as fast as the
    // threads go.
    let load_set: Arc<Vec<Vec<u8>>> = Arc::new(
        std::fs::read_dir(&o.requests)?
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read(e.path()).ok())
            .collect(),
    );
    wait_until_answering(target, &work[0].1)?;
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let mut loaders = Vec::new();
    for t in 0..o.load_threads {
        let (stop, served, set) = (
            Arc::clone(&stop),
            Arc::clone(&served),
            Arc::clone(&load_set),
        );
        loaders.push(std::thread::spawn(move || {
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                if post(target, &set[i % set.len()]).is_ok() {
                    served.fetch_add(1, Ordering::Relaxed);
                }
                i += 7;
            }
        }));
    }

    let started = Instant::now();
    let mut latencies = Vec::with_capacity(work.len());
    let mut missed = 0;
    let mut jitter = Jitter::seeded();
    for (serial, request) in &work {
        // Revocations arrive at random moments, not in step with the
        // watcher's ticks (one right after the previous answer would land
        // just after a tick every time).
        std::thread::sleep(jitter.up_to(JITTER));
        ca.revoke(
            &CertificateRef::serial(serial.clone()),
            RevocationReason::Superseded,
            None,
            "bench-notify",
        )?;
        let committed = Instant::now();
        loop {
            if let Ok(true) = post(target, request).map(|body| is_revoked(&body)) {
                latencies.push(committed.elapsed());
                break;
            }
            if committed.elapsed() > GIVE_UP {
                missed += 1;
                latencies.push(GIVE_UP);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for l in loaders {
        let _ = l.join();
    }
    latencies.sort();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    let load_rate = served.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64();
    println!(
        "RESULT mode={} revocations={} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} missed={missed} load_rps={load_rate:.0} run_s={:.1}",
        if o.same { "same" } else { "other" },
        latencies.len(),
        pct(0.50),
        pct(0.99),
        pct(1.0),
        elapsed.as_secs_f64(),
    );
    Ok(())
}

/// Until the responder answers (60 s at most).
fn wait_until_answering(target: SocketAddr, request: &[u8]) -> Result<(), BoxError> {
    let start = Instant::now();
    while post(target, request).is_err() {
        if start.elapsed() > Duration::from_secs(60) {
            return Err("the responder does not answer".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// `POST /ocsp` with `request`; the response body.
fn post(target: SocketAddr, request: &[u8]) -> Result<Vec<u8>, BoxError> {
    let mut s = TcpStream::connect_timeout(&target, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let head = format!(
        "POST /ocsp HTTP/1.1\r\nHost: {target}\r\nContent-Type: application/ocsp-request\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        request.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(request)?;
    let mut all = Vec::new();
    s.read_to_end(&mut all)?;
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP header end")?;
    if !all.starts_with(b"HTTP/1.1 200") {
        return Err("not 200".into());
    }
    Ok(all[split + 4..].to_vec())
}

/// Whether an OCSP response says its (first) certificate is revoked.
fn is_revoked(body: &[u8]) -> bool {
    let Ok(resp) = x509_ocsp::OcspResponse::from_der(body) else {
        return false;
    };
    let Some(bytes) = resp.response_bytes else {
        return false;
    };
    let Ok(basic) = x509_ocsp::BasicOcspResponse::from_der(bytes.response.as_bytes()) else {
        return false;
    };
    basic
        .tbs_response_data
        .responses
        .first()
        .is_some_and(|r| matches!(r.cert_status, x509_ocsp::CertStatus::Revoked(_)))
}

/// Random pauses (xorshift64, seeded from the clock: no dependency).
struct Jitter {
    state: u64,
}

impl Jitter {
    fn seeded() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.subsec_nanos());
        Self {
            state: u64::from(nanos) | 1,
        }
    }

    fn up_to(&mut self, max: Duration) -> Duration {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        max.mul_f64((self.state % 1_000_000) as f64 / 1_000_000.0)
    }
}
