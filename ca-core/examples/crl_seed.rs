//! Seeds a govpki data dir for the CRL benchmark (`bench/crl.sh`): opens the
//! CA at `--data-dir` (and `--database-url`), creates a P-256 root and the
//! issuing CA `gov-ca` with the `--key` type (default rsa2048), registers one
//! subscriber, issues one certificate and revokes it through the API, then
//! copies that row `--entries N - 1` times with fresh random serials and
//! rotating revocation reasons, in multi-row `INSERT … SELECT` statements of
//! 2 000 rows. The CRL generator reads only the serial, status, reason and
//! dates of a row, so the copies stand for revoked certificates at a cost
//! of seconds instead of the ~25 minutes 10^6 real issuances take here.
//! Not a test.
//!
//! Writes into `--out DIR`:
//! - `index.txt`: the same N revoked certificates as an `openssl ca`
//!   database (status R, same serials, revocation dates and reasons), for
//!   `openssl ca -gencrl`;
//! - `gov-ca.pem`, `chain.pem` (gov-ca then root): to verify the CRLs;
//! - `gov-ca.key-ref`: the key file name of gov-ca under `DATA_DIR/keys`.
//!
//! The key passphrase comes from `GOVPKI_KEY_PASSPHRASE`.
//!
//! usage: cargo run --release -p ca-core --example crl_seed -- \
//!            --data-dir DIR [--database-url URL] [--entries N] [--key K] --out DIR

#[path = "support/demo_subscriber.rs"]
mod demo_subscriber;
#[path = "support/seed_ca.rs"]
mod seed_ca;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use ca_core::hierarchy::InitOptions;
use ca_core::lifecycle::{CertificateRef, IssueRequest};
use ca_core::serial::Serial;
use ca_core::signer::{CaKeyType, KeySpec};
use ca_core::status::RevocationReason;
use ca_core::store::StoreError;
use diesel::RunQueryDsl as _;
use seed_ca::{flag_values, open_ca, BoxError};

const CHUNK: usize = 2_000;
const ACTOR: &str = "bench-crl-seed";

/// The reasons the copies rotate through: (govpki name, openssl name).
const REASONS: [(&str, &str); 4] = [
    ("key-compromise", "keyCompromise"),
    ("superseded", "superseded"),
    ("cessation-of-operation", "cessationOfOperation"),
    ("affiliation-changed", "affiliationChanged"),
];

/// Every column of `certificates` but `id`, in one order for the INSERT
/// and the SELECT of the template row (`t`); serial and reason come from
/// the VALUES list (`s`).
const COLUMNS: &str = "issuer_id, serial, subscriber_id, token_id, profile, operation, \
    request_json, replaces_id, status, subject_dn, spki_sha256, tbs_der, cert_der, not_before, \
    not_after, revoked_at, revocation_reason, invalidity_date, created_at, issued_at, \
    status_changed_at";
const FROM_TEMPLATE: &str = "t.issuer_id, s.column1, t.subscriber_id, NULL, t.profile, \
    t.operation, t.request_json, NULL, t.status, t.subject_dn, t.spki_sha256, t.tbs_der, \
    t.cert_der, t.not_before, t.not_after, t.revoked_at, s.column2, NULL, t.created_at, \
    t.issued_at, t.status_changed_at";

struct Options {
    data_dir: PathBuf,
    database_url: Option<String>,
    entries: usize,
    key: CaKeyType,
    out: PathBuf,
}

