//! `govpki cert …`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ca_core::lifecycle::{CertificateRef, IssueRequest, ReplaceRequest};
use ca_core::registry::SubscriberChanges;
use ca_core::serial::Serial;
use ca_core::status::RevocationReason;
use ca_core::Ca;

/// A certificate named on the command line.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct Target {
    /// The serial (hex; any case, colons and leading zeros accepted).
    #[arg(long)]
    serial: Serial,
    /// The issuer, if the serial exists under several.
    #[arg(long)]
    issuer: Option<String>,
}

impl Target {
    fn reference(&self) -> CertificateRef {
        CertificateRef {
            serial: self.serial.clone(),
            issuer: self.issuer.clone(),
        }
    }
}

/// What renew, change-info and re-issue take.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct ReplaceArgs {
    #[command(flatten)]
    target: Target,
    /// A new CSR (PEM or DER); without it the old key is kept.
    #[arg(long)]
    csr: Option<PathBuf>,
    /// Validity in days.
    #[arg(long)]
    days: Option<u32>,
    /// How the old certificate is revoked (change-info: superseded or
    /// affiliation-changed; reissue: superseded or key-compromise).
    #[arg(long)]
    reason: Option<RevocationReason>,
    /// Move to another token (reissue).
    #[arg(long)]
    token: Option<String>,
}

/// Subscriber changes that come with change-info.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct InfoChanges {
    /// New full name.
    #[arg(long)]
    name: Option<String>,
    /// New position.
    #[arg(long)]
    title: Option<String>,
    /// New unit (OU).
    #[arg(long)]
    unit: Option<String>,
    /// New parent agency (O).
    #[arg(long)]
    organization: Option<String>,
    /// New locality.
    #[arg(long)]
    locality: Option<String>,
    /// New province.
    #[arg(long)]
    province: Option<String>,
    /// New e-mail.
    #[arg(long)]
    email: Option<String>,
}

/// Certificate commands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum CertCommand {
    /// Cấp mới: issue from a CSR; the certificate PEM on stdout.
    Issue {
        /// The subscriber id.
        #[arg(long)]
        subscriber: i64,
        /// individual, organization, device, or a configured profile.
        #[arg(long)]
        profile: String,
        /// The CSR made on the token (PEM or DER).
        #[arg(long)]
        csr: PathBuf,
        /// The issuing CA (default: the one init made).
        #[arg(long)]
        issuer: Option<String>,
        /// The token the key is on.
        #[arg(long)]
        token: Option<String>,
        /// Validity in days (default: the profile's).
        #[arg(long)]
        days: Option<u32>,
    },
    /// One certificate per CSR of a directory, resumable (a CSR whose
    /// certificate file exists is skipped).
    IssueDir(super::issue_dir::IssueDirArgs),
    /// Gia hạn: same subject, new validity (same key unless --csr).
    Renew(ReplaceArgs),
    /// Thay đổi nội dung: new certificate with updated information; the old one is revoked.
    ChangeInfo {
        #[command(flatten)]
        replace: ReplaceArgs,
        #[command(flatten)]
        changes: InfoChanges,
    },
    /// Cấp lại: new certificate on a new key (--csr required); the old one is revoked.
    Reissue(ReplaceArgs),
    /// Tạm dừng: suspend (certificateHold).
    Suspend(Target),
    /// Khôi phục: restore a suspended certificate.
    Restore(Target),
    /// Thu hồi: revoke with an RFC 5280 reason.
    Revoke {
        #[command(flatten)]
        target: Target,
        /// key-compromise, superseded, affiliation-changed, cessation-of-operation, …
        #[arg(long)]
        reason: RevocationReason,
        /// When the key is known or suspected to have been compromised (RFC 3339).
        #[arg(long)]
        invalidity_date: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Show a certificate and its status (good, suspended, revoked).
    Show {
        #[command(flatten)]
        target: Target,
        /// Also print the PEM.
        #[arg(long)]
        pem: bool,
    },
}

pub(super) fn run(ca: &Ca, cmd: CertCommand, actor: &str) -> anyhow::Result<()> {
    match cmd {
        CertCommand::Issue {
            subscriber,
            profile,
            csr,
            issuer,
            token,
            days,
        } => {
            let csr = read(&csr)?;
            let issued = ca.issue(&IssueRequest {
                subscriber_id: subscriber,
                profile: &profile,
                csr: &csr,
                issuer: issuer.as_deref(),
                token: token.as_deref(),
                days,
                actor,
            })?;
            print!("{}", issued.pem());
        }
        CertCommand::IssueDir(args) => super::issue_dir::run(ca, &args, actor)?,
        CertCommand::Renew(args) => {
            let csr = args.csr.as_deref().map(read).transpose()?;
            print!(
                "{}",
                ca.renew(&replace_request(&args, csr.as_deref(), actor))?
                    .pem()
            );
        }
        CertCommand::ChangeInfo { replace, changes } => {
            let csr = replace.csr.as_deref().map(read).transpose()?;
            let mut request = replace_request(&replace, csr.as_deref(), actor);
            request.changes = SubscriberChanges {
                name: changes.name,
                title: changes.title,
                unit: changes.unit,
                organization: changes.organization,
                locality: changes.locality,
                province: changes.province,
                email: changes.email,
            };
            if let Some(p) = &request.changes.province {
                if let (_, Some(note)) = ca_core::registry::current_province(p)? {
                    eprintln!("note: {note}");
                }
            }
            print!("{}", ca.change_info(&request)?.pem());
        }
        CertCommand::Reissue(args) => {
            let csr = args.csr.as_deref().map(read).transpose()?;
            print!(
                "{}",
                ca.reissue(&replace_request(&args, csr.as_deref(), actor))?
                    .pem()
            );
        }
        CertCommand::Suspend(target) => {
            let row = ca.suspend(&target.reference(), actor)?;
            println!("{} suspended", row.serial);
        }
        CertCommand::Restore(target) => {
            let row = ca.restore(&target.reference(), actor)?;
            println!("{} good (restored)", row.serial);
        }
        CertCommand::Revoke {
            target,
            reason,
            invalidity_date,
        } => {
            let row = ca.revoke(&target.reference(), reason, invalidity_date, actor)?;
            println!("{} revoked ({reason})", row.serial);
        }
        CertCommand::Show { target, pem } => {
            let c = ca.certificate(&target.reference())?;
            println!("serial: {}", c.serial);
            println!("issuer: {}", c.issuer);
            println!("status: {}", c.status);
            if let Some(reason) = &c.revocation_reason {
                println!("reason: {reason}");
            }
            if let Some(at) = &c.revoked_at {
                println!("revoked-at: {at}");
            }
            println!("subject: {}", c.subject);
            println!("profile: {}", c.profile);
            println!("operation: {}", c.operation);
            println!("not-before: {}", c.not_before);
            println!("not-after: {}", c.not_after);
            if let Some(id) = c.subscriber_id {
                println!("subscriber: {id}");
            }
            if pem {
                if let Some(p) = &c.pem {
                    print!("{p}");
                }
            }
        }
    }
    Ok(())
}

fn replace_request<'a>(
    args: &'a ReplaceArgs,
    csr: Option<&'a [u8]>,
    actor: &'a str,
) -> ReplaceRequest<'a> {
    ReplaceRequest {
        cert: args.target.reference(),
        csr,
        days: args.days,
        reason: args.reason,
        token: args.token.as_deref(),
        changes: SubscriberChanges::default(),
        actor,
    }
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}
