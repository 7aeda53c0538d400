//! The HSM benchmark of issue 6 ("Benchmark (not a test)"): for each
//! issuing key type (P-256, RSA-2048), in one run on SQLite, one thread:
//!
//! - end-to-end issuance ([`Ca::issue`]) with the issuing key in software
//!   and with it on a SoftHSM2 token (generated there by `init`);
//! - the raw signing rate of each of the two keys (`Signer::sign` over the
//!   TBS of a certificate it issued);
//!
//! printed as a table with the ratio token / software for both figures.
//! The token is a fresh SoftHSM2 token in a temporary directory (needs
//! `softhsm2-util` and the module, Debian package `softhsm2`).
//!
//! ```text
//! cargo bench -p ca-core --bench hsm [-- --n N]
//! ```

#[path = "../examples/support/demo_subscriber.rs"]
mod demo_subscriber;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ca_core::config::CaConfig;
use ca_core::hierarchy::{InitOptions, KeyLocation};
use ca_core::lifecycle::IssueRequest;
use ca_core::signer::{HsmConfig, HsmPin, KeySpec};
use ca_core::Ca;
use der::{Decode as _, Encode as _};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const PASSPHRASE: &str = "bench passphrase 0123";
const TOKEN: &str = "govpki-bench";
const PIN: &str = "1234";
const WARM_UP: usize = 5;
const MIN_RAW_TIME: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let mut n = 300;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--n" => match args.next().and_then(|v| v.parse().ok()) {
                Some(v) if v > 0 => n = v,
                _ => {
                    eprintln!("hsm bench: --n needs a positive number");
                    return ExitCode::from(2);
                }
            },
            // cargo bench passes --bench to every harness-less bench.
            "--bench" => {}
            other => {
                eprintln!("hsm bench: unknown argument {other:?}\nusage: cargo bench -p ca-core --bench hsm [-- --n N]");
                return ExitCode::from(2);
            }
        }
    }
    match run(n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hsm bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One key's figures: (issued per second, raw signatures per second).
struct Figures {
    issue: f64,
    raw: f64,
}

fn run(n: usize) -> Result<(), BoxError> {
    let dir = tempfile::Builder::new()
        .prefix("govpki-hsm-bench-")
        .tempdir()?;
    let module = std::env::var_os("SOFTHSM2_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"));
    softhsm_token(dir.path())?;
    println!(
        "HSM benchmark: {n} certificates per run, 1 thread, SQLite; SoftHSM2 {} ; {}",
        module.display(),
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| format!(
                "load {}",
                l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
            ))
            .unwrap_or_default()
    );
    let mut rows = Vec::new();
    for key in [KeySpec::P256, KeySpec::Rsa2048] {
        let software = bench(dir.path(), &module, key, KeyLocation::Software, n)?;
        let token = bench(dir.path(), &module, key, KeyLocation::Hsm, n)?;
        rows.push((key, software, token));
    }
    println!();
    println!("| figure | issuing key | SoftHSM2 (/s) | software, same run (/s) | ratio |");
    println!("|---|---|---:|---:|---:|");
    for (key, software, token) in &rows {
        println!(
            "| issuance, end to end | {key} | {:.1} | {:.1} | {:.2} |",
            token.issue,
            software.issue,
            token.issue / software.issue
        );
        println!(
            "| raw signing | {key} | {:.1} | {:.1} | {:.2} |",
            token.raw,
            software.raw,
            token.raw / software.raw
        );
    }
    Ok(())
}

/// A fresh token in `dir`; `SOFTHSM2_CONF` set for this process before the
/// module is loaded.
fn softhsm_token(dir: &Path) -> Result<(), BoxError> {
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens)?;
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )?;
    std::env::set_var("SOFTHSM2_CONF", &conf);
    let out = std::process::Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", TOKEN])
        .args(["--so-pin", "4321", "--pin", PIN])
        .output()
        .map_err(|e| format!("softhsm2-util (Debian package softhsm2): {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    Ok(())
}

fn bench(
    dir: &Path,
    module: &Path,
    key: KeySpec,
    at: KeyLocation,
    n: usize,
) -> Result<Figures, BoxError> {
    let name = format!(
        "{key}-{}",
        if at == KeyLocation::Hsm {
            "hsm"
        } else {
            "software"
        }
    );
    let data_dir = dir.join(&name);
    std::fs::create_dir_all(&data_dir)?;
    let url = data_dir.join("govpki.db").display().to_string();
    let mut config = CaConfig::load(
        &data_dir,
        Some(&url),
        None,
        None,
        Some(PASSPHRASE.into()),
        None,
    )?;
    config.hsm = Some(HsmConfig {
        module: module.to_owned(),
        token: TOKEN.into(),
        pin: HsmPin::Value(PIN.to_owned().into()),
    });
    let ca = Ca::open(config)?;
    ca.init(
        &InitOptions {
            demo: false,
            root_key: KeySpec::P256.into(),
            issuing_key: key.into(),
            issuing_key_at: at,
            ..InitOptions::demo()
        },
        "bench",
    )?;
    let subscriber = ca
        .add_subscriber(&demo_subscriber::nguyen_van_an(), "bench")?
        .id;
    let csrs: Vec<Vec<u8>> = (0..n + WARM_UP)
        .map(|_| -> Result<Vec<u8>, BoxError> {
            let k = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
            Ok(rcgen::CertificateParams::default()
                .serialize_request(&k)?
                .der()
                .to_vec())
        })
        .collect::<Result<_, _>>()?;
    let issue = |csr: &[u8]| {
        ca.issue(&IssueRequest {
            subscriber_id: subscriber,
            profile: "individual",
            csr,
            issuer: Some("gov-ca"),
            token: None,
            days: None,
            actor: "bench",
        })
    };
    let mut last = Vec::new();
    for csr in &csrs[..WARM_UP] {
        last = issue(csr)?.der;
    }
    let started = Instant::now();
    for csr in &csrs[WARM_UP..] {
        last = issue(csr)?.der;
    }
    let issue_rate = n as f64 / started.elapsed().as_secs_f64();

    let signer = ca.signer_for(&ca.issuer("gov-ca")?)?;
    let tbs = x509_cert::Certificate::from_der(&last)?
        .tbs_certificate
        .to_der()?;
    let started = Instant::now();
    let mut count = 0usize;
    while started.elapsed() < MIN_RAW_TIME || count < n {
        std::hint::black_box(signer.sign(&tbs)?);
        count += 1;
    }
    let raw = count as f64 / started.elapsed().as_secs_f64();
    println!("{name}: issuance {issue_rate:.1}/s, raw signing {raw:.1}/s");
    Ok(Figures {
        issue: issue_rate,
        raw,
    })
}
