//! Seeds a govpki data dir for the OCSP benchmark (`bench/ocsp.sh`): opens
//! the CA at `--data-dir` (and `--database-url`), creates a P-256 root and
//! issuing CA `gov-ca` if there is none yet, registers one subscriber and
//! issues `--certs N` certificates with `Ca::issue_batch` in batches of 500,
//! on fresh rcgen P-256 CSRs. Not a test, not timed precisely.
//!
//! Writes into `--out DIR`:
//! - `issuer.pem`: the certificate of gov-ca;
//! - `index.txt`: an `openssl ocsp -index` file listing every certificate
//!   issued (status V; the subject is /CN=SERIAL, openssl wants them unique);
//! - `leaf/NNNNN.pem`: `--leaves M` of the certificates (default 1000),
//!   spread evenly over the whole run, for building OCSP requests.
//!
//! The key passphrase comes from `GOVPKI_KEY_PASSPHRASE`.
//!
//! usage: cargo run --release -p ca-core --example ocsp_seed -- \
//!            --data-dir DIR [--database-url URL] [--certs N] [--leaves M] --out DIR

#[path = "support/demo_subscriber.rs"]
mod demo_subscriber;
#[path = "support/seed_ca.rs"]
mod seed_ca;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use ca_core::hierarchy::InitOptions;
use ca_core::lifecycle::IssueRequest;
use ca_core::signer::KeySpec;
use der::Decode as _;
use seed_ca::{flag_values, open_ca, BoxError};

const BATCH: usize = 500;
const ACTOR: &str = "bench-ocsp-seed";

struct Options {
    data_dir: PathBuf,
    database_url: Option<String>,
    certs: usize,
    leaves: usize,
    out: PathBuf,
}

fn parse() -> Result<Options, BoxError> {
    let mut data_dir = None;
    let mut database_url = None;
    let mut certs = 10_000;
    let mut leaves = 1_000;
    let mut out = None;
    for (flag, value) in flag_values()? {
        match flag.as_str() {
            "--data-dir" => data_dir = Some(PathBuf::from(value)),
            "--database-url" => database_url = Some(value),
            "--certs" => certs = value.parse()?,
            "--leaves" => leaves = value.parse()?,
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(Options {
        data_dir: data_dir.ok_or("--data-dir is required")?,
        database_url,
        certs,
        leaves: leaves.min(certs),
        out: out.ok_or("--out is required")?,
    })
}

fn main() -> Result<(), BoxError> {
    let opts = parse()?;
    std::fs::create_dir_all(opts.out.join("leaf"))?;
    let ca = open_ca(&opts.data_dir, opts.database_url.as_deref())?;
    if ca.issuers()?.is_empty() {
        ca.init(
            &InitOptions {
                demo: false,
                root_key: KeySpec::P256.into(),
                issuing_key: KeySpec::P256.into(),
                ..InitOptions::demo()
            },
            ACTOR,
        )?;
    }
    let subscriber = ca
        .add_subscriber(&demo_subscriber::nguyen_van_an(), ACTOR)?
        .id;
    let issuer = ca.issuer("gov-ca")?;
    let issuer_der = issuer.cert_der.ok_or("gov-ca has no certificate")?;
    std::fs::write(
        opts.out.join("issuer.pem"),
        ca_core::certificate::der_to_pem(&issuer_der),
    )?;

    // Every `stride`-th certificate is written out as a PEM leaf.
    let stride = (opts.certs / opts.leaves.max(1)).max(1);
    let mut index = String::new();
    let mut leaves_written = 0;
    let started = Instant::now();
    let mut done = 0;
    while done < opts.certs {
        let n = BATCH.min(opts.certs - done);
        let csrs = (0..n)
            .map(|_| {
                let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
                let csr = rcgen::CertificateParams::default().serialize_request(&key)?;
                Ok(csr.der().to_vec())
            })
            .collect::<Result<Vec<_>, BoxError>>()?;
        let reqs: Vec<IssueRequest<'_>> = csrs
            .iter()
            .map(|csr| IssueRequest {
                subscriber_id: subscriber,
                profile: "individual",
                csr,
                issuer: Some("gov-ca"),
                token: None,
                days: None,
                actor: ACTOR,
            })
            .collect();
        for (i, issued) in ca.issue_batch(&reqs).into_iter().enumerate() {
            let issued = issued?;
            let k = done + i;
            let cert = x509_cert::Certificate::from_der(&issued.der)?;
            let not_after = cert.tbs_certificate.validity.not_after.to_date_time();
            let serial_bytes = issued.serial.as_bytes();
            let first = serial_bytes
                .iter()
                .position(|b| *b != 0)
                .unwrap_or(serial_bytes.len().saturating_sub(1));
            let serial_hex: String =
                serial_bytes[first..]
                    .iter()
                    .fold(String::new(), |mut s, b| {
                        let _ = write!(s, "{b:02X}");
                        s
                    });
            let _ = writeln!(
                index,
                "V\t{:02}{:02}{:02}{:02}{:02}{:02}Z\t\t{serial_hex}\tunknown\t/CN={serial_hex}",
                not_after.year() % 100,
                not_after.month(),
                not_after.day(),
                not_after.hour(),
                not_after.minutes(),
                not_after.seconds()
            );
            if k % stride == 0 && leaves_written < opts.leaves {
                std::fs::write(
                    opts.out
                        .join("leaf")
                        .join(format!("{leaves_written:07}.pem")),
                    issued.pem(),
                )?;
                leaves_written += 1;
            }
        }
        done += n;
        if done % 5_000 == 0 || done == opts.certs {
            eprintln!(
                "seeded {done}/{} certificates ({:.0}/s)",
                opts.certs,
                done as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    std::fs::write(opts.out.join("index.txt"), index)?;
    println!(
        "seeded {} certificates in {:.1} s; {leaves_written} leaf PEMs, issuer.pem and index.txt in {}",
        opts.certs,
        started.elapsed().as_secs_f64(),
        opts.out.display()
    );
    Ok(())
}
