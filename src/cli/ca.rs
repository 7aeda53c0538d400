//! `govpki ca …`.

use std::path::PathBuf;

use anyhow::Context;
use ca_core::hierarchy::SubCaOptions;
use ca_core::signer::KeySpec;
use ca_core::Ca;

/// CA hierarchy commands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum CaCommand {
    /// Every issuer: id, subject, SHA-256 fingerprint, status.
    List,
    /// An issuer certificate as PEM (with --chain: up to the root).
    Export {
        /// The issuer id.
        id: String,
        /// Append the parents up to the root.
        #[arg(long)]
        chain: bool,
    },
    /// Create a subordinate CA under one of ours, or (with --external) its
    /// key and a CSR for an external root to sign.
    CreateSub {
        /// The parent issuer (not with --external).
        #[arg(
            long,
            required_unless_present = "external",
            conflicts_with = "external"
        )]
        parent: Option<String>,
        /// The new issuer's id.
        #[arg(long)]
        id: String,
        /// Its common name.
        #[arg(long)]
        name: String,
        /// O of its name.
        #[arg(long, default_value = "Ban Cơ yếu Chính phủ")]
        organization: String,
        /// Key type: rsa2048, rsa3072, rsa4096, p256, p384.
        #[arg(long, default_value = "rsa2048")]
        key: KeySpec,
        /// Validity in days.
        #[arg(long)]
        days: Option<u32>,
        /// pathLenConstraint.
        #[arg(long)]
        path_len: Option<u8>,
        /// Refuse suspension of its certificates.
        #[arg(long)]
        no_suspend: bool,
        /// Spread its certificates over N CRLs (shards), each certificate's
        /// shard fixed by its serial and named in its CRL distribution point.
        #[arg(long, default_value_t = 1, conflicts_with = "external")]
        crl_shards: u32,
        /// Print a CSR for an external root instead of issuing under --parent.
        #[arg(long)]
        external: bool,
    },
    /// Install the certificate an external root issued for a sub-CA.
    ImportCert {
        /// The waiting issuer.
        #[arg(long)]
        id: String,
        /// The certificate, PEM or DER.
        #[arg(long)]
        cert: PathBuf,
    },
}

pub(super) fn run(ca: &Ca, cmd: CaCommand, actor: &str) -> anyhow::Result<()> {
    match cmd {
        CaCommand::List => {
            for i in ca.issuers()? {
                let fp = if i.fingerprint.is_empty() {
                    "-".to_owned()
                } else {
                    format!("SHA256:{}", i.fingerprint)
                };
                println!("{}\t{}\t{}\t{}", i.id, i.subject, fp, i.status);
            }
        }
        CaCommand::Export { id, chain } => print!("{}", ca.export(&id, chain)?),
        CaCommand::CreateSub {
            parent,
            id,
            name,
            organization,
            key,
            days,
            path_len,
            no_suspend,
            crl_shards,
            external,
        } => {
            if external {
                print!(
                    "{}",
                    ca.request_external_sub(&id, &name, Some(&organization), key, actor)?
                );
                eprintln!("issuer {id} waits for its certificate: sign this CSR with the external root, then run `govpki ca import-cert --id {id} --cert FILE`");
            } else {
                let info = ca.create_sub(
                    &SubCaOptions {
                        parent: parent.unwrap_or_default(),
                        id,
                        name,
                        organization: Some(organization),
                        key,
                        days,
                        path_len,
                        allow_suspend: !no_suspend,
                        crl_shards,
                    },
                    actor,
                )?;
                println!("{}\t{}\tSHA256:{}", info.id, info.subject, info.fingerprint);
            }
        }
        CaCommand::ImportCert { id, cert } => {
            let bytes =
                std::fs::read(&cert).with_context(|| format!("cannot read {}", cert.display()))?;
            let info = ca.import_certificate(&id, &bytes, actor)?;
            println!(
                "{}\t{}\tSHA256:{}\t{}",
                info.id, info.subject, info.fingerprint, info.status
            );
        }
    }
    Ok(())
}
