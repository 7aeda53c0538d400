//! `ra-portal`: the RA portal alone, against the database of a govpki CA
//! (for deployments that scale it apart from `govpki serve`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use ca_core::config::CaConfig;
use clap::Parser;
use ra_portal::RunConfig;

/// The govpki RA portal (web pages and /api/v1).
#[derive(Debug, Parser)]
#[command(name = "ra-portal", version, about)]
struct Args {
    /// Data directory of the CA: keys, the SQLite database, the cookie key.
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
    ra_portal::run(RunConfig {
        ca,
        listen: args.listen,
    })?;
    Ok(())
}
