//! `govpki cert issue-dir`: one certificate per CSR file of a directory
//! (a batch of tokens prepared at once), resumable: a CSR whose certificate
//! file exists is skipped, so a run that stopped — or was killed — goes on
//! where it stopped when started again.
//!
//! Each certificate file is written to a temporary name and renamed, so a
//! killed run never leaves half a file. A run killed after the CA stored a
//! certificate but before its file was renamed finds, on the next run, that
//! the key is already certified to the subscriber (the CA certifies a key
//! once): the stored certificate is written out instead.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ca_core::lifecycle::IssueRequest;
use ca_core::rule::Rule;
use ca_core::serial::Serial;
use ca_core::{Ca, CaError};

/// `govpki cert issue-dir`.
#[derive(Debug, clap::Args)]
pub(super) struct IssueDirArgs {
    /// The subscriber id.
    #[arg(long)]
    subscriber: i64,
    /// individual, organization, device, or a configured profile.
    #[arg(long)]
    profile: String,
    /// The directory of CSRs (files ending in .csr, PEM or DER), issued in
    /// name order.
    #[arg(long)]
    csr_dir: PathBuf,
    /// Where `NAME.pem` is written for `NAME.csr` (created if missing).
    #[arg(long)]
    out_dir: PathBuf,
    /// The issuing CA (default: the one init made).
    #[arg(long)]
    issuer: Option<String>,
    /// Validity in days (default: the profile's).
    #[arg(long)]
    days: Option<u32>,
}

/// Issues what is left to issue; prints `NAME<TAB>SERIAL` per certificate
/// as it goes, then a summary line on stderr.
pub(super) fn run(ca: &Ca, args: &IssueDirArgs, actor: &str) -> anyhow::Result<()> {
    let csrs = csr_files(&args.csr_dir)?;
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let (mut issued, mut skipped) = (0usize, 0usize);
    for csr_path in &csrs {
        let stem = csr_path
            .file_stem()
            .and_then(|s| s.to_str())
            .context("a CSR file name is not UTF-8")?;
        let out = args.out_dir.join(format!("{stem}.pem"));
        if out.exists() {
            skipped += 1;
            continue;
        }
        let csr = std::fs::read(csr_path)
            .with_context(|| format!("cannot read {}", csr_path.display()))?;
        let (serial, der) = issue_or_resume(ca, args, &csr, actor)
            .with_context(|| format!("{}", csr_path.display()))?;
        let partial = args.out_dir.join(format!(".{stem}.pem.partial"));
        std::fs::write(&partial, ca_core::certificate::der_to_pem(&der))
            .and_then(|()| std::fs::rename(&partial, &out))
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!("{stem}\t{}", serial.to_hex());
        issued += 1;
    }
    eprintln!(
        "{issued} issued, {skipped} already done, {} CSRs in {}",
        csrs.len(),
        args.csr_dir.display()
    );
    Ok(())
}

/// Issues the CSR's certificate, or — when the CA already certified this
/// key to the subscriber in a good certificate (an earlier run stopped
/// before writing the file) — returns that one: (serial, DER).
fn issue_or_resume(
    ca: &Ca,
    args: &IssueDirArgs,
    csr: &[u8],
    actor: &str,
) -> anyhow::Result<(Serial, Vec<u8>)> {
    let issued = ca.issue(&IssueRequest {
        subscriber_id: args.subscriber,
        profile: &args.profile,
        csr,
        issuer: args.issuer.as_deref(),
        token: None,
        days: args.days,
        actor,
    });
    match issued {
        Ok(cert) => Ok((cert.serial, cert.der)),
        Err(CaError::Rule {
            rule: Rule::KeyAlreadyCertified,
            ..
        }) => {
            let key = ca_core::csr::parse_csr(csr)?;
            let stored = ca.good_certificate_on_key(args.subscriber, &key.spki_sha256_hex())?;
            stored.context(
                "the key is already certified to this subscriber, in no good certificate yet (an interrupted issuance: run govpki doctor)",
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The `.csr` files of `dir`, in name order.
fn csr_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the directory {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csr"))
        .collect();
    out.sort();
    if out.is_empty() {
        anyhow::bail!("no .csr file in {}", dir.display());
    }
    Ok(out)
}
