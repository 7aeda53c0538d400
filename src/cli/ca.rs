//! `govpki ca …`.

use std::path::PathBuf;

use anyhow::Context;
use ca_core::hierarchy::{KeyLocation, RootOptions, SubCaOptions};
use ca_core::signer::CaKeyType;
use ca_core::Ca;

/// CA hierarchy commands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum CaCommand {
    /// Every issuer: id, subject, SHA-256 fingerprint, status, signature algorithm.
    List,
    /// An issuer certificate as PEM (with --chain: up to the root).
    Export {
        /// The issuer id.
        id: String,
        /// Append the parents up to the root.
        #[arg(long)]
        chain: bool,
    },
    /// Create a further root CA (e.g. the Party's beside the State's), to be
    /// linked with `ca cross-certify`.
    CreateRoot {
        /// The new root's id.
        #[arg(long)]
        id: String,
        /// Its common name.
        #[arg(long)]
        name: String,
        /// O of its name.
        #[arg(long, default_value = "Ban Cơ yếu Chính phủ")]
        organization: String,
        /// Key type: rsa2048, rsa3072, rsa4096, p256, p384; an RSA key signs
        /// with SHA-256 unless a digest follows (rsa4096-sha384, -sha512).
        #[arg(long, default_value = "rsa4096")]
        key: CaKeyType,
        #[command(flatten)]
        key_at: KeyAtArgs,
    },
    /// Certify one of our CAs (its name and key) under another: prints the
    /// cross-certificate (PEM).
    CrossCertify {
        /// The CA that signs.
        #[arg(long)]
        issuer: String,
        /// The CA certified.
        #[arg(long)]
        subject: String,
        /// Validity in days (default: the sub-ca profile's).
        #[arg(long)]
        days: Option<u32>,
        /// pathLenConstraint (default: none, so the subject's sub-CAs are
        /// reached too).
        #[arg(long)]
        path_len: Option<u8>,
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
        /// Key type: rsa2048, rsa3072, rsa4096, p256, p384; an RSA key signs
        /// with SHA-256 unless a digest follows (rsa3072-sha384, -sha512).
        #[arg(long, default_value = "rsa2048")]
        key: CaKeyType,
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
        #[command(flatten)]
        key_at: KeyAtArgs,
    },
    /// Key ceremony: make a sub-CA's key (on the token with --hsm) and print
    /// its CSR for an external root (e.g. the national root) to sign; then
    /// `ca import-cert` installs the certificate that comes back.
    RequestSub {
        /// The new issuer's id.
        #[arg(long)]
        id: String,
        /// Its common name.
        #[arg(long)]
        name: String,
        /// O of its name.
        #[arg(long, default_value = "Ban Cơ yếu Chính phủ")]
        organization: String,
        /// Key type: rsa2048, rsa3072, rsa4096, p256, p384; an RSA key signs
        /// with SHA-256 unless a digest follows (rsa3072-sha384, -sha512).
        #[arg(long, default_value = "rsa2048")]
        key: CaKeyType,
        #[command(flatten)]
        key_at: KeyAtArgs,
    },
    /// The private keys on the configured token: label, type, whether the
    /// token marks them sensitive and extractable, whether their private
    /// value can be read back, and which issuer or OCSP signer uses them.
    HsmKeys,
    /// Point an existing issuer at a key pair already on the token (found
    /// by label), once checked to be the key its certificate names.
    UseHsmKey {
        /// The issuer.
        #[arg(long)]
        id: String,
        /// The key pair's label on the token.
        #[arg(long)]
        label: String,
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
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    i.id, i.subject, fp, i.status, i.signature_algorithm
                );
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
            key_at,
        } => {
            if external {
                request_sub(ca, &id, &name, &organization, key, &key_at, actor)?;
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
                        key_at: key_at.location(),
                    },
                    actor,
                )?;
                println!("{}\t{}\tSHA256:{}", info.id, info.subject, info.fingerprint);
            }
        }
        CaCommand::CreateRoot {
            id,
            name,
            organization,
            key,
            key_at,
        } => {
            let info = ca.create_extra_root(
                &RootOptions {
                    id,
                    name,
                    organization,
                    key,
                    key_at: key_at.location(),
                },
                actor,
            )?;
            println!("{}\t{}\tSHA256:{}", info.id, info.subject, info.fingerprint);
        }
        CaCommand::CrossCertify {
            issuer,
            subject,
            days,
            path_len,
        } => {
            let issued = ca.cross_certify(&issuer, &subject, days, path_len, actor)?;
            print!("{}", issued.pem());
            eprintln!(
                "{issuer} certified {subject}: cross-certificate serial {}",
                issued.serial.to_hex()
            );
        }
        CaCommand::RequestSub {
            id,
            name,
            organization,
            key,
            key_at,
        } => request_sub(ca, &id, &name, &organization, key, &key_at, actor)?,
        CaCommand::HsmKeys => {
            let users = ca.key_users()?;
            for k in ca.hsm()?.private_keys()? {
                let used_by = users
                    .iter()
                    .find(|(key_ref, _)| *key_ref == ca_core::signer::pkcs11_key_ref(&k.label))
                    .map_or("-", |(_, who)| who.as_str());
                let yes = |b: bool| if b { "yes" } else { "no" };
                println!(
                    "{}\t{}\tsensitive={}\textractable={}\tprivate-value-readable={}\tused-by={used_by}",
                    k.label,
                    k.key_type,
                    yes(k.sensitive),
                    yes(k.extractable),
                    yes(k.value_readable),
                );
            }
        }
        CaCommand::UseHsmKey { id, label } => {
            ca.use_hsm_key(&id, &label, actor)?;
            println!("issuer {id} now signs with the token key {label:?}");
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

/// Where a new CA key goes (`--hsm`, `--hsm-key LABEL`, else software).
#[derive(Debug, Clone, clap::Args)]
pub(super) struct KeyAtArgs {
    /// Generate the key on the configured PKCS#11 token (sensitive,
    /// non-extractable).
    #[arg(long, conflicts_with = "hsm_key")]
    hsm: bool,
    /// Use the key pair already on the token under this label.
    #[arg(long, value_name = "LABEL")]
    hsm_key: Option<String>,
}

impl KeyAtArgs {
    fn location(&self) -> KeyLocation {
        match (&self.hsm_key, self.hsm) {
            (Some(label), _) => KeyLocation::HsmLabel(label.clone()),
            (None, true) => KeyLocation::Hsm,
            (None, false) => KeyLocation::Software,
        }
    }
}

/// Prints the CSR of a new sub-CA for an external root.
fn request_sub(
    ca: &Ca,
    id: &str,
    name: &str,
    organization: &str,
    key: CaKeyType,
    key_at: &KeyAtArgs,
    actor: &str,
) -> anyhow::Result<()> {
    let csr =
        ca.request_external_sub(id, name, Some(organization), key, &key_at.location(), actor)?;
    print!("{csr}");
    eprintln!("issuer {id} waits for its certificate: sign this CSR with the external root, then run `govpki ca import-cert --id {id} --cert FILE`");
    Ok(())
}
