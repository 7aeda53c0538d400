//! Argument parsing and dispatch.

mod ca;
mod cert;
mod crl;
mod issue_dir;
mod maintenance;
mod registry;
mod serve;
mod user;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use ca_core::service::CaArgs;
use ca_core::Ca;
use clap::{Parser, Subcommand};

/// govpki — certificate authority for government digital signatures.
#[derive(Debug, Parser)]
#[command(name = "govpki", version, about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
struct Global {
    /// Where the CA lives (the same flags as the service binaries').
    #[command(flatten)]
    ca: CaArgs,
    /// Public base URL written into AIA, OCSP and CRL URLs (recorded at init).
    #[arg(long, global = true, env = "GOVPKI_PUBLIC_URL")]
    public_url: Option<String>,
    /// Who is acting, for the audit log (default: the OS user).
    #[arg(long, global = true, env = "GOVPKI_ACTOR")]
    actor: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the CA hierarchy: a root and an issuing CA.
    Init(maintenance::InitArgs),
    /// CA hierarchy: list, export, create sub-CAs, import certificates.
    #[command(subcommand)]
    Ca(ca::CaCommand),
    /// Subscribers (individuals, organizations, devices).
    #[command(subcommand)]
    Subscriber(registry::SubscriberCommand),
    /// Signing devices (USB tokens).
    #[command(subcommand)]
    Token(registry::TokenCommand),
    /// Certificates: issue, renew, change-info, reissue, suspend, restore, revoke, show.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Certificate revocation lists: generate now, show, list.
    #[command(subcommand)]
    Crl(crl::CrlCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(maintenance::AuditCommand),
    /// Find and resolve interrupted issuances; check stored certificates and the audit chain.
    Doctor(maintenance::DoctorArgs),
    /// RA portal accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Serve every HTTP service (RA portal, OCSP) on one port; creates the demo CA on first start.
    Serve(serve::ServeArgs),
}

/// Runs the CLI.
pub(crate) fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || matches!(
                    e.kind(),
                    ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                )
            {
                let _ = e.print();
                return if e.use_stderr() {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            let text = e.to_string();
            let line = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            eprintln!("{line} (see govpki --help)");
            return ExitCode::from(2);
        }
    };
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", chain.join(": ").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    let actor = g
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .map(|u| format!("cli:{u}"))
        .unwrap_or_else(|| "cli".to_owned());
    std::fs::create_dir_all(&g.ca.data_dir)
        .with_context(|| format!("cannot create data directory {}", g.ca.data_dir.display()))?;
    let ca = open_ca(g)?;
    match cli.command {
        Command::Init(args) => maintenance::init(&ca, &args, &actor),
        Command::Ca(cmd) => ca::run(&ca, cmd, &actor),
        Command::Subscriber(cmd) => registry::subscriber(&ca, cmd, &actor),
        Command::Token(cmd) => registry::token(&ca, cmd, &actor),
        Command::Cert(cmd) => cert::run(&ca, cmd, &actor),
        Command::Crl(cmd) => crl::run(&ca, cmd, &actor),
        Command::Audit(cmd) => maintenance::audit(&ca, cmd),
        Command::Doctor(args) => maintenance::doctor(&ca, &args, &actor),
        Command::User(cmd) => user::run(&ca, cmd, &actor),
        Command::Serve(args) => serve::serve(ca, || open_ca(g), &args, &actor),
    }
}

/// Loads the configuration (files, environment) and opens the CA.
fn open_ca(g: &Global) -> anyhow::Result<Ca> {
    Ok(Ca::open(g.ca.load(g.public_url.as_deref())?)?)
}

/// Logs go to stderr, warnings only unless RUST_LOG says otherwise.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // Rocket announces its launch as a warning; `serve` prints its own
        // `listening on` line.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,rocket::launch=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
