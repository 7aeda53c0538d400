//! `govpki user add|list|reset|unlock|disable|enable|set-role`: RA portal
//! accounts (the same operations as the admins' `/users` pages, audited
//! with the CLI's actor); and the demo accounts of `init --demo`.

use ca_core::Ca;
use ra_portal::accounts::{self, listing, manage, CreatedAccount, NewAccount};
use ra_portal::totp_key::TotpKey;
use ra_portal::{totp, Role};

/// `govpki user …`.
#[derive(Debug, clap::Subcommand)]
pub(super) enum UserCommand {
    /// Create an RA portal account; prints its one-time password (and, for
    /// admin and ra_approver, its TOTP secret).
    Add(AddArgs),
    /// Clear the failed sign-ins of an RA portal account so that it may
    /// sign in at once (failed sign-ins make an account wait longer and
    /// longer; they never lock it for good). Audited as `user.unlock`.
    Unlock(UnlockArgs),
    /// List the RA portal accounts: username, role, province, state.
    List,
    /// Give an account a new one-time password (printed once; it must be
    /// changed at the next sign-in); ends its sessions and tokens.
    /// Audited as `user.reset`.
    Reset(UnlockArgs),
    /// Disable an account: it can no longer sign in, and its sessions and
    /// tokens end at once (never the last enabled admin). Audited as
    /// `user.disable`.
    Disable(UnlockArgs),
    /// Enable a disabled account again. Audited as `user.enable`.
    Enable(UnlockArgs),
    /// Change an account's role or province; its sessions and tokens end
    /// at once (never the last enabled admin demoted). Audited as
    /// `user.set-role`.
    SetRole(SetRoleArgs),
}

/// `govpki user unlock|reset|disable|enable`.
#[derive(Debug, clap::Args)]
pub(super) struct UnlockArgs {
    /// The account's username.
    username: String,
}

/// `govpki user set-role`.
#[derive(Debug, clap::Args)]
pub(super) struct SetRoleArgs {
    /// The account's username.
    username: String,
    /// admin, ra_officer, ra_approver or auditor.
    #[arg(long)]
    role: String,
    /// Province (required for ra_officer and ra_approver; current or former name).
    #[arg(long)]
    province: Option<String>,
}

/// `govpki user add`.
#[derive(Debug, clap::Args)]
pub(super) struct AddArgs {
    /// Username: 3-64 of a-z, 0-9, '.', '_', '-'.
    #[arg(long)]
    username: String,
    /// admin, ra_officer, ra_approver or auditor.
    #[arg(long)]
    role: String,
    /// Province (required for ra_officer and ra_approver; current or former name).
    #[arg(long)]
    province: Option<String>,
    /// Department label, e.g. "Sở Khoa học và Công nghệ".
    #[arg(long)]
    department: Option<String>,
}

/// The accounts `init --demo` creates: (username, role, province).
const DEMO_ACCOUNTS: [(&str, Role, Option<&str>, Option<&str>); 4] = [
    ("admin", Role::Admin, None, None),
    (
        "officer",
        Role::RaOfficer,
        Some("Cần Thơ"),
        Some("Sở Khoa học và Công nghệ"),
    ),
    (
        "approver",
        Role::RaApprover,
        Some("Cần Thơ"),
        Some("Sở Khoa học và Công nghệ"),
    ),
    ("auditor", Role::Auditor, None, None),
];

pub(super) fn run(ca: &Ca, cmd: UserCommand, actor: &str) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(args) => {
            let role: Role = args.role.parse()?;
            let key = TotpKey::load_or_create(&ca.config().data_dir)?;
            let created = accounts::create_user(
                ca.store(),
                &key,
                &NewAccount {
                    username: &args.username,
                    role,
                    province: args.province.as_deref(),
                    department: args.department.as_deref(),
                },
                actor,
            )?;
            if let Some(note) = &created.province_note {
                eprintln!("note: {note}");
            }
            print_account(&created);
            Ok(())
        }
        UserCommand::Unlock(args) => {
            accounts::unlock(ca.store(), &args.username, actor)?;
            println!("unlocked: {}", args.username.trim());
            Ok(())
        }
        UserCommand::List => {
            for a in listing::all(ca.store())? {
                println!(
                    "{}\t{}\t{}\t{}",
                    a.username,
                    a.role,
                    a.province.as_deref().unwrap_or("-"),
                    if a.disabled { "disabled" } else { "enabled" },
                );
            }
            Ok(())
        }
        UserCommand::Reset(args) => {
            let done = manage::reset(ca.store(), &args.username, actor)?;
            println!("username: {}", done.user.username);
            println!("one-time password: {}", done.one_time_password);
            Ok(())
        }
        UserCommand::Disable(args) => {
            let u = manage::set_disabled(ca.store(), &args.username, true, actor)?;
            println!("disabled: {}", u.username);
            Ok(())
        }
        UserCommand::Enable(args) => {
            let u = manage::set_disabled(ca.store(), &args.username, false, actor)?;
            println!("enabled: {}", u.username);
            Ok(())
        }
        UserCommand::SetRole(args) => {
            let role: Role = args.role.parse()?;
            let key = TotpKey::load_or_create(&ca.config().data_dir)?;
            let (u, secret) = manage::set_role(
                ca.store(),
                &key,
                &args.username,
                role,
                args.province.as_deref(),
                actor,
            )?;
            println!("username: {}", u.username);
            println!("role: {}", u.role);
            println!(
                "province: {}",
                u.province.as_deref().unwrap_or("(every province)")
            );
            if let Some(secret) = secret {
                println!("totp secret: {secret}");
                println!(
                    "totp uri: {}",
                    totp::otpauth_uri("govpki", &u.username, &secret)
                );
            }
            Ok(())
        }
    }
}

/// Creates the demo accounts and prints their one-time passwords.
pub(super) fn demo_accounts(ca: &Ca, actor: &str) -> anyhow::Result<()> {
    println!();
    println!("demo RA portal accounts (one-time passwords: change them at first sign-in):");
    let key = TotpKey::load_or_create(&ca.config().data_dir)?;
    for (username, role, province, department) in DEMO_ACCOUNTS {
        let created = accounts::create_user(
            ca.store(),
            &key,
            &NewAccount {
                username,
                role,
                province,
                department,
            },
            actor,
        )?;
        print_account(&created);
    }
    Ok(())
}

fn print_account(created: &CreatedAccount) {
    let u = &created.user;
    println!("username: {}", u.username);
    println!("role: {}", u.role);
    println!(
        "province: {}",
        u.province.as_deref().unwrap_or("(every province)")
    );
    if let Some(d) = &u.department {
        println!("department: {d}");
    }
    println!("one-time password: {}", created.one_time_password);
    if let Some(secret) = &created.totp_secret {
        println!("totp secret: {secret}");
        println!(
            "totp uri: {}",
            totp::otpauth_uri("govpki", &u.username, secret)
        );
    }
}
