//! `govpki crl …`: generate CRLs now, show the latest one, list the history.

use std::path::PathBuf;

use anyhow::Context;
use ca_core::crl::{CrlKind, CrlSettings, CrlSummary};
use ca_core::Ca;

/// CRL commands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum CrlCommand {
    /// Generate CRLs now (full and delta of every shard unless --full or
    /// --delta), for one issuer or every active one; one line per CRL.
    Generate {
        /// Only this issuer.
        #[arg(long)]
        issuer: Option<String>,
        /// Delta CRLs only (a shard without a full CRL gets its first one).
        #[arg(long, conflicts_with = "full")]
        delta: bool,
        /// Full CRLs only.
        #[arg(long)]
        full: bool,
        /// nextUpdate of full CRLs, in hours after thisUpdate.
        #[arg(long, default_value_t = 7 * 24)]
        full_validity_hours: u32,
        /// nextUpdate of delta CRLs, in hours after thisUpdate.
        #[arg(long, default_value_t = 24)]
        delta_validity_hours: u32,
    },
    /// The latest CRL of an issuer's shard: PEM on stdout, or DER (PEM with
    /// --pem) written to --out.
    Show {
        /// The issuer.
        #[arg(long)]
        issuer: String,
        /// The shard (0-based; issuers with one CRL have shard 0 only).
        #[arg(long, default_value_t = 0)]
        shard: u32,
        /// The delta CRL rather than the full one.
        #[arg(long)]
        delta: bool,
        /// This CRL number instead of the latest.
        #[arg(long, conflicts_with_all = ["shard", "delta"])]
        number: Option<i64>,
        /// Write to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// PEM (`X509 CRL`) in --out rather than DER.
        #[arg(long)]
        pem: bool,
    },
    /// The CRLs generated for an issuer, newest first.
    List {
        /// The issuer.
        #[arg(long)]
        issuer: String,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

pub(super) fn run(ca: &Ca, cmd: CrlCommand, actor: &str) -> anyhow::Result<()> {
    match cmd {
        CrlCommand::Generate {
            issuer,
            delta,
            full,
            full_validity_hours,
            delta_validity_hours,
        } => {
            let kind = match (full, delta) {
                (true, _) => CrlKind::Full,
                (_, true) => CrlKind::Delta,
                _ => CrlKind::Both,
            };
            let hours = |h: u32| -> anyhow::Result<chrono::Duration> {
                anyhow::ensure!(h > 0, "a CRL validity must be at least one hour");
                Ok(chrono::Duration::hours(i64::from(h)))
            };
            let settings = CrlSettings {
                full_validity: hours(full_validity_hours)?,
                delta_validity: hours(delta_validity_hours)?,
                ..CrlSettings::default()
            };
            for s in ca.generate_crls(issuer.as_deref(), kind, &settings, actor)? {
                println!("{}", line(&s));
            }
        }
        CrlCommand::Show {
            issuer,
            shard,
            delta,
            number,
            out,
            pem,
        } => {
            let crl = match number {
                Some(n) => ca
                    .crl_by_number(&issuer, n)?
                    .with_context(|| format!("issuer {issuer:?} has no CRL number {n}"))?,
                None => ca.latest_crl(&issuer, shard, delta)?.with_context(|| {
                    format!(
                        "no {} CRL generated yet for issuer {issuer:?} shard {shard} (run govpki crl generate)",
                        if delta { "delta" } else { "full" }
                    )
                })?,
            };
            match out {
                Some(path) => {
                    let bytes = if pem {
                        crl.pem().into_bytes()
                    } else {
                        crl.der.clone()
                    };
                    std::fs::write(&path, bytes)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!(
                        "{}\tnumber {}\t{} entries\t{}",
                        crl.name,
                        crl.number,
                        crl.entries,
                        path.display()
                    );
                }
                None => print!("{}", crl.pem()),
            }
        }
        CrlCommand::List { issuer, limit } => {
            for s in ca.crl_history(&issuer, limit.max(1))? {
                println!("{}", line(&s));
            }
        }
    }
    Ok(())
}

/// `issuer shard number kind entries thisUpdate nextUpdate url`, tab-separated.
fn line(s: &CrlSummary) -> String {
    let kind = match s.base_number {
        Some(base) => format!("delta(base {base})"),
        None => "full".to_owned(),
    };
    format!(
        "{}\tshard {}\tnumber {}\t{kind}\t{} entries\t{}\t{}\t{}",
        s.issuer,
        s.shard,
        s.number,
        s.entries,
        s.this_update.to_rfc3339(),
        s.next_update.to_rfc3339(),
        s.url
    )
}