fn parse() -> Result<Options, BoxError> {
    let mut data_dir = None;
    let mut database_url = None;
    let mut entries = 1_000_000;
    let mut key = CaKeyType::from(KeySpec::Rsa2048);
    let mut out = None;
    for (flag, value) in flag_values()? {
        match flag.as_str() {
            "--data-dir" => data_dir = Some(PathBuf::from(value)),
            "--database-url" => database_url = Some(value),
            "--entries" => entries = value.parse()?,
            "--key" => key = value.parse()?,
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if entries == 0 {
        return Err("--entries must be at least 1".into());
    }
    Ok(Options {
        data_dir: data_dir.ok_or("--data-dir is required")?,
        database_url,
        entries,
        key,
        out: out.ok_or("--out is required")?,
    })
}

/// An `openssl ca` time: YYMMDDHHMMSSZ.
fn openssl_time(t: chrono::NaiveDateTime) -> String {
    t.format("%y%m%d%H%M%SZ").to_string()
}

fn main() -> Result<(), BoxError> {
    let opts = parse()?;
    std::fs::create_dir_all(&opts.out)?;
    let ca = open_ca(&opts.data_dir, opts.database_url.as_deref())?;
    if !ca.issuers()?.is_empty() {
        return Err("the data dir holds a CA already: seed a fresh one".into());
    }
    ca.init(
        &InitOptions {
            demo: false,
            root_key: KeySpec::P256.into(),
            issuing_key: opts.key,
            ..InitOptions::demo()
        },
        ACTOR,
    )?;
    let subscriber = ca
        .add_subscriber(&demo_subscriber::nguyen_van_an(), ACTOR)?
        .id;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let csr = rcgen::CertificateParams::default().serialize_request(&key)?;
    let issued = ca.issue(&IssueRequest {
        subscriber_id: subscriber,
        profile: "individual",
        csr: csr.der(),
        issuer: Some("gov-ca"),
        token: None,
        days: None,
        actor: ACTOR,
    })?;
    let template = ca.revoke(
        &CertificateRef::serial(issued.serial),
        RevocationReason::KeyCompromise,
        None,
        ACTOR,
    )?;

    let issuer = ca.issuer("gov-ca")?;
    let root = ca.issuer("root")?;
    let pem = |der: Option<Vec<u8>>| -> Result<String, BoxError> {
        Ok(ca_core::certificate::der_to_pem(
            &der.ok_or("an issuer has no certificate")?,
        ))
    };
    let gov_pem = pem(issuer.cert_der.clone())?;
    std::fs::write(opts.out.join("gov-ca.pem"), &gov_pem)?;
    std::fs::write(
        opts.out.join("chain.pem"),
        format!("{gov_pem}{}", pem(root.cert_der)?),
    )?;
    std::fs::write(opts.out.join("gov-ca.key-ref"), &issuer.key_ref)?;

    let expiry = openssl_time(template.not_after);
    let revoked = openssl_time(template.revoked_at.ok_or("the template is not revoked")?);
    let mut index = String::with_capacity(opts.entries * 80);
    let mut index_line = |serial: &str, reason: &str| {
        let _ = writeln!(
            index,
            "R\t{expiry}\t{revoked},{reason}\t{}\tunknown\t/CN=Nguyen Van An",
            serial.to_ascii_uppercase()
        );
    };
    index_line(&template.serial, REASONS[0].1);

    let started = Instant::now();
    let mut done = 1;
    while done < opts.entries {
        let n = CHUNK.min(opts.entries - done);
        let mut values = String::with_capacity(n * 60);
        for i in 0..n {
            let serial = Serial::random()?.to_hex();
            let (reason, openssl_reason) = REASONS[(done + i) % REASONS.len()];
            index_line(&serial, openssl_reason);
            if i > 0 {
                values.push_str(", ");
            }
            let _ = write!(values, "('{serial}', '{reason}')");
        }
        let sql = format!(
            "INSERT INTO certificates ({COLUMNS}) SELECT {FROM_TEMPLATE} \
             FROM certificates t, (VALUES {values}) AS s WHERE t.id = {}",
            template.id
        );
        let inserted = ca
            .store()
            .write(|c| -> Result<usize, StoreError> { Ok(diesel::sql_query(&sql).execute(c)?) })?;
        if inserted != n {
            return Err(format!("inserted {inserted} rows, expected {n}").into());
        }
        done += n;
        if done % 100_000 < CHUNK || done == opts.entries {
            eprintln!(
                "seeded {done}/{} revoked certificates ({:.0}/s)",
                opts.entries,
                done as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    std::fs::write(opts.out.join("index.txt"), index)?;
    std::fs::write(opts.out.join("index.txt.attr"), "unique_subject = no\n")?;
    println!(
        "seeded {} revoked certificates of gov-ca ({}) in {:.1} s; index.txt, gov-ca.pem, chain.pem in {}",
        opts.entries,
        opts.key,
        started.elapsed().as_secs_f64(),
        opts.out.display()
    );
    Ok(())
}
