//! Helpers of the RA benchmark (`bench/ra.sh`), on a data dir made by
//! `govpki init --demo`:
//!
//! - `seed --unit NAME`: one certificate (fresh rcgen P-256 key, profile
//!   `individual`, issuer `gov-ca`) for every subscriber of the unit NAME,
//!   with `Ca::issue_batch` in batches of 500. Not timed precisely.
//! - `sign-rate --n N`: the raw signing rate of gov-ca's key on one thread
//!   (N signatures of the TBSCertificate of an issued certificate, after a
//!   warm-up of 10), printed as `SIGN_RATE <per second>`.
//!
//! The key passphrase comes from `GOVPKI_KEY_PASSPHRASE`, else the demo
//! passphrase file of the data dir.
//!
//! usage: cargo run --release -p ca-core --example ra_seed -- \
//!            seed|sign-rate --data-dir DIR [--database-url URL] [--unit NAME] [--n N]

use std::path::PathBuf;
use std::time::Instant;

use ca_core::config::CaConfig;
use ca_core::lifecycle::IssueRequest;
use ca_core::views::bench;
use ca_core::Ca;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const BATCH: usize = 500;
const ACTOR: &str = "bench-ra-seed";
const WARM_UP: usize = 10;

struct Options {
    command: String,
    data_dir: PathBuf,
    database_url: Option<String>,
    unit: Option<String>,
    n: usize,
}

fn parse() -> Result<Options, BoxError> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or("seed or sign-rate")?;
    let mut data_dir = None;
    let mut database_url = None;
    let mut unit = None;
    let mut n = 2000;
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
            "--database-url" => database_url = Some(value()?),
            "--unit" => unit = Some(value()?),
            "--n" => n = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(Options {
        command,
        data_dir: data_dir.ok_or("--data-dir is required")?,
        database_url,
        unit,
        n,
    })
}

fn main() -> Result<(), BoxError> {
    let opts = parse()?;
    let config = CaConfig::load(
        &opts.data_dir,
        opts.database_url.as_deref(),
        None,
        None,
        std::env::var("GOVPKI_KEY_PASSPHRASE").ok(),
        None,
    )?;
    let ca = Ca::open(config)?;
    match opts.command.as_str() {
        "seed" => seed(&ca, opts.unit.as_deref().ok_or("--unit is required")?),
        "sign-rate" => sign_rate(&ca, opts.n),
        other => Err(format!("unknown command {other}; use seed or sign-rate").into()),
    }
}

fn seed(ca: &Ca, unit: &str) -> Result<(), BoxError> {
    let members: Vec<i64> = ca
        .store()
        .read(|c| -> Result<_, BoxError> { Ok(bench::subscribers_of_unit_named(c, unit)?) })?;
    if members.is_empty() {
        return Err(format!("no subscriber in a unit named {unit:?}").into());
    }
    let started = Instant::now();
    for (n, chunk) in members.chunks(BATCH).enumerate() {
        let csrs = chunk
            .iter()
            .map(|_| {
                let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
                let csr = rcgen::CertificateParams::default().serialize_request(&key)?;
                Ok(csr.der().to_vec())
            })
            .collect::<Result<Vec<_>, BoxError>>()?;
        let reqs: Vec<IssueRequest<'_>> = chunk
            .iter()
            .zip(&csrs)
            .map(|(&subscriber_id, csr)| IssueRequest {
                subscriber_id,
                profile: "individual",
                csr,
                issuer: Some("gov-ca"),
                token: None,
                days: None,
                actor: ACTOR,
            })
            .collect();
        for issued in ca.issue_batch(&reqs) {
            issued?;
        }
        let done = (n * BATCH + chunk.len()).min(members.len());
        if done % 5_000 == 0 || done == members.len() {
            eprintln!("seeded {done}/{} certificates", members.len());
        }
    }
    println!(
        "seeded {} certificates in {:.1} s",
        members.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn sign_rate(ca: &Ca, n: usize) -> Result<(), BoxError> {
    let issuer = ca.issuer("gov-ca")?;
    let tbs: Vec<u8> = ca
        .store()
        .read(|c| -> Result<_, BoxError> { Ok(bench::signed_tbs(c, "gov-ca")?) })?;
    let signer = ca.signer_for(&issuer)?;
    for _ in 0..WARM_UP {
        signer.sign(&tbs)?;
    }
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(signer.sign(&tbs)?);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "raw signing with gov-ca's key ({}): {n} signatures of a {}-byte TBS in {secs:.3} s",
        issuer.key_spec,
        tbs.len()
    );
    println!("SIGN_RATE {:.1}", n as f64 / secs);
    Ok(())
}
