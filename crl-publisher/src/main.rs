//! `crl-publisher`: CRLs and the trust chain alone, against the database
//! of a govpki CA (for deployments that run it apart from `govpki serve`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use ca_core::config::CaConfig;
use clap::Parser;
use crl_publisher::{RunConfig, ScheduleArgs};

/// The govpki CRL publisher (RFC 5280 full, delta and sharded CRLs) and
/// trust chain.
#[derive(Debug, Parser)]
#[command(name = "crl-publisher", version, about)]
struct Args {
    /// Data directory of the CA: keys, the SQLite database.
    #[arg(long, env = "GOVPKI_DATA_DIR", default_value = "./govpki-data")]
    data_dir: PathBuf,
    /// Database URL: sqlite://PATH, a plain path, or postgres://….
    #[arg(long, env = "GOVPKI_DATABASE_URL")]
    database_url: Option<String>,
    /// Configuration file (default: DATA_DIR/govpki.toml when present).
    #[arg(long, env = "GOVPKI_CONFIG")]
    config: Option<PathBuf>,
    /// File holding the key passphrase (else GOVPKI_KEY_PASSPHRASE).
    #[arg(long, env = "GOVPKI_KEY_PASSPHRASE_FILE")]
    key_passphrase_file: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "GOVPKI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    crl: ScheduleArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,rocket::launch=error")
            }),
        )
        .init();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let passphrase = std::env::var("GOVPKI_KEY_PASSPHRASE").ok();
    let ca = CaConfig::load(
        &args.data_dir,
        args.database_url.as_deref(),
        None,
        args.config.as_deref(),
        passphrase,
        args.key_passphrase_file.as_deref(),
    )?;
    let publisher = args.crl.to_config(&args.data_dir)?;
    crl_publisher::run(RunConfig {
        ca,
        listen: args.listen,
        publisher,
    })?;
    Ok(())
}
