//! `init`, `audit verify`, `doctor`.

use anyhow::bail;
use ca_core::audit::Verification;
use ca_core::hierarchy::{InitOptions, KeyLocation};
use ca_core::signer::{CaKeyType, KeySpec};
use ca_core::Ca;

/// `govpki init`.
#[derive(Debug, clap::Args)]
pub(super) struct InitArgs {
    /// Demo hierarchy (root → gov-ca) with a random key passphrase in the data dir.
    #[arg(long)]
    demo: bool,
    /// The root's id.
    #[arg(long, default_value = "root")]
    root_id: String,
    /// The root's common name.
    #[arg(long)]
    root_name: Option<String>,
    /// The root's key type (with a digest for RSA: rsa4096-sha384, -sha512).
    #[arg(long, default_value = "rsa4096")]
    root_key: CaKeyType,
    /// The issuing CA's id.
    #[arg(long, default_value = "gov-ca")]
    issuing_id: String,
    /// The issuing CA's common name.
    #[arg(long)]
    issuing_name: Option<String>,
    /// The issuing CA's key type (with a digest for RSA: rsa3072-sha384).
    #[arg(long, default_value = "rsa2048")]
    issuing_key: CaKeyType,
    /// O of the CA names.
    #[arg(long)]
    organization: Option<String>,
    /// Generate both CA keys on the configured PKCS#11 token
    /// (GOVPKI_HSM_MODULE, GOVPKI_HSM_TOKEN, GOVPKI_HSM_PIN[_FILE]).
    #[arg(long, conflicts_with = "hsm_issuing")]
    hsm: bool,
    /// Generate only the issuing CA's key on the token (the root's stays a
    /// software key, e.g. to be kept offline).
    #[arg(long)]
    hsm_issuing: bool,
}

impl InitArgs {
    /// What `init --demo` runs with.
    pub(super) fn demo() -> Self {
        Self {
            demo: true,
            root_id: "root".to_owned(),
            root_name: None,
            root_key: KeySpec::Rsa4096.into(),
            issuing_id: "gov-ca".to_owned(),
            issuing_name: None,
            issuing_key: KeySpec::Rsa2048.into(),
            organization: None,
            hsm: false,
            hsm_issuing: false,
        }
    }
}

pub(super) fn init(ca: &Ca, args: &InitArgs, actor: &str) -> anyhow::Result<()> {
    let demo = InitOptions::demo();
    let strip_demo = |s: String| {
        if args.demo {
            s
        } else {
            s.replace(" (demo)", "")
        }
    };
    let opts = InitOptions {
        demo: args.demo,
        root_id: args.root_id.clone(),
        root_name: args
            .root_name
            .clone()
            .unwrap_or_else(|| strip_demo(demo.root_name.clone())),
        root_key: args.root_key,
        issuing_id: args.issuing_id.clone(),
        issuing_name: args
            .issuing_name
            .clone()
            .unwrap_or_else(|| strip_demo(demo.issuing_name.clone())),
        issuing_key: args.issuing_key,
        organization: args.organization.clone().unwrap_or(demo.organization),
        root_key_at: if args.hsm {
            KeyLocation::Hsm
        } else {
            KeyLocation::Software
        },
        issuing_key_at: if args.hsm || args.hsm_issuing {
            KeyLocation::Hsm
        } else {
            KeyLocation::Software
        },
    };
    let report = ca.init(&opts, actor)?;
    for issuer in &report.issuers {
        println!(
            "{}\t{}\tSHA256:{}",
            issuer.id, issuer.subject, issuer.fingerprint
        );
    }
    if let Some(path) = report.demo_passphrase_file {
        eprintln!(
            "demo mode: CA keys are encrypted with a random passphrase kept in {} — for demos only",
            path.display()
        );
    }
    if args.demo {
        super::user::demo_accounts(ca, actor)?;
    }
    Ok(())
}

/// `govpki audit …`.
#[derive(Debug, clap::Subcommand)]
pub(super) enum AuditCommand {
    /// Check the hash chain of the whole audit log.
    Verify,
}

pub(super) fn audit(ca: &Ca, cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify => {
            let v = ca
                .store()
                .read(|c| ca_core::audit::verify(c).map_err(ca_core::CaError::from))?;
            match v {
                Verification::Ok { events } => {
                    println!("ok: {events} events");
                    Ok(())
                }
                Verification::Broken { seq, reason } => {
                    bail!("audit log broken at event {seq}: {reason}")
                }
            }
        }
    }
}

/// `govpki doctor`.
#[derive(Debug, clap::Args)]
pub(super) struct DoctorArgs {
    /// Resolve issuances pending for longer than this many seconds (an
    /// issuance in progress in another process is younger).
    #[arg(long, default_value_t = 60)]
    older_than: u32,
    /// Revoke (key-compromise) the live certificates whose key is certified
    /// to another subscriber or is a key of the CA itself.
    #[arg(long)]
    fix: bool,
}

pub(super) fn doctor(ca: &Ca, args: &DoctorArgs, actor: &str) -> anyhow::Result<()> {
    let report = ca.doctor(chrono::Duration::seconds(i64::from(args.older_than)), actor)?;
    for r in &report.resolved {
        println!("resolved interrupted issuance {r}: finished from its recorded TBS and revoked (cessation-of-operation)");
    }
    println!("checked {} certificates", report.checked);
    println!("{}", report.audit);
    for p in &report.problems {
        println!("problem: {p}");
    }
    let keys = ca.key_findings(args.fix, actor)?;
    let unfixed = keys.iter().filter(|k| k.revoked.is_empty()).count();
    for k in &keys {
        if k.revoked.is_empty() {
            println!("problem: {k} (govpki doctor --fix revokes them)");
        } else {
            println!("fixed: {k}");
        }
    }
    if !report.healthy() || unfixed > 0 {
        bail!(
            "{} problem(s) found",
            report.problems.len() + usize::from(!report.audit.is_ok()) + unfixed
        );
    }
    println!("ok");
    Ok(())
}
